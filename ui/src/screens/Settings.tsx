import { useEffect, useState, type FormEvent } from "react";
import { backend } from "../lib/backend";
import { Banner, Field, useSubmit } from "../lib/forms";
import { useI18n } from "../lib/i18n";
import { DeadlineRules } from "./DeadlineRules";
import { LetterSetup } from "./LetterSetup";
import { WelfareRules } from "./WelfareRules";
import { SyncCard } from "./SyncPanel";
import { UpdateCard } from "./UpdateCard";
import { reportFailure } from "../lib/failures";
import { formatBeDateTime } from "../lib/thaiDate";
import type { SavedFiles } from "../bindings/SavedFiles";

export function Settings({ isAdmin, isSupervisor }: { isAdmin: boolean; isSupervisor: boolean }) {
  const { t } = useI18n();
  const pw = useSubmit();
  const st = useSubmit();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [repeat, setRepeat] = useState("");
  const [pwNotice, setPwNotice] = useState<string | null>(null);
  const [idle, setIdle] = useState("10");
  const [stNotice, setStNotice] = useState<string | null>(null);

  useEffect(() => {
    backend
      .getSettings()
      .then((s) => setIdle(String(s.idle_lock_minutes)))
      .catch(reportFailure);
  }, []);

  async function changePassword(e: FormEvent) {
    e.preventDefault();
    setPwNotice(null);
    if (next !== repeat) {
      pw.setFields({ repeat: t("passwordMismatch") });
      return;
    }
    const r = await pw.run(() => backend.changePassword(current, next));
    if (r !== undefined) {
      setPwNotice(t("passwordChanged"));
      setCurrent("");
      setNext("");
      setRepeat("");
    }
  }

  async function saveSettings(e: FormEvent) {
    e.preventDefault();
    setStNotice(null);
    const r = await st.run(() => backend.updateSettings({ idle_lock_minutes: Number(idle) }));
    if (r) setStNotice(t("settingsSaved"));
  }

  return (
    <section aria-labelledby="settings-title">
      <div className="page-head">
        <h1 id="settings-title">{t("settingsTitle")}</h1>
      </div>
      <form className="card form-card" onSubmit={changePassword} noValidate aria-labelledby="pw-title">
        <h2 id="pw-title">{t("changePassword")}</h2>
        <Banner message={pwNotice} kind="success" />
        <Banner message={pw.banner} />
        <Field label={t("currentPassword")} error={pw.fields.current}>
          {(p) => <input {...p} name="current" type="password" value={current} onChange={(e) => setCurrent(e.target.value)} autoComplete="current-password" autoFocus />}
        </Field>
        <div className="row">
          <Field label={t("newPassword")} hint={t("passwordHint")} error={pw.fields.new_password}>
            {(p) => <input {...p} name="new_password" type="password" value={next} onChange={(e) => setNext(e.target.value)} autoComplete="new-password" />}
          </Field>
          <Field label={t("passwordRepeat")} error={pw.fields.repeat}>
            {(p) => <input {...p} name="repeat" type="password" value={repeat} onChange={(e) => setRepeat(e.target.value)} autoComplete="new-password" />}
          </Field>
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={pw.busy}>
            {pw.busy ? t("saving") : t("changePassword")}
          </button>
        </div>
      </form>
      {isAdmin && (
        <form className="card form-card" onSubmit={saveSettings} noValidate aria-labelledby="st-title">
          <h2 id="st-title">{t("settingsTitle")}</h2>
          <Banner message={stNotice} kind="success" />
          <Banner message={st.banner} />
          <Field label={t("idleLock")} error={st.fields.idle_lock_minutes}>
            {(p) => <input {...p} name="idle_lock_minutes" type="number" min={1} max={240} value={idle} onChange={(e) => setIdle(e.target.value)} className="short" />}
          </Field>
          <div className="actions">
            <button type="submit" className="primary" disabled={st.busy}>
              {t("save")}
            </button>
          </div>
        </form>
      )}
      <SavedFilesCard />
      <SyncCard isAdmin={isAdmin} canResolve={isAdmin || isSupervisor} />
      <UpdateCard />
      <DeadlineRules isAdmin={isAdmin} />
      <WelfareRules isAdmin={isAdmin} />
      {(isAdmin || isSupervisor) && <LetterSetup isAdmin={isAdmin} />}
      {isAdmin && <InstallForm />}
    </section>
  );
}

/** Letters and exports saved on this PC, with a delete button each: they hold personal data. */
function SavedFilesCard() {
  const { t, lang } = useI18n();
  const [saved, setSaved] = useState<SavedFiles | null>(null);
  const [reloads, setReloads] = useState(0);
  useEffect(() => {
    backend.savedFiles().then(setSaved).catch(reportFailure);
  }, [reloads]);
  if (!saved) return null;
  return (
    <div className="card" id="saved-files" aria-labelledby="saved-files-title">
      <h2 id="saved-files-title">{t("settings.savedFiles")}</h2>
      <p className="muted small">{t("settings.savedFilesHint", { folder: saved.folder })}</p>
      {saved.files.length === 0 ? (
        <p className="empty">{t("settings.noSavedFiles")}</p>
      ) : (
        <table className="grid compact">
          <tbody>
            {saved.files.map((f) => (
              <tr key={f.name}>
                <td className="mono">{f.name}</td>
                <td className="nowrap muted">{formatBeDateTime(f.saved_at, lang)}</td>
                <td className="nowrap muted">{Math.max(1, Math.round(f.size / 1024))} KB</td>
                <td>
                  <button
                    type="button"
                    className="small delete-saved"
                    onClick={() =>
                      void backend
                        .deleteSavedFile(f.name)
                        .then(() => setReloads((n) => n + 1))
                        .catch(reportFailure)
                    }
                  >
                    {t("settings.deleteFile")}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** Installs a revised form definition (JSON from the ministry); refused whole if invalid. */
function InstallForm() {
  const { lang } = useI18n();
  const { busy, banner, run } = useSubmit();
  const [notice, setNotice] = useState<string | null>(null);
  const th = lang === "th";
  return (
    <div className="card" aria-labelledby="form-install-title">
      <h2 id="form-install-title">{th ? "ติดตั้งแบบฟอร์มรุ่นใหม่" : "Install a revised form"}</h2>
      <p className="muted small">
        {th
          ? "เลือกไฟล์แบบฟอร์ม (.json) ที่ส่วนกลางเผยแพร่ กรณีใหม่จะใช้รุ่นใหม่ กรณีที่กรอกไว้แล้วยังใช้รุ่นเดิม"
          : "Pick the form file (.json) published centrally. New cases use it; cases already started keep their version."}
      </p>
      <Banner message={notice} kind="success" />
      <Banner message={banner} />
      <label className="button file-button">
        {busy ? "…" : th ? "เลือกไฟล์แบบฟอร์ม…" : "Choose a form file…"}
        <input
          type="file"
          accept="application/json,.json"
          className="visually-hidden"
          disabled={busy}
          onChange={async (e) => {
            setNotice(null);
            const file = e.target.files?.[0];
            if (!file) return;
            const text = await file.text();
            const def = await run(() => backend.installFormDefinition(text));
            if (def) setNotice(th ? `ติดตั้ง "${def.title_th}" รุ่น ${def.version} แล้ว` : `Installed "${def.title_en}" version ${def.version}`);
          }}
        />
      </label>
    </div>
  );
}
