import { useCallback, useEffect, useState, type FormEvent } from "react";
import type { Role } from "../bindings/Role";
import type { UserInfo } from "../bindings/UserInfo";
import { backend } from "../lib/backend";
import { Banner, Field, useSubmit } from "../lib/forms";
import { roleNames, useI18n } from "../lib/i18n";
import { reportFailure } from "../lib/failures";
import type { RekeyReport } from "../bindings/RekeyReport";


function PasswordHere({ user, onCancel, onDone }: { user: UserInfo; onCancel: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const { busy, banner, fields, setFields, run } = useSubmit();
  const [pw, setPw] = useState("");
  const [repeat, setRepeat] = useState("");
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (pw !== repeat) {
      setFields({ repeat: t("passwordMismatch") });
      return;
    }
    const ok = await run(() => backend.setUserActive(user.id, true, pw));
    if (ok !== undefined) onDone();
  }
  return (
    <form className="card form-card" onSubmit={submit} noValidate id="password-here" aria-labelledby="password-here-title">
      <h2 id="password-here-title">{t("users.passwordTitle").replace("{name}", user.full_name)}</h2>
      <p className="muted small">{t("users.passwordHint")}</p>
      <Banner message={banner} />
      <div className="row">
        <Field label={t("users.password")} error={fields.password}>
          {(p) => <input {...p} type="password" name="here_password" value={pw} onChange={(e) => setPw(e.target.value)} autoFocus autoComplete="new-password" />}
        </Field>
        <Field label={t("users.repeat")} error={fields.repeat}>
          {(p) => <input {...p} type="password" name="here_repeat" value={repeat} onChange={(e) => setRepeat(e.target.value)} autoComplete="new-password" />}
        </Field>
      </div>
      <div className="actions">
        <button type="button" onClick={onCancel}>
          {t("users.cancel")}
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {t("users.save")}
        </button>
      </div>
    </form>
  );
}

export function Users() {
  const { t, pick } = useI18n();
  const { busy, banner, fields, setFields, run } = useSubmit();
  const [users, setUsers] = useState<UserInfo[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const [rekey, setRekey] = useState<RekeyReport | null>(null);
  const [passwordFor, setPasswordFor] = useState<UserInfo | null>(null);
  const empty = { username: "", full_name: "", position: "", role: "case_worker" as Role, password: "", repeat: "" };
  const [f, setF] = useState(empty);
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });

  const reload = useCallback(() => {
    backend.listUsers().then(setUsers).catch(reportFailure);
  }, []);
  useEffect(reload, [reload]);

  async function add(e: FormEvent) {
    e.preventDefault();
    setNotice(null);
    if (f.password !== f.repeat) {
      setFields({ repeat: t("passwordMismatch") });
      return;
    }
    const u = await run(() => backend.addUser({ username: f.username, full_name: f.full_name, position: f.position, role: f.role, password: f.password }));
    if (u) {
      setNotice(t("userAdded", { name: u.full_name }));
      setF(empty);
      reload();
    }
  }

  async function deactivate(u: UserInfo) {
    setNotice(null);
    const report = await run(() => backend.setUserActive(u.id, false, null));
    if (report === undefined) return;
    setRekey(report);
    setNotice(t("users.rekeyed", { name: u.full_name }));
    reload();
  }

  return (
    <section aria-labelledby="users-title">
      <div className="page-head">
        <h1 id="users-title">{t("usersTitle")}</h1>
      </div>
      <table className="grid">
        <thead>
          <tr>
            <th>{t("fullName")}</th>
            <th>{t("username")}</th>
            <th>{t("position")}</th>
            <th>{t("role")}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id} className={u.active ? "" : "inactive"}>
              <td>{u.full_name}</td>
              <td className="mono">{u.username}</td>
              <td>{u.position}</td>
              <td>{pick(roleNames[u.role])}</td>
              <td>
                {u.active && !u.signs_in_here && <span className="muted small">{t("users.noPassword")} </span>}
                {(!u.active || !u.signs_in_here) && (
                  <button type="button" className="small set-password" onClick={() => setPasswordFor(u)}>
                    {t(u.active ? "users.setPassword" : "users.reactivate")}
                  </button>
                )}{" "}
                {u.active ? (
                  u.role !== "admin" && (
                    <button type="button" className="small" onClick={() => deactivate(u)}>
                      {t("deactivate")}
                    </button>
                  )
                ) : (
                  <span className="muted">{t("inactive")}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rekey && (rekey.new_recovery_key || rekey.need_new_password.length > 0) && (
        <div className="card card-attention" id="rekey-report" role="alert">
          {rekey.new_recovery_key && (
            <>
              <h2>{t("users.newRecoveryKey")}</h2>
              <p>{t("users.newRecoveryKeyHint")}</p>
              <p className="recovery-key mono" data-testid="new-recovery-key">
                {rekey.new_recovery_key}
              </p>
            </>
          )}
          {rekey.need_new_password.length > 0 && (
            <p>{t("users.needNewPassword", { names: rekey.need_new_password.join(", ") })}</p>
          )}
        </div>
      )}
      {passwordFor && (
        <PasswordHere
          user={passwordFor}
          onCancel={() => setPasswordFor(null)}
          onDone={() => {
            setNotice(t("users.passwordSet").replace("{name}", passwordFor.full_name));
            setPasswordFor(null);
            reload();
          }}
        />
      )}
      <form className="card form-card" onSubmit={add} noValidate aria-labelledby="add-user-title">
        <h2 id="add-user-title">{t("addUser")}</h2>
        <Banner message={notice} kind="success" />
        <Banner message={banner} />
        <div className="row">
          <Field label={t("fullName")} error={fields.full_name}>
            {(p) => <input {...p} name="full_name" value={f.full_name} onChange={set("full_name")} maxLength={100} />}
          </Field>
          <Field label={t("position")} error={fields.position}>
            {(p) => <input {...p} name="position" value={f.position} onChange={set("position")} maxLength={300} />}
          </Field>
        </div>
        <div className="row">
          <Field label={t("username")} hint={t("usernameHint")} error={fields.username}>
            {(p) => <input {...p} name="username" value={f.username} onChange={set("username")} autoCapitalize="off" maxLength={32} />}
          </Field>
          <Field label={t("role")}>
            {(p) => (
              <select {...p} name="role" value={f.role} onChange={set("role")}>
                {(Object.keys(roleNames) as Role[]).map((r) => (
                  <option key={r} value={r}>
                    {pick(roleNames[r])}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <div className="row">
          <Field label={t("initialPassword")} hint={t("passwordHint")} error={fields.password}>
            {(p) => <input {...p} name="password" type="password" value={f.password} onChange={set("password")} autoComplete="new-password" />}
          </Field>
          <Field label={t("passwordRepeat")} error={fields.repeat}>
            {(p) => <input {...p} name="repeat" type="password" value={f.repeat} onChange={set("repeat")} autoComplete="new-password" />}
          </Field>
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t("saving") : t("addUser")}
          </button>
        </div>
      </form>
    </section>
  );
}
