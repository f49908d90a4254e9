// The directory of agencies to refer to (editable by supervisors and administrators), and
// the office's outgoing letter register (ทะเบียนหนังสือส่ง) of a year.
import { useCallback, useEffect, useState, type FormEvent } from "react";
import type { Agency } from "../bindings/Agency";
import type { AgencyKind } from "../bindings/AgencyKind";
import type { NewAgency } from "../bindings/NewAgency";
import type { RegisterEntry } from "../bindings/RegisterEntry";
import { backend, toBackendError } from "../lib/backend";
import { Banner, Field, useSubmit } from "../lib/forms";
import { useI18n } from "../lib/i18n";
import { formatBe, todayBangkokIso } from "../lib/thaiDate";
import { IncomingReferrals } from "./IncomingReferrals";
import { reportFailure } from "../lib/failures";

const kindNames: Record<AgencyKind, [string, string]> = {
  msdhs: ["หน่วยงานในสังกัด พม.", "MSDHS unit"],
  outside: ["หน่วยงานภายนอก", "Outside agency"],
};


const blank: NewAgency = { name: "", head_position: "", address: "", phone: "", email: "", kind: "outside", runs_raksa: false, raksa_office: "" };

export function Agencies({ canEdit }: { canEdit: boolean }) {
  const { t, pick, lang } = useI18n();
  const [list, setList] = useState<Agency[]>([]);
  const [editing, setEditing] = useState<Agency | "new" | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [year, setYear] = useState(Number(todayBangkokIso().slice(0, 4)) + 543);
  const [register, setRegister] = useState<RegisterEntry[]>([]);

  const load = useCallback(() => {
    backend
      .agencies(true)
      .then(setList)
      .catch((e: unknown) => setError(toBackendError(e).report.message_th));
  }, []);
  useEffect(load, [load]);
  useEffect(() => {
    backend
      .letterRegister(year)
      .then(setRegister)
      .catch((e: unknown) => {
        setRegister([]);
        reportFailure(e);
      });
  }, [year]);

  return (
    <section aria-labelledby="agencies-title">
      <div className="page-head">
        <h1 id="agencies-title">{t("agencies.title")}</h1>
        {canEdit && editing === null && (
          <button type="button" className="primary" id="add-agency" onClick={() => setEditing("new")}>
            + {t("agencies.add")}
          </button>
        )}
      </div>
      <Banner message={notice} kind="success" />
      <Banner message={error} />
      <IncomingReferrals />
      {editing !== null && (
        <AgencyForm
          agency={editing === "new" ? null : editing}
          onCancel={() => setEditing(null)}
          onDone={() => {
            setEditing(null);
            setNotice(t("agencies.saved"));
            load();
          }}
        />
      )}
      {list.length === 0 && <p className="muted">{t("agencies.noAgencies")}</p>}
      <table className="grid" id="agency-table" hidden={list.length === 0}>
        <thead>
          <tr>
            <th>{t("agencies.name")}</th>
            <th>{t("agencies.head").split(" (")[0]}</th>
            <th>{t("agencies.kind")}</th>
            <th>{t("agencies.phone")}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {list.map((a) => (
            <tr key={a.id} className={a.active ? "" : "muted"}>
              <td>
                {a.name}
                {a.runs_raksa && <span className="pill ff-status-submitted"> รักษา</span>}
              </td>
              <td>{a.head_position}</td>
              <td>{pick(kindNames[a.kind])}</td>
              <td>{a.phone}</td>
              <td>
                {!a.active && t("agencies.inactive")}{" "}
                {canEdit && (
                  <button type="button" className="link small" onClick={() => setEditing(a)}>
                    {t("agencies.edit")}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <div className="card" aria-labelledby="register-title" id="letter-register">
        <div className="page-head">
          <h2 id="register-title">{t("agencies.register").replace("{y}", String(year))}</h2>
          <div className="actions">
            <button type="button" className="small" onClick={() => setYear(year - 1)}>
              {t("agencies.prevYear")}
            </button>
            <button type="button" className="small" onClick={() => setYear(year + 1)}>
              {t("agencies.nextYear")}
            </button>
          </div>
        </div>
        {register.length === 0 ? (
          <p className="muted">{t("agencies.empty")}</p>
        ) : (
          <table className="data">
            <thead>
              <tr>
                <th>{t("agencies.no")}</th>
                <th>{t("agencies.date")}</th>
                <th>{t("agencies.to")}</th>
                <th>{t("agencies.subject")}</th>
                <th>{t("agencies.by")}</th>
              </tr>
            </thead>
            <tbody>
              {register.map((r) => (
                <tr key={r.number}>
                  <td className="mono">{r.number}</td>
                  <td>{formatBe(r.letter_date, lang)}</td>
                  <td>{r.recipient}</td>
                  <td>{r.subject}</td>
                  <td>{r.issued_by}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}

function AgencyForm({ agency, onCancel, onDone }: { agency: Agency | null; onCancel: () => void; onDone: () => void }) {
  const { t, pick } = useI18n();
  const { busy, banner, fields, run } = useSubmit();
  const [v, setV] = useState<NewAgency>(agency ? { ...agency } : blank);
  const [active, setActive] = useState(agency?.active ?? true);
  const set = (k: keyof NewAgency) => (e: { target: { value: string } }) => setV({ ...v, [k]: e.target.value });
  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = await run(() => (agency ? backend.updateAgency(agency.id, v, active) : backend.addAgency(v)));
    if (r !== undefined) onDone();
  }
  return (
    <form className="card form-card" onSubmit={submit} noValidate id="agency-form">
      <h2>{t(agency ? "agencies.edit" : "agencies.add")}</h2>
      <Banner message={banner} />
      <Field label={t("agencies.name")} error={fields.name}>
        {(p) => <input {...p} name="agency_name" value={v.name} onChange={set("name")} maxLength={300} autoFocus />}
      </Field>
      <Field label={t("agencies.head")} error={fields.head_position}>
        {(p) => <input {...p} name="agency_head" value={v.head_position} onChange={set("head_position")} maxLength={300} />}
      </Field>
      <Field label={t("agencies.address")} error={fields.address}>
        {(p) => <textarea {...p} name="agency_address" rows={2} value={v.address} onChange={set("address")} maxLength={1000} />}
      </Field>
      <div className="row">
        <Field label={t("agencies.phone")} error={fields.phone}>
          {(p) => <input {...p} name="agency_phone" value={v.phone} onChange={set("phone")} maxLength={100} />}
        </Field>
        <Field label={t("agencies.email")} error={fields.email}>
          {(p) => <input {...p} name="agency_email" value={v.email} onChange={set("email")} maxLength={200} />}
        </Field>
        <Field label={t("agencies.kind")}>
          {(p) => (
            <select {...p} name="agency_kind" value={v.kind} onChange={set("kind")}>
              {(Object.keys(kindNames) as AgencyKind[]).map((k) => (
                <option key={k} value={k}>
                  {pick(kindNames[k])}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <label className="check-item">
        <input type="checkbox" name="agency_raksa" checked={v.runs_raksa} onChange={(e) => setV({ ...v, runs_raksa: e.target.checked })} />
        {t("agencies.raksa")}
      </label>
      {v.runs_raksa && (
        <Field label={t("agencies.raksaOffice")} error={fields.raksa_office}>
          {(p) => <input {...p} name="agency_raksa_office" value={v.raksa_office} onChange={set("raksa_office")} maxLength={20} />}
        </Field>
      )}
      {agency && (
        <label className="check-item">
          <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} />
          {t("agencies.active")}
        </label>
      )}
      <div className="actions">
        <button type="button" onClick={onCancel}>
          {t("agencies.cancel")}
        </button>
        <button type="submit" className="primary" disabled={busy} id="agency-submit">
          {t("agencies.save")}
        </button>
      </div>
    </form>
  );
}
