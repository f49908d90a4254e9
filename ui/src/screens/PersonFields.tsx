// The fields of a person's record, shared by registration and correction: title and names,
// the identity (citizen ID checked as it is typed, G-code, or no ID with its reason), birth
// date in the Buddhist Era, sex, phone and the address with the official sub-district.
import type { Dispatch, ReactNode, SetStateAction } from "react";
import type { Identity } from "../bindings/Identity";
import type { NewPerson } from "../bindings/NewPerson";
import type { NoIdReason } from "../bindings/NoIdReason";
import type { Person } from "../bindings/Person";
import type { PersonProbe } from "../bindings/PersonProbe";
import type { PlaceMatch } from "../bindings/PlaceMatch";
import type { Sex } from "../bindings/Sex";
import { PlacePicker } from "../lib/PlacePicker";
import { checkCitizenId, formatCitizenIdInput } from "../lib/citizenId";
import { citizenIdLayout } from "../lib/display";
import { Field, type FieldErrors } from "../lib/forms";
import { localProblems, noIdReasonNames, sexNames, useI18n } from "../lib/i18n";
import { ageOn, formatBe, isoToBeInput, parseBirthDate } from "../lib/thaiDate";

const TITLES = ["นาย", "นาง", "นางสาว", "เด็กชาย", "เด็กหญิง"];

export type PersonForm = {
  title: string;
  first_name: string;
  last_name: string;
  id_kind: Identity["kind"];
  citizen_id: string;
  g_code: string;
  no_id_reason: NoIdReason;
  birth: string;
  sex: Sex;
  phone: string;
  address_text: string;
  place: PlaceMatch | null;
  postcode: string;
};

export const emptyPersonForm: PersonForm = {
  title: "",
  first_name: "",
  last_name: "",
  id_kind: "citizen_id",
  citizen_id: "",
  g_code: "",
  no_id_reason: "unknown",
  birth: "",
  sex: "unspecified",
  phone: "",
  address_text: "",
  place: null,
  postcode: "",
};

/** The form filled with a stored record (for a correction). */
export function personFormOf(p: Person): PersonForm {
  const id = p.identity;
  return {
    title: p.title,
    first_name: p.first_name,
    last_name: p.last_name,
    id_kind: id.kind,
    citizen_id: id.kind === "citizen_id" ? citizenIdLayout(id.number) : "",
    g_code: id.kind === "g_code" ? id.code : "",
    no_id_reason: id.kind === "no_id" ? id.reason : "unknown",
    birth: p.birth_date ? isoToBeInput(p.birth_date) : "",
    sex: p.sex,
    phone: p.phone,
    address_text: p.address_text,
    place: p.subdistrict_code
      ? { subdistrict_code: p.subdistrict_code, label_th: p.place_label ?? p.subdistrict_code, label_en: p.place_label ?? p.subdistrict_code, postcodes: p.postcode ? [p.postcode] : [] }
      : null,
    postcode: p.postcode ?? "",
  };
}

export function birthOf(f: PersonForm, today: string) {
  return f.birth.trim() ? parseBirthDate(f.birth, today) : null;
}

/** Problems the form can see itself, by field, before any round trip. */
export function localPersonProblems(f: PersonForm, today: string, pick: (p: [string, string]) => string): Record<string, string> {
  const local: Record<string, string> = {};
  if (f.id_kind === "citizen_id") {
    const p = checkCitizenId(f.citizen_id);
    if (p) local.identity = pick(localProblems[p] ?? ["", ""]);
  }
  const birth = birthOf(f, today);
  if (birth && !birth.ok) local.birth_date = pick(localProblems[birth.problem] ?? ["", ""]);
  return local;
}

/** What the form says so far, as the duplicate check reads it. */
export function probeOf(f: PersonForm, today: string): PersonProbe {
  const digits = f.citizen_id.replace(/\D/g, "");
  const birth = birthOf(f, today);
  return {
    first_name: f.first_name,
    last_name: f.last_name,
    citizen_id: f.id_kind === "citizen_id" && digits.length === 13 ? digits : null,
    birth_date: birth && birth.ok ? birth.iso : null,
    sex: f.sex === "unspecified" ? null : f.sex,
    subdistrict_code: f.place?.subdistrict_code ?? null,
  };
}

export function newPersonOf(f: PersonForm, today: string): NewPerson {
  const identity: Identity =
    f.id_kind === "citizen_id"
      ? { kind: "citizen_id", number: f.citizen_id }
      : f.id_kind === "g_code"
        ? { kind: "g_code", code: f.g_code }
        : { kind: "no_id", reason: f.no_id_reason };
  const birth = birthOf(f, today);
  return {
    title: f.title,
    first_name: f.first_name,
    last_name: f.last_name,
    identity,
    birth_date: birth && birth.ok ? birth.iso : null,
    sex: f.sex,
    phone: f.phone,
    address_text: f.address_text,
    subdistrict_code: f.place?.subdistrict_code ?? null,
    postcode: f.place ? f.postcode || null : null,
  };
}

export function PersonFields(props: {
  f: PersonForm;
  setF: Dispatch<SetStateAction<PersonForm>>;
  fields: FieldErrors;
  today: string;
  /** Shown under the names (the duplicate check). */
  afterNames?: ReactNode;
  onNamesBlur?: () => void;
  /** Called when a name or the citizen ID is typed (a new duplicate check is due). */
  onIdentityEdit?: () => void;
}) {
  const { t, pick, lang } = useI18n();
  const { f, setF, fields, today } = props;
  const set = (k: keyof PersonForm) => (e: { target: { value: string } }) => {
    const value = e.target.value;
    setF((prev) => ({ ...prev, [k]: value }));
    if (k === "first_name" || k === "last_name" || k === "citizen_id") props.onIdentityEdit?.();
  };
  const idProblem = f.id_kind === "citizen_id" && f.citizen_id.replace(/\D/g, "").length >= 13 ? checkCitizenId(f.citizen_id) : null;
  const idOk = f.id_kind === "citizen_id" && f.citizen_id !== "" && checkCitizenId(f.citizen_id) === null;
  const birth = birthOf(f, today);
  const birthProblem = birth && !birth.ok ? pick(localProblems[birth.problem] ?? ["", ""]) : undefined;

  return (
    <>
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
          {(p) => <input {...p} name="last_name" value={f.last_name} onChange={set("last_name")} onBlur={props.onNamesBlur} maxLength={100} />}
        </Field>
      </div>
      {props.afterNames}
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
            <input
              type="radio"
              name="id_kind"
              value={k}
              checked={f.id_kind === k}
              onChange={() => {
                setF((prev) => ({ ...prev, id_kind: k }));
                props.onIdentityEdit?.();
              }}
            />
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
              onChange={(e) => {
                const value = formatCitizenIdInput(e.target.value);
                setF((prev) => ({ ...prev, citizen_id: value }));
                props.onIdentityEdit?.();
              }}
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
        <PlacePicker
          value={f.place}
          onChange={(place) => setF((prev) => ({ ...prev, place }))}
          postcode={f.postcode}
          onPostcode={(postcode) => setF((prev) => ({ ...prev, postcode }))}
          error={fields.subdistrict_code}
          postcodeError={fields.postcode}
        />
      </fieldset>
    </>
  );
}
