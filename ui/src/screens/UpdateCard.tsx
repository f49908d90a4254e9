// Software updates in Settings: the version this PC runs, a newer one offered by the
// office's server with its Thai release notes, and — for administrators — download with
// signature check, then install after an explicit confirmation. A package whose signature
// does not verify is refused with the core's Thai message and nothing changes.
import { useEffect, useState } from "react";
import type { UpdateStatus } from "../bindings/UpdateStatus";
import { backend, toBackendError } from "../lib/backend";
import { Banner } from "../lib/forms";
import { useI18n } from "../lib/i18n";
import { formatBeDateTime } from "../lib/thaiDate";
import { reportFailure } from "../lib/failures";

export function UpdateCard() {
  const { t, lang } = useI18n();
  const [status, setStatus] = useState<UpdateStatus | null>(null);
  const [busy, setBusy] = useState<"check" | "download" | "install" | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notEnrolled, setNotEnrolled] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [checked, setChecked] = useState(false);

  async function step(kind: "check" | "download" | "install", f: () => Promise<void>) {
    setBusy(kind);
    setError(null);
    try {
      await f();
    } catch (e) {
      const err = toBackendError(e);
      if (err.report.code === "not_enrolled") setNotEnrolled(true);
      else setError(lang === "th" ? err.report.message_th : err.report.message_en);
    } finally {
      setBusy(null);
    }
  }

  const check = () =>
    step("check", async () => {
      setStatus(await backend.updateStatus(true));
      setChecked(true);
    });

  useEffect(() => {
    // What is already known first (instant), then ask the server.
    backend
      .updateStatus(false)
      .then((s) => {
        setStatus(s);
        if (s.signed_updates) void check();
      })
      .catch(reportFailure);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  if (!status) return null;
  const offer = status.offer;
  return (
    <div className="card" id="update-card" aria-labelledby="update-title">
      <h2 id="update-title">{t("update.title")}</h2>
      <p className="muted small" id="update-current">
        {t("update.current", { version: status.current_version })}
      </p>
      {!status.signed_updates && <p className="muted">{t("update.noKey")}</p>}
      {notEnrolled && <p className="muted">{t("update.notEnrolled")}</p>}
      <Banner message={error} />
      {offer ? (
        <div id="update-offer">
          <h3>{t("update.available", { version: offer.version })}</h3>
          {offer.published_at && (
            <p className="muted small">{t("update.published", { date: formatBeDateTime(offer.published_at, lang) })}</p>
          )}
          <h4>{t("update.notes")}</h4>
          <div className="release-notes" id="update-notes">
            {lang === "en" && offer.notes_en ? offer.notes_en : offer.notes_th}
          </div>
          {offer.verified && (
            <Banner kind="success" message={t("update.verified", { version: offer.version })} />
          )}
          {!status.can_install ? (
            <p className="muted">{t("update.adminOnly")}</p>
          ) : !offer.verified ? (
            <div className="actions">
              <button
                type="button"
                className="primary"
                id="update-download"
                disabled={busy !== null}
                onClick={() =>
                  void step("download", async () => {
                    const o = await backend.downloadUpdate();
                    setStatus({ ...status, offer: o });
                  })
                }
              >
                {busy === "download" ? t("update.downloading") : t("update.download")}
              </button>
            </div>
          ) : confirming ? (
            <div className="confirm-box" role="alertdialog" aria-labelledby="update-confirm-text">
              <p id="update-confirm-text">{t("update.confirm", { version: offer.version })}</p>
              <div className="actions">
                <button
                  type="button"
                  className="primary"
                  id="update-install-confirm"
                  disabled={busy !== null}
                  onClick={() => void step("install", () => backend.installUpdate().then(() => undefined))}
                >
                  {busy === "install" ? t("update.installing") : t("update.confirmInstall")}
                </button>
                <button type="button" onClick={() => setConfirming(false)} disabled={busy !== null}>
                  {t("update.cancel")}
                </button>
              </div>
            </div>
          ) : (
            <div className="actions">
              <button type="button" className="primary" id="update-install" onClick={() => setConfirming(true)}>
                {t("update.install")}
              </button>
            </div>
          )}
        </div>
      ) : (
        checked && !error && !notEnrolled && <p id="update-latest">{t("update.upToDate")}</p>
      )}
      {status.signed_updates && !offer?.verified && (
        <div className="actions">
          <button type="button" id="update-check" onClick={() => void check()} disabled={busy !== null}>
            {busy === "check" ? t("update.checking") : t("update.check")}
          </button>
        </div>
      )}
    </div>
  );
}

/** Status bar, for administrators: a newer signed release is waiting (checked when the
 * app is online: at sign-in and every six hours). Opens Settings. */
export function UpdateNotice({ onOpen }: { onOpen: () => void }) {
  const { t } = useI18n();
  const [version, setVersion] = useState<string | null>(null);
  useEffect(() => {
    const check = () =>
      backend
        .updateStatus(true)
        .then((s) => setVersion(s.offer?.version ?? null))
        // offline, not enrolled or no key: nothing to announce
        .catch(() => undefined);
    void check();
    const timer = setInterval(check, 6 * 3600 * 1000);
    return () => clearInterval(timer);
  }, []);
  if (!version) return null;
  return (
    <button type="button" className="status-item link-like" id="update-available" onClick={onOpen}>
      {t("update.topBar", { version })}
    </button>
  );
}
