import { useState, type FormEvent } from "react";
import type { AppStatus } from "../bindings/AppStatus";
import type { Role } from "../bindings/Role";
import { backend } from "../lib/backend";
import { Banner, Field, useSubmit } from "../lib/forms";
import { useI18n } from "../lib/i18n";

export function Setup({ onDone }: { onDone: (s: AppStatus) => void }) {
  const { t } = useI18n();
  const { busy, banner, fields, setFields, run } = useSubmit();
  const [f, setF] = useState({
    name: "",
    address: "",
    letter_code: "",
    office_number: "",
    phone: "",
    full_name: "",
    position: "",
    username: "",
    password: "",
    repeat: "",
  });
  const [result, setResult] = useState<{ key: string; status: AppStatus } | null>(null);
  const [stored, setStored] = useState(false);
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (f.password !== f.repeat) {
      setFields({ repeat: t("passwordMismatch") });
      return;
    }
    const role: Role = "admin";
    const r = await run(() =>
      backend.setUpOffice(
        { name: f.name, address: f.address, letter_code: f.letter_code, office_number: f.office_number, phone: f.phone },
        { username: f.username, full_name: f.full_name, position: f.position, role, password: f.password },
      ),
    );
    if (r) setResult({ key: r.recovery_key, status: r.status });
  }

  if (result) {
    return (
      <main className="centered">
        <section className="card wide" aria-labelledby="rk-title">
          <h1 id="rk-title">{t("recoveryTitle")}</h1>
          <p>{t("recoveryIntro")}</p>
          <p className="recovery-key" data-testid="recovery-key">
            {result.key}
          </p>
          <div className="actions">
            <button type="button" onClick={() => window.print()}>
              {t("printRecovery")}
            </button>
          </div>
          <label className="check">
            <input type="checkbox" checked={stored} onChange={(e) => setStored(e.target.checked)} autoFocus />
            {t("recoveryStored")}
          </label>
          <div className="actions">
            <button type="button" className="primary" disabled={!stored} onClick={() => onDone(result.status)}>
              {t("startWorking")}
            </button>
          </div>
        </section>
      </main>
    );
  }

  return (
    <main className="centered">
      <form className="card wide" onSubmit={submit} aria-labelledby="setup-title" noValidate>
        <h1 id="setup-title">{t("setupTitle")}</h1>
        <p className="muted">{t("setupIntro")}</p>
        <Banner message={banner} />
        <fieldset>
          <legend>{t("officeSection")}</legend>
          <Field label={t("officeName")} error={fields.name}>
            {(p) => <input {...p} name="office_name" value={f.name} onChange={set("name")} autoFocus maxLength={300} />}
          </Field>
          <Field label={t("officeAddress")} error={fields.address}>
            {(p) => <textarea {...p} name="office_address" rows={2} value={f.address} onChange={set("address")} maxLength={300} />}
          </Field>
          <div className="row">
            <Field label={t("letterCode")} hint={t("letterCodeHint")} error={fields.letter_code}>
              {(p) => <input {...p} name="letter_code" value={f.letter_code} onChange={set("letter_code")} maxLength={3} className="short" />}
            </Field>
            <Field label={t("officeNumber")} hint={t("officeNumberHint")} error={fields.office_number}>
              {(p) => <input {...p} name="office_number" inputMode="numeric" value={f.office_number} onChange={set("office_number")} maxLength={4} className="short" />}
            </Field>
            <Field label={t("officePhone")} error={fields.phone}>
              {(p) => <input {...p} name="office_phone" type="tel" value={f.phone} onChange={set("phone")} maxLength={40} />}
            </Field>
          </div>
        </fieldset>
        <fieldset>
          <legend>{t("adminSection")}</legend>
          <div className="row">
            <Field label={t("fullName")} error={fields.full_name}>
              {(p) => <input {...p} name="admin_name" value={f.full_name} onChange={set("full_name")} maxLength={100} />}
            </Field>
            <Field label={t("position")} error={fields.position}>
              {(p) => <input {...p} name="admin_position" value={f.position} onChange={set("position")} maxLength={300} />}
            </Field>
          </div>
          <Field label={t("username")} hint={t("usernameHint")} error={fields.username}>
            {(p) => (
              <input {...p} name="admin_username" value={f.username} onChange={set("username")} autoCapitalize="off" autoComplete="username" maxLength={32} />
            )}
          </Field>
          <div className="row">
            <Field label={t("password")} hint={t("passwordHint")} error={fields.password}>
              {(p) => <input {...p} name="admin_password" type="password" value={f.password} onChange={set("password")} autoComplete="new-password" />}
            </Field>
            <Field label={t("passwordRepeat")} error={fields.repeat}>
              {(p) => <input {...p} name="admin_password_repeat" type="password" value={f.repeat} onChange={set("repeat")} autoComplete="new-password" />}
            </Field>
          </div>
        </fieldset>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t("creating") : t("createOffice")}
          </button>
        </div>
      </form>
    </main>
  );
}
