// The office inbox of requests for help (issue 15): what the 1300 centre, volunteers and
// partner apps sent to this office. Each request is answered once — accepted into a case
// for a person found by the duplicate check or registered here, passed on to the
// responsible office, or closed — with a reason where one is needed. The step travels to
// the server with the next sync and the requester sees it there.
import { useCallback, useEffect, useState, type FormEvent } from "react";
import type { DuplicateCandidate } from "../bindings/DuplicateCandidate";
import type { HelpRequestItem } from "../bindings/HelpRequestItem";
import { backend, toBackendError } from "../lib/backend";
import { Banner, Field, useSubmit } from "../lib/forms";
import { coreIssueNames, requestChannelNames, requestStatusNames, sexNames, urgencyNames, useI18n } from "../lib/i18n";
import type { View } from "../lib/navigation";
import { formatBe, formatBeDateTime, todayBangkokIso } from "../lib/thaiDate";
import { reportFailure } from "../lib/failures";
import { DuplicateList } from "./RegisterPerson";
import { VolunteersCard } from "./VolunteersCard";
import { emptyPersonForm, localPersonProblems, newPersonOf, PersonFields, probeOf, type PersonForm } from "./PersonFields";

type Mode = { id: string; kind: "accept" | "pass_on" | "close" } | null;

export function RequestInbox({ go, canManage }: { go: (v: View) => void; canManage: boolean }) {
  const { t, pick, lang } = useI18n();
  const [list, setList] = useState<HelpRequestItem[] | null>(null);
  const [mode, setMode] = useState<Mode>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    backend
      .helpRequests()
      .then(setList)
      .catch((e: unknown) => setError(toBackendError(e).report.message_th));
  }, []);
  useEffect(load, [load]);
  const done = (message: string) => {
    setMode(null);
    setNotice(message);
    load();
  };
  if (list === null) return <p className="muted">…</p>;
  const waiting = list.filter((r) => r.status === "received");
  const answered = list.filter((r) => r.status !== "received");
  const card = (r: HelpRequestItem) => (
    <article key={r.id} className={"card request" + (r.late ? " request-late" : "")} data-request={r.id} aria-label={r.core_issues.map((i) => pick(coreIssueNames[i])).join(", ")}>
      <div className="referral-head">
        <span className={`pill urgency-pill-${r.urgency}`}>{pick(urgencyNames[r.urgency])}</span>{" "}
        {r.core_issues.map((i) => (
          <span key={i} className="pill">
            {pick(coreIssueNames[i])}
          </span>
        ))}{" "}
        {r.sensitive && <span className="pill pill-sensitive">{t("requests.sensitive")}</span>}{" "}
        <span className={`pill request-status-${r.status}`}>{pick(requestStatusNames[r.status])}</span>{" "}
        {r.late && <span className="pill pill-late">{t("requests.late")}</span>}
      </div>
      <div className="muted small">
        {t("requests.from")} {pick(requestChannelNames[r.channel])} · {t("requests.received")} {formatBeDateTime(r.received_at, lang)}
        {r.status === "received" && ` · ${t("requests.due")} ${formatBe(r.due_on, lang)}`}
        {r.place && ` · ${t("requests.place")} ${r.place}`}
      </div>
      {r.restricted ? (
        <p className="banner banner-info">{t("requests.restricted")}</p>
      ) : (
        <dl className="facts">
          <dt>{t("requests.person")}</dt>
          <dd>
            {r.person_name || "—"}
            {r.person_age !== null && ` · ${t("requests.age")} ${r.person_age} ${t("requests.years")}`}
            {r.person_sex && r.person_sex !== "unspecified" && ` · ${pick(sexNames[r.person_sex])}`}
          </dd>
          <dt>{t("requests.reporter")}</dt>
          <dd>{r.reporter ? [r.reporter.name, r.reporter.relation, r.reporter.phone].filter(Boolean).join(" · ") : t("requests.anonymous")}</dd>
          {(r.address_text || r.gps) && (
            <>
              <dt>{t("requests.address")}</dt>
              <dd>
                {r.address_text}
                {r.gps && ` (${t("requests.gps")} ${r.gps.lat.toFixed(5)}, ${r.gps.lon.toFixed(5)})`}
              </dd>
            </>
          )}
          <dt>{t("requests.details")}</dt>
          <dd className="pre">{r.details}</dd>
          {r.photos > 0 && (
            <>
              <dt>{t("requests.photos")}</dt>
              <dd>{r.photos}</dd>
            </>
          )}
        </dl>
      )}
      {r.status_note && <p className="muted small pre">{r.status_note}</p>}
      {r.case_id && (
        <button type="button" className="small" onClick={() => go({ kind: "case", id: r.case_id as string })}>
          {t("requests.openCase")}
        </button>
      )}
      {r.status === "received" && !r.restricted && mode?.id !== r.id && (
        <div className="actions">
          <button type="button" className="primary accept-request" onClick={() => setMode({ id: r.id, kind: "accept" })}>
            {t("requests.accept")}
          </button>
          <button type="button" className="pass-on-request" onClick={() => setMode({ id: r.id, kind: "pass_on" })}>
            {t("requests.passOn")}
          </button>
          <button type="button" className="close-request" onClick={() => setMode({ id: r.id, kind: "close" })}>
            {t("requests.close")}
          </button>
        </div>
      )}
      {mode?.id === r.id && mode.kind === "accept" && (
        <AcceptForm
          request={r}
          onCancel={() => setMode(null)}
          onDone={(caseId) => go({ kind: "case", id: caseId, flash: t("requests.opened") })}
        />
      )}
      {mode?.id === r.id && mode.kind !== "accept" && (
        <StepForm
          request={r}
          passOn={mode.kind === "pass_on"}
          onCancel={() => setMode(null)}
          onDone={() => done(mode.kind === "pass_on" ? t("requests.passedOn") : t("requests.closed"))}
        />
      )}
    </article>
  );
  return (
    <section aria-labelledby="requests-title" id="request-inbox">
      <div className="page-head">
        <h1 id="requests-title">{t("requests.title")}</h1>
      </div>
      <p className="muted">{t("requests.hint")}</p>
      <Banner message={notice} kind="success" />
      <Banner message={error} />
      <h2>
        {t("requests.waiting")} ({waiting.length})
      </h2>
      {waiting.length === 0 && <p className="muted">{t("requests.none")}</p>}
      {waiting.map(card)}
      {answered.length > 0 && <h2>{t("requests.answered")}</h2>}
      {answered.map(card)}
      {canManage && <VolunteersCard />}
    </section>
  );
}

/** The person the request is about, as the registration form would take them. */
function personFormOf(r: HelpRequestItem): PersonForm {
  const words = r.person_name.trim().split(/\s+/).filter(Boolean);
  const titles = ["นาย", "นาง", "นางสาว", "เด็กชาย", "เด็กหญิง", "ด.ช.", "ด.ญ."];
  let title = "";
  let first = words[0] ?? "";
  for (const tt of titles) {
    if (first.startsWith(tt) && first.length > tt.length) {
      title = tt === "ด.ช." ? "เด็กชาย" : tt === "ด.ญ." ? "เด็กหญิง" : tt;
      first = first.slice(tt.length);
      break;
    }
  }
  return {
    ...emptyPersonForm,
    title,
    first_name: first,
    last_name: words.slice(1).join(" "),
    id_kind: r.person_citizen_id ? "citizen_id" : "no_id",
    citizen_id: r.person_citizen_id,
    sex: r.person_sex ?? "unspecified",
    address_text: r.address_text,
    place: null,
  };
}

function AcceptForm({ request, onCancel, onDone }: { request: HelpRequestItem; onCancel: () => void; onDone: (caseId: string) => void }) {
  const { t, pick } = useI18n();
  const { busy, banner, fields, setFields, run } = useSubmit();
  const [f, setF] = useState<PersonForm>(() => personFormOf(request));
  const [dups, setDups] = useState<DuplicateCandidate[]>([]);
  const today = todayBangkokIso();
  const check = useCallback(async () => {
    if (f.first_name.trim().length < 2) return;
    try {
      setDups(await backend.possibleDuplicates(probeOf(f, today)));
    } catch (e) {
      reportFailure(e);
    }
  }, [f, today]);
  // Once, for the name as the request gave it.
  useEffect(() => {
    const initial = personFormOf(request);
    if (initial.first_name.trim().length < 2) return;
    backend.possibleDuplicates(probeOf(initial, today)).then(setDups).catch(reportFailure);
  }, [request, today]);
  async function chooseExisting(c: DuplicateCandidate) {
    await backend.recordDuplicateDecision(c.person_id, true, dups.map((d) => d.person_id)).catch(reportFailure);
    const opened = await run(() => backend.acceptHelpRequest(request.id, c.person_id));
    if (opened) onDone(opened.id);
  }
  async function submit(e: FormEvent) {
    e.preventDefault();
    const local = localPersonProblems(f, today, pick);
    if (Object.keys(local).length > 0) {
      setFields(local);
      return;
    }
    const opened = await run(async () => {
      const p = await backend.registerPerson(newPersonOf(f, today));
      if (dups.length > 0) await backend.recordDuplicateDecision(p.id, false, dups.map((d) => d.person_id)).catch(reportFailure);
      return backend.acceptHelpRequest(request.id, p.id);
    });
    if (opened) onDone(opened.id);
  }
  return (
    <form className="action-form accept-form" onSubmit={submit} noValidate>
      <h3>{t("requests.acceptTitle")}</h3>
      <p className="muted small">{t("requests.acceptHint")}</p>
      <Banner message={banner} />
      <PersonFields
        f={f}
        setF={setF}
        fields={fields}
        today={today}
        onNamesBlur={() => void check()}
        onIdentityEdit={() => undefined}
        afterNames={dups.length > 0 && <DuplicateList dups={dups} onUse={(c) => void chooseExisting(c)} />}
      />
      <div className="actions">
        <button type="button" onClick={onCancel}>
          {t("requests.cancel")}
        </button>
        <button type="submit" className="primary register-and-open" disabled={busy}>
          {t("requests.registerAndOpen")}
        </button>
      </div>
    </form>
  );
}

function StepForm({ request, passOn, onCancel, onDone }: { request: HelpRequestItem; passOn: boolean; onCancel: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const { busy, banner, fields, run } = useSubmit();
  const [office, setOffice] = useState("");
  const [reason, setReason] = useState("");
  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = await run(() => (passOn ? backend.passOnHelpRequest(request.id, office, reason) : backend.closeHelpRequest(request.id, reason)));
    if (r !== undefined) onDone();
  }
  return (
    <form className="action-form step-form" onSubmit={submit} noValidate>
      <Banner message={banner} />
      {passOn && (
        <Field label={t("requests.office")} error={fields.office}>
          {(p) => <input {...p} name="pass_to" value={office} onChange={(e) => setOffice(e.target.value)} maxLength={10} autoFocus />}
        </Field>
      )}
      <Field label={t("requests.reason")} error={fields.reason}>
        {(p) => <textarea {...p} name="step_reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={1000} autoFocus={!passOn} />}
      </Field>
      <div className="actions">
        <button type="button" onClick={onCancel}>
          {t("requests.cancel")}
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {passOn ? t("requests.passOn") : t("requests.close")}
        </button>
      </div>
    </form>
  );
}
