import { useEffect, useRef, useState, type FormEvent } from "react";
import type { IntakeChannel } from "../bindings/IntakeChannel";
import type { ProblemDomain } from "../bindings/ProblemDomain";
import type { TargetGroup } from "../bindings/TargetGroup";
import type { Urgency } from "../bindings/Urgency";
import type { PersonDetail } from "../bindings/PersonDetail";
import { backend, toBackendError } from "../lib/backend";
import { citizenIdLayout } from "../lib/display";
import { Banner, CheckboxGroup, Field, useSubmit } from "../lib/forms";
import type { CorrectionRecord } from "../bindings/CorrectionRecord";
import type { NoIdReason } from "../bindings/NoIdReason";
import type { Sex } from "../bindings/Sex";
import {
  channelNames,
  correctionBasisNames,
  personFieldNames,
  rectificationDecisionNames,
  localProblems,
  noIdReasonNames,
  problemDomainNames,
  sexNames,
  statusNames,
  targetGroupNames,
  urgencyNames,
  useI18n,
} from "../lib/i18n";
import { ageOn, formatBe, formatBeDateTime, isoToBeInput, parseBeDate, todayBangkokIso } from "../lib/thaiDate";
import { ClickableRow } from "../lib/ClickableRow";
import type { View } from "../lib/navigation";
import type { Household } from "../bindings/Household";
import { HouseholdPanel } from "./HouseholdPanel";
import { MergePanel } from "./MergePanel";
import { reportFailure } from "../lib/failures";
import { LockIcon } from "../lib/icons";

export function PersonView({ id, flash, go, canMerge }: { id: string; flash: string | null; go: (v: View) => void; canMerge: boolean }) {
  const { t, pick, lang } = useI18n();
  const [detail, setDetail] = useState<PersonDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(flash);
  const [reloads, setReloads] = useState(0);
  const [opening, setOpening] = useState(false);
  const openButton = useRef<HTMLButtonElement>(null);
  const [household, setHousehold] = useState<Household | null>(null);

  useEffect(() => {
    backend
      .personHousehold(id)
      .then(setHousehold)
      .catch((e: unknown) => {
        // A person with a sensitive case outside need-to-know: the household stays hidden.
        if (toBackendError(e).report.code !== "need_to_know") reportFailure(e);
      });
  }, [id, reloads]);

  useEffect(() => {
    backend
      .getPerson(id)
      .then(setDetail)
      .catch((e: unknown) => {
        const err = toBackendError(e);
        setError(lang === "th" ? err.report.message_th : err.report.message_en);
      });
  }, [id, lang, reloads]);

  useEffect(() => {
    if (detail && !opening) openButton.current?.focus();
  }, [detail, opening]);

  if (error) return <Banner message={error} />;
  if (!detail) return <p className="muted">…</p>;
  const p = detail.person;
  const today = todayBangkokIso();
  const idText =
    p.identity.kind === "citizen_id" ? citizenIdLayout(p.identity.number) : p.identity.kind === "g_code" ? p.identity.code : pick(noIdReasonNames[p.identity.reason]);

  return (
    <section aria-labelledby="person-title">
      <div className="page-head">
        <h1 id="person-title">
          {p.title}
          {p.first_name} {p.last_name}
        </h1>
        {!opening && !detail.merged_into && (
          <div className="head-actions">
            <button type="button" id="edit-person-button" onClick={() => go({ kind: "edit_person", id: p.id })}>
              ✎ {t("personView.edit")}
            </button>
            <button type="button" className="primary" ref={openButton} id="open-case-button" onClick={() => setOpening(true)}>
              + {t("openCase")}
            </button>
          </div>
        )}
      </div>
      <Banner message={notice} kind="success" />
      {detail.restricted && (
        <div className="banner banner-info" role="status" id="person-restricted">
          <LockIcon /> {t("access.personRestricted")}
        </div>
      )}
      {detail.merged_into && (
        <div className="banner banner-info" role="status" id="merged-notice">
          {t("personView.thisRecordWasMergedInto")}{" "}
          <button type="button" className="link" onClick={() => go({ kind: "person", id: detail.merged_into ?? "" })}>
            {t("personView.openTheRecordInUse")}
          </button>
        </div>
      )}
      {p.death_date && (
        <div className="banner banner-info" role="status" id="person-died">
          ✝ {t("personView.died", { date: formatBe(p.death_date, lang) })}
        </div>
      )}
      <dl className="facts card">
        <div>
          <dt>{t("citizenId")}</dt>
          <dd className="mono">{idText}</dd>
        </div>
        <div>
          <dt>{t("birthDateShort")}</dt>
          <dd>{p.birth_date ? `${formatBe(p.birth_date, lang)} (${t("age", { n: ageOn(p.birth_date, today) })})` : "–"}</dd>
        </div>
        <div>
          <dt>{t("sex")}</dt>
          <dd>{pick(sexNames[p.sex])}</dd>
        </div>
        <div>
          <dt>{t("phone")}</dt>
          <dd>{p.phone || "–"}</dd>
        </div>
        <div className="span2">
          <dt>{t("address")}</dt>
          <dd className="pre">
            {[p.address_text, p.place_label, p.postcode].filter(Boolean).join(" ") || "–"}
          </dd>
        </div>
        {p.death_date && (
          <div>
            <dt>{t("personView.deathDate")}</dt>
            <dd>{formatBe(p.death_date, lang)}</dd>
          </div>
        )}
      </dl>
      <Corrections personId={p.id} reloads={reloads} />
      <div className="card" aria-labelledby="household-title">
        <h2 id="household-title">{t("personView.householdFamilyHandbook")}</h2>
        <HouseholdPanel personId={p.id} household={household} onChange={setHousehold} />
      </div>
      {canMerge && <AccessRequest personId={p.id} />}
      {canMerge && !detail.merged_into && (
        <MergePanel
          person={p}
          onMerged={(msg) => {
            setNotice(msg);
            setReloads((n) => n + 1);
          }}
        />
      )}
      {opening && (
        <OpenCase
          personId={p.id}
          onCancel={() => setOpening(false)}
          onOpened={(caseId, caseNo) => go({ kind: "case", id: caseId, flash: t("caseOpened", { no: caseNo }) })}
        />
      )}
      <h2>{t("personCases")}</h2>
      {detail.cases.length === 0 ? (
        <p className="empty">{t("noPersonCases")}</p>
      ) : (
        <table className="grid" id="person-cases">
          <thead>
            <tr>
              <th>{t("colCaseNo")}</th>
              <th>{t("colChannel")}</th>
              <th>{t("colIntake")}</th>
              <th>{t("colSummary")}</th>
              <th>{t("colStatus")}</th>
            </tr>
          </thead>
          <tbody>
            {detail.cases.map((c) => (
              <ClickableRow key={c.id} onOpen={() => go({ kind: "case", id: c.id })}>
                <td className="mono nowrap">{c.case_no}</td>
                <td>{pick(channelNames[c.channel])}</td>
                <td className="nowrap">{formatBe(c.intake_date, lang)}</td>
                <td className="summary-cell">{c.summary}</td>
                <td>
                  <span className={`pill pill-${c.status}`}>{pick(statusNames[c.status])}</span>
                </td>
              </ClickableRow>
            ))}
          </tbody>
        </table>
      )}
      <div className="actions left">
        <button type="button" onClick={() => go({ kind: "cases" })}>
          ← {t("navCases")}
        </button>
      </div>
    </section>
  );
}

function OpenCase({ personId, onCancel, onOpened }: { personId: string; onCancel: () => void; onOpened: (caseId: string, caseNo: string) => void }) {
  const { t, pick } = useI18n();
  const { busy, banner, fields, setFields, run } = useSubmit();
  const [channel, setChannel] = useState<IntakeChannel>("walk_in");
  const [date, setDate] = useState(isoToBeInput(todayBangkokIso()));
  const [summary, setSummary] = useState("");
  const [urgency, setUrgency] = useState<Urgency>("normal");
  const [groups, setGroups] = useState<TargetGroup[]>([]);
  const [domains, setDomains] = useState<ProblemDomain[]>([]);
  const [reporter, setReporter] = useState({ name: "", relationship: "", contact: "" });
  const [account, setAccount] = useState("");
  const [sensitive, setSensitive] = useState(false);
  const safety = domains.includes("safety");

  async function submit(e: FormEvent) {
    e.preventDefault();
    const d = parseBeDate(date);
    if (!d.ok) {
      setFields({ intake_date: pick(localProblems[d.problem] ?? ["", ""]) });
      return;
    }
    const hasReporter = reporter.name.trim() || reporter.relationship.trim() || reporter.contact.trim();
    const c = await run(() =>
      backend.openCase({
        person_id: personId,
        channel,
        intake_date: d.iso,
        summary,
        urgency,
        target_groups: groups,
        problem_domains: domains,
        reporter: hasReporter ? reporter : null,
        account,
      }),
    );
    if (!c) return;
    if (sensitive && !safety) await backend.setCaseSensitive(c.id, true).catch(reportFailure);
    onOpened(c.id, c.case_no);
  }

  return (
    <form className="card form-card" onSubmit={submit} noValidate id="open-case-form" aria-labelledby="open-case-title">
      <h2 id="open-case-title">{t("openCaseTitle")}</h2>
      <Banner message={banner} />
      <div className="row">
        <Field label={t("channel")}>
          {(p) => (
            <select {...p} name="channel" value={channel} onChange={(e) => setChannel(e.target.value as IntakeChannel)} autoFocus>
              {(Object.keys(channelNames) as IntakeChannel[]).map((c) => (
                <option key={c} value={c}>
                  {pick(channelNames[c])}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("intakeDate")} error={fields.intake_date}>
          {(p) => <input {...p} name="intake_date" value={date} onChange={(e) => setDate(e.target.value)} maxLength={10} />}
        </Field>
      </div>
      <fieldset className="inline-radios">
        <legend>{t("urgency")}</legend>
        {(Object.keys(urgencyNames) as Urgency[]).map((u) => (
          <label key={u} className={`radio urgency-${u}`}>
            <input type="radio" name="urgency" value={u} checked={urgency === u} onChange={() => setUrgency(u)} />
            {pick(urgencyNames[u])}
          </label>
        ))}
      </fieldset>
      <Field label={t("summary")} hint={t("summaryHint")} error={fields.summary}>
        {(p) => <textarea {...p} name="summary" rows={2} value={summary} onChange={(e) => setSummary(e.target.value)} maxLength={5000} />}
      </Field>
      <CheckboxGroup legend={t("targetGroups")} name="target_groups" options={targetGroupNames} value={groups} onChange={setGroups} pick={pick} />
      <CheckboxGroup legend={t("problemDomains")} name="problem_domains" options={problemDomainNames} value={domains} onChange={setDomains} pick={pick} />
      <label className="checkbox">
        <input type="checkbox" name="sensitive" checked={sensitive || safety} disabled={safety} onChange={(e) => setSensitive(e.target.checked)} />
        <LockIcon /> {t("access.intakeSensitive")}
      </label>
      <fieldset>
        <legend>{t("reporter")}</legend>
        <p className="hint">{t("reporterHint")}</p>
        <div className="row">
          <Field label={t("reporterName")} error={fields.reporter_name}>
            {(p) => <input {...p} name="reporter_name" value={reporter.name} onChange={(e) => setReporter({ ...reporter, name: e.target.value })} maxLength={100} />}
          </Field>
          <Field label={t("reporterRelationship")} error={fields.reporter_relationship}>
            {(p) => (
              <input {...p} name="reporter_relationship" value={reporter.relationship} onChange={(e) => setReporter({ ...reporter, relationship: e.target.value })} maxLength={100} />
            )}
          </Field>
          <Field label={t("reporterContact")} error={fields.reporter_contact}>
            {(p) => <input {...p} name="reporter_contact" value={reporter.contact} onChange={(e) => setReporter({ ...reporter, contact: e.target.value })} maxLength={300} />}
          </Field>
        </div>
      </fieldset>
      <Field label={t("account")} error={fields.account}>
        {(p) => <textarea {...p} name="account" rows={3} value={account} onChange={(e) => setAccount(e.target.value)} maxLength={5000} />}
      </Field>
      <div className="actions">
        <button type="button" onClick={onCancel}>
          {t("cancel")}
        </button>
        <button type="submit" className="primary" disabled={busy} id="open-case-submit">
          {busy ? t("saving") : t("save")}
        </button>
      </div>
    </form>
  );
}

/** The record's corrections: who, when, why, which fields (and the values, for supervisors). */
function Corrections({ personId, reloads }: { personId: string; reloads: number }) {
  const { t, pick, lang } = useI18n();
  const [list, setList] = useState<CorrectionRecord[] | null>(null);
  useEffect(() => {
    backend.personCorrections(personId).then(setList).catch(reportFailure);
  }, [personId, reloads]);
  if (!list || list.length === 0) return null;
  const shown = (field: string, v: string | null) => {
    if (v === null || v === "") return t("personView.empty");
    if (field === "birth_date" || field === "death_date") return formatBe(v, lang);
    if (field === "sex") return pick(sexNames[v as Sex]);
    if (field === "no_id_reason") return pick(noIdReasonNames[v as NoIdReason]);
    if (field === "id_number" && /^\d{13}$/.test(v)) return citizenIdLayout(v);
    return v;
  };
  return (
    <details className="card" id="person-corrections">
      <summary>
        <h2 className="inline">
          {t("personView.corrections")} ({list.length})
        </h2>
      </summary>
      <ol className="corrections">
        {list.map((c) => (
          <li key={c.id}>
            <div>
              <strong>{formatBeDateTime(c.at, lang)}</strong> · {c.by} · {pick(correctionBasisNames[c.basis])}
            </div>
            {c.request && (
              <div className="muted small">
                {t("personView.requestLine", {
                  received: formatBe(c.request.received_on, lang),
                  decision: pick(rectificationDecisionNames[c.request.decision]),
                  decided: formatBe(c.request.decided_on, lang),
                })}
              </div>
            )}
            <div className="pre">{c.reason}</div>
            {c.fields.length === 0 ? (
              <div className="muted small">{t("personView.nothingChanged")}</div>
            ) : c.changes ? (
              <table className="grid compact">
                <tbody>
                  {c.changes.map((ch) => (
                    <tr key={ch.field}>
                      <th scope="row">{pick(personFieldNames[ch.field] ?? [ch.field, ch.field])}</th>
                      <td className="muted">
                        <s>{shown(ch.field, ch.before)}</s>
                      </td>
                      <td>→ {shown(ch.field, ch.after)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <div className="small">
                {t("personView.fieldsChanged")}: {c.fields.map((f) => pick(personFieldNames[f] ?? [f, f])).join(", ")}{" "}
                <span className="muted">({t("personView.valuesHidden")})</span>
              </div>
            )}
          </li>
        ))}
      </ol>
    </details>
  );
}

/** PDPA §30/§31: the person's data as JSON and a readable PDF, saved for handing over.
 * Other people's data (reporter, household members, staff) is withheld unless included
 * with a reason. */
function AccessRequest({ personId }: { personId: string }) {
  const { t, lang } = useI18n();
  const { busy, banner, fields, run } = useSubmit();
  const [saved, setSaved] = useState<string[] | null>(null);
  const [others, setOthers] = useState(false);
  const [reason, setReason] = useState("");
  return (
    <div className="card" id="access-request">
      <div className="page-head">
        <h2>{t("personView.dataSubjectAccessRequestPdpa")}</h2>
        <button
          type="button"
          id="access-export"
          disabled={busy}
          onClick={() =>
            void run(() => backend.savePersonExport(personId, { include_third_parties: others, reason })).then((paths) => {
              if (paths) setSaved(paths);
            })
          }
        >
          {t("personView.exportEverythingJsonPdf")}
        </button>
      </div>
      <p className="hint">
        {lang === "th"
          ? "ตาม พ.ร.บ.คุ้มครองข้อมูลส่วนบุคคล มาตรา 30 และ 31 ต้องให้สำเนาภายใน 30 วัน: ไฟล์ JSON สำหรับนำไปใช้ต่อ และ PDF สำหรับอ่าน การส่งออกถูกบันทึกในประวัติการใช้งาน"
          : "PDPA §30–31: a copy within 30 days — JSON for portability and a readable PDF. The export is logged."}
      </p>
      <p className="hint">{t("pdpa.withheldHint")}</p>
      <label className="checkbox">
        <input type="checkbox" name="include_third_parties" checked={others} onChange={(e) => setOthers(e.target.checked)} />
        {t("pdpa.includeOthers")}
      </label>
      {others && (
        <Field label={t("pdpa.reason")} hint={t("pdpa.reasonHint")} error={fields.reason}>
          {(p) => <textarea {...p} name="export_reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />}
        </Field>
      )}
      <Banner message={banner} />
      {saved && <Banner kind="success" message={`${t("personView.saved")}: ${saved.join(" , ")}`} />}
    </div>
  );
}
