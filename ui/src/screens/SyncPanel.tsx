// Honest sync status: the status-bar indicator (online/offline, last push and pull, what is
// waiting and for how long, conflicts and rejections) and the sync card in Settings
// (enrol this PC with a one-time code, "sync now", and the issues the server raised).
import { useCallback, useEffect, useState, type FormEvent } from "react";
import type { SyncStatus } from "../bindings/SyncStatus";
import { backend, toBackendError } from "../lib/backend";
import { Banner, Field, useSubmit } from "../lib/forms";
import { CloudOffIcon } from "../lib/icons";
import { useI18n, type I18n } from "../lib/i18n";
import { formatBeDateTime } from "../lib/thaiDate";
import { reportFailure } from "../lib/failures";


const when = formatBeDateTime;

function age(iso: string | null, t: I18n["t"]): string {
  if (!iso) return "";
  const mins = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 60000));
  if (mins < 60) return t("syncPanel.minutes", { n: mins });
  const h = Math.round(mins / 60);
  if (h < 48) return t("syncPanel.hours", { n: h });
  return t("syncPanel.days", { n: Math.round(h / 24) });
}

/** The kinds of sync issue the PC records (`raksa_core::sync`). */
const issueKinds = ["conflict", "rejected", "not_applied"] as const;
const isIssueKind = (k: string): k is (typeof issueKinds)[number] => (issueKinds as readonly string[]).includes(k);

export function useSyncStatus(): [SyncStatus | null, () => void] {
  const [st, setSt] = useState<SyncStatus | null>(null);
  const load = useCallback(() => {
    backend
      .syncStatus()
      .then(setSt)
      .catch(reportFailure);
  }, []);
  useEffect(() => {
    load();
    const timer = setInterval(load, 15000);
    let off: (() => void) | undefined;
    backend
      .onSync(load)
      .then((u) => (off = u))
      .catch(reportFailure);
    return () => {
      clearInterval(timer);
      off?.();
    };
  }, [load]);
  return [st, load];
}

/** The status-bar item. */
export function SyncIndicator({ onOpen }: { onOpen: () => void }) {
  const { t, lang } = useI18n();
  const [st] = useSyncStatus();
  if (!st || !st.configured) {
    return (
      <button type="button" className="status-item status-offline link-like" onClick={onOpen} id="sync-indicator">
        <CloudOffIcon /> {t("syncPanel.notConfigured")}
      </button>
    );
  }
  const online = st.last_error === null && (st.last_push_at !== null || st.last_pull_at !== null);
  const parts = [
    online ? t("syncPanel.online") : t("syncPanel.offline"),
    st.pending > 0 ? `${t("syncPanel.pending").replace("{n}", String(st.pending))} (${t("syncPanel.oldest").replace("{t}", age(st.oldest_pending_at, t))})` : t("syncPanel.allSent"),
    st.last_push_at ? t("syncPanel.lastPush").replace("{t}", when(st.last_push_at, lang)) : "",
    st.conflicts + st.rejected > 0 ? t("syncPanel.issues").replace("{c}", String(st.conflicts)).replace("{r}", String(st.rejected)) : "",
  ].filter(Boolean);
  return (
    <button
      type="button"
      className={"status-item link-like " + (online ? "status-online" : "status-offline") + (st.conflicts + st.rejected > 0 ? " status-warn" : "")}
      onClick={onOpen}
      id="sync-indicator"
      title={st.last_error ?? ""}
    >
      {!online && <CloudOffIcon />} {parts.join(" · ")}
    </button>
  );
}

/** The sync card in Settings. */
export function SyncCard({ isAdmin, canResolve }: { isAdmin: boolean; canResolve: boolean }) {
  const { t, lang } = useI18n();
  const [st, reload] = useSyncStatus();
  const enrol = useSubmit();
  const [f, setF] = useState({ server: "", code: "", name: "" });
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });

  async function submit(e: FormEvent) {
    e.preventDefault();
    setNotice(null);
    const r = await enrol.run(() => backend.enrolDevice(f.server, f.code, f.name));
    if (r !== undefined) {
      setNotice(t("syncPanel.enrolled"));
      reload();
    }
  }
  async function resolve(id: number, keepMine: boolean) {
    setError(null);
    try {
      await backend.resolveConflict(id, keepMine);
      setNotice(t("syncPanel.resolved"));
    } catch (e) {
      setError(toBackendError(e).report.message_th);
    } finally {
      reload();
    }
  }
  async function now() {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const r = await backend.syncNow();
      setNotice(t("syncPanel.done").replace("{p}", String(r.pushed)).replace("{q}", String(r.pulled)));
    } catch (e) {
      setError(toBackendError(e).report.message_th);
    } finally {
      setBusy(false);
      reload();
    }
  }

  const enrolForm = (
        <form onSubmit={submit} noValidate className="action-form" id="enrol-form">
          <Banner message={enrol.banner} />
          <Field label={t("syncPanel.server")} error={enrol.fields.server_url}>
            {(p) => <input {...p} name="sync_server" value={f.server} onChange={set("server")} maxLength={300} />}
          </Field>
          <div className="row">
            <Field label={t("syncPanel.code")} error={enrol.fields.code}>
              {(p) => <input {...p} name="sync_code" value={f.code} onChange={set("code")} maxLength={20} inputMode="numeric" />}
            </Field>
            <Field label={t("syncPanel.name")}>
              {(p) => <input {...p} name="sync_name" value={f.name} onChange={set("name")} maxLength={100} />}
            </Field>
          </div>
          <div className="actions">
            <button type="submit" className="primary" disabled={enrol.busy} id="enrol-submit">
              {t("syncPanel.enrol")}
            </button>
          </div>
        </form>
  );
  return (
    <div className="card" aria-labelledby="sync-title" id="sync-card">
      <h2 id="sync-title">{t("syncPanel.title")}</h2>
      <Banner message={notice} kind="success" />
      <Banner message={error ?? st?.last_error ?? null} />
      {st?.configured ? (
        <>
          <dl className="facts">
            <div>
              <dt>{t("syncPanel.waiting")}</dt>
              <dd>
                {st.pending} {st.pending > 0 && `(${t("syncPanel.oldest").replace("{t}", age(st.oldest_pending_at, t))})`}
              </dd>
            </div>
            <div>
              <dt>{t("syncPanel.lastSent")}</dt>
              <dd>{when(st.last_push_at, lang) || t("syncPanel.never")}</dd>
            </div>
            <div>
              <dt>{t("syncPanel.lastPull")}</dt>
              <dd>{when(st.last_pull_at, lang) || t("syncPanel.never")}</dd>
            </div>
            <div>
              <dt>URL</dt>
              <dd className="mono small">{st.server_url}</dd>
            </div>
          </dl>
          <button type="button" className="primary" id="sync-now" disabled={busy} onClick={() => void now()}>
            {busy ? "…" : t("syncPanel.now")}
          </button>
          {st.issues.length > 0 && (
            <>
              <h3>{t("syncPanel.issueList")}</h3>
              <table className="data">
                <tbody>
                  {st.issues.map((i) => (
                    <tr key={i.id} className="sync-issue">
                      <td>{when(i.at, lang)}</td>
                      <td>{isIssueKind(i.kind) ? t(`syncPanel.${i.kind}`) : i.kind}</td>
                      <td className="mono small">
                        {i.entity} {i.record_id.slice(0, 8)}
                      </td>
                      <td>
                        {i.kind === "conflict" ? (
                          <>
                            <table className="data small">
                              <thead>
                                <tr>
                                  <th>{t("syncPanel.field")}</th>
                                  <th>{t("syncPanel.mine")}</th>
                                  <th>{t("syncPanel.current")}</th>
                                </tr>
                              </thead>
                              <tbody>
                                {i.fields.map((f) => (
                                  <tr key={f.field}>
                                    <td className="mono">{f.field}</td>
                                    <td>{f.mine}</td>
                                    <td>{f.current}</td>
                                  </tr>
                                ))}
                              </tbody>
                            </table>
                            {canResolve && (
                              <div className="actions">
                                <button type="button" className="small" onClick={() => void resolve(i.id, false)}>
                                  {t("syncPanel.keepCurrent")}
                                </button>
                                <button type="button" className="small primary" onClick={() => void resolve(i.id, true)}>
                                  {t("syncPanel.keepMine")}
                                </button>
                              </div>
                            )}
                          </>
                        ) : (
                          i.detail
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </>
      ) : (
        <p className="muted">{t("syncPanel.notConfigured")}</p>
      )}
      {isAdmin &&
        (st?.configured ? (
          // enrolled already: enrolling again (a new server or code) stays out of the way
          <details className="re-enrol">
            <summary>{t("syncPanel.reEnrol")}</summary>
            {enrolForm}
          </details>
        ) : (
          enrolForm
        ))}
    </div>
  );
}
