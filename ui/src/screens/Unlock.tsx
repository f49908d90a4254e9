import { useState, type FormEvent } from "react";
import type { AppStatus } from "../bindings/AppStatus";
import { backend } from "../lib/backend";
import { Banner, Field, useSubmit } from "../lib/forms";
import { useI18n } from "../lib/i18n";

export function Unlock({ notice, onUnlocked }: { notice: string | null; onUnlocked: (s: AppStatus) => void }) {
  const { t } = useI18n();
  const { busy, banner, fields, setFields, run } = useSubmit();
  const [mode, setMode] = useState<"unlock" | "reset">("unlock");
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [recovery, setRecovery] = useState("");
  const [repeat, setRepeat] = useState("");

  async function submit(e: FormEvent) {
    e.preventDefault();
    const s = await run(() => backend.unlock(username, password));
    if (s) onUnlocked(s);
    else setPassword("");
  }

  async function reset(e: FormEvent) {
    e.preventDefault();
    if (password !== repeat) {
      setFields({ repeat: t("passwordMismatch") });
      return;
    }
    const s = await run(() => backend.resetPassword(recovery, username, password));
    if (s) onUnlocked(s);
  }

  if (mode === "reset") {
    return (
      <main className="centered">
        <form className="card" onSubmit={reset} aria-labelledby="reset-title" noValidate>
          <h1 id="reset-title">{t("resetTitle")}</h1>
          <Banner message={banner} />
          <Field label={t("recoveryKey")} error={fields.recovery_key}>
            {(p) => <input {...p} name="recovery_key" className="mono" value={recovery} onChange={(e) => setRecovery(e.target.value)} autoFocus autoComplete="off" />}
          </Field>
          <Field label={t("username")} error={fields.username}>
            {(p) => <input {...p} name="username" value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" />}
          </Field>
          <Field label={t("newPassword")} hint={t("passwordHint")} error={fields.new_password}>
            {(p) => <input {...p} name="new_password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" />}
          </Field>
          <Field label={t("passwordRepeat")} error={fields.repeat}>
            {(p) => <input {...p} name="repeat" type="password" value={repeat} onChange={(e) => setRepeat(e.target.value)} autoComplete="new-password" />}
          </Field>
          <div className="actions">
            <button type="button" onClick={() => setMode("unlock")}>
              {t("back")}
            </button>
            <button type="submit" className="primary" disabled={busy}>
              {busy ? t("unlocking") : t("resetButton")}
            </button>
          </div>
        </form>
      </main>
    );
  }

  return (
    <main className="centered">
      <form className="card narrow" onSubmit={submit} aria-labelledby="unlock-title" id="unlock-form" noValidate>
        <div className="brand-big" aria-hidden="true">
          ♥
        </div>
        <h1 id="unlock-title">{t("unlockTitle")}</h1>
        <Banner message={notice} kind="info" />
        <Banner message={banner} />
        <Field label={t("username")}>
          {(p) => <input {...p} name="username" value={username} onChange={(e) => setUsername(e.target.value)} autoFocus autoComplete="username" autoCapitalize="off" />}
        </Field>
        <Field label={t("password")}>
          {(p) => <input {...p} name="password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" />}
        </Field>
        <div className="actions">
          <button type="submit" className="primary full" disabled={busy}>
            {busy ? t("unlocking") : t("unlockButton")}
          </button>
        </div>
        <button type="button" className="link" onClick={() => setMode("reset")}>
          {t("forgotPassword")}
        </button>
      </form>
    </main>
  );
}
