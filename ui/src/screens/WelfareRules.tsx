// Welfare-rights rules as data: the versions in force today per scheme and band, every
// version ever set, and (administrators) a form to add a version from a date when a
// regulation changes. A screening uses the versions in force on its date, and a recorded
// screening keeps what it used.
import { useCallback, useEffect, useState, type FormEvent } from "react";
import type { AmountUnit } from "../bindings/AmountUnit";
import type { Condition } from "../bindings/Condition";
import type { WelfareRule } from "../bindings/WelfareRule";
import { backend, toBackendError } from "../lib/backend";
import { Banner, Field, useSubmit } from "../lib/forms";
import { useI18n } from "../lib/i18n";
import { formatBe, isoToBeInput, parseBeDate, todayBangkokIso } from "../lib/thaiDate";
import { schemeNames } from "./WelfarePanel";

const unitNames: Record<AmountUnit, [string, string]> = {
  month: ["บาท/เดือน", "baht/month"],
  time: ["บาท/ครั้ง", "baht/time"],
  year: ["บาท/ปี", "baht/year"],
  case: ["บาท/ราย", "baht/case"],
};
const conditionNames: Record<Condition, [string, string]> = {
  thai: ["มีสัญชาติไทย", "Thai national"],
  disability_card: ["มีบัตรคนพิการ", "Disability card"],
  welfare_card_holder: ["ถือบัตรสวัสดิการแห่งรัฐ", "Welfare-card holder"],
  hardship: ["ประสบความเดือดร้อน", "In hardship"],
  deceased: ["เสียชีวิต", "Deceased"],
  in_school: ["กำลังศึกษา", "In school"],
};

const bandKey = (r: WelfareRule) => `${r.scheme}|${r.band}`;

export function WelfareRules({ isAdmin }: { isAdmin: boolean }) {
  const { t, pick, lang } = useI18n();
  const [rules, setRules] = useState<WelfareRule[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [base, setBase] = useState<WelfareRule | null>(null);
  const [from, setFrom] = useState(isoToBeInput(todayBangkokIso()));
  const [draft, setDraft] = useState<WelfareRule | null>(null);
  const { busy, banner, fields, setFields, run } = useSubmit();

  const load = useCallback(() => {
    backend
      .welfareRules()
      .then(setRules)
      .catch((e: unknown) => setError(toBackendError(e).report.message_th));
  }, []);
  useEffect(load, [load]);

  const today = todayBangkokIso();
  const current = new Map<string, WelfareRule>();
  for (const r of rules) {
    if (r.effective_from > today) continue;
    const k = bandKey(r);
    const seen = current.get(k);
    if (!seen || r.effective_from > seen.effective_from) current.set(k, r);
  }
  const inForce = [...current.values()];

  const pickBase = (key: string) => {
    const r = current.get(key) ?? null;
    setBase(r);
    setDraft(r ? { ...r } : null);
    setFields({});
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!draft) return;
    setNotice(null);
    const d = parseBeDate(from);
    if (!d.ok) {
      setFields({ effective_from: t("welfareRules.invalidDate") });
      return;
    }
    const saved = await run(() =>
      backend.addWelfareRule({
        scheme: draft.scheme,
        band: draft.band,
        effective_from: d.iso,
        min_age: draft.min_age,
        max_age: draft.max_age,
        max_income_per_person_year: draft.max_income_per_person_year,
        conditions: draft.conditions,
        amount: draft.amount,
        unit: draft.unit,
        up_to: draft.up_to,
        paying_body: draft.paying_body,
        legal_ref: draft.legal_ref,
        note: draft.note,
      }),
    );
    if (saved) {
      setNotice(t("welfareRules.newVersionSaved", { v1: formatBe(saved.effective_from, lang) }));
      setBase(null);
      setDraft(null);
      load();
    }
  }
  const num = (s: string): number | null => (s.trim() === "" ? null : Number(s.replace(/[,\s]/g, "")));

  return (
    <div className="card" id="welfare-rules" aria-labelledby="welfare-rules-title">
      <h2 id="welfare-rules-title">{t("welfareRules.welfareRightsRules")}</h2>
      <p className="hint">
        {t("welfareRules.amountsAndConditionsAreData")}
      </p>
      <Banner message={error} />
      <Banner message={notice} kind="success" />
      <table className="grid compact">
        <thead>
          <tr>
            <th>{t("welfareRules.scheme")}</th>
            <th>{t("welfareRules.band")}</th>
            <th>{t("welfareRules.amount")}</th>
            <th>{t("welfareRules.from")}</th>
            <th>{t("welfareRules.reference")}</th>
          </tr>
        </thead>
        <tbody>
          {inForce.map((r) => (
            <tr key={r.id}>
              <td>{pick(schemeNames[r.scheme])}</td>
              <td>{r.band}</td>
              <td className="nowrap">
                {r.up_to ? t("welfareRules.upTo") : ""}
                {r.amount.toLocaleString("th-TH")} {pick(unitNames[r.unit])}
              </td>
              <td className="nowrap">{formatBe(r.effective_from, lang)}</td>
              <td className="small muted">{r.legal_ref}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <details>
        <summary>{t("welfareRules.allVersionsV1", { v1: rules.length })}</summary>
        <ul className="small">
          {rules.map((r) => (
            <li key={r.id}>
              {pick(schemeNames[r.scheme])} · {r.band} · {r.amount.toLocaleString("th-TH")} {pick(unitNames[r.unit])} · {t("welfareRules.from2")} {formatBe(r.effective_from, lang)}
              {r.effective_from > today && <strong> ({t("welfareRules.notYetInForce")})</strong>}
            </li>
          ))}
        </ul>
      </details>

      {isAdmin && (
        <form onSubmit={(e) => void submit(e)} id="welfare-rule-form">
          <h3>{t("welfareRules.addAVersion")}</h3>
          <Banner message={banner} />
          <Field label={t("welfareRules.basedOn")}>
            {(p) => (
              <select {...p} name="rule_base" value={base ? bandKey(base) : ""} onChange={(e) => pickBase(e.target.value)}>
                <option value="">—</option>
                {inForce.map((r) => (
                  <option key={r.id} value={bandKey(r)}>
                    {pick(schemeNames[r.scheme])} · {r.band}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {draft && (
            <>
              <div className="row">
                <Field label={t("welfareRules.band2")} error={fields.band}>
                  {(p) => <input {...p} name="rule_band" value={draft.band} onChange={(e) => setDraft({ ...draft, band: e.target.value })} />}
                </Field>
                <Field label={t("welfareRules.amountBaht")} error={fields.amount}>
                  {(p) => <input {...p} name="rule_amount" inputMode="numeric" value={draft.amount} onChange={(e) => setDraft({ ...draft, amount: num(e.target.value) ?? 0 })} />}
                </Field>
                <Field label={t("welfareRules.unit")}>
                  {(p) => (
                    <select {...p} name="rule_unit" value={draft.unit} onChange={(e) => setDraft({ ...draft, unit: e.target.value as AmountUnit })}>
                      {(Object.keys(unitNames) as AmountUnit[]).map((u) => (
                        <option key={u} value={u}>
                          {pick(unitNames[u])}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <Field label={t("welfareRules.effectiveFromBe")} error={fields.effective_from}>
                  {(p) => <input {...p} name="rule_from" value={from} onChange={(e) => setFrom(e.target.value)} />}
                </Field>
              </div>
              <div className="row">
                <Field label={t("welfareRules.minAge")} error={fields.min_age}>
                  {(p) => <input {...p} name="rule_min_age" inputMode="numeric" value={draft.min_age ?? ""} onChange={(e) => setDraft({ ...draft, min_age: num(e.target.value) })} />}
                </Field>
                <Field label={t("welfareRules.maxAge")} error={fields.max_age}>
                  {(p) => <input {...p} name="rule_max_age" inputMode="numeric" value={draft.max_age ?? ""} onChange={(e) => setDraft({ ...draft, max_age: num(e.target.value) })} />}
                </Field>
                <Field label={t("welfareRules.incomeLimitBahtPersonYear")} error={fields.max_income_per_person_year}>
                  {(p) => (
                    <input
                      {...p}
                      name="rule_income"
                      inputMode="numeric"
                      value={draft.max_income_per_person_year ?? ""}
                      onChange={(e) => setDraft({ ...draft, max_income_per_person_year: num(e.target.value) })}
                    />
                  )}
                </Field>
              </div>
              <fieldset className="checks">
                <legend>{t("welfareRules.conditions")}</legend>
                {(Object.keys(conditionNames) as Condition[]).map((c) => (
                  <label key={c} className="check">
                    <input
                      type="checkbox"
                      checked={draft.conditions.includes(c)}
                      onChange={(e) => setDraft({ ...draft, conditions: e.target.checked ? [...draft.conditions, c] : draft.conditions.filter((x) => x !== c) })}
                    />{" "}
                    {pick(conditionNames[c])}
                  </label>
                ))}
                <label className="check">
                  <input type="checkbox" checked={draft.up_to} onChange={(e) => setDraft({ ...draft, up_to: e.target.checked })} /> {t("welfareRules.amountIsACeiling")}
                </label>
              </fieldset>
              <Field label={t("welfareRules.paidBy")} error={fields.paying_body}>
                {(p) => <input {...p} name="rule_body" value={draft.paying_body} onChange={(e) => setDraft({ ...draft, paying_body: e.target.value })} />}
              </Field>
              <Field label={t("welfareRules.legalReference")} error={fields.legal_ref}>
                {(p) => <textarea {...p} name="rule_legal_ref" rows={2} value={draft.legal_ref} onChange={(e) => setDraft({ ...draft, legal_ref: e.target.value })} />}
              </Field>
              <div className="actions">
                <button type="submit" className="primary" disabled={busy}>
                  {t("welfareRules.saveTheNewVersion")}
                </button>
              </div>
            </>
          )}
        </form>
      )}
    </div>
  );
}
