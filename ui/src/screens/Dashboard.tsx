import { useEffect, useRef, useState } from "react";
import { ExpediteCounter } from "./ExpeditePanel";
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  Tooltip,
  type ChartConfiguration,
} from "chart.js";
import type { CaseFilter } from "../bindings/CaseFilter";
import type { CaseSummary } from "../bindings/CaseSummary";
import type { Dashboard as Figures } from "../bindings/Dashboard";
import type { Tally } from "../bindings/Tally";
import { backend, toBackendError } from "../lib/backend";
import { Banner } from "../lib/forms";
import { statusNames, useI18n } from "../lib/i18n";
import { formatBe } from "../lib/thaiDate";
import { ClickableRow } from "../lib/ClickableRow";
import type { View } from "../lib/navigation";
import { ClientName } from "./NeedToKnow";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);
Chart.defaults.font.family = '"Sarabun", "Noto Sans Thai", "Tahoma", sans-serif';
Chart.defaults.font.size = 13;
Chart.defaults.animation = false;

const TEAL = "#0f766e";
const AMBER = "#d97706";

/** One bar chart whose bars open the list behind them. */
function BarChart({
  labels,
  series,
  horizontal,
  label,
  onPick,
}: {
  labels: string[];
  series: { label: string; data: number[]; color: string }[];
  horizontal?: boolean;
  label: string;
  onPick: (index: number, series: number) => void;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const pick = useRef(onPick);
  useEffect(() => {
    pick.current = onPick;
  }, [onPick]);
  // Re-draw only when the numbers change, not on every render of the page.
  const dataKey = JSON.stringify({ labels, series, horizontal: horizontal ?? false });
  useEffect(() => {
    if (!canvas.current) return;
    const { labels, series, horizontal } = JSON.parse(dataKey) as {
      labels: string[];
      series: { label: string; data: number[]; color: string }[];
      horizontal: boolean;
    };
    const config: ChartConfiguration<"bar"> = {
      type: "bar",
      data: {
        labels,
        datasets: series.map((s) => ({ label: s.label, data: s.data, backgroundColor: s.color, borderRadius: 4, maxBarThickness: 28 })),
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: series.length > 1, position: "bottom" } },
        scales: { x: { ticks: { precision: 0 } }, y: { ticks: { precision: 0 } } },
        onClick: (_e, elements) => {
          const el = elements[0];
          if (el) pick.current(el.index, el.datasetIndex);
        },
        onHover: (e, elements) => {
          const target = e.native?.target as HTMLElement | undefined;
          if (target) target.style.cursor = elements.length ? "pointer" : "default";
        },
      },
    };
    const chart = new Chart(canvas.current, config);
    return () => chart.destroy();
  }, [dataKey]);
  const height = horizontal ? Math.max(120, labels.length * 30 + 40) : 220;
  return (
    <div className="chart-box" style={{ height }}>
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}

/** A breakdown: a chart, and the same numbers as buttons for the keyboard. */
function Breakdown({ title, id, items, onPick }: { title: string; id: string; items: Tally[]; onPick: (t: Tally) => void }) {
  const { t } = useI18n();
  const sorted = [...items].sort((a, b) => b.count - a.count);
  const labels = sorted.map((t) => t.label_th);
  const data = sorted.map((t) => t.count);
  return (
    <div className="card dash-card" id={id}>
      <h2>{title}</h2>
      {sorted.length === 0 ? (
        <p className="empty">{t("dashboard.noOpenCases")}</p>
      ) : (
        <>
          <BarChart
            labels={labels}
            series={[{ label: title, data, color: TEAL }]}
            horizontal
            label={`${title}: ${sorted.map((t) => `${t.label_th} ${t.count}`).join(", ")}`}
            onPick={(i) => {
              const t = sorted[i];
              if (t) onPick(t);
            }}
          />
          <div className="chips">
            {sorted.map((t) => (
              <button key={t.key} type="button" className="chip" data-key={t.key} onClick={() => onPick(t)}>
                {t.label_th} <strong>{t.count}</strong>
              </button>
            ))}
          </div>
        </>
      )}
    </div>
  );
}

export function Dashboard({ go }: { go: (v: View) => void }) {
  const { t, pick, lang } = useI18n();
  const [d, setD] = useState<Figures | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [drill, setDrill] = useState<{ title: string; cases: CaseSummary[] } | null>(null);
  const listRef = useRef<HTMLElement>(null);

  useEffect(() => {
    backend
      .dashboard()
      .then(setD)
      .catch((e: unknown) => setError(toBackendError(e).report.message_th));
  }, []);

  const open = (title: string, filter: CaseFilter) => {
    backend
      .dashboardCases(filter)
      .then((cases) => {
        setDrill({ title, cases });
        setTimeout(() => listRef.current?.scrollIntoView({ block: "start" }), 0);
      })
      .catch((e: unknown) => setError(toBackendError(e).report.message_th));
  };
  const none: CaseFilter = {
    status: null,
    target_group: null,
    problem_domain: null,
    urgency: null,
    area: null,
    overdue: false,
    opened_in: null,
    closed_in: null,
  };

  if (error) return <Banner message={error} />;
  if (!d) return <p className="muted">…</p>;
  const monthLabels = d.months.map((m) => m.label_th);
  return (
    <section aria-labelledby="dash-title" className="dashboard">
      <div className="page-head">
        <h1 id="dash-title">{t("dashboard.officeDashboard")}</h1>
        <span className="muted">
          {t("dashboard.asOf")} {formatBe(d.today, lang)} · {t("dashboard.fiscalYear")} {d.fiscal_year}
        </span>
      </div>
      <div className="counters">
        <button type="button" className="counter" id="dash-open" onClick={() => open(t("dashboard.openCases"), none)}>
          <span className="n">{d.open_cases}</span>
          <span>{t("dashboard.openCases2")}</span>
        </button>
        <button
          type="button"
          className={`counter counter-overdue${d.overdue_cases > 0 ? " alarm" : ""}`}
          id="dash-overdue"
          onClick={() => open(t("dashboard.overdueCases"), { ...none, overdue: true })}
        >
          <span className="n">{d.overdue_cases}</span>
          <span>{t("dashboard.overdue")}</span>
        </button>
        <button type="button" className="counter" id="dash-referrals" onClick={() => go({ kind: "office_work" })}>
          <span className="n">{d.referrals_waiting}</span>
          <span>
            {t("dashboard.referralsAwaitingReply")}
            {d.referrals_overdue > 0 && <strong className="late"> ({t("dashboard.overdue2")} {d.referrals_overdue})</strong>}
          </span>
        </button>
        <ExpediteCounter go={go} />
        <div className="counter">
          <span className="n">{d.opened_this_fiscal_year}</span>
          <span>
            {t("dashboard.receivedThisFiscalYear")} · {t("dashboard.closed")} {d.closed_this_fiscal_year}
          </span>
        </div>
      </div>

      <div className="dash-grid">
        <div className="card dash-card wide" id="dash-months">
          <h2>{t("dashboard.casesOpenedAndClosedPer")}</h2>
          <BarChart
            labels={monthLabels}
            series={[
              { label: t("dashboard.opened"), data: d.months.map((m) => m.opened), color: TEAL },
              { label: t("dashboard.closed2"), data: d.months.map((m) => m.closed), color: AMBER },
            ]}
            label={d.months.map((m) => `${m.label_th}: ${m.opened}/${m.closed}`).join(", ")}
            onPick={(i, s) => {
              const m = d.months[i];
              if (!m) return;
              if (s === 0) open(`${t("dashboard.openedIn")} ${m.label_th}`, { ...none, opened_in: m.month });
              else open(`${t("dashboard.closedIn")} ${m.label_th}`, { ...none, closed_in: m.month });
            }}
          />
        </div>
        <Breakdown
          id="dash-status"
          title={t("dashboard.byStage")}
          items={d.by_status.map((t) => ({ ...t, label_th: lang === "th" ? t.label_th : pick(statusNames[t.key as keyof typeof statusNames]) }))}
          onPick={(t) => open(t.label_th, { ...none, status: t.key as CaseFilter["status"] })}
        />
        <Breakdown
          id="dash-urgency"
          title={t("dashboard.byUrgency")}
          items={d.by_urgency}
          onPick={(t) => open(t.label_th, { ...none, urgency: t.key as CaseFilter["urgency"] })}
        />
        <Breakdown
          id="dash-target"
          title={t("dashboard.byTargetGroup")}
          items={d.by_target_group}
          onPick={(t) => open(t.label_th, { ...none, target_group: t.key as CaseFilter["target_group"] })}
        />
        <Breakdown
          id="dash-domain"
          title={t("dashboard.byProblemDomain")}
          items={d.by_problem_domain}
          onPick={(t) => open(t.label_th, { ...none, problem_domain: t.key as CaseFilter["problem_domain"] })}
        />
      </div>

      <div className="card dash-card" id="dash-areas">
        <h2>{t("dashboard.casesByDistrictAndSub")}</h2>
        <table className="grid">
          <thead>
            <tr>
              <th>{t("dashboard.districtSubDistrict")}</th>
              <th className="num">{t("dashboard.open")}</th>
              <th className="num">{t("dashboard.urgent")}</th>
              <th className="num">{t("dashboard.overdue3")}</th>
              <th className="num">{t("dashboard.closedThisFy")}</th>
            </tr>
          </thead>
          <tbody>
            {d.areas
              .filter((a) => a.is_district || a.open > 0 || a.closed_this_fiscal_year > 0)
              .map((a) => (
                <ClickableRow
                  key={a.code}
                  className={a.is_district ? "area-district" : "area-sub"}
                  onOpen={() => open(a.name_th, { ...none, area: a.code })}
                >
                  <td data-code={a.code}>{a.is_district ? <strong>{a.name_th}</strong> : <span className="indent">ต.{a.name_th}</span>}</td>
                  <td className="num">{a.open}</td>
                  <td className="num">{a.urgent}</td>
                  <td className={a.overdue > 0 ? "num late" : "num"}>{a.overdue}</td>
                  <td className="num">{a.closed_this_fiscal_year}</td>
                </ClickableRow>
              ))}
          </tbody>
        </table>
      </div>

      {drill && (
        <section className="card dash-card" id="dash-list" ref={listRef} aria-live="polite">
          <div className="page-head">
            <h2>
              {drill.title} — {drill.cases.length} {t("dashboard.cases")}
            </h2>
            <button type="button" className="ghost" onClick={() => setDrill(null)}>
              {t("dashboard.closeList")}
            </button>
          </div>
          {drill.cases.length === 0 ? (
            <p className="empty">{t("dashboard.noCases")}</p>
          ) : (
            <table className="grid">
              <thead>
                <tr>
                  <th>{t("dashboard.caseNo")}</th>
                  <th>{t("dashboard.name")}</th>
                  <th>{t("dashboard.intake")}</th>
                  <th>{t("dashboard.stage")}</th>
                  <th>{t("dashboard.assigned")}</th>
                </tr>
              </thead>
              <tbody>
                {drill.cases.map((c) => (
                  <ClickableRow key={c.id} onOpen={() => go({ kind: "case", id: c.id })}>
                    <td className="mono nowrap">{c.case_no}</td>
                    <td><ClientName name={c.person_name} restricted={c.restricted} /></td>
                    <td className="nowrap">{formatBe(c.intake_date, lang)}</td>
                    <td>{pick(statusNames[c.status])}</td>
                    <td>{c.assigned_to ?? "–"}</td>
                  </ClickableRow>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </section>
  );
}
