// Every failed call is shown to the user — none is swallowed. Code that cannot show an
// error where it happened (a list that failed to load, a background refresh) hands it to
// `reportFailure`; the shell's <FailureBar> shows the Thai (or English) message until the
// user dismisses it or the next one replaces it.
import { useEffect, useState } from "react";
import { toBackendError } from "./backend";
import { useI18n } from "./i18n";

const EVENT = "raksa-failure";

/** Shows `e` (anything a backend call threw) in the failure bar. */
export function reportFailure(e: unknown): void {
  const err = toBackendError(e);
  window.dispatchEvent(new CustomEvent(EVENT, { detail: err.report }));
}

type Shown = { message_th: string; message_en: string; n: number };

export function FailureBar() {
  const { t, lang } = useI18n();
  const [shown, setShown] = useState<Shown | null>(null);
  useEffect(() => {
    let n = 0;
    const on = (ev: Event) => {
      const r = (ev as CustomEvent<{ message_th: string; message_en: string }>).detail;
      n += 1;
      setShown({ message_th: r.message_th, message_en: r.message_en, n });
    };
    window.addEventListener(EVENT, on);
    return () => window.removeEventListener(EVENT, on);
  }, []);
  if (!shown) return null;
  return (
    <div className="failure-bar banner banner-error" role="alert" data-testid="failure-bar">
      <span>{lang === "th" ? shown.message_th : shown.message_en}</span>
      <button type="button" className="ghost" onClick={() => setShown(null)}>
        {t("dismiss")}
      </button>
    </div>
  );
}
