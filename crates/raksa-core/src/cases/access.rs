//! Need-to-know on sensitive cases, as the office PC enforces it: the rule is
//! raksa-domain's (`access`), evaluated in SQL for every case listed (`CASE_COLS`'s
//! `c_restricted`) and before every read or change of one case
//! (`require_need_to_know`). Breaking the glass records who, which case, why and until
//! when (`access_grants`, append-only, synced to the office's other PCs), writes an audit
//! entry and shows on the supervisors' and the case's screens.

use chrono::Duration;
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::audit::AuditAction;
use crate::error::{CoreError, FieldProblem, Result};
use crate::model::Role;
use crate::session::{self, Session};

/// One break-the-glass opening of a sensitive case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CaseOpening {
    pub id: Uuid,
    pub case_id: Uuid,
    pub case_no: String,
    pub user_name: String,
    pub reason: String,
    pub at: String,
    pub expires_at: String,
}

const OPENING_COLS: &str =
    "SELECT g.id, g.case_id, c.case_no, u.full_name, g.reason, g.at, g.expires_at
     FROM access_grants g JOIN cases c ON c.id = g.case_id JOIN users u ON u.id = g.user_id";

fn opening_row(r: &rusqlite::Row) -> rusqlite::Result<CaseOpening> {
    Ok(CaseOpening {
        id: session::uuid_col(r, 0)?,
        case_id: session::uuid_col(r, 1)?,
        case_no: r.get(2)?,
        user_name: r.get(3)?,
        reason: r.get(4)?,
        at: r.get(5)?,
        expires_at: r.get(6)?,
    })
}

impl Session {
    /// Whether the signed-in user must break the glass to read or change this case.
    pub(crate) fn outside_need_to_know(&self, case_id: Uuid) -> Result<bool> {
        self.conn()
            .query_row(
                &format!(
                    "SELECT {} FROM cases c WHERE c.id = ?1",
                    session::RESTRICTED
                ),
                [case_id.to_string()],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(CoreError::NotFound)
    }

    /// Whether a case of this person is outside the user's need-to-know.
    pub(crate) fn person_restricted(&self, person_id: Uuid) -> Result<bool> {
        Ok(self.conn().query_row(
            &format!(
                "SELECT EXISTS (SELECT 1 FROM cases c WHERE c.person_id = ?1 AND {})",
                session::RESTRICTED
            ),
            [person_id.to_string()],
            |r| r.get(0),
        )?)
    }

    /// Refuses (`NeedToKnow`) a read or change of a sensitive case outside need-to-know.
    pub(crate) fn require_need_to_know(&self, case_id: Uuid) -> Result<()> {
        if self.outside_need_to_know(case_id)? {
            Err(CoreError::NeedToKnow)
        } else {
            Ok(())
        }
    }

    /// Opens a sensitive case outside need-to-know for `BREAK_GLASS_HOURS`, with a reason
    /// the supervisors will read. Nothing is recorded for a case the user may open anyway.
    pub fn break_glass(&mut self, case_id: Uuid, reason: &str) -> Result<()> {
        if !self.outside_need_to_know(case_id)? {
            return Ok(());
        }
        let reason = raksa_domain::access::reason(reason)
            .ok_or_else(|| CoreError::field("reason", FieldProblem::ReasonTooShort))?;
        let now = self.clock().now();
        let expires = now + Duration::hours(raksa_domain::access::BREAK_GLASS_HOURS);
        let id = Uuid::now_v7();
        let user = self.user().id.to_string();
        let mut tx = self.begin()?;
        tx.execute(
            "INSERT INTO access_grants (id, case_id, user_id, reason, at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                id.to_string(),
                case_id.to_string(),
                user,
                reason,
                now.to_rfc3339(),
                expires.to_rfc3339()
            ],
        )?;
        tx.audit(
            AuditAction::Read,
            "case",
            Some(&case_id.to_string()),
            &format!("break-the-glass (opening {id})"),
        )?;
        tx.commit()?;
        tracing::info!(case = %case_id, "sensitive case opened with a reason");
        Ok(())
    }

    /// (marked by hand, may mark it, may take the mark off) for the signed-in user.
    pub(crate) fn sensitive_marks(&self, case_id: Uuid) -> Result<(bool, bool, bool)> {
        let (marked, assigned, created, problems): (i64, Option<String>, String, String) = self
            .conn()
            .query_row(
                "SELECT sensitive, assigned_to, created_by, problem_domains FROM cases WHERE id = ?1",
                [case_id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?
            .ok_or(CoreError::NotFound)?;
        let problems: Vec<crate::model::ProblemDomain> =
            serde_json::from_str(&problems).map_err(|e| CoreError::Corrupt(e.to_string()))?;
        let parse = |s: &str| Uuid::parse_str(s).map_err(|_| CoreError::Corrupt("uuid".into()));
        let case = raksa_domain::access::CaseAccess {
            flagged: marked != 0,
            problems: &problems,
            assigned_to: assigned.as_deref().map(parse).transpose()?,
            created_by: parse(&created)?,
        };
        let (me, role) = (self.user().id, self.user().role);
        Ok((
            marked != 0,
            marked == 0 && raksa_domain::access::may_flag(me, role, &case, true),
            marked != 0 && raksa_domain::access::may_flag(me, role, &case, false),
        ))
    }

    /// Who opened this case by breaking the glass, newest first.
    pub fn case_openings(&self, case_id: Uuid) -> Result<Vec<CaseOpening>> {
        let mut stmt = self.conn().prepare(&format!(
            "{OPENING_COLS} WHERE g.case_id = ?1 ORDER BY g.at DESC LIMIT 100"
        ))?;
        let v = stmt
            .query_map([case_id.to_string()], opening_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }

    /// Every break-the-glass opening of the last 30 days (supervisors and administrators).
    pub fn recent_openings(&self) -> Result<Vec<CaseOpening>> {
        self.require(&[Role::Supervisor, Role::Admin])?;
        let since = (self.clock().now() - Duration::days(30)).to_rfc3339();
        let mut stmt = self.conn().prepare(&format!(
            "{OPENING_COLS} WHERE g.at >= ?1 ORDER BY g.at DESC LIMIT 200"
        ))?;
        let v = stmt
            .query_map([since], opening_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }

    /// Marks a case sensitive (the responsible worker, supervisors, administrators) or
    /// takes the mark off (supervisors, administrators). A case about safety stays
    /// sensitive whatever the mark.
    pub fn set_case_sensitive(&mut self, case_id: Uuid, sensitive: bool) -> Result<()> {
        self.require_need_to_know(case_id)?;
        let (marked, may_mark, may_unmark) = self.sensitive_marks(case_id)?;
        if marked == sensitive {
            return Ok(());
        }
        if !(if sensitive { may_mark } else { may_unmark }) {
            return Err(CoreError::Forbidden);
        }
        let now = self.now();
        let mut tx = self.begin()?;
        tx.execute(
            "UPDATE cases SET sensitive = ?2, updated_at = ?3 WHERE id = ?1 AND sensitive <> ?2",
            params![case_id.to_string(), i64::from(sensitive), now],
        )?;
        tx.audit(
            AuditAction::Update,
            "case",
            Some(&case_id.to_string()),
            if sensitive {
                "marked sensitive"
            } else {
                "sensitive mark removed"
            },
        )?;
        tx.commit()?;
        Ok(())
    }
}
