// Issue 3's flow in the real app, as far as it is built: a walk-in case for a bedridden
// elderly person through fact-finding (with a home visit), assessment and planning; the
// plan approved by a supervisor (not its requester); assistance recorded; then the app is
// started 45 days later and the case shows as overdue for follow-up in "my work".
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { ADMIN, click, fill, launch, screenshot, select, setUpOffice, signIn, textOf } from "./driver.mjs";

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

  // fact-finding with a home visit, assessment, planning
  await moveTo(b, "fact_finding");
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

  // a plain move to intervention is not offered; the plan goes to a supervisor
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
