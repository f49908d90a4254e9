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

const L = {
  title: ["กฎกำหนดเวลา", "Deadline rules"],
  intro: [
    "จำนวนวันนับจากวันรับเรื่อง (การติดตามผลนับจากการเยี่ยมครั้งล่าสุด) กรณีใช้กฎที่มีผล ณ วันรับเรื่อง กฎใหม่จึงไม่เปลี่ยนกำหนดของกรณีเก่า",
    "Days from intake (follow-ups: from the last visit). A case uses the rules in force on its intake date, so a new rule never changes older cases.",
  ],
  inForce: ["มีผลวันนี้", "In force today"],
  days: ["{n} วัน", "{n} days"],
  history: ["ประวัติการกำหนดกฎ", "All rules"],
  effective: ["มีผลตั้งแต่ (พ.ศ.)", "Effective from (BE)"],
  reference: ["อ้างอิง (คำสั่ง/หนังสือสั่งการ)", "Reference (order/instruction)"],
  milestone: ["ขั้นตอน", "Milestone"],
  urgency: ["ความเร่งด่วน", "Urgency"],
  dayCount: ["จำนวนวัน", "Days"],
  add: ["เพิ่มกฎ", "Add a rule"],
  saved: ["บันทึกกฎแล้ว", "Rule saved"],
  range: ["จำนวนวันต้องอยู่ระหว่าง 1–366", "Days must be 1–366"],
} satisfies Record<string, [string, string]>;

const milestones = Object.keys(milestoneNames) as Milestone[];
const urgencies = Object.keys(urgencyNames) as Urgency[];

export function DeadlineRules({ isAdmin }: { isAdmin: boolean }) {
  const { pick, lang } = useI18n();
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
    if (!Number.isInteger(days) || days < 1 || days > 366) errs.days = pick(L.range);
    if (!d.ok || Object.keys(errs).length > 0) {
      setFields(errs);
      return;
    }
    const from = d.iso;
    const r = await run(() => backend.setDeadlineRule({ milestone: f.milestone, urgency: f.urgency, days, effective_from: from, reference: f.reference }));
    if (r !== undefined) {
      setNotice(pick(L.saved));
      setF({ ...f, days: "", reference: "" });
      load();
    }
  }

  return (
    <div className="card" aria-labelledby="rules-title" id="deadline-rules">
      <h2 id="rules-title">{pick(L.title)}</h2>
      <p className="muted small">{pick(L.intro)}</p>
      <Banner message={error} />
      <table className="data rules-table">
        <caption className="small muted">{pick(L.inForce)}</caption>
        <thead>
          <tr>
            <th>{pick(L.milestone)}</th>
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
                return <td key={u}>{r ? pick(L.days).replace("{n}", String(r.days)) : "–"}</td>;
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <details>
        <summary>{pick(L.history)}</summary>
        <table className="data">
          <tbody>
            {[...rules]
              .sort((a, b) => b.effective_from.localeCompare(a.effective_from))
              .map((r) => (
                <tr key={`${r.milestone}-${r.urgency}-${r.effective_from}`}>
                  <td>{formatBe(r.effective_from, lang)}</td>
                  <td>{pick(milestoneNames[r.milestone])}</td>
                  <td>{pick(urgencyNames[r.urgency]).split(" ")[0]}</td>
                  <td>{pick(L.days).replace("{n}", String(r.days))}</td>
                  <td className="muted">{r.reference}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </details>
      {isAdmin && (
        <form onSubmit={submit} noValidate className="action-form" id="rule-form">
          <h3>{pick(L.add)}</h3>
          <Banner message={notice} kind="success" />
          <Banner message={banner} />
          <div className="row">
            <Field label={pick(L.milestone)}>
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
            <Field label={pick(L.urgency)}>
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
            <Field label={pick(L.dayCount)} error={fields.days}>
              {(p) => <input {...p} name="rule_days" inputMode="numeric" value={f.days} onChange={set("days")} maxLength={3} />}
            </Field>
            <Field label={pick(L.effective)} error={fields.effective_from}>
              {(p) => <input {...p} name="rule_from" value={f.from} onChange={set("from")} maxLength={10} />}
            </Field>
          </div>
          <Field label={pick(L.reference)} error={fields.reference}>
            {(p) => <input {...p} name="rule_reference" value={f.reference} onChange={set("reference")} maxLength={300} />}
          </Field>
          <div className="actions">
            <button type="submit" className="primary" disabled={busy} id="rule-submit">
              {pick(L.add)}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
