import { createContext, lazy, Suspense, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { createMemoryRouter, Outlet, RouterProvider, useLocation, useNavigate, useParams, type RouteObject } from "react-router";
import type { AppStatus } from "../bindings/AppStatus";
import { useI18n, roleNames } from "../lib/i18n";
import { LockIcon, ShieldIcon } from "../lib/icons";
import { pathOf, useGo, type View } from "../lib/navigation";
import { backend } from "../lib/backend";
import { Agencies } from "./Agencies";
import { RequestInbox } from "./RequestInbox";
import { Audit } from "./Audit";
import { Cases } from "./Cases";
import { Import } from "./Import";
import { Reports } from "./Reports";
import { CaseView } from "./CaseView";
import { FactFindingForm } from "./FactFindingForm";
import { WorkView } from "./WorkView";
import { PersonView } from "./PersonView";
import { EditPerson } from "./EditPerson";
import { RegisterPerson } from "./RegisterPerson";
import { Settings } from "./Settings";
import { Users } from "./Users";
import { SyncIndicator } from "./SyncPanel";
import { UpdateNotice } from "./UpdateCard";

export type { View } from "../lib/navigation";

// Charts load only when the dashboard is opened (keeps start-up lean).
const Dashboard = lazy(() => import("./Dashboard").then((m) => ({ default: m.Dashboard })));

type Props = { status: AppStatus; onLock: () => void };

const otherLang = { th: "en", en: "th" } as const;

/** Whether a key event started in something the user types into. */
function inField(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement ||
    (target instanceof HTMLElement && target.isContentEditable)
  );
}

/**
 * The signed-in shell. Each unlock starts a fresh in-memory history at the case list, so
 * back never returns to what the previous user of this PC had open.
 */
export function Home({ status, onLock }: Props) {
  // The routes read the current status and lock action from context, so the router (and
  // its history) is made once per unlock while they stay current.
  const [router] = useState(() => createMemoryRouter(routes(), { initialEntries: ["/cases"] }));
  const shell = useMemo(() => ({ status, onLock }), [status, onLock]);
  return (
    <ShellContext.Provider value={shell}>
      <RouterProvider router={router} />
    </ShellContext.Provider>
  );
}

const ShellContext = createContext<Props | null>(null);
function useShell(): Props {
  const p = useContext(ShellContext);
  if (!p) throw new Error("outside the signed-in shell");
  return p;
}
function useRole() {
  return useShell().status.user?.role ?? "case_worker";
}

function flashOf(state: unknown): string | null {
  return typeof state === "object" && state !== null && "flash" in state && typeof state.flash === "string" ? state.flash : null;
}

function routes(): RouteObject[] {
  const PersonRoute = () => {
    const { id = "" } = useParams();
    const go = useGo();
    const role = useRole();
    return <PersonView key={id} id={id} flash={flashOf(useLocation().state)} go={go} canMerge={role !== "case_worker"} />;
  };
  const EditPersonRoute = () => {
    const { id = "" } = useParams();
    return <EditPerson key={id} id={id} go={useGo()} />;
  };
  const CaseRoute = () => {
    const { id = "", referralId } = useParams();
    const go = useGo();
    const { status } = useShell();
    return <CaseView key={id} id={id} flash={flashOf(useLocation().state)} go={go} status={status} focusReferral={referralId ?? null} />;
  };
  const ByRole = ({ render }: { render: (role: ReturnType<typeof useRole>) => ReactNode }) => <>{render(useRole())}</>;
  const FactFindingRoute = () => {
    const { id = "" } = useParams();
    return <FactFindingForm key={id} caseId={id} go={useGo()} />;
  };
  const With = ({ render }: { render: (go: (v: View) => void) => ReactNode }) => <>{render(useGo())}</>;
  return [
    {
      path: "/",
      element: <Shell />,
      children: [
        { index: true, element: <With render={(go) => <Cases go={go} />} /> },
        { path: "cases", element: <With render={(go) => <Cases go={go} />} /> },
        { path: "register", element: <With render={(go) => <RegisterPerson go={go} />} /> },
        { path: "people/:id", element: <PersonRoute /> },
        { path: "people/:id/edit", element: <EditPersonRoute /> },
        { path: "cases/:id", element: <CaseRoute /> },
        { path: "cases/:id/referrals/:referralId", element: <CaseRoute /> },
        { path: "cases/:id/fact-finding", element: <FactFindingRoute /> },
        { path: "my-work", element: <With render={(go) => <WorkView mine go={go} />} /> },
        { path: "office-work", element: <With render={(go) => <WorkView mine={false} go={go} />} /> },
        { path: "agencies", element: <ByRole render={(role) => <Agencies canEdit={role !== "case_worker"} />} /> },
        { path: "users", element: <Users /> },
        { path: "settings", element: <ByRole render={(role) => <Settings isAdmin={role === "admin"} isSupervisor={role === "supervisor"} />} /> },
        { path: "audit", element: <Audit /> },
        {
          path: "dashboard",
          element: (
            <Suspense fallback={<p className="muted">…</p>}>
              <With render={(go) => <Dashboard go={go} />} />
            </Suspense>
          ),
        },
        { path: "reports", element: <Reports /> },
        { path: "import", element: <Import /> },
        { path: "requests", element: <ByRole render={(role) => <With render={(go) => <RequestInbox go={go} canManage={role !== "case_worker"} />} />} /> },
        { path: "*", element: <With render={(go) => <Cases go={go} />} /> },
      ],
    },
  ];
}

function Shell() {
  const { status, onLock } = useShell();
  const { t, pick, lang, setLang } = useI18n();
  const navigate = useNavigate();
  const location = useLocation();
  const go = useGo();
  const role = status.user?.role ?? "case_worker";

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey && (e.key === "l" || e.key === "L")) {
        e.preventDefault();
        onLock();
      } else if (e.altKey && (e.key === "n" || e.key === "N")) {
        e.preventDefault();
        navigate("/register");
      } else if (e.altKey && e.key === "ArrowLeft") {
        e.preventDefault();
        navigate(-1);
      } else if (e.altKey && e.key === "ArrowRight") {
        e.preventDefault();
        navigate(1);
      } else if (e.key === "Escape" && !e.defaultPrevented && !inField(e.target)) {
        // Back to the list — through the same guard as any navigation, so a half-filled
        // form is never thrown away without asking.
        navigate("/cases");
      }
    };
    // The mouse's back and forward buttons.
    const onMouse = (e: MouseEvent) => {
      if (e.button === 3) navigate(-1);
      else if (e.button === 4) navigate(1);
    };
    window.addEventListener("keydown", onKey);
    window.addEventListener("mouseup", onMouse);
    return () => {
      window.removeEventListener("keydown", onKey);
      window.removeEventListener("mouseup", onMouse);
    };
  }, [onLock, navigate]);

  // Requests for help waiting for a step (and how many are urgent): the tab's badge and,
  // for urgent ones, a notice in the status bar. Polled; a sync brings new ones.
  const [waiting, setWaiting] = useState<[number, number]>([0, 0]);
  useEffect(() => {
    let live = true;
    const poll = () =>
      backend
        .helpRequestsWaiting()
        .then((w) => live && setWaiting(w))
        .catch(() => undefined);
    poll();
    const timer = window.setInterval(poll, 15000);
    return () => {
      live = false;
      window.clearInterval(timer);
    };
  }, [location.pathname]);

  const nav: { view: View; label: string; show: boolean; badge?: number }[] = [
    { view: { kind: "my_work" }, label: t("navMyWork"), show: true },
    { view: { kind: "requests" }, label: t("navRequests"), show: true, badge: waiting[0] },
    { view: { kind: "cases" }, label: t("navCases"), show: true },
    { view: { kind: "register" }, label: t("navRegister"), show: true },
    { view: { kind: "office_work" }, label: t("navOfficeWork"), show: role !== "case_worker" },
    { view: { kind: "dashboard" }, label: t("navDashboard"), show: role !== "case_worker" },
    { view: { kind: "reports" }, label: t("navReports"), show: role !== "case_worker" },
    { view: { kind: "import" }, label: t("navImport"), show: role !== "case_worker" },
    { view: { kind: "agencies" }, label: t("navAgencies"), show: true },
    { view: { kind: "users" }, label: t("navUsers"), show: role === "admin" },
    { view: { kind: "audit" }, label: t("navAudit"), show: role !== "case_worker" },
    { view: { kind: "settings" }, label: t("navSettings"), show: true },
  ];
  // A person, a case and its form belong to the case list's tab.
  const here = location.pathname;
  const activeOf = (v: View) =>
    v.kind === "cases" ? here === "/" || here === "/cases" || here.startsWith("/cases/") || here.startsWith("/people/") : here === pathOf(v);

  return (
    <div className="shell">
      <header className="topbar">
        <div className="history">
        <button type="button" className="ghost history-button" id="nav-back" title={`${t("navBack")} (Alt+←)`} aria-label={t("navBack")} onClick={() => navigate(-1)}>
            ‹
          </button>
          <button type="button" className="ghost history-button" id="nav-forward" title={`${t("navForward")} (Alt+→)`} aria-label={t("navForward")} onClick={() => navigate(1)}>
            ›
          </button>
        </div>
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
          <button type="button" className="ghost" onClick={() => setLang(otherLang[lang])}>
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
              key={n.view.kind}
              type="button"
              id={`nav-${n.view.kind}`}
              className={activeOf(n.view) ? "tab active" : "tab"}
              aria-current={here === pathOf(n.view) ? "page" : undefined}
              onClick={() => go(n.view)}
            >
              {n.label}
              {n.badge !== undefined && n.badge > 0 && (
                <span className={"badge" + (n.view.kind === "requests" && waiting[1] > 0 ? " badge-urgent" : "")} data-testid={`badge-${n.view.kind}`}>
                  {n.badge}
                </span>
              )}
            </button>
          ))}
      </nav>
      <div className="content">
        <Outlet />
      </div>
      <footer className="statusbar">
        <span className="status-item">
          <ShieldIcon /> {t("storageStatus")}
        </span>
        <SyncIndicator onOpen={() => go({ kind: "settings" })} />
        {waiting[1] > 0 && (
          <button type="button" className="status-item status-urgent" id="urgent-requests" onClick={() => go({ kind: "requests" })}>
            {waiting[1]} {t("requests.urgentWaiting")}
          </button>
        )}
        {role === "admin" && <UpdateNotice onOpen={() => go({ kind: "settings" })} />}
        <span className="shortcuts">{t("shortcuts")}</span>
      </footer>
    </div>
  );
}
