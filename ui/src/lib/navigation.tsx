// Navigation: every screen has a path (a deep link to a person, a case, a referral), the
// router keeps the history so back and forward work, and a screen with unsaved input asks
// before anything — a tab, Escape, back — takes the user away from it.
import { useRef, type ReactNode } from "react";
import { useBlocker, useNavigate } from "react-router";
import { useI18n } from "./i18n";

export type View =
  | { kind: "cases" }
  | { kind: "register" }
  | { kind: "person"; id: string; flash?: string }
  | { kind: "edit_person"; id: string }
  | { kind: "case"; id: string; flash?: string }
  | { kind: "referral"; caseId: string; id: string }
  | { kind: "fact_finding"; id: string }
  | { kind: "my_work" }
  | { kind: "office_work" }
  | { kind: "agencies" }
  | { kind: "users" }
  | { kind: "settings" }
  | { kind: "audit" }
  | { kind: "dashboard" }
  | { kind: "reports" }
  | { kind: "import" }
  | { kind: "requests" };

/** The path of a screen: what a deep link to it is. */
export function pathOf(v: View): string {
  switch (v.kind) {
    case "cases":
      return "/cases";
    case "register":
      return "/register";
    case "person":
      return `/people/${encodeURIComponent(v.id)}`;
    case "edit_person":
      return `/people/${encodeURIComponent(v.id)}/edit`;
    case "case":
      return `/cases/${encodeURIComponent(v.id)}`;
    case "referral":
      return `/cases/${encodeURIComponent(v.caseId)}/referrals/${encodeURIComponent(v.id)}`;
    case "fact_finding":
      return `/cases/${encodeURIComponent(v.id)}/fact-finding`;
    case "my_work":
      return "/my-work";
    case "office_work":
      return "/office-work";
    default:
      return `/${v.kind}`;
  }
}

/** `go(view)`: navigates to a screen (a flash message travels in the history entry). */
export function useGo(): (v: View) => void {
  const navigate = useNavigate();
  return (v: View) => {
    const flash = "flash" in v ? v.flash : undefined;
    navigate(pathOf(v), { state: flash ? { flash } : null });
  };
}

/**
 * While `dirty`, leaving the screen asks first. Returns the question to render (null when
 * nothing is being asked) and `saved`, to call just before leaving after a save.
 */
export function useUnsavedGuard(dirty: boolean): { question: ReactNode; saved: () => void } {
  const { t } = useI18n();
  const done = useRef(false);
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) => dirty && !done.current && currentLocation.pathname !== nextLocation.pathname,
  );
  const saved = () => {
    done.current = true;
  };
  if (blocker.state !== "blocked") return { question: null, saved };
  const question = (
    <div className="modal-backdrop" role="presentation">
      <div className="modal" role="alertdialog" aria-modal="true" aria-labelledby="unsaved-title" data-testid="unsaved-dialog">
        <h2 id="unsaved-title">{t("unsavedTitle")}</h2>
        <p>{t("unsavedBody")}</p>
        <div className="actions">
          <button type="button" autoFocus onClick={() => blocker.reset()} id="unsaved-stay">
            {t("unsavedStay")}
          </button>
          <button type="button" className="danger" onClick={() => blocker.proceed()} id="unsaved-leave">
            {t("unsavedLeave")}
          </button>
        </div>
      </div>
    </div>
  );
  return { question, saved };
}
