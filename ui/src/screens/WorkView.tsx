import { useEffect, useState } from "react";
import type { WorkList } from "../bindings/WorkList";
import { backend, toBackendError } from "../lib/backend";
import { Banner } from "../lib/forms";
import { dueStateNames, milestoneNames, statusNames, urgencyNames, useI18n } from "../lib/i18n";
import { formatBe } from "../lib/thaiDate";
import { ClickableRow } from "../lib/ClickableRow";
import type { View } from "../lib/navigation";
import { ClientName, RecentOpenings } from "./NeedToKnow";
import { OpenExpedite } from "./ExpeditePanel";

/** "My work" (the signed-in worker's deadlines) or the office view for supervisors. */
export function WorkView({ mine, go }: { mine: boolean; go: (v: View) => void }) {
  const { t, pick, lang } = useI18n();
  const [list, setList] = useState<WorkList | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    backend
      .workList(mine)
      .then(setList)
      .catch((e: unknown) => {
        const err = toBackendError(e);
        setError(lang === "th" ? err.report.message_th : err.report.message_en);
      });
  }, [mine, lang]);
  if (error) return <Banner message={error} />;
  if (!list) return <p className="muted">…</p>;
  const shown = list.items.filter((i) => i.state !== "later" || list.items.length < 30);
  return (
    <section aria-labelledby="work-title">
      <div className="page-head">
        <h1 id="work-title">{mine ? t("myWorkTitle") : t("officeWorkTitle")}</h1>
        <span className="muted">{formatBe(list.today, lang)}</span>
      </div>
      <RecentOpenings />
      <OpenExpedite go={go} />
      <div className="counters">
        <div className={`counter counter-overdue${list.overdue > 0 ? " alarm" : ""}`} id="count-overdue">
          <span className="n">{list.overdue}</span>
          <span>{t("overdueCount")}</span>
        </div>
        <div className="counter counter-today">
          <span className="n">{list.due_today}</span>
          <span>{t("todayCount")}</span>
        </div>
        <div className="counter counter-week">
          <span className="n">{list.due_this_week}</span>
          <span>{t("weekCount")}</span>
        </div>
      </div>
      {shown.length === 0 ? (
        <p className="empty">{t("noWork")}</p>
      ) : (
        <table className="grid" id="work-table">
          <thead>
            <tr>
              <th>{t("colDue")}</th>
              <th>{t("colMilestone")}</th>
              <th>{t("colCaseNo")}</th>
              <th>{t("colName")}</th>
              <th>{t("stage")}</th>
              <th>{t("urgency")}</th>
              {!mine && <th>{t("colAssigned")}</th>}
            </tr>
          </thead>
          <tbody>
            {shown.map((i) => (
              <ClickableRow key={`${i.case_id}-${i.milestone}-${i.referral_id ?? ""}`} className={`due-row due-${i.state}`} onOpen={() => go({ kind: "case", id: i.case_id })}>
                <td className="nowrap">
                  <span className="due-badge">{pick(dueStateNames[i.state])}</span> {formatBe(i.due_date, lang)}
                  {i.state === "overdue" && <strong className="late"> +{t("daysLate", { n: i.days_late })}</strong>}
                </td>
                <td>
                  {pick(milestoneNames[i.milestone])}
                  {i.note && <div className="muted small">{i.note}</div>}
                </td>
                <td className="mono nowrap">{i.case_no}</td>
                <td className="nowrap"><ClientName name={i.person_name} /></td>
                <td className="nowrap">{pick(statusNames[i.stage])}</td>
                <td className="nowrap">{pick(urgencyNames[i.urgency]).split(" ")[0]}</td>
                {!mine && <td className="nowrap">{i.assigned_to ?? "–"}</td>}
              </ClickableRow>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
