//! Referrals: the agency directory, a referral from a case with what it asks for, its
//! lawful basis and exactly which parts of the case it discloses; the lifecycle
//! draft → sent → received → accepted/declined → service delivered → feedback → closed (or
//! withdrawn), every change dated and attributed; the outgoing letter register; the letter
//! and referral form as data for `raksa-letter`; and the replies still awaited.
//!
//! One job a file: `agencies`, `letter_settings`, `lifecycle` (drafts, sending, changes,
//! the register, replies awaited), `document` (the letter as data), `incoming` (referrals
//! from other offices). The transitions themselves are `raksa_domain::referral`.

mod agencies;
mod document;
mod incoming;
mod letter_settings;
mod lifecycle;

pub use incoming::{IncomingReferral, ReferralReply};

use chrono::{Duration, NaiveDate};
use rusqlite::{OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::audit::AuditAction;
use crate::casework::CaseEventBody;
use crate::deadlines::{self, DueItem, Milestone};
use crate::error::{CoreError, FieldErrors, FieldProblem, Result};
use crate::model::*;
use crate::numbering::{self, Series};
use crate::session::{self, Session, corrupt, uuid_col};
use crate::thai_date;
use crate::validate;

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Agency {
    pub id: Uuid,
    pub name: String,
    /// The head's position, for เรียน (e.g. ผู้อำนวยการโรงพยาบาลพุทธชินราช).
    pub head_position: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub kind: AgencyKind,
    /// Whether the agency is an office running Raksa (replies then arrive by sync).
    pub runs_raksa: bool,
    /// Its office code when it runs Raksa.
    pub raksa_office: String,
    pub active: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewAgency {
    pub name: String,
    pub head_position: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub kind: AgencyKind,
    pub runs_raksa: bool,
    pub raksa_office: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewReferral {
    pub agency_id: Uuid,
    pub urgency: LetterUrgency,
    pub secrecy: Option<Secrecy>,
    /// What the agency is asked to do.
    pub requested: String,
    pub legal_basis: LegalBasis,
    /// The parts of the case that go with the referral — nothing else does.
    pub shared: Vec<SharedPart>,
}

/// The letter's text, editable while the referral is a draft.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LetterText {
    pub subject: String,
    pub cause: String,
    pub request: String,
    pub conclusion: String,
    /// อ้างถึง (optional).
    #[serde(default)]
    pub refer_to: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ReferralEvent {
    pub at: String,
    #[ts(type = "string")]
    pub on_date: NaiveDate,
    pub by: String,
    pub from: Option<ReferralStatus>,
    pub to: ReferralStatus,
    pub note: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Referral {
    pub id: Uuid,
    pub case_id: Uuid,
    pub case_no: String,
    pub agency: Agency,
    pub status: ReferralStatus,
    pub urgency: LetterUrgency,
    pub secrecy: Option<Secrecy>,
    pub requested: String,
    pub legal_basis: LegalBasis,
    pub shared: Vec<SharedPart>,
    pub letter: LetterText,
    /// `พล 0027/123` (the digits style of the office setting) once sent.
    pub letter_no: Option<String>,
    #[ts(type = "string | null")]
    pub letter_date: Option<NaiveDate>,
    #[ts(type = "string | null")]
    pub expected_reply_on: Option<NaiveDate>,
    #[ts(type = "string | null")]
    pub overdue_on: Option<NaiveDate>,
    #[ts(type = "string | null")]
    pub replied_on: Option<NaiveDate>,
    /// Sent, unanswered, and past the overdue date (by the office clock).
    pub overdue: bool,
    pub events: Vec<ReferralEvent>,
    /// States a recorded change may move to now.
    pub next: Vec<ReferralStatus>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReferralChange {
    pub to: ReferralStatus,
    /// The date on the reply slip / of the event.
    #[ts(type = "string")]
    pub on: NaiveDate,
    /// Required when declined or withdrawn.
    pub note: String,
}

/// Office letter settings (administrators).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LetterSettings {
    /// The part of ที่ before the slash, e.g. `พม 0027` (ministry code + office number).
    pub ref_prefix: String,
    /// Owning unit (ส่วนราชการเจ้าของเรื่อง), bottom left.
    pub owning_unit: String,
    pub phone: String,
    pub fax: String,
    pub email: String,
    pub signer_name: String,
    pub signer_position: String,
    /// ปฏิบัติราชการแทน… (empty when the head signs).
    pub acting_for: String,
    /// Thai digits in letters (default) or Arabic digits.
    pub thai_digits: bool,
    /// Whether an emblem image is installed (set via `set_emblem`).
    #[serde(default)]
    pub has_emblem: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RegisterEntry {
    pub be_year: i32,
    pub number: u32,
    #[ts(type = "string")]
    pub letter_date: NaiveDate,
    pub recipient: String,
    pub subject: String,
    pub referral_id: Option<Uuid>,
    pub issued_by: String,
}

pub use raksa_domain::referral::allowed;
use raksa_domain::referral::awaiting_reply;

const WRITERS: &[Role] = &[Role::CaseWorker, Role::Supervisor, Role::Admin];

const DEFAULT_TEMPLATE: [&str; 4] = [
    "ขอส่งต่อผู้รับบริการเพื่อรับความช่วยเหลือ",
    "ด้วย{office_name} ได้รับเรื่องและให้ความช่วยเหลือ{client} ซึ่งประสบปัญหาด้าน{problems} รายละเอียดตามแบบส่งต่อที่ส่งมาพร้อมนี้",
    "ในการนี้ {office_name} พิจารณาแล้วเห็นว่าผู้รับบริการควรได้รับ{requested} ซึ่งอยู่ในอำนาจหน้าที่ของ{agency_name} จึงขอส่งต่อเพื่อโปรดพิจารณาให้ความช่วยเหลือตามความเหมาะสม",
    "จึงเรียนมาเพื่อโปรดพิจารณาดำเนินการต่อไป และขอความกรุณาแจ้งผลการดำเนินการตามแบบตอบกลับท้ายแบบส่งต่อ จะขอบคุณยิ่ง",
];

/// Placeholders a template may use.
pub const PLACEHOLDERS: &[&str] = &[
    "{office_name}",
    "{agency_name}",
    "{client}",
    "{problems}",
    "{requested}",
    "{case_no}",
];

fn agency_row(r: &Row, i: usize) -> rusqlite::Result<Agency> {
    Ok(Agency {
        id: uuid_col(r, i)?,
        name: r.get(i + 1)?,
        head_position: r.get(i + 2)?,
        address: r.get(i + 3)?,
        phone: r.get(i + 4)?,
        email: r.get(i + 5)?,
        kind: AgencyKind::parse(&r.get::<_, String>(i + 6)?).ok_or_else(|| corrupt("kind"))?,
        runs_raksa: r.get(i + 7)?,
        raksa_office: r.get(i + 8)?,
        active: r.get(i + 9)?,
    })
}

const AGENCY_COLS: &str = "a.id, a.name, a.head_position, a.address, a.phone, a.email, a.kind, \
                           a.runs_raksa, a.raksa_office, a.active";

fn fmt_date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn opt_date(s: Option<String>) -> rusqlite::Result<Option<NaiveDate>> {
    s.map(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| corrupt("date")))
        .transpose()
}

fn check_agency(a: &NewAgency) -> Result<NewAgency> {
    let mut e = FieldErrors::default();
    let name = e.check(
        "name",
        validate::required(&a.name, validate::MAX_LINE, false),
    );
    let head = e.check(
        "head_position",
        validate::required(&a.head_position, validate::MAX_LINE, false),
    );
    let address = e.check("address", validate::text(&a.address, 1000, true));
    let phone = e.check("phone", validate::text(&a.phone, 100, false));
    let email = e.check("email", validate::text(&a.email, 200, false));
    if let Some(m) = &email
        && !m.is_empty()
        && (!m.contains('@') || m.contains(' '))
    {
        e.push("email", FieldProblem::WrongType);
    }
    let office = e.check("raksa_office", validate::text(&a.raksa_office, 20, false));
    e.into_result()?;
    Ok(NewAgency {
        name: name.expect("checked"),
        head_position: head.expect("checked"),
        address: address.expect("checked"),
        phone: phone.expect("checked"),
        email: email.expect("checked"),
        kind: a.kind,
        runs_raksa: a.runs_raksa,
        raksa_office: office.expect("checked"),
    })
}

struct RawReferral {
    case_id: Uuid,
    agency_id: Uuid,
    status: ReferralStatus,
    letter_date: Option<NaiveDate>,
    letter_no: Option<u32>,
    subject: String,
}

fn check_letter_text(t: &LetterText) -> Result<LetterText> {
    let mut e = FieldErrors::default();
    let subject = e.check(
        "subject",
        validate::required(&t.subject, validate::MAX_LINE, false),
    );
    let cause = e.check(
        "cause",
        validate::required(&t.cause, validate::MAX_TEXT, true),
    );
    let request = e.check(
        "request",
        validate::required(&t.request, validate::MAX_TEXT, true),
    );
    let conclusion = e.check(
        "conclusion",
        validate::required(&t.conclusion, validate::MAX_TEXT, true),
    );
    let refer_to = e.check(
        "refer_to",
        validate::text(&t.refer_to, validate::MAX_LINE, false),
    );
    e.into_result()?;
    Ok(LetterText {
        subject: subject.expect("checked"),
        cause: cause.expect("checked"),
        request: request.expect("checked"),
        conclusion: conclusion.expect("checked"),
        refer_to: refer_to.expect("checked"),
    })
}

#[allow(clippy::too_many_arguments)]
fn insert_event(
    tx: &rusqlite::Transaction,
    referral: Uuid,
    at: &str,
    on: NaiveDate,
    user: Uuid,
    from: Option<ReferralStatus>,
    to: ReferralStatus,
    note: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO referral_events (id, referral_id, at, on_date, user_id, from_status,
             to_status, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            Uuid::now_v7().to_string(),
            referral.to_string(),
            at,
            fmt_date(on),
            user.to_string(),
            from.map(ReferralStatus::as_str),
            to.as_str(),
            note
        ],
    )?;
    Ok(())
}

fn referral_from_row(
    x: &Row,
    settings: &LetterSettings,
    rules: &[deadlines::DeadlineRule],
) -> rusqlite::Result<Referral> {
    let status = ReferralStatus::parse(&x.get::<_, String>(3)?).ok_or_else(|| corrupt("status"))?;
    let shared: Vec<SharedPart> =
        serde_json::from_str(&x.get::<_, String>(8)?).map_err(|_| corrupt("shared"))?;
    let letter: LetterText =
        serde_json::from_str(&x.get::<_, String>(9)?).map_err(|_| corrupt("body"))?;
    let letter_no: Option<u32> = x.get(10)?;
    let letter_date = opt_date(x.get(11)?)?;
    let case_urgency = Urgency::parse(&x.get::<_, String>(14)?).unwrap_or(Urgency::Normal);
    let overdue_on = match (letter_date, status) {
        (Some(d), ReferralStatus::Sent) => Some(
            d + Duration::days(i64::from(
                deadlines::days_for(rules, Milestone::ReferralReply, case_urgency, d).unwrap_or(30),
            )),
        ),
        _ => None,
    };
    let number = letter_no.map(|n| {
        let t = format!("{}/{n}", settings.ref_prefix);
        if settings.thai_digits {
            thai_date::thai_digits(&t)
        } else {
            t
        }
    });
    Ok(Referral {
        id: uuid_col(x, 0)?,
        case_id: uuid_col(x, 1)?,
        case_no: x.get(2)?,
        status,
        urgency: LetterUrgency::parse(&x.get::<_, String>(4)?).ok_or_else(|| corrupt("urgency"))?,
        secrecy: x
            .get::<_, Option<String>>(5)?
            .as_deref()
            .and_then(Secrecy::parse),
        requested: x.get(6)?,
        legal_basis: LegalBasis::parse(&x.get::<_, String>(7)?).ok_or_else(|| corrupt("basis"))?,
        shared,
        letter,
        letter_no: number,
        letter_date,
        expected_reply_on: opt_date(x.get(12)?)?,
        overdue_on,
        replied_on: opt_date(x.get(13)?)?,
        overdue: false,
        events: Vec::new(),
        next: allowed(status).to_vec(),
        agency: agency_row(x, 15)?,
    })
}
