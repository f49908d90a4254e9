import { useEffect, useRef, useState } from "react";
import type { CaseSummary } from "../bindings/CaseSummary";
import { backend, toBackendError } from "../lib/backend";
import { Banner } from "../lib/forms";
import { channelNames, statusNames, useI18n } from "../lib/i18n";
import { formatBe } from "../lib/thaiDate";
import { ClickableRow } from "../lib/ClickableRow";
import type { View } from "../lib/navigation";
import { ClientName, RecentOpenings } from "./NeedToKnow";

export function Cases({ go }: { go: (v: View) => void }) {
  const { t, pick, lang } = useI18n();
  const [query, setQuery] = useState("");
  const [rows, setRows] = useState<CaseSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);

  // Search as the user types, after a short pause; the newest answer wins.
  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      backend
        .searchCases(query)
        .then((r) => {
          if (current) {
            setRows(r);
            setError(null);
          }
        })
        .catch((e: unknown) => {
          const err = toBackendError(e);
          if (current) setError(lang === "th" ? err.report.message_th : err.report.message_en);
        });
    }, query ? 200 : 0);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [query, lang]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "/" && document.activeElement?.tagName !== "INPUT" && document.activeElement?.tagName !== "TEXTAREA") {
        e.preventDefault();
        input.current?.focus();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  return (
    <section aria-labelledby="cases-title">
      <div className="page-head">
        <h1 id="cases-title">{t("casesTitle")}</h1>
        <button type="button" className="primary" onClick={() => go({ kind: "register" })} title="Alt+N">
          + {t("navRegister")}
        </button>
      </div>
      <RecentOpenings />
      <div className="search">
        <label htmlFor="case-search" className="visually-hidden">
          {t("searchLabel")}
        </label>
        <span className="search-icon" aria-hidden="true">
          ⌕
        </span>
        <input
          ref={input}
          id="case-search"
          type="search"
          placeholder={t("searchPlaceholder")}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          autoFocus
          maxLength={200}
        />
      </div>
      <Banner message={error} />
      {rows === null ? (
        <p className="muted">{t("searching")}</p>
      ) : rows.length === 0 ? (
        <p className="empty">{query ? t("noResults") : t("noCases")}</p>
      ) : (
        <>
          <p className="muted" aria-live="polite">
            {t("resultsCount", { n: rows.length })}
          </p>
          <table className="grid" id="case-table">
            <thead>
              <tr>
                <th>{t("colCaseNo")}</th>
                <th>{t("colName")}</th>
                <th>{t("colId")}</th>
                <th>{t("colChannel")}</th>
                <th>{t("colIntake")}</th>
                <th>{t("colSummary")}</th>
                <th>{t("colStatus")}</th>
                <th>{t("colAssigned")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <ClickableRow key={c.id} onOpen={() => go({ kind: "case", id: c.id })}>
                  <td className="mono nowrap">{c.case_no}</td>
                  <td className="case-person nowrap"><ClientName name={c.person_name} restricted={c.restricted} /></td>
                  <td className="mono nowrap">{c.masked_id}</td>
                  <td className="nowrap">{pick(channelNames[c.channel])}</td>
                  <td className="nowrap">{formatBe(c.intake_date, lang)}</td>
                  <td className="summary-cell">{c.summary}</td>
                  <td className="nowrap">
                    <span className={`pill pill-${c.status}`}>{pick(statusNames[c.status])}</span>
                  </td>
                  <td className="nowrap">{c.assigned_to ?? "–"}</td>
                </ClickableRow>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
