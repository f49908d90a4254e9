import { useState, type FormEvent, type ReactNode } from "react";
import type { DuplicateCandidate } from "../bindings/DuplicateCandidate";
import type { MatchReason } from "../bindings/MatchReason";
import { backend } from "../lib/backend";
import { Banner, useSubmit } from "../lib/forms";
import { useI18n } from "../lib/i18n";
import { formatBe, todayBangkokIso } from "../lib/thaiDate";
import { useUnsavedGuard, type View } from "../lib/navigation";
import { reportFailure } from "../lib/failures";
import { emptyPersonForm, probeOf, localPersonProblems, newPersonOf, PersonFields, type PersonForm } from "./PersonFields";

export const reasonNames: Record<MatchReason, [string, string]> = {
  citizen_id: ["เลขประจำตัวประชาชนตรงกัน", "Same citizen ID"],
  first_name_same: ["ชื่อตรงกัน", "Same first name"],
  first_name_sounds_alike: ["ชื่อออกเสียงเหมือนกัน", "First name sounds alike"],
  first_name_spelled_alike: ["ชื่อสะกดใกล้เคียง", "First name spelled alike"],
  last_name_same: ["นามสกุลตรงกัน", "Same surname"],
  last_name_sounds_alike: ["นามสกุลออกเสียงเหมือนกัน", "Surname sounds alike"],
  last_name_spelled_alike: ["นามสกุลสะกดใกล้เคียง", "Surname spelled alike"],
  birth_date_same: ["วันเกิดตรงกัน", "Same date of birth"],
  birth_year_same: ["ปีเกิดตรงกัน", "Same birth year"],
  birth_year_close: ["ปีเกิดต่างกันไม่เกิน 1 ปี", "Birth year within one year"],
  subdistrict_same: ["ตำบลเดียวกัน", "Same sub-district"],
};

export function RegisterPerson({ go }: { go: (v: View) => void }) {
  const { t, pick } = useI18n();
  const { busy, banner, fields, setFields, run } = useSubmit();
  const [f, setF] = useState<PersonForm>(emptyPersonForm);
  const [dups, setDups] = useState<DuplicateCandidate[]>([]);
  const [confirmedNew, setConfirmedNew] = useState(false);
  const today = todayBangkokIso();
  // Anything typed and not yet saved: leaving (a tab, Escape, back) asks first.
  const dirty =
    f.place !== null ||
    [f.title, f.first_name, f.last_name, f.citizen_id, f.g_code, f.birth, f.phone, f.address_text].some((v) => v.trim() !== "");
  const { question, saved } = useUnsavedGuard(dirty);

  /** Candidates for the person as entered so far (shown as soon as the names are in). */
  async function checkDuplicates(): Promise<DuplicateCandidate[]> {
    if (f.first_name.trim().length < 2 || f.last_name.trim().length < 1) return [];
    try {
      const found = await backend.possibleDuplicates(probeOf(f, today));
      setDups(found);
      return found;
    } catch (e) {
      // Registration can still go on; the worker is told the check did not run.
      reportFailure(e);
      return [];
    }
  }

  async function chooseExisting(c: DuplicateCandidate) {
    await backend.recordDuplicateDecision(c.person_id, true, dups.map((d) => d.person_id)).catch(reportFailure);
    saved();
    go({ kind: "person", id: c.person_id });
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    // Problems the form can see itself are shown at once, without a round trip.
    const local = localPersonProblems(f, today, pick);
    if (Object.keys(local).length > 0) {
      setFields(local);
      requestAnimationFrame(() => document.querySelector<HTMLElement>(".field-invalid input")?.focus());
      return;
    }
    if (!confirmedNew) {
      const found = await checkDuplicates();
      if (found.length > 0) {
        requestAnimationFrame(() => document.querySelector<HTMLElement>("#duplicate-check button")?.focus());
        return;
      }
    }
    await save();
  }

  async function save() {
    const p = await run(() => backend.registerPerson(newPersonOf(f, today)));
    if (p) {
      if (dups.length > 0) await backend.recordDuplicateDecision(p.id, false, dups.map((d) => d.person_id)).catch(reportFailure);
      saved();
      go({ kind: "person", id: p.id, flash: t("personSaved") });
    }
  }

  return (
    <section aria-labelledby="register-title">
      {question}
      <div className="page-head">
        <h1 id="register-title">{t("registerTitle")}</h1>
      </div>
      <form className="card form-card" onSubmit={submit} noValidate id="register-form">
        <Banner message={banner} />
        <PersonFields
          f={f}
          setF={setF}
          fields={fields}
          today={today}
          onNamesBlur={() => void checkDuplicates()}
          onIdentityEdit={() => setConfirmedNew(false)}
          afterNames={
            dups.length > 0 && (
              <DuplicateList dups={dups} onUse={(c) => void chooseExisting(c)}>
                {!confirmedNew && (
                  <button
                    type="button"
                    id="confirm-new"
                    onClick={() => {
                      setConfirmedNew(true);
                      void save();
                    }}
                  >
                    {t("registerPerson.dup_newPerson")}
                  </button>
                )}
              </DuplicateList>
            )
          }
        />
        <div className="actions">
          <button type="button" onClick={() => go({ kind: "cases" })}>
            {t("cancel")}
          </button>
          <button type="submit" className="primary" disabled={busy} id="register-submit">
            {busy ? t("saving") : t("save")}
          </button>
        </div>
      </form>
    </section>
  );
}

/** The people already registered who may be this one, each with why it was shown. */
export function DuplicateList({ dups, onUse, children }: { dups: DuplicateCandidate[]; onUse?: (c: DuplicateCandidate) => void; children?: ReactNode }) {
  const { t, pick, lang } = useI18n();
  return (
    <div className="banner banner-info" role="status" id="duplicate-check">
      <strong>{t("registerPerson.dup_title")}</strong>
      <p className="muted small">{t("registerPerson.dup_hint")}</p>
      <ul className="similar">
        {dups.slice(0, 8).map((c) => (
          <li key={c.person_id}>
            <strong>{c.display_name}</strong> · <span className="mono">{c.masked_id}</span>
            {c.birth_date && <> · {formatBe(c.birth_date, lang)}</>} ·{" "}
            <span className="pill">
              {t("registerPerson.dup_score")} {c.score}%
            </span>{" "}
            <span className="muted small">{c.reasons.map((r) => pick(reasonNames[r])).join(" · ")}</span>{" "}
            {onUse && (
              <button type="button" className="small use-existing" onClick={() => onUse(c)}>
                {t("registerPerson.dup_use")}
              </button>
            )}
          </li>
        ))}
      </ul>
      {children}
    </div>
  );
}
