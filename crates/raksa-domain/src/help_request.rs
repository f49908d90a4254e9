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
        HelpGiven = "help_given" / "ให้ความช่วยเหลือแล้ว",
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

/// A request's short reference for people (HuSEC's lists, a phone call): the last eight
/// hex digits of its id — the random part of a UUID v7, so references of requests filed in
/// the same millisecond still differ.
pub fn reference(id: &str) -> String {
    let hex: Vec<char> = id.chars().filter(char::is_ascii_hexdigit).collect();
    hex[hex.len().saturating_sub(8)..]
        .iter()
        .collect::<String>()
        .to_uppercase()
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

/// What the requester (a volunteer, a partner app) is told: the office's step, and once a
/// case is open, how far the case has got — never the case file itself.
pub fn requester_status(
    status: RequestStatus,
    case_status: Option<crate::model::CaseStatus>,
) -> RequestStatus {
    use crate::model::CaseStatus as C;
    match (status, case_status) {
        (RequestStatus::CaseOpened, Some(C::Intervention | C::FollowUp)) => {
            RequestStatus::HelpGiven
        }
        (RequestStatus::CaseOpened, Some(C::Closed)) => RequestStatus::Closed,
        (s, _) => s,
    }
}

/// Largest photo a request may carry (after decoding), and how many.
pub const MAX_PHOTO_BYTES: usize = 4 * 1024 * 1024;
pub const MAX_PHOTOS: usize = 3;

/// The person who reported (absent when anonymous).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, rename = "RequestReporter")]
pub struct Reporter {
    pub name: String,
    #[serde(default)]
    pub phone: String,
    /// How the reporter relates to the person in need (neighbour, teacher, self…).
    #[serde(default)]
    pub relation: String,
}

/// The person in need, as far as the reporter knows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PersonInNeed {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub citizen_id: String,
    #[serde(default)]
    pub approx_age: Option<u8>,
    #[serde(default)]
    pub sex: Option<crate::model::Sex>,
}

/// A photo sent with a request: JPEG or PNG, base64.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PhotoIn {
    pub data_base64: String,
}

/// A request for help as a channel files it (the partner API, the 1300 console, a
/// volunteer's phone). Who filed it comes from the credential, never from the body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewHelpRequest {
    /// None: the reporter stays anonymous.
    #[serde(default)]
    pub reporter: Option<Reporter>,
    #[serde(default)]
    pub person: PersonInNeed,
    /// The official sub-district (6 digits, DOPA), when known.
    #[serde(default)]
    pub subdistrict_code: Option<String>,
    #[serde(default)]
    pub gps: Option<crate::form::GpsPoint>,
    #[serde(default)]
    pub address_text: String,
    pub core_issues: Vec<CoreIssue>,
    #[serde(default = "normal")]
    pub urgency: crate::model::Urgency,
    pub details: String,
    #[serde(default)]
    pub photos: Vec<PhotoIn>,
}

fn normal() -> crate::model::Urgency {
    crate::model::Urgency::Normal
}

/// Whether text carries markup (a tag, a comment, a processing instruction): channels
/// outside the ministry send plain text only.
pub fn has_markup(s: &str) -> bool {
    let b = s.as_bytes();
    b.windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || matches!(w[1], b'/' | b'!' | b'?')))
        || s.to_ascii_lowercase().contains("javascript:")
}

fn plain(s: &str, max: usize, multiline: bool) -> Result<String, FieldProblem> {
    let t = crate::validate::text(s, max, multiline)?;
    if has_markup(&t) {
        return Err(FieldProblem::Markup);
    }
    Ok(t)
}

/// A photo's bytes are a JPEG or a PNG (by content, not by claim).
pub fn photo_type(data: &[u8]) -> Option<&'static str> {
    if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else {
        None
    }
}

/// A checked request: cleaned text, a valid place or none, decoded photos.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedRequest {
    pub request: NewHelpRequest,
    pub photos: Vec<(&'static str, Vec<u8>)>,
}

/// Checks a request from any channel, collecting every problem (field names as in the
/// JSON body: `person.citizen_id`, `photos[1]`…).
pub fn check_new(
    r: &NewHelpRequest,
    decode: impl Fn(&str) -> Option<Vec<u8>>,
) -> Result<CheckedRequest, crate::field::Invalid> {
    use crate::validate::{MAX_LINE, MAX_NAME, MAX_TEXT};
    let mut errs = crate::field::FieldErrors::default();
    let reporter = r.reporter.as_ref().map(|rep| Reporter {
        name: errs
            .check("reporter.name", plain(&rep.name, MAX_NAME, false))
            .unwrap_or_default(),
        phone: if rep.phone.trim().is_empty() {
            String::new()
        } else {
            errs.check("reporter.phone", crate::validate::phone(&rep.phone))
                .unwrap_or_default()
        },
        relation: errs
            .check("reporter.relation", plain(&rep.relation, MAX_NAME, false))
            .unwrap_or_default(),
    });
    let person = PersonInNeed {
        name: errs
            .check("person.name", plain(&r.person.name, MAX_NAME, false))
            .unwrap_or_default(),
        citizen_id: if r.person.citizen_id.trim().is_empty() {
            String::new()
        } else {
            errs.check(
                "person.citizen_id",
                crate::identity::parse_citizen_id(&r.person.citizen_id),
            )
            .unwrap_or_default()
        },
        approx_age: match r.person.approx_age {
            Some(a) if a > 120 => {
                errs.push("person.approx_age", FieldProblem::OutOfRange);
                None
            }
            a => a,
        },
        sex: r.person.sex,
    };
    let subdistrict_code = match r.subdistrict_code.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(c) => {
            let known = c.len() == 6
                && c.bytes().all(|b| b.is_ascii_digit())
                && crate::places::places().get(c).is_some();
            if !known {
                errs.push("subdistrict_code", FieldProblem::UnknownPlace);
            }
            Some(c.to_owned())
        }
    };
    let gps = r.gps.and_then(|g| errs.check("gps", g.checked()));
    let address_text = errs
        .check("address_text", plain(&r.address_text, MAX_LINE, false))
        .unwrap_or_default();
    if r.core_issues.is_empty() {
        errs.push("core_issues", FieldProblem::Required);
    }
    let mut core_issues = r.core_issues.clone();
    core_issues.dedup();
    let details = errs
        .check("details", plain(&r.details, MAX_TEXT, true))
        .unwrap_or_default();
    if details.is_empty() {
        errs.push("details", FieldProblem::Required);
    }
    let mut photos = Vec::new();
    if r.photos.len() > MAX_PHOTOS {
        errs.push("photos", FieldProblem::OutOfRange);
    }
    for (i, p) in r.photos.iter().enumerate().take(MAX_PHOTOS) {
        let field = format!("photos[{i}]");
        // base64 is 4/3 of the bytes: refuse before decoding what is far too big
        if p.data_base64.len() > MAX_PHOTO_BYTES / 3 * 4 + 8 {
            errs.push(&field, FieldProblem::FileTooLarge);
            continue;
        }
        match decode(&p.data_base64) {
            None => errs.push(&field, FieldProblem::WrongType),
            Some(b) if b.is_empty() => errs.push(&field, FieldProblem::FileEmpty),
            Some(b) if b.len() > MAX_PHOTO_BYTES => errs.push(&field, FieldProblem::FileTooLarge),
            Some(b) => match photo_type(&b) {
                Some(t) => photos.push((t, b)),
                None => errs.push(&field, FieldProblem::FileTypeNotAllowed),
            },
        }
    }
    errs.into_result()?;
    Ok(CheckedRequest {
        request: NewHelpRequest {
            reporter,
            person,
            subdistrict_code,
            gps,
            address_text,
            core_issues,
            urgency: r.urgency,
            details,
            photos: Vec::new(),
        },
        photos,
    })
}

/// What a case opened from a request is about: the target groups and problem domains the
/// core issues stand for.
pub fn case_classes(
    issues: &[CoreIssue],
) -> (
    Vec<crate::model::TargetGroup>,
    Vec<crate::model::ProblemDomain>,
) {
    use crate::model::{ProblemDomain as D, TargetGroup as G};
    let (mut groups, mut domains) = (Vec::new(), Vec::new());
    for i in issues {
        let (g, d): (&[G], &[D]) = match i {
            CoreIssue::FamilyViolence => (&[G::Family], &[D::Safety, D::Family]),
            CoreIssue::TeenagePregnancy => (&[G::Youth], &[D::Health, D::Family]),
            CoreIssue::HumanTrafficking => (&[], &[D::Safety, D::LegalStatus]),
            CoreIssue::Drugs => (&[], &[D::Health, D::Safety]),
            CoreIssue::Homeless => (&[G::Homeless], &[D::Housing]),
            CoreIssue::ChildYouth => (&[G::Child], &[D::Family]),
            CoreIssue::MissingPerson => (&[], &[D::Safety]),
            CoreIssue::Elderly => (&[G::Elderly], &[D::Care]),
            CoreIssue::Disability => (&[G::Disabled], &[D::Care]),
            CoreIssue::Begging => (&[G::Beggar], &[D::Income]),
        };
        for x in g {
            if !groups.contains(x) {
                groups.push(*x);
            }
        }
        for x in d {
            if !domains.contains(x) {
                domains.push(*x);
            }
        }
    }
    (groups, domains)
}

/// The intake channel a case opened from a request records.
pub fn intake_channel(c: RequestChannel) -> crate::model::IntakeChannel {
    use crate::model::IntakeChannel as I;
    match c {
        RequestChannel::Hotline1300 => I::Hotline1300,
        RequestChannel::Volunteer => I::Volunteer,
        RequestChannel::Partner => I::SocialMedia,
        RequestChannel::Office => I::ReferralIn,
    }
}

/// Whether a request is sensitive from the start (need-to-know at the office).
pub fn is_sensitive(issues: &[CoreIssue]) -> bool {
    issues.iter().any(|i| i.is_sensitive())
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
