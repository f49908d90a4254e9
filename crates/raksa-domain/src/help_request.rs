//! Requests for help (คำขอความช่วยเหลือ, issue 15): who may file them, where they go, and
//! the steps they take — one set of rules for the server that routes them and the office
//! PC that screens them.
//!
//! Routing is by place: the official sub-district's province (its first two digits), or a
//! district of it when a province has more than one office, to the responsible office in a
//! table the national administrator edits. A request always has exactly one owner: one with
//! no usable place goes to the national queue that HuSEC staff route by hand.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::field::FieldProblem;

labelled_enum! {
    /// Who filed the request.
    RequestChannel {
        Hotline1300 = "hotline1300" / "สายด่วน 1300",
        Volunteer = "volunteer" / "อาสาสมัครพัฒนาสังคม (อพม.)",
        Partner = "partner" / "ระบบพันธมิตร",
        Office = "office" / "สำนักงานอื่น",
    }
}

labelled_enum! {
    /// The 1300 centre's ten core issues (domain reference §6).
    CoreIssue {
        FamilyViolence = "family_violence" / "ความรุนแรงในครอบครัว",
        TeenagePregnancy = "teenage_pregnancy" / "การตั้งครรภ์ในวัยรุ่น",
        HumanTrafficking = "human_trafficking" / "การค้ามนุษย์",
        Drugs = "drugs" / "ยาเสพติด",
        Homeless = "homeless" / "คนไร้ที่พึ่ง/คนไร้บ้าน",
        ChildYouth = "child_youth" / "ปัญหาเด็กและเยาวชน",
        MissingPerson = "missing_person" / "คนหาย",
        Elderly = "elderly" / "ปัญหาผู้สูงอายุ",
        Disability = "disability" / "ปัญหาคนพิการ",
        Begging = "begging" / "ขอทาน",
    }
}

labelled_enum! {
    /// Where a request stands, as its requester sees it.
    RequestStatus {
        Received = "received" / "รับเรื่องแล้ว",
        CaseOpened = "case_opened" / "เปิดกรณีช่วยเหลือแล้ว",
        PassedOn = "passed_on" / "ส่งต่อให้สำนักงานอื่น",
        Closed = "closed" / "ปิดเรื่อง",
    }
}

impl CoreIssue {
    /// Issues whose request is sensitive from the start (need-to-know, `access`).
    pub fn is_sensitive(self) -> bool {
        matches!(
            self,
            CoreIssue::FamilyViolence | CoreIssue::HumanTrafficking | CoreIssue::TeenagePregnancy
        )
    }
}

/// One row of the routing table: a province (2 digits) or a district (4 digits) and the
/// office (its letter code) responsible for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RouteRule {
    pub area: String,
    pub office: String,
}

/// Where a request goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum Route {
    Office {
        office: String,
    },
    /// No usable place, or a place no office covers: HuSEC routes it by hand.
    NationalQueue,
}

/// Checks a routing-table row: an official province or district code and an office code.
pub fn check_rule(rule: &RouteRule) -> Result<(), FieldProblem> {
    let area_ok = matches!(rule.area.len(), 2 | 4)
        && rule.area.bytes().all(|b| b.is_ascii_digit())
        && crate::places::places().get(&rule.area).is_some();
    if !area_ok {
        return Err(FieldProblem::UnknownPlace);
    }
    let office = rule.office.trim();
    if office.is_empty() || office.chars().count() > 10 {
        return Err(FieldProblem::LetterCodeFormat);
    }
    Ok(())
}

/// The responsible office for a sub-district: a rule for its district wins over one for
/// its province. An unknown or missing sub-district goes to the national queue.
pub fn route(subdistrict: Option<&str>, table: &[RouteRule]) -> Route {
    let Some(code) = subdistrict.filter(|c| {
        c.len() == 6
            && c.bytes().all(|b| b.is_ascii_digit())
            && crate::places::places().get(c).is_some()
    }) else {
        return Route::NationalQueue;
    };
    let rule_for = |area: &str| table.iter().find(|r| r.area == area);
    match rule_for(&code[..4]).or_else(|| rule_for(&code[..2])) {
        Some(r) => Route::Office {
            office: r.office.clone(),
        },
        None => Route::NationalQueue,
    }
}

/// Whether a request may move from one status to another: an office accepts (a case is
/// opened), passes it on (it becomes the receiving office's, received again there) or closes
/// it; a closed request or one with a case stays where it is.
pub fn step_allowed(from: RequestStatus, to: RequestStatus) -> bool {
    use RequestStatus::*;
    matches!(
        (from, to),
        (Received, CaseOpened) | (Received, PassedOn) | (Received, Closed) | (PassedOn, Received)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(area: &str, office: &str) -> RouteRule {
        RouteRule {
            area: area.into(),
            office: office.into(),
        }
    }

    #[test]
    fn a_request_goes_to_its_provinces_office_or_the_national_queue() {
        // Phitsanulok province 65; Mueang Phitsanulok district 6501, sub-district 650101.
        let table = [rule("65", "พล"), rule("10", "กทม"), rule("1001", "กทม1")];
        assert_eq!(
            route(Some("650101"), &table),
            Route::Office {
                office: "พล".into()
            }
        );
        // a district rule wins over its province
        let bkk = crate::places::places()
            .subdistricts_of("1001")
            .first()
            .map(|p| p.code.clone())
            .expect("a Bangkok sub-district");
        assert_eq!(
            route(Some(&bkk), &table),
            Route::Office {
                office: "กทม1".into()
            }
        );
        // no place, a made-up place, or a province nobody covers: the national queue
        assert_eq!(route(None, &table), Route::NationalQueue);
        assert_eq!(route(Some("999999"), &table), Route::NationalQueue);
        assert_eq!(route(Some("65'--"), &table), Route::NationalQueue);
        let chiang_mai = crate::places::places()
            .subdistricts_of("5001")
            .first()
            .map(|p| p.code.clone())
            .unwrap();
        assert_eq!(route(Some(&chiang_mai), &table), Route::NationalQueue);
    }

    #[test]
    fn routing_rules_name_real_areas_and_steps_keep_one_owner() {
        assert!(check_rule(&rule("65", "พล")).is_ok());
        assert!(check_rule(&rule("6501", "พล")).is_ok());
        assert_eq!(
            check_rule(&rule("99", "พล")),
            Err(FieldProblem::UnknownPlace)
        );
        assert_eq!(
            check_rule(&rule("650101", "พล")),
            Err(FieldProblem::UnknownPlace)
        );
        assert!(check_rule(&rule("65", " ")).is_err());
        use RequestStatus::*;
        assert!(step_allowed(Received, CaseOpened));
        assert!(step_allowed(Received, PassedOn) && step_allowed(PassedOn, Received));
        assert!(!step_allowed(Closed, Received));
        assert!(!step_allowed(CaseOpened, Closed));
        assert!(CoreIssue::FamilyViolence.is_sensitive() && !CoreIssue::Begging.is_sensitive());
        assert_eq!(CoreIssue::ALL.len(), 10);
    }
}
