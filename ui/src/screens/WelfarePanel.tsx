import { useEffect, useState, type FormEvent } from "react";
import type { Agency } from "../bindings/Agency";
import type { CaseEvent } from "../bindings/CaseEvent";
import type { Eligibility } from "../bindings/Eligibility";
import type { Scheme } from "../bindings/Scheme";
import type { ScreeningFacts } from "../bindings/ScreeningFacts";
import type { WelfareScreening } from "../bindings/WelfareScreening";
import { backend } from "../lib/backend";
import { Banner, Field, useSubmit } from "../lib/forms";
import { useI18n } from "../lib/i18n";
import { formatBe } from "../lib/thaiDate";
import { reportFailure } from "../lib/failures";

export const schemeNames: Record<Scheme, [string, string]> = {
  child_support: ["เงินอุดหนุนเพื่อการเลี้ยงดูเด็กแรกเกิด", "Child-support grant"],
  elderly_allowance: ["เบี้ยยังชีพผู้สูงอายุ", "Elderly allowance"],
  disability_allowance: ["เบี้ยความพิการ", "Disability allowance"],
  welfare_card: ["บัตรสวัสดิการแห่งรัฐ", "State welfare card"],
  emergency: ["เงินช่วยเหลือกรณีฉุกเฉิน", "Emergency help"],
  low_income_family: ["เงินสงเคราะห์ครอบครัวผู้มีรายได้น้อย", "Low-income family grant"],
  elderly_hardship: ["เงินสงเคราะห์ผู้สูงอายุในภาวะยากลำบาก", "Elderly hardship grant"],
  elderly_funeral: ["เงินสงเคราะห์การจัดการศพผู้สูงอายุ", "Elderly funeral grant"],
  equity_grant: ["ทุนเสมอภาค กสศ.", "EEF equity grant"],
};

const eligibilityNames: Record<Eligibility, [string, string]> = {
  eligible: ["น่าจะมีสิทธิ", "Appears eligible"],
  already_receives: ["ได้รับอยู่แล้ว", "Already receives"],
  needs_information: ["ต้องการข้อมูลเพิ่ม", "Needs information"],
  not_eligible: ["ไม่เข้าเกณฑ์", "Not eligible"],
};

/** The latest screening recorded on the case, as it was recorded. */
export function lastScreening(events: CaseEvent[]): { at: string; screening: WelfareScreening } | null {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e && e.body.kind === "welfare_screened") return { at: e.at, screening: e.body.screening };
  }
  return null;
}

/** Welfare-rights screening on a case, and "refer for this right". */
export function WelfarePanel({
  caseId,
  events,
  closed,
  onChanged,
}: {
  caseId: string;
  events: CaseEvent[];
  closed: boolean;
  onChanged: (msg: string) => void;
}) {
  const { t, pick, lang } = useI18n();
  const [facts, setFacts] = useState<ScreeningFacts | null>(null);
  const [agencies, setAgencies] = useState<Agency[]>([]);
  const [referring, setReferring] = useState<Scheme | null>(null);
  const [agencyId, setAgencyId] = useState("");
  const { busy, banner, fields, run } = useSubmit();
  const last = lastScreening(events);

  useEffect(() => {
    backend
      .agencies(false)
      .then(setAgencies)
      .catch(reportFailure);
  }, []);

  const start = async () => {
    const f = await run(() => backend.welfareFacts(caseId));
    if (f) setFacts(f);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!facts) return;
    const r = await run(() => backend.screenWelfare(caseId, facts));
    if (r) {
      setFacts(null);
      onChanged(t("welfarePanel.screeningRecorded"));
    }
  };
  const refer = async (scheme: Scheme) => {
    if (!agencyId) return;
    const r = await run(() => backend.referForRight(caseId, scheme, agencyId));
    if (r) {
      setReferring(null);
      onChanged(t("welfarePanel.draftReferralToV1Created", { v1: r.agency.name }));
    }
  };
  /** The agency most likely to pay: its name shares a word with the paying body. */
  const suggest = (payingBody: string): string => {
    const local = /อปท|อบต|เทศบาล|ท้องถิ่น/.test(payingBody);
    const hit = agencies.find((a) => (local ? /องค์การบริหารส่วนตำบล|เทศบาล|อบต/.test(a.name) : payingBody.split(/[ /()]+/).some((w) => w.length > 4 && a.name.includes(w))));
    return hit?.id ?? "";
  };
  const set = (patch: Partial<ScreeningFacts>) => facts && setFacts({ ...facts, ...patch });
  const num = (s: string): number | null => (s.trim() === "" ? null : Number(s.replace(/[,\s]/g, "")));

  return (
    <div className="card" id="welfare-card" aria-labelledby="welfare-title">
      <div className="page-head">
        <h2 id="welfare-title">{t("welfarePanel.welfareRights")}</h2>
        {!closed && !facts && (
          <button type="button" id="welfare-start" disabled={busy} onClick={() => void start()}>
            {last ? t("welfarePanel.screenAgain") : t("welfarePanel.screenForRights")}
          </button>
        )}
      </div>
      <Banner message={banner} />

      {facts && (
        <form onSubmit={(e) => void submit(e)} id="welfare-form" className="welfare-form">
          <p className="hint">
            {t("welfarePanel.prefilledFromTheRecordCheck")}
          </p>
          <div className="row">
            <Field label={t("welfarePanel.age")} error={fields.age}>
              {(p) => <input {...p} name="welfare_age" inputMode="numeric" value={facts.age ?? ""} onChange={(e) => set({ age: num(e.target.value) })} />}
            </Field>
            <Field label={t("welfarePanel.householdMembers")} error={fields.household_size}>
              {(p) => <input {...p} name="welfare_household_size" inputMode="numeric" value={facts.household_size} onChange={(e) => set({ household_size: num(e.target.value) ?? 1 })} />}
            </Field>
            <Field label={t("welfarePanel.householdIncomeBahtYear")} hint={t("welfarePanel.leaveEmptyIfUnknown")} error={fields.household_income_year}>
              {(p) => (
                <input {...p} name="welfare_income" inputMode="numeric" value={facts.household_income_year ?? ""} onChange={(e) => set({ household_income_year: num(e.target.value) })} />
              )}
            </Field>
          </div>
          <fieldset className="checks">
            <legend>{t("welfarePanel.facts")}</legend>
            {(
              [
                ["thai", t("welfarePanel.thaiNational")],
                ["disability_card", t("welfarePanel.holdsADisabilityCard")],
                ["welfare_card_holder", t("welfarePanel.holdsAStateWelfareCard")],
                ["in_school", t("welfarePanel.inSchool")],
                ["hardship", t("welfarePanel.inHardship")],
                ["deceased", t("welfarePanel.deceasedFuneralGrant")],
              ] as const
            ).map(([k, label]) => (
              <label key={k} className="check">
                <input type="checkbox" name={`welfare_${k}`} checked={facts[k]} onChange={(e) => set({ [k]: e.target.checked })} /> {label}
              </label>
            ))}
          </fieldset>
          <fieldset className="checks">
            <legend>{t("welfarePanel.alreadyReceives")}</legend>
            {(Object.keys(schemeNames) as Scheme[]).map((s) => (
              <label key={s} className="check">
                <input
                  type="checkbox"
                  name="welfare_receiving"
                  value={s}
                  checked={facts.receiving.includes(s)}
                  onChange={(e) => set({ receiving: e.target.checked ? [...facts.receiving, s] : facts.receiving.filter((x) => x !== s) })}
                />{" "}
                {pick(schemeNames[s])}
              </label>
            ))}
          </fieldset>
          <div className="actions">
            <button type="submit" className="primary" id="welfare-submit" disabled={busy}>
              {t("welfarePanel.screenAndRecord")}
            </button>
            <button type="button" className="ghost" onClick={() => setFacts(null)}>
              {t("welfarePanel.cancel")}
            </button>
          </div>
        </form>
      )}

      {!facts && !last && <p className="muted">{t("welfarePanel.notScreenedYet")}</p>}
      {!facts && last && (
        <>
          <p className="muted small">
            {t("welfarePanel.screenedOn")} {formatBe(last.screening.facts.on, lang)} {t("welfarePanel.rulesInForceThatDay")}
          </p>
          <table className="grid" id="welfare-results">
            <thead>
              <tr>
                <th>{t("welfarePanel.scheme")}</th>
                <th>{t("welfarePanel.result")}</th>
                <th>{t("welfarePanel.why")}</th>
                <th>{t("welfarePanel.paidByReference")}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {last.screening.results.map((r) => (
                <tr key={r.scheme} className={`welfare-${r.eligibility}`} data-scheme={r.scheme}>
                  <td>
                    <strong>{pick(schemeNames[r.scheme])}</strong>
                    <div className="muted small">{r.amount_th}</div>
                  </td>
                  <td className="nowrap">
                    <span className={`pill eligibility-${r.eligibility}`}>{pick(eligibilityNames[r.eligibility])}</span>
                  </td>
                  <td className="welfare-reason">{r.reason_th}</td>
                  <td className="small">
                    {r.paying_body}
                    <div className="muted">
                      {r.legal_ref}
                      {r.effective_from && ` (${t("welfarePanel.from")} ${formatBe(r.effective_from, lang)})`}
                    </div>
                  </td>
                  <td>
                    {r.eligibility === "eligible" &&
                      !closed &&
                      (referring === r.scheme ? (
                        <div className="refer-right">
                          <select
                            name="right_agency"
                            aria-label={t("welfarePanel.referTo")}
                            value={agencyId}
                            onChange={(e) => setAgencyId(e.target.value)}
                          >
                            <option value="">{t("welfarePanel.choose")}</option>
                            {agencies.map((a) => (
                              <option key={a.id} value={a.id}>
                                {a.name}
                              </option>
                            ))}
                          </select>
                          <button type="button" className="primary" disabled={!agencyId || busy} onClick={() => void refer(r.scheme)}>
                            {t("welfarePanel.draftLetter")}
                          </button>
                          <button type="button" className="ghost" onClick={() => setReferring(null)}>
                            {t("welfarePanel.cancel")}
                          </button>
                          {agencies.length === 0 && <div className="muted small">{t("welfarePanel.noAgenciesYet")}</div>}
                        </div>
                      ) : (
                        <button
                          type="button"
                          className="refer-for-right"
                          onClick={() => {
                            setReferring(r.scheme);
                            setAgencyId(suggest(r.paying_body));
                          }}
                        >
                          {t("welfarePanel.referForThisRight")}
                        </button>
                      ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
