// Issue 14 §6 in the real app: a violence case opened by one worker is need-to-know. A
// second worker sees in the case list that it exists but not who it is about, and opens it
// only by breaking the glass with a reason; the supervisor then sees who opened it and why
// on the first screen after signing in.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { click, fill, launch, screenshot, select, setUpOffice, signIn, textOf } from "./driver.mjs";

const MALEE = { user: "malee", password: "ผู้รับผิดชอบ-2569", name: "นางสาวมาลี ศรีสุข", role: "case_worker" };
const SOMSAK = { user: "somsak", password: "เจ้าหน้าที่เวร-2569", name: "นายสมศักดิ์ ขยัน", role: "case_worker" };
const WILAI = { user: "wilai", password: "หัวหน้างาน-2569", name: "นางวิไล หัวหน้า", role: "supervisor" };
const REASON = "ผู้เสียหายโทรมาขอความช่วยเหลือด่วน ผู้รับผิดชอบลาป่วย";
let app;
after(async () => {
  await app?.stop();
});

async function addUser(b, u) {
  await click(b, "#nav-users");
  await fill(b, "full_name", u.name);
  await fill(b, "position", "นักสังคมสงเคราะห์");
  await fill(b, "username", u.user);
  await select(b, "role", u.role);
  await fill(b, "password", u.password);
  await fill(b, "repeat", u.password);
  await b.keys("Enter");
  await b.waitUntil(async () => (await textOf(b, ".banner-success")).includes(u.name), { timeout: 10_000 });
}

test("a violence case opens to another worker only with a reason the supervisor sees", { timeout: 180_000 }, async () => {
  app = await launch();
  const b = app.browser;
  await setUpOffice(b);
  for (const u of [MALEE, SOMSAK, WILAI]) await addUser(b, u);
  await click(b, "#lock-button");

  // the worker responsible opens a domestic-violence case
  await signIn(b, MALEE.user, MALEE.password);
  await click(b, "#nav-register");
  await fill(b, "title", "นาง");
  await fill(b, "first_name", "ดวงใจ");
  await fill(b, "last_name", "รักษ์ดี");
  await fill(b, "citizen_id", "3100600182731");
  await click(b, "#register-submit");
  await click(b, "#open-case-button");
  await select(b, "channel", "hotline1300");
  await click(b, 'input[name="target_groups"][value="woman"]');
  await click(b, 'input[name="problem_domains"][value="safety"]');
  await fill(b, "summary", "ถูกสามีทำร้ายร่างกาย ต้องการที่พักปลอดภัย");
  await click(b, "#open-case-submit");
  await (await b.$("#case-sensitive")).waitForDisplayed({ timeout: 10_000 });
  const caseNo = (await textOf(b, "#case-title")).match(/พล-\d{4}-\d{6}/)[0];
  await click(b, "#lock-button");

  // another worker: the case is listed, without the name or the summary
  await signIn(b, SOMSAK.user, SOMSAK.password);
  await click(b, "#nav-cases");
  const row = await b.$("#case-table tbody tr");
  await row.waitForDisplayed({ timeout: 10_000 });
  const rowText = await row.getText();
  assert.match(rowText, new RegExp(caseNo));
  assert.match(rowText, /ข้อมูลอ่อนไหว/);
  assert.doesNotMatch(rowText, /ดวงใจ|ทำร้าย/);
  await click(b, "#case-table tbody tr td");
  await (await b.$("#break-glass")).waitForDisplayed({ timeout: 10_000 });
  // a reason of a word is not enough
  await fill(b, "reason", "ดู");
  await click(b, "#break-glass-submit");
  await b.waitUntil(async () => /อย่างน้อย 10 ตัวอักษร/.test(await textOf(b, "#break-glass")), { timeout: 10_000 });
  await fill(b, "reason", REASON);
  await screenshot(b, "break-the-glass");
  await click(b, "#break-glass-submit");
  await (await b.$("#case-title")).waitForDisplayed({ timeout: 10_000 });
  assert.match(await textOf(b, "#case-openings"), /ลาป่วย/);
  await click(b, "#lock-button");

  // the supervisor sees who opened which case and why, on the first screen
  await signIn(b, WILAI.user, WILAI.password);
  await (await b.$("#recent-openings")).waitForDisplayed({ timeout: 10_000 });
  const seen = await textOf(b, "#recent-openings");
  assert.match(seen, new RegExp(caseNo));
  assert.match(seen, /นายสมศักดิ์ ขยัน/);
  assert.match(seen, /ผู้รับผิดชอบลาป่วย/);
  await screenshot(b, "break-the-glass-supervisor");
});
