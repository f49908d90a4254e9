//! Deadlines, computed locally from data: rules per milestone and urgency with an
//! effective-from date (an administrator adds a new row when policy changes; a case uses
//! the rule in force on its intake date, so old cases keep their rules). Defaults follow
//! the domain reference §8. Everything here is pure and takes "today" from the caller.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::lifecycle::ApprovalKind;
use crate::model::{CaseStatus, Urgency};
use crate::thai_date;
use crate::timeline::CaseEventBody;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
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
    /// Days after a request for help arrives before the office's first response (accept,
    /// pass on or close) is late.
    RequestResponse,
}

impl Milestone {
    pub const ALL: [Milestone; 7] = [
        Milestone::FirstContact,
        Milestone::FactFinding,
        Milestone::Plan,
        Milestone::FollowUp,
        Milestone::ReferralReminder,
        Milestone::ReferralReply,
        Milestone::RequestResponse,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Milestone::FirstContact => "first_contact",
            Milestone::FactFinding => "fact_finding",
            Milestone::Plan => "plan",
            Milestone::FollowUp => "follow_up",
            Milestone::ReferralReminder => "referral_reminder",
            Milestone::ReferralReply => "referral_reply",
            Milestone::RequestResponse => "request_response",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }
    /// The milestone's name on the server's Thai pages (the office app's own names are in
    /// its message catalogue).
    pub fn label_th(self) -> &'static str {
        match self {
            Milestone::FirstContact => "ติดต่อผู้รับบริการครั้งแรก",
            Milestone::FactFinding => "สอบข้อเท็จจริง/เยี่ยมบ้าน",
            Milestone::Plan => "แผนได้รับอนุมัติ",
            Milestone::FollowUp => "ติดตามผล",
            Milestone::ReferralReminder => "ติดตามคำตอบการส่งต่อ",
            Milestone::ReferralReply => "รอคำตอบการส่งต่อ",
            Milestone::RequestResponse => "ตอบรับคำขอความช่วยเหลือ",
        }
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

/// The day a missing reply to a referral sent on `sent` becomes overdue (the office's "my
/// work", its referral list and HuSEC's tracking all take it from here).
pub fn referral_reply_due(rules: &[DeadlineRule], urgency: Urgency, sent: NaiveDate) -> NaiveDate {
    add_days(
        sent,
        days_for(rules, Milestone::ReferralReply, urgency, sent).unwrap_or(30),
    )
}

/// The day a request for help received on `received_on` is late without a first response
/// (the office's inbox and HuSEC's tracking).
pub fn request_response_due(
    rules: &[DeadlineRule],
    urgency: Urgency,
    received_on: NaiveDate,
) -> NaiveDate {
    add_days(
        received_on,
        days_for(rules, Milestone::RequestResponse, urgency, received_on).unwrap_or(3),
    )
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

impl CaseFacts {
    /// **The** reading of a case's timeline for its deadlines — the case page, "my work",
    /// the office dashboard and the national view all call this, so they cannot disagree
    /// about whether a case is late. `timeline` gives each entry's recorded instant (RFC
    /// 3339) and body, in any order:
    /// - first contact: the earliest of a home visit's *visit date* and the Bangkok day the
    ///   case left intake;
    /// - last visit: the latest home visit's visit date;
    /// - intervention since: the Bangkok day of the latest approved plan.
    pub fn from_timeline<'a>(
        intake_date: NaiveDate,
        urgency: Urgency,
        stage: CaseStatus,
        timeline: impl IntoIterator<Item = (&'a str, &'a CaseEventBody)>,
    ) -> CaseFacts {
        let mut f = CaseFacts {
            intake_date,
            urgency,
            stage,
            first_contact: None,
            intervention_since: None,
            last_visit: None,
        };
        let earliest = |a: Option<NaiveDate>, b: Option<NaiveDate>| match (a, b) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        for (at, body) in timeline {
            match body {
                CaseEventBody::HomeVisit { visited_on, .. } => {
                    f.first_contact = earliest(f.first_contact, Some(*visited_on));
                    f.last_visit = f.last_visit.max(Some(*visited_on));
                }
                CaseEventBody::StageChanged {
                    from: CaseStatus::Intake,
                    ..
                } => f.first_contact = earliest(f.first_contact, thai_date::day_of(at)),
                CaseEventBody::ApprovalDecided {
                    approval: ApprovalKind::Plan,
                    approved: true,
                    ..
                } => f.intervention_since = f.intervention_since.max(thai_date::day_of(at)),
                _ => {}
            }
        }
        f
    }

    /// The timeline kinds `from_timeline` reads (for loading only what it needs).
    pub const KINDS: [&'static str; 3] = ["home_visit", "stage_changed", "approval_decided"];
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
        (Milestone::RequestResponse, 1, 1, 3),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    fn visit(on: NaiveDate) -> CaseEventBody {
        CaseEventBody::HomeVisit {
            visited_on: on,
            visitors: String::new(),
            living_conditions: String::new(),
            findings: String::new(),
            opinion: String::new(),
        }
    }

    #[test]
    fn first_contact_is_the_earliest_visit_date_or_the_bangkok_day_intake_ended() {
        let left = CaseEventBody::StageChanged {
            from: CaseStatus::Intake,
            to: CaseStatus::FactFinding,
            reason: String::new(),
        };
        let v = visit(d(11, 2));
        // typed on the 20th (UTC evening = the 21st in Bangkok), visited on the 2nd
        let f = CaseFacts::from_timeline(
            d(11, 1),
            Urgency::Normal,
            CaseStatus::FactFinding,
            [
                ("2026-11-20T18:30:00+00:00", &left),
                ("2026-11-20T19:00:00+00:00", &v),
            ],
        );
        assert_eq!(f.first_contact, Some(d(11, 2)));
        assert_eq!(f.last_visit, Some(d(11, 2)));
        let f = CaseFacts::from_timeline(
            d(11, 1),
            Urgency::Normal,
            CaseStatus::FactFinding,
            [("2026-11-20T18:30:00+00:00", &left)],
        );
        assert_eq!(f.first_contact, Some(d(11, 21)), "the Bangkok day");
    }

    #[test]
    fn intervention_counts_from_the_latest_approved_plan_and_follow_up_from_the_last_visit() {
        let approved = CaseEventBody::ApprovalDecided {
            approval: ApprovalKind::Plan,
            approved: true,
            comment: String::new(),
        };
        let refused = CaseEventBody::ApprovalDecided {
            approval: ApprovalKind::Plan,
            approved: false,
            comment: "แก้ไข".into(),
        };
        let late_visit = visit(d(11, 25));
        let f = CaseFacts::from_timeline(
            d(10, 1),
            Urgency::Normal,
            CaseStatus::Intervention,
            [
                ("2026-11-10T03:00:00+00:00", &approved),
                ("2026-11-12T03:00:00+00:00", &refused),
                ("2026-11-25T03:00:00+00:00", &late_visit),
            ],
        );
        assert_eq!(f.intervention_since, Some(d(11, 10)));
        let due = due_dates(&f, &default_rules());
        assert_eq!(due, [(Milestone::FollowUp, d(12, 25))]);
    }
}
