import { useState, type FormEvent } from "react";
import type { Identity } from "../bindings/Identity";
import type { NoIdReason } from "../bindings/NoIdReason";
import type { DuplicateCandidate } from "../bindings/DuplicateCandidate";
import type { MatchReason } from "../bindings/MatchReason";
import type { PersonProbe } from "../bindings/PersonProbe";
import type { PlaceMatch } from "../bindings/PlaceMatch";
import { PlacePicker } from "../lib/PlacePicker";
import type { Sex } from "../bindings/Sex";
import { backend } from "../lib/backend";
import { checkCitizenId, formatCitizenIdInput } from "../lib/citizenId";
import { Banner, Field, useSubmit } from "../lib/forms";
import { localProblems, noIdReasonNames, sexNames, useI18n } from "../lib/i18n";
import { ageOn, formatBe, parseBirthDate, todayBangkokIso } from "../lib/thaiDate";
import { useUnsavedGuard, type View } from "../lib/navigation";
import { reportFailure } from "../lib/failures";

const TITLES = ["นาย", "นาง", "นางสาว", "เด็กชาย", "เด็กหญิง"];


export const reasonNames: Record<MatchReason, [string, string]> = {
  citizen_id: ["เลขประจำตัวประชาชนตรงกัน", "Same citizen ID"],
  first_name_same: ["ชื่อตรงกัน", "Same first name"],
  first_name_sounds_alike: ["ชื่อออกเสียงเหมือนกัน", "First name sounds alike"],
  first_name_spelled_alike: ["ชื่อสะกดใกล้เคียง", "First name spelled alike"],
  last_name_same: ["นามสกุลตรงกัน", "Same surname"],
  last_name_sounds_alike: ["นามสกุลออกเสียงเหมือนกัน", "Surname sounds alike"],
  last_name_spelled_alike: ["นามสกุลสะกดใกล้เคียง", "Surname spelled alike"],
  birth_date_same: ["วันเกิดตรงกัน", "Same date of birth"],
  birth_year_same: ["ปีเกิดตรงกัน", "Same birth year"],
  birth_year_close: ["ปีเกิดต่างกันไม่เกิน 1 ปี", "Birth year within one year"],
  subdistrict_same: ["ตำบลเดียวกัน", "Same sub-district"],
};

export function RegisterPerson({ go }: { go: (v: View) => void }) {
  const { t, pick, lang } = useI18n();
  const { busy, banner, fields, setFields, run } = useSubmit();
  const [f, setF] = useState({
    title: "",
    first_name: "",
    last_name: "",
    id_kind: "citizen_id" as Identity["kind"],
    citizen_id: "",
    g_code: "",
    no_id_reason: "unknown" as NoIdReason,
    birth: "",
    sex: "unspecified" as Sex,
    phone: "",
    address_text: "",
  });
  const [dups, setDups] = useState<DuplicateCandidate[]>([]);
  const [confirmedNew, setConfirmedNew] = useState(false);
  const [place, setPlace] = useState<PlaceMatch | null>(null);
  const [postcode, setPostcode] = useState("");
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => {
    setF({ ...f, [k]: e.target.value });
    if (k === "first_name" || k === "last_name" || k === "citizen_id") setConfirmedNew(false);
  };
  const today = todayBangkokIso();
  // Anything typed and not yet saved: leaving (a tab, Escape, back) asks first.
  const dirty =
    place !== null ||
    [f.title, f.first_name, f.last_name, f.citizen_id, f.g_code, f.birth, f.phone, f.address_text].some((v) => v.trim() !== "");
  const { question, saved } = useUnsavedGuard(dirty);

  const idProblem = f.id_kind === "citizen_id" && f.citizen_id.replace(/\D/g, "").length >= 13 ? checkCitizenId(f.citizen_id) : null;
  const idOk = f.id_kind === "citizen_id" && f.citizen_id !== "" && checkCitizenId(f.citizen_id) === null;
  const birth = f.birth.trim() ? parseBirthDate(f.birth, today) : null;
  const birthProblem = birth && !birth.ok ? pick(localProblems[birth.problem] ?? ["", ""]) : undefined;

  function probe(): PersonProbe {
    const digits = f.citizen_id.replace(/\D/g, "");
    return {
      first_name: f.first_name,
      last_name: f.last_name,
      citizen_id: f.id_kind === "citizen_id" && digits.length === 13 ? digits : null,
      birth_date: birth && birth.ok ? birth.iso : null,
      sex: f.sex === "unspecified" ? null : f.sex,
      subdistrict_code: place?.subdistrict_code ?? null,
    };
  }

  /** Candidates for the person as entered so far (shown as soon as the names are in). */
  async function checkDuplicates(): Promise<DuplicateCandidate[]> {
    if (f.first_name.trim().length < 2 || f.last_name.trim().length < 1) return [];
    try {
      const found = await backend.possibleDuplicates(probe());
      setDups(found);
      return found;
    } catch (e) {
      // Registration can still go on; the worker is told the check did not run.
      reportFailure(e);
      return [];
    }
  }

  async function chooseExisting(c: DuplicateCandidate) {
    await backend.recordDuplicateDecision(c.person_id, true, dups.map((d) => d.person_id)).catch(reportFailure);
    saved();
    go({ kind: "person", id: c.person_id });
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    // Problems the form can see itself are shown at once, without a round trip.
    const local: Record<string, string> = {};
    if (f.id_kind === "citizen_id") {
      const p = checkCitizenId(f.citizen_id);
      if (p) local.identity = pick(localProblems[p] ?? ["", ""]);
    }
    if (birthProblem) local.birth_date = birthProblem;
    if (Object.keys(local).length > 0) {
      setFields(local);
      requestAnimationFrame(() => document.querySelector<HTMLElement>(".field-invalid input")?.focus());
      return;
    }
    if (!confirmedNew) {
      const found = await checkDuplicates();
      if (found.length > 0) {
        requestAnimationFrame(() => document.querySelector<HTMLElement>("#duplicate-check button")?.focus());
        return;
      }
    }
    await save();
  }

  async function save() {
    const identity: Identity =
      f.id_kind === "citizen_id"
        ? { kind: "citizen_id", number: f.citizen_id }
        : f.id_kind === "g_code"
          ? { kind: "g_code", code: f.g_code }
          : { kind: "no_id", reason: f.no_id_reason };
    const p = await run(() =>
      backend.registerPerson({
        title: f.title,
        first_name: f.first_name,
        last_name: f.last_name,
        identity,
        birth_date: birth && birth.ok ? birth.iso : null,
        sex: f.sex,
        phone: f.phone,
        address_text: f.address_text,
        subdistrict_code: place?.subdistrict_code ?? null,
        postcode: place ? postcode || null : null,
      }),
    );
    if (p) {
      if (dups.length > 0) await backend.recordDuplicateDecision(p.id, false, dups.map((d) => d.person_id)).catch(reportFailure);
      saved();
      go({ kind: "person", id: p.id, flash: t("personSaved") });
    }
  }

  return (
    <section aria-labelledby="register-title">
      {question}
      <div className="page-head">
        <h1 id="register-title">{t("registerTitle")}</h1>
      </div>
      <form className="card form-card" onSubmit={submit} noValidate id="register-form">
        <Banner message={banner} />
        <div className="row">
          <Field label={t("title")} error={fields.title}>
            {(p) => (
              <>
                <input {...p} name="title" list="titles" value={f.title} onChange={set("title")} autoFocus className="short" maxLength={40} />
                <datalist id="titles">
                  {TITLES.map((x) => (
                    <option key={x} value={x} />
                  ))}
                </datalist>
              </>
            )}
          </Field>
          <Field label={t("firstName")} error={fields.first_name}>
            {(p) => <input {...p} name="first_name" value={f.first_name} onChange={set("first_name")} maxLength={100} />}
          </Field>
          <Field label={t("lastName")} error={fields.last_name}>
            {(p) => <input {...p} name="last_name" value={f.last_name} onChange={set("last_name")} onBlur={() => void checkDuplicates()} maxLength={100} />}
          </Field>
        </div>
        {dups.length > 0 && (
          <div className="banner banner-info" role="status" id="duplicate-check">
            <strong>{t("registerPerson.dup_title")}</strong>
            <p className="muted small">{t("registerPerson.dup_hint")}</p>
            <ul className="similar">
              {dups.slice(0, 8).map((c) => (
                <li key={c.person_id}>
                  <strong>{c.display_name}</strong> · <span className="mono">{c.masked_id}</span>
                  {c.birth_date && <> · {formatBe(c.birth_date, lang)}</>} ·{" "}
                  <span className="pill">
                    {t("registerPerson.dup_score")} {c.score}%
                  </span>{" "}
                  <span className="muted small">{c.reasons.map((r) => pick(reasonNames[r])).join(" · ")}</span>{" "}
                  <button type="button" className="small use-existing" onClick={() => void chooseExisting(c)}>
                    {t("registerPerson.dup_use")}
                  </button>
                </li>
              ))}
            </ul>
            {!confirmedNew && (
              <button
                type="button"
                id="confirm-new"
                onClick={() => {
                  setConfirmedNew(true);
                  void save();
                }}
              >
                {t("registerPerson.dup_newPerson")}
              </button>
            )}
          </div>
        )}
        <fieldset className="inline-radios">
          <legend>{t("identityKind")}</legend>
          {(
            [
              ["citizen_id", t("idCitizen")],
              ["g_code", t("idGCode")],
              ["no_id", t("idNone")],
            ] as const
          ).map(([k, label]) => (
            <label key={k} className="radio">
              <input type="radio" name="id_kind" value={k} checked={f.id_kind === k} onChange={() => setF({ ...f, id_kind: k })} />
              {label}
            </label>
          ))}
        </fieldset>
        {f.id_kind === "citizen_id" && (
          <Field
            label={t("citizenId")}
            hint="X-XXXX-XXXXX-XX-X"
            error={fields.identity ?? (idProblem ? pick(localProblems[idProblem] ?? ["", ""]) : undefined)}
            ok={idOk ? t("idOk") : undefined}
          >
            {(p) => (
              <input
                {...p}
                name="citizen_id"
                className="mono"
                inputMode="numeric"
                value={f.citizen_id}
                onChange={(e) => setF({ ...f, citizen_id: formatCitizenIdInput(e.target.value) })}
                maxLength={17}
              />
            )}
          </Field>
        )}
        {f.id_kind === "g_code" && (
          <Field label={t("gCode")} hint="G123456789012" error={fields.identity}>
            {(p) => <input {...p} name="g_code" className="mono" value={f.g_code} onChange={set("g_code")} maxLength={15} />}
          </Field>
        )}
        {f.id_kind === "no_id" && (
          <Field label={t("noIdReason")} error={fields.identity}>
            {(p) => (
              <select {...p} name="no_id_reason" value={f.no_id_reason} onChange={set("no_id_reason")}>
                {(Object.keys(noIdReasonNames) as NoIdReason[]).map((r) => (
                  <option key={r} value={r}>
                    {pick(noIdReasonNames[r])}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <div className="row">
          <Field
            label={t("birthDate")}
            hint={birth && birth.ok ? `${formatBe(birth.iso, lang)} · ${t("age", { n: ageOn(birth.iso, today) })}` : t("birthDateHint")}
            error={fields.birth_date ?? birthProblem}
          >
            {(p) => <input {...p} name="birth_date" placeholder="วว/ดด/ปปปป" value={f.birth} onChange={set("birth")} maxLength={10} inputMode="numeric" />}
          </Field>
          <Field label={t("sex")}>
            {(p) => (
              <select {...p} name="sex" value={f.sex} onChange={set("sex")}>
                {(Object.keys(sexNames) as Sex[]).map((s) => (
                  <option key={s} value={s}>
                    {pick(sexNames[s])}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t("phone")} error={fields.phone}>
            {(p) => <input {...p} name="phone" type="tel" value={f.phone} onChange={set("phone")} maxLength={40} />}
          </Field>
        </div>
        <fieldset>
          <legend>{t("address")}</legend>
          <Field label={t("houseAddress")} error={fields.address_text}>
            {(p) => <textarea {...p} name="address_text" rows={2} value={f.address_text} onChange={set("address_text")} maxLength={600} />}
          </Field>
          <PlacePicker value={place} onChange={setPlace} postcode={postcode} onPostcode={setPostcode} error={fields.subdistrict_code} postcodeError={fields.postcode} />
        </fieldset>
        <div className="actions">
          <button type="button" onClick={() => go({ kind: "cases" })}>
            {t("cancel")}
          </button>
          <button type="submit" className="primary" disabled={busy} id="register-submit">
            {busy ? t("saving") : t("save")}
          </button>
        </div>
      </form>
    </section>
  );
}
