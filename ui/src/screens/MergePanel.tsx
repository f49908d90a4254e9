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
  const { pick, lang } = useI18n();
  const L = (th: string, en: string) => (lang === "th" ? th : en);
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
            why: `${L("คะแนน", "score")} ${c.score}: ${c.reasons.map((r) => pick(reasonNames[r])).join(" · ")}`,
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
        L(
          `รวมระเบียนแล้ว: ย้ายกรณี ${d.cases.length} รายการ และการเป็นสมาชิกครัวเรือน ${d.memberships.length} รายการมาที่ระเบียนนี้ ยกเลิกได้จากประวัติการรวมด้านล่าง`,
          `Merged: ${d.cases.length} case(s) and ${d.memberships.length} household link(s) moved here; undo below`,
        ),
      );
    }
  };
  const undo = async (seq: number) => {
    const d = await run(() => backend.undoMerge(seq));
    if (d) {
      loadHistory();
      onMerged(L("ยกเลิกการรวมระเบียนแล้ว ข้อมูลกลับไปอยู่ที่ระเบียนเดิมทั้งหมด", "Merge undone; everything is back where it was"));
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
        <h2 id="merge-title">{L("ระเบียนซ้ำ", "Duplicate records")}</h2>
        {!open && (
          <button type="button" id="merge-start" onClick={() => void start()}>
            {L("รวมระเบียนซ้ำเข้ากับระเบียนนี้", "Merge a duplicate into this record")}
          </button>
        )}
      </div>
      <Banner message={banner} />
      {open && (
        <div className="merge-pick">
          <p className="hint">
            {L(
              "ระเบียนที่เลือกจะถูกรวมเข้ากับระเบียนนี้: กรณีและการเป็นสมาชิกครัวเรือนทั้งหมดย้ายมาที่นี่ ช่องที่ระเบียนนี้ยังว่างจะเติมจากระเบียนนั้น ระเบียนนั้นไม่ถูกลบ และยกเลิกการรวมได้ภายหลัง",
              "The chosen record's cases and household links move here; empty fields here are filled from it; nothing is deleted and the merge can be undone.",
            )}
          </p>
          {candidates.length > 0 ? candidates.map(row) : <p className="muted">{L("ไม่พบระเบียนที่น่าจะซ้ำ ค้นหาด้วยชื่อหรือเลขประจำตัว", "No likely duplicates; search below")}</p>}
          <div className="row">
            <input
              name="merge_search"
              aria-label={L("ค้นหาระเบียนอื่น", "Search another record")}
              placeholder={L("ค้นหาด้วยชื่อหรือเลขประจำตัว", "Search by name or ID")}
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter") void search();
              }}
            />
            <button type="button" onClick={() => void search()} disabled={busy || query.trim() === ""}>
              {L("ค้นหา", "Search")}
            </button>
          </div>
          {found.map(row)}
          <div className="actions">
            <button type="button" className="primary danger" id="merge-confirm" disabled={!chosen || busy} onClick={() => void merge()}>
              {chosen ? L(`รวม ${chosen.name} เข้ากับระเบียนนี้`, `Merge ${chosen.name} into this record`) : L("เลือกระเบียนที่จะรวม", "Choose a record")}
            </button>
            <button type="button" className="ghost" onClick={() => setOpen(false)}>
              {L("ยกเลิก", "Cancel")}
            </button>
          </div>
        </div>
      )}
      {history.length > 0 && (
        <ul className="merge-history">
          {history.map((h) => (
            <li key={h.audit_seq}>
              {formatBeDateTime(h.at, lang)} · {h.by ?? "–"}: {L("รวม", "merged")} <strong>{h.merged_name}</strong> {L("เข้ากับ", "into")} <strong>{h.kept_name}</strong> (
              {L(`กรณี ${h.detail.cases.length}, ครัวเรือน ${h.detail.memberships.length}`, `${h.detail.cases.length} cases, ${h.detail.memberships.length} household links`)})
              {h.undone ? (
                <span className="muted"> — {L("ยกเลิกแล้ว", "undone")}</span>
              ) : (
                <button type="button" className="link undo-merge" disabled={busy} onClick={() => void undo(h.audit_seq)}>
                  {L("ยกเลิกการรวม", "Undo")}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
