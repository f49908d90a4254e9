// Expedite notices from HuSEC (ศรส.): on the case page (with the answer form), in "my
// work" with their own mark, and counted on the dashboard. The answer travels back to
// HuSEC by sync.
import { useCallback, useEffect, useState, type FormEvent } from "react";
import type { ExpediteNotice } from "../bindings/ExpediteNotice";
import { backend } from "../lib/backend";
import { reportFailure } from "../lib/failures";
import { Banner, Field, useSubmit } from "../lib/forms";
import { expediteStepNames, useI18n } from "../lib/i18n";
import { formatBe, formatBeDateTime } from "../lib/thaiDate";
import type { View } from "../lib/navigation";

function AnswerForm({ notice, onDone }: { notice: ExpediteNotice; onDone: () => void }) {
  const { t } = useI18n();
  const { busy, banner, fields, run } = useSubmit();
  const [answer, setAnswer] = useState("");
  const [date, setDate] = useState("");
  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = await run(() => backend.answerExpediteNotice(notice.id, answer, date || null));
    if (r !== undefined) onDone();
  }
  return (
    <form onSubmit={(e) => void submit(e)} className="expedite-answer" id={`answer-${notice.id}`}>
      <Banner message={banner} />
      <Field label={t("expedite.answer")} hint={t("expedite.answerHint")} error={fields.answer}>
        {(p) => <textarea {...p} name="expedite_answer" rows={3} value={answer} onChange={(e) => setAnswer(e.target.value)} required />}
      </Field>
      <Field label={t("expedite.newDate")} error={fields.new_date}>
        {(p) => <input {...p} type="date" name="expedite_new_date" value={date} onChange={(e) => setDate(e.target.value)} />}
      </Field>
      <div className="actions actions-left">
        <button type="submit" className="primary" disabled={busy} id="expedite-answer-send">
          {t("expedite.send")}
        </button>
      </div>
    </form>
  );
}

function NoticeItem({ n, onChanged, go }: { n: ExpediteNotice; onChanged: () => void; go?: (v: View) => void }) {
  const { t, pick, lang } = useI18n();
  return (
    <li className={`expedite-notice expedite-${n.status}${n.late ? " late" : ""}`}>
      <div className="expedite-head">
        <span className="pill pill-expedite">{t("expedite.mark")}</span> <strong>{pick(expediteStepNames[n.step])}</strong>
        {go && n.case_id ? (
          <>
            {" · "}
            <button type="button" className="link" onClick={() => go({ kind: "case", id: n.case_id ?? "" })}>
              {n.number}
            </button>
          </>
        ) : null}
        <span className="muted">
          {" · "}
          {formatBeDateTime(n.sent_at, lang)} · {n.sent_by}
        </span>
      </div>
      <p className="expedite-note">{n.note}</p>
      <p className={n.late ? "late" : "muted"}>
        {t("expedite.respondBy", { date: formatBe(n.respond_by, lang) })}
        {n.late && ` — ${t("expedite.late")}`}
      </p>
      {n.status === "answered" ? (
        <p className="expedite-answered" id={`answered-${n.id}`}>
          ✓ {t("expedite.answered")}: {n.answer}
          {n.new_date && ` · ${t("expedite.newDate")} ${formatBe(n.new_date, lang)}`}
          <span className="muted"> · {n.answered_by}</span>
        </p>
      ) : (
        !go && <AnswerForm notice={n} onDone={onChanged} />
      )}
    </li>
  );
}

/** The notices about one case (nothing when there are none). */
export function CaseExpedite({ caseId }: { caseId: string }) {
  const { t } = useI18n();
  const [list, setList] = useState<ExpediteNotice[]>([]);
  const load = useCallback(() => {
    backend.expediteNoticesOfCase(caseId).then(setList).catch(reportFailure);
  }, [caseId]);
  useEffect(load, [load]);
  if (list.length === 0) return null;
  return (
    <div className="card expedite-card" id="case-expedite" aria-labelledby="expedite-title">
      <h2 id="expedite-title">{t("expedite.title")}</h2>
      <ul className="expedite-list">
        {list.map((n) => (
          <NoticeItem key={n.id} n={n} onChanged={load} />
        ))}
      </ul>
    </div>
  );
}

/** The office's open notices, for "my work". */
export function OpenExpedite({ go }: { go: (v: View) => void }) {
  const { t } = useI18n();
  const [list, setList] = useState<ExpediteNotice[]>([]);
  useEffect(() => {
    backend.openExpediteNotices().then(setList).catch(reportFailure);
  }, []);
  if (list.length === 0) return null;
  return (
    <div className="card expedite-card" id="work-expedite" aria-labelledby="work-expedite-title">
      <h2 id="work-expedite-title">
        {t("expedite.title")} ({list.length})
      </h2>
      <p className="muted">{t("expedite.openHint")}</p>
      <ul className="expedite-list">
        {list.map((n) => (
          <NoticeItem key={n.id} n={n} onChanged={() => undefined} go={go} />
        ))}
      </ul>
    </div>
  );
}

/** The dashboard's counter of open notices. */
export function ExpediteCounter({ go }: { go: (v: View) => void }) {
  const { t } = useI18n();
  const [list, setList] = useState<ExpediteNotice[] | null>(null);
  useEffect(() => {
    backend.openExpediteNotices().then(setList).catch(reportFailure);
  }, []);
  if (!list) return null;
  const late = list.filter((n) => n.late).length;
  return (
    <button
      type="button"
      className={`counter${list.length > 0 ? " alarm" : ""}`}
      id="dash-expedite"
      onClick={() => go({ kind: "office_work" })}
    >
      <span className="n">{list.length}</span>
      <span>
        {t("expedite.counter")}
        {late > 0 && <strong className="late"> ({t("expedite.lateCount", { n: late })})</strong>}
      </span>
    </button>
  );
}
