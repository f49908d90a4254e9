// Issue 15 in the real app: requests for help filed through the partner API (as ESS Help Me
// would) are routed by the server's routing table to the Phitsanulok office; the desktop
// app receives them by sync into its inbox (badge, urgent notice), accepts one into a case
// for a person registered from the request, passes the other on to Chiang Mai with a
// reason; after the next sync the partner sees "case opened", and Chiang Mai owns the other.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { click, enrolInSettings, fill, launch, screenshot, serverBinary, setUpOffice, startServer, textOf } from "./driver.mjs";

let app;
let server;
after(async () => {
  await app?.stop();
  server?.kill("SIGKILL");
});

const elderly = {
  reporter: { name: "นางสมศรี ใจงาม", phone: "0812345678", relation: "เพื่อนบ้าน" },
  person: { name: "นายบุญมา ทองดี", approx_age: 78, sex: "male" },
  subdistrict_code: "650101",
  gps: { lat: 16.8211, lon: 100.2659 },
  address_text: "บ้านไม้ริมน้ำ ซอย 3",
  core_issues: ["elderly"],
  urgency: "normal",
  details: "ผู้สูงอายุอยู่ลำพัง ลูกหลานไปทำงานต่างจังหวัด ไม่มีคนดูแลเรื่องอาหารและยา",
};
const homeless = {
  reporter: null,
  person: { name: "ไม่ทราบชื่อ" },
  subdistrict_code: "650101",
  address_text: "ใต้สะพานข้ามแม่น้ำน่าน",
  core_issues: ["homeless"],
  urgency: "urgent",
  details: "ชายไร้บ้านนอนอยู่ใต้สะพาน ป่วย ไม่มีอาหาร",
};

test("a partner's requests reach the right office, one becomes a case, one is passed on", { timeout: 240_000 }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "raksa-requests-"));
  const db = `sqlite:${path.join(dir, "server.db")}`;
  const cli = (...args) => execFileSync(serverBinary, ["--db", db, ...args]).toString().trim();
  cli("office", "add", "--code", "พล", "--name", "พมจ.พิษณุโลก");
  cli("office", "add", "--code", "ชม", "--name", "พมจ.เชียงใหม่");
  cli("route", "set", "--area", "65", "--office", "พล");
  const key = cli("partner", "add", "--name", "ESS Help Me").split("\n").pop();
  const code = cli("device", "enroll", "--office", "พล").split("\n").pop();
  const started = await startServer(db);
  server = started.proc;
  const url = started.url;

  const file = async (body, idem) => {
    const r = await fetch(`${url}/v1/requests`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "idempotency-key": idem, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: r.status, json: await r.json() };
  };
  const first = await file(elderly, "ess-0001");
  assert.equal(first.status, 201, JSON.stringify(first.json));
  assert.equal(first.json.office, "พล");
  assert.equal((await file(elderly, "ess-0001")).json.id, first.json.id, "resent: the same request");
  const second = await file(homeless, "ess-0002");
  assert.equal(second.status, 201);

  app = await launch();
  const b = app.browser;
  await setUpOffice(b);
  await enrolInSettings(b, url, code);
  await click(b, "#sync-now");
  await b.waitUntil(async () => /ส่งครบแล้ว/.test(await textOf(b, "#sync-indicator")), { timeout: 30_000 });

  // The inbox: two waiting, one urgent (badge and status-bar notice).
  await b.waitUntil(async () => (await textOf(b, "#nav-requests")).includes("2"), { timeout: 20_000 });
  await (await b.$("#urgent-requests")).waitForDisplayed({ timeout: 20_000 });
  await click(b, "#nav-requests");
  await (await b.$(`[data-request="${first.json.id}"]`)).waitForDisplayed({ timeout: 10_000 });
  const inbox = await textOf(b, "#request-inbox");
  assert.match(inbox, /รอดำเนินการ \(2\)/);
  assert.match(inbox, /นางสมศรี ใจงาม/);
  assert.match(inbox, /ในเมือง เมืองพิษณุโลก พิษณุโลก/);
  await screenshot(b, "request-inbox");

  // Accept the first: the person is registered from the request and a case opens.
  await click(b, `[data-request="${first.json.id}"] .accept-request`);
  const form = await b.$(`[data-request="${first.json.id}"] .accept-form`);
  await form.waitForDisplayed({ timeout: 10_000 });
  assert.equal(await (await b.$(`[data-request="${first.json.id}"] input[name="first_name"]`)).getValue(), "บุญมา");
  await click(b, `[data-request="${first.json.id}"] .register-and-open`);
  await (await b.$("#case-title")).waitForDisplayed({ timeout: 15_000 });
  assert.match(await textOf(b, "body"), /บุญมา/);

  // Pass the second on to Chiang Mai with a reason.
  await click(b, "#nav-requests");
  await click(b, `[data-request="${second.json.id}"] .pass-on-request`);
  await fill(b, "pass_to", "ชม");
  await fill(b, "step_reason", "ชายคนนี้ย้ายไปอยู่เชียงใหม่แล้วตามที่ผู้แจ้งบอก");
  await click(b, `[data-request="${second.json.id}"] .step-form button.primary`);
  await b.waitUntil(async () => /ส่งต่อแล้ว/.test(await textOf(b, "#request-inbox")), { timeout: 10_000 });

  // Sync: the case goes up before the step naming it; the partner sees the outcome.
  await click(b, "#nav-settings");
  await click(b, "#sync-now");
  await b.waitUntil(async () => /ส่งครบแล้ว/.test(await textOf(b, "#sync-indicator")), { timeout: 30_000 });
  const status = async (id) => (await fetch(`${url}/v1/requests/${id}`, { headers: { authorization: `Bearer ${key}` } })).json();
  await b.waitUntil(async () => (await status(first.json.id)).status === "case_opened", { timeout: 20_000 });
  assert.equal((await status(first.json.id)).status_th, "เปิดกรณีช่วยเหลือแล้ว");
  assert.equal((await status(second.json.id)).status, "received", "received again, at Chiang Mai");
  assert.match(cli("request", "queue"), /^$/, "nothing waits in the national queue");
});
