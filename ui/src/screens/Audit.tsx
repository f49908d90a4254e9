import { useEffect, useState } from "react";
import type { AuditEntry } from "../bindings/AuditEntry";
import { backend, toBackendError } from "../lib/backend";
import { Banner } from "../lib/forms";
import { auditActionNames, useI18n } from "../lib/i18n";
import { formatBe } from "../lib/thaiDate";

const ENTITY: Record<string, [string, string]> = {
  person: ["บุคคล", "person"],
  case: ["กรณี", "case"],
  user: ["ผู้ใช้", "user"],
  office: ["สำนักงาน", "office"],
  settings: ["การตั้งค่า", "settings"],
};

export function Audit() {
  const { t, pick, lang } = useI18n();
  const [rows, setRows] = useState<AuditEntry[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    backend
      .auditLog()
      .then(setRows)
      .catch((e: unknown) => setError(toBackendError(e).report.message_th));
  }, []);
  const time = (iso: string) => {
    const d = new Date(iso);
    const local = new Date(d.getTime() + 7 * 3600 * 1000);
    return `${formatBe(local.toISOString().slice(0, 10), lang)} ${local.toISOString().slice(11, 19)}`;
  };
  return (
    <section aria-labelledby="audit-title">
      <div className="page-head">
        <h1 id="audit-title">{t("auditTitle")}</h1>
      </div>
      <Banner message={error} />
      <table className="grid">
        <thead>
          <tr>
            <th>{t("colWhen")}</th>
            <th>{t("colWho")}</th>
            <th>{t("colAction")}</th>
            <th>{t("colRecord")}</th>
            <th>{t("colDetail")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={String(r.seq)}>
              <td className="nowrap">{time(r.at)}</td>
              <td className="mono">{r.user ?? "–"}</td>
              <td>{pick(auditActionNames[r.action] ?? [r.action, r.action])}</td>
              <td>
                {pick(ENTITY[r.entity] ?? [r.entity, r.entity])} <span className="mono muted">{r.entity_id?.slice(-8) ?? ""}</span>
              </td>
              <td className="muted">{r.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
