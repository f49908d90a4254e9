import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { AppStatus } from "./bindings/AppStatus";
import { backend } from "./lib/backend";
import { I18nContext, makeI18n, type Lang } from "./lib/i18n";
import { Home } from "./screens/Home";
import { Setup } from "./screens/Setup";
import { Unlock } from "./screens/Unlock";
import { FailureBar, reportFailure } from "./lib/failures";

function initialLang(): Lang {
  return localStorage.getItem("raksa.lang") === "en" ? "en" : "th";
}

export function App() {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const [status, setStatus] = useState<AppStatus | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const setLang = useCallback((l: Lang) => {
    localStorage.setItem("raksa.lang", l);
    document.documentElement.lang = l;
    setLangState(l);
  }, []);
  const i18n = useMemo(() => makeI18n(lang, setLang), [lang, setLang]);
  const lastPing = useRef(0);

  useEffect(() => {
    backend.appStatus().then(setStatus).catch(reportFailure);
    const un = backend.onLocked(() => {
      setNotice(makeI18n(initialLang(), () => undefined).t("lockedIdle"));
      backend.appStatus().then(setStatus).catch(reportFailure);
    });
    return () => {
      un.then((f) => f()).catch(reportFailure);
    };
  }, []);

  // Typing or clicking keeps the session alive; at most one ping every 20 s.
  useEffect(() => {
    if (!status?.unlocked) return;
    const ping = () => {
      const now = Date.now();
      if (now - lastPing.current < 20_000) return;
      lastPing.current = now;
      backend
        .activity()
        .then((alive) => {
          if (!alive) backend.appStatus().then(setStatus).catch(reportFailure);
        })
        .catch(reportFailure);
    };
    window.addEventListener("keydown", ping);
    window.addEventListener("pointerdown", ping);
    return () => {
      window.removeEventListener("keydown", ping);
      window.removeEventListener("pointerdown", ping);
    };
  }, [status?.unlocked]);

  const lock = useCallback(() => {
    backend.lock().then(setStatus).catch(reportFailure);
    setNotice(null);
  }, []);

  let screen;
  if (!status) screen = <main className="centered muted">…</main>;
  else if (!status.initialised) screen = <Setup onDone={setStatus} />;
  else if (!status.unlocked)
    screen = (
      <Unlock
        notice={notice}
        onUnlocked={(s) => {
          setNotice(null);
          setStatus(s);
        }}
      />
    );
  else screen = <Home status={status} onLock={lock} />;

  return (
    <I18nContext.Provider value={i18n}>
      {screen}
      <FailureBar />
    </I18nContext.Provider>
  );
}
