// The electronic fact-finding form, rendered from its definition (data, not code): one
// section at a time with a section list that shows completeness, autosave while typing
// (a crash loses at most the field being typed), Thai messages next to each field, and
// submission that jumps to the first section still missing something.
import { useCallback, useEffect, useRef, useState } from "react";
import type { AddressValue } from "../bindings/AddressValue";
import type { AttachmentInfo } from "../bindings/AttachmentInfo";
import type { FactFinding } from "../bindings/FactFinding";
import type { FieldError } from "../bindings/FieldError";
import type { FormDefinition } from "../bindings/FormDefinition";
import type { FormField } from "../bindings/FormField";
import type { GpsPoint } from "../bindings/GpsPoint";
import { AddressInput, emptyAddress } from "../lib/AddressInput";
import { backend, toBackendError } from "../lib/backend";
import { Banner } from "../lib/forms";
import { localProblems, problemDomainNames, targetGroupNames, useI18n, type I18n } from "../lib/i18n";
import { bytesToBase64 } from "../lib/files";
import { formatBeDateTime, isoToBeInput, parseBeDate, todayBangkokIso } from "../lib/thaiDate";
import type { View } from "../lib/navigation";
import { HouseholdPanel, relationshipNames } from "./HouseholdPanel";
import type { Relationship } from "../bindings/Relationship";

type Answers = Record<string, unknown>;
type SaveState = "saved" | "dirty" | "saving" | "failed";


const MAX_FILE = 10 * 1024 * 1024;

function fill(s: string, vars: Record<string, string | number>): string {
  return Object.entries(vars).reduce((acc, [k, v]) => acc.replace(`{${k}}`, String(v)), s);
}

function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v === "string") return v.trim() === "";
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === "object") return Object.values(v as Record<string, unknown>).every(isEmpty);
  return false;
}

function token(v: unknown): string | null {
  if (typeof v === "string") return v;
  if (v === true) return "yes";
  if (v === false) return "no";
  return null;
}

export function visible(def: FormDefinition, f: FormField, answers: Answers): boolean {
  let cur: FormField | undefined = f;
  for (let i = 0; i < 8 && cur; i++) {
    const cond: FormField["show_if"] = cur.show_if;
    if (!cond) return true;
    if (token(answers[cond.field]) !== cond.equals) return false;
    const target: string = cond.field;
    cur = def.sections.flatMap((s) => s.fields).find((x) => x.key === target);
  }
  return false;
}

/** Required, visible fields still empty, per section (instant feedback while typing). */
export function missingBySection(def: FormDefinition, answers: Answers): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of def.sections) {
    out[s.key] = s.fields.filter((f) => f.required && f.type !== "household" && f.type !== "attachments" && visible(def, f, answers) && isEmpty(answers[f.key])).length;
  }
  return out;
}

function choicesOf(f: FormField, pick: I18n["pick"]): { value: string; label: string }[] {
  if (f.choices_from === "target_group") return Object.entries(targetGroupNames).map(([value, pair]) => ({ value, label: pick(pair) }));
  if (f.choices_from === "problem_domain") return Object.entries(problemDomainNames).map(([value, pair]) => ({ value, label: pick(pair) }));
  return (f.choices ?? []).map((c) => ({ value: c.value, label: pick([c.th, c.en]) }));
}

export function FactFindingForm({ caseId, go }: { caseId: string; go: (v: View) => void }) {
  const i18n = useI18n();
  const { t, pick, lang } = i18n;
  const [ff, setFf] = useState<FactFinding | null>(null);
  const [answers, setAnswers] = useState<Answers>({});
  const [section, setSection] = useState(0);
  const [saveState, setSaveState] = useState<SaveState>("saved");
  const [savedAt, setSavedAt] = useState<string | null>(null);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [banner, setBanner] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [reopening, setReopening] = useState(false);
  const [reason, setReason] = useState("");
  const latest = useRef<Answers>({});
  const pending = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const chain = useRef<Promise<void>>(Promise.resolve());
  const msg = useCallback((e: unknown) => {
    const err = toBackendError(e);
    return lang === "th" ? err.report.message_th : err.report.message_en;
  }, [lang]);
  const fieldText = useCallback((fe: FieldError) => (lang === "th" ? fe.message_th : fe.message_en), [lang]);

  useEffect(() => {
    backend
      .factFinding(caseId)
      .then((f) => {
        setFf(f);
        setAnswers(f.answers);
        latest.current = f.answers;
        setSavedAt(f.updated_at);
      })
      .catch((e: unknown) => setBanner(msg(e)));
  }, [caseId, msg]);

  const flush = useCallback(() => {
    clearTimeout(timer.current);
    chain.current = chain.current.then(async () => {
      if (!pending.current) return;
      pending.current = false;
      setSaveState("saving");
      try {
        const f = await backend.saveFactFinding(caseId, latest.current);
        setFf(f);
        const map: Record<string, string> = {};
        for (const p of f.problems) map[p.field] = fieldText(p);
        setProblems(map);
        setSavedAt(f.updated_at);
        setSaveState(pending.current ? "dirty" : "saved");
      } catch (e) {
        pending.current = true;
        setSaveState("failed");
        setBanner(msg(e));
      }
    });
    return chain.current;
  }, [caseId, fieldText, msg]);

  // Save what is pending when leaving the form.
  useEffect(() => () => void flush(), [flush]);

  const update = useCallback(
    (key: string, value: unknown) => {
      const next = Object.fromEntries(Object.entries(latest.current).filter(([k]) => k !== key));
      if (value !== undefined) next[key] = value;
      latest.current = next;
      setAnswers(next);
      pending.current = true;
      setSaveState("dirty");
      clearTimeout(timer.current);
      timer.current = setTimeout(() => void flush(), 600);
    },
    [flush],
  );

  const def = ff?.definition;
  const sections = def?.sections ?? [];
  const readOnly = ff?.status === "submitted";
  const missing = def ? missingBySection(def, answers) : {};

  const goSection = useCallback(
    (i: number) => {
      void flush();
      setSection(Math.max(0, Math.min(i, sections.length - 1)));
      requestAnimationFrame(() => document.querySelector<HTMLElement>(".ff-section input, .ff-section select, .ff-section textarea")?.focus());
    },
    [flush, sections.length],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey && e.key === "PageDown") {
        e.preventDefault();
        goSection(section + 1);
      } else if (e.altKey && e.key === "PageUp") {
        e.preventDefault();
        goSection(section - 1);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [goSection, section]);

  async function submit() {
    setBanner(null);
    await flush();
    try {
      const f = await backend.submitFactFinding(caseId);
      setFf(f);
      setAnswers(f.answers);
      latest.current = f.answers;
      setProblems({});
      setNotice(t("factFindingForm.submittedOk"));
      window.scrollTo({ top: 0 });
    } catch (e) {
      const err = toBackendError(e);
      const map: Record<string, string> = {};
      for (const fe of err.report.fields) map[fe.field] = fieldText(fe);
      setProblems(map);
      setBanner(err.report.fields.length > 0 ? fill(t("factFindingForm.missing"), { n: err.report.fields.length }) : msg(e));
      const first = err.report.fields[0]?.field;
      const idx = sections.findIndex((s) => s.fields.some((f) => f.key === first));
      if (idx >= 0) setSection(idx);
    }
  }

  async function reopen() {
    try {
      const f = await backend.reopenFactFinding(caseId, reason);
      setFf(f);
      setReopening(false);
      setReason("");
      setNotice(null);
    } catch (e) {
      setBanner(msg(e));
    }
  }

  if (!ff || !def) return banner ? <Banner message={banner} /> : <p className="muted">…</p>;
  const current = sections[section] ?? sections[0];
  if (!current) return null;
  const time = (iso: string | null) => formatBeDateTime(iso, lang);
  const errorSections = new Set(sections.filter((s) => s.fields.some((f) => problems[f.key])).map((s) => s.key));

  return (
    <section aria-labelledby="ff-title" className="fact-finding">
      <div className="page-head">
        <div>
          <button type="button" className="link" id="ff-back" onClick={() => go({ kind: "case", id: caseId })}>
            {t("factFindingForm.back")}
          </button>
          <h1 id="ff-title">{pick([def.title_th, def.title_en])}</h1>
          <span className="muted small">{fill(t("factFindingForm.version"), { v: def.version })}</span>
        </div>
        <div className={`save-state save-${readOnly ? "saved" : saveState}`} role="status" aria-live="polite" id="save-state">
          {readOnly
            ? fill(t("factFindingForm.submitted"), { t: time(ff.submitted_at) })
            : saveState === "saving"
              ? t("factFindingForm.saving")
              : saveState === "dirty"
                ? t("factFindingForm.dirty")
                : saveState === "failed"
                  ? t("factFindingForm.failed")
                  : savedAt
                    ? fill(t("factFindingForm.saved"), { t: time(savedAt) })
                    : t("factFindingForm.notSaved")}
        </div>
      </div>
      <Banner message={notice} kind="success" />
      <Banner message={banner} />
      {readOnly && (
        <div className="card">
          {reopening ? (
            <div className="action-form">
              <label htmlFor="reopen-reason">{t("factFindingForm.reopenReason")}</label>
              <textarea id="reopen-reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={5000} autoFocus />
              <div className="actions">
                <button type="button" onClick={() => setReopening(false)}>
                  {i18n.t("cancel")}
                </button>
                <button type="button" className="primary" onClick={() => void reopen()}>
                  {t("factFindingForm.reopen")}
                </button>
              </div>
            </div>
          ) : (
            <button type="button" id="reopen-form" onClick={() => setReopening(true)}>
              {t("factFindingForm.reopen")}
            </button>
          )}
        </div>
      )}
      <div className="ff-layout">
        <nav className="ff-nav" aria-label={t("factFindingForm.sectionsNav")}>
          <ol>
            {sections.map((s, i) => {
              const left = missing[s.key] ?? 0;
              const bad = errorSections.has(s.key);
              return (
                <li key={s.key}>
                  <button
                    type="button"
                    id={`ff-nav-${s.key}`}
                    className={"ff-nav-item" + (i === section ? " active" : "") + (bad ? " has-error" : left === 0 ? " complete" : "")}
                    aria-current={i === section ? "step" : undefined}
                    onClick={() => goSection(i)}
                  >
                    <span className="ff-mark" aria-hidden="true">
                      {bad ? "!" : left === 0 ? "✓" : left}
                    </span>
                    <span>
                      {i + 1}. {pick([s.title_th, s.title_en])}
                    </span>
                  </button>
                </li>
              );
            })}
          </ol>
          <p className="muted small">{t("factFindingForm.shortcut")}</p>
        </nav>
        <div className="ff-section card" id={`ff-section-${current.key}`}>
          <h2>
            {section + 1}. {pick([current.title_th, current.title_en])}
          </h2>
          {current.fields
            .filter((f) => visible(def, f, answers))
            .map((f) => (
              <FormFieldInput
                key={f.key}
                f={f}
                value={answers[f.key]}
                onChange={(v) => update(f.key, v)}
                onBlur={() => void flush()}
                error={problems[f.key]}
                readOnly={readOnly}
                ff={ff}
                onFf={setFf}
                caseId={caseId}
              />
            ))}
          <div className="actions ff-actions">
            <button type="button" disabled={section === 0} onClick={() => goSection(section - 1)}>
              {t("factFindingForm.prev")}
            </button>
            {section < sections.length - 1 ? (
              <button type="button" className="primary" id="ff-next" onClick={() => goSection(section + 1)}>
                {t("factFindingForm.next")}
              </button>
            ) : (
              !readOnly && (
                <button type="button" className="primary" id="ff-submit" onClick={() => void submit()}>
                  {t("factFindingForm.submit")}
                </button>
              )
            )}
          </div>
        </div>
      </div>
    </section>
  );
}

function FormFieldInput(props: {
  f: FormField;
  value: unknown;
  onChange: (v: unknown) => void;
  onBlur: () => void;
  error: string | undefined;
  readOnly: boolean;
  ff: FactFinding;
  onFf: (f: FactFinding) => void;
  caseId: string;
}) {
  const { t, pick } = useI18n();
  const { f, value, onChange, readOnly } = props;
  const id = `ff-${f.key.replace(/\./g, "-")}`;
  const [local, setLocal] = useState<string | null>(null);
  const label = (
    <label htmlFor={id}>
      {pick([f.label_th, f.label_en])}
      {f.required && <span className="req" title={t("factFindingForm.required")}> *</span>}
    </label>
  );
  const err = local ?? props.error;
  const wrap = (control: React.ReactNode, wide = false) => (
    <div className={"field" + (err ? " field-invalid" : "") + (wide ? " wide" : "")} data-field={f.key}>
      {label}
      {control}
      {f.help_th && <div className="hint">{f.help_th}</div>}
      {err && (
        <div className="error" role="alert" id={`${id}-err`}>
          {err}
        </div>
      )}
    </div>
  );
  const common = { id, name: f.key, disabled: readOnly, onBlur: props.onBlur, "aria-invalid": Boolean(err), "aria-describedby": `${id}-err` };

  switch (f.type) {
    case "text":
    case "phone":
    case "citizen_id":
      return wrap(<input {...common} value={typeof value === "string" ? value : ""} onChange={(e) => onChange(e.target.value)} maxLength={f.type === "text" ? 500 : 20} inputMode={f.type === "text" ? undefined : "numeric"} />);
    case "long_text":
      return wrap(<textarea {...common} rows={3} value={typeof value === "string" ? value : ""} onChange={(e) => onChange(e.target.value)} maxLength={10000} />, true);
    case "number":
    case "money":
      return wrap(<NumberInput common={common} value={value} onChange={onChange} setLocal={setLocal} />);
    case "date":
      return wrap(<DateInput common={common} value={value} pastOnly={f.past_only ?? false} onChange={onChange} setLocal={setLocal} />);
    case "choice":
      return wrap(
        <select {...common} value={typeof value === "string" ? value : ""} onChange={(e) => onChange(e.target.value || undefined)}>
          <option value="">{t("factFindingForm.choose")}</option>
          {choicesOf(f, pick).map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>,
      );
    case "multi_choice": {
      const picked = Array.isArray(value) ? (value as string[]) : [];
      return (
        <fieldset className={"checks" + (err ? " field-invalid" : "")} id={id} data-field={f.key} disabled={readOnly}>
          <legend>
            {pick([f.label_th, f.label_en])}
            {f.required && <span className="req"> *</span>}
          </legend>
          {choicesOf(f, pick).map((c) => (
            <label key={c.value} className="check-item">
              <input
                type="checkbox"
                name={f.key}
                value={c.value}
                checked={picked.includes(c.value)}
                onChange={(e) => onChange(e.target.checked ? [...picked, c.value] : picked.filter((x) => x !== c.value))}
              />
              {c.label}
            </label>
          ))}
          {err && (
            <div className="error" role="alert">
              {err}
            </div>
          )}
        </fieldset>
      );
    }
    case "yes_no":
      return (
        <fieldset className={"checks inline" + (err ? " field-invalid" : "")} id={id} data-field={f.key} disabled={readOnly}>
          <legend>
            {pick([f.label_th, f.label_en])}
            {f.required && <span className="req"> *</span>}
          </legend>
          {[true, false].map((b) => (
            <label key={String(b)} className="check-item">
              <input type="radio" name={f.key} value={b ? "yes" : "no"} checked={value === b} onChange={() => onChange(b)} />
              {t(b ? "factFindingForm.yes" : "factFindingForm.no")}
            </label>
          ))}
          {err && (
            <div className="error" role="alert">
              {err}
            </div>
          )}
        </fieldset>
      );
    case "consent":
      return (
        <div className={"field consent" + (err ? " field-invalid" : "")} data-field={f.key}>
          <label className="check-item">
            <input type="checkbox" id={id} name={f.key} disabled={readOnly} checked={value === true} onChange={(e) => onChange(e.target.checked ? true : undefined)} />
            <span>
              {pick([f.label_th, f.label_en])}
              {f.required && <span className="req"> *</span>}
            </span>
          </label>
          {err && (
            <div className="error" role="alert">
              {err}
            </div>
          )}
        </div>
      );
    case "address": {
      const addr = value && typeof value === "object" ? { ...emptyAddress, ...(value as Partial<AddressValue>) } : emptyAddress;
      return (
        <div className="field wide" data-field={f.key}>
          <span className="label">
            {pick([f.label_th, f.label_en])}
            {f.required && <span className="req"> *</span>}
          </span>
          <AddressInput idPrefix={id} value={addr} onChange={(v) => onChange(v)} withHouseCode={f.with_house_code ?? false} error={err} disabled={readOnly} />
        </div>
      );
    }
    case "gps":
      return <GpsInput id={id} f={f} value={value} onChange={onChange} error={err} readOnly={readOnly} />;
    case "household": {
      const snapshot = readOnly && Array.isArray(value) ? (value as { name: string; relationship: Relationship; age: number | null }[]) : null;
      return (
        <div className="field wide" data-field={f.key}>
          <span className="label">{pick([f.label_th, f.label_en])}</span>
          <p className="hint">{t("factFindingForm.householdHint")}</p>
          {snapshot ? (
            <table className="data" id="household-snapshot">
              <caption className="small muted">{t("factFindingForm.snapshot")}</caption>
              <tbody>
                {snapshot.map((m, i) => (
                  <tr key={i}>
                    <td>{m.name}</td>
                    <td>{pick(relationshipNames[m.relationship])}</td>
                    <td>{m.age ?? "–"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <HouseholdPanel personId={props.ff.person_id} household={props.ff.household} onChange={(h) => props.onFf({ ...props.ff, household: h })} />
          )}
        </div>
      );
    }
    case "attachments":
      return <Attachments f={f} ff={props.ff} onFf={props.onFf} caseId={props.caseId} readOnly={readOnly} />;
    default:
      return wrap(<input {...common} value={String(value ?? "")} readOnly />);
  }
}

type Common = { id: string; name: string; disabled: boolean; onBlur: () => void; "aria-invalid": boolean; "aria-describedby": string };

function NumberInput({ common, value, onChange, setLocal }: { common: Common; value: unknown; onChange: (v: unknown) => void; setLocal: (s: string | null) => void }) {
  const { t } = useI18n();
  const [raw, setRaw] = useState(typeof value === "number" ? value.toLocaleString("en-US") : "");
  return (
    <input
      {...common}
      inputMode="decimal"
      value={raw}
      maxLength={15}
      onChange={(e) => {
        setRaw(e.target.value);
        const typed = e.target.value.replace(/,/g, "").trim();
        if (typed === "") {
          setLocal(null);
          onChange(undefined);
        } else if (/^\d+(\.\d{0,2})?$/.test(typed)) {
          setLocal(null);
          onChange(Number(typed));
        } else {
          setLocal(t("factFindingForm.numberBad"));
        }
      }}
    />
  );
}

function DateInput({ common, value, pastOnly, onChange, setLocal }: { common: Common; value: unknown; pastOnly: boolean; onChange: (v: unknown) => void; setLocal: (s: string | null) => void }) {
  const { pick } = useI18n();
  const [raw, setRaw] = useState(typeof value === "string" ? isoToBeInput(value) : "");
  return (
    <input
      {...common}
      value={raw}
      maxLength={10}
      placeholder="23/11/2569"
      onChange={(e) => {
        setRaw(e.target.value);
        if (e.target.value.trim() === "") {
          setLocal(null);
          onChange(undefined);
          return;
        }
        const d = parseBeDate(e.target.value);
        if (!d.ok) setLocal(pick(localProblems[d.problem] ?? ["", ""]));
        else if (pastOnly && d.iso > todayBangkokIso()) setLocal(pick(localProblems.date_in_future ?? ["", ""]));
        else {
          setLocal(null);
          onChange(d.iso);
        }
      }}
    />
  );
}

function GpsInput({ id, f, value, onChange, error, readOnly }: { id: string; f: FormField; value: unknown; onChange: (v: unknown) => void; error: string | undefined; readOnly: boolean }) {
  const { t, pick } = useI18n();
  const v = value && typeof value === "object" ? (value as GpsPoint) : null;
  const [lat, setLat] = useState(v ? String(v.lat) : "");
  const [lon, setLon] = useState(v ? String(v.lon) : "");
  const [local, setLocal] = useState<string | null>(null);
  const push = (a: string, b: string) => {
    setLat(a);
    setLon(b);
    if (a.trim() === "" && b.trim() === "") onChange(undefined);
    else if (a.trim() !== "" && b.trim() !== "" && !Number.isNaN(Number(a)) && !Number.isNaN(Number(b))) onChange({ lat: Number(a), lon: Number(b) });
  };
  const here = () => {
    if (!("geolocation" in navigator)) {
      setLocal(t("factFindingForm.noGps"));
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (p) => {
        setLocal(null);
        push(p.coords.latitude.toFixed(6), p.coords.longitude.toFixed(6));
      },
      () => setLocal(t("factFindingForm.noGps")),
      { timeout: 10000 },
    );
  };
  const err = local ?? error;
  return (
    <fieldset className={"gps" + (err ? " field-invalid" : "")} data-field={f.key} disabled={readOnly}>
      <legend>{pick([f.label_th, f.label_en])}</legend>
      <div className="row">
        <div className="field">
          <label htmlFor={`${id}-lat`}>{t("factFindingForm.lat")}</label>
          <input id={`${id}-lat`} name={`${f.key}.lat`} inputMode="decimal" value={lat} placeholder="16.821100" onChange={(e) => push(e.target.value, lon)} maxLength={12} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-lon`}>{t("factFindingForm.lon")}</label>
          <input id={`${id}-lon`} name={`${f.key}.lon`} inputMode="decimal" value={lon} placeholder="100.265900" onChange={(e) => push(lat, e.target.value)} maxLength={12} />
        </div>
        {!readOnly && (
          <button type="button" className="small gps-here" onClick={here}>
            {t("factFindingForm.here")}
          </button>
        )}
      </div>
      {err && (
        <div className="error" role="alert">
          {err}
        </div>
      )}
    </fieldset>
  );
}


function Attachments({ f, ff, onFf, caseId, readOnly }: { f: FormField; ff: FactFinding; onFf: (f: FactFinding) => void; caseId: string; readOnly: boolean }) {
  const { t, pick } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [preview, setPreview] = useState<{ id: string; url: string } | null>(null);
  const [removing, setRemoving] = useState<AttachmentInfo | null>(null);
  const [reason, setReason] = useState("");
  const files = ff.attachments.filter((a) => a.field_key === f.key);
  const report = (e: unknown) => {
    const err = toBackendError(e);
    setError(err.report.fields[0]?.message_th ?? err.report.message_th);
  };
  useEffect(() => () => {
    if (preview) URL.revokeObjectURL(preview.url);
  }, [preview]);

  async function onFiles(list: FileList | null) {
    if (!list) return;
    setError(null);
    setBusy(true);
    try {
      const added: AttachmentInfo[] = [];
      for (const file of Array.from(list)) {
        if (file.size > MAX_FILE) {
          setError(t("factFindingForm.tooBig"));
          continue;
        }
        const data = bytesToBase64(await file.arrayBuffer());
        added.push(await backend.addAttachment(caseId, f.key, file.name, data));
      }
      onFf({ ...ff, attachments: [...ff.attachments, ...added] });
    } catch (e) {
      report(e);
    } finally {
      setBusy(false);
    }
  }

  async function show(a: AttachmentInfo) {
    try {
      const c = await backend.getAttachment(a.id);
      const bin = atob(c.data_base64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      const url = URL.createObjectURL(new Blob([bytes], { type: a.media_type }));
      if (a.media_type.startsWith("image/")) setPreview({ id: a.id, url });
      else {
        const link = document.createElement("a");
        link.href = url;
        link.download = a.file_name;
        link.click();
        setTimeout(() => URL.revokeObjectURL(url), 10000);
      }
    } catch (e) {
      report(e);
    }
  }

  async function remove() {
    if (!removing) return;
    try {
      await backend.removeAttachment(removing.id, reason);
      onFf({ ...ff, attachments: ff.attachments.filter((x) => x.id !== removing.id) });
      setRemoving(null);
      setReason("");
    } catch (e) {
      report(e);
    }
  }

  return (
    <div className={"field wide attachments" + (error ? " field-invalid" : "")} data-field={f.key}>
      <span className="label">{pick([f.label_th, f.label_en])}</span>
      <ul className="files">
        {files.map((a) => (
          <li key={a.id}>
            <span>{a.file_name}</span> <span className="muted small">{(a.size / 1024).toFixed(0)} KB</span>{" "}
            {a.available ? (
              <button type="button" className="link small" onClick={() => void show(a)}>
                {t("factFindingForm.view")}
              </button>
            ) : (
              <span className="pill muted small">{t("factFindingForm.notHere")}</span>
            )}
            {!readOnly && (
              <button type="button" className="link small" onClick={() => setRemoving(a)}>
                {t("factFindingForm.remove")}
              </button>
            )}
            {preview?.id === a.id && <img src={preview.url} alt={a.file_name} className="preview" />}
          </li>
        ))}
      </ul>
      {removing && (
        <div className="action-form">
          <label htmlFor="remove-reason">
            {t("factFindingForm.removeReason")}: {removing.file_name}
          </label>
          <input id="remove-reason" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={300} autoFocus />
          <div className="actions">
            <button type="button" onClick={() => setRemoving(null)}>
              ✕
            </button>
            <button type="button" className="primary" onClick={() => void remove()}>
              {t("factFindingForm.remove")}
            </button>
          </div>
        </div>
      )}
      {!readOnly && (
        <label className="button file-button">
          {busy ? t("factFindingForm.uploading") : t("factFindingForm.attach")}
          <input type="file" name={f.key} accept="image/jpeg,image/png,application/pdf" multiple disabled={busy} onChange={(e) => void onFiles(e.target.files)} className="visually-hidden" />
        </label>
      )}
      {error && (
        <div className="error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}
