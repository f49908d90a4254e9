// Issue 3's flow in the real app: a walk-in case for a bedridden elderly person; the
// electronic fact-finding form filled section by section with a household of three and
// submitted; a home visit, assessment and a plan with a goal; the plan approved by a
// supervisor (not its requester); assistance recorded; then the app is started 45 days
// later and the case shows as overdue for follow-up in "my work".
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { ADMIN, beDateToday, click, fill, launch, screenshot, select, setUpOffice, signIn, textOf } from "./driver.mjs";

const BOSS = { user: "wilai", password: "หัวหน้างาน-2569", name: "นางวิไล หัวหน้า" };
let app;
let dataDir;
let caseNo;
after(async () => {
  await app?.stop();
});

async function moveTo(b, stage) {
  await click(b, "#act-stage");
  await select(b, "stage_to", stage);
  await click(b, "#stage-submit");
  await b.waitUntil(async () => (await (await b.$("#act-stage")).isExisting()) || stage === "planning", { timeout: 10_000 });
}

test("an elderly walk-in case goes from intake to intervention with a supervisor's approval", { timeout: 180_000 }, async () => {
  app = await launch();
  dataDir = app.dataDir;
  const b = app.browser;
  await setUpOffice(b);

  // the administrator adds a supervisor
  await click(b, "#nav-users");
  await fill(b, "full_name", BOSS.name);
  await fill(b, "position", "หัวหน้ากลุ่มการพัฒนาสังคม");
  await fill(b, "username", BOSS.user);
  await select(b, "role", "supervisor");
  await fill(b, "password", BOSS.password);
  await fill(b, "repeat", BOSS.password);
  await b.keys("Enter");
  assert.match(await textOf(b, ".banner-success"), /นางวิไล หัวหน้า/);

  // register the client and open a case
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
  await click(b, 'input[name="target_groups"][value="bedridden"]');
  await click(b, 'input[name="problem_domains"][value="care"]');
  await click(b, 'input[name="problem_domains"][value="income"]');
  await fill(b, "summary", "ผู้สูงอายุติดเตียง อยู่ลำพัง ขาดผู้ดูแลและรายได้");
  await fill(b, "reporter_name", "นายสมหมาย ใจงาม");
  await fill(b, "reporter_relationship", "อพม.");
  await click(b, "#open-case-submit");
  const title = await textOf(b, "#case-title");
  caseNo = /พล-\d{4}-\d{6}/.exec(title)?.[0];
  assert.ok(caseNo, title);

  // fact-finding: the electronic form, section by section
  await moveTo(b, "fact_finding");
  await click(b, "#open-fact-finding");
  await (await b.$("#ff-title")).waitForDisplayed({ timeout: 10_000 });
  const next = () => click(b, "#ff-next");
  // 1 header
  await fill(b, "header.interview_date", beDateToday());
  await select(b, "header.interview_place", "office");
  await next();
  // 2 applicant
  await select(b, "applicant.kind", "self");
  await next();
  // 3 person
  await select(b, "person.marital_status", "widowed");
  await select(b, "person.religion", "buddhism");
  await next();
  // 4 registered address with the cascading picker
  await fill(b, "ff-registered_address-address-house_no", "45/1");
  await fill(b, "ff-registered_address-address-moo", "3");
  await select(b, "ff-registered_address-address-province", "65");
  await select(b, "ff-registered_address-address-district", "6501");
  await select(b, "ff-registered_address-address-subdistrict", "650101");
  await b.waitUntil(async () => (await (await b.$('[name="ff-registered_address-address-postcode"]')).getValue()) === "65000", { timeout: 10_000 });
  await screenshot(b, "fact-finding-form");
  await next();
  // 5 current address
  await select(b, "current_address.kind", "own");
  await click(b, 'input[name="current_address.same_as_registered"][value="yes"]');
  await fill(b, "current_address.gps.lat", "16.8211");
  await fill(b, "current_address.gps.lon", "100.2659");
  await next();
  // 6 household of three: the client as head, her husband and her grandchild
  await click(b, "#create-household");
  await click(b, "#add-member-button");
  await fill(b, "member_title", "นาย");
  await fill(b, "member_first_name", "ทองดี");
  await fill(b, "member_last_name", "ทองใบ");
  await fill(b, "member_birth_date", "1/1/2488");
  await select(b, "member_sex", "male");
  await select(b, "member_relationship", "spouse");
  await click(b, "#add-member-submit");
  await b.waitUntil(async () => (await textOf(b, "#household-members")).includes("ทองดี"), { timeout: 10_000 });
  await click(b, "#add-member-button");
  await fill(b, "member_title", "เด็กหญิง");
  await fill(b, "member_first_name", "น้ำผึ้ง");
  await fill(b, "member_last_name", "ทองใบ");
  await fill(b, "member_birth_date", "1/6/2558");
  await select(b, "member_relationship", "grandchild");
  await click(b, "#add-member-submit");
  await b.waitUntil(async () => (await textOf(b, "#household-members")).includes("น้ำผึ้ง"), { timeout: 10_000 });
  assert.equal((await b.$$("#household-members tbody tr")).length, 3);
  await screenshot(b, "fact-finding-household");
  await next();
  // 7 livelihood
  await select(b, "livelihood.education", "primary");
  await fill(b, "livelihood.occupation", "ไม่ได้ประกอบอาชีพ (ติดเตียง)");
  await fill(b, "livelihood.monthly_income", "600");
  await click(b, 'input[name="livelihood.income_sources"][value="state_welfare"]');
  await next();
  // 8 client types and 9 problems come prefilled from the intake
  await next();
  await fill(b, "problems.details", "ติดเตียง อยู่กับสามีสูงอายุและหลานวัยเรียน รายได้ไม่พอ ไม่มีผู้ดูแลกลางวัน");
  await next();
  // 10 help requested
  await click(b, 'input[name="help_requested.kinds"][value="money"]');
  await click(b, 'input[name="help_requested.kinds"][value="services"]');
  await next();
  // 11 welfare already received
  await click(b, 'input[name="welfare_received.schemes"][value="none"]');
  await next();
  // 12 home visit opinion
  await fill(b, "home_visit.opinion", "ควรได้รับเบี้ยยังชีพ เงินสงเคราะห์ และผู้ดูแล");
  await next();
  await next();
  // 14 consent
  await click(b, 'input[name="consent.acknowledged"]');
  await fill(b, "consent.signed_by", "นางบุญมี ทองใบ");
  await fill(b, "consent.date", beDateToday());
  await next();
  // 15 documents, then submit
  await b.waitUntil(async () => /บันทึกร่างอัตโนมัติแล้ว/.test(await textOf(b, "#save-state")), { timeout: 10_000 });
  await click(b, "#ff-submit");
  await b.waitUntil(async () => /ส่งแบบสอบข้อเท็จจริงแล้ว/.test(await textOf(b, "#save-state")), { timeout: 10_000 });
  assert.equal((await b.$$(".ff-nav-item.complete")).length, 15, "every section complete");
  await click(b, "#ff-back");
  await b.waitUntil(async () => /ส่งแล้ว/.test(await textOf(b, "#ff-status")), { timeout: 10_000 });

  // a home visit, assessment, planning
  await click(b, "#act-visit");
  await fill(b, "visitors", "นายสมชาย ใจดี, อพม.สมหมาย");
  await fill(b, "living_conditions", "บ้านไม้ชั้นเดียว หลังคารั่ว ไม่มีราวจับในห้องน้ำ");
  await fill(b, "findings", "ติดเตียง ไม่มีผู้ดูแลช่วงกลางวัน ไม่ได้รับเบี้ยยังชีพ");
  await fill(b, "opinion", "ควรได้รับเบี้ยยังชีพ เงินสงเคราะห์ และผู้ดูแล");
  await click(b, "#visit-submit");
  await b.waitUntil(async () => (await textOf(b, "#timeline")).includes("ไม่มีผู้ดูแลช่วงกลางวัน"), { timeout: 10_000 });
  await moveTo(b, "assessment");
  await moveTo(b, "planning");
  assert.match(await textOf(b, "#case-stage"), /วางแผน/);

  // a goal in the individual care plan, then the plan goes to a supervisor
  await click(b, "#add-goal-button");
  await fill(b, "goal", "มีรายได้และผู้ดูแลกลางวัน");
  await fill(b, "activity", "ยื่นขอเบี้ยยังชีพที่ อบต. และประสานผู้ดูแลผู้สูงอายุของ รพ.สต.");
  await fill(b, "responsible", "อบต.ในเมือง / รพ.สต.");
  await fill(b, "due_on", beDateToday(21));
  await click(b, "#goal-submit");
  await b.waitUntil(async () => (await textOf(b, "#plan-items")).includes("มีรายได้"), { timeout: 10_000 });
  await click(b, "#act-plan");
  await fill(b, "plan_reason", "แผนดูแลรายบุคคล: เบี้ยยังชีพ, เงินสงเคราะห์ 3,000 บาท, ประสาน รพ.สต.");
  await click(b, "#plan_reason-submit");
  await (await b.$("#pending-approval")).waitForDisplayed({ timeout: 10_000 });
  assert.equal(await (await b.$("#approve-button")).isExisting(), false, "the requester cannot approve");
  await screenshot(b, "case-pending-approval");

  // the supervisor approves
  await click(b, "#lock-button");
  await signIn(b, BOSS.user, BOSS.password);
  const search = await b.$("#case-search");
  await search.setValue(caseNo);
  await b.waitUntil(async () => (await b.$$("#case-table tbody tr")).length === 1, { timeout: 10_000 });
  await click(b, "#case-table tbody tr td");
  await click(b, "#approve-button");
  await b.waitUntil(async () => /ดำเนินการช่วยเหลือ/.test(await textOf(b, "#case-stage")), { timeout: 10_000 });

  // assistance given
  await click(b, "#act-assistance");
  await select(b, "assistance_form", "money");
  await fill(b, "amount_baht", "3000");
  await fill(b, "description", "เงินสงเคราะห์ครอบครัวผู้มีรายได้น้อย");
  await fill(b, "funding", "งบสงเคราะห์ พมจ.");
  await click(b, "#assistance-submit");
  await b.waitUntil(async () => (await textOf(b, "#timeline")).includes("3,000 บาท"), { timeout: 10_000 });
  await screenshot(b, "case-intervention");
  await app.stop();
  app = undefined;
});

test("45 days later the case is overdue for follow-up in the worker's list", { timeout: 180_000 }, async () => {
  app = await launch({ dataDir, env: { RAKSA_TEST_CLOCK_OFFSET_DAYS: "45" } });
  const b = app.browser;
  await signIn(b, ADMIN.user, ADMIN.password);
  await click(b, "#nav-my_work");
  await (await b.$("#work-table")).waitForDisplayed({ timeout: 10_000 });
  const overdue = Number((await textOf(b, "#count-overdue .n")).trim());
  assert.ok(overdue >= 1, `overdue count ${overdue}`);
  const rows = (await textOf(b, "#work-table tbody")).split("\n");
  assert.ok(
    rows.some((t) => t.includes(caseNo) && t.includes("ติดตามผล") && t.includes("เกินกำหนด")),
    rows.join("\n"),
  );
  await screenshot(b, "my-work");
});
