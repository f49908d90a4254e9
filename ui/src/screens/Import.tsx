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
  const { t, pick, lang } = useI18n();
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
      setTooBig(t("import.fileTooLarge40Mb"));
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
    tis620: t("import.tis620ConvertedCheckThe"),
    workbook: "Excel",
  };

  return (
    <section aria-labelledby="import-title">
      <div className="page-head">
        <h1 id="import-title">{t("import.importARegister")}</h1>
      </div>
      <div className="card">
        <p>
          {t("import.csvOrExcelXlsxWith")}
        </p>
        <p className="hint">
          {t("import.everyRowIsCheckedAnd")}
        </p>
        <label className="button file-button">
          {busy ? t("import.checking") : t("import.chooseFile")}
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
            message={t("import.importedV1NewV2Linked", { v1: result.people_created, v2: result.people_linked, v3: result.households_created, v4: result.cases_opened })}
          />
        </div>
      )}

      {preview && (
        <div className="card" id="import-preview">
          <h2>{t("import.checkBeforeImporting")}</h2>
          <p>
            {t("import.file")}: {formatNote[preview.format]} · {t("import.rows")} {preview.rows.length} {t("import.text")} · {t("import.households")}{" "}
            {preview.households} · {t("import.cases")} {preview.cases}
          </p>
          <p className="small">
            {preview.columns.map((c) => (
              <span key={c.header} className={c.field_th ? "chip static" : "chip static ignored"} title={c.field_th ? undefined : t("import.notImported")}>
                {c.header}
                {!c.field_th && ` — ${t("import.notImported")}`}
              </span>
            ))}
          </p>
          <div className="counters">
            <div className={`counter${errRows.length > 0 ? " counter-overdue alarm" : ""}`} id="import-errors">
              <span className="n">{errRows.length}</span>
              <span>{t("import.rowsToFix")}</span>
            </div>
            <div className="counter" id="import-duplicates">
              <span className="n">{dupRows.length}</span>
              <span>{t("import.possibleDuplicates")}</span>
            </div>
            <div className="counter">
              <span className="n">{preview.rows.length - errRows.length - dupRows.length}</span>
              <span>{t("import.rowsReady")}</span>
            </div>
          </div>

          {errRows.length > 0 && (
            <>
              <h3>{t("import.rowsToFixInThe")}</h3>
              <table className="grid" id="import-error-table">
                <thead>
                  <tr>
                    <th>{t("import.row")}</th>
                    <th>{t("import.name")}</th>
                    <th>{t("import.column")}</th>
                    <th>{t("import.problem")}</th>
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
              <h3>{t("import.mayAlreadyBeRegisteredPlease")}</h3>
              {dupRows.map((r) => (
                <fieldset key={r.line} className="dup-row" data-line={r.line}>
                  <legend>
                    {t("import.row")} {r.line}: <strong>{r.display_name}</strong> {r.masked_id} {r.birth_date ? `· ${formatBe(r.birth_date, lang)}` : ""}
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
                      {t("import.sameAs")} <strong>{c.display_name}</strong> {c.masked_id} {c.birth_date ? `· ${formatBe(c.birth_date, lang)}` : ""}{" "}
                      <span className="muted small">
                        ({t("import.score")} {c.score}: {c.reasons.map((x) => pick(reasonNames[x])).join(" · ")})
                      </span>
                    </label>
                  ))}
                  {!r.duplicates.some((c) => c.score === 100) && (
                    <label className="choice">
                      <input type="radio" name={`dup-${r.line}`} className="confirm-new" checked={choices[r.line] === "new"} onChange={() => setChoices({ ...choices, [r.line]: "new" })} />{" "}
                      {t("import.notTheSamePersonRegister")}
                    </label>
                  )}
                </fieldset>
              ))}
            </>
          )}

          <div className="actions">
            <button type="button" className="primary" id="import-confirm" disabled={!ready || busy} onClick={() => void commit()}>
              {t("import.importV1Rows", { v1: preview.rows.length })}
            </button>
            {!ready && (
              <span className="muted">
                {errRows.length > 0
                  ? t("import.fixTheRowsInThe")
                  : t("import.v1RowSStillNeed", { v1: undecided })}
              </span>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
