// Issue 15 §4 end to end: the Phitsanulok office registers a volunteer in the desktop app and
// hands over the one-time code; on a phone-sized chromium the volunteer activates the field
// app with it and a PIN, loses signal, files a request — kept on the phone encrypted (the
// test reads IndexedDB raw: no name in clear) — and when the signal is back it is sent once
// and erased from the phone. The office's inbox receives it, accepts it into a case, and the
// volunteer then sees "case opened". Screenshots: field-app.png (phone), volunteers.png.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { chromium, click, enrolInSettings, fill, launch, screenshot, serverBinary, setUpOffice, startServer, textOf } from "./driver.mjs";

let app;
let server;
let chrome;
after(async () => {
  await chrome?.stop();
  await app?.stop();
  server?.kill("SIGKILL");
});

async function syncNow(b) {
  await click(b, "#nav-settings");
  await click(b, "#sync-now");
  await b.waitUntil(async () => /ส่งครบแล้ว/.test(await textOf(b, "#sync-indicator")), { timeout: 30_000 });
}

test("a volunteer files a request with no signal; it is sent once, becomes a case, and the volunteer sees it", { timeout: 300_000 }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "raksa-field-"));
  const db = `sqlite:${path.join(dir, "server.db")}`;
  const cli = (...args) => execFileSync(serverBinary, ["--db", db, ...args]).toString().trim();
  cli("office", "add", "--code", "พล", "--name", "พมจ.พิษณุโลก");
  cli("route", "set", "--area", "65", "--office", "พล");
  const enrolCode = cli("device", "enroll", "--office", "พล").split("\n").pop();
  const started = await startServer(db);
  server = started.proc;
  const url = started.url;

  // The office registers its volunteer and syncs.
  app = await launch();
  const b = app.browser;
  await setUpOffice(b);
  await enrolInSettings(b, url, enrolCode);
  await click(b, "#nav-requests");
  await fill(b, "volunteer_name", "นางบุญเรือน อาสาดี");
  await fill(b, "volunteer_phone", "0891234567");
  await fill(b, "place_search", "บ้านกร่าง พิษณุโลก");
  await (await b.$('[role="option"]')).waitForDisplayed({ timeout: 10_000 });
  await b.keys("Enter");
  await click(b, "#volunteer-submit");
  await (await b.$("[data-testid=volunteer-code]")).waitForDisplayed({ timeout: 10_000 });
  const code = await textOf(b, "[data-testid=volunteer-code]");
  assert.match(code, /^\d{4}-\d{4}-\d{4}$/);
  await (await b.$("#volunteers")).scrollIntoView();
  await screenshot(b, "volunteers");
  await syncNow(b);

  // The volunteer's phone.
  chrome = await chromium({ width: 412, height: 915, phone: true });
  const phone = chrome.browser;
  const P = async (sel) => phone.$(sel);
  await phone.url(`${url}/field/`);
  await (await P("#activate")).waitForDisplayed({ timeout: 10_000 });
  await (await P("#code")).setValue(code);
  await (await P("#new-pin")).setValue("482915");
  await (await P("#new-pin2")).setValue("482915");
  await (await P("#activate-button")).click();
  await (await P("#request-form")).waitForDisplayed({ timeout: 15_000 });
  assert.match(await (await P("#who")).getText(), /นางบุญเรือน อาสาดี/);
  // the code worked once: a second activation with it is refused
  const again = await phone.execute(async (c) => (await fetch("/v1/field/enrol", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ code: c }) })).status, code);
  assert.equal(again, 401);

  // No signal.
  await phone.setNetworkConditions({ offline: true, latency: 0, download_throughput: 0, upload_throughput: 0 });
  await phone.execute(() => window.dispatchEvent(new Event("offline")));
  await (await P('[name="person_name"]')).setValue("นายเปลี่ยน ทองคำ");
  await (await P('[name="person_age"]')).setValue("81");
  await (await P('input[name="issue"][value="elderly"]')).click();
  await (await P('[name="address_text"]')).setValue("บ้านหลังวัดบ้านกร่าง");
  await (await P('[name="details"]')).setValue("ผู้สูงอายุติดเตียง ผู้ดูแลป่วย ต้องการผ้าอ้อมและการเยี่ยมบ้าน");
  await screenshot(phone, "field-app");
  await (await P("#send-button")).click();
  await phone.waitUntil(async () => (await (await P("#outbox-count")).getText()) === "1", { timeout: 10_000 });
  assert.match(await (await P("#message")).getText(), /จะส่งเมื่อมีสัญญาณ/);
  // What the phone keeps, read raw: sealed records only, no name or detail in clear.
  const raw = await phone.execute(
    () =>
      new Promise((resolve) => {
        const r = indexedDB.open("raksa-field", 1);
        r.onsuccess = () => {
          const t = r.result.transaction("vault", "readonly").objectStore("vault").getAll();
          t.onsuccess = () => resolve(JSON.stringify(t.result) + JSON.stringify(localStorage));
        };
      }),
  );
  for (const secret of ["เปลี่ยน", "ทองคำ", "ติดเตียง", "บุญเรือน", "elderly"]) assert.equal(raw.includes(secret), false, `${secret} in clear`);
  assert.match(raw, /"ct":/);

  // Signal back: sent once, erased from the phone.
  await phone.setNetworkConditions({ offline: false, latency: 0, download_throughput: -1, upload_throughput: -1 });
  await phone.execute(() => window.dispatchEvent(new Event("online")));
  await phone.waitUntil(async () => (await (await P("#outbox-count")).getText()) === "0", { timeout: 40_000 });
  await phone.waitUntil(async () => /รับเรื่องแล้ว/.test(await (await P("#mine")).getText()), { timeout: 40_000 });
  // a resend of the same request (a lost answer) is the same request
  const left = await phone.execute(
    () =>
      new Promise((resolve) => {
        const r = indexedDB.open("raksa-field", 1);
        r.onsuccess = () => {
          const t = r.result.transaction("vault", "readonly").objectStore("vault").getAllKeys();
          t.onsuccess = () => resolve(t.result.filter((k) => String(k).startsWith("out:")).length);
        };
      }),
  );
  assert.equal(left, 0, "erased once acknowledged");

  // The office: exactly one request, accepted into a case.
  await syncNow(b);
  await click(b, "#nav-requests");
  await b.waitUntil(async () => /รอดำเนินการ \(1\)/.test(await textOf(b, "#request-inbox")), { timeout: 15_000 });
  assert.match(await textOf(b, "#request-inbox"), /อาสาสมัครพัฒนาสังคม/);
  await click(b, ".accept-request");
  await (await b.$(".accept-form")).waitForDisplayed({ timeout: 10_000 });
  await click(b, ".register-and-open");
  await (await b.$("#case-title")).waitForDisplayed({ timeout: 15_000 });
  await syncNow(b);

  // The volunteer sees the case was opened (never the case file).
  await phone.refresh();
  await (await P("#pin")).waitForDisplayed({ timeout: 10_000 });
  await (await P("#pin")).setValue("482915");
  await (await P("#unlock-button")).click();
  await phone.waitUntil(async () => /เปิดกรณีช่วยเหลือแล้ว/.test(await (await P("#mine")).getText()), { timeout: 40_000 });
});
