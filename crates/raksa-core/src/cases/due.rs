//! The due dates of open cases, kept rather than recomputed (issue 17): the office
//! dashboard counts late cases with one index range instead of reading every open case's
//! timeline on every view.
//!
//! Invariant: `case_due` holds exactly `deadlines::due_dates` of every open case not listed
//! in `case_due_stale`, and nothing for closed ones. The triggers of migration 25 list a
//! case (and drop its rows) whenever anything the reading depends on changes — the case
//! row, a timeline entry of `CaseFacts::KINDS`, a deadline rule — whatever wrote it (this
//! PC, a pull, an import). [`Session::refresh_due_dates`] recomputes only the listed cases,
//! with the same `CaseFacts::from_timeline` and `due_dates` as "my work", so the two
//! cannot disagree. Due dates do not depend on today: lateness is `due_on < today`.

use std::collections::HashSet;

use chrono::NaiveDate;
use rusqlite::params;
use uuid::Uuid;

use crate::deadlines::{self, CaseFacts};
use crate::error::Result;
use crate::model::*;
use crate::session::Session;

impl Session {
    /// Recomputes the stored due dates of open cases whose deadline facts changed since
    /// they were last computed; returns how many cases were recomputed.
    pub(crate) fn refresh_due_dates(&self) -> Result<usize> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT c.id, c.intake_date, c.urgency, c.status
             FROM case_due_stale s JOIN cases c ON c.id = s.case_id",
        )?;
        let stale = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        if stale.is_empty() {
            return Ok(0);
        }
        let timelines = crate::cases::casework::deadline_timelines(
            self.conn(),
            "FROM case_due_stale s JOIN case_events e ON e.case_id = s.case_id WHERE 1",
            [],
        )?;
        let rules = self.deadline_rules()?;
        // A cache of this PC's own: never queued, never audited (nothing personal in it).
        let tx = self.conn().unchecked_transaction()?;
        {
            let mut clear = tx.prepare_cached("DELETE FROM case_due WHERE case_id = ?1")?;
            let mut put = tx.prepare_cached(
                "INSERT INTO case_due (case_id, milestone, due_on) VALUES (?1, ?2, ?3)",
            )?;
            let mut done = tx.prepare_cached("DELETE FROM case_due_stale WHERE case_id = ?1")?;
            for (id, intake, urgency, status) in &stale {
                done.execute([id])?;
                let Ok(intake) =
                    NaiveDate::parse_from_str(intake.get(..10).unwrap_or(""), "%Y-%m-%d")
                else {
                    continue;
                };
                let facts = CaseFacts::from_timeline(
                    intake,
                    Urgency::parse(urgency).unwrap_or(Urgency::Normal),
                    CaseStatus::parse(status).unwrap_or(CaseStatus::Intake),
                    timelines
                        .get(id)
                        .into_iter()
                        .flatten()
                        .map(|(at, body)| (at.as_str(), body)),
                );
                clear.execute([id])?;
                for (m, due) in deadlines::due_dates(&facts, &rules) {
                    put.execute(params![id, m.as_str(), due.to_string()])?;
                }
            }
        }
        tx.commit()?;
        Ok(stale.len())
    }

    /// Open cases with a deadline before `today`, from the kept due dates.
    pub(crate) fn late_case_ids(&self, today: NaiveDate) -> Result<HashSet<Uuid>> {
        self.refresh_due_dates()?;
        let mut stmt = self.conn().prepare_cached(
            // closed cases have no rows (their change dropped them; due_dates gives none);
            // a case late on two milestones comes twice, the set keeps it once
            "SELECT case_id FROM case_due WHERE due_on < ?1",
        )?;
        let ids = stmt
            .query_map([today.to_string()], |r| r.get::<_, String>(0))?
            .filter_map(|r| r.ok().and_then(|s| Uuid::parse_str(&s).ok()))
            .collect();
        Ok(ids)
    }
}
