//! Expedite notices (เร่งรัด, issue 16 §3): HuSEC staff ask an office to act on a late case,
//! referral or request; the notice reaches the office's PCs by sync and the office answers
//! (what was done, the new date). Escalation steps — a first notice, a second, then to the
//! provincial head — each give the office a number of days to answer, as dated rules like
//! the deadline rules: a notice uses the rule in force on the day it was sent. An
//! unanswered notice past its date is itself late.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::field::FieldProblem;

labelled_enum! {
    /// The escalation step of a notice.
    ExpediteStep {
        First = "first" / "แจ้งเร่งรัดครั้งที่ 1",
        Second = "second" / "แจ้งเร่งรัดครั้งที่ 2",
        ProvincialHead = "provincial_head" / "แจ้งหัวหน้าส่วนราชการระดับจังหวัด",
    }
}

impl ExpediteStep {
    /// The step after this one (the last stays the last).
    pub fn next(self) -> ExpediteStep {
        match self {
            ExpediteStep::First => ExpediteStep::Second,
            _ => ExpediteStep::ProvincialHead,
        }
    }
}

labelled_enum! {
    /// Where a notice stands.
    ExpediteStatus {
        Open = "open" / "รอสำนักงานตอบ",
        Answered = "answered" / "สำนักงานตอบแล้ว",
    }
}

/// Days an office has to answer a notice of a step, from a day on.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EscalationRule {
    pub step: ExpediteStep,
    pub days: u32,
    #[ts(type = "string")]
    pub effective_from: NaiveDate,
}

/// The defaults: three days to answer a first notice, two a second, one the provincial head.
pub fn default_rules() -> Vec<EscalationRule> {
    let start = NaiveDate::from_ymd_opt(2000, 1, 1).expect("valid date");
    [
        (ExpediteStep::First, 3),
        (ExpediteStep::Second, 2),
        (ExpediteStep::ProvincialHead, 1),
    ]
    .into_iter()
    .map(|(step, days)| EscalationRule {
        step,
        days,
        effective_from: start,
    })
    .collect()
}

/// The day an answer to a notice of `step` sent on `sent` is due (the rule in force then).
pub fn respond_by(rules: &[EscalationRule], step: ExpediteStep, sent: NaiveDate) -> NaiveDate {
    let days = rules
        .iter()
        .filter(|r| r.step == step && r.effective_from <= sent)
        .max_by_key(|r| r.effective_from)
        .map_or(3, |r| r.days);
    sent + Duration::days(i64::from(days))
}

/// Checks a new escalation rule: 1–30 days, in force from today or later (a rule never
/// changes the date of a notice already sent, and a notice uses the rule of its day).
pub fn check_rule(rule: &EscalationRule, today: NaiveDate) -> Result<(), FieldProblem> {
    if !(1..=30).contains(&rule.days) {
        return Err(FieldProblem::OutOfRange);
    }
    if rule.effective_from < today {
        return Err(FieldProblem::RuleInPast);
    }
    Ok(())
}

/// The step a new notice for an item takes, given the steps of the notices sent before.
pub fn step_after(previous: &[ExpediteStep]) -> ExpediteStep {
    previous
        .iter()
        .max()
        .map_or(ExpediteStep::First, |s| s.next())
}

/// Checks what HuSEC writes (a note) or the office answers: required, at most 2,000
/// characters, no markup.
pub fn check_text(text: &str) -> Result<(), FieldProblem> {
    let t = text.trim();
    if t.chars().count() < 5 {
        return Err(FieldProblem::Required);
    }
    if t.chars().count() > 2000 {
        return Err(FieldProblem::TooLong);
    }
    if crate::help_request::has_markup(t) {
        return Err(FieldProblem::Markup);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_escalate_and_each_has_its_dated_period() {
        assert_eq!(step_after(&[]), ExpediteStep::First);
        assert_eq!(step_after(&[ExpediteStep::First]), ExpediteStep::Second);
        assert_eq!(
            step_after(&[ExpediteStep::Second, ExpediteStep::First]),
            ExpediteStep::ProvincialHead
        );
        assert_eq!(
            step_after(&[ExpediteStep::ProvincialHead]),
            ExpediteStep::ProvincialHead
        );
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let mut rules = default_rules();
        assert_eq!(
            respond_by(&rules, ExpediteStep::First, d("2026-12-01")),
            d("2026-12-04")
        );
        // a new rule from 2027 does not change notices sent before it
        rules.push(EscalationRule {
            step: ExpediteStep::First,
            days: 7,
            effective_from: d("2027-01-01"),
        });
        assert_eq!(
            respond_by(&rules, ExpediteStep::First, d("2026-12-01")),
            d("2026-12-04")
        );
        assert_eq!(
            respond_by(&rules, ExpediteStep::First, d("2027-01-02")),
            d("2027-01-09")
        );
    }

    #[test]
    fn notes_and_answers_are_plain_text() {
        assert!(check_text("เร่งเยี่ยมบ้านภายในวันนี้").is_ok());
        assert!(check_text("ดู").is_err());
        assert!(check_text("<img src=x onerror=alert(1)> ตอบ").is_err());
    }
}
