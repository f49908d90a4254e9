// Issue 4's flow in the real app: the office sets up its letter details and an agency; a
// worker refers a case, sends the letter (the register number is issued), prints it (the
// PDF must carry the exact Thai), and records the agency's answer.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { after, test } from "node:test";
import { beDateToday, click, fill, launch, screenshot, select, setUpOffice, shotDir, textOf } from "./driver.mjs";

let app;
after(async () => {
  await app?.stop();
});

test("a case is referred with an official letter and the reply is recorded", { timeout: 180_000 }, async () => {
  app = await launch({ env: { RAKSA_NO_OPEN: "1" } });
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
  await fill(b, "agency_name", "โรงพยาบาลส่งเสริมสุขภาพตำบลบ้านกร่าง");
  await fill(b, "agency_head", "ผู้อำนวยการโรงพยาบาลส่งเสริมสุขภาพตำบลบ้านกร่าง");
  await fill(b, "agency_phone", "055-000-111");
  await click(b, "#agency-submit");
  await b.waitUntil(async () => (await textOf(b, "#agency-table")).includes("บ้านกร่าง"), { timeout: 10_000 });

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

  // print: the PDF is written and carries the exact Thai
  await click(b, ".print-letter");
  await b.waitUntil(async () => /โปรแกรมอ่าน PDF/.test(await textOf(b, "#referral-card")), { timeout: 15_000 });
  const notice = await textOf(b, "#referral-card .banner-success");
  const pdf = /ไฟล์: (.+\.pdf)\)/.exec(notice)?.[1];
  assert.ok(pdf && existsSync(pdf), notice);
  const text = execFileSync("pdftotext", [pdf, "-"]).toString().replace(/\s+/g, "");
  for (const s of ["ที่พม๐๐๒๗/๑", "ด่วนมาก", "เรียนผู้อำนวยการโรงพยาบาลส่งเสริมสุขภาพตำบลบ้านกร่าง", "นางบุญมีทองใบ", "(นางสาวมาลีศรีสุข)", "แบบตอบกลับการส่งต่อ"]) {
    assert.ok(text.includes(s), `missing ${s}`);
  }
  assert.ok(!text.includes("3100600182731") && !text.includes("๓๑๐๐๖๐๐๑๘๒๗๓๑"), "the ID was not chosen for sharing");
  await screenshot(b, "referral");
  execFileSync("pdftoppm", ["-r", "60", "-png", "-f", "1", "-l", "1", "-singlefile", pdf, path.join(shotDir, "referral-letter")]);

  // the reply slip comes back: accepted
  await click(b, ".record-reply");
  await select(b, "referral_to", "accepted");
  await fill(b, "referral_note", "รับดูแล นัดเยี่ยมบ้านสัปดาห์หน้า");
  await click(b, "#referral-change-submit");
  await b.waitUntil(async () => /รับดำเนินการ/.test(await textOf(b, "[data-testid=referral-status]")), { timeout: 10_000 });
  assert.match(await textOf(b, "#timeline"), /ส่งต่อ โรงพยาบาลส่งเสริมสุขภาพตำบลบ้านกร่าง · รับดำเนินการ/);

  // the register lists the letter
  await click(b, "#nav-agencies");
  await b.waitUntil(async () => (await textOf(b, "#letter-register")).includes("ผู้อำนวยการโรงพยาบาลส่งเสริมสุขภาพตำบลบ้านกร่าง"), { timeout: 10_000 });
});
