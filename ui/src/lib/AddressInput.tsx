// A structured Thai address with the official DOPA sub-district: house code (optional),
// house no., หมู่, ตรอก, ซอย, ถนน, then cascading province → district → sub-district selects
// (each a native <select>, so typing the first letters jumps) and a type-to-search box that
// fills all three at once. The postcode follows the sub-district (a choice when it has several).
import { useEffect, useState } from "react";
import type { AddressValue } from "../bindings/AddressValue";
import type { Place } from "../bindings/Place";
import { backend } from "./backend";
import { useI18n, type MessageKey } from "./i18n";
import { PlacePicker } from "./PlacePicker";
import { reportFailure } from "./failures";

const cache = new Map<string, Promise<Place[]>>();
function children(code: string): Promise<Place[]> {
  let p = cache.get(code);
  if (!p) {
    p = backend.placeChildren(code).catch((e: unknown) => {
      cache.delete(code);
      throw e;
    });
    cache.set(code, p);
  }
  return p;
}

function usePlaces(code: string | null): Place[] {
  const [list, setList] = useState<{ code: string; places: Place[] } | null>(null);
  useEffect(() => {
    if (code === null) return;
    let live = true;
    children(code)
      .then((places) => {
        if (live) setList({ code, places });
      })
      .catch(reportFailure);
    return () => {
      live = false;
    };
  }, [code]);
  return code !== null && list?.code === code ? list.places : [];
}

export const emptyAddress: AddressValue = { house_code: "", house_no: "", moo: "", alley: "", soi: "", road: "", subdistrict_code: null, postcode: null };


export function AddressInput(props: {
  idPrefix: string;
  value: AddressValue;
  onChange: (v: AddressValue) => void;
  withHouseCode: boolean;
  error?: string | undefined;
  disabled?: boolean;
}) {
  const { t } = useI18n();
  const v = props.value;
  const code = v.subdistrict_code ?? "";
  const [province, setProvince] = useState(code.slice(0, 2));
  const [district, setDistrict] = useState(code.slice(0, 4));
  // Follow a code picked elsewhere (search box, prefill).
  const [seenCode, setSeenCode] = useState(code);
  if (code !== seenCode) {
    setSeenCode(code);
    if (code) {
      setProvince(code.slice(0, 2));
      setDistrict(code.slice(0, 4));
    }
  }
  const provinces = usePlaces("");
  const districts = usePlaces(province.length === 2 ? province : null);
  const subdistricts = usePlaces(district.length === 4 ? district : null);
  const sub = subdistricts.find((s) => s.code === code);
  const set = (k: keyof AddressValue) => (e: { target: { value: string } }) => props.onChange({ ...v, [k]: e.target.value });
  const id = (k: string) => `${props.idPrefix}-${k}`;

  const line = (k: "house_code" | "house_no" | "moo" | "alley" | "soi" | "road", label: MessageKey, size: string, max: number) => (
    <div className={`field ${size}`}>
      <label htmlFor={id(k)}>{t(label)}</label>
      <input id={id(k)} name={id(k)} value={v[k]} onChange={set(k)} maxLength={max} disabled={props.disabled} inputMode={k === "house_code" ? "numeric" : undefined} />
    </div>
  );

  return (
    <fieldset className={"address" + (props.error ? " field-invalid" : "")} disabled={props.disabled}>
      <div className="row">
        {props.withHouseCode && line("house_code", "addressInput.houseCode", "w-md", 11)}
        {line("house_no", "addressInput.houseNo", "w-sm", 30)}
        {line("moo", "addressInput.moo", "w-xs", 10)}
      </div>
      <div className="row">
        {line("alley", "addressInput.alley", "", 100)}
        {line("soi", "addressInput.soi", "", 100)}
        {line("road", "addressInput.road", "", 100)}
      </div>
      <div className="row">
        <PlaceSelect
          id={id("province")}
          label={t("addressInput.province")}
          value={province}
          places={provinces}
          onChange={(c) => {
            setProvince(c);
            setDistrict("");
            props.onChange({ ...v, subdistrict_code: null, postcode: null });
          }}
        />
        <PlaceSelect
          id={id("district")}
          label={t("addressInput.district")}
          value={district}
          places={districts}
          disabled={props.disabled === true || districts.length === 0}
          onChange={(c) => {
            setDistrict(c);
            props.onChange({ ...v, subdistrict_code: null, postcode: null });
          }}
        />
        <PlaceSelect
          id={id("subdistrict")}
          label={t("addressInput.subdistrict")}
          value={code}
          places={subdistricts}
          disabled={props.disabled === true || subdistricts.length === 0}
          onChange={(c) => {
            const s = subdistricts.find((x) => x.code === c);
            props.onChange({ ...v, subdistrict_code: s?.code ?? null, postcode: s?.postcodes[0] ?? null });
          }}
        />
        <div className="field w-sm">
          <label htmlFor={id("postcode")}>{t("addressInput.postcode")}</label>
          <select id={id("postcode")} name={id("postcode")} value={v.postcode ?? ""} disabled={props.disabled || !sub} onChange={set("postcode")}>
            {(sub?.postcodes ?? (v.postcode ? [v.postcode] : [""])).map((pc) => (
              <option key={pc} value={pc}>
                {pc}
              </option>
            ))}
          </select>
        </div>
      </div>
      {!props.disabled && (
        <div className="address-search">
          <span className="muted small">{t("addressInput.search")}</span>
          <PlacePicker
            value={null}
            onChange={(p) => {
              if (p) props.onChange({ ...v, subdistrict_code: p.subdistrict_code, postcode: p.postcodes[0] ?? null });
            }}
            postcode={v.postcode ?? ""}
            onPostcode={() => undefined}
          />
        </div>
      )}
      {props.error && (
        <div className="error" role="alert">
          {props.error}
        </div>
      )}
    </fieldset>
  );
}

/** One level of the cascade: a native select, so typing the first letters jumps. */
function PlaceSelect(props: { id: string; label: string; value: string; places: Place[]; disabled?: boolean; onChange: (code: string) => void }) {
  const { t, lang } = useI18n();
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <select id={props.id} name={props.id} value={props.value} disabled={props.disabled} onChange={(e) => props.onChange(e.target.value)}>
        <option value="">{t("addressInput.choose")}</option>
        {props.places.map((p) => (
          <option key={p.code} value={p.code}>
            {lang === "th" ? p.name_th : p.name_en}
          </option>
        ))}
      </select>
    </div>
  );
}
