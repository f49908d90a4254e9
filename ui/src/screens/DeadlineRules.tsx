// Deadline rules as data: the table in force today (milestone × urgency), every row ever set
// with its effective date and reference, and (administrators) a form to add a new rule from
// a date. Cases use the rule in force on their intake date, so old cases keep their rules.
import { useCallback, useEffect, useState, type FormEvent } from "react";
import type { DeadlineRule } from "../bindings/DeadlineRule";
import type { Milestone } from "../bindings/Milestone";
import type { Urgency } from "../bindings/Urgency";
import { backend, toBackendError } from "../lib/backend";
import { Banner, Field, useSubmit } from "../lib/forms";
import { localProblems, milestoneNames, urgencyNames, useI18n } from "../lib/i18n";
import { formatBe, isoToBeInput, parseBeDate, todayBangkokIso } from "../lib/thaiDate";


const milestones = Object.keys(milestoneNames) as Milestone[];
const urgencies = Object.keys(urgencyNames) as Urgency[];

export function DeadlineRules({ isAdmin }: { isAdmin: boolean }) {
  const { t, pick, lang } = useI18n();
  const [rules, setRules] = useState<DeadlineRule[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const { busy, banner, fields, setFields, run } = useSubmit();
  const [f, setF] = useState({ milestone: "first_contact" as Milestone, urgency: "urgent" as Urgency, days: "", from: isoToBeInput(todayBangkokIso()), reference: "" });
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });

  const load = useCallback(() => {
    backend
      .deadlineRules()
      .then(setRules)
      .catch((e: unknown) => setError(toBackendError(e).report.message_th));
  }, []);
  useEffect(load, [load]);

  const today = todayBangkokIso();
  const inForce = (m: Milestone, u: Urgency) =>
    rules.filter((r) => r.milestone === m && r.urgency === u && r.effective_from <= today).sort((a, b) => b.effective_from.localeCompare(a.effective_from))[0];

  async function submit(e: FormEvent) {
    e.preventDefault();
    setNotice(null);
    const d = parseBeDate(f.from);
    const days = Number(f.days);
    const errs: Record<string, string> = {};
    if (!d.ok) errs.effective_from = pick(localProblems[d.problem] ?? ["", ""]);
    if (!Number.isInteger(days) || days < 1 || days > 366) errs.days = t("deadlineRules.range");
    if (!d.ok || Object.keys(errs).length > 0) {
      setFields(errs);
      return;
    }
    const from = d.iso;
    const r = await run(() => backend.setDeadlineRule({ milestone: f.milestone, urgency: f.urgency, days, effective_from: from, reference: f.reference }));
    if (r !== undefined) {
      setNotice(t("deadlineRules.saved"));
      setF({ ...f, days: "", reference: "" });
      load();
    }
  }

  return (
    <div className="card" aria-labelledby="rules-title" id="deadline-rules">
      <h2 id="rules-title">{t("deadlineRules.title")}</h2>
      <p className="muted small">{t("deadlineRules.intro")}</p>
      <Banner message={error} />
      <table className="data rules-table">
        <caption className="small muted">{t("deadlineRules.inForce")}</caption>
        <thead>
          <tr>
            <th>{t("deadlineRules.milestone")}</th>
            {urgencies.map((u) => (
              <th key={u}>{pick(urgencyNames[u]).split(" ")[0]}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {milestones.map((m) => (
            <tr key={m}>
              <td>{pick(milestoneNames[m])}</td>
              {urgencies.map((u) => {
                const r = inForce(m, u);
                return <td key={u}>{r ? t("deadlineRules.days").replace("{n}", String(r.days)) : "–"}</td>;
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <details>
        <summary>{t("deadlineRules.history")}</summary>
        <table className="data">
          <tbody>
            {[...rules]
              .sort((a, b) => b.effective_from.localeCompare(a.effective_from))
              .map((r) => (
                <tr key={`${r.milestone}-${r.urgency}-${r.effective_from}`}>
                  <td>{formatBe(r.effective_from, lang)}</td>
                  <td>{pick(milestoneNames[r.milestone])}</td>
                  <td>{pick(urgencyNames[r.urgency]).split(" ")[0]}</td>
                  <td>{t("deadlineRules.days").replace("{n}", String(r.days))}</td>
                  <td className="muted">{r.reference}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </details>
      {isAdmin && (
        <form onSubmit={submit} noValidate className="action-form" id="rule-form">
          <h3>{t("deadlineRules.add")}</h3>
          <Banner message={notice} kind="success" />
          <Banner message={banner} />
          <div className="row">
            <Field label={t("deadlineRules.milestone")}>
              {(p) => (
                <select {...p} name="rule_milestone" value={f.milestone} onChange={set("milestone")}>
                  {milestones.map((m) => (
                    <option key={m} value={m}>
                      {pick(milestoneNames[m])}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t("deadlineRules.urgency")}>
              {(p) => (
                <select {...p} name="rule_urgency" value={f.urgency} onChange={set("urgency")}>
                  {urgencies.map((u) => (
                    <option key={u} value={u}>
                      {pick(urgencyNames[u])}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t("deadlineRules.dayCount")} error={fields.days}>
              {(p) => <input {...p} name="rule_days" inputMode="numeric" value={f.days} onChange={set("days")} maxLength={3} />}
            </Field>
            <Field label={t("deadlineRules.effective")} error={fields.effective_from}>
              {(p) => <input {...p} name="rule_from" value={f.from} onChange={set("from")} maxLength={10} />}
            </Field>
          </div>
          <Field label={t("deadlineRules.reference")} error={fields.reference}>
            {(p) => <input {...p} name="rule_reference" value={f.reference} onChange={set("reference")} maxLength={300} />}
          </Field>
          <div className="actions">
            <button type="submit" className="primary" disabled={busy} id="rule-submit">
              {t("deadlineRules.add")}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
