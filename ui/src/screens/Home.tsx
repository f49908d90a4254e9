import { lazy, Suspense, useCallback, useEffect, useState } from "react";
import type { AppStatus } from "../bindings/AppStatus";
import { useI18n, roleNames } from "../lib/i18n";
import { LockIcon, ShieldIcon } from "../lib/icons";
import { Agencies } from "./Agencies";
import { Audit } from "./Audit";
import { Cases } from "./Cases";
import { Import } from "./Import";
import { Reports } from "./Reports";
import { CaseView } from "./CaseView";
import { FactFindingForm } from "./FactFindingForm";
import { WorkView } from "./WorkView";
import { PersonView } from "./PersonView";
import { RegisterPerson } from "./RegisterPerson";
import { Settings } from "./Settings";
import { Users } from "./Users";
import { SyncIndicator } from "./SyncPanel";

// Charts load only when the dashboard is opened (keeps start-up lean).
const Dashboard = lazy(() => import("./Dashboard").then((m) => ({ default: m.Dashboard })));

export type View =
  | { kind: "cases" }
  | { kind: "register" }
  | { kind: "person"; id: string; flash?: string }
  | { kind: "case"; id: string; flash?: string }
  | { kind: "fact_finding"; id: string }
  | { kind: "my_work" }
  | { kind: "office_work" }
  | { kind: "agencies" }
  | { kind: "users" }
  | { kind: "settings" }
  | { kind: "audit" }
  | { kind: "dashboard" }
  | { kind: "reports" }
  | { kind: "import" };

export function Home({ status, onLock }: { status: AppStatus; onLock: () => void }) {
  const { t, pick, lang, setLang } = useI18n();
  const [view, setView] = useState<View>({ kind: "cases" });
  const role = status.user?.role ?? "case_worker";
  const go = useCallback((v: View) => setView(v), []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey && (e.key === "l" || e.key === "L")) {
        e.preventDefault();
        onLock();
      } else if (e.altKey && (e.key === "n" || e.key === "N")) {
        e.preventDefault();
        setView({ kind: "register" });
      } else if (e.key === "Escape" && !(e.target instanceof HTMLSelectElement)) {
        setView({ kind: "cases" });
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onLock]);

  const nav: { kind: View["kind"]; label: string; show: boolean }[] = [
    { kind: "my_work", label: t("navMyWork"), show: true },
    { kind: "cases", label: t("navCases"), show: true },
    { kind: "register", label: t("navRegister"), show: true },
    { kind: "office_work", label: t("navOfficeWork"), show: role !== "case_worker" },
    { kind: "dashboard", label: lang === "th" ? "แดชบอร์ด" : "Dashboard", show: role !== "case_worker" },
    { kind: "reports", label: lang === "th" ? "รายงาน" : "Reports", show: role !== "case_worker" },
    { kind: "import", label: lang === "th" ? "นำเข้า" : "Import", show: role !== "case_worker" },
    { kind: "agencies", label: lang === "th" ? "หน่วยงาน/หนังสือส่ง" : "Agencies & letters", show: true },
    { kind: "users", label: t("navUsers"), show: role === "admin" },
    { kind: "audit", label: t("navAudit"), show: role !== "case_worker" },
    { kind: "settings", label: t("navSettings"), show: true },
  ];

  return (
    <div className="shell">
      <header className="topbar">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            ♥
          </span>
          <span className="brand-name">{t("appName")}</span>
          <span className="office-name">{status.office?.name}</span>
        </div>
        <div className="who">
          <span className="user-name" data-testid="user-name">
            {status.user?.full_name}
          </span>
          <span className="role">{pick(roleNames[role])}</span>
          <button type="button" className="ghost" onClick={() => setLang(lang === "th" ? "en" : "th")}>
            {t("langSwitch")}
          </button>
          <button type="button" className="ghost" id="lock-button" onClick={onLock} title="Ctrl+L">
            <LockIcon /> {t("lock")}
          </button>
        </div>
      </header>
      <nav className="tabs" aria-label="main">
        {nav
          .filter((n) => n.show)
          .map((n) => (
            <button
              key={n.kind}
              type="button"
              id={`nav-${n.kind}`}
              className={view.kind === n.kind || ((view.kind === "person" || view.kind === "case" || view.kind === "fact_finding") && n.kind === "cases") ? "tab active" : "tab"}
              aria-current={view.kind === n.kind ? "page" : undefined}
              onClick={() => setView({ kind: n.kind } as View)}
            >
              {n.label}
            </button>
          ))}
      </nav>
      <div className="content">
        {view.kind === "cases" && <Cases go={go} />}
        {view.kind === "register" && <RegisterPerson go={go} />}
        {view.kind === "person" && <PersonView key={view.id} id={view.id} flash={view.flash ?? null} go={go} canMerge={role !== "case_worker"} />}
        {view.kind === "case" && <CaseView key={view.id} id={view.id} flash={view.flash ?? null} go={go} status={status} />}
        {view.kind === "fact_finding" && <FactFindingForm key={view.id} caseId={view.id} go={go} />}
        {view.kind === "my_work" && <WorkView mine go={go} />}
        {view.kind === "office_work" && <WorkView mine={false} go={go} />}
        {view.kind === "agencies" && <Agencies canEdit={role !== "case_worker"} />}
        {view.kind === "users" && <Users />}
        {view.kind === "settings" && <Settings isAdmin={role === "admin"} isSupervisor={role === "supervisor"} />}
        {view.kind === "audit" && <Audit />}
        {view.kind === "dashboard" && (
          <Suspense fallback={<p className="muted">…</p>}>
            <Dashboard go={go} />
          </Suspense>
        )}
        {view.kind === "reports" && <Reports />}
        {view.kind === "import" && <Import />}
      </div>
      <footer className="statusbar">
        <span className="status-item">
          <ShieldIcon /> {t("storageStatus")}
        </span>
        <SyncIndicator onOpen={() => setView({ kind: "settings" })} />
        <span className="shortcuts">{t("shortcuts")}</span>
      </footer>
    </div>
  );
}
