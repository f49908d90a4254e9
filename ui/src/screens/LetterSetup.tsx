// Office letter set-up: the ที่ prefix, owning unit and contacts, signer, digits style, the
// Garuda emblem image; the referral letter template with a live preview; and this PC's
// blocks of case and letter numbers.
import { useEffect, useState, type FormEvent } from "react";
import type { LetterSettings } from "../bindings/LetterSettings";
import type { LetterText } from "../bindings/LetterText";
import type { NumberBlock } from "../bindings/NumberBlock";
import { backend, toBackendError } from "../lib/backend";
import { bytesToBase64 } from "../lib/files";
import { Banner, Field, useSubmit } from "../lib/forms";
import { useI18n } from "../lib/i18n";
import { LetterTextFields } from "./ReferralCard";
import { reportFailure } from "../lib/failures";

const L = {
  settings: ["หนังสือราชการของสำนักงาน", "Office letters"],
  prefix: ["เลขที่หนังสือ (ส่วนหน้าเครื่องหมาย /) เช่น พม 0027", "Letter number prefix (before /), e.g. พม 0027"],
  unit: ["ส่วนราชการเจ้าของเรื่อง", "Owning unit"],
  phone: ["โทร.", "Phone"],
  fax: ["โทรสาร", "Fax"],
  email: ["ไปรษณีย์อิเล็กทรอนิกส์", "E-mail"],
  signer: ["ผู้ลงนาม (ชื่อ–สกุล)", "Signer (name)"],
  signerPos: ["ตำแหน่งผู้ลงนาม", "Signer's position"],
  acting: ["บรรทัดปฏิบัติราชการแทน (ถ้ามี)", "Acting-on-behalf line (if any)"],
  thaiDigits: ["ใช้เลขไทยในหนังสือ (๐–๙)", "Thai digits in letters (๐–๙)"],
  emblem: ["ตราครุฑ (ไฟล์ภาพ PNG/JPEG ที่สำนักงานได้รับอนุญาตให้ใช้)", "Garuda emblem (PNG/JPEG the office may use)"],
  emblemOn: ["ติดตั้งตราครุฑแล้ว", "Emblem installed"],
  emblemOff: ["ยังไม่มีตราครุฑ — หนังสือจะเว้นพื้นที่ 3 ซม. ไว้", "No emblem — letters keep its 3 cm space"],
  emblemPick: ["เลือกไฟล์ภาพ…", "Choose an image…"],
  emblemRemove: ["นำตราครุฑออก", "Remove the emblem"],
  template: ["แม่แบบหนังสือส่งต่อ", "Referral letter template"],
  placeholders: ["ข้อความแทนที่ได้: {office_name} {agency_name} {client} {problems} {requested} {case_no}", "Placeholders: {office_name} {agency_name} {client} {problems} {requested} {case_no}"],
  preview: ["ตัวอย่าง", "Preview"],
  blocks: ["ช่วงเลขของเครื่องนี้", "This PC's number blocks"],
  blocksHint: [
    "เครื่องแต่ละเครื่องของสำนักงานต้องใช้ช่วงเลขไม่ซ้อนกัน (เช่น เครื่องที่ 1: 1–4999, เครื่องที่ 2: 5001–9999) เพื่อไม่ให้ออกเลขซ้ำแม้ทำงานออฟไลน์ เลขเริ่มใหม่ทุกปี พ.ศ.",
    "Each PC of the office needs its own non-overlapping block (e.g. PC 1: 1–4999, PC 2: 5001–9999) so numbers never repeat, even offline. Numbering restarts every BE year.",
  ],
  caseSeries: ["เลขที่กรณี", "Case numbers"],
  letterSeries: ["เลขทะเบียนหนังสือส่ง", "Letter register"],
  first: ["ตั้งแต่", "From"],
  last: ["ถึง", "To"],
  used: ["ใช้ไปแล้วปีนี้ {n} เลข", "{n} used this year"],
  save: ["บันทึก", "Save"],
  saved: ["บันทึกแล้ว", "Saved"],
} satisfies Record<string, [string, string]>;

const sample: Record<string, string> = {
  "{office_name}": "สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดพิษณุโลก",
  "{agency_name}": "โรงพยาบาลส่งเสริมสุขภาพตำบลบ้านกร่าง",
  "{client}": "นางบุญมี ทองใบ",
  "{problems}": "การดูแลผู้พึ่งพิง สุขภาพ",
  "{requested}": "การดูแลสุขภาพที่บ้าน",
  "{case_no}": "พล-2569-000042",
};

function fillSample(s: string): string {
  return Object.entries(sample).reduce((acc, [k, v]) => acc.split(k).join(v), s);
}

export function LetterSetup({ isAdmin }: { isAdmin: boolean }) {
  return (
    <>
      {isAdmin && <SettingsForm />}
      <TemplateEditor />
      {isAdmin && <Blocks />}
    </>
  );
}

function SettingsForm() {
  const { pick } = useI18n();
  const { busy, banner, fields, run } = useSubmit();
  const [s, setS] = useState<LetterSettings | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [emblemError, setEmblemError] = useState<string | null>(null);
  useEffect(() => {
    backend
      .letterSettings()
      .then(setS)
      .catch(reportFailure);
  }, []);
  if (!s) return null;
  const set = (k: keyof LetterSettings) => (e: { target: { value: string } }) => setS({ ...s, [k]: e.target.value });
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!s) return;
    const settings = s;
    const r = await run(() => backend.setLetterSettings(settings));
    if (r !== undefined) setNotice(pick(L.saved));
  }
  async function emblem(file: File | null) {
    setEmblemError(null);
    if (!s) return;
    try {
      if (file) {
        await backend.setEmblem(bytesToBase64(await file.arrayBuffer()));
      } else {
        await backend.setEmblem(null);
      }
      setS({ ...s, has_emblem: file !== null });
    } catch (e) {
      const err = toBackendError(e);
      setEmblemError(err.report.fields[0]?.message_th ?? err.report.message_th);
    }
  }
  const line = (k: keyof LetterSettings, label: [string, string], max = 300) => (
    <Field label={pick(label)} error={fields[k]}>
      {(p) => <input {...p} name={`letter_${k}`} value={String(s[k])} onChange={set(k)} maxLength={max} />}
    </Field>
  );
  return (
    <form className="card form-card" onSubmit={submit} noValidate aria-labelledby="letter-settings-title" id="letter-settings">
      <h2 id="letter-settings-title">{pick(L.settings)}</h2>
      <Banner message={notice} kind="success" />
      <Banner message={banner} />
      {line("ref_prefix", L.prefix, 40)}
      {line("owning_unit", L.unit)}
      <div className="row">
        {line("phone", L.phone)}
        {line("fax", L.fax)}
        {line("email", L.email)}
      </div>
      <div className="row">
        {line("signer_name", L.signer)}
        {line("signer_position", L.signerPos)}
      </div>
      {line("acting_for", L.acting)}
      <label className="check-item">
        <input type="checkbox" name="letter_thai_digits" checked={s.thai_digits} onChange={(e) => setS({ ...s, thai_digits: e.target.checked })} />
        {pick(L.thaiDigits)}
      </label>
      <div className="field">
        <span className="label">{pick(L.emblem)}</span>
        <p className="muted small">{pick(s.has_emblem ? L.emblemOn : L.emblemOff)}</p>
        <label className="button file-button">
          {pick(L.emblemPick)}
          <input type="file" accept="image/png,image/jpeg" className="visually-hidden" onChange={(e) => void emblem(e.target.files?.[0] ?? null)} />
        </label>{" "}
        {s.has_emblem && (
          <button type="button" className="small" onClick={() => void emblem(null)}>
            {pick(L.emblemRemove)}
          </button>
        )}
        {emblemError && (
          <div className="error" role="alert">
            {emblemError}
          </div>
        )}
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy} id="letter-settings-submit">
          {pick(L.save)}
        </button>
      </div>
    </form>
  );
}

function TemplateEditor() {
  const { pick } = useI18n();
  const { busy, banner, fields, run } = useSubmit();
  const [t, setT] = useState<LetterText | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    backend
      .letterTemplate()
      .then(setT)
      .catch(reportFailure);
  }, []);
  if (!t) return null;
  const set = (k: keyof LetterText) => (e: { target: { value: string } }) => setT({ ...t, [k]: e.target.value });
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!t) return;
    const tpl = t;
    const r = await run(() => backend.setLetterTemplate(tpl));
    if (r !== undefined) setNotice(pick(L.saved));
  }
  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="template-title" id="letter-template">
      <h2 id="template-title">{pick(L.template)}</h2>
      <p className="muted small">{pick(L.placeholders)}</p>
      <Banner message={notice} kind="success" />
      <Banner message={banner} />
      <div className="template-layout">
        <div>
          <LetterTextFields text={t} set={set} fields={fields} />
          <div className="actions">
            <button type="submit" className="primary" disabled={busy}>
              {pick(L.save)}
            </button>
          </div>
        </div>
        <div className="letter-preview" aria-label={pick(L.preview)}>
          <div className="lp-emblem" aria-hidden="true" />
          <p className="lp-center">๒๓ พฤศจิกายน ๒๕๖๙</p>
          <p>
            <span className="lp-label">เรื่อง</span> {fillSample(t.subject)}
          </p>
          <p>
            <span className="lp-label">เรียน</span> ผู้อำนวยการ{sample["{agency_name}"]}
          </p>
          {t.refer_to && (
            <p>
              <span className="lp-label">อ้างถึง</span> {fillSample(t.refer_to)}
            </p>
          )}
          <p className="lp-para">{fillSample(t.cause)}</p>
          <p className="lp-para">{fillSample(t.request)}</p>
          <p className="lp-para">{fillSample(t.conclusion)}</p>
          <p className="lp-center">ขอแสดงความนับถือ</p>
        </div>
      </div>
    </form>
  );
}

function Blocks() {
  const { pick } = useI18n();
  const [blocks, setBlocks] = useState<NumberBlock[]>([]);
  const { busy, banner, fields, run } = useSubmit();
  const [notice, setNotice] = useState<string | null>(null);
  const load = () => {
    backend
      .numberBlocks()
      .then(setBlocks)
      .catch(reportFailure);
  };
  useEffect(load, []);
  const update = (i: number, k: "first_no" | "last_no", v: string) => setBlocks(blocks.map((b, j) => (j === i ? { ...b, [k]: Number(v.replace(/\D/g, "")) } : b)));
  return (
    <div className="card" aria-labelledby="blocks-title" id="number-blocks">
      <h2 id="blocks-title">{pick(L.blocks)}</h2>
      <p className="muted small">{pick(L.blocksHint)}</p>
      <Banner message={notice} kind="success" />
      <Banner message={banner} />
      {blocks.map((b, i) => (
        <form
          key={b.series}
          className="row"
          noValidate
          onSubmit={async (e) => {
            e.preventDefault();
            setNotice(null);
            const r = await run(() => backend.setNumberBlock(b));
            if (r !== undefined) {
              setNotice(pick(L.saved));
              load();
            }
          }}
        >
          <div className="field">
            <span className="label">{pick(b.series === "case" ? L.caseSeries : L.letterSeries)}</span>
            <span className="muted small">{pick(L.used).replace("{n}", String(b.used_this_year))}</span>
          </div>
          <Field label={pick(L.first)} error={fields.first_no}>
            {(p) => <input {...p} name={`${b.series}_first`} inputMode="numeric" value={String(b.first_no)} onChange={(e) => update(i, "first_no", e.target.value)} maxLength={7} />}
          </Field>
          <Field label={pick(L.last)} error={fields.last_no}>
            {(p) => <input {...p} name={`${b.series}_last`} inputMode="numeric" value={String(b.last_no)} onChange={(e) => update(i, "last_no", e.target.value)} maxLength={7} />}
          </Field>
          <div className="field">
            <span className="label">&nbsp;</span>
            <button type="submit" disabled={busy}>
              {pick(L.save)}
            </button>
          </div>
        </form>
      ))}
    </div>
  );
}
