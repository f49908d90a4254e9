// Type-to-search picker for the official sub-district (ตำบล/แขวง): type part of a Thai or
// English name or a postcode, move with ↑/↓, pick with Enter. Works offline (the list is
// embedded in the app).
import { useEffect, useId, useState, type KeyboardEvent } from "react";
import type { PlaceMatch } from "../bindings/PlaceMatch";
import { backend } from "./backend";
import { useI18n } from "./i18n";
import { reportFailure } from "./failures";

export function PlacePicker(props: {
  value: PlaceMatch | null;
  onChange: (p: PlaceMatch | null) => void;
  postcode: string;
  onPostcode: (pc: string) => void;
  error?: string | undefined;
  postcodeError?: string | undefined;
}) {
  const { t, lang } = useI18n();
  const id = useId();
  const [query, setQuery] = useState("");
  const [options, setOptions] = useState<PlaceMatch[]>([]);
  const [active, setActive] = useState(0);
  const searching = props.value === null && query.trim().length >= 2;
  const open = searching && options.length > 0;

  useEffect(() => {
    if (!searching) return;
    let current = true;
    const timer = setTimeout(() => {
      backend
        .searchPlaces(query)
        .then((r) => {
          if (current) {
            setOptions(r);
            setActive(0);
          }
        })
        .catch(reportFailure);
    }, 150);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [query, searching]);

  const pick = (p: PlaceMatch) => {
    props.onChange(p);
    props.onPostcode(p.postcodes[0] ?? "");
    setOptions([]);
  };
  const label = (p: PlaceMatch) => (lang === "th" ? p.label_th : p.label_en);

  function onKey(e: KeyboardEvent<HTMLInputElement>) {
    if (!open) return;
    if (e.key === "ArrowDown") {
      e.preventDefault();
      setActive((a) => Math.min(a + 1, options.length - 1));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (e.key === "Enter") {
      e.preventDefault();
      const o = options[active];
      if (o) pick(o);
    } else if (e.key === "Escape" && options.length > 0) {
      // Closes the suggestions only; the page stays (and keeps what was typed).
      e.preventDefault();
      setOptions([]);
    }
  }

  return (
    <div className={"field place-picker" + (props.error ? " field-invalid" : "")}>
      <label htmlFor={id}>{t("subdistrict")}</label>
      {props.value ? (
        <div className="picked">
          <span id={id} className="picked-label" data-testid="picked-place">
            {label(props.value)}
          </span>
          {props.value.postcodes.length > 1 ? (
            <select aria-label={t("postcode")} name="postcode" value={props.postcode} onChange={(e) => props.onPostcode(e.target.value)}>
              {props.value.postcodes.map((pc) => (
                <option key={pc} value={pc}>
                  {pc}
                </option>
              ))}
            </select>
          ) : (
            <span className="mono">{props.postcode}</span>
          )}
          <button
            type="button"
            className="small"
            data-testid="change-place"
            onClick={() => {
              props.onChange(null);
              setQuery("");
            }}
          >
            {t("change")}
          </button>
        </div>
      ) : (
        <>
          <input
            id={id}
            name="place_search"
            role="combobox"
            aria-expanded={open}
            aria-controls={`${id}-list`}
            aria-activedescendant={open ? `${id}-opt-${active}` : undefined}
            aria-autocomplete="list"
            autoComplete="off"
            placeholder={t("placeHint")}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={onKey}
            maxLength={100}
          />
          {open && (
            <ul className="options" role="listbox" id={`${id}-list`}>
              {options.map((o, i) => (
                <li
                  key={o.subdistrict_code}
                  id={`${id}-opt-${i}`}
                  role="option"
                  aria-selected={i === active}
                  className={i === active ? "active" : ""}
                  onMouseDown={(e) => {
                    e.preventDefault();
                    pick(o);
                  }}
                >
                  {label(o)} <span className="muted">{o.postcodes.join(", ")}</span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      {props.error && (
        <div className="error" role="alert">
          {props.error}
        </div>
      )}
      {props.postcodeError && (
        <div className="error" role="alert">
          {props.postcodeError}
        </div>
      )}
    </div>
  );
}
