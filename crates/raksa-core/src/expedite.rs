//! Expedite notices from HuSEC (ศรส.) at the office (issue 16 §3): they arrive by pull; the
//! case page, "my work" and the dashboard show the open ones; a worker answers what was
//! done and the new date, and the answer goes back through sync to HuSEC. The rules of the
//! notice (its steps and periods, the text checks) are raksa-domain's `expedite`.

use chrono::NaiveDate;
use raksa_domain::expedite::{self, ExpediteStatus, ExpediteStep};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use ts_rs::TS;
use uuid::Uuid;

use crate::audit::AuditAction;
use crate::error::{CoreError, FieldProblem, Result};
use crate::session::Session;

/// One notice as the office sees it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ExpediteNotice {
    pub id: Uuid,
    /// `case`, `referral` or `request`.
    pub target_kind: String,
    pub case_id: Option<Uuid>,
    /// The case (or letter, or request) number HuSEC saw.
    pub number: String,
    pub step: ExpediteStep,
    pub note: String,
    #[ts(type = "string")]
    pub respond_by: NaiveDate,
    pub sent_by: String,
    pub sent_at: String,
    pub status: ExpediteStatus,
    pub answer: String,
    #[ts(type = "string | null")]
    pub new_date: Option<NaiveDate>,
    pub answered_by: String,
    pub answered_at: String,
    /// Still open after its answer date.
    pub late: bool,
}

const COLS: &str = "id, target_kind, case_id, number, step, note, respond_by, sent_by, sent_at,
    status, answer, new_date, answered_by, answered_at";

impl Session {
    fn notices(&self, filter: &str, args: &[&dyn rusqlite::ToSql]) -> Result<Vec<ExpediteNotice>> {
        let today = self.today();
        let mut st = self.conn().prepare(&format!(
            "SELECT {COLS} FROM expedite_notices {filter} ORDER BY status DESC, respond_by, sent_at"
        ))?;
        let rows = st.query_map(args, |r| {
            let text = |i: usize| -> rusqlite::Result<String> {
                Ok(r.get::<_, Option<String>>(i)?.unwrap_or_default())
            };
            let day = |s: String| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok();
            let status = ExpediteStatus::parse(&text(9)?).unwrap_or(ExpediteStatus::Open);
            let respond_by = day(text(6)?).unwrap_or(today);
            Ok(ExpediteNotice {
                id: Uuid::parse_str(&text(0)?).unwrap_or_default(),
                target_kind: text(1)?,
                case_id: Uuid::parse_str(&text(2)?).ok(),
                number: text(3)?,
                step: ExpediteStep::parse(&text(4)?).unwrap_or(ExpediteStep::First),
                note: text(5)?,
                respond_by,
                sent_by: text(7)?,
                sent_at: text(8)?,
                status,
                answer: text(10)?,
                new_date: day(text(11)?),
                answered_by: text(12)?,
                answered_at: text(13)?,
                late: status == ExpediteStatus::Open && respond_by < today,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The notices about one case, open ones first.
    pub fn expedite_notices_of_case(&self, case_id: Uuid) -> Result<Vec<ExpediteNotice>> {
        self.notices("WHERE case_id = ?1", &[&case_id.to_string()])
    }

    /// Every open notice of the office ("my work" and the dashboard).
    pub fn open_expedite_notices(&self) -> Result<Vec<ExpediteNotice>> {
        self.notices("WHERE status = 'open'", &[])
    }

    /// Answers a notice: what was done, and the day the office expects to finish.
    pub fn answer_expedite_notice(
        &mut self,
        id: Uuid,
        answer: &str,
        new_date: Option<NaiveDate>,
    ) -> Result<()> {
        let status: Option<String> = self
            .conn()
            .query_row(
                "SELECT status FROM expedite_notices WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        if status.is_none() {
            return Err(CoreError::NotFound);
        }
        expedite::check_text(answer).map_err(|p| CoreError::field("answer", p))?;
        if new_date.is_some_and(|d| d < self.today()) {
            return Err(CoreError::field("new_date", FieldProblem::DateBeforeStart));
        }
        let now = self.now();
        let by = format!("{} ({})", self.user().full_name, self.user().position);
        let mut w = self.begin()?;
        w.execute(
            "UPDATE expedite_notices SET status = 'answered', answer = ?2, new_date = ?3,
                 answered_by = ?4, answered_at = ?5, updated_at = ?5
             WHERE id = ?1",
            params![
                id.to_string(),
                answer.trim(),
                new_date.map(|d| d.to_string()),
                by,
                now
            ],
        )?;
        w.audit(
            AuditAction::Update,
            "expedite_notice",
            Some(&id.to_string()),
            "answered",
        )?;
        w.commit()
    }
}
