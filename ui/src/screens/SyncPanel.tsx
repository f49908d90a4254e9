// Honest sync status: the status-bar indicator (online/offline, last push and pull, what is
// waiting and for how long, conflicts and rejections) and the sync card in Settings
// (enrol this PC with a one-time code, "sync now", and the issues the server raised).
import { useCallback, useEffect, useState, type FormEvent } from "react";
import type { SyncStatus } from "../bindings/SyncStatus";
import { backend, toBackendError } from "../lib/backend";
import { Banner, Field, useSubmit } from "../lib/forms";
import { CloudOffIcon } from "../lib/icons";
import { useI18n } from "../lib/i18n";
import { formatBeDateTime } from "../lib/thaiDate";
import { reportFailure } from "../lib/failures";

const L = {
  notConfigured: ["ยังไม่ได้เชื่อมต่อเซิร์ฟเวอร์ส่วนกลาง", "Not connected to the central server"],
  online: ["เชื่อมต่อเซิร์ฟเวอร์แล้ว", "Connected"],
  offline: ["ออฟไลน์", "Offline"],
  pending: ["ค้างส่ง {n} รายการ", "{n} waiting"],
  oldest: ["เก่าสุด {t}", "oldest {t}"],
  allSent: ["ส่งครบแล้ว", "All sent"],
  lastPush: ["ส่งล่าสุด {t}", "last sent {t}"],
  issues: ["ขัดแย้ง {c} · ถูกปฏิเสธ {r}", "{c} conflicts · {r} rejected"],
  title: ["การส่งข้อมูลไปยังเซิร์ฟเวอร์ส่วนกลาง", "Sync with the central server"],
  server: ["ที่อยู่เซิร์ฟเวอร์ (เช่น https://raksa.m-society.go.th)", "Server address"],
  code: ["รหัสลงทะเบียนเครื่อง (จากผู้ดูแลระบบส่วนกลาง)", "Enrolment code (from the central administrator)"],
  name: ["ชื่อเครื่องนี้ (เช่น พมจ.พิษณุโลก เครื่อง 1)", "This PC's name"],
  enrol: ["ลงทะเบียนเครื่อง", "Enrol this PC"],
  enrolled: ["ลงทะเบียนเครื่องแล้ว ระบบจะส่งข้อมูลอัตโนมัติเมื่อเชื่อมต่อได้", "Enrolled; data is sent automatically when online"],
  now: ["ส่งข้อมูลตอนนี้", "Sync now"],
  done: ["ส่ง {p} รายการ รับ {q} รายการ", "Sent {p}, received {q}"],
  lastPull: ["รับล่าสุด", "Last received"],
  lastSent: ["ส่งล่าสุด", "Last sent"],
  waiting: ["รอส่ง", "Waiting"],
  never: ["ยังไม่เคย", "never"],
  issueList: ["รายการที่เซิร์ฟเวอร์ไม่ได้รับตามปกติ", "What the server did not simply accept"],
  conflict: ["ขัดแย้ง (อีกเครื่องแก้ไขช่องเดียวกัน — หัวหน้างานตรวจสอบ)", "Conflict (another PC changed the same field — a supervisor reviews)"],
  rejected: ["ถูกปฏิเสธ", "Rejected"],
  not_applied: ["รับมาแต่บันทึกในเครื่องไม่ได้", "Received but could not be stored here"],
  field: ["ช่องข้อมูล", "Field"],
  mine: ["ค่าที่เครื่องนี้บันทึก", "This PC's value"],
  current: ["ค่าปัจจุบัน (จากเครื่องอื่น)", "Current value (from another PC)"],
  keepCurrent: ["ใช้ค่าปัจจุบัน", "Keep the current value"],
  keepMine: ["ใช้ค่าของเครื่องนี้", "Use this PC's value"],
  resolved: ["บันทึกการตัดสินแล้ว จะส่งไปเซิร์ฟเวอร์พร้อมข้อมูลอื่น", "Decision saved; it syncs like any change"],
} satisfies Record<string, [string, string]>;

const when = formatBeDateTime;

function age(iso: string | null, lang: "th" | "en"): string {
  if (!iso) return "";
  const mins = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 60000));
  if (mins < 60) return lang === "th" ? `${mins} นาที` : `${mins} min`;
  const h = Math.round(mins / 60);
  if (h < 48) return lang === "th" ? `${h} ชม.` : `${h} h`;
  return lang === "th" ? `${Math.round(h / 24)} วัน` : `${Math.round(h / 24)} days`;
}

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
  const { pick, lang } = useI18n();
  const [st] = useSyncStatus();
  if (!st || !st.configured) {
    return (
      <button type="button" className="status-item status-offline link-like" onClick={onOpen} id="sync-indicator">
        <CloudOffIcon /> {pick(L.notConfigured)}
      </button>
    );
  }
  const online = st.last_error === null && (st.last_push_at !== null || st.last_pull_at !== null);
  const parts = [
    online ? pick(L.online) : pick(L.offline),
    st.pending > 0 ? `${pick(L.pending).replace("{n}", String(st.pending))} (${pick(L.oldest).replace("{t}", age(st.oldest_pending_at, lang))})` : pick(L.allSent),
    st.last_push_at ? pick(L.lastPush).replace("{t}", when(st.last_push_at, lang)) : "",
    st.conflicts + st.rejected > 0 ? pick(L.issues).replace("{c}", String(st.conflicts)).replace("{r}", String(st.rejected)) : "",
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
  const { pick, lang } = useI18n();
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
      setNotice(pick(L.enrolled));
      reload();
    }
  }
  async function resolve(id: number, keepMine: boolean) {
    setError(null);
    try {
      await backend.resolveConflict(id, keepMine);
      setNotice(pick(L.resolved));
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
      setNotice(pick(L.done).replace("{p}", String(r.pushed)).replace("{q}", String(r.pulled)));
    } catch (e) {
      setError(toBackendError(e).report.message_th);
    } finally {
      setBusy(false);
      reload();
    }
  }

  return (
    <div className="card" aria-labelledby="sync-title" id="sync-card">
      <h2 id="sync-title">{pick(L.title)}</h2>
      <Banner message={notice} kind="success" />
      <Banner message={error ?? st?.last_error ?? null} />
      {st?.configured ? (
        <>
          <dl className="facts">
            <div>
              <dt>{pick(L.waiting)}</dt>
              <dd>
                {st.pending} {st.pending > 0 && `(${pick(L.oldest).replace("{t}", age(st.oldest_pending_at, lang))})`}
              </dd>
            </div>
            <div>
              <dt>{pick(L.lastSent)}</dt>
              <dd>{when(st.last_push_at, lang) || pick(L.never)}</dd>
            </div>
            <div>
              <dt>{pick(L.lastPull)}</dt>
              <dd>{when(st.last_pull_at, lang) || pick(L.never)}</dd>
            </div>
            <div>
              <dt>URL</dt>
              <dd className="mono small">{st.server_url}</dd>
            </div>
          </dl>
          <button type="button" className="primary" id="sync-now" disabled={busy} onClick={() => void now()}>
            {busy ? "…" : pick(L.now)}
          </button>
          {st.issues.length > 0 && (
            <>
              <h3>{pick(L.issueList)}</h3>
              <table className="data">
                <tbody>
                  {st.issues.map((i) => (
                    <tr key={i.id} className="sync-issue">
                      <td>{when(i.at, lang)}</td>
                      <td>{pick((L as Record<string, [string, string]>)[i.kind] ?? [i.kind, i.kind])}</td>
                      <td className="mono small">
                        {i.entity} {i.record_id.slice(0, 8)}
                      </td>
                      <td>
                        {i.kind === "conflict" ? (
                          <>
                            <table className="data small">
                              <thead>
                                <tr>
                                  <th>{pick(L.field)}</th>
                                  <th>{pick(L.mine)}</th>
                                  <th>{pick(L.current)}</th>
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
                                  {pick(L.keepCurrent)}
                                </button>
                                <button type="button" className="small primary" onClick={() => void resolve(i.id, true)}>
                                  {pick(L.keepMine)}
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
        <p className="muted">{pick(L.notConfigured)}</p>
      )}
      {isAdmin && (
        <form onSubmit={submit} noValidate className="action-form" id="enrol-form">
          <Banner message={enrol.banner} />
          <Field label={pick(L.server)} error={enrol.fields.server_url}>
            {(p) => <input {...p} name="sync_server" value={f.server} onChange={set("server")} maxLength={300} />}
          </Field>
          <div className="row">
            <Field label={pick(L.code)} error={enrol.fields.code}>
              {(p) => <input {...p} name="sync_code" value={f.code} onChange={set("code")} maxLength={20} inputMode="numeric" />}
            </Field>
            <Field label={pick(L.name)}>
              {(p) => <input {...p} name="sync_name" value={f.name} onChange={set("name")} maxLength={100} />}
            </Field>
          </div>
          <div className="actions">
            <button type="submit" className="primary" disabled={enrol.busy} id="enrol-submit">
              {pick(L.enrol)}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
