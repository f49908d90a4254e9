// Issue 16 end to end: an office imports its register (one urgent case taken in 30 days
// ago and never contacted: late) and syncs; a HuSEC officer in a real browser (Debian's
// chromium) signs in, filters the late list to the province, sees the case without a name,
// opens the person's identity only after giving a reason, and sends an expedite notice.
// The desktop app gets the notice by sync — in "my work" with its own mark, on the case,
// with HuSEC's access on the timeline — the worker answers, and after the next sync HuSEC
// sees the answer. A provincial account of another province sees none of it.
// Screenshots: husec-overview.png, husec-late.png, husec-item.png, expedite-case.png.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import ExcelJS from "exceljs";
import {
  beDateToday,
  chromium,
  click,
  enrolInSettings,
  fill,
  launch,
  screenshot,
  serverBinary,
  setUpOffice,
  startServer,
  textOf,
} from "./driver.mjs";

const dir = mkdtempSync(path.join(os.tmpdir(), "raksa-husec-"));
const db = `sqlite:${path.join(dir, "server.db")}`;
const PASSWORD = "ติดตามเร่งรัด-ศรส-2569";
const cli = (args, env = {}) =>
  execFileSync(serverBinary, ["--db", db, ...args], { env: { ...process.env, ...env } }).toString().trim();
let app;
let server;
let chrome;
after(async () => {
  await chrome?.stop();
  await app?.stop();
  server?.kill("SIGKILL");
});

async function signInHusec(browser, base, user) {
  await browser.url(`${base}/husec`);
  await (await browser.$('[name="username"]')).setValue(user);
  await (await browser.$('[name="password"]')).setValue(PASSWORD);
  await (await browser.$("#login-form button")).click();
  await (await browser.$("#who")).waitForDisplayed({ timeout: 10_000 });
}

test("HuSEC finds a late case, opens its identity with a reason and expedites it; the office answers", { timeout: 300_000 }, async () => {
  cli(["office", "add", "--code", "พล", "--name", "พมจ.พิษณุโลก", "--province", "65"]);
  cli(["office", "add", "--code", "ชม", "--name", "พมจ.เชียงใหม่", "--province", "50"]);
  cli(["husec", "add", "--username", "somsri", "--name", "นางสมศรี ติดตามงาน", "--role", "national"], { RAKSA_HUSEC_PASSWORD: PASSWORD });
  cli(["husec", "add", "--username", "cm-husec", "--name", "นายเชียงใหม่ ศรส.", "--role", "provincial", "--provinces", "50"], {
    RAKSA_HUSEC_PASSWORD: PASSWORD,
  });
  const code = cli(["device", "enroll", "--office", "พล"]).split("\n").pop();
  const started = await startServer(db);
  server = started.proc;
  const base = started.url;

  // The office: its paper register imported, with the case's real intake date.
  const work = mkdtempSync(path.join(os.tmpdir(), "raksa-husec-import-"));
  app = await launch({ env: { RAKSA_NO_OPEN: "1" } });
  const b = app.browser;
  await setUpOffice(b);
  const csv = [
    "คำนำหน้า,ชื่อ,นามสกุล,เลขประจำตัวประชาชน,วันเกิด,ตำบล,อำเภอ,จังหวัด,ครัวเรือน,ความสัมพันธ์,วันที่รับเรื่อง,สรุปเรื่อง,ความเร่งด่วน",
    `นาง,บุญเรือน,ศรีสุข,3100600182731,5/3/2493,ในเมือง,เมืองพิษณุโลก,พิษณุโลก,,,${beDateToday(-30)},ผู้สูงอายุติดเตียง อยู่ลำพัง,เร่งด่วน`,
  ].join("\r\n");
  const file = path.join(work, "register.csv");
  writeFileSync(file, "\ufeff" + csv + "\r\n");
  await click(b, "#nav-import");
  await (await b.$("#import-file")).waitForExist({ timeout: 20_000 });
  await b.execute(() => document.getElementById("import-file")?.classList.remove("visually-hidden"));
  await (await b.$("#import-file")).setValue(file);
  await b.execute(() => document.getElementById("import-file")?.classList.add("visually-hidden"));
  await (await b.$("#import-preview")).waitForDisplayed({ timeout: 20_000 });
  await click(b, "#import-confirm");
  assert.match(await textOf(b, "#import-result"), /เปิดกรณี 1 กรณี/);
  await enrolInSettings(b, base, code);
  await click(b, "#sync-now");
  await b.waitUntil(async () => /ส่งครบแล้ว/.test(await textOf(b, "#sync-indicator")), { timeout: 30_000 });

  // HuSEC, in chromium.
  chrome = await chromium({ width: 1280, height: 1100 });
  const c = chrome.browser;
  await signInHusec(c, base, "somsri");
  const cookie = (await c.getCookies()).find((k) => k.name === "raksa_husec");
  assert.ok(cookie?.httpOnly && cookie.secure && cookie.sameSite === "Strict", JSON.stringify(cookie));
  assert.match(await (await c.$("#total-overdue")).getText(), /^1$/);
  await screenshot(c, "husec-overview");
  await c.url(`${base}/husec/late`);
  await (await c.$("#province")).selectByAttribute("value", "65");
  await (await c.$("#late-filters button[type=submit]")).click();
  await c.waitUntil(async () => (await c.getUrl()).includes("province=65"), { timeout: 10_000 });
  assert.equal(await (await c.$("#late-total")).getText(), "1");
  const list = await (await c.$("main")).getText();
  assert.match(list, /พล-\d{4}-\d{6}/);
  assert.match(list, /ติดต่อผู้รับบริการครั้งแรก/, "the milestone that is late");
  assert.doesNotMatch(list, /บุญเรือน|3100600182731/, "no names or IDs in the list");
  await screenshot(c, "husec-late");
  // The export, read back with a spreadsheet reader nobody here wrote (ExcelJS).
  const session = (await c.getCookies()).find((k) => k.name === "raksa_husec").value;
  const xlsx = await fetch(`${base}/husec/late.xlsx?province=65`, { headers: { cookie: `raksa_husec=${session}` } });
  assert.equal(xlsx.status, 200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(await xlsx.arrayBuffer()));
  const sheet = wb.getWorksheet("รายการเกินกำหนด");
  assert.ok(sheet, wb.worksheets.map((w) => w.name).join());
  const header = sheet.getRow(3).values.filter(Boolean);
  assert.equal(header[1], "เลขที่");
  const row = sheet.getRow(4);
  assert.match(String(row.getCell(2).value), /พล-\d{4}-\d{6}/);
  assert.equal(row.getCell(8).value, 29, "days late is a number");
  assert.equal(sheet.getRow(5).getCell(2).value, null, "one late case");
  const everything = JSON.stringify(sheet.getSheetValues());
  assert.doesNotMatch(everything, /บุญเรือน|3100600182731/, "no names or IDs in the export");

  // The identity, only with a reason.
  await (await c.$("table.late-list tbody a")).click();
  await (await c.$("#identity-form")).waitForDisplayed({ timeout: 10_000 });
  assert.doesNotMatch(await (await c.$("main")).getText(), /บุญเรือน/);
  await (await c.$("#reason")).setValue("ประสานทีม พม.หนึ่งเดียว ออกเยี่ยมบ้านเร่งด่วน");
  await (await c.$("#identity-form button")).click();
  await (await c.$("#identity-name")).waitForDisplayed({ timeout: 10_000 });
  assert.match(await (await c.$("#identity-name")).getText(), /นางบุญเรือน ศรีสุข/);
  assert.equal(await (await c.$("#identity-id")).getText(), "3100600182731");

  // Expedite it.
  await c.back();
  await (await c.$("#expedite-note")).waitForDisplayed({ timeout: 10_000 });
  await (await c.$("#expedite-note")).setValue("ขอให้ออกเยี่ยมบ้านและรายงานผลภายในสามวัน");
  await (await c.$("#expedite-send")).click();
  await (await c.$("#expedite-sent")).waitForDisplayed({ timeout: 10_000 });
  assert.match(await (await c.$("#notices")).getText(), /แจ้งเร่งรัดครั้งที่ 1[\s\S]*รอสำนักงานตอบ/);
  await screenshot(c, "husec-item");
  const itemUrl = (await c.getUrl()).split("?")[0];

  // The office gets it by sync: in "my work" with its mark, and on the case. (The sync
  // indicator may still say "sent" from the last round: look for the notice itself.)
  await b.waitUntil(
    async () => {
      await click(b, "#nav-settings");
      await click(b, "#sync-now");
      await b.waitUntil(async () => /ส่งครบแล้ว/.test(await textOf(b, "#sync-indicator")), { timeout: 30_000 });
      await click(b, "#nav-my_work");
      return (await b.$("#work-expedite")).waitForDisplayed({ timeout: 3_000 }).then(
        () => true,
        () => false,
      );
    },
    { timeout: 60_000, interval: 500 },
  );
  assert.match(await textOf(b, "#work-expedite"), /ขอให้ออกเยี่ยมบ้านและรายงานผลภายในสามวัน/);
  await click(b, "#work-expedite button.link");
  await (await b.$("#case-expedite")).waitForDisplayed({ timeout: 15_000 });
  assert.match(await textOf(b, "body"), /ศรส\. เปิดดูข้อมูลบุคคลของกรณีนี้/, "the access is on the timeline");
  assert.match(await textOf(b, "body"), /ประสานทีม พม\.หนึ่งเดียว ออกเยี่ยมบ้านเร่งด่วน/, "with its reason");
  await fill(b, "expedite_answer", "ออกเยี่ยมบ้านแล้ววันนี้ ประสาน อสม. ดูแลต่อเนื่อง");
  await click(b, "#expedite-answer-send");
  await b.waitUntil(async () => /ตอบแล้ว/.test(await textOf(b, "#case-expedite")), { timeout: 15_000 });
  await screenshot(b, "expedite-case");
  await click(b, "#nav-settings");
  await click(b, "#sync-now");
  await b.waitUntil(async () => /ส่งครบแล้ว/.test(await textOf(b, "#sync-indicator")), { timeout: 30_000 });

  // HuSEC sees the answer.
  await c.waitUntil(
    async () => {
      await c.url(itemUrl);
      return /ออกเยี่ยมบ้านแล้ววันนี้/.test(await (await c.$("#notices")).getText());
    },
    { timeout: 30_000, interval: 1_000 },
  );
  assert.match(await (await c.$("#notices")).getText(), /สำนักงานตอบแล้ว|ออกเยี่ยมบ้านแล้ว/);

  // Chiang Mai's provincial staff see none of Phitsanulok's.
  await c.deleteCookies();
  await signInHusec(c, base, "cm-husec");
  await c.url(`${base}/husec/late`);
  assert.equal(await (await c.$("#late-total")).getText(), "0");
  await c.url(itemUrl);
  assert.doesNotMatch(await (await c.$("main")).getText(), /พล-\d{4}/);
});
