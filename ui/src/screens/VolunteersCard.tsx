// The office's community volunteers (อพม.), for supervisors and administrators: register a
// volunteer and hand over a one-time code (shown once) with which they activate the field
// app on their phone; a new code or deactivation stops their old phone.
import { useCallback, useEffect, useState, type FormEvent } from "react";
import type { PlaceMatch } from "../bindings/PlaceMatch";
import type { Volunteer } from "../bindings/Volunteer";
import type { VolunteerCode } from "../bindings/VolunteerCode";
import { backend, toBackendError } from "../lib/backend";
import { Banner, Field, useSubmit } from "../lib/forms";
import { useI18n } from "../lib/i18n";
import { PlacePicker } from "../lib/PlacePicker";

export function VolunteersCard() {
  const { t } = useI18n();
  const { busy, banner, fields, run } = useSubmit();
  const [list, setList] = useState<Volunteer[]>([]);
  const [name, setName] = useState("");
  const [phone, setPhone] = useState("");
  const [place, setPlace] = useState<PlaceMatch | null>(null);
  const [postcode, setPostcode] = useState("");
  const [code, setCode] = useState<VolunteerCode | null>(null);
  const [formKey, setFormKey] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    backend
      .volunteers()
      .then(setList)
      .catch((e: unknown) => setError(toBackendError(e).report.message_th));
  }, []);
  useEffect(load, [load]);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = await run(() => backend.registerVolunteer({ full_name: name, phone, subdistrict_code: place?.subdistrict_code ?? null }));
    if (r) {
      setCode(r);
      setName("");
      setPhone("");
      setPlace(null);
      setFormKey((k) => k + 1);
      load();
    }
  }
  return (
    <div className="card" id="volunteers" aria-labelledby="volunteers-title">
      <h2 id="volunteers-title">{t("volunteers.title")}</h2>
      <p className="muted small">{t("volunteers.hint")}</p>
      <Banner message={error} />
      {code && (
        <div className="banner banner-info" role="status" id="volunteer-code">
          <strong>
            {t("volunteers.codeFor")} {code.volunteer.full_name}
          </strong>
          <p className="code-display mono" data-testid="volunteer-code">
            {code.code}
          </p>
          <p className="muted small">{t("volunteers.codeHint")}</p>
        </div>
      )}
      {list.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th>{t("volunteers.name")}</th>
              <th>{t("volunteers.place")}</th>
              <th>{t("volunteers.phone")}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.map((v) => (
              <tr key={v.id} className={v.active ? "" : "muted"}>
                <td>{v.full_name}</td>
                <td>{v.place}</td>
                <td>{v.phone}</td>
                <td>
                  <button type="button" className="small" onClick={() => void run(() => backend.newVolunteerCode(v.id)).then((c) => c && (setCode(c), load()))}>
                    {t("volunteers.newCode")}
                  </button>{" "}
                  {v.active && (
                    <button type="button" className="small" onClick={() => void run(() => backend.setVolunteerActive(v.id, false)).then(load)}>
                      {t("volunteers.deactivate")}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="action-form" onSubmit={submit} noValidate id="volunteer-form">
        <Banner message={banner} />
        <div className="row">
          <Field label={t("volunteers.name")} error={fields.full_name}>
            {(p) => <input {...p} name="volunteer_name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} />}
          </Field>
          <Field label={t("volunteers.phone")} error={fields.phone}>
            {(p) => <input {...p} name="volunteer_phone" value={phone} onChange={(e) => setPhone(e.target.value)} maxLength={20} inputMode="tel" />}
          </Field>
        </div>
        <PlacePicker key={formKey} value={place} onChange={setPlace} postcode={postcode} onPostcode={setPostcode} error={fields.subdistrict_code} />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy} id="volunteer-submit">
            {t("volunteers.register")}
          </button>
        </div>
      </form>
    </div>
  );
}
