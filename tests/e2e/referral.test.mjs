// Issue 4's flow in the real app: the office sets up its letter details and a hospital; a
// worker refers an elderly client's case, sends the letter (the register number is issued),
// prints it and saves it as PDF (which must carry the exact Thai); a month later the
// unanswered referral is overdue in "my work"; the reply slip is recorded and the referral
// leaves the overdue list.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { ADMIN, beDateToday, click, fill, launch, screenshot, select, setUpOffice, shotDir, signIn, textOf } from "./driver.mjs";

let app;
let dataDir;
let caseNo;
const saveDir = mkdtempSync(path.join(os.tmpdir(), "raksa-saved-"));
// No desktop viewer under Xvfb; `true` stands in for CUPS `lp` and accepts the job.
const env = { RAKSA_NO_OPEN: "1", RAKSA_SAVE_DIR: saveDir, RAKSA_LP: "true" };
after(async () => {
  await app?.stop();
});

test("a case is referred to a hospital with an official letter, printed and saved as PDF", { timeout: 180_000 }, async () => {
  app = await launch({ env });
  dataDir = app.dataDir;
  const b = app.browser;
  await setUpOffice(b);

  // letter details (administrator)
  await click(b, "#nav-settings");
  await fill(b, "letter_ref_prefix", "พม 0027");
  await fill(b, "letter_owning_unit", "กลุ่มการพัฒนาสังคมและสวัสดิการ");
  await fill(b, "letter_signer_name", "นางสาวมาลี ศรีสุข");
  await fill(b, "letter_signer_position", "พัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดพิษณุโลก");
  await click(b, "#letter-settings-submit");
  await b.waitUntil(async () => (await textOf(b, "#letter-settings")).includes("บันทึกแล้ว"), { timeout: 10_000 });

  // an agency in the directory
  await click(b, "#nav-agencies");
  await click(b, "#add-agency");
  await fill(b, "agency_name", "โรงพยาบาลพุทธชินราช พิษณุโลก");
  await fill(b, "agency_head", "ผู้อำนวยการโรงพยาบาลพุทธชินราช พิษณุโลก");
  await fill(b, "agency_phone", "055-000-111");
  await click(b, "#agency-submit");
  await b.waitUntil(async () => (await textOf(b, "#agency-table")).includes("พุทธชินราช"), { timeout: 10_000 });

  // a case to refer
  await click(b, "#nav-register");
  await fill(b, "title", "นาง");
  await fill(b, "first_name", "บุญมี");
  await fill(b, "last_name", "ทองใบ");
  await fill(b, "citizen_id", "3100600182731");
  await fill(b, "birth_date", "5/3/2490");
  await click(b, "#register-submit");
  await click(b, "#open-case-button");
  await select(b, "channel", "walk_in");
  await click(b, 'input[name="target_groups"][value="elderly"]');
  await click(b, 'input[name="problem_domains"][value="health"]');
  await fill(b, "summary", "ผู้สูงอายุติดเตียง มีแผลกดทับ ขาดผู้ดูแลกลางวัน");
  await click(b, "#open-case-submit");
  await (await b.$("#referral-card")).waitForDisplayed({ timeout: 10_000 });
  caseNo = /พล-\d{4}-\d{6}/.exec(await textOf(b, "#case-title"))?.[0];
  assert.ok(caseNo);

  // refer: only name and problems go with it
  await click(b, "#start-referral");
  await select(b, "referral_agency", await (await b.$('[name="referral_agency"] option:nth-child(2)')).getAttribute("value"));
  await select(b, "referral_urgency", "very_urgent");
  await fill(b, "referral_requested", "การดูแลแผลกดทับและเยี่ยมบ้านโดยผู้ดูแลผู้สูงอายุ");
  await select(b, "referral_basis", "elderly_act");
  await click(b, "#referral-create");
  await b.waitUntil(async () => /ร่าง/.test(await textOf(b, "[data-testid=referral-status]")), { timeout: 10_000 });

  // send: the register number is issued
  await click(b, ".send-referral");
  await fill(b, "letter_date", beDateToday());
  await click(b, "#send-referral-submit");
  await b.waitUntil(async () => (await b.$("[data-testid=letter-no]")).isExisting(), { timeout: 10_000 });
  assert.equal(await textOf(b, "[data-testid=letter-no]"), "พม ๐๐๒๗/๑");
  assert.match(await textOf(b, "[data-testid=referral-status]"), /รอตอบกลับ/);

  // print to the printer, then save as a PDF file that carries the exact Thai
  await click(b, ".print-letter");
  await b.waitUntil(async () => /ไปยังเครื่องพิมพ์แล้ว/.test(await textOf(b, "#referral-card")), { timeout: 15_000 });
  await click(b, ".save-letter");
  await b.waitUntil(async () => /บันทึกไฟล์ PDF แล้ว/.test(await textOf(b, "#referral-card")), { timeout: 15_000 });
  const notice = await textOf(b, "#referral-card .banner-success");
  const pdf = /แล้วที่ (.+\.pdf)/.exec(notice)?.[1];
  assert.ok(pdf && existsSync(pdf) && pdf.startsWith(saveDir), notice);
  const text = execFileSync("pdftotext", [pdf, "-"]).toString().replace(/\s+/g, "");
  for (const s of ["ที่พม๐๐๒๗/๑", "ด่วนมาก", "เรียนผู้อำนวยการโรงพยาบาลพุทธชินราชพิษณุโลก", "นางบุญมีทองใบ", "(นางสาวมาลีศรีสุข)", "แบบตอบกลับการส่งต่อ"]) {
    assert.ok(text.includes(s), `missing ${s}`);
  }
  assert.ok(!text.includes("3100600182731") && !text.includes("๓๑๐๐๖๐๐๑๘๒๗๓๑"), "the ID was not chosen for sharing");
  await screenshot(b, "referral");
  execFileSync("pdftoppm", ["-r", "60", "-png", "-f", "1", "-l", "1", "-singlefile", pdf, path.join(shotDir, "referral-letter")]);

  // the register lists the letter
  await click(b, "#nav-agencies");
  await b.waitUntil(async () => (await textOf(b, "#letter-register")).includes("ผู้อำนวยการโรงพยาบาลพุทธชินราช พิษณุโลก"), { timeout: 10_000 });
  await app.stop();
  app = undefined;
});

test("a month without an answer the referral is overdue; the reply slip takes it off the list", { timeout: 180_000 }, async () => {
  app = await launch({ dataDir, env: { ...env, RAKSA_TEST_CLOCK_OFFSET_DAYS: "31" } });
  const b = app.browser;
  await signIn(b, ADMIN.user, ADMIN.password);
  await click(b, "#nav-my_work");
  await (await b.$("#work-table")).waitForDisplayed({ timeout: 10_000 });
  const row = async () => (await textOf(b, "#work-table tbody")).split("\n").find((t) => t.includes("รอคำตอบการส่งต่อ"));
  const overdue = await row();
  assert.ok(overdue && overdue.includes("เกินกำหนด") && overdue.includes(caseNo), await textOf(b, "#work-table tbody"));
  assert.match(await textOf(b, "#work-table tbody"), /โรงพยาบาลพุทธชินราช/);
  await screenshot(b, "my-work-referral-overdue");

  // open the case from the list; the reply slip came back: received, then accepted
  const rows = await b.$$("#work-table tbody tr");
  for (const r of rows) {
    if ((await r.getText()).includes("รอคำตอบการส่งต่อ")) {
      await (await r.$("td")).click();
      break;
    }
  }
  await (await b.$("#referral-card")).waitForDisplayed({ timeout: 10_000 });
  // The card loads its referrals after the case itself: wait for them, not for the card.
  await b.waitUntil(async () => /เกินกำหนดตอบกลับ/.test(await textOf(b, "#referral-card")), {
    timeout: 10_000,
    timeoutMsg: `the referral should show as overdue: ${await textOf(b, "#referral-card")}`,
  });
  await click(b, ".record-reply");
  await select(b, "referral_to", "received");
  await click(b, "#referral-change-submit");
  await b.waitUntil(async () => /รับเรื่องแล้ว/.test(await textOf(b, "[data-testid=referral-status]")), { timeout: 10_000 });
  await click(b, ".record-reply");
  await select(b, "referral_to", "accepted");
  await fill(b, "referral_note", "รับดูแล นัดเยี่ยมบ้านสัปดาห์หน้า");
  await click(b, "#referral-change-submit");
  await b.waitUntil(async () => /รับดำเนินการ/.test(await textOf(b, "[data-testid=referral-status]")), { timeout: 10_000 });
  assert.match(await textOf(b, "#timeline"), /ส่งต่อ โรงพยาบาลพุทธชินราช พิษณุโลก · รับดำเนินการ/);

  await click(b, "#nav-my_work");
  await b.waitUntil(async () => {
    const t = (await b.$("#work-table")).isExisting() ? await (await b.$("#work-table")).getText() : "";
    return !t.includes("รอคำตอบการส่งต่อ");
  }, { timeout: 10_000 });
});
