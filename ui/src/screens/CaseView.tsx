import { useCallback, useEffect, useState, type FormEvent } from "react";
import { CaseExpedite } from "./ExpeditePanel";
import type { AppStatus } from "../bindings/AppStatus";
import type { AssistanceForm } from "../bindings/AssistanceForm";
import type { CaseDetail } from "../bindings/CaseDetail";
import type { CaseEvent } from "../bindings/CaseEvent";
import type { CaseStatus } from "../bindings/CaseStatus";
import type { ClosureOutcome } from "../bindings/ClosureOutcome";
import type { UserInfo } from "../bindings/UserInfo";
import { backend, toBackendError } from "../lib/backend";
import { Banner, Field, useSubmit } from "../lib/forms";
import {
  assistanceFormNames,
  channelNames,
  dueStateNames,
  localProblems,
  milestoneNames,
  outcomeNames,
  problemDomainNames,
  statusNames,
  targetGroupNames,
  urgencyNames,
  useI18n,
  type I18n,
} from "../lib/i18n";
import { formatBe, formatBeDateTime, isoToBeInput, parseBeDate, todayBangkokIso } from "../lib/thaiDate";
import type { View } from "../lib/navigation";
import { PlanCard, planKindNames, planStatusNames } from "./PlanCard";
import { ReferralCard, referralStatusNames } from "./ReferralCard";
import { schemeNames, WelfarePanel } from "./WelfarePanel";
import { reportFailure } from "../lib/failures";
import { LockIcon } from "../lib/icons";
import { BreakGlass, CaseOpenings } from "./NeedToKnow";


type Mode = "note" | "visit" | "assistance" | "stage" | "plan" | "closure" | "reopen" | "correct" | null;

export function CaseView({
  id,
  flash,
  go,
  status,
  focusReferral = null,
}: {
  id: string;
  flash: string | null;
  go: (v: View) => void;
  status: AppStatus;
  /** A deep link to one of the case's referrals: shown and marked once the case is loaded. */
  focusReferral?: string | null;
}) {
  const i18n = useI18n();
  const { t, pick, lang } = i18n;
  const [detail, setDetail] = useState<CaseDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [needReason, setNeedReason] = useState(false);
  const [notice, setNotice] = useState<string | null>(flash);
  const [mode, setMode] = useState<Mode>(null);
  const [correcting, setCorrecting] = useState<string | null>(null);
  const [users, setUsers] = useState<UserInfo[]>([]);
  const [referralsShown, setReferralsShown] = useState(0);
  const role = status.user?.role ?? "case_worker";

  const load = useCallback(() => {
    backend
      .getCase(id)
      .then((d) => {
        setNeedReason(false);
        setDetail(d);
      })
      .catch((e: unknown) => {
        const err = toBackendError(e);
        if (err.report.code === "need_to_know") setNeedReason(true);
        else setError(lang === "th" ? err.report.message_th : err.report.message_en);
      });
  }, [id, lang]);
  useEffect(load, [load]);
  useEffect(() => {
    if (!detail || !focusReferral) return;
    const el = document.querySelector<HTMLElement>(`[data-referral="${CSS.escape(focusReferral)}"]`);
    if (!el) return;
    el.classList.add("referral-focused");
    el.scrollIntoView({ block: "center" });
  }, [detail, focusReferral]);
  useEffect(() => {
    if (role !== "case_worker") backend.listUsers().then(setUsers).catch(reportFailure);
  }, [role]);

  const done = (msg: string) => {
    setMode(null);
    setCorrecting(null);
    setNotice(msg);
    load();
  };

  if (needReason) return <BreakGlass caseId={id} onOpened={load} />;
  if (error) return <Banner message={error} />;
  if (!detail) return <p className="muted">…</p>;
  const c = detail.case;
  const closed = c.status === "closed";

  return (
    <section aria-labelledby="case-title" className="case-view">
      <div className="page-head">
        <div>
          <h1 id="case-title">
            {t("caseTitle", { no: c.case_no })}{" "}
            <span className={`pill pill-${c.status}`} id="case-stage">
              {pick(statusNames[c.status])}
            </span>{" "}
            {c.urgency !== "normal" && <span className={`pill urgency-pill-${c.urgency}`}>{pick(urgencyNames[c.urgency]).split(" ")[0]}</span>}{" "}
            {c.sensitive && (
              <span className="pill pill-sensitive" id="case-sensitive" title={t("access.restrictedHint")}>
                <LockIcon /> {t("access.sensitive")}
              </span>
            )}{" "}
            {detail.unsynced && (
              <span className="pill pill-unsynced" id="case-unsynced" title={t("caseView.changesWaitingToBeSent")}>
                {t("caseView.notYetOnTheServer")}
              </span>
            )}
          </h1>
          <button type="button" className="link" onClick={() => go({ kind: "person", id: c.person_id })}>
            {t("client")}: {c.person_name} · {c.masked_id}
          </button>
        </div>
      </div>
      <Banner message={notice} kind="success" />
      {(detail.can_mark_sensitive || detail.can_unmark_sensitive) && (
        <div className="actions actions-left">
          <button
            type="button"
            className="small"
            id={detail.can_mark_sensitive ? "mark-sensitive" : "unmark-sensitive"}
            onClick={() =>
              void backend
                .setCaseSensitive(c.id, detail.can_mark_sensitive)
                .then(() => done(detail.can_mark_sensitive ? t("access.marked") : t("access.unmarked")))
                .catch(reportFailure)
            }
          >
            {detail.can_mark_sensitive ? t("access.mark") : t("access.unmark")}
          </button>
        </div>
      )}
      <CaseOpenings rows={detail.openings} />
      <CaseExpedite caseId={c.id} />
      {detail.person_death_date && (
        <div className="banner banner-info" role="status" id="client-died">
          {t("caseView.clientDied", { date: formatBe(detail.person_death_date, lang) })}
        </div>
      )}

      {detail.pending && (
        <Approval detail={detail} i18n={i18n} onDone={(m) => done(m)} />
      )}

      {detail.deadlines.length > 0 && (
        <div className="card deadlines" aria-labelledby="deadlines-title">
          <h2 id="deadlines-title">{t("deadlines")}</h2>
          <ul>
            {detail.deadlines.map((d) => (
              <li key={d.milestone} className={`due due-${d.state}`}>
                <span className="due-badge">{pick(dueStateNames[d.state])}</span>
                <span>{pick(milestoneNames[d.milestone])}</span>
                <span className="muted">{formatBe(d.due_date, lang)}</span>
                {d.state === "overdue" && <strong>{t("daysLate", { n: d.days_late })}</strong>}
              </li>
            ))}
          </ul>
        </div>
      )}

      <div className="card ff-card" id="ff-card">
        <h2>{t("caseView.ff_title")}</h2>
        <p>
          <span className={`pill ff-status-${detail.fact_finding}`} id="ff-status">
            {t(`caseView.form_${detail.fact_finding}`)}
          </span>
        </p>
        <button type="button" className={detail.fact_finding === "submitted" ? "" : "primary"} id="open-fact-finding" onClick={() => go({ kind: "fact_finding", id: c.id })}>
          {t(detail.fact_finding === "new" ? "caseView.ff_start" : "caseView.ff_open")}
        </button>
      </div>

      <dl className="facts card">
        <div>
          <dt>{t("colChannel")}</dt>
          <dd>{pick(channelNames[c.channel])}</dd>
        </div>
        <div>
          <dt>{t("colIntake")}</dt>
          <dd>{formatBe(c.intake_date, lang)}</dd>
        </div>
        <div>
          <dt>{t("urgency")}</dt>
          <dd>{pick(urgencyNames[c.urgency])}</dd>
        </div>
        <div>
          <dt>{t("colAssigned")}</dt>
          <dd>
            {c.assigned_to ?? "–"}
            {role !== "case_worker" && !closed && <Assign caseId={c.id} users={users} onDone={() => done(t("saved"))} />}
          </dd>
        </div>
        <div className="span2">
          <dt>{t("targetGroups")}</dt>
          <dd>{detail.target_groups.map((g) => pick(targetGroupNames[g])).join(" · ") || "–"}</dd>
        </div>
        <div className="span2">
          <dt>{t("problemDomains")}</dt>
          <dd>{detail.problem_domains.map((g) => pick(problemDomainNames[g])).join(" · ") || "–"}</dd>
        </div>
        <div className="span2">
          <dt>{t("colSummary")}</dt>
          <dd className="pre">{c.summary}</dd>
        </div>
        <div className="span2">
          <dt>{t("reporter")}</dt>
          <dd>{detail.reporter ? [detail.reporter.name, detail.reporter.relationship, detail.reporter.contact].filter(Boolean).join(" · ") : "–"}</dd>
        </div>
        {detail.account && (
          <div className="span4">
            <dt>{t("account")}</dt>
            <dd className="pre">{detail.account}</dd>
          </div>
        )}
        {detail.outcome && (
          <div className="span2">
            <dt>{t("outcome")}</dt>
            <dd>{pick(outcomeNames[detail.outcome])}</dd>
          </div>
        )}
      </dl>

      <div className="card">
        <h2>{t("actions")}</h2>
        <div className="action-buttons" role="toolbar">
          <button type="button" id="act-note" onClick={() => setMode("note")}>
            {t("addNote")}
          </button>
          {!closed && (
            <>
              <button type="button" id="act-visit" onClick={() => setMode("visit")}>
                {t("addVisit")}
              </button>
              <button type="button" id="act-assistance" onClick={() => setMode("assistance")}>
                {t("addAssistance")}
              </button>
              {detail.next_stages.length > 0 && !detail.pending && (
                <button type="button" id="act-stage" onClick={() => setMode("stage")}>
                  {t("moveTo")}…
                </button>
              )}
              {c.status === "planning" && !detail.pending && (
                <button type="button" id="act-plan" onClick={() => setMode("plan")}>
                  {t("requestPlan")}
                </button>
              )}
              {!detail.pending && (
                <button type="button" id="act-closure" onClick={() => setMode("closure")}>
                  {t("requestClosure")}
                </button>
              )}
            </>
          )}
          {closed && (
            <button type="button" id="act-reopen" onClick={() => setMode("reopen")}>
              {t("reopen")}
            </button>
          )}
        </div>
        {mode === "note" && <TextAction label={t("addNote")} name="note_text" onCancel={() => setMode(null)} submit={(txt) => backend.addNote(c.id, txt)} onDone={() => done(t("saved"))} />}
        {mode === "correct" && correcting && (
          <TextAction label={t("correction")} name="correction_text" onCancel={() => setMode(null)} submit={(txt) => backend.addCorrection(c.id, correcting, txt)} onDone={() => done(t("saved"))} />
        )}
        {mode === "reopen" && <TextAction label={t("reason")} name="reopen_reason" onCancel={() => setMode(null)} submit={(txt) => backend.reopenCase(c.id, txt)} onDone={() => done(t("saved"))} />}
        {mode === "plan" && (
          <TextAction
            label={t("reason")}
            name="plan_reason"
            onCancel={() => setMode(null)}
            submit={(txt) => backend.requestApproval(c.id, { approval: "plan", outcome: null, reason: txt })}
            onDone={() => done(t("saved"))}
          />
        )}
        {mode === "stage" && <StageAction detail={detail} onCancel={() => setMode(null)} onDone={() => done(t("saved"))} />}
        {mode === "closure" && <ClosureAction caseId={c.id} onCancel={() => setMode(null)} onDone={() => done(t("saved"))} />}
        {mode === "visit" && <VisitAction caseId={c.id} onCancel={() => setMode(null)} onDone={() => done(t("saved"))} />}
        {mode === "assistance" && <AssistanceAction caseId={c.id} onCancel={() => setMode(null)} onDone={() => done(t("saved"))} />}
      </div>

      <PlanCard detail={detail} onChanged={(m) => done(m)} />

      <WelfarePanel
        caseId={c.id}
        events={detail.events}
        closed={closed}
        onChanged={(m) => {
          done(m);
          setReferralsShown((n) => n + 1);
        }}
      />

      <ReferralCard key={referralsShown} caseId={c.id} closed={closed} onChanged={load} />

      <h2>{t("timeline")}</h2>
      <ol className="timeline" id="timeline">
        {[...detail.events].reverse().map((e) => (
          <TimelineItem
            key={e.id}
            e={e}
            i18n={i18n}
            onCorrect={() => {
              setCorrecting(e.id);
              setMode("correct");
              window.scrollTo({ top: 0 });
            }}
          />
        ))}
      </ol>
    </section>
  );
}

function eventText(e: CaseEvent, { t, pick, lang }: I18n): { title: string; lines: string[] } {
  const b = e.body;
  switch (b.kind) {
    case "opened":
      return { title: `${t("openCaseTitle")} · ${pick(channelNames[b.channel])}`, lines: [] };
    case "stage_changed":
      return { title: `${pick(statusNames[b.from])} → ${pick(statusNames[b.to])}`, lines: b.reason ? [b.reason] : [] };
    case "assigned":
      return { title: `${t("assignTo")} ${b.to_name}`, lines: [] };
    case "note":
      return { title: t("addNote"), lines: [b.text] };
    case "home_visit":
      return {
        title: `${t("addVisit")} · ${formatBe(b.visited_on, lang)}`,
        lines: [
          `${t("visitors")}: ${b.visitors}`,
          b.living_conditions && `${t("livingConditions")}: ${b.living_conditions}`,
          `${t("findings")}: ${b.findings}`,
          b.opinion && `${t("opinion")}: ${b.opinion}`,
        ].filter(Boolean) as string[],
      };
    case "assistance":
      return {
        title: `${t("addAssistance")} · ${pick(assistanceFormNames[b.form])} · ${formatBe(b.given_on, lang)}`,
        lines: [
          b.description + (b.amount_baht != null ? ` — ${t("baht", { n: b.amount_baht.toLocaleString("th-TH") })}` : ""),
          b.funding && `${t("funding")}: ${b.funding}`,
        ].filter(Boolean) as string[],
      };
    case "approval_requested":
      return {
        title: b.approval === "plan" ? t("requestPlan") : t("requestClosure"),
        lines: [b.outcome ? `${t("outcome")}: ${pick(outcomeNames[b.outcome])}` : "", b.reason].filter(Boolean),
      };
    case "approval_decided":
      return {
        title: `${b.approved ? t("approve") : t("returnRequest")} · ${b.approval === "plan" ? t("requestPlan") : t("requestClosure")}`,
        lines: b.comment ? [b.comment] : [],
      };
    case "reopened":
      return { title: t("reopen"), lines: [b.reason] };
    case "correction":
      return { title: t("correction"), lines: [b.text] };
    case "fact_finding_submitted":
      return { title: t("caseView.ff_submittedEvent").replace("{v}", String(b.form_version)), lines: [] };
    case "fact_finding_reopened":
      return { title: t("caseView.ff_reopenedEvent"), lines: [b.reason] };
    case "attachment_added":
      return { title: t("caseView.ff_attachmentAdded"), lines: [`${b.file_name} (${Math.ceil(b.size / 1024)} KB)`] };
    case "attachment_removed":
      return { title: t("caseView.ff_attachmentRemoved"), lines: [b.file_name, b.reason] };
    case "plan_item_added":
      return { title: `${t("caseView.ff_planAdded")} · ${pick(planKindNames[b.plan])}`, lines: [`${b.goal} — ${formatBe(b.due_on, lang)}`] };
    case "plan_item_updated":
      return { title: `${t("caseView.ff_planUpdated")} · ${pick(planStatusNames[b.status])}`, lines: [b.goal, b.note].filter(Boolean) };
    case "referral_changed":
      return { title: `${t("caseView.ff_referral")} ${b.agency} · ${pick(referralStatusNames[b.to])}`, lines: [b.letter_no ?? "", b.note].filter(Boolean) };
    case "central_access":
      return { title: t("caseView.centralAccess"), lines: [b.by, `${t("caseView.centralAccessReason")}: ${b.reason}`] };
    case "welfare_screened": {
      const got = b.screening.results.filter((r) => r.eligibility === "eligible");
      return {
        title: t("caseView.welfareRightsScreened"),
        lines: got.length > 0 ? got.map((r) => `${pick(schemeNames[r.scheme])}: ${r.reason_th}`) : [t("caseView.noFurtherRightsFound")],
      };
    }
  }
}

function TimelineItem({ e, i18n, onCorrect }: { e: CaseEvent; i18n: I18n; onCorrect: () => void }) {
  const { title, lines } = eventText(e, i18n);
  const correctable = ["note", "home_visit", "assistance"].includes(e.body.kind);
  return (
    <li className={`event event-${e.body.kind}`}>
      <div className="event-head">
        <strong>{title}</strong>
        <span className="muted">
          {formatBeDateTime(e.at, i18n.lang)} · {e.by}
        </span>
      </div>
      {e.corrects && <div className="muted small">↳ {i18n.t("corrects")}</div>}
      {lines.map((l, i) => (
        <p key={i} className="pre">
          {l}
        </p>
      ))}
      {correctable && (
        <button type="button" className="link small" onClick={onCorrect}>
          {i18n.t("correct")}
        </button>
      )}
    </li>
  );
}

function TextAction(props: { label: string; name: string; onCancel: () => void; submit: (text: string) => Promise<unknown>; onDone: () => void }) {
  const { t } = useI18n();
  const { busy, banner, fields, run } = useSubmit();
  const [text, setText] = useState("");
  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = await run(() => props.submit(text));
    if (r !== undefined) props.onDone();
  }
  return (
    <form onSubmit={submit} noValidate className="action-form">
      <Banner message={banner} />
      <Field label={props.label} error={fields.text ?? fields.reason}>
        {(p) => <textarea {...p} name={props.name} rows={3} value={text} onChange={(e) => setText(e.target.value)} autoFocus maxLength={5000} />}
      </Field>
      <FormButtons busy={busy} onCancel={props.onCancel} label={t("save")} id={`${props.name}-submit`} />
    </form>
  );
}

function FormButtons({ busy, onCancel, label, id }: { busy: boolean; onCancel: () => void; label: string; id?: string }) {
  const { t } = useI18n();
  return (
    <div className="actions">
      <button type="button" onClick={onCancel}>
        {t("cancel")}
      </button>
      <button type="submit" className="primary" disabled={busy} id={id}>
        {busy ? t("saving") : label}
      </button>
    </div>
  );
}

function StageAction({ detail, onCancel, onDone }: { detail: CaseDetail; onCancel: () => void; onDone: () => void }) {
  const { t, pick } = useI18n();
  const { busy, banner, fields, run } = useSubmit();
  const [to, setTo] = useState<CaseStatus>(detail.next_stages[0] ?? "fact_finding");
  const [reason, setReason] = useState("");
  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = await run(() => backend.changeStage(detail.case.id, to, reason));
    if (r !== undefined) onDone();
  }
  return (
    <form onSubmit={submit} noValidate className="action-form">
      <Banner message={banner} />
      <Field label={t("moveTo")}>
        {(p) => (
          <select {...p} name="stage_to" value={to} onChange={(e) => setTo(e.target.value as CaseStatus)} autoFocus>
            {detail.next_stages.map((s) => (
              <option key={s} value={s}>
                {pick(statusNames[s])}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t("reason")} error={fields.reason}>
        {(p) => <textarea {...p} name="stage_reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={5000} />}
      </Field>
      <FormButtons busy={busy} onCancel={onCancel} label={t("save")} id="stage-submit" />
    </form>
  );
}

function ClosureAction({ caseId, onCancel, onDone }: { caseId: string; onCancel: () => void; onDone: () => void }) {
  const { t, pick } = useI18n();
  const { busy, banner, fields, run } = useSubmit();
  const [outcome, setOutcome] = useState<ClosureOutcome>("resolved");
  const [reason, setReason] = useState("");
  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = await run(() => backend.requestApproval(caseId, { approval: "closure", outcome, reason }));
    if (r !== undefined) onDone();
  }
  return (
    <form onSubmit={submit} noValidate className="action-form">
      <Banner message={banner} />
      <Field label={t("outcome")} error={fields.outcome}>
        {(p) => (
          <select {...p} name="outcome" value={outcome} onChange={(e) => setOutcome(e.target.value as ClosureOutcome)} autoFocus>
            {(Object.keys(outcomeNames) as ClosureOutcome[]).map((o) => (
              <option key={o} value={o}>
                {pick(outcomeNames[o])}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t("reason")} error={fields.reason}>
        {(p) => <textarea {...p} name="closure_reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={5000} />}
      </Field>
      <FormButtons busy={busy} onCancel={onCancel} label={t("requestClosure")} />
    </form>
  );
}

function dateField(value: string, pick: I18n["pick"]): { iso: string | null; error?: string } {
  const d = parseBeDate(value);
  if (!d.ok) return { iso: null, error: pick(localProblems[d.problem] ?? ["", ""]) };
  if (d.iso > todayBangkokIso()) return { iso: null, error: pick(localProblems.date_in_future ?? ["", ""]) };
  return { iso: d.iso };
}

function VisitAction({ caseId, onCancel, onDone }: { caseId: string; onCancel: () => void; onDone: () => void }) {
  const { t, pick } = useI18n();
  const { busy, banner, fields, setFields, run } = useSubmit();
  const [f, setF] = useState({ date: isoToBeInput(todayBangkokIso()), visitors: "", living: "", findings: "", opinion: "" });
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  async function submit(e: FormEvent) {
    e.preventDefault();
    const d = dateField(f.date, pick);
    if (!d.iso) {
      setFields({ visited_on: d.error ?? "" });
      return;
    }
    const iso = d.iso;
    const r = await run(() =>
      backend.addHomeVisit(caseId, { visited_on: iso, visitors: f.visitors, living_conditions: f.living, findings: f.findings, opinion: f.opinion }),
    );
    if (r !== undefined) onDone();
  }
  return (
    <form onSubmit={submit} noValidate className="action-form" id="visit-form">
      <Banner message={banner} />
      <div className="row">
        <Field label={t("visitedOn")} error={fields.visited_on}>
          {(p) => <input {...p} name="visited_on" value={f.date} onChange={set("date")} autoFocus maxLength={10} />}
        </Field>
        <Field label={t("visitors")} error={fields.visitors}>
          {(p) => <input {...p} name="visitors" value={f.visitors} onChange={set("visitors")} maxLength={300} />}
        </Field>
      </div>
      <Field label={t("livingConditions")} error={fields.living_conditions}>
        {(p) => <textarea {...p} name="living_conditions" rows={2} value={f.living} onChange={set("living")} maxLength={5000} />}
      </Field>
      <Field label={t("findings")} error={fields.findings}>
        {(p) => <textarea {...p} name="findings" rows={2} value={f.findings} onChange={set("findings")} maxLength={5000} />}
      </Field>
      <Field label={t("opinion")} error={fields.opinion}>
        {(p) => <textarea {...p} name="opinion" rows={2} value={f.opinion} onChange={set("opinion")} maxLength={5000} />}
      </Field>
      <FormButtons busy={busy} onCancel={onCancel} label={t("save")} id="visit-submit" />
    </form>
  );
}

function AssistanceAction({ caseId, onCancel, onDone }: { caseId: string; onCancel: () => void; onDone: () => void }) {
  const { t, pick } = useI18n();
  const { busy, banner, fields, setFields, run } = useSubmit();
  const [f, setF] = useState({ date: isoToBeInput(todayBangkokIso()), form: "money" as AssistanceForm, description: "", amount: "", funding: "" });
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  async function submit(e: FormEvent) {
    e.preventDefault();
    const d = dateField(f.date, pick);
    const amount = f.amount.trim() === "" ? null : Number(f.amount.replace(/,/g, ""));
    if (!d.iso || (amount !== null && (!Number.isInteger(amount) || amount < 0))) {
      setFields({ ...(d.iso ? {} : { given_on: d.error ?? "" }), ...(amount !== null && !(Number.isInteger(amount) && amount >= 0) ? { amount_baht: t("required") } : {}) });
      return;
    }
    const iso = d.iso;
    const r = await run(() => backend.addAssistance(caseId, { given_on: iso, form: f.form, description: f.description, amount_baht: amount, funding: f.funding }));
    if (r !== undefined) onDone();
  }
  return (
    <form onSubmit={submit} noValidate className="action-form" id="assistance-form">
      <Banner message={banner} />
      <div className="row">
        <Field label={t("givenOn")} error={fields.given_on}>
          {(p) => <input {...p} name="given_on" value={f.date} onChange={set("date")} autoFocus maxLength={10} />}
        </Field>
        <Field label={t("assistanceForm")}>
          {(p) => (
            <select {...p} name="assistance_form" value={f.form} onChange={set("form")}>
              {(Object.keys(assistanceFormNames) as AssistanceForm[]).map((k) => (
                <option key={k} value={k}>
                  {pick(assistanceFormNames[k])}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("amount")} error={fields.amount_baht}>
          {(p) => <input {...p} name="amount_baht" inputMode="numeric" value={f.amount} onChange={set("amount")} maxLength={12} />}
        </Field>
      </div>
      <Field label={t("description")} error={fields.description}>
        {(p) => <input {...p} name="description" value={f.description} onChange={set("description")} maxLength={300} />}
      </Field>
      <Field label={t("funding")} error={fields.funding}>
        {(p) => <input {...p} name="funding" value={f.funding} onChange={set("funding")} maxLength={300} />}
      </Field>
      <FormButtons busy={busy} onCancel={onCancel} label={t("save")} id="assistance-submit" />
    </form>
  );
}

function Approval({ detail, i18n, onDone }: { detail: CaseDetail; i18n: I18n; onDone: (msg: string) => void }) {
  const { t, pick } = i18n;
  const { busy, banner, fields, run } = useSubmit();
  const [comment, setComment] = useState("");
  const p = detail.pending;
  if (!p) return null;
  const what = p.approval === "plan" ? t("approvalPlan") : t("approvalClosure");
  async function decide(approve: boolean) {
    const r = await run(() => backend.decideApproval(detail.case.id, approve, comment));
    if (r !== undefined) onDone(t("saved"));
  }
  return (
    <div className="card pending" role="region" aria-labelledby="pending-title" id="pending-approval">
      <h2 id="pending-title">{t("pendingApproval", { what, who: p.requested_by_name })}</h2>
      {p.outcome && (
        <p>
          {t("outcome")}: {pick(outcomeNames[p.outcome])}
        </p>
      )}
      <p className="pre">{p.reason}</p>
      {detail.can_decide && (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void decide(true);
          }}
        >
          <Banner message={banner} />
          <Field label={t("comment")} error={fields.comment}>
            {(pp) => <textarea {...pp} name="approval_comment" rows={2} value={comment} onChange={(e) => setComment(e.target.value)} maxLength={5000} />}
          </Field>
          <div className="actions">
            <button type="button" disabled={busy} onClick={() => void decide(false)} id="return-button">
              {t("returnRequest")}
            </button>
            <button type="submit" className="primary" disabled={busy} id="approve-button">
              {t("approve")}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}

function Assign({ caseId, users, onDone }: { caseId: string; users: UserInfo[]; onDone: () => void }) {
  const { t } = useI18n();
  const [user, setUser] = useState("");
  const { busy, banner, run } = useSubmit();
  const active = users.filter((u) => u.active);
  if (active.length === 0) return null;
  return (
    <form
      className="assign"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!user) return;
        const r = await run(() => backend.assignCase(caseId, user));
        if (r !== undefined) onDone();
      }}
    >
      <Banner message={banner} />
      <label htmlFor="assign-user" className="visually-hidden">
        {t("assignTo")}
      </label>
      <select id="assign-user" name="assign_user" value={user} onChange={(e) => setUser(e.target.value)}>
        <option value="">{t("assignTo")}…</option>
        {active.map((u) => (
          <option key={u.id} value={u.id}>
            {u.full_name}
          </option>
        ))}
      </select>
      <button type="submit" className="small" disabled={busy || !user} id="assign-submit">
        {t("assign")}
      </button>
    </form>
  );
}
