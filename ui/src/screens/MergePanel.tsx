import { useCallback, useEffect, useState } from "react";
import type { DuplicateCandidate } from "../bindings/DuplicateCandidate";
import type { MergeRecord } from "../bindings/MergeRecord";
import type { Person } from "../bindings/Person";
import type { PersonSummary } from "../bindings/PersonSummary";
import { backend } from "../lib/backend";
import { Banner, useSubmit } from "../lib/forms";
import { useI18n } from "../lib/i18n";
import { formatBe, formatBeDateTime } from "../lib/thaiDate";
import { reasonNames } from "./RegisterPerson";
import { reportFailure } from "../lib/failures";

type Other = { id: string; name: string; masked: string; birth: string | null; why: string };

/** A supervisor's merge of a duplicate record into this one, and undo from the audit trail. */
export function MergePanel({ person, onMerged }: { person: Person; onMerged: (msg: string) => void }) {
  const { t, pick, lang } = useI18n();
  const [open, setOpen] = useState(false);
  const [candidates, setCandidates] = useState<Other[]>([]);
  const [query, setQuery] = useState("");
  const [found, setFound] = useState<Other[]>([]);
  const [chosen, setChosen] = useState<Other | null>(null);
  const [history, setHistory] = useState<MergeRecord[]>([]);
  const { busy, banner, run } = useSubmit();

  const loadHistory = useCallback(() => {
    backend
      .personMerges(person.id)
      .then(setHistory)
      .catch(reportFailure);
  }, [person.id]);
  useEffect(loadHistory, [loadHistory]);

  const start = async () => {
    setOpen(true);
    const list = await run(() =>
      backend.possibleDuplicates({
        first_name: person.first_name,
        last_name: person.last_name,
        citizen_id: person.identity.kind === "citizen_id" ? person.identity.number : null,
        birth_date: person.birth_date,
        sex: person.sex,
        subdistrict_code: person.subdistrict_code,
      }),
    );
    if (list)
      setCandidates(
        list
          .filter((c: DuplicateCandidate) => c.person_id !== person.id)
          .map((c) => ({
            id: c.person_id,
            name: c.display_name,
            masked: c.masked_id,
            birth: c.birth_date,
            why: `${t("mergePanel.score")} ${c.score}: ${c.reasons.map((r) => pick(reasonNames[r])).join(" · ")}`,
          })),
      );
  };
  const search = async () => {
    const list = await run(() => backend.searchPeople(query));
    if (list)
      setFound(
        list
          .filter((p: PersonSummary) => p.id !== person.id)
          .map((p) => ({ id: p.id, name: p.display_name, masked: p.masked_id, birth: p.birth_date, why: "" })),
      );
  };
  const merge = async () => {
    if (!chosen) return;
    const d = await run(() => backend.mergePeople(person.id, chosen.id));
    if (d) {
      setOpen(false);
      setChosen(null);
      loadHistory();
      onMerged(
        t("mergePanel.mergedV1CaseSAnd", { v1: d.cases.length, v2: d.memberships.length }),
      );
    }
  };
  const undo = async (seq: number) => {
    const d = await run(() => backend.undoMerge(seq));
    if (d) {
      loadHistory();
      onMerged(t("mergePanel.mergeUndoneEverythingIsBack"));
    }
  };

  const row = (o: Other) => (
    <label key={o.id} className="choice">
      <input type="radio" name="merge_other" checked={chosen?.id === o.id} onChange={() => setChosen(o)} /> <strong>{o.name}</strong> {o.masked}
      {o.birth ? ` · ${formatBe(o.birth, lang)}` : ""} {o.why && <span className="muted small">({o.why})</span>}
    </label>
  );

  return (
    <div className="card" id="merge-card" aria-labelledby="merge-title">
      <div className="page-head">
        <h2 id="merge-title">{t("mergePanel.duplicateRecords")}</h2>
        {!open && (
          <button type="button" id="merge-start" onClick={() => void start()}>
            {t("mergePanel.mergeADuplicateIntoThis")}
          </button>
        )}
      </div>
      <Banner message={banner} />
      {open && (
        <div className="merge-pick">
          <p className="hint">
            {t("mergePanel.theChosenRecordSCases")}
          </p>
          {candidates.length > 0 ? candidates.map(row) : <p className="muted">{t("mergePanel.noLikelyDuplicatesSearchBelow")}</p>}
          <div className="row">
            <input
              name="merge_search"
              aria-label={t("mergePanel.searchAnotherRecord")}
              placeholder={t("mergePanel.searchByNameOrId")}
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter") void search();
              }}
            />
            <button type="button" onClick={() => void search()} disabled={busy || query.trim() === ""}>
              {t("mergePanel.search")}
            </button>
          </div>
          {found.map(row)}
          <div className="actions">
            <button type="button" className="primary danger" id="merge-confirm" disabled={!chosen || busy} onClick={() => void merge()}>
              {chosen ? t("mergePanel.mergeV1IntoThisRecord", { v1: chosen.name }) : t("mergePanel.chooseARecord")}
            </button>
            <button type="button" className="ghost" onClick={() => setOpen(false)}>
              {t("mergePanel.cancel")}
            </button>
          </div>
        </div>
      )}
      {history.length > 0 && (
        <ul className="merge-history">
          {history.map((h) => (
            <li key={h.audit_seq}>
              {formatBeDateTime(h.at, lang)} · {h.by ?? "–"}: {t("mergePanel.merged")} <strong>{h.merged_name}</strong> {t("mergePanel.into")} <strong>{h.kept_name}</strong> (
              {t("mergePanel.v1CasesV2HouseholdLinks", { v1: h.detail.cases.length, v2: h.detail.memberships.length })})
              {h.undone ? (
                <span className="muted"> — {t("mergePanel.undone")}</span>
              ) : (
                <button type="button" className="link undo-merge" disabled={busy} onClick={() => void undo(h.audit_seq)}>
                  {t("mergePanel.undo")}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
