// The case's plans: the individual care plan and, when the case concerns the whole
// household, the household quality-of-life development plan. Goals, activities, who is
// responsible, due and review dates; status changes go on the timeline.
import { useState, type FormEvent } from "react";
import type { CaseDetail } from "../bindings/CaseDetail";
import type { PlanItem } from "../bindings/PlanItem";
import type { PlanItemStatus } from "../bindings/PlanItemStatus";
import type { PlanKind } from "../bindings/PlanKind";
import { backend } from "../lib/backend";
import { Banner, Field, useSubmit } from "../lib/forms";
import { localProblems, useI18n } from "../lib/i18n";
import { formatBe, parseBeDate, todayBangkokIso } from "../lib/thaiDate";

export const planKindNames: Record<PlanKind, [string, string]> = {
  individual: ["แผนการดูแลรายบุคคล", "Individual care plan"],
  household: ["แผนพัฒนาคุณภาพชีวิตรายครัวเรือน", "Household quality-of-life plan"],
};

export const planStatusNames: Record<PlanItemStatus, [string, string]> = {
  planned: ["ยังไม่เริ่ม", "Planned"],
  in_progress: ["กำลังดำเนินการ", "In progress"],
  done: ["สำเร็จ", "Done"],
  dropped: ["ยกเลิก", "Dropped"],
};


export function PlanCard({ detail, onChanged }: { detail: CaseDetail; onChanged: (msg: string) => void }) {
  const { t, pick, lang } = useI18n();
  const [adding, setAdding] = useState(false);
  const toggle = useSubmit();
  const closed = detail.case.status === "closed";
  const today = todayBangkokIso();

  async function setStatus(item: PlanItem, status: PlanItemStatus) {
    await toggle.run(() => backend.updatePlanItem(item.id, { status, review_on: item.review_on, note: "" }));
    onChanged(t("saved"));
  }

  return (
    <div className="card" aria-labelledby="plan-title" id="plan-card">
      <h2 id="plan-title">{t("planCard.title")}</h2>
      <Banner message={toggle.banner} />
      {!closed && (
        <label className="check-item">
          <input
            type="checkbox"
            id="whole-household"
            checked={detail.household_id !== null}
            onChange={async (e) => {
              const r = await toggle.run(() => backend.setCaseHousehold(detail.case.id, e.target.checked));
              if (r !== undefined) onChanged(t("saved"));
            }}
          />
          {t("planCard.wholeHousehold")}
        </label>
      )}
      {detail.plan_items.length === 0 ? (
        <p className="muted">{t("planCard.none")}</p>
      ) : (
        <table className="data" id="plan-items">
          <thead>
            <tr>
              <th>{t("planCard.plan")}</th>
              <th>{t("planCard.goal")}</th>
              <th>{t("planCard.activity")}</th>
              <th>{t("planCard.responsible")}</th>
              <th>{t("planCard.due")}</th>
              <th>{t("planCard.review")}</th>
              <th>{t("planCard.status")}</th>
            </tr>
          </thead>
          <tbody>
            {detail.plan_items.map((i) => {
              const late = i.due_on < today && (i.status === "planned" || i.status === "in_progress");
              return (
                <tr key={i.id} className={late ? "row-overdue" : ""}>
                  <td>{pick(planKindNames[i.plan])}</td>
                  <td>{i.goal}</td>
                  <td className="pre">{i.activity}</td>
                  <td>{i.responsible}</td>
                  <td>
                    {formatBe(i.due_on, lang)} {late && <strong className="overdue-tag">{t("planCard.overdue")}</strong>}
                  </td>
                  <td>{i.review_on ? formatBe(i.review_on, lang) : "–"}</td>
                  <td>
                    <select aria-label={t("planCard.status")} value={i.status} disabled={closed || toggle.busy} onChange={(e) => void setStatus(i, e.target.value as PlanItemStatus)}>
                      {(Object.keys(planStatusNames) as PlanItemStatus[]).map((s) => (
                        <option key={s} value={s}>
                          {pick(planStatusNames[s])}
                        </option>
                      ))}
                    </select>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {!closed &&
        (adding ? (
          <AddGoal
            detail={detail}
            onCancel={() => setAdding(false)}
            onDone={() => {
              setAdding(false);
              onChanged(t("saved"));
            }}
          />
        ) : (
          <button type="button" id="add-goal-button" onClick={() => setAdding(true)}>
            + {t("planCard.add")}
          </button>
        ))}
    </div>
  );
}

function AddGoal({ detail, onCancel, onDone }: { detail: CaseDetail; onCancel: () => void; onDone: () => void }) {
  const { t, pick } = useI18n();
  const { busy, banner, fields, setFields, run } = useSubmit();
  const [f, setF] = useState({ plan: "individual" as PlanKind, goal: "", activity: "", responsible: "", due: "", review: "" });
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  async function submit(e: FormEvent) {
    e.preventDefault();
    const due = parseBeDate(f.due);
    const review = f.review.trim() ? parseBeDate(f.review) : null;
    const errs: Record<string, string> = {};
    if (!due.ok) errs.due_on = pick(localProblems[due.problem] ?? ["", ""]);
    if (review && !review.ok) errs.review_on = pick(localProblems[review.problem] ?? ["", ""]);
    if (!due.ok || (review && !review.ok)) {
      setFields(errs);
      return;
    }
    const dueIso = due.iso;
    const reviewIso = review && review.ok ? review.iso : null;
    const r = await run(() =>
      backend.addPlanItem(detail.case.id, { plan: f.plan, goal: f.goal, activity: f.activity, responsible: f.responsible, due_on: dueIso, review_on: reviewIso }),
    );
    if (r !== undefined) onDone();
  }
  return (
    <form className="action-form" onSubmit={submit} noValidate id="goal-form">
      <Banner message={banner} />
      <div className="row">
        <Field label={t("planCard.plan")} error={fields.plan}>
          {(p) => (
            <select {...p} name="plan_kind" value={f.plan} onChange={set("plan")} autoFocus>
              {(Object.keys(planKindNames) as PlanKind[]).map((k) => (
                <option key={k} value={k}>
                  {pick(planKindNames[k])}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("planCard.goal")} error={fields.goal}>
          {(p) => <input {...p} name="goal" value={f.goal} onChange={set("goal")} maxLength={300} />}
        </Field>
      </div>
      <Field label={t("planCard.activity")} error={fields.activity}>
        {(p) => <textarea {...p} name="activity" rows={2} value={f.activity} onChange={set("activity")} maxLength={5000} />}
      </Field>
      <div className="row">
        <Field label={t("planCard.responsible")} error={fields.responsible}>
          {(p) => <input {...p} name="responsible" value={f.responsible} onChange={set("responsible")} maxLength={300} />}
        </Field>
        <Field label={t("planCard.due")} error={fields.due_on}>
          {(p) => <input {...p} name="due_on" value={f.due} onChange={set("due")} maxLength={10} placeholder="15/12/2569" />}
        </Field>
        <Field label={t("planCard.review")} error={fields.review_on}>
          {(p) => <input {...p} name="review_on" value={f.review} onChange={set("review")} maxLength={10} />}
        </Field>
      </div>
      <div className="actions">
        <button type="button" onClick={onCancel}>
          {t("planCard.cancel")}
        </button>
        <button type="submit" className="primary" disabled={busy} id="goal-submit">
          {t("planCard.save")}
        </button>
      </div>
    </form>
  );
}
