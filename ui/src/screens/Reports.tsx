import { useState } from "react";
import type { ReportView } from "../bindings/ReportView";
import { backend } from "../lib/backend";
import { Banner, Field, useSubmit } from "../lib/forms";
import { useI18n } from "../lib/i18n";
import { MONTHS_TH, isoToBeInput, parseBeDate, todayBangkokIso } from "../lib/thaiDate";

type Period = { kind: "fiscal"; year: number } | { kind: "month"; year: number; month: number } | { kind: "range" };

const pad = (n: number) => String(n).padStart(2, "0");

function fiscalYearOf(iso: string): number {
  const y = Number(iso.slice(0, 4));
  const m = Number(iso.slice(5, 7));
  return y + 543 + (m >= 10 ? 1 : 0);
}

function lastDay(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** Reports for a fiscal year, a month or any date range: on screen, printed, .xlsx, CSV. */
export function Reports() {
  const { t } = useI18n();
  const today = todayBangkokIso();
  const [period, setPeriod] = useState<Period>({ kind: "fiscal", year: fiscalYearOf(today) });
  const [fromText, setFromText] = useState(isoToBeInput(`${today.slice(0, 8)}01`));
  const [toText, setToText] = useState(isoToBeInput(today));
  const [view, setView] = useState<ReportView | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const { busy, banner, fields, run } = useSubmit();
  const [localError, setLocalError] = useState<Record<string, string>>({});

  const range = (): [string, string] | null => {
    if (period.kind === "fiscal") {
      const y = period.year - 543;
      return [`${y - 1}-10-01`, `${y}-09-30`];
    }
    if (period.kind === "month") {
      const y = period.year - 543;
      return [`${y}-${pad(period.month)}-01`, `${y}-${pad(period.month)}-${pad(lastDay(y, period.month))}`];
    }
    const f = parseBeDate(fromText);
    const until = parseBeDate(toText);
    const errs: Record<string, string> = {};
    const bad = t("reports.invalidDateUseDayMonth");
    if (!f.ok) errs.from = bad;
    if (!until.ok) errs.to = bad;
    setLocalError(errs);
    return f.ok && until.ok ? [f.iso, until.iso] : null;
  };

  const show = async () => {
    setSaved(null);
    const r = range();
    if (!r) return;
    const v = await run(() => backend.periodReport(r[0], r[1]));
    if (v) setView(v);
  };
  const save = async (format: "xlsx" | "csv") => {
    const r = range();
    if (!r) return;
    const path = await run(() => backend.savePeriodReport(r[0], r[1], format));
    if (path) setSaved(path);
  };

  const thisFy = fiscalYearOf(today);
  const curYear = Number(today.slice(0, 4)) + 543;
  return (
    <section aria-labelledby="reports-title" className="reports">
      <div className="page-head no-print">
        <h1 id="reports-title">{t("reports.reports")}</h1>
      </div>
      <div className="card no-print report-form">
        <div className="row">
          <Field label={t("reports.period")}>
            {(p) => (
              <select
                {...p}
                id="report-kind"
                value={period.kind}
                onChange={(e) => {
                  const k = e.target.value as Period["kind"];
                  setPeriod(
                    k === "fiscal"
                      ? { kind: "fiscal", year: thisFy }
                      : k === "month"
                        ? { kind: "month", year: curYear, month: Number(today.slice(5, 7)) }
                        : { kind: "range" },
                  );
                }}
              >
                <option value="fiscal">{t("reports.fiscalYear")}</option>
                <option value="month">{t("reports.month")}</option>
                <option value="range">{t("reports.dateRange")}</option>
              </select>
            )}
          </Field>
          {period.kind === "fiscal" && (
            <Field label={t("reports.fiscalYearBe")} hint={t("reports.1Oct30Sep")}>
              {(p) => (
                <select {...p} id="report-fy" value={period.year} onChange={(e) => setPeriod({ kind: "fiscal", year: Number(e.target.value) })}>
                  {[0, 1, 2, 3, 4].map((i) => (
                    <option key={i} value={thisFy - i}>
                      {thisFy - i}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
          {period.kind === "month" && (
            <>
              <Field label={t("reports.month2")}>
                {(p) => (
                  <select {...p} id="report-month" value={period.month} onChange={(e) => setPeriod({ ...period, month: Number(e.target.value) })}>
                    {MONTHS_TH.map((m, i) => (
                      <option key={m} value={i + 1}>
                        {m}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label={t("reports.yearBe")}>
                {(p) => (
                  <select {...p} id="report-year" value={period.year} onChange={(e) => setPeriod({ ...period, year: Number(e.target.value) })}>
                    {[0, 1, 2, 3, 4].map((i) => (
                      <option key={i} value={curYear - i}>
                        {curYear - i}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            </>
          )}
          {period.kind === "range" && (
            <>
              <Field label={t("reports.from")} hint={t("reports.dMBeYear")} error={localError.from ?? fields.from}>
                {(p) => <input {...p} id="report-from" value={fromText} onChange={(e) => setFromText(e.target.value)} inputMode="numeric" />}
              </Field>
              <Field label={t("reports.to")} hint={t("reports.dMBeYear")} error={localError.to ?? fields.to}>
                {(p) => <input {...p} id="report-to" value={toText} onChange={(e) => setToText(e.target.value)} inputMode="numeric" />}
              </Field>
            </>
          )}
        </div>
        <div className="actions">
          <button type="button" className="primary" id="report-show" disabled={busy} onClick={() => void show()}>
            {t("reports.showReport")}
          </button>
          <button type="button" id="report-xlsx" disabled={busy} onClick={() => void save("xlsx")}>
            {t("reports.saveAsExcelXlsx")}
          </button>
          <button type="button" id="report-csv" disabled={busy} onClick={() => void save("csv")}>
            {t("reports.saveCaseListAsCsv")}
          </button>
          <button type="button" id="report-print" disabled={!view} onClick={() => window.print()}>
            {t("reports.print")}
          </button>
        </div>
        <Banner message={banner} />
        {saved && (
          <Banner
            kind="success"
            message={`${t("reports.savedTo")} ${saved}`}
          />
        )}
        <p className="hint">
          {t("reports.reportsShowCaseNumbersNot")}
        </p>
      </div>
      {view && (
        <article className="report-view" id="report-view">
          <h2>{view.title}</h2>
          {view.sheets.map((s) => (
            <section key={s.name} className="report-sheet">
              <h3>{s.title}</h3>
              {s.rows.length === 0 ? (
                <p className="empty">{t("reports.nothingInThisPeriod")}</p>
              ) : (
                <table className="grid compact">
                  <thead>
                    <tr>
                      {s.header.map((h) => (
                        <th key={h}>{h}</th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {s.rows.map((r, i) => (
                      <tr key={i} className={r.length === 1 ? "section-row" : undefined}>
                        {r.map((c, j) => (
                          <td key={j} colSpan={r.length === 1 ? s.header.length : undefined} className={/^\d+$/.test(c) ? "num" : undefined}>
                            {c}
                          </td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
          ))}
        </article>
      )}
    </section>
  );
}
