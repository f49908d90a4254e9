// Referrals other offices running Raksa addressed to this office: the letter as sent,
// and the answer (received, accepted, declined with a reason, service delivered, feedback)
// that travels back to the sender with the next sync.
import { useCallback, useEffect, useState, type FormEvent } from "react";
import type { IncomingReferral } from "../bindings/IncomingReferral";
import type { ReferralStatus } from "../bindings/ReferralStatus";
import { backend, toBackendError } from "../lib/backend";
import { Banner, Field, useSubmit } from "../lib/forms";
import { localProblems, useI18n } from "../lib/i18n";
import { formatBe, isoToBeInput, parseBeDate, todayBangkokIso } from "../lib/thaiDate";
import { letterUrgencyNames, referralStatusNames } from "./ReferralCard";


const answers: ReferralStatus[] = ["received", "accepted", "declined", "service_delivered", "feedback_received"];

export function IncomingReferrals() {
  const { t, pick, lang } = useI18n();
  const [list, setList] = useState<IncomingReferral[]>([]);
  const [open, setOpen] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    backend
      .incomingReferrals()
      .then(setList)
      .catch((e: unknown) => setError(toBackendError(e).report.message_th));
  }, []);
  useEffect(load, [load]);
  return (
    <div className="card" aria-labelledby="incoming-title" id="incoming-referrals">
      <h2 id="incoming-title">{t("incomingReferrals.title")}</h2>
      <Banner message={notice} kind="success" />
      <Banner message={error} />
      {list.length === 0 && <p className="muted">{t("incomingReferrals.none")}</p>}
      {list.map((r) => (
        <div key={r.id} className={"referral" + (r.status === "new" ? " referral-overdue" : "")}>
          <div className="referral-head">
            <strong>{r.letter?.subject ?? r.requested}</strong>{" "}
            <span className={`pill referral-${r.status === "new" ? "sent" : r.status}`}>
              {r.withdrawn ? t("incomingReferrals.withdrawn") : r.status === "new" ? t("incomingReferrals.new") : pick(referralStatusNames[r.status as ReferralStatus] ?? [r.status, r.status])}
            </span>{" "}
            {r.urgency && r.urgency !== "normal" && <span className="pill urgency-pill-urgent">{pick(letterUrgencyNames[r.urgency])}</span>}
          </div>
          <div className="muted small">
            {t("incomingReferrals.from")} {r.from_office}
            {r.register_no && ` · ${t("incomingReferrals.no")} ${r.register_no}`}
            {r.letter_date && ` · ${formatBe(r.letter_date, lang)}`}
          </div>
          {r.letter && (
            <>
              <p className="pre">{r.letter.cause}</p>
              <p className="pre">{r.letter.request}</p>
            </>
          )}
          <p className="pre">{r.requested}</p>
          {!r.withdrawn &&
            (open === r.id ? (
              <ReplyForm
                id={r.id}
                onCancel={() => setOpen(null)}
                onDone={() => {
                  setOpen(null);
                  setNotice(t("incomingReferrals.sent"));
                  load();
                }}
              />
            ) : (
              <button type="button" className="reply-referral" onClick={() => setOpen(r.id)}>
                {t("incomingReferrals.reply")}
              </button>
            ))}
        </div>
      ))}
    </div>
  );
}

function ReplyForm({ id, onCancel, onDone }: { id: string; onCancel: () => void; onDone: () => void }) {
  const { t, pick } = useI18n();
  const { busy, banner, fields, setFields, run } = useSubmit();
  const [status, setStatus] = useState<ReferralStatus>("accepted");
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
    const r = await run(() => backend.replyToReferral(id, { status, on: iso, note }));
    if (r !== undefined) onDone();
  }
  return (
    <form className="action-form" onSubmit={submit} noValidate>
      <Banner message={banner} />
      <div className="row">
        <Field label={t("incomingReferrals.status")}>
          {(p) => (
            <select {...p} name="reply_status" value={status} onChange={(e) => setStatus(e.target.value as ReferralStatus)} autoFocus>
              {answers.map((a) => (
                <option key={a} value={a}>
                  {pick(referralStatusNames[a])}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("incomingReferrals.on")} error={fields.on}>
          {(p) => <input {...p} name="reply_on" value={on} onChange={(e) => setOn(e.target.value)} maxLength={10} />}
        </Field>
      </div>
      <Field label={t("incomingReferrals.note")} error={fields.note}>
        {(p) => <textarea {...p} name="reply_note" rows={2} value={note} onChange={(e) => setNote(e.target.value)} maxLength={5000} />}
      </Field>
      <div className="actions">
        <button type="button" onClick={onCancel}>
          {t("incomingReferrals.cancel")}
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {t("incomingReferrals.send")}
        </button>
      </div>
    </form>
  );
}
