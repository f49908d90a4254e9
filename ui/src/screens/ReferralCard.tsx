// Referrals of a case: start one (agency, what is asked, lawful basis, exactly which parts
// of the case go with it), edit the letter while it is a draft, send it (the register
// number is issued then), print it, and record each answer until it is closed.
import { useCallback, useEffect, useState, type FormEvent } from "react";
import type { Agency } from "../bindings/Agency";
import type { LegalBasis } from "../bindings/LegalBasis";
import type { LetterText } from "../bindings/LetterText";
import type { LetterUrgency } from "../bindings/LetterUrgency";
import type { NewReferral } from "../bindings/NewReferral";
import type { Referral } from "../bindings/Referral";
import type { ReferralStatus } from "../bindings/ReferralStatus";
import type { Secrecy } from "../bindings/Secrecy";
import type { SharedPart } from "../bindings/SharedPart";
import { backend, toBackendError } from "../lib/backend";
import { Banner, Field, useSubmit } from "../lib/forms";
import { localProblems, useI18n } from "../lib/i18n";
import { formatBe, isoToBeInput, parseBeDate, todayBangkokIso } from "../lib/thaiDate";
import { reportFailure } from "../lib/failures";

export const referralStatusNames: Record<ReferralStatus, [string, string]> = {
  draft: ["ร่าง", "Draft"],
  sent: ["ส่งแล้ว รอตอบกลับ", "Sent, awaiting reply"],
  received: ["หน่วยงานรับเรื่องแล้ว", "Received"],
  accepted: ["รับดำเนินการ", "Accepted"],
  declined: ["ปฏิเสธ", "Declined"],
  service_delivered: ["ให้บริการแล้ว", "Service delivered"],
  feedback_received: ["ได้รับแจ้งผลแล้ว", "Feedback received"],
  closed: ["ปิดการส่งต่อ", "Closed"],
  withdrawn: ["ยกเลิกการส่งต่อ", "Withdrawn"],
};

export const letterUrgencyNames: Record<LetterUrgency, [string, string]> = {
  normal: ["ปกติ", "Normal"],
  urgent: ["ด่วน", "Urgent"],
  very_urgent: ["ด่วนมาก", "Very urgent"],
  most_urgent: ["ด่วนที่สุด", "Most urgent"],
};

const secrecyNames: Record<Secrecy, [string, string]> = {
  confidential: ["ลับ", "Confidential"],
  secret: ["ลับมาก", "Secret"],
  top_secret: ["ลับที่สุด", "Top secret"],
};

export const legalBasisNames: Record<LegalBasis, [string, string]> = {
  consent: ["ความยินยอมของเจ้าของข้อมูล", "The client's consent"],
  vital_interest: ["ป้องกันอันตรายต่อชีวิต ร่างกาย สุขภาพ", "Vital interest"],
  child_protection_act: ["พ.ร.บ.คุ้มครองเด็ก พ.ศ. 2546", "Child Protection Act 2003"],
  elderly_act: ["พ.ร.บ.ผู้สูงอายุ พ.ศ. 2546", "Elderly Act 2003"],
  disability_act: ["พ.ร.บ.ส่งเสริมและพัฒนาคุณภาพชีวิตคนพิการ พ.ศ. 2550", "Disability Act 2007"],
  family_institution_act: ["พ.ร.บ.ส่งเสริมการพัฒนาและคุ้มครองสถาบันครอบครัว พ.ศ. 2562", "Family Institution Act 2019"],
  destitute_persons_act: ["พ.ร.บ.การคุ้มครองคนไร้ที่พึ่ง พ.ศ. 2557", "Destitute Persons Act 2014"],
  legal_duty: ["หน้าที่ตามกฎหมาย/ภารกิจของรัฐ", "Legal duty / public task"],
};

export const sharedPartNames: Record<SharedPart, [string, string]> = {
  identity: ["ชื่อ–สกุล อายุ เพศ", "Name, age, sex"],
  citizen_id: ["เลขประจำตัวประชาชน", "Citizen ID"],
  address: ["ที่อยู่", "Address"],
  phone: ["โทรศัพท์", "Phone"],
  problems: ["สภาพปัญหาและประเภทผู้รับบริการ", "Problems and client type"],
  risk: ["ระดับความเสี่ยง", "Risk level"],
  assistance: ["ความช่วยเหลือที่ได้รับแล้ว", "Help already given"],
  household: ["สมาชิกครัวเรือน (ความสัมพันธ์และอายุ)", "Household (relationships, ages)"],
};


function keys<T extends string>(r: Record<T, unknown>): T[] {
  return Object.keys(r) as T[];
}

export function ReferralCard({ caseId, closed, onChanged }: { caseId: string; closed: boolean; onChanged: () => void }) {
  const { t, lang } = useI18n();
  const [list, setList] = useState<Referral[]>([]);
  const [agencies, setAgencies] = useState<Agency[]>([]);
  const [starting, setStarting] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    backend
      .caseReferrals(caseId)
      .then(setList)
      .catch((e: unknown) => setError(toBackendError(e).report.message_th));
  }, [caseId]);
  useEffect(load, [load]);
  useEffect(() => {
    backend
      .agencies(false)
      .then(setAgencies)
      .catch(reportFailure);
  }, []);

  const changed = (msg: string | null = null) => {
    setNotice(msg);
    load();
    onChanged();
  };

  return (
    <div className="card" aria-labelledby="referrals-title" id="referral-card">
      <h2 id="referrals-title">{t("referralCard.title")}</h2>
      <Banner message={notice} kind="success" />
      <Banner message={error} />
      {list.length === 0 && <p className="muted">{t("referralCard.none")}</p>}
      {list.map((r) => (
        <ReferralItem key={r.id} r={r} lang={lang} onChanged={changed} />
      ))}
      {!closed &&
        (starting ? (
          <StartReferral
            caseId={caseId}
            agencies={agencies}
            onCancel={() => setStarting(false)}
            onDone={() => {
              setStarting(false);
              changed();
            }}
          />
        ) : (
          <button type="button" id="start-referral" onClick={() => setStarting(true)}>
            + {t("referralCard.start")}
          </button>
        ))}
    </div>
  );
}

function ReferralFields({
  value,
  onChange,
  agencies,
  fields,
}: {
  value: NewReferral;
  onChange: (v: NewReferral) => void;
  agencies: Agency[];
  fields: Record<string, string>;
}) {
  const { t, pick } = useI18n();
  return (
    <>
      {agencies.length === 0 && <Banner message={t("referralCard.noAgencies")} kind="info" />}
      <div className="row">
        <Field label={t("referralCard.agency")} error={fields.agency_id}>
          {(p) => (
            <select {...p} name="referral_agency" value={value.agency_id} onChange={(e) => onChange({ ...value, agency_id: e.target.value })} autoFocus>
              <option value="">—</option>
              {agencies.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("referralCard.urgency")}>
          {(p) => (
            <select {...p} name="referral_urgency" value={value.urgency} onChange={(e) => onChange({ ...value, urgency: e.target.value as LetterUrgency })}>
              {keys(letterUrgencyNames).map((u) => (
                <option key={u} value={u}>
                  {pick(letterUrgencyNames[u])}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("referralCard.secrecy")}>
          {(p) => (
            <select {...p} name="referral_secrecy" value={value.secrecy ?? ""} onChange={(e) => onChange({ ...value, secrecy: (e.target.value || null) as Secrecy | null })}>
              <option value="">{t("referralCard.none2")}</option>
              {keys(secrecyNames).map((u) => (
                <option key={u} value={u}>
                  {pick(secrecyNames[u])}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field label={t("referralCard.requested")} error={fields.requested}>
        {(p) => <textarea {...p} name="referral_requested" rows={2} value={value.requested} onChange={(e) => onChange({ ...value, requested: e.target.value })} maxLength={5000} />}
      </Field>
      <Field label={t("referralCard.basis")}>
        {(p) => (
          <select {...p} name="referral_basis" value={value.legal_basis} onChange={(e) => onChange({ ...value, legal_basis: e.target.value as LegalBasis })}>
            {keys(legalBasisNames).map((b) => (
              <option key={b} value={b}>
                {pick(legalBasisNames[b])}
              </option>
            ))}
          </select>
        )}
      </Field>
      <fieldset className={"checks" + (fields.shared ? " field-invalid" : "")} id="referral-shared">
        <legend>{t("referralCard.shared")}</legend>
        {keys(sharedPartNames).map((k) => (
          <label key={k} className="check-item">
            <input
              type="checkbox"
              name="referral_shared"
              value={k}
              checked={value.shared.includes(k)}
              onChange={(e) => onChange({ ...value, shared: e.target.checked ? [...value.shared, k] : value.shared.filter((x) => x !== k) })}
            />
            {pick(sharedPartNames[k])}
          </label>
        ))}
        {fields.shared && (
          <div className="error" role="alert">
            {fields.shared}
          </div>
        )}
      </fieldset>
    </>
  );
}

function StartReferral({ caseId, agencies, onCancel, onDone }: { caseId: string; agencies: Agency[]; onCancel: () => void; onDone: () => void }) {
  const { t, pick } = useI18n();
  const { busy, banner, fields, setFields, run } = useSubmit();
  const [v, setV] = useState<NewReferral>({ agency_id: "", urgency: "normal", secrecy: null, requested: "", legal_basis: "consent", shared: ["identity", "problems"] });
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!v.agency_id) {
      setFields({ agency_id: pick(["กรุณาเลือกหน่วยงาน", "Pick an agency"]) });
      return;
    }
    const r = await run(() => backend.createReferral(caseId, v));
    if (r) onDone();
  }
  return (
    <form className="action-form" onSubmit={submit} noValidate id="referral-form">
      <Banner message={banner} />
      <ReferralFields value={v} onChange={setV} agencies={agencies} fields={fields} />
      <div className="actions">
        <button type="button" onClick={onCancel}>
          {t("referralCard.cancel")}
        </button>
        <button type="submit" className="primary" disabled={busy} id="referral-create">
          {t("referralCard.create")}
        </button>
      </div>
    </form>
  );
}

function ReferralItem({ r, lang, onChanged }: { r: Referral; lang: "th" | "en"; onChanged: (msg?: string | null) => void }) {
  const { t, pick } = useI18n();
  const [mode, setMode] = useState<"edit" | "send" | "record" | null>(null);
  const print = useSubmit();
  const overdue = r.overdue;
  return (
    <div className={"referral" + (overdue ? " referral-overdue" : "")} data-referral={r.id}>
      <div className="referral-head">
        <strong>{r.agency.name}</strong>{" "}
        <span className={`pill referral-${r.status}`} data-testid="referral-status">
          {pick(referralStatusNames[r.status])}
        </span>{" "}
        {r.urgency !== "normal" && <span className="pill urgency-pill-urgent">{pick(letterUrgencyNames[r.urgency])}</span>}
        {overdue && <strong className="overdue-tag"> {t("referralCard.overdue")}</strong>}
      </div>
      <div className="muted small">
        {r.letter_no && (
          <>
            {t("referralCard.letterNo")} <span className="mono" data-testid="letter-no">{r.letter_no}</span> · {t("referralCard.sentOn")} {formatBe(r.letter_date, lang)} ·{" "}
          </>
        )}
        {r.status === "sent" && r.expected_reply_on && (
          <>
            {t("referralCard.expect")} {formatBe(r.expected_reply_on, lang)} · {t("referralCard.overdueOn")} {formatBe(r.overdue_on, lang)}
          </>
        )}
      </div>
      <p className="pre">{r.requested}</p>
      <p className="small muted">
        {t("referralCard.shared")}: {r.shared.map((s) => pick(sharedPartNames[s])).join(", ")} · {t("referralCard.basis")}: {pick(legalBasisNames[r.legal_basis])}
      </p>
      <Banner message={print.banner} />
      <div className="action-buttons">
        {r.status === "draft" && (
          <>
            <button type="button" onClick={() => setMode("edit")} className="edit-draft">
              {t("referralCard.edit")}
            </button>
            <button type="button" className="primary send-referral" onClick={() => setMode("send")}>
              {t("referralCard.send")}
            </button>
          </>
        )}
        <button
          type="button"
          className="print-letter"
          disabled={print.busy}
          onClick={async () => {
            const p = await print.run(() => backend.printReferralLetter(r.id));
            if (p !== undefined) onChanged(t("referralCard.printed"));
          }}
        >
          {t("referralCard.print")}
        </button>
        <button
          type="button"
          className="save-letter"
          disabled={print.busy}
          onClick={async () => {
            const p = await print.run(() => backend.saveReferralLetter(r.id));
            if (p) onChanged(t("referralCard.saved").replace("{p}", p));
          }}
        >
          {t("referralCard.save")}
        </button>
        <button
          type="button"
          className="view-letter"
          disabled={print.busy}
          onClick={async () => {
            const p = await print.run(() => backend.openReferralLetter(r.id));
            if (p) onChanged(t("referralCard.viewed").replace("{p}", p));
          }}
        >
          {t("referralCard.view")}
        </button>
        {r.next.filter((n) => n !== "withdrawn" || r.status !== "draft").length > 0 && r.status !== "draft" && (
          <button type="button" className="record-reply" onClick={() => setMode("record")}>
            {t("referralCard.record")}
          </button>
        )}
      </div>
      {mode === "edit" && <EditDraft r={r} onCancel={() => setMode(null)} onDone={() => { setMode(null); onChanged(); }} />}
      {mode === "send" && <SendReferral r={r} onCancel={() => setMode(null)} onDone={() => { setMode(null); onChanged(); }} />}
      {mode === "record" && <RecordChange r={r} onCancel={() => setMode(null)} onDone={() => { setMode(null); onChanged(); }} />}
      <details>
        <summary>{t("referralCard.history")}</summary>
        <ol className="timeline small">
          {r.events.map((e, i) => (
            <li key={i}>
              {formatBe(e.on_date, lang)} · {pick(referralStatusNames[e.to])} · {e.by}
              {e.note && <span className="pre"> — {e.note}</span>}
            </li>
          ))}
        </ol>
      </details>
    </div>
  );
}

function EditDraft({ r, onCancel, onDone }: { r: Referral; onCancel: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const { busy, banner, fields, run } = useSubmit();
  const [agencies, setAgencies] = useState<Agency[]>([]);
  const [v, setV] = useState<NewReferral>({ agency_id: r.agency.id, urgency: r.urgency, secrecy: r.secrecy, requested: r.requested, legal_basis: r.legal_basis, shared: r.shared });
  const [text, setText] = useState<LetterText>(r.letter);
  useEffect(() => {
    backend
      .agencies(false)
      .then(setAgencies)
      .catch(reportFailure);
  }, []);
  const setT = (k: keyof LetterText) => (e: { target: { value: string } }) => setText({ ...text, [k]: e.target.value });
  async function submit(e: FormEvent) {
    e.preventDefault();
    const x = await run(() => backend.updateReferralDraft(r.id, v, text));
    if (x) onDone();
  }
  return (
    <form className="action-form" onSubmit={submit} noValidate>
      <Banner message={banner} />
      <ReferralFields value={v} onChange={setV} agencies={agencies} fields={fields} />
      <LetterTextFields text={text} set={setT} fields={fields} />
      <div className="actions">
        <button type="button" onClick={onCancel}>
          {t("referralCard.cancel")}
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {t("referralCard.saveDraft")}
        </button>
      </div>
    </form>
  );
}

export function LetterTextFields({ text, set, fields }: { text: LetterText; set: (k: keyof LetterText) => (e: { target: { value: string } }) => void; fields: Record<string, string> }) {
  const { t } = useI18n();
  return (
    <>
      <Field label={t("referralCard.subject")} error={fields.subject}>
        {(p) => <input {...p} name="letter_subject" value={text.subject} onChange={set("subject")} maxLength={300} />}
      </Field>
      <Field label={t("referralCard.referTo")} error={fields.refer_to}>
        {(p) => <input {...p} name="letter_refer_to" value={text.refer_to} onChange={set("refer_to")} maxLength={300} />}
      </Field>
      <Field label={t("referralCard.cause")} error={fields.cause}>
        {(p) => <textarea {...p} name="letter_cause" rows={3} value={text.cause} onChange={set("cause")} maxLength={5000} />}
      </Field>
      <Field label={t("referralCard.request")} error={fields.request}>
        {(p) => <textarea {...p} name="letter_request" rows={3} value={text.request} onChange={set("request")} maxLength={5000} />}
      </Field>
      <Field label={t("referralCard.conclusion")} error={fields.conclusion}>
        {(p) => <textarea {...p} name="letter_conclusion" rows={2} value={text.conclusion} onChange={set("conclusion")} maxLength={5000} />}
      </Field>
    </>
  );
}

function SendReferral({ r, onCancel, onDone }: { r: Referral; onCancel: () => void; onDone: () => void }) {
  const { t, pick } = useI18n();
  const { busy, banner, fields, setFields, run } = useSubmit();
  const [date, setDate] = useState(isoToBeInput(todayBangkokIso()));
  async function submit(e: FormEvent) {
    e.preventDefault();
    const d = parseBeDate(date);
    if (!d.ok) {
      setFields({ letter_date: pick(localProblems[d.problem] ?? ["", ""]) });
      return;
    }
    const iso = d.iso;
    const x = await run(() => backend.sendReferral(r.id, iso));
    if (x) onDone();
  }
  return (
    <form className="action-form" onSubmit={submit} noValidate>
      <Banner message={banner} />
      <p className="hint">{t("referralCard.sendHint")}</p>
      <Field label={t("referralCard.letterDate")} error={fields.letter_date}>
        {(p) => <input {...p} name="letter_date" value={date} onChange={(e) => setDate(e.target.value)} maxLength={10} autoFocus />}
      </Field>
      <div className="actions">
        <button type="button" onClick={onCancel}>
          {t("referralCard.cancel")}
        </button>
        <button type="submit" className="primary" disabled={busy} id="send-referral-submit">
          {t("referralCard.send")}
        </button>
      </div>
    </form>
  );
}

function RecordChange({ r, onCancel, onDone }: { r: Referral; onCancel: () => void; onDone: () => void }) {
  const { t, pick } = useI18n();
  const { busy, banner, fields, setFields, run } = useSubmit();
  const [to, setTo] = useState<ReferralStatus>(r.next[0] ?? "closed");
  const [on, setOn] = useState(isoToBeInput(todayBangkokIso()));
  const [note, setNote] = useState("");
  async function submit(e: FormEvent) {
    e.preventDefault();
    const d = parseBeDate(on);
    if (!d.ok) {
      setFields({ on: pick(localProblems[d.problem] ?? ["", ""]) });
      return;
    }
    const iso = d.iso;
    const x = await run(() => backend.changeReferral(r.id, { to, on: iso, note }));
    if (x) onDone();
  }
  return (
    <form className="action-form" onSubmit={submit} noValidate>
      <Banner message={banner} />
      <div className="row">
        <Field label={t("referralCard.to")}>
          {(p) => (
            <select {...p} name="referral_to" value={to} onChange={(e) => setTo(e.target.value as ReferralStatus)} autoFocus>
              {r.next.map((n) => (
                <option key={n} value={n}>
                  {pick(referralStatusNames[n])}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("referralCard.on")} error={fields.on}>
          {(p) => <input {...p} name="referral_on" value={on} onChange={(e) => setOn(e.target.value)} maxLength={10} />}
        </Field>
      </div>
      <Field label={t("referralCard.note")} error={fields.note}>
        {(p) => <textarea {...p} name="referral_note" rows={2} value={note} onChange={(e) => setNote(e.target.value)} maxLength={5000} />}
      </Field>
      <div className="actions">
        <button type="button" onClick={onCancel}>
          {t("referralCard.cancel")}
        </button>
        <button type="submit" className="primary" disabled={busy} id="referral-change-submit">
          {t("referralCard.record")}
        </button>
      </div>
    </form>
  );
}
