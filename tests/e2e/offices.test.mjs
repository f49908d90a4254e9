// Issue 5's acceptance in the real app: two offices (two app instances, each with its own
// encrypted data folder) and one central server (the real raksa-server binary) on this
// machine. Phitsanulok works offline, refers a case to Chiang Mai and reconnects; Chiang
// Mai receives the referral and accepts it; Phitsanulok sees the acceptance; the national
// view counts both offices.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { after, test } from "node:test";
import { appBinary, beDateToday, click, fill, launch, screenshot, select, setUpOffice, textOf } from "./driver.mjs";

const serverBinary = process.env.RAKSA_SERVER ?? path.join(path.dirname(appBinary), "raksa-server");
const CHIANG_MAI = {
  name: "สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดเชียงใหม่",
  address: "ศาลากลางจังหวัดเชียงใหม่ ถนนโชตนา อำเภอเมืองเชียงใหม่ 50300",
  code: "ชม",
  phone: "053-112-555",
};
let officeA;
let officeB;
let server;
after(async () => {
  await officeA?.stop();
  await officeB?.stop();
  server?.kill("SIGKILL");
});

const dir = mkdtempSync(path.join(os.tmpdir(), "raksa-offices-"));
const db = `sqlite:${path.join(dir, "server.db")}`;
const admin = (...args) => execFileSync(serverBinary, ["--db", db, ...args]).toString().trim().split("\n").pop();

async function startServer(listen) {
  server = spawn(serverBinary, ["--db", db, "serve", "--listen", listen], { stdio: ["ignore", "pipe", "ignore"] });
  const line = await new Promise((resolve) => createInterface({ input: server.stdout }).once("line", resolve));
  return line.trim().split(" ").pop();
}

async function stopServer() {
  const s = server;
  server = undefined;
  await new Promise((resolve) => {
    s.once("exit", resolve);
    s.kill("SIGKILL");
  });
}

async function enrol(b, url, code, name) {
  await click(b, "#sync-indicator");
  await fill(b, "sync_server", url);
  await fill(b, "sync_code", code);
  await fill(b, "sync_name", name);
  await click(b, "#enrol-submit");
  await b.waitUntil(async () => /ลงทะเบียนเครื่องแล้ว/.test(await textOf(b, "#sync-card")), { timeout: 15_000 });
}

/**
 * Settings → "sync now", then waits for *this* cycle's result (the card clears its last
 * result when the button is pressed) and for the status bar to say everything was sent.
 */
async function syncNow(b) {
  await click(b, "#nav-settings");
  await click(b, "#sync-now");
  await b.waitUntil(
    async () => {
      const banner = await b.$("#sync-card .banner-success");
      return (await banner.isExisting()) && /ส่ง \d+ รายการ รับ \d+ รายการ/.test(await banner.getText()) && (await (await b.$("#sync-now")).isEnabled());
    },
    { timeout: 30_000, timeoutMsg: "the sync cycle did not finish" },
  );
  await b.waitUntil(async () => /ส่งครบแล้ว/.test(await textOf(b, "#sync-indicator")), { timeout: 30_000 });
}

test("office A refers a case to office B while offline; B accepts; A sees it; the centre counts both", { timeout: 300_000 }, async () => {
  admin("office", "add", "--code", "พล", "--name", "พมจ.พิษณุโลก");
  admin("office", "add", "--code", "ชม", "--name", "พมจ.เชียงใหม่");
  const codeA = admin("device", "enroll", "--office", "พล");
  const codeB = admin("device", "enroll", "--office", "ชม");
  const staffToken = admin("staff", "add", "--name", "เจ้าหน้าที่ ศรส.");
  const url = await startServer("127.0.0.1:0");
  const listen = url.replace("http://", "");

  // Office A (Phitsanulok): letter details, Chiang Mai in the directory as an office running Raksa
  officeA = await launch();
  const a = officeA.browser;
  await setUpOffice(a);
  await click(a, "#nav-settings");
  await fill(a, "letter_ref_prefix", "พม 0027");
  await fill(a, "letter_signer_name", "นางสาวมาลี ศรีสุข");
  await fill(a, "letter_signer_position", "พัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดพิษณุโลก");
  await click(a, "#letter-settings-submit");
  await a.waitUntil(async () => (await textOf(a, "#letter-settings")).includes("บันทึกแล้ว"), { timeout: 10_000 });
  await click(a, "#nav-agencies");
  await click(a, "#add-agency");
  await fill(a, "agency_name", CHIANG_MAI.name);
  await fill(a, "agency_head", "พัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดเชียงใหม่");
  await click(a, 'input[name="agency_raksa"]');
  await fill(a, "agency_raksa_office", "ชม");
  await click(a, "#agency-submit");
  await a.waitUntil(async () => (await textOf(a, "#agency-table")).includes("เชียงใหม่"), { timeout: 10_000 });
  await enrol(a, url, codeA, "พมจ.พิษณุโลก เครื่อง 1");
  await syncNow(a);

  // The network goes down. A keeps working: a case, a referral to Chiang Mai, the letter sent.
  await stopServer();
  await click(a, "#nav-register");
  await fill(a, "title", "นาง");
  await fill(a, "first_name", "บุญมี");
  await fill(a, "last_name", "ทองใบ");
  await fill(a, "citizen_id", "3100600182731");
  await click(a, "#register-submit");
  await click(a, "#open-case-button");
  await select(a, "channel", "walk_in");
  await click(a, 'input[name="target_groups"][value="elderly"]');
  await fill(a, "summary", "ผู้สูงอายุย้ายไปอยู่กับบุตรที่เชียงใหม่ ต้องการผู้ดูแลต่อเนื่อง");
  await click(a, "#open-case-submit");
  await (await a.$("#referral-card")).waitForDisplayed({ timeout: 10_000 });
  await click(a, "#start-referral");
  await select(a, "referral_agency", await (await a.$('[name="referral_agency"] option:nth-child(2)')).getAttribute("value"));
  await fill(a, "referral_requested", "รับดูแลต่อในพื้นที่จังหวัดเชียงใหม่และเยี่ยมบ้าน");
  await select(a, "referral_basis", "elderly_act");
  await click(a, "#referral-create");
  await a.waitUntil(async () => /ร่าง/.test(await textOf(a, "[data-testid=referral-status]")), { timeout: 10_000 });
  await click(a, ".send-referral");
  await fill(a, "letter_date", beDateToday());
  await click(a, "#send-referral-submit");
  await a.waitUntil(async () => (await a.$("[data-testid=letter-no]")).isExisting(), { timeout: 10_000 });
  await (await a.$("#case-unsynced")).waitForDisplayed({ timeout: 10_000 });
  // an attempt while the server is down: offline, changes waiting, nothing lost
  await click(a, "#nav-settings");
  await click(a, "#sync-now");
  await a.waitUntil(async () => /ออฟไลน์/.test(await textOf(a, "#sync-indicator")), { timeout: 30_000 });
  assert.match(await textOf(a, "#sync-indicator"), /ค้างส่ง \d+ รายการ/);
  await screenshot(a, "sync-offline");

  // Back online: A sends everything
  await startServer(listen);
  await syncNow(a);

  // Office B (Chiang Mai), a second app instance: enrols, receives the referral, accepts it
  officeB = await launch();
  const b = officeB.browser;
  await setUpOffice(b, { office: CHIANG_MAI });
  await enrol(b, url, codeB, "พมจ.เชียงใหม่ เครื่อง 1");
  await syncNow(b);
  await click(b, "#nav-agencies");
  await b.waitUntil(async () => /จากสำนักงาน พล/.test(await textOf(b, "#incoming-referrals")), { timeout: 10_000 });
  assert.match(await textOf(b, "#incoming-referrals"), /รับดูแลต่อในพื้นที่จังหวัดเชียงใหม่/);
  assert.match(await textOf(b, "#incoming-referrals"), /นางบุญมี ทองใบ/);
  await screenshot(b, "incoming-referral");
  await click(b, "#incoming-referrals .reply-referral");
  await select(b, "reply_status", "accepted");
  await fill(b, "reply_note", "รับดูแล นัดเยี่ยมบ้านภายในสัปดาห์นี้");
  await click(b, "#incoming-referrals form button.primary");
  await b.waitUntil(async () => /ระบบจะส่งคำตอบให้ผู้ส่ง/.test(await textOf(b, "#incoming-referrals")), { timeout: 10_000 });
  await syncNow(b);

  // A sees the acceptance on the case
  await syncNow(a);
  await click(a, "#nav-cases");
  await click(a, "#case-table tbody tr td");
  await (await a.$("#referral-card")).waitForDisplayed({ timeout: 10_000 });
  await a.waitUntil(async () => /รับดำเนินการ/.test(await textOf(a, "[data-testid=referral-status]")), { timeout: 10_000 });
  assert.match(await textOf(a, "#timeline"), /รับดูแล นัดเยี่ยมบ้านภายในสัปดาห์นี้/);
  assert.equal(await (await a.$("#case-unsynced")).isExisting(), false);

  // The national view counts both offices
  const res = await fetch(`${url}/v1/national`, { headers: { Authorization: `Bearer ${staffToken}` } });
  assert.equal(res.status, 200);
  const n = await res.json();
  const office = (code) => n.offices.find((o) => o.office === code);
  assert.equal(office("พล").open, 1);
  assert.equal(office("พล").referrals_waiting, 0);
  assert.equal(office("ชม").referrals_in, 1);
  assert.equal(n.totals.referrals_in, 1);
});
