//! Deadlines, computed locally from data: rules per milestone and urgency with an
//! effective-from date (an administrator adds a new row when policy changes; a case uses
//! the rule in force on its intake date, so old cases keep their rules). Defaults follow
//! the domain reference §8. Everything here is pure and takes "today" from the caller.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::model::{CaseStatus, Urgency};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Milestone {
    /// First contact with the client after intake.
    FirstContact,
    /// Fact-finding / home visit done (the case has left fact-finding).
    FactFinding,
    /// A plan approved by a supervisor.
    Plan,
    /// A follow-up visit during intervention and follow-up, repeating.
    FollowUp,
    /// Days after a referral letter is sent before the worker should chase the reply.
    ReferralReminder,
    /// Days after a referral letter is sent before a missing reply is overdue.
    ReferralReply,
}

impl Milestone {
    pub const ALL: [Milestone; 6] = [
        Milestone::FirstContact,
        Milestone::FactFinding,
        Milestone::Plan,
        Milestone::FollowUp,
        Milestone::ReferralReminder,
        Milestone::ReferralReply,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Milestone::FirstContact => "first_contact",
            Milestone::FactFinding => "fact_finding",
            Milestone::Plan => "plan",
            Milestone::FollowUp => "follow_up",
            Milestone::ReferralReminder => "referral_reminder",
            Milestone::ReferralReply => "referral_reply",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DeadlineRule {
    pub milestone: Milestone,
    pub urgency: Urgency,
    /// Days after the start point (intake, or the last follow-up for `follow_up`).
    pub days: u32,
    #[ts(type = "string")]
    pub effective_from: NaiveDate,
    /// Why / under which instruction the rule was set.
    pub reference: String,
}

/// The rule in force on `on` for a milestone and urgency: the newest effective row.
pub fn days_for(rules: &[DeadlineRule], m: Milestone, u: Urgency, on: NaiveDate) -> Option<u32> {
    rules
        .iter()
        .filter(|r| r.milestone == m && r.urgency == u && r.effective_from <= on)
        .max_by_key(|r| r.effective_from)
        .map(|r| r.days)
}

/// What the deadline computation needs to know about one case.
#[derive(Debug, Clone)]
pub struct CaseFacts {
    pub intake_date: NaiveDate,
    pub urgency: Urgency,
    pub stage: CaseStatus,
    /// The first day the client was reached (a home visit, or leaving intake).
    pub first_contact: Option<NaiveDate>,
    /// When intervention started (the plan was approved).
    pub intervention_since: Option<NaiveDate>,
    /// The latest home visit.
    pub last_visit: Option<NaiveDate>,
}

fn add_days(d: NaiveDate, days: u32) -> NaiveDate {
    d + Duration::days(i64::from(days))
}

/// The open deadlines of a case.
pub fn due_dates(f: &CaseFacts, rules: &[DeadlineRule]) -> Vec<(Milestone, NaiveDate)> {
    use CaseStatus::*;
    let mut out = Vec::new();
    if f.stage == Closed {
        return out;
    }
    let at_intake = |m| days_for(rules, m, f.urgency, f.intake_date);
    if f.first_contact.is_none()
        && let Some(d) = at_intake(Milestone::FirstContact)
    {
        out.push((Milestone::FirstContact, add_days(f.intake_date, d)));
    }
    if matches!(f.stage, Intake | FactFinding)
        && let Some(d) = at_intake(Milestone::FactFinding)
    {
        out.push((Milestone::FactFinding, add_days(f.intake_date, d)));
    }
    if matches!(f.stage, Intake | FactFinding | Assessment | Planning)
        && let Some(d) = at_intake(Milestone::Plan)
    {
        out.push((Milestone::Plan, add_days(f.intake_date, d)));
    }
    if matches!(f.stage, Intervention | FollowUp) {
        let since = f.intervention_since.unwrap_or(f.intake_date);
        let base = f.last_visit.filter(|v| *v > since).unwrap_or(since);
        if let Some(d) = days_for(rules, Milestone::FollowUp, f.urgency, base) {
            out.push((Milestone::FollowUp, add_days(base, d)));
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DueState {
    Overdue,
    Today,
    ThisWeek,
    Later,
}

pub fn due_state(due: NaiveDate, today: NaiveDate) -> DueState {
    if due < today {
        DueState::Overdue
    } else if due == today {
        DueState::Today
    } else if due <= today + Duration::days(6) {
        DueState::ThisWeek
    } else {
        DueState::Later
    }
}

/// One line of "my work" or the office view.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DueItem {
    pub case_id: Uuid,
    pub case_no: String,
    pub person_name: String,
    pub assigned_to: Option<String>,
    pub stage: CaseStatus,
    pub urgency: Urgency,
    pub milestone: Milestone,
    #[ts(type = "string")]
    pub due_date: NaiveDate,
    pub state: DueState,
    /// Positive when overdue.
    #[ts(type = "number")]
    pub days_late: i64,
    /// For referral deadlines: the referral and the agency it waits on.
    pub referral_id: Option<Uuid>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct WorkList {
    #[ts(type = "string")]
    pub today: NaiveDate,
    pub items: Vec<DueItem>,
    pub overdue: u32,
    pub due_today: u32,
    pub due_this_week: u32,
}

/// The defaults of the domain reference §8, in force from the start.
pub fn default_rules() -> Vec<DeadlineRule> {
    let start = NaiveDate::from_ymd_opt(2000, 1, 1).expect("valid date");
    let mut v = Vec::new();
    for (m, urgent, high, normal) in [
        (Milestone::FirstContact, 1, 3, 7),
        (Milestone::FactFinding, 3, 7, 7),
        (Milestone::Plan, 15, 15, 15),
        (Milestone::FollowUp, 30, 30, 30),
        (Milestone::ReferralReminder, 3, 7, 15),
        (Milestone::ReferralReply, 7, 15, 30),
    ] {
        for (u, days) in [
            (Urgency::Urgent, urgent),
            (Urgency::High, high),
            (Urgency::Normal, normal),
        ] {
            v.push(DeadlineRule {
                milestone: m,
                urgency: u,
                days,
                effective_from: start,
                reference: "ค่าเริ่มต้นตามแนวปฏิบัติ (domain reference §8)".into(),
            });
        }
    }
    v
}
