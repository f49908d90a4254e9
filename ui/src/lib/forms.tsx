// Form building blocks: every input has a visible label, its hint and its error are tied
// to it with aria-describedby, and errors from Rust land next to the field they concern.
import { useId, useState, type ReactNode } from "react";
import type { FieldError } from "../bindings/FieldError";
import { BackendError, toBackendError } from "./backend";
import { useI18n } from "./i18n";

export type FieldErrors = Record<string, string>;

export function Field(props: {
  label: string;
  hint?: string;
  error?: string | undefined;
  ok?: string | undefined;
  children: (p: { id: string; "aria-describedby": string; "aria-invalid": boolean }) => ReactNode;
}) {
  const id = useId();
  const described = `${id}-hint ${id}-err`;
  // Once the user edits the field, its error from the last attempt is stale: hide it until
  // the next attempt reports (or clears) it.
  const [seen, setSeen] = useState(props.error);
  const [stale, setStale] = useState(false);
  if (props.error !== seen) {
    setSeen(props.error);
    setStale(false);
  }
  const error = stale ? undefined : props.error;
  return (
    <div className={"field" + (error ? " field-invalid" : "")} onChange={() => {
        // React's change bubbles after the field's own handler has run: nothing is lost.
        if (props.error && !stale) setStale(true);
      }}>
      <label htmlFor={id}>{props.label}</label>
      {props.children({ id, "aria-describedby": described, "aria-invalid": Boolean(error) })}
      {props.hint && !error && (
        <div className="hint" id={`${id}-hint`}>
          {props.hint}
        </div>
      )}
      {error ? (
        <div className="error" id={`${id}-err`} role="alert">
          {error}
        </div>
      ) : props.ok ? (
        <div className="ok" id={`${id}-err`}>
          ✓ {props.ok}
        </div>
      ) : null}
    </div>
  );
}

/** Runs a backend call for a form: busy flag, banner message and per-field errors. */
export function useSubmit() {
  const { lang } = useI18n();
  const [busy, setBusy] = useState(false);
  const [banner, setBanner] = useState<string | null>(null);
  const [fields, setFields] = useState<FieldErrors>({});
  const text = (f: FieldError) => (lang === "th" ? f.message_th : f.message_en);

  async function run<T>(f: () => Promise<T>): Promise<T | undefined> {
    setBusy(true);
    setBanner(null);
    setFields({});
    try {
      return await f();
    } catch (e) {
      const err: BackendError = toBackendError(e);
      const map: FieldErrors = {};
      for (const fe of err.report.fields) map[fe.field] = text(fe);
      setFields(map);
      setBanner(lang === "th" ? err.report.message_th : err.report.message_en);
      // Put the cursor on the first field with a problem.
      requestAnimationFrame(() => {
        const el = document.querySelector<HTMLElement>(".field-invalid input, .field-invalid select, .field-invalid textarea");
        el?.focus();
      });
      return undefined;
    } finally {
      setBusy(false);
    }
  }
  return { busy, banner, fields, setFields, setBanner, run };
}

export function Banner({ message, kind = "error" }: { message: string | null; kind?: "error" | "success" | "info" }) {
  if (!message) return null;
  return (
    <div className={`banner banner-${kind}`} role={kind === "error" ? "alert" : "status"}>
      {message}
    </div>
  );
}

/** A set of checkboxes for a multi-valued field (target groups, problem domains). */
export function CheckboxGroup<T extends string>(props: {
  legend: string;
  name: string;
  options: Record<T, [string, string]>;
  value: T[];
  onChange: (v: T[]) => void;
  pick: (pair: [string, string]) => string;
}) {
  const keys = Object.keys(props.options) as T[];
  return (
    <fieldset className="checks">
      <legend>{props.legend}</legend>
      {keys.map((k) => (
        <label key={k} className="check-item">
          <input
            type="checkbox"
            name={props.name}
            value={k}
            checked={props.value.includes(k)}
            onChange={(e) => props.onChange(e.target.checked ? [...props.value, k] : props.value.filter((x) => x !== k))}
          />
          {props.pick(props.options[k])}
        </label>
      ))}
    </fieldset>
  );
}
