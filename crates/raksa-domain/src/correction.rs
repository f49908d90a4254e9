//! Correcting a person's record: a misspelt name, a new phone number, a move, an ID found
//! later, a death — and the data subject's own request for a correction (PDPA §35–36,
//! the right to rectification), recorded with its decision.
//!
//! A correction is the record's whole new state plus a reason. What changed is worked out
//! here, column by column, so the office PC stores exactly the changed columns as the
//! history entry and the server's field merge sees a field change.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::field::{FieldErrors, FieldProblem};
use crate::model::NewPerson;
use crate::validate::{self, MAX_TEXT};

/// Why the record is being corrected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CorrectionBasis {
    /// Staff found the record wrong or out of date (a typo, a move, a document shown).
    Staff,
    /// The person (or their representative) asked for a correction — PDPA §35–36.
    DataSubjectRequest,
}

impl CorrectionBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            CorrectionBasis::Staff => "staff",
            CorrectionBasis::DataSubjectRequest => "data_subject_request",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [CorrectionBasis::Staff, CorrectionBasis::DataSubjectRequest]
            .into_iter()
            .find(|b| b.as_str() == s)
    }
}

/// What the office decided on a data subject's request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RectificationDecision {
    Granted,
    PartlyGranted,
    /// Refused (e.g. the record is right as it is); the reason says why. Nothing changes.
    Refused,
}

/// A data subject's request for a correction, with the office's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RectificationRequest {
    #[ts(type = "string")]
    pub received_on: NaiveDate,
    pub decision: RectificationDecision,
    #[ts(type = "string")]
    pub decided_on: NaiveDate,
}

/// A correction as typed: the record's whole new state, the reason, and on what basis.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PersonCorrection {
    pub person: NewPerson,
    #[ts(type = "string | null")]
    pub death_date: Option<NaiveDate>,
    pub reason: String,
    pub basis: CorrectionBasis,
    /// Required when `basis` is a data subject's request.
    pub request: Option<RectificationRequest>,
}

/// One changed column: its stored value before and after (`null` = empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The columns of a person's record a correction may change, in the order forms show them.
pub const CORRECTABLE: [&str; 13] = [
    "title",
    "first_name",
    "last_name",
    "id_kind",
    "id_number",
    "no_id_reason",
    "birth_date",
    "sex",
    "phone",
    "address_text",
    "subdistrict_code",
    "postcode",
    "death_date",
];

/// Columns whose change runs the duplicate check again.
pub const NAME_OR_ID: [&str; 4] = ["first_name", "last_name", "id_kind", "id_number"];

fn iso(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

/// The stored value of every correctable column for this state, in `CORRECTABLE` order.
/// Empty text is stored as it is typed (`""`), absent values as `None`.
pub fn columns(p: &NewPerson, death_date: Option<NaiveDate>) -> [Option<String>; 13] {
    let (kind, number, reason) = p.identity.columns();
    [
        Some(p.title.clone()),
        Some(p.first_name.clone()),
        Some(p.last_name.clone()),
        Some(kind.to_owned()),
        number,
        reason.map(str::to_owned),
        iso(p.birth_date),
        Some(p.sex.as_str().to_owned()),
        Some(p.phone.clone()),
        Some(p.address_text.clone()),
        p.subdistrict_code.clone(),
        p.postcode.clone(),
        iso(death_date),
    ]
}

/// The columns that differ between the stored values `before` and `after`.
pub fn changes(before: &[Option<String>; 13], after: &[Option<String>; 13]) -> Vec<FieldChange> {
    CORRECTABLE
        .iter()
        .zip(before.iter().zip(after.iter()))
        .filter(|(_, (b, a))| b != a)
        .map(|(f, (b, a))| FieldChange {
            field: (*f).to_owned(),
            before: b.clone(),
            after: a.clone(),
        })
        .collect()
}

/// Checks a correction and returns it cleaned (the person as `validate::new_person`
/// cleans a new one). Whether anything changed is `check_changes`, once the caller has
/// compared the cleaned value with the stored record.
pub fn check(
    c: &PersonCorrection,
    today: NaiveDate,
    errs: &mut FieldErrors,
) -> Option<PersonCorrection> {
    let person = validate::new_person(&c.person, today, errs);
    let reason = errs.check("reason", validate::required(&c.reason, MAX_TEXT, true));
    let death = match c.death_date {
        None => Some(None),
        Some(d) if d > today => {
            errs.push("death_date", FieldProblem::DateInFuture);
            None
        }
        Some(d) if c.person.birth_date.is_some_and(|b| d < b) => {
            errs.push("death_date", FieldProblem::DeathBeforeBirth);
            None
        }
        Some(d) => Some(Some(d)),
    };
    let request = match (c.basis, &c.request) {
        (CorrectionBasis::Staff, _) => Some(None),
        (CorrectionBasis::DataSubjectRequest, None) => {
            errs.push("request_received_on", FieldProblem::Required);
            None
        }
        (CorrectionBasis::DataSubjectRequest, Some(r)) => {
            let mut ok = true;
            if r.received_on > today {
                errs.push("request_received_on", FieldProblem::DateInFuture);
                ok = false;
            }
            if r.decided_on > today {
                errs.push("request_decided_on", FieldProblem::DateInFuture);
                ok = false;
            } else if r.decided_on < r.received_on {
                errs.push("request_decided_on", FieldProblem::DecisionBeforeRequest);
                ok = false;
            }
            ok.then(|| Some(r.clone()))
        }
    };
    Some(PersonCorrection {
        person: person?,
        death_date: death?,
        reason: reason?,
        basis: c.basis,
        request: request?,
    })
}

/// Whether a checked correction with these changes may be saved: something must change,
/// except for a refused request, which must change nothing.
pub fn check_changes(c: &PersonCorrection, changes: &[FieldChange], errs: &mut FieldErrors) {
    let refused = c
        .request
        .as_ref()
        .is_some_and(|r| r.decision == RectificationDecision::Refused);
    if refused && !changes.is_empty() {
        errs.push("request_decision", FieldProblem::RefusalChangesNothing);
    } else if !refused && changes.is_empty() {
        errs.push("person", FieldProblem::NothingChanged);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::{Identity, NoIdReason};
    use crate::model::Sex;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn person() -> NewPerson {
        NewPerson {
            title: "นาง".into(),
            first_name: "สมศรี".into(),
            last_name: "ใจดี".into(),
            identity: Identity::NoId {
                reason: NoIdReason::Unknown,
            },
            birth_date: Some(d("1950-03-05")),
            sex: Sex::Female,
            phone: String::new(),
            address_text: "12 หมู่ 3".into(),
            subdistrict_code: None,
            postcode: None,
        }
    }

    fn problems(errs: FieldErrors) -> Vec<(String, FieldProblem)> {
        match errs.into_result() {
            Ok(()) => Vec::new(),
            Err(e) => e.0.into_iter().map(|e| (e.field, e.problem)).collect(),
        }
    }

    fn correction(p: NewPerson) -> PersonCorrection {
        PersonCorrection {
            person: p,
            death_date: None,
            reason: "สะกดนามสกุลผิด".into(),
            basis: CorrectionBasis::Staff,
            request: None,
        }
    }

    #[test]
    fn only_the_changed_columns_are_a_change() {
        let before = columns(&person(), None);
        let mut p = person();
        p.last_name = "ใจดีมาก".into();
        p.identity = Identity::CitizenId {
            number: "3100600182731".into(),
        };
        let ch = changes(&before, &columns(&p, Some(d("2026-11-01"))));
        let fields: Vec<&str> = ch.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "last_name",
                "id_kind",
                "id_number",
                "no_id_reason",
                "death_date"
            ]
        );
        assert_eq!(ch[0].before.as_deref(), Some("ใจดี"));
        assert_eq!(ch[2].before, None);
        assert_eq!(ch[4].after.as_deref(), Some("2026-11-01"));
    }

    #[test]
    fn a_reason_is_required_and_a_death_is_after_birth_and_not_ahead() {
        let today = d("2026-12-01");
        let mut c = correction(person());
        c.reason = "  ".into();
        c.death_date = Some(d("1949-01-01"));
        let mut errs = FieldErrors::default();
        assert!(check(&c, today, &mut errs).is_none());
        let found = problems(errs);
        assert!(found.contains(&("reason".into(), FieldProblem::Required)));
        assert!(found.contains(&("death_date".into(), FieldProblem::DeathBeforeBirth)));
        c.reason = "แจ้งเสียชีวิต".into();
        c.death_date = Some(d("2026-12-02"));
        let mut errs = FieldErrors::default();
        assert!(check(&c, today, &mut errs).is_none());
        assert_eq!(problems(errs)[0].1, FieldProblem::DateInFuture);
    }

    #[test]
    fn a_data_subject_request_has_dates_in_order_and_a_refusal_changes_nothing() {
        let today = d("2026-12-01");
        let mut c = correction(person());
        c.basis = CorrectionBasis::DataSubjectRequest;
        let mut errs = FieldErrors::default();
        assert!(
            check(&c, today, &mut errs).is_none(),
            "the request's dates are required"
        );
        c.request = Some(RectificationRequest {
            received_on: d("2026-11-20"),
            decision: RectificationDecision::Refused,
            decided_on: d("2026-11-19"),
        });
        let mut errs = FieldErrors::default();
        assert!(check(&c, today, &mut errs).is_none());
        assert_eq!(problems(errs)[0].1, FieldProblem::DecisionBeforeRequest);
        c.request.as_mut().unwrap().decided_on = d("2026-11-25");
        let mut errs = FieldErrors::default();
        let ok = check(&c, today, &mut errs).expect("valid");
        let before = columns(&person(), None);
        let mut errs = FieldErrors::default();
        check_changes(
            &ok,
            &changes(&before, &columns(&ok.person, None)),
            &mut errs,
        );
        assert!(
            problems(errs).is_empty(),
            "a refusal with nothing changed is recorded"
        );
        let mut p = person();
        p.phone = "0812345678".into();
        let mut errs = FieldErrors::default();
        check_changes(&ok, &changes(&before, &columns(&p, None)), &mut errs);
        assert_eq!(problems(errs)[0].1, FieldProblem::RefusalChangesNothing);
        let staff = correction(person());
        let mut errs = FieldErrors::default();
        check_changes(&staff, &[], &mut errs);
        assert_eq!(problems(errs)[0].1, FieldProblem::NothingChanged);
    }
}
