// Issue 2's end-to-end flow in the real app: first-run set-up → register a person (a
// wrong ID checksum is refused in Thai) → open a case → lock → unlock (a wrong password is
// refused) → the case is found by a partial Thai name. Screenshots go to artifacts/.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ADMIN, beYearToday, click, fill, launch, screenshot, setUpOffice, textOf } from "./driver.mjs";

let app;
before(async () => {
  app = await launch();
});
after(async () => {
  await app?.stop();
});


test("first-run set-up shows the recovery key once and opens the home screen", { timeout: 180_000 }, async () => {
  const b = app.browser;
  await (await b.$("#setup-title")).waitForDisplayed({ timeout: 30_000 });
  assert.equal(await b.$("html").getAttribute("lang"), "th");
  const key = await setUpOffice(b, { shots: true });
  assert.match(key, /^([0-9A-Z]{5}-){7}[0-9A-Z]{5}$/);
  assert.equal(await textOf(b, "[data-testid=user-name]"), "นายสมชาย ใจดี");
});

test("registering a person with a wrong ID checksum is refused in Thai, then succeeds", { timeout: 180_000 }, async () => {
  const b = app.browser;
  await (await b.$("#nav-register")).click();
  await fill(b, "title", "นาง");
  await fill(b, "first_name", "ประภัสสร");
  await fill(b, "last_name", "วงศ์สุวรรณ");
  await fill(b, "citizen_id", "1112034563563"); // last digit wrong
  await fill(b, "birth_date", "5/3/2490");
  await fill(b, "phone", "081-234-5678");
  await fill(b, "address_text", "12 หมู่ 3");
  // the official sub-district, found by typing Thai and picked with the keyboard
  await fill(b, "place_search", "บ้านกร่าง พิษณุโลก");
  await (await b.$('[role="option"]')).waitForDisplayed({ timeout: 10_000 });
  await b.keys("Enter");
  assert.equal(await textOf(b, "[data-testid=picked-place]"), "ต.บ้านกร่าง อ.เมืองพิษณุโลก จ.พิษณุโลก");
  await (await b.$("#register-submit")).click();
  const err = await textOf(b, ".field-invalid .error");
  assert.match(err, /เลขประจำตัวประชาชนไม่ถูกต้อง/);
  await screenshot(b, "register-wrong-id");
  // nothing was saved: still on the form
  assert.ok(await (await b.$("#register-form")).isDisplayed());
  await fill(b, "citizen_id", "1112034563562");
  await (await b.$("#register-submit")).click();
  const title = await textOf(b, "#person-title");
  assert.equal(title, "นางประภัสสร วงศ์สุวรรณ");
});

test("registering the same person again, spelled differently, shows the existing record first", { timeout: 180_000 }, async () => {
  const b = app.browser;
  await (await b.$("#nav-register")).click();
  await fill(b, "title", "นาง");
  await fill(b, "first_name", "ประภัสสร");
  await fill(b, "last_name", "วงสุวรรณ"); // ศ-less slip of วงศ์สุวรรณ, no ID at hand
  await (await b.$('input[name="id_kind"][value="no_id"]')).click();
  await fill(b, "birth_date", "5/3/2490");
  await (await b.$("#register-submit")).click();
  const panel = await textOf(b, "#duplicate-check");
  assert.match(panel, /อาจเป็นบุคคลที่ลงทะเบียนไว้แล้ว/);
  assert.match(panel, /นางประภัสสร วงศ์สุวรรณ/);
  assert.match(panel, /นามสกุลออกเสียงเหมือนกัน|นามสกุลสะกดใกล้เคียง/);
  assert.match(panel, /วันเกิดตรงกัน/);
  await screenshot(b, "duplicate-check");
  // the worker uses the existing record: nothing new is saved, the person page opens
  await (await b.$("#duplicate-check .use-existing")).click();
  assert.equal(await textOf(b, "#person-title"), "นางประภัสสร วงศ์สุวรรณ");
});

test("opening a case gives it an office case number", { timeout: 180_000 }, async () => {
  const b = app.browser;
  await (await b.$("#open-case-button")).click();
  await fill(b, "summary", "ผู้สูงอายุอยู่ลำพัง ติดเตียง ขาดรายได้ อพม. แจ้งเหตุ");
  await (await b.$("#open-case-submit")).click();
  const expected = `พล-${beYearToday()}-000001`;
  // The person page had a success banner too: wait for the case page before reading.
  await (await b.$("#case-title")).waitForDisplayed({ timeout: 10_000 });
  await b.waitUntil(async () => (await textOf(b, ".banner-success")).includes(expected), {
    timeout: 10_000,
    timeoutMsg: `the banner should name ${expected}`,
  });
  assert.ok((await textOf(b, "#case-title")).includes(expected));
  assert.match(await textOf(b, "#case-stage"), /รับเรื่อง/);
  await screenshot(b, "case");
});

test("lock, a wrong password is refused, unlock, and the case is found by part of a Thai name", { timeout: 180_000 }, async () => {
  const b = app.browser;
  await (await b.$("#lock-button")).click();
  await (await b.$("#unlock-form")).waitForDisplayed({ timeout: 10_000 });
  await screenshot(b, "unlock");
  await fill(b, "username", ADMIN.user);
  await fill(b, "password", "not-the-password");
  await b.keys("Enter");
  assert.equal(await textOf(b, ".banner-error"), "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง");
  await fill(b, "username", ADMIN.user);
  await fill(b, "password", ADMIN.password);
  await b.keys("Enter");
  await (await b.$("#case-search")).waitForDisplayed({ timeout: 15_000 });
  const search = await b.$("#case-search");
  await search.setValue("ภัสสร"); // the middle of the first name
  await b.waitUntil(async () => (await (await b.$("#case-table")).isExisting()) && (await b.$$("#case-table tbody tr")).length === 1, {
    timeout: 10_000,
    timeoutMsg: "search did not narrow to one case",
  });
  const row = await textOf(b, "#case-table tbody tr");
  assert.ok(row.includes("นางประภัสสร วงศ์สุวรรณ"), row);
  assert.ok(row.includes(`พล-${beYearToday()}-000001`), row);
  await search.clearValue();
  await b.waitUntil(async () => (await b.$$("#case-table tbody tr")).length === 1, { timeout: 10_000 });
  await screenshot(b, "home");
});

test("back and forward move between the case list, a case and its person; unsaved input is kept", { timeout: 180_000 }, async () => {
  const b = app.browser;
  const at = async (selector) => (await b.$(selector)).waitForDisplayed({ timeout: 10_000 });
  // the list → the case → its person
  await at("#case-table");
  await click(b, "#case-table tbody tr td");
  await at("#case-title");
  const caseTitle = await textOf(b, "#case-title");
  await click(b, ".case-view .page-head button.link");
  await at("#person-title");
  // back, back: the case, then the list; forward, forward: the case, then the person
  await click(b, "#nav-back");
  await at("#case-title");
  assert.equal(await textOf(b, "#case-title"), caseTitle);
  await b.keys(["Alt", "ArrowLeft"]);
  await at("#case-search");
  await click(b, "#nav-forward");
  await at("#case-title");
  await b.keys(["Alt", "ArrowRight"]);
  await at("#person-title");

  // A half-filled registration: Escape in a field keeps the page; leaving asks first.
  await click(b, "#nav-register");
  await fill(b, "first_name", "สมหญิง");
  await click(b, '[name="first_name"]');
  await b.keys("Escape");
  assert.equal(await (await b.$('[name="first_name"]')).getValue(), "สมหญิง");
  await click(b, "#nav-cases");
  await at('[data-testid="unsaved-dialog"]');
  await screenshot(b, "unsaved-question");
  await click(b, "#unsaved-stay");
  assert.equal(await (await b.$('[name="first_name"]')).getValue(), "สมหญิง");
  await click(b, "#nav-cases");
  await click(b, "#unsaved-leave");
  await at("#case-search");
});

test("correcting a person's surname and sub-district: found by the new name, the old values kept as history", { timeout: 180_000 }, async () => {
  const b = app.browser;
  const at = async (selector) => (await b.$(selector)).waitForDisplayed({ timeout: 10_000 });
  await at("#case-search");
  await (await b.$("#case-search")).setValue("วงศ์สุวรรณ");
  await b.waitUntil(async () => (await b.$$("#case-table tbody tr")).length === 1, { timeout: 10_000 });
  await click(b, "#case-table tbody tr td");
  await at("#case-title");
  await click(b, ".case-view .page-head button.link");
  await at("#person-title");
  await click(b, "#edit-person-button");
  await at("#edit-person-form");
  // the form holds the record as it is
  assert.equal(await (await b.$('[name="last_name"]')).getValue(), "วงศ์สุวรรณ");
  assert.equal(await textOf(b, "[data-testid=picked-place]"), "ต.บ้านกร่าง อ.เมืองพิษณุโลก จ.พิษณุโลก");
  // without a reason nothing is saved, and the form says why in Thai
  await fill(b, "last_name", "ศรีสวัสดิ์");
  await click(b, "#edit-person-submit");
  assert.match(await textOf(b, ".field-invalid .error"), /กรุณากรอกข้อมูลช่องนี้/);
  // a move to another sub-district, picked from the official list
  await click(b, "[data-testid=change-place]");
  await fill(b, "place_search", "วังทอง พิษณุโลก");
  await (await b.$('[role="option"]')).waitForDisplayed({ timeout: 10_000 });
  await b.keys("Enter");
  assert.match(await textOf(b, "[data-testid=picked-place]"), /^ต\.วังทอง อ\.วังทอง จ\.พิษณุโลก$/);
  await fill(b, "reason", "จดทะเบียนสมรส เปลี่ยนนามสกุลตามทะเบียนบ้านใหม่ และย้ายที่อยู่");
  await screenshot(b, "person-edit");
  await click(b, "#edit-person-submit");
  await at("#person-title");
  assert.equal(await textOf(b, "#person-title"), "นางประภัสสร ศรีสวัสดิ์");
  assert.match(await textOf(b, ".banner-success"), /บันทึกการแก้ไขแล้ว \(3 ช่อง\)/);
  // the history: who, why, and (for the administrator) the previous values
  await click(b, "#person-corrections summary");
  const history = await textOf(b, "#person-corrections");
  assert.match(history, /นายสมชาย ใจดี/);
  assert.match(history, /จดทะเบียนสมรส/);
  assert.match(history, /วงศ์สุวรรณ/);
  assert.match(history, /ศรีสวัสดิ์/);
  assert.match(history, /ต\.บ้านกร่าง อ\.เมืองพิษณุโลก จ\.พิษณุโลก \(650113\)/);
  assert.match(history, /ต\.วังทอง อ\.วังทอง จ\.พิษณุโลก/);
  await screenshot(b, "person-corrections");
  // the case list finds the case by the new name, not the old one
  await click(b, "#nav-cases");
  await at("#case-search");
  const search = await b.$("#case-search");
  await search.setValue("ศรีสวัสดิ์");
  await b.waitUntil(async () => (await b.$$("#case-table tbody tr")).length === 1, { timeout: 10_000, timeoutMsg: "the new surname finds the case" });
  assert.ok((await textOf(b, "#case-table tbody tr")).includes("นางประภัสสร ศรีสวัสดิ์"));
  await search.clearValue();
  await search.setValue("วงศ์สุวรรณ");
  await b.waitUntil(async () => (await b.$$("#case-table tbody tr")).length === 0, { timeout: 10_000, timeoutMsg: "the old surname no longer finds it" });
  await search.clearValue();
});
