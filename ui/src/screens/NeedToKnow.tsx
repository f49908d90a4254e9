// Need-to-know on sensitive cases (violence, abuse, trafficking, or marked by hand): the
// name shown in lists when a case is outside the user's need-to-know, the break-the-glass
// form (a reason the supervisors will read), the case's "who opened it and why" card, and
// the supervisors' list of recent openings.
import { useEffect, useState, type FormEvent } from "react";
import type { CaseOpening } from "../bindings/CaseOpening";
import { backend, toBackendError } from "../lib/backend";
import { Banner, Field, useSubmit } from "../lib/forms";
import { useI18n } from "../lib/i18n";
import { formatBeDateTime } from "../lib/thaiDate";
import { reportFailure } from "../lib/failures";
import { useGo } from "../lib/navigation";
import { LockIcon } from "../lib/icons";

/** The client's name, or the lock label when the list may not show it. */
export function ClientName({ name, restricted }: { name: string; restricted?: boolean }) {
  const { t } = useI18n();
  if (restricted || !name) {
    return (
      <span className="restricted-name" title={t("access.restrictedHint")}>
        <LockIcon /> {t("access.restrictedName")}
      </span>
    );
  }
  return <>{name}</>;
}

export function BreakGlass({ caseId, onOpened }: { caseId: string; onOpened: () => void }) {
  const { t } = useI18n();
  const { busy, banner, fields, run } = useSubmit();
  const [reason, setReason] = useState("");
  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = await run(() => backend.breakGlass(caseId, reason));
    if (r !== undefined) onOpened();
  }
  return (
    <section aria-labelledby="break-glass-title">
      <form className="card form-card" id="break-glass" onSubmit={submit} noValidate>
        <h1 id="break-glass-title"><LockIcon /> {t("access.title")}</h1>
        <p>{t("access.explain")}</p>
        <Banner message={banner} />
        <Field label={t("access.reason")} hint={t("access.reasonHint")} error={fields.reason}>
          {(p) => (
            <textarea {...p} name="reason" rows={3} value={reason} onChange={(e) => setReason(e.target.value)} autoFocus />
          )}
        </Field>
        <div className="actions">
          <button type="submit" className="primary" id="break-glass-submit" disabled={busy}>
            {t("access.open")}
          </button>
        </div>
      </form>
    </section>
  );
}

function OpeningsTable({ rows, withCase }: { rows: CaseOpening[]; withCase: boolean }) {
  const { t, lang } = useI18n();
  const go = useGo();
  return (
    <table className="grid compact">
      <thead>
        <tr>
          <th>{t("access.when")}</th>
          <th>{t("access.who")}</th>
          {withCase && <th>{t("access.case")}</th>}
          <th>{t("access.reason")}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((o) => (
          <tr key={o.id}>
            <td className="nowrap">{formatBeDateTime(o.at, lang)}</td>
            <td className="nowrap">{o.user_name}</td>
            {withCase && (
              <td className="nowrap">
                <button type="button" className="link mono" onClick={() => go({ kind: "case", id: o.case_id })}>
                  {o.case_no}
                </button>
              </td>
            )}
            <td className="opening-reason">{o.reason}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** On the case: who opened it by breaking the glass, and why. */
export function CaseOpenings({ rows }: { rows: CaseOpening[] }) {
  const { t } = useI18n();
  if (rows.length === 0) return null;
  return (
    <div className="card" id="case-openings" aria-labelledby="case-openings-title">
      <h2 id="case-openings-title">{t("access.caseOpenings")}</h2>
      <OpeningsTable rows={rows} withCase={false} />
    </div>
  );
}

/** For supervisors and administrators: every opening of the last 30 days. */
export function RecentOpenings() {
  const { t } = useI18n();
  const [rows, setRows] = useState<CaseOpening[] | null>(null);
  useEffect(() => {
    backend
      .recentOpenings()
      .then(setRows)
      .catch((e: unknown) => {
        // Case workers are not shown this list.
        if (toBackendError(e).report.code !== "forbidden") reportFailure(e);
      });
  }, []);
  if (!rows || rows.length === 0) return null;
  return (
    <div className="card card-attention" id="recent-openings" aria-labelledby="recent-openings-title">
      <h2 id="recent-openings-title"><LockIcon /> {t("access.recentOpenings")}</h2>
      <p className="muted small">{t("access.recentOpeningsHint")}</p>
      <OpeningsTable rows={rows} withCase />
    </div>
  );
}
