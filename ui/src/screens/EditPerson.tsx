// Correcting a person's record (PDPA rectification): every field of the record and the date
// of death, with the reason and — when the person asked for it — the request's dates and
// decision. The previous values are kept as history by the core; a change of a name or ID
// runs the duplicate check again before saving.
import { useEffect, useState, type FormEvent } from "react";
import type { CorrectionBasis } from "../bindings/CorrectionBasis";
import type { DuplicateCandidate } from "../bindings/DuplicateCandidate";
import type { PersonDetail } from "../bindings/PersonDetail";
import type { RectificationDecision } from "../bindings/RectificationDecision";
import { backend, toBackendError } from "../lib/backend";
import { Banner, Field, useSubmit } from "../lib/forms";
import { correctionBasisNames, localProblems, rectificationDecisionNames, useI18n } from "../lib/i18n";
import { useUnsavedGuard, type View } from "../lib/navigation";
import { isoToBeInput, parseBeDate, todayBangkokIso } from "../lib/thaiDate";
import { reportFailure } from "../lib/failures";
import { localPersonProblems, newPersonOf, PersonFields, personFormOf, probeOf, type PersonForm } from "./PersonFields";
import { DuplicateList } from "./RegisterPerson";

export function EditPerson({ id, go }: { id: string; go: (v: View) => void }) {
  const { t, lang } = useI18n();
  const [detail, setDetail] = useState<PersonDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    backend
      .getPerson(id)
      .then(setDetail)
      .catch((e: unknown) => {
        const err = toBackendError(e);
        setError(lang === "th" ? err.report.message_th : err.report.message_en);
      });
  }, [id, lang]);
  if (error) return <Banner message={error} />;
  if (!detail) return <p className="muted">…</p>;
  return <CorrectionForm key={id} detail={detail} go={go} heading={t("editPerson.title")} />;
}

function CorrectionForm({ detail, go, heading }: { detail: PersonDetail; go: (v: View) => void; heading: string }) {
  const { t, pick } = useI18n();
  const { busy, banner, fields, setFields, run } = useSubmit();
  const person = detail.person;
  const original = personFormOf(person);
  const [f, setF] = useState<PersonForm>(original);
  const [death, setDeath] = useState(person.death_date ? isoToBeInput(person.death_date) : "");
  const [basis, setBasis] = useState<CorrectionBasis>("staff");
  const today = todayBangkokIso();
  const [received, setReceived] = useState(isoToBeInput(today));
  const [decision, setDecision] = useState<RectificationDecision>("granted");
  const [decided, setDecided] = useState(isoToBeInput(today));
  const [reason, setReason] = useState("");
  const [dups, setDups] = useState<DuplicateCandidate[]>([]);
  const [confirmed, setConfirmed] = useState(false);

  const same = (a: PersonForm, b: PersonForm) => JSON.stringify(newPersonOf(a, today)) === JSON.stringify(newPersonOf(b, today));
  const dirty = !same(f, original) || reason.trim() !== "" || death !== (person.death_date ? isoToBeInput(person.death_date) : "");
  const { question, saved } = useUnsavedGuard(dirty);
  const nameOrIdChanged =
    f.first_name.trim() !== original.first_name.trim() ||
    f.last_name.trim() !== original.last_name.trim() ||
    f.id_kind !== original.id_kind ||
    f.citizen_id.replace(/\D/g, "") !== original.citizen_id.replace(/\D/g, "");

  async function duplicates(): Promise<DuplicateCandidate[]> {
    try {
      const found = await backend.possibleDuplicates(probeOf(f, today));
      const others = found.filter((d) => d.person_id !== person.id);
      setDups(others);
      return others;
    } catch (e) {
      reportFailure(e);
      return [];
    }
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const local = localPersonProblems(f, today, pick);
    const dates: Record<string, string> = {};
    const dateOf = (key: string, text: string, required: boolean): string | null => {
      if (!text.trim()) {
        if (required) dates[key] = pick(localProblems.required ?? ["", ""]);
        return null;
      }
      const d = parseBeDate(text);
      if (!d.ok) {
        dates[key] = pick(localProblems[d.problem] ?? ["", ""]);
        return null;
      }
      return d.iso;
    };
    const deathIso = dateOf("death_date", death, false);
    const request = basis === "data_subject_request";
    const receivedIso = request ? dateOf("request_received_on", received, true) : null;
    const decidedIso = request ? dateOf("request_decided_on", decided, true) : null;
    const problems = { ...local, ...dates };
    if (Object.keys(problems).length > 0) {
      setFields(problems);
      requestAnimationFrame(() => document.querySelector<HTMLElement>(".field-invalid input")?.focus());
      return;
    }
    if (nameOrIdChanged && !confirmed) {
      const found = await duplicates();
      if (found.length > 0) {
        requestAnimationFrame(() => document.querySelector<HTMLElement>("#confirm-correction")?.focus());
        return;
      }
    }
    const outcome = await run(() =>
      backend.correctPerson(person.id, {
        person: newPersonOf(f, today),
        death_date: deathIso,
        reason,
        basis,
        request: request && receivedIso && decidedIso ? { received_on: receivedIso, decision, decided_on: decidedIso } : null,
      }),
    );
    if (outcome) {
      saved();
      go({
        kind: "person",
        id: person.id,
        flash: outcome.changed.length === 0 ? t("editPerson.savedRefusal") : t("editPerson.saved", { n: outcome.changed.length }),
      });
    }
  }

  return (
    <section aria-labelledby="edit-person-title">
      {question}
      <div className="page-head">
        <h1 id="edit-person-title">
          {heading}: {person.title}
          {person.first_name} {person.last_name}
        </h1>
      </div>
      <form className="card form-card" onSubmit={submit} noValidate id="edit-person-form">
        <p className="hint">{t("editPerson.intro")}</p>
        <Banner message={banner} />
        <PersonFields
          f={f}
          setF={setF}
          fields={fields}
          today={today}
          onIdentityEdit={() => {
            setConfirmed(false);
            setDups([]);
          }}
          afterNames={
            dups.length > 0 && (
              <DuplicateList dups={dups}>
                <p className="muted small">{t("editPerson.dupNote")}</p>
                <button
                  type="button"
                  id="confirm-correction"
                  onClick={() => {
                    setConfirmed(true);
                    setDups([]);
                  }}
                >
                  {t("editPerson.saveAnyway")}
                </button>
              </DuplicateList>
            )
          }
        />
        <Field label={t("editPerson.deathDate")} hint={t("editPerson.deathHint")} error={fields.death_date}>
          {(p) => <input {...p} name="death_date" placeholder="วว/ดด/ปปปป" className="short" value={death} onChange={(e) => setDeath(e.target.value)} maxLength={10} inputMode="numeric" />}
        </Field>
        <fieldset className="inline-radios">
          <legend>{t("editPerson.basis")}</legend>
          {(Object.keys(correctionBasisNames) as CorrectionBasis[]).map((b) => (
            <label key={b} className="radio">
              <input type="radio" name="basis" value={b} checked={basis === b} onChange={() => setBasis(b)} />
              {pick(correctionBasisNames[b])}
            </label>
          ))}
        </fieldset>
        {basis === "data_subject_request" && (
          <fieldset id="rectification-request">
            <legend>{t("editPerson.requestLegend")}</legend>
            <p className="hint">{t("editPerson.requestHint")}</p>
            <div className="row">
              <Field label={t("editPerson.requestReceived")} error={fields.request_received_on}>
                {(p) => <input {...p} name="request_received_on" value={received} onChange={(e) => setReceived(e.target.value)} maxLength={10} inputMode="numeric" />}
              </Field>
              <Field label={t("editPerson.decision")} error={fields.request_decision}>
                {(p) => (
                  <select {...p} name="request_decision" value={decision} onChange={(e) => setDecision(e.target.value as RectificationDecision)}>
                    {(Object.keys(rectificationDecisionNames) as RectificationDecision[]).map((d) => (
                      <option key={d} value={d}>
                        {pick(rectificationDecisionNames[d])}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label={t("editPerson.decidedOn")} error={fields.request_decided_on}>
                {(p) => <input {...p} name="request_decided_on" value={decided} onChange={(e) => setDecided(e.target.value)} maxLength={10} inputMode="numeric" />}
              </Field>
            </div>
          </fieldset>
        )}
        <Field label={t("editPerson.reason")} hint={t("editPerson.reasonHint")} error={fields.reason ?? fields.person}>
          {(p) => <textarea {...p} name="reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={5000} />}
        </Field>
        <div className="actions">
          <button type="button" onClick={() => go({ kind: "person", id: person.id })}>
            {t("cancel")}
          </button>
          <button type="submit" className="primary" disabled={busy} id="edit-person-submit">
            {busy ? t("saving") : t("editPerson.save")}
          </button>
        </div>
      </form>
    </section>
  );
}
