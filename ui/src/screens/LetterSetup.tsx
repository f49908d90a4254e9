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
import { useI18n, type MessageKey } from "../lib/i18n";
import { LetterTextFields } from "./ReferralCard";
import { reportFailure } from "../lib/failures";


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
  const { t } = useI18n();
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
    if (r !== undefined) setNotice(t("letterSetup.saved"));
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
  const line = (k: keyof LetterSettings, label: MessageKey, max = 300) => (
    <Field label={t(label)} error={fields[k]}>
      {(p) => <input {...p} name={`letter_${k}`} value={String(s[k])} onChange={set(k)} maxLength={max} />}
    </Field>
  );
  return (
    <form className="card form-card" onSubmit={submit} noValidate aria-labelledby="letter-settings-title" id="letter-settings">
      <h2 id="letter-settings-title">{t("letterSetup.settings")}</h2>
      <Banner message={notice} kind="success" />
      <Banner message={banner} />
      {line("ref_prefix", "letterSetup.prefix", 40)}
      {line("owning_unit", "letterSetup.unit")}
      <div className="row">
        {line("phone", "letterSetup.phone")}
        {line("fax", "letterSetup.fax")}
        {line("email", "letterSetup.email")}
      </div>
      <div className="row">
        {line("signer_name", "letterSetup.signer")}
        {line("signer_position", "letterSetup.signerPos")}
      </div>
      {line("acting_for", "letterSetup.acting")}
      <label className="check-item">
        <input type="checkbox" name="letter_thai_digits" checked={s.thai_digits} onChange={(e) => setS({ ...s, thai_digits: e.target.checked })} />
        {t("letterSetup.thaiDigits")}
      </label>
      <div className="field">
        <span className="label">{t("letterSetup.emblem")}</span>
        <p className="muted small">{t(s.has_emblem ? "letterSetup.emblemOn" : "letterSetup.emblemOff")}</p>
        <label className="button file-button">
          {t("letterSetup.emblemPick")}
          <input type="file" accept="image/png,image/jpeg" className="visually-hidden" onChange={(e) => void emblem(e.target.files?.[0] ?? null)} />
        </label>{" "}
        {s.has_emblem && (
          <button type="button" className="small" onClick={() => void emblem(null)}>
            {t("letterSetup.emblemRemove")}
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
          {t("letterSetup.save")}
        </button>
      </div>
    </form>
  );
}

function TemplateEditor() {
  const { t } = useI18n();
  const { busy, banner, fields, run } = useSubmit();
  const [text, setText] = useState<LetterText | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    backend
      .letterTemplate()
      .then(setText)
      .catch(reportFailure);
  }, []);
  if (!text) return null;
  const set = (k: keyof LetterText) => (e: { target: { value: string } }) => setText({ ...text, [k]: e.target.value });
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!text) return;
    const tpl = text;
    const r = await run(() => backend.setLetterTemplate(tpl));
    if (r !== undefined) setNotice(t("letterSetup.saved"));
  }
  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="template-title" id="letter-template">
      <h2 id="template-title">{t("letterSetup.template")}</h2>
      <p className="muted small">{t("letterSetup.placeholders")}</p>
      <Banner message={notice} kind="success" />
      <Banner message={banner} />
      <div className="template-layout">
        <div>
          <LetterTextFields text={text} set={set} fields={fields} />
          <div className="actions">
            <button type="submit" className="primary" disabled={busy}>
              {t("letterSetup.save")}
            </button>
          </div>
        </div>
        <div className="letter-preview" aria-label={t("letterSetup.preview")}>
          <div className="lp-emblem" aria-hidden="true" />
          <p className="lp-center">๒๓ พฤศจิกายน ๒๕๖๙</p>
          <p>
            <span className="lp-label">เรื่อง</span> {fillSample(text.subject)}
          </p>
          <p>
            <span className="lp-label">เรียน</span> ผู้อำนวยการ{sample["{agency_name}"]}
          </p>
          {text.refer_to && (
            <p>
              <span className="lp-label">อ้างถึง</span> {fillSample(text.refer_to)}
            </p>
          )}
          <p className="lp-para">{fillSample(text.cause)}</p>
          <p className="lp-para">{fillSample(text.request)}</p>
          <p className="lp-para">{fillSample(text.conclusion)}</p>
          <p className="lp-center">ขอแสดงความนับถือ</p>
        </div>
      </div>
    </form>
  );
}

function Blocks() {
  const { t } = useI18n();
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
      <h2 id="blocks-title">{t("letterSetup.blocks")}</h2>
      <p className="muted small">{t("letterSetup.blocksHint")}</p>
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
              setNotice(t("letterSetup.saved"));
              load();
            }
          }}
        >
          <div className="field">
            <span className="label">{t(b.series === "case" ? "letterSetup.caseSeries" : "letterSetup.letterSeries")}</span>
            <span className="muted small">{t("letterSetup.used").replace("{n}", String(b.used_this_year))}</span>
          </div>
          <Field label={t("letterSetup.first")} error={fields.first_no}>
            {(p) => <input {...p} name={`${b.series}_first`} inputMode="numeric" value={String(b.first_no)} onChange={(e) => update(i, "first_no", e.target.value)} maxLength={7} />}
          </Field>
          <Field label={t("letterSetup.last")} error={fields.last_no}>
            {(p) => <input {...p} name={`${b.series}_last`} inputMode="numeric" value={String(b.last_no)} onChange={(e) => update(i, "last_no", e.target.value)} maxLength={7} />}
          </Field>
          <div className="field">
            <span className="label">&nbsp;</span>
            <button type="submit" disabled={busy}>
              {t("letterSetup.save")}
            </button>
          </div>
        </form>
      ))}
    </div>
  );
}
