import { useState } from "react";
import type { ImportPreview } from "../bindings/ImportPreview";
import type { ImportResult } from "../bindings/ImportResult";
import { backend } from "../lib/backend";
import { bytesToBase64 } from "../lib/files";
import { Banner, useSubmit } from "../lib/forms";
import { useI18n } from "../lib/i18n";
import { formatBe } from "../lib/thaiDate";
import { reasonNames } from "./RegisterPerson";

/** Same limit as the core (raksa_core::table::MAX_IMPORT_BYTES); checked here before reading. */
const MAX_BYTES = 40 * 1024 * 1024;

type Choice = string | "new";

/** Import a register from CSV/.xlsx: preview, fix or decide, then all or nothing. */
export function Import() {
  const { pick, lang } = useI18n();
  const L = (th: string, en: string) => (lang === "th" ? th : en);
  const [file, setFile] = useState<{ name: string; data: string } | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [choices, setChoices] = useState<Record<number, Choice>>({});
  const [result, setResult] = useState<ImportResult | null>(null);
  const [tooBig, setTooBig] = useState<string | null>(null);
  const { busy, banner, run } = useSubmit();

  const pickFile = async (files: FileList | null) => {
    const f = files?.[0];
    setPreview(null);
    setResult(null);
    setChoices({});
    setTooBig(null);
    if (!f) return;
    if (f.size > MAX_BYTES) {
      setFile(null);
      setTooBig(L("ไฟล์ใหญ่เกินกำหนด (ไม่เกิน 40 MB ต่อครั้ง) กรุณาแบ่งไฟล์เป็นหลายส่วนแล้วนำเข้าทีละส่วน", "File too large (40 MB at most); split it"));
      return;
    }
    const data = bytesToBase64(await f.arrayBuffer());
    setFile({ name: f.name, data });
    const p = await run(() => backend.importPreview(data));
    if (p) setPreview(p);
  };

  const dupRows = preview?.rows.filter((r) => r.duplicates.length > 0) ?? [];
  const errRows = preview?.rows.filter((r) => r.errors.length > 0) ?? [];
  const undecided = dupRows.filter((r) => !choices[r.line]).length;
  const ready = preview !== null && errRows.length === 0 && undecided === 0 && preview.rows.length > 0;

  const commit = async () => {
    if (!file || !preview) return;
    const decisions = dupRows.map((r) => ({ line: r.line, use_existing: choices[r.line] === "new" ? null : (choices[r.line] ?? null) }));
    const res = await run(() => backend.importCommit(file.data, decisions));
    if (res) {
      setResult(res);
      setPreview(null);
    }
  };

  const formatNote: Record<string, string> = {
    utf8: "UTF-8",
    utf16: "UTF-16",
    tis620: L("TIS-620 (ภาษาไทยแบบเก่าของ Excel) — แปลงเป็น UTF-8 ให้แล้ว กรุณาตรวจสอบตัวอักษรในตัวอย่าง", "TIS-620 (converted; check the Thai below)"),
    workbook: "Excel",
  };

  return (
    <section aria-labelledby="import-title">
      <div className="page-head">
        <h1 id="import-title">{L("นำเข้าทะเบียนจากไฟล์", "Import a register")}</h1>
      </div>
      <div className="card">
        <p>
          {L(
            "รับไฟล์ CSV หรือ Excel (.xlsx) ที่แถวแรกเป็นหัวตาราง ต้องมีคอลัมน์ ชื่อ และ นามสกุล (หรือ ชื่อ-นามสกุล) คอลัมน์อื่นที่รู้จัก: คำนำหน้า, เลขประจำตัวประชาชน, วันเกิด (วัน/เดือน/ปี พ.ศ.), เพศ, โทรศัพท์, ที่อยู่, ตำบล, อำเภอ, จังหวัด (หรือ รหัสตำบล), รหัสไปรษณีย์, ครัวเรือน, ความสัมพันธ์, รหัสประจำบ้าน, วันที่รับเรื่อง, สรุปเรื่อง, ช่องทาง, ความเร่งด่วน",
            "CSV or Excel (.xlsx) with a header row. Required: first name and surname columns (Thai headers ชื่อ, นามสกุล).",
          )}
        </p>
        <p className="hint">
          {L("ระบบจะตรวจทุกแถวและแสดงผลก่อน ยังไม่บันทึกข้อมูลใดจนกว่าจะกดยืนยัน และจะบันทึกทั้งไฟล์หรือไม่บันทึกเลย", "Every row is checked and shown first; nothing is saved until you confirm, and then all or nothing.")}
        </p>
        <label className="button file-button">
          {busy ? L("กำลังตรวจสอบ…", "Checking…") : L("เลือกไฟล์…", "Choose file…")}
          <input
            type="file"
            id="import-file"
            accept=".csv,.txt,.xlsx,.xls,.ods,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            disabled={busy}
            className="visually-hidden"
            onChange={(e) => void pickFile(e.target.files)}
          />
        </label>
        {file && <span className="muted"> {file.name}</span>}
        <Banner message={tooBig ?? banner} />
      </div>

      {result && (
        <div className="card" id="import-result">
          <Banner
            kind="success"
            message={L(
              `นำเข้าสำเร็จ: บุคคลใหม่ ${result.people_created} คน, ใช้ทะเบียนเดิม ${result.people_linked} คน, ครัวเรือน ${result.households_created} ครัวเรือน, เปิดกรณี ${result.cases_opened} กรณี`,
              `Imported: ${result.people_created} new, ${result.people_linked} linked, ${result.households_created} households, ${result.cases_opened} cases`,
            )}
          />
        </div>
      )}

      {preview && (
        <div className="card" id="import-preview">
          <h2>{L("ตรวจสอบก่อนนำเข้า", "Check before importing")}</h2>
          <p>
            {L("รูปแบบไฟล์", "File")}: {formatNote[preview.format]} · {L("ข้อมูล", "rows")} {preview.rows.length} {L("แถว", "")} · {L("ครัวเรือน", "households")}{" "}
            {preview.households} · {L("เปิดกรณี", "cases")} {preview.cases}
          </p>
          <p className="small">
            {preview.columns.map((c) => (
              <span key={c.header} className={c.field_th ? "chip static" : "chip static ignored"} title={c.field_th ? undefined : L("ไม่นำเข้า", "not imported")}>
                {c.header}
                {!c.field_th && ` — ${L("ไม่นำเข้า", "not imported")}`}
              </span>
            ))}
          </p>
          <div className="counters">
            <div className={`counter${errRows.length > 0 ? " counter-overdue alarm" : ""}`} id="import-errors">
              <span className="n">{errRows.length}</span>
              <span>{L("แถวที่ต้องแก้ไข", "rows to fix")}</span>
            </div>
            <div className="counter" id="import-duplicates">
              <span className="n">{dupRows.length}</span>
              <span>{L("แถวที่อาจซ้ำกับบุคคลในระบบ", "possible duplicates")}</span>
            </div>
            <div className="counter">
              <span className="n">{preview.rows.length - errRows.length - dupRows.length}</span>
              <span>{L("แถวพร้อมนำเข้า", "rows ready")}</span>
            </div>
          </div>

          {errRows.length > 0 && (
            <>
              <h3>{L("แถวที่ต้องแก้ไขในไฟล์ก่อน", "Rows to fix in the file first")}</h3>
              <table className="grid" id="import-error-table">
                <thead>
                  <tr>
                    <th>{L("แถว", "Row")}</th>
                    <th>{L("ชื่อ", "Name")}</th>
                    <th>{L("คอลัมน์", "Column")}</th>
                    <th>{L("ปัญหา", "Problem")}</th>
                  </tr>
                </thead>
                <tbody>
                  {errRows.flatMap((r) =>
                    r.errors.map((e, i) => (
                      <tr key={`${r.line}-${i}`}>
                        <td className="num">{r.line}</td>
                        <td>{r.display_name.slice(0, 60)}</td>
                        <td>{e.column}</td>
                        <td className="error-text">{lang === "th" ? e.message_th : e.message_en}</td>
                      </tr>
                    )),
                  )}
                </tbody>
              </table>
            </>
          )}

          {dupRows.length > 0 && (
            <>
              <h3>{L("อาจเป็นบุคคลที่มีในระบบแล้ว — กรุณาเลือก", "May already be registered — please decide")}</h3>
              {dupRows.map((r) => (
                <fieldset key={r.line} className="dup-row" data-line={r.line}>
                  <legend>
                    {L("แถว", "Row")} {r.line}: <strong>{r.display_name}</strong> {r.masked_id} {r.birth_date ? `· ${formatBe(r.birth_date, lang)}` : ""}
                  </legend>
                  {r.duplicates.map((c) => (
                    <label key={c.person_id} className="choice">
                      <input
                        type="radio"
                        name={`dup-${r.line}`}
                        className="use-existing"
                        checked={choices[r.line] === c.person_id}
                        onChange={() => setChoices({ ...choices, [r.line]: c.person_id })}
                      />{" "}
                      {L("คนเดียวกับ", "Same as")} <strong>{c.display_name}</strong> {c.masked_id} {c.birth_date ? `· ${formatBe(c.birth_date, lang)}` : ""}{" "}
                      <span className="muted small">
                        ({L("คะแนน", "score")} {c.score}: {c.reasons.map((x) => pick(reasonNames[x])).join(" · ")})
                      </span>
                    </label>
                  ))}
                  {!r.duplicates.some((c) => c.score === 100) && (
                    <label className="choice">
                      <input type="radio" name={`dup-${r.line}`} className="confirm-new" checked={choices[r.line] === "new"} onChange={() => setChoices({ ...choices, [r.line]: "new" })} />{" "}
                      {L("ไม่ใช่คนเดียวกัน — ลงทะเบียนเป็นบุคคลใหม่", "Not the same person — register as new")}
                    </label>
                  )}
                </fieldset>
              ))}
            </>
          )}

          <div className="actions">
            <button type="button" className="primary" id="import-confirm" disabled={!ready || busy} onClick={() => void commit()}>
              {L(`ยืนยันนำเข้า ${preview.rows.length} แถว`, `Import ${preview.rows.length} rows`)}
            </button>
            {!ready && (
              <span className="muted">
                {errRows.length > 0
                  ? L("แก้ไขแถวที่มีปัญหาในไฟล์แล้วเลือกไฟล์ใหม่", "Fix the rows in the file and choose it again")
                  : L(`ยังต้องเลือกอีก ${undecided} แถว`, `${undecided} row(s) still need a decision`)}
              </span>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
