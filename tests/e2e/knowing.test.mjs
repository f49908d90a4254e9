// Issue 6's flow in the real app: a register is imported from CSV with one person who is
// already registered (written differently), the duplicate is resolved by using the
// existing record, the dashboard shows the office's open cases and opens the list behind a
// number, and the month's report is saved as .xlsx and read back here with a spreadsheet
// library.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import ExcelJS from "exceljs";
import { beDateToday, click, fill, launch, screenshot, setUpOffice, textOf } from "./driver.mjs";

const work = mkdtempSync(path.join(tmpdir(), "raksa-knowing-"));
const saveDir = path.join(work, "saved");
let app;
after(async () => {
  await app?.stop();
});

test("import with one duplicate, the dashboard, and the month's report as .xlsx", { timeout: 240_000 }, async () => {
  app = await launch({ env: { RAKSA_NO_OPEN: "1", RAKSA_SAVE_DIR: saveDir } });
  const b = app.browser;
  await setUpOffice(b);

  // Someone registered by hand earlier.
  await click(b, "#nav-register");
  await fill(b, "title", "นาง");
  await fill(b, "first_name", "มาลี");
  await fill(b, "last_name", "วงศ์สุวรรณ");
  await fill(b, "citizen_id", "1101700203450");
  await fill(b, "birth_date", "5/3/2493");
  await click(b, "#register-submit");
  assert.equal(await textOf(b, "#person-title"), "นางมาลี วงศ์สุวรรณ");

  // The office's old register, as Excel users save it: she is in it again, spelled
  // differently and without an ID, with a case; two new people share a household.
  const today = beDateToday();
  const csv = [
    "คำนำหน้า,ชื่อ,นามสกุล,เลขประจำตัวประชาชน,วันเกิด,ตำบล,อำเภอ,จังหวัด,ครัวเรือน,ความสัมพันธ์,วันที่รับเรื่อง,สรุปเรื่อง,ความเร่งด่วน",
    `นาง,มาลี,วงสุวรรณ,,5/3/2493,บ้านกร่าง,เมืองพิษณุโลก,พิษณุโลก,,,${today},ผู้สูงอายุอยู่ลำพัง,ปกติ`,
    `นาย,บุญมี,ทองใบ,3100600182731,1/1/2495,ในเมือง,เมืองพิษณุโลก,พิษณุโลก,บ้าน-1,หัวหน้าครัวเรือน,${today},ขาดรายได้ ติดเตียง,เร่งด่วน`,
    `เด็กหญิง,ต้นข้าว,ทองใบ,,12/6/2560,ในเมือง,เมืองพิษณุโลก,พิษณุโลก,บ้าน-1,หลาน,,,`,
  ].join("\r\n");
  const file = path.join(work, "register.csv");
  writeFileSync(file, "\ufeff" + csv + "\r\n");

  await click(b, "#nav-import");
  // WebKitWebDriver types a path only into a visible file input; the app shows a button.
  // (The screen must have rendered first, or there is nothing to unhide yet.)
  await (await b.$("#import-file")).waitForExist({ timeout: 20_000 });
  await b.execute(() => document.getElementById("import-file")?.classList.remove("visually-hidden"));
  await (await b.$("#import-file")).setValue(file);
  await b.execute(() => document.getElementById("import-file")?.classList.add("visually-hidden"));
  await (await b.$("#import-preview")).waitForDisplayed({ timeout: 20_000 });
  assert.equal(await textOf(b, "#import-errors .n"), "0");
  assert.equal(await textOf(b, "#import-duplicates .n"), "1");
  const dup = await textOf(b, "fieldset.dup-row");
  assert.match(dup, /แถว 2/);
  assert.match(dup, /วงศ์สุวรรณ/, "the registered record is offered");
  assert.equal(await (await b.$("#import-confirm")).isEnabled(), false, "not before the duplicate is decided");
  await screenshot(b, "import-preview");
  await click(b, "fieldset.dup-row .use-existing");
  await click(b, "#import-confirm");
  const done = await textOf(b, "#import-result");
  assert.match(done, /บุคคลใหม่ 2 คน/);
  assert.match(done, /ใช้ทะเบียนเดิม 1 คน/);
  assert.match(done, /ครัวเรือน 1 ครัวเรือน/);
  assert.match(done, /เปิดกรณี 2 กรณี/);

  // The dashboard: two open cases, one urgent, both in Mueang Phitsanulok.
  await click(b, "#nav-dashboard");
  await (await b.$("#dash-open")).waitForDisplayed({ timeout: 20_000 });
  assert.match(await textOf(b, "#dash-open"), /^2/);
  const areas = await textOf(b, "#dash-areas");
  assert.match(areas, /เมืองพิษณุโลก/);
  assert.match(areas, /ต\.ในเมือง/);
  assert.match(areas, /ไม่ระบุที่อยู่/, "her case stays on her record, which has no address");
  await screenshot(b, "dashboard");
  await click(b, '#dash-urgency .chip[data-key="urgent"]');
  const list = await textOf(b, "#dash-list");
  assert.match(list, /1 กรณี/);
  assert.match(list, /นายบุญมี ทองใบ/);
  await click(b, "#dash-list tbody td.mono");
  assert.match(await textOf(b, "#case-title"), /พล-/);

  // His welfare rights: the facts come from the record, the reason is spelled out.
  await click(b, "#welfare-start");
  await (await b.$("#welfare-form")).waitForDisplayed({ timeout: 10_000 });
  assert.equal(await (await b.$('input[name="welfare_thai"]')).isSelected(), true, "Thai by his ID");
  await click(b, "#welfare-submit");
  const rights = await textOf(b, '#welfare-results tr[data-scheme="elderly_allowance"]');
  assert.match(rights, /น่าจะมีสิทธิ/);
  assert.match(rights, /อายุ \d+ ปี → เบี้ยยังชีพผู้สูงอายุ [678]00 บาท\/เดือน/);
  assert.match(rights, /อบต\.\/เทศบาล/);
  assert.ok(await (await b.$('#welfare-results tr[data-scheme="elderly_allowance"] .refer-for-right')).isExisting());
  await (await b.$("#welfare-card")).scrollIntoView();
  await screenshot(b, "welfare-rights");

  // His access request under the PDPA: JSON and a readable PDF, saved together.
  await click(b, ".case-view .page-head button.link");
  await click(b, "#access-export");
  assert.match(await textOf(b, "#access-request .banner-success"), /\.json/);
  const exported = readdirSync(saveDir);
  assert.ok(exported.some((f) => f.endsWith(".json")) && exported.some((f) => f.endsWith(".pdf")), exported.join(","));

  // This month's report, saved as .xlsx and read back.
  await click(b, "#nav-reports");
  const kind = await b.$("#report-kind");
  await kind.selectByAttribute("value", "month");
  await click(b, "#report-show");
  assert.match(await textOf(b, "#report-view"), /รับเรื่องใหม่ในช่วงนี้/);
  await screenshot(b, "report");
  await click(b, "#report-xlsx");
  assert.match(await textOf(b, ".banner-success"), /บันทึกไฟล์แล้วที่/);
  const saved = readdirSync(saveDir).filter((f) => f.endsWith(".xlsx"));
  assert.equal(saved.length, 1);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path.join(saveDir, saved[0]));
  assert.deepEqual(
    wb.worksheets.map((w) => w.name),
    ["สรุป", "รายกรณี", "พื้นที่", "รายเดือน"],
  );
  const summary = wb.getWorksheet("สรุป");
  const figures = new Map();
  summary.eachRow((row) => figures.set(String(row.getCell(1).value ?? "").trim(), row.getCell(2).value));
  assert.equal(figures.get("รับเรื่องใหม่ในช่วงนี้"), 2);
  const cases = wb.getWorksheet("รายกรณี");
  const numbers = [];
  cases.eachRow((row, n) => {
    if (n > 3) numbers.push(String(row.getCell(1).value));
  });
  assert.equal(numbers.length, 2);
  assert.ok(numbers.every((n) => /^พล-\d{4}-\d{6}$/.test(n)), numbers.join(","));
  let names = false;
  cases.eachRow((row) => row.eachCell((c) => (names ||= /บุญมี|มาลี/.test(String(c.value)))));
  assert.equal(names, false, "the report carries case numbers, not names");

  // The files left on this PC, each with a delete button: deleting removes it from disk.
  await click(b, "#nav-settings");
  await (await b.$("#saved-files")).waitForDisplayed({ timeout: 10_000 });
  const listed = await textOf(b, "#saved-files");
  const json = readdirSync(saveDir).find((f) => f.endsWith(".json"));
  assert.ok(json && listed.includes(json), listed);
  const before = readdirSync(saveDir).length;
  const row = await b.$(`//div[@id="saved-files"]//tr[td[contains(., "${json}")]]//button`);
  await row.click();
  await b.waitUntil(async () => readdirSync(saveDir).length === before - 1, { timeout: 10_000, timeoutMsg: "the file was not deleted" });
  assert.ok(!readdirSync(saveDir).includes(json));
  await b.waitUntil(async () => !(await textOf(b, "#saved-files")).includes(json), { timeout: 10_000 });
});
