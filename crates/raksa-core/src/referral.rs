//! Referrals: the agency directory, a referral from a case with what it asks for, its
//! lawful basis and exactly which parts of the case it discloses; the lifecycle
//! draft → sent → received → accepted/declined → service delivered → feedback → closed (or
//! withdrawn), every change dated and attributed; the outgoing letter register; the letter
//! and referral form as data for `raksa-letter`; and the replies still awaited.

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

impl Session {
    // ---- agencies -------------------------------------------------------------------

    pub fn agencies(&self, include_inactive: bool) -> Result<Vec<Agency>> {
        let sql = format!(
            "SELECT {AGENCY_COLS} FROM agencies a {} ORDER BY a.kind, a.name",
            if include_inactive {
                ""
            } else {
                "WHERE a.active = 1"
            }
        );
        self.conn()
            .prepare(&sql)?
            .query_map([], |r| agency_row(r, 0))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(Into::into)
    }

    pub fn add_agency(&mut self, a: &NewAgency) -> Result<Agency> {
        self.require(&[Role::Supervisor, Role::Admin])?;
        let a = check_agency(a)?;
        let id = Uuid::now_v7();
        let now = self.now();
        let mut w = self.begin()?;
        w.execute(
            "INSERT INTO agencies (id, name, head_position, address, phone, email, kind,
                 runs_raksa, raksa_office, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
            params![
                id.to_string(),
                a.name,
                a.head_position,
                a.address,
                a.phone,
                a.email,
                a.kind.as_str(),
                a.runs_raksa,
                a.raksa_office,
                now
            ],
        )?;
        w.audit(AuditAction::Create, "agency", Some(&id.to_string()), "")?;
        w.commit()?;
        Ok(Agency {
            id,
            name: a.name,
            head_position: a.head_position,
            address: a.address,
            phone: a.phone,
            email: a.email,
            kind: a.kind,
            runs_raksa: a.runs_raksa,
            raksa_office: a.raksa_office,
            active: true,
        })
    }

    pub fn update_agency(&mut self, id: Uuid, a: &NewAgency, active: bool) -> Result<()> {
        self.require(&[Role::Supervisor, Role::Admin])?;
        let a = check_agency(a)?;
        let mut w = self.begin()?;
        let n = w.execute(
            "UPDATE agencies SET name = ?2, head_position = ?3, address = ?4, phone = ?5,
                 email = ?6, kind = ?7, runs_raksa = ?8, raksa_office = ?9, active = ?10,
                 updated_at = ?11 WHERE id = ?1",
            params![
                id.to_string(),
                a.name,
                a.head_position,
                a.address,
                a.phone,
                a.email,
                a.kind.as_str(),
                a.runs_raksa,
                a.raksa_office,
                active,
                w.now()
            ],
        )?;
        if n == 0 {
            return Err(CoreError::NotFound);
        }
        w.audit(AuditAction::Update, "agency", Some(&id.to_string()), "")?;
        w.commit()?;
        Ok(())
    }

    // ---- settings and templates -----------------------------------------------------

    pub fn letter_settings(&self) -> Result<LetterSettings> {
        let json: Option<String> = self
            .conn()
            .query_row(
                "SELECT value FROM settings WHERE key = 'letter_settings'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        let mut s = match json {
            Some(j) => serde_json::from_str(&j).map_err(|e| CoreError::Corrupt(e.to_string()))?,
            None => LetterSettings {
                ref_prefix: format!("{} 0000", self.office().letter_code),
                owning_unit: String::new(),
                phone: self.office().phone.clone(),
                fax: String::new(),
                email: String::new(),
                signer_name: String::new(),
                signer_position: String::new(),
                acting_for: String::new(),
                thai_digits: true,
                has_emblem: false,
            },
        };
        s.has_emblem = self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM office_assets WHERE key = 'emblem')",
            [],
            |r| r.get(0),
        )?;
        Ok(s)
    }

    pub fn set_letter_settings(&mut self, s: &LetterSettings) -> Result<()> {
        self.require(&[Role::Admin])?;
        let mut e = FieldErrors::default();
        let line = |v: &str| validate::text(v, validate::MAX_LINE, false);
        let clean = LetterSettings {
            ref_prefix: e
                .check("ref_prefix", validate::required(&s.ref_prefix, 40, false))
                .unwrap_or_default(),
            owning_unit: e
                .check("owning_unit", line(&s.owning_unit))
                .unwrap_or_default(),
            phone: e.check("phone", line(&s.phone)).unwrap_or_default(),
            fax: e.check("fax", line(&s.fax)).unwrap_or_default(),
            email: e.check("email", line(&s.email)).unwrap_or_default(),
            signer_name: e
                .check("signer_name", line(&s.signer_name))
                .unwrap_or_default(),
            signer_position: e
                .check("signer_position", line(&s.signer_position))
                .unwrap_or_default(),
            acting_for: e
                .check("acting_for", line(&s.acting_for))
                .unwrap_or_default(),
            thai_digits: s.thai_digits,
            has_emblem: false,
        };
        e.into_result()?;
        let mut w = self.begin()?;
        w.execute(
            "INSERT INTO settings (key, value) VALUES ('letter_settings', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [serde_json::to_string(&clean).expect("serialisable")],
        )?;
        w.audit(AuditAction::Update, "settings", None, "letter settings")?;
        w.commit()?;
        Ok(())
    }

    /// Installs the office's Garuda emblem (PNG or JPEG, ≤ 2 MB); `None` removes it.
    pub fn set_emblem(&mut self, image: Option<&[u8]>) -> Result<()> {
        self.require(&[Role::Admin])?;
        let mut w = self.begin()?;
        match image {
            Some(data) => {
                if data.len() > 2 * 1024 * 1024 {
                    return Err(CoreError::field("emblem", FieldProblem::FileTooLarge));
                }
                let media = if data.starts_with(b"\x89PNG\r\n\x1a\n") {
                    "image/png"
                } else if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
                    "image/jpeg"
                } else {
                    return Err(CoreError::field("emblem", FieldProblem::FileTypeNotAllowed));
                };
                w.execute(
                    "INSERT INTO office_assets (key, media_type, data, updated_at)
                     VALUES ('emblem', ?1, ?2, ?3)
                     ON CONFLICT (key) DO UPDATE SET media_type = excluded.media_type,
                         data = excluded.data, updated_at = excluded.updated_at",
                    params![media, data, w.now()],
                )?;
            }
            None => {
                w.execute("DELETE FROM office_assets WHERE key = 'emblem'", [])?;
            }
        }
        w.audit(AuditAction::Update, "settings", None, "emblem")?;
        w.commit()?;
        Ok(())
    }

    /// `set_emblem` for an image that arrives base64-encoded over IPC.
    pub fn set_emblem_base64(&mut self, data: Option<&str>) -> Result<()> {
        use base64::Engine;
        match data {
            Some(b) => {
                if b.len() > 3 * 1024 * 1024 {
                    return Err(CoreError::field("emblem", FieldProblem::FileTooLarge));
                }
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(b.trim())
                    .map_err(|_| CoreError::field("emblem", FieldProblem::FileTypeNotAllowed))?;
                self.set_emblem(Some(&bytes))
            }
            None => self.set_emblem(None),
        }
    }

    fn emblem(&self) -> Result<Option<Vec<u8>>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT data FROM office_assets WHERE key = 'emblem'",
                [],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The office's referral letter template (the default until edited).
    pub fn letter_template(&self) -> Result<LetterText> {
        let row: Option<(String, String, String, String)> = self
            .conn()
            .query_row(
                "SELECT subject, cause, request, conclusion FROM letter_templates
                 WHERE kind = 'referral'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let (subject, cause, request, conclusion) = row.unwrap_or_else(|| {
            (
                DEFAULT_TEMPLATE[0].into(),
                DEFAULT_TEMPLATE[1].into(),
                DEFAULT_TEMPLATE[2].into(),
                DEFAULT_TEMPLATE[3].into(),
            )
        });
        Ok(LetterText {
            subject,
            cause,
            request,
            conclusion,
            refer_to: String::new(),
        })
    }

    pub fn set_letter_template(&mut self, t: &LetterText) -> Result<()> {
        self.require(&[Role::Supervisor, Role::Admin])?;
        let t = check_letter_text(t)?;
        let now = self.now();
        let uid = self.user().id.to_string();
        let mut w = self.begin()?;
        w.execute(
            "INSERT INTO letter_templates (kind, subject, cause, request, conclusion, updated_at,
                 updated_by) VALUES ('referral', ?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (kind) DO UPDATE SET subject = excluded.subject,
                 cause = excluded.cause, request = excluded.request,
                 conclusion = excluded.conclusion, updated_at = excluded.updated_at,
                 updated_by = excluded.updated_by",
            params![t.subject, t.cause, t.request, t.conclusion, now, uid],
        )?;
        w.audit(AuditAction::Update, "letter_template", Some("referral"), "")?;
        w.commit()?;
        Ok(())
    }

    // ---- referrals ------------------------------------------------------------------

    fn fill_template(
        &self,
        t: &LetterText,
        case_id: Uuid,
        agency: &Agency,
        n: &NewReferral,
    ) -> Result<LetterText> {
        let (case_no, title, first, last, domains): (String, String, String, String, String) =
            self.conn().query_row(
                "SELECT c.case_no, p.title, p.first_name, p.last_name, c.problem_domains
                 FROM cases c JOIN people p ON p.id = c.person_id WHERE c.id = ?1",
                [case_id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )?;
        let client = if n.shared.contains(&SharedPart::Identity) {
            format!("{title}{first} {last}")
        } else {
            "ผู้รับบริการ".to_owned()
        };
        let domains: Vec<ProblemDomain> = serde_json::from_str(&domains).unwrap_or_default();
        let problems = if n.shared.contains(&SharedPart::Problems) && !domains.is_empty() {
            domains
                .iter()
                .map(|d| d.label_th())
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            "ต่าง ๆ".to_owned()
        };
        let fill = |s: &str| {
            s.replace("{office_name}", &self.office().name)
                .replace("{agency_name}", &agency.name)
                .replace("{client}", &client)
                .replace("{problems}", &problems)
                .replace("{requested}", &n.requested)
                .replace("{case_no}", &case_no)
        };
        Ok(LetterText {
            subject: fill(&t.subject),
            cause: fill(&t.cause),
            request: fill(&t.request),
            conclusion: fill(&t.conclusion),
            refer_to: fill(&t.refer_to),
        })
    }

    fn agency(&self, id: Uuid) -> Result<Agency> {
        self.conn()
            .query_row(
                &format!("SELECT {AGENCY_COLS} FROM agencies a WHERE a.id = ?1"),
                [id.to_string()],
                |r| agency_row(r, 0),
            )
            .optional()?
            .ok_or(CoreError::NotFound)
    }

    /// Starts a referral (a draft) from a case; the letter text comes from the office's
    /// template and stays editable until the letter is sent.
    pub fn create_referral(&mut self, case_id: Uuid, n: &NewReferral) -> Result<Referral> {
        self.require(WRITERS)?;
        let requested = validate::required(&n.requested, validate::MAX_TEXT, true)
            .map_err(|p| CoreError::field("requested", p))?;
        if n.shared.is_empty() {
            return Err(CoreError::field("shared", FieldProblem::Required));
        }
        let agency = self.agency(n.agency_id)?;
        if !agency.active {
            return Err(CoreError::field("agency_id", FieldProblem::NotAChoice));
        }
        let (stage, _) = self.case_stage(case_id)?;
        if stage == CaseStatus::Closed {
            return Err(CoreError::Transition("closed"));
        }
        let mut shared = n.shared.clone();
        shared.sort();
        shared.dedup();
        let n = NewReferral {
            requested,
            shared,
            ..n.clone()
        };
        let text = self.fill_template(&self.letter_template()?, case_id, &agency, &n)?;
        let id = Uuid::now_v7();
        let now = self.now();
        let today = self.today();
        let uid = self.user().id;
        let body = serde_json::to_string(&text).expect("serialisable");
        self.record_with(
            case_id,
            &[CaseEventBody::ReferralChanged {
                agency: agency.name.clone(),
                to: ReferralStatus::Draft,
                letter_no: None,
                note: n.requested.clone(),
                answered_by: None,
            }],
            None,
            |tx| {
                tx.execute(
                    "INSERT INTO referrals (id, case_id, agency_id, status, urgency, secrecy,
                         requested, legal_basis, shared, subject, body, created_at, created_by,
                         updated_at)
                     VALUES (?1, ?2, ?3, 'draft', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?11)",
                    params![
                        id.to_string(),
                        case_id.to_string(),
                        agency.id.to_string(),
                        n.urgency.as_str(),
                        n.secrecy.map(Secrecy::as_str),
                        n.requested,
                        n.legal_basis.as_str(),
                        serde_json::to_string(&n.shared).expect("serialisable"),
                        text.subject,
                        body,
                        now,
                        uid.to_string()
                    ],
                )?;
                insert_event(tx, id, &now, today, uid, None, ReferralStatus::Draft, "")?;
                Ok(())
            },
        )?;
        self.referral(id)
    }

    /// Edits a draft: what is asked, the basis, what is shared, and the letter text.
    pub fn update_referral_draft(
        &mut self,
        id: Uuid,
        n: &NewReferral,
        text: &LetterText,
    ) -> Result<Referral> {
        self.require(WRITERS)?;
        let r = self.referral_row(id)?;
        if r.status != ReferralStatus::Draft {
            return Err(CoreError::Transition("referral_sent"));
        }
        let requested = validate::required(&n.requested, validate::MAX_TEXT, true)
            .map_err(|p| CoreError::field("requested", p))?;
        if n.shared.is_empty() {
            return Err(CoreError::field("shared", FieldProblem::Required));
        }
        let agency = self.agency(n.agency_id)?;
        let text = check_letter_text(text)?;
        let mut shared = n.shared.clone();
        shared.sort();
        shared.dedup();
        let mut w = self.begin()?;
        w.execute(
            "UPDATE referrals SET agency_id = ?2, urgency = ?3, secrecy = ?4, requested = ?5,
                 legal_basis = ?6, shared = ?7, subject = ?8, body = ?9, updated_at = ?10
             WHERE id = ?1 AND status = 'draft'",
            params![
                id.to_string(),
                agency.id.to_string(),
                n.urgency.as_str(),
                n.secrecy.map(Secrecy::as_str),
                requested,
                n.legal_basis.as_str(),
                serde_json::to_string(&shared).expect("serialisable"),
                text.subject,
                serde_json::to_string(&text).expect("serialisable"),
                w.now()
            ],
        )?;
        w.audit(
            AuditAction::Update,
            "referral",
            Some(&id.to_string()),
            "draft",
        )?;
        w.commit()?;
        self.referral(id)
    }

    /// Sends: takes the next number of this PC's letter register, dates the letter, and
    /// sets when a reply is expected (deadline rules in force on the sending date). All in
    /// one transaction — a number is never taken without its letter, nor reused.
    pub fn send_referral(&mut self, id: Uuid, letter_date: NaiveDate) -> Result<Referral> {
        self.require(WRITERS)?;
        let r = self.referral_row(id)?;
        if r.status != ReferralStatus::Draft {
            return Err(CoreError::Transition("referral_sent"));
        }
        let today = self.today();
        if letter_date > today || letter_date < today - Duration::days(30) {
            return Err(CoreError::field("letter_date", FieldProblem::OutOfRange));
        }
        let settings = self.letter_settings()?;
        let agency = self.agency(r.agency_id)?;
        let rules = self.deadline_rules()?;
        let urgency: String = self.conn().query_row(
            "SELECT urgency FROM cases WHERE id = ?1",
            [r.case_id.to_string()],
            |x| x.get(0),
        )?;
        let urgency = Urgency::parse(&urgency).unwrap_or(Urgency::Normal);
        let remind = deadlines::days_for(&rules, Milestone::ReferralReminder, urgency, letter_date)
            .unwrap_or(15);
        let expected = letter_date + Duration::days(i64::from(remind));
        let year = thai_date::be_year(letter_date);
        let now = self.now();
        let uid = self.user().id;
        let mut issued = 0u32;
        let subject = r.subject.clone();
        let prefix = settings.ref_prefix.clone();
        self.record_with(
            r.case_id,
            &[CaseEventBody::ReferralChanged {
                agency: agency.name.clone(),
                to: ReferralStatus::Sent,
                letter_no: None,
                note: String::new(),
                answered_by: None,
            }],
            None,
            |tx| {
                issued = numbering::next_number(tx, Series::Letter, year)?;
                tx.execute(
                    "INSERT INTO letter_register (be_year, number, letter_date, issued_at,
                         issued_by, referral_id, recipient, subject)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    params![
                        year,
                        issued,
                        fmt_date(letter_date),
                        now,
                        uid.to_string(),
                        id.to_string(),
                        agency.head_position,
                        subject
                    ],
                )?;
                tx.execute(
                    "UPDATE referrals SET status = 'sent', letter_year = ?2, letter_no = ?3,
                         letter_date = ?4, sent_on = ?4, expected_reply_on = ?5, updated_at = ?6
                     WHERE id = ?1 AND status = 'draft'",
                    params![
                        id.to_string(),
                        year,
                        issued,
                        fmt_date(letter_date),
                        fmt_date(expected),
                        now
                    ],
                )?;
                insert_event(
                    tx,
                    id,
                    &now,
                    letter_date,
                    uid,
                    Some(ReferralStatus::Draft),
                    ReferralStatus::Sent,
                    &if settings.thai_digits {
                        thai_date::thai_digits(&format!("{prefix}/{issued}"))
                    } else {
                        format!("{prefix}/{issued}")
                    },
                )?;
                Ok(())
            },
        )?;
        tracing::info!(referral = %id, number = issued, "referral letter registered");
        self.referral(id)
    }

    /// Records what happened to a sent referral (from the reply slip, a phone call, or —
    /// when the agency runs Raksa — the synced reply).
    pub fn change_referral(&mut self, id: Uuid, c: &ReferralChange) -> Result<Referral> {
        self.require(WRITERS)?;
        let r = self.referral_row(id)?;
        if !allowed(r.status).contains(&c.to) {
            return Err(CoreError::Transition("referral_step"));
        }
        let note = validate::text(&c.note, validate::MAX_TEXT, true)
            .map_err(|p| CoreError::field("note", p))?;
        if matches!(c.to, ReferralStatus::Declined | ReferralStatus::Withdrawn) && note.is_empty() {
            return Err(CoreError::field("note", FieldProblem::Required));
        }
        if c.on > self.today() {
            return Err(CoreError::field("on", FieldProblem::DateInFuture));
        }
        if r.letter_date.is_some_and(|d| c.on < d) {
            return Err(CoreError::field("on", FieldProblem::DateBeforeStart));
        }
        let agency = self.agency(r.agency_id)?;
        let now = self.now();
        let uid = self.user().id;
        let first_reply = awaiting_reply(r.status)
            && matches!(
                c.to,
                ReferralStatus::Received | ReferralStatus::Accepted | ReferralStatus::Declined
            );
        let letter_no = r.letter_no.map(|n| n.to_string());
        self.record_with(
            r.case_id,
            &[CaseEventBody::ReferralChanged {
                agency: agency.name,
                to: c.to,
                letter_no,
                note: note.clone(),
                answered_by: None,
            }],
            None,
            |tx| {
                tx.execute(
                    "UPDATE referrals SET status = ?2, updated_at = ?3,
                         replied_on = CASE WHEN ?4 THEN ?5 ELSE replied_on END
                     WHERE id = ?1",
                    params![
                        id.to_string(),
                        c.to.as_str(),
                        now,
                        first_reply,
                        fmt_date(c.on)
                    ],
                )?;
                insert_event(tx, id, &now, c.on, uid, Some(r.status), c.to, &note)?;
                Ok(())
            },
        )?;
        self.referral(id)
    }

    fn referral_row(&self, id: Uuid) -> Result<RawReferral> {
        self.conn()
            .query_row(
                "SELECT r.case_id, r.agency_id, r.status, r.letter_date, r.letter_no, r.subject
                 FROM referrals r WHERE r.id = ?1",
                [id.to_string()],
                |x| {
                    Ok(RawReferral {
                        case_id: uuid_col(x, 0)?,
                        agency_id: uuid_col(x, 1)?,
                        status: ReferralStatus::parse(&x.get::<_, String>(2)?)
                            .ok_or_else(|| corrupt("status"))?,
                        letter_date: opt_date(x.get(3)?)?,
                        letter_no: x.get(4)?,
                        subject: x.get(5)?,
                    })
                },
            )
            .optional()?
            .ok_or(CoreError::NotFound)
    }

    /// One referral with its history (audited as a read).
    pub fn referral(&self, id: Uuid) -> Result<Referral> {
        let settings = self.letter_settings()?;
        let rules = self.deadline_rules()?;
        let mut r = self
            .conn()
            .query_row(
                &format!(
                    "SELECT r.id, r.case_id, c.case_no, r.status, r.urgency, r.secrecy,
                            r.requested, r.legal_basis, r.shared, r.body, r.letter_no,
                            r.letter_date, r.expected_reply_on, r.replied_on, c.urgency,
                            {AGENCY_COLS}
                     FROM referrals r JOIN cases c ON c.id = r.case_id
                     JOIN agencies a ON a.id = r.agency_id WHERE r.id = ?1"
                ),
                [id.to_string()],
                |x| referral_from_row(x, &settings, &rules),
            )
            .optional()?
            .ok_or(CoreError::NotFound)?;
        r.overdue = r.overdue_on.is_some_and(|d| d < self.today());
        r.events = self
            .conn()
            .prepare_cached(
                "SELECT e.at, e.on_date, u.full_name, e.from_status, e.to_status, e.note
                 FROM referral_events e JOIN users u ON u.id = e.user_id
                 WHERE e.referral_id = ?1 ORDER BY e.at, e.id",
            )?
            .query_map([id.to_string()], |x| {
                Ok(ReferralEvent {
                    at: x.get(0)?,
                    on_date: session::date_col(x, 1)?,
                    by: x.get(2)?,
                    from: x
                        .get::<_, Option<String>>(3)?
                        .as_deref()
                        .and_then(ReferralStatus::parse),
                    to: ReferralStatus::parse(&x.get::<_, String>(4)?)
                        .ok_or_else(|| corrupt("status"))?,
                    note: x.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        self.audit(
            crate::audit::Access::Read,
            "referral",
            Some(&id.to_string()),
            "",
        )?;
        Ok(r)
    }

    pub fn case_referrals(&self, case_id: Uuid) -> Result<Vec<Referral>> {
        let ids: Vec<String> = self
            .conn()
            .prepare_cached("SELECT id FROM referrals WHERE case_id = ?1 ORDER BY created_at")?
            .query_map([case_id.to_string()], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.iter()
            .map(|s| {
                let id = Uuid::parse_str(s).map_err(|_| CoreError::Corrupt("id".into()))?;
                self.referral(id)
            })
            .collect()
    }

    /// Referral deadlines for the work lists: each sent referral without a reply yet is due
    /// for a reminder, then overdue, by the rules in force on its sending date.
    pub(crate) fn referral_due_items(&self, mine: bool) -> Result<Vec<DueItem>> {
        let rules = self.deadline_rules()?;
        let today = self.today();
        let filter = if mine {
            "AND c.assigned_to = ?1"
        } else {
            "AND ?1 IS NOT NULL"
        };
        let sql = format!(
            "SELECT {}, r.id AS r_id, r.sent_on AS r_sent_on, a.name AS a_name
             FROM referrals r JOIN cases c ON c.id = r.case_id
             JOIN people p ON p.id = c.person_id LEFT JOIN users u ON u.id = c.assigned_to
             JOIN agencies a ON a.id = r.agency_id
             WHERE r.status = 'sent' {filter}",
            session::CASE_COLS
        );
        let mut stmt = self.conn().prepare(&sql)?;
        let rows = stmt.query_map([self.user().id.to_string()], |x| {
            Ok((
                session::case_row(x)?,
                uuid_col(x, "r_id")?,
                session::date_col(x, "r_sent_on")?,
                x.get::<_, String>("a_name")?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (case, rid, sent, agency) = row?;
            let remind =
                deadlines::days_for(&rules, Milestone::ReferralReminder, case.urgency, sent)
                    .unwrap_or(15);
            let reply = deadlines::days_for(&rules, Milestone::ReferralReply, case.urgency, sent)
                .unwrap_or(30);
            let remind_on = sent + Duration::days(i64::from(remind));
            let (m, due) = if today < remind_on {
                (Milestone::ReferralReminder, remind_on)
            } else {
                (
                    Milestone::ReferralReply,
                    sent + Duration::days(i64::from(reply)),
                )
            };
            out.push(DueItem {
                case_id: case.id,
                case_no: case.case_no.clone(),
                person_name: case.person_name.clone(),
                assigned_to: case.assigned_to.clone(),
                stage: case.status,
                urgency: case.urgency,
                milestone: m,
                due_date: due,
                state: deadlines::due_state(due, today),
                days_late: (today - due).num_days(),
                referral_id: Some(rid),
                note: Some(agency),
            });
        }
        Ok(out)
    }

    /// The referral a register number was issued to (`123/2569` → year 2569, number 123).
    pub fn referral_by_register(&self, be_year: i32, number: u32) -> Result<Uuid> {
        let id: Option<String> = self
            .conn()
            .query_row(
                "SELECT referral_id FROM letter_register WHERE be_year = ?1 AND number = ?2",
                params![be_year, number],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        id.and_then(|s| Uuid::parse_str(&s).ok())
            .ok_or(CoreError::NotFound)
    }

    /// The outgoing letter register of a year.
    pub fn letter_register(&self, be_year: i32) -> Result<Vec<RegisterEntry>> {
        self.require(&[Role::Supervisor, Role::Admin, Role::CaseWorker])?;
        self.conn()
            .prepare(
                "SELECT g.be_year, g.number, g.letter_date, g.recipient, g.subject,
                        g.referral_id, u.full_name
                 FROM letter_register g JOIN users u ON u.id = g.issued_by
                 WHERE g.be_year = ?1 ORDER BY g.number",
            )?
            .query_map([be_year], |x| {
                Ok(RegisterEntry {
                    be_year: x.get(0)?,
                    number: x.get(1)?,
                    letter_date: session::date_col(x, 2)?,
                    recipient: x.get(3)?,
                    subject: x.get(4)?,
                    referral_id: x
                        .get::<_, Option<String>>(5)?
                        .and_then(|s| Uuid::parse_str(&s).ok()),
                    issued_by: x.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(Into::into)
    }

    // ---- the letter as a document ---------------------------------------------------

    /// The letter and referral form of a referral, ready to print (audited as an export:
    /// it carries personal data out of the system).
    pub fn referral_letter_pdf(&self, id: Uuid) -> Result<Vec<u8>> {
        let (letter, form, thai) = self.referral_document(id)?;
        let pdf = raksa_letter::render(&letter, Some(&form), thai).map_err(|e| match e {
            raksa_letter::LetterError::BadEmblem => {
                CoreError::field("emblem", FieldProblem::FileTypeNotAllowed)
            }
            raksa_letter::LetterError::Pdf(m) => CoreError::Corrupt(m),
        })?;
        self.audit(
            crate::audit::Access::Export,
            "referral",
            Some(&id.to_string()),
            "letter pdf",
        )?;
        Ok(pdf)
    }

    /// Builds the letter and the referral form as data. Only the parts the referral chose
    /// to share appear in the form.
    pub fn referral_document(
        &self,
        id: Uuid,
    ) -> Result<(raksa_letter::Letter, raksa_letter::ReferralForm, bool)> {
        let r = self.referral(id)?;
        let s = self.letter_settings()?;
        let digits = |t: &str| {
            if s.thai_digits {
                thai_date::thai_digits(t)
            } else {
                t.to_owned()
            }
        };
        let case = self.get_case(r.case_id)?;
        let person = self.get_person(case.case.person_id)?.person;
        let date = r.letter_date.unwrap_or_else(|| self.today());
        let number = r
            .letter_no
            .clone()
            .unwrap_or_else(|| format!("{}/(ร่าง)", s.ref_prefix));
        let office = &self.office();
        let mut office_lines = vec![office.name.clone()];
        office_lines.extend(office.address.split('\n').map(str::to_owned));
        let shared = |p: SharedPart| r.shared.contains(&p);
        let mut enclosures = vec!["แบบส่งต่อผู้รับบริการ พร้อมแบบตอบกลับ จำนวน 1 ชุด".to_owned()];
        if shared(SharedPart::Household) {
            enclosures.push("ข้อมูลสมาชิกครัวเรือน (ในแบบส่งต่อ)".to_owned());
        }
        let mut footer = Vec::new();
        if !s.owning_unit.is_empty() {
            footer.push(s.owning_unit.clone());
        }
        if !s.phone.is_empty() {
            footer.push(format!("โทร. {}", s.phone));
        }
        if !s.fax.is_empty() {
            footer.push(format!("โทรสาร {}", s.fax));
        }
        if !s.email.is_empty() {
            footer.push(format!("ไปรษณีย์อิเล็กทรอนิกส์ {}", s.email));
        }
        let letter = raksa_letter::Letter {
            urgency: r.urgency.mark_th().map(str::to_owned),
            secrecy: r.secrecy.map(|x| x.mark_th().to_owned()),
            emblem: self.emblem()?,
            reference: digits(&format!("ที่ {number}")),
            office: office_lines.iter().map(|l| digits(l)).collect(),
            date: digits(&thai_date::format_be_long(date)),
            subject: digits(&r.letter.subject),
            recipient: r.agency.head_position.clone(),
            refer_to: (!r.letter.refer_to.is_empty()).then(|| digits(&r.letter.refer_to)),
            enclosures: enclosures.iter().map(|e| digits(e)).collect(),
            body: [&r.letter.cause, &r.letter.request, &r.letter.conclusion]
                .iter()
                .map(|p| digits(p))
                .collect(),
            closing: "ขอแสดงความนับถือ".into(),
            signer_name: if s.signer_name.is_empty() {
                self.user().full_name.clone()
            } else {
                s.signer_name.clone()
            },
            signer_position: vec![if s.signer_position.is_empty() {
                self.user().position.clone()
            } else {
                s.signer_position.clone()
            }],
            acting_for: (!s.acting_for.is_empty()).then(|| s.acting_for.clone()),
            footer: footer.iter().map(|f| digits(f)).collect(),
            copy_to: None,
        };

        // The referral form: the minimum needed, as chosen.
        let today = self.today();
        let mut client = Vec::new();
        if shared(SharedPart::Identity) {
            client.push((
                "ชื่อ–สกุล".to_owned(),
                format!("{}{} {}", person.title, person.first_name, person.last_name),
            ));
            if let Some(b) = person.birth_date {
                client.push((
                    "อายุ".to_owned(),
                    format!("{} ปี", thai_date::age_on(b, today)),
                ));
            }
            client.push((
                "เพศ".to_owned(),
                match person.sex {
                    Sex::Male => "ชาย",
                    Sex::Female => "หญิง",
                    Sex::Unspecified => "ไม่ระบุ",
                }
                .to_owned(),
            ));
        } else {
            client.push((
                "ผู้รับบริการ".to_owned(),
                "ไม่เปิดเผยชื่อ (ติดต่อผู้ส่งต่อเพื่อยืนยันตัวบุคคล)".to_owned(),
            ));
        }
        if shared(SharedPart::CitizenId) {
            client.push((
                "เลขประจำตัวประชาชน".to_owned(),
                match &person.identity {
                    crate::identity::Identity::CitizenId { number } => {
                        crate::identity::format_citizen_id(number)
                    }
                    crate::identity::Identity::GCode { code } => code.clone(),
                    crate::identity::Identity::NoId { .. } => "ไม่มีเลขประจำตัว".into(),
                },
            ));
        }
        let mut sections = vec![raksa_letter::FormSection {
            title: "1. ข้อมูลผู้รับบริการ".into(),
            rows: client,
        }];
        let mut contact = Vec::new();
        if shared(SharedPart::Address) {
            let place = person.place_label.clone().unwrap_or_default();
            contact.push((
                "ที่อยู่".to_owned(),
                format!(
                    "{} {} {}",
                    person.address_text,
                    place,
                    person.postcode.clone().unwrap_or_default()
                )
                .trim()
                .to_owned(),
            ));
        }
        if shared(SharedPart::Phone) && !person.phone.is_empty() {
            contact.push(("โทรศัพท์".to_owned(), person.phone.clone()));
        }
        if !contact.is_empty() {
            sections.push(raksa_letter::FormSection {
                title: "2. ที่อยู่และการติดต่อ".into(),
                rows: contact,
            });
        }
        let mut problem = Vec::new();
        if shared(SharedPart::Problems) {
            problem.push(("สภาพปัญหา".to_owned(), case.case.summary.clone()));
            problem.push((
                "ประเภทผู้รับบริการ".to_owned(),
                case.target_groups
                    .iter()
                    .map(|g| g.label_th())
                    .collect::<Vec<_>>()
                    .join(", "),
            ));
            problem.push((
                "ด้านของปัญหา".to_owned(),
                case.problem_domains
                    .iter()
                    .map(|d| d.label_th())
                    .collect::<Vec<_>>()
                    .join(", "),
            ));
        }
        if shared(SharedPart::Risk) {
            problem.push((
                "ระดับความเสี่ยง".to_owned(),
                case.case.urgency.label_th().to_owned(),
            ));
        }
        if !problem.is_empty() {
            sections.push(raksa_letter::FormSection {
                title: "3. สภาพปัญหาและระดับความเสี่ยง".into(),
                rows: problem,
            });
        }
        if shared(SharedPart::Household)
            && let Some(h) = self.person_household(person.id)?
        {
            let rows = h
                .current()
                .filter(|m| m.person_id != person.id)
                .map(|m| {
                    (
                        Relationship::label_th(m.relationship).to_owned(),
                        m.age.map(|a| format!("อายุ {a} ปี")).unwrap_or_default(),
                    )
                })
                .collect::<Vec<_>>();
            sections.push(raksa_letter::FormSection {
                title: "4. สมาชิกในครัวเรือน (ความสัมพันธ์และอายุ)".into(),
                rows: if rows.is_empty() {
                    vec![("สมาชิก".into(), "อยู่ลำพัง".into())]
                } else {
                    rows
                },
            });
        }
        if shared(SharedPart::Assistance) {
            let rows: Vec<(String, String)> = case
                .events
                .iter()
                .filter_map(|e| match &e.body {
                    CaseEventBody::Assistance {
                        given_on,
                        description,
                        amount_baht,
                        funding,
                        ..
                    } => Some((
                        thai_date::format_be_short(*given_on),
                        format!(
                            "{description}{}{}",
                            amount_baht.map(|a| format!(" {a} บาท")).unwrap_or_default(),
                            if funding.is_empty() {
                                String::new()
                            } else {
                                format!(" ({funding})")
                            }
                        ),
                    )),
                    _ => None,
                })
                .collect();
            sections.push(raksa_letter::FormSection {
                title: "5. ความช่วยเหลือที่ได้รับแล้ว".into(),
                rows: if rows.is_empty() {
                    vec![("รายการ".into(), "ยังไม่มี".into())]
                } else {
                    rows
                },
            });
        }
        sections.push(raksa_letter::FormSection {
            title: "6. ความช่วยเหลือที่ขอให้ดำเนินการ".into(),
            rows: vec![("รายการ".into(), r.requested.clone())],
        });
        sections.push(raksa_letter::FormSection {
            title: "7. ฐานในการเปิดเผยข้อมูลส่วนบุคคล".into(),
            rows: vec![("ฐาน".into(), r.legal_basis.label_th().to_owned())],
        });
        sections.push(raksa_letter::FormSection {
            title: "8. ผู้ส่งต่อ".into(),
            rows: vec![
                (
                    "เจ้าหน้าที่".into(),
                    format!("{} {}", self.user().full_name, self.user().position),
                ),
                ("หน่วยงาน".into(), office.name.clone()),
                ("โทร.".into(), s.phone.clone()),
            ],
        });
        for sec in &mut sections {
            sec.title = digits(&sec.title);
            for row in &mut sec.rows {
                row.1 = digits(&row.1);
                row.0 = digits(&row.0);
            }
        }
        let form = raksa_letter::ReferralForm {
            title: "แบบส่งต่อผู้รับบริการ".into(),
            heading: vec![
                ("เลขที่กรณี".into(), digits(&r.case_no)),
                ("อ้างถึงหนังสือ".into(), digits(&format!("ที่ {number}"))),
                ("วันที่ส่งต่อ".into(), digits(&thai_date::format_be_long(date))),
                ("ถึง".into(), r.agency.name.clone()),
            ],
            sections,
            reply_slip: raksa_letter::ReplySlip {
                cut_line: "ตัดตามรอยประ แล้วส่งแบบตอบกลับคืนผู้ส่งต่อ".into(),
                title: "แบบตอบกลับการส่งต่อ".into(),
                reference: vec![
                    digits(&format!(
                        "อ้างถึงหนังสือ ที่ {number} ลงวันที่ {}",
                        thai_date::format_be_long(date)
                    )),
                    digits(&format!("เลขที่กรณี {}", r.case_no)),
                ],
                blanks: vec![
                    "วันที่รับเรื่อง".into(),
                    "ผลการดำเนินการ".into(),
                    " ".into(),
                    "ผู้รับผิดชอบ".into(),
                    "โทร.".into(),
                ],
                choices: vec!["ยุติการช่วยเหลือ".into(), "ต้องติดตามต่อ".into()],
                return_to: {
                    let mut v = vec!["ส่งกลับ".to_owned(), office.name.clone()];
                    v.extend(office.address.split('\n').map(&digits));
                    v
                },
            },
            thai_digits: s.thai_digits,
        };
        Ok((letter, form, s.thai_digits))
    }
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

/// A referral another Raksa office sent to this one.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct IncomingReferral {
    pub id: Uuid,
    pub from_office: String,
    /// `new` until this office answers, then the latest answer.
    pub status: String,
    pub urgency: Option<LetterUrgency>,
    pub requested: String,
    pub letter: Option<LetterText>,
    /// The sender's register number, `123/2569`.
    pub register_no: Option<String>,
    #[ts(type = "string | null")]
    pub letter_date: Option<NaiveDate>,
    pub received_at: String,
    /// The sender withdrew it.
    pub withdrawn: bool,
}

/// An answer to an incoming referral.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReferralReply {
    pub status: ReferralStatus,
    #[ts(type = "string")]
    pub on: NaiveDate,
    pub note: String,
}

impl Session {
    /// Referrals other offices addressed to this one (audited as a read).
    pub fn incoming_referrals(&self) -> Result<Vec<IncomingReferral>> {
        let rows: Vec<(String, String, String, String, String)> = self
            .conn()
            .prepare(
                "SELECT id, from_office, fields, status, received_at FROM incoming_referrals
                 ORDER BY received_at DESC",
            )?
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::new();
        for (id, from, fields, status, received) in rows {
            let f: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(&fields).map_err(|e| CoreError::Corrupt(e.to_string()))?;
            let text = |k: &str| f.get(k).and_then(|v| v.as_str()).unwrap_or("").to_owned();
            let sender_status = text("status");
            out.push(IncomingReferral {
                id: Uuid::parse_str(&id).map_err(|_| CoreError::Corrupt("id".into()))?,
                from_office: from,
                withdrawn: sender_status == "withdrawn",
                status,
                urgency: LetterUrgency::parse(&text("urgency")),
                requested: text("requested"),
                letter: serde_json::from_str(&text("body")).ok(),
                register_no: match (f.get("letter_no"), f.get("letter_year")) {
                    (Some(n), Some(y)) if !n.is_null() && !y.is_null() => Some(format!("{n}/{y}")),
                    _ => None,
                },
                letter_date: NaiveDate::parse_from_str(&text("letter_date"), "%Y-%m-%d").ok(),
                received_at: received,
            });
        }
        self.audit(
            crate::audit::Access::Read,
            "incoming_referral",
            None,
            "list",
        )?;
        Ok(out)
    }

    /// Answers an incoming referral; the answer travels back to the sender with the next sync.
    pub fn reply_to_referral(&mut self, id: Uuid, reply: &ReferralReply) -> Result<()> {
        self.require(WRITERS)?;
        use ReferralStatus::*;
        if !matches!(
            reply.status,
            Received | Accepted | Declined | ServiceDelivered | FeedbackReceived
        ) {
            return Err(CoreError::field("status", FieldProblem::NotAChoice));
        }
        let note = validate::text(&reply.note, validate::MAX_TEXT, true)
            .map_err(|p| CoreError::field("note", p))?;
        if reply.status == Declined && note.is_empty() {
            return Err(CoreError::field("note", FieldProblem::Required));
        }
        if reply.on > self.today() {
            return Err(CoreError::field("on", FieldProblem::DateInFuture));
        }
        let current: String = self
            .conn()
            .query_row(
                "SELECT status FROM incoming_referrals WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(CoreError::NotFound)?;
        // The same rule the central server applies to this answer (raksa-domain).
        // `new` is how this office files a referral still waiting for its first answer.
        let from = match current.as_str() {
            "new" => Some(ReferralStatus::Sent),
            other => ReferralStatus::parse(other),
        };
        if !from.is_some_and(|from| raksa_domain::referral::reply_allowed(from, reply.status)) {
            return Err(CoreError::Transition("referral_step"));
        }
        let now = self.now();
        let office = self.office().letter_code.clone();
        let name = format!("{} {}", self.user().full_name, self.user().position);
        let mut tx = self.begin()?;
        tx.execute(
            "INSERT INTO referral_replies (id, referral_id, from_office, status, on_date, note,
                 by_name, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                Uuid::now_v7().to_string(),
                id.to_string(),
                office,
                reply.status.as_str(),
                fmt_date(reply.on),
                note,
                name,
                now
            ],
        )?;
        tx.execute(
            "UPDATE incoming_referrals SET status = ?2, updated_at = ?3 WHERE id = ?1",
            params![id.to_string(), reply.status.as_str(), now],
        )?;
        tx.audit(
            AuditAction::Update,
            "incoming_referral",
            Some(&id.to_string()),
            reply.status.as_str(),
        )?;
        tx.commit()?;
        Ok(())
    }
}
