//! What a data subject's access request (PDPA §30, §31) hands over, and what it holds
//! back. The request is the subject's right to *their* data: other people in the record —
//! the person who reported (often a neighbour an abuser would punish), household members,
//! a proxy, the staff who worked on it — are withheld by default; a supervisor may include
//! them only with a stated reason, and the decision is audited (issue 14 §5).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

/// How much of other people's data an export includes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExportScope {
    pub include_third_parties: bool,
    /// Why other people's data is included (required then; shown in the export).
    #[serde(default)]
    pub reason: String,
}

/// What replaces a withheld value.
pub const WITHHELD: &str = "(ปกปิดข้อมูลบุคคลอื่น)";
/// What replaces a staff member's name.
pub const STAFF: &str = "เจ้าหน้าที่สำนักงาน";

/// Answers of the fact-finding form that are about someone other than the subject.
pub const THIRD_PARTY_ANSWERS: &[&str] = &[
    "applicant.proxy_name",
    "applicant.proxy_relationship",
    "applicant.proxy_address",
    "applicant.proxy_phone",
    "current_address.contact_person",
    "household.members",
    "consent.signed_by",
];

/// Answers naming the staff who did the work.
pub const STAFF_ANSWERS: &[&str] = &["header.officer", "home_visit.officer"];

/// Keys anywhere in a case that name a staff member.
const STAFF_KEYS: &[&str] = &[
    "by",
    "to_name",
    "assigned_to",
    "requested_by_name",
    "user_name",
    "answered_by",
];

fn staff_names(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if STAFF_KEYS.contains(&k.as_str()) && x.is_string() {
                    *x = Value::String(STAFF.into());
                } else {
                    staff_names(x);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(staff_names),
        _ => {}
    }
}

/// Withholds other people's data from a person export (`raksa-person-export` JSON):
/// reporters, household members other than `subject_id` (their relationship stays),
/// third-party form answers, staff names, and who opened a sensitive case and why.
pub fn withhold_third_parties(export: &mut Value, subject_id: &str) {
    if let Some(cases) = export.get_mut("cases").and_then(Value::as_array_mut) {
        for c in cases {
            if let Some(case) = c.get_mut("case").and_then(Value::as_object_mut) {
                if case.get("reporter").is_some_and(|r| !r.is_null()) {
                    case.insert("reporter".into(), Value::String(WITHHELD.into()));
                }
                case.insert("openings".into(), Value::Array(vec![]));
            }
            if let Some(answers) = c
                .get_mut("fact_finding")
                .and_then(|f| f.get_mut("answers"))
                .and_then(Value::as_object_mut)
            {
                for (k, v) in answers.iter_mut() {
                    if THIRD_PARTY_ANSWERS.contains(&k.as_str()) {
                        *v = Value::String(WITHHELD.into());
                    } else if STAFF_ANSWERS.contains(&k.as_str()) {
                        *v = Value::String(STAFF.into());
                    }
                }
            }
            staff_names(c);
        }
    }
    if let Some(members) = export
        .get_mut("household")
        .and_then(|h| h.get_mut("members"))
        .and_then(Value::as_array_mut)
    {
        for m in members {
            if m.get("person_id").and_then(Value::as_str) == Some(subject_id) {
                continue;
            }
            if let Some(m) = m.as_object_mut() {
                m.insert("name".into(), Value::String(WITHHELD.into()));
                for k in ["person_id", "age", "death_date", "sex"] {
                    m.remove(k);
                }
            }
        }
    }
    if let Some(log) = export.get_mut("access_log") {
        staff_names(log);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_listed_answers_are_fields_of_the_shipped_form() {
        let def = crate::form::FormDefinition::parse(crate::form::SHIPPED[0]).unwrap();
        let keys: Vec<String> = def
            .sections
            .iter()
            .flat_map(|s| s.fields.iter().map(|f| f.key.clone()))
            .collect();
        for k in THIRD_PARTY_ANSWERS.iter().chain(STAFF_ANSWERS) {
            assert!(keys.iter().any(|x| x == k), "{k} is not in the form");
        }
    }

    #[test]
    fn reporters_household_members_and_staff_are_withheld() {
        let mut v = json!({
            "person": {"id": "p1", "first_name": "ดวงใจ"},
            "household": {"members": [
                {"person_id": "p1", "name": "นางดวงใจ รักษ์ดี", "relationship": "head", "age": 40},
                {"person_id": "p2", "name": "นายสมชาย รักษ์ดี", "relationship": "spouse", "age": 45}
            ]},
            "cases": [{
                "case": {"reporter": {"name": "นางสมศรี เพื่อนบ้าน", "contact": "081"},
                         "assigned_to": "นางสาวมาลี ศรีสุข",
                         "events": [{"by": "นางสาวมาลี ศรีสุข", "body": {"kind": "assigned", "to_name": "นายสมศักดิ์"}}],
                         "openings": [{"user_name": "นายสมศักดิ์", "reason": "ด่วน"}]},
                "fact_finding": {"answers": {"household.members": [{"name": "นายสมชาย"}],
                    "person.religion": "buddhism", "header.officer": "นางสาวมาลี"}}
            }],
            "access_log": [{"by": "นางสาวมาลี ศรีสุข", "action": "read"}]
        });
        withhold_third_parties(&mut v, "p1");
        let text = v.to_string();
        for name in ["สมศรี", "สมชาย", "มาลี", "สมศักดิ์", "081", "ด่วน"]
        {
            assert!(!text.contains(name), "{name} left in {text}");
        }
        assert!(
            text.contains("นางดวงใจ รักษ์ดี"),
            "the subject's own entry stays"
        );
        assert!(text.contains("spouse"), "relationships stay");
        assert_eq!(
            v["cases"][0]["fact_finding"]["answers"]["person.religion"],
            "buddhism"
        );
    }
}
