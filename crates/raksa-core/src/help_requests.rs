//! The office inbox of requests for help (issue 15 §6). Requests arrive by pull, routed to
//! this office on the server (from the 1300 centre, a volunteer or a partner app); the
//! office answers each once: **accept** (a case opened for a registered person, pre-filled
//! from the request), **pass on** to another office with a reason, or **close** with a
//! reason. The step is a change of the request's status fields, synced; the server checks
//! it again (`raksa_domain::help_request::step_allowed`) and tells the requester. A request
//! is late when no step was taken within the first-response rule
//! (`Milestone::RequestResponse`, dated like the other deadlines).

use chrono::NaiveDate;
use raksa_domain::deadlines;
use raksa_domain::form::GpsPoint;
use raksa_domain::help_request::{
    self, CoreIssue, Reporter as RequestReporter, RequestChannel, RequestStatus,
};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::audit::AuditAction;
use crate::error::{CoreError, FieldErrors, FieldProblem, Result};
use crate::model::*;
use crate::session::{self, Session};
use crate::validate;

/// One step in a request's history, as the server recorded it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RequestStep {
    pub at: String,
    pub status: String,
    #[serde(default)]
    pub office: Option<String>,
    #[serde(default)]
    pub note: String,
}

/// A request for help in the office inbox.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct HelpRequestItem {
    pub id: Uuid,
    pub channel: RequestChannel,
    pub received_at: String,
    pub urgency: Urgency,
    pub core_issues: Vec<CoreIssue>,
    pub status: RequestStatus,
    pub sensitive: bool,
    /// Sensitive and this user is not a supervisor or administrator: who and what is
    /// withheld (the request exists, its issues and urgency show).
    pub restricted: bool,
    pub reporter: Option<RequestReporter>,
    pub person_name: String,
    pub person_citizen_id: String,
    pub person_age: Option<u8>,
    pub person_sex: Option<Sex>,
    pub subdistrict_code: Option<String>,
    /// Sub-district, district and province names.
    pub place: String,
    pub address_text: String,
    pub gps: Option<GpsPoint>,
    pub details: String,
    pub photos: u32,
    pub case_id: Option<Uuid>,
    pub status_note: String,
    pub history: Vec<RequestStep>,
    /// The first response is due by this day (Asia/Bangkok).
    #[ts(type = "string")]
    pub due_on: NaiveDate,
    /// Still waiting for a step after its due day.
    pub late: bool,
}

const COLS: &str = "id, channel, received_at, urgency, core_issues, status, sensitive, reporter,
    person_name, person_citizen_id, person_age, person_sex, subdistrict_code, address_text,
    gps_lat, gps_lon, details, photos, case_id, status_note, history";

fn place_name(code: &str) -> String {
    let places = raksa_domain::places::places();
    [code.get(..6), code.get(..4), code.get(..2)]
        .into_iter()
        .flatten()
        .filter_map(|c| places.get(c))
        .map(|p| p.name_th.clone())
        .collect::<Vec<_>>()
        .join(" ")
}

impl Session {
    fn may_see_sensitive(&self) -> bool {
        matches!(self.user().role, Role::Supervisor | Role::Admin)
    }

    fn request_rows(
        &self,
        filter: &str,
        args: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<HelpRequestItem>> {
        let rules = self.deadline_rules()?;
        let today = self.today();
        let see_all = self.may_see_sensitive();
        let mut stmt = self
            .conn()
            .prepare(&format!("SELECT {COLS} FROM help_requests {filter}"))?;
        let rows = stmt.query_map(args, |r| {
            let text = |i: usize| -> rusqlite::Result<String> {
                Ok(r.get::<_, Option<String>>(i)?.unwrap_or_default())
            };
            let received_at: String = r.get(2)?;
            let urgency = Urgency::parse(&text(3)?).unwrap_or(Urgency::Normal);
            let status = RequestStatus::parse(&text(5)?).unwrap_or(RequestStatus::Received);
            let sensitive: bool = r.get(6)?;
            let restricted = sensitive && !see_all;
            let received_on = raksa_domain::thai_date::day_of(&received_at).unwrap_or(today);
            let due_on = deadlines::request_response_due(&rules, urgency, received_on);
            let hide = |s: String| if restricted { String::new() } else { s };
            let sub: Option<String> = r.get(12)?;
            Ok(HelpRequestItem {
                id: session::uuid_col(r, 0)?,
                channel: RequestChannel::parse(&text(1)?).unwrap_or(RequestChannel::Partner),
                received_at,
                urgency,
                core_issues: serde_json::from_str::<Vec<String>>(&text(4)?)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|s| CoreIssue::parse(s))
                    .collect(),
                status,
                sensitive,
                restricted,
                reporter: if restricted {
                    None
                } else {
                    r.get::<_, Option<String>>(7)?
                        .and_then(|s| serde_json::from_str(&s).ok())
                },
                person_name: hide(text(8)?),
                person_citizen_id: hide(text(9)?),
                person_age: r
                    .get::<_, Option<i64>>(10)?
                    .and_then(|a| u8::try_from(a).ok()),
                person_sex: match text(11)?.as_str() {
                    "male" => Some(Sex::Male),
                    "female" => Some(Sex::Female),
                    "unspecified" => Some(Sex::Unspecified),
                    _ => None,
                },
                place: sub.as_deref().map(place_name).unwrap_or_default(),
                subdistrict_code: sub,
                address_text: hide(text(13)?),
                gps: match (r.get::<_, Option<f64>>(14)?, r.get::<_, Option<f64>>(15)?) {
                    (Some(lat), Some(lon)) if !restricted => Some(GpsPoint { lat, lon }),
                    _ => None,
                },
                details: hide(text(16)?),
                photos: serde_json::from_str::<Vec<serde_json::Value>>(&text(17)?)
                    .map(|v| v.len() as u32)
                    .unwrap_or(0),
                case_id: r
                    .get::<_, Option<String>>(18)?
                    .and_then(|s| Uuid::parse_str(&s).ok()),
                status_note: text(19)?,
                history: serde_json::from_str(&text(20)?).unwrap_or_default(),
                late: status == RequestStatus::Received && today > due_on,
                due_on,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The inbox: requests waiting for a step (urgent and oldest first), then the ones
    /// answered in the last 30 days. Audited as a read.
    pub fn help_requests(&self) -> Result<Vec<HelpRequestItem>> {
        let since = (self.today() - chrono::Duration::days(30)).to_string();
        let items = self.request_rows(
            "WHERE status = 'received' OR updated_at >= ?1
             ORDER BY status <> 'received',
                      CASE urgency WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 ELSE 2 END,
                      received_at",
            &[&since],
        )?;
        self.audit(crate::audit::Access::Read, "help_request", None, "inbox")?;
        Ok(items)
    }

    /// How many requests wait for a step, and how many of them are urgent (the badge).
    pub fn help_requests_waiting(&self) -> Result<(u32, u32)> {
        Ok(self.conn().query_row(
            "SELECT count(*), count(*) FILTER (WHERE urgency = 'urgent')
             FROM help_requests WHERE status = 'received'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }

    fn waiting_request(&self, id: Uuid) -> Result<HelpRequestItem> {
        let item = self
            .request_rows("WHERE id = ?1", &[&id.to_string()])?
            .pop()
            .ok_or(CoreError::NotFound)?;
        if item.restricted {
            return Err(CoreError::NeedToKnow);
        }
        if item.status != RequestStatus::Received {
            return Err(CoreError::Transition("request_answered"));
        }
        Ok(item)
    }

    /// Accepts a request: a case for `person_id` (found by the duplicate check or just
    /// registered) opened from it — channel, reporter, problems, account, urgency — and the
    /// request marked as having a case, in one unit of work.
    pub fn accept_help_request(&mut self, id: Uuid, person_id: Uuid) -> Result<CaseSummary> {
        let r = self.waiting_request(id)?;
        let (target_groups, problem_domains) = help_request::case_classes(&r.core_issues);
        let issues: Vec<&str> = r.core_issues.iter().map(|i| i.label_th()).collect();
        let summary: String = format!("{}: {}", issues.join(", "), r.details)
            .chars()
            .take(validate::MAX_LINE)
            .collect();
        let input = NewCase {
            person_id,
            channel: help_request::intake_channel(r.channel),
            intake_date: self.today(),
            summary,
            urgency: r.urgency,
            target_groups,
            problem_domains,
            reporter: r.reporter.as_ref().map(|rep| Reporter {
                name: rep.name.clone(),
                relationship: rep.relation.clone(),
                contact: rep.phone.clone(),
            }),
            account: format!(
                "{}\n\n(จากคำขอความช่วยเหลือทาง{} รับเมื่อ {}{})",
                r.details,
                r.channel.label_th(),
                r.received_at,
                if r.address_text.is_empty() {
                    String::new()
                } else {
                    format!(" สถานที่: {}", r.address_text)
                }
            ),
        };
        let mut errs = FieldErrors::default();
        let c = validate::new_case(&input, self.today(), &mut errs);
        errs.into_result()?;
        let c = c.expect("validated");
        let now = self.now();
        let code = self.office().letter_code.clone();
        let uid = self.user().id;
        let mut w = self.begin()?;
        let exists: bool = w.query_row(
            "SELECT EXISTS (SELECT 1 FROM people WHERE id = ?1 AND merged_into IS NULL)",
            [person_id.to_string()],
            |r| r.get(0),
        )?;
        if !exists {
            return Err(CoreError::NotFound);
        }
        let case_id = session::insert_case(&w, &code, uid, &now, &c)?;
        if r.sensitive {
            w.execute(
                "UPDATE cases SET sensitive = 1 WHERE id = ?1",
                [case_id.to_string()],
            )?;
        }
        w.execute(
            "UPDATE help_requests SET status = 'case_opened', case_id = ?2, status_note = ?3,
                    updated_at = ?4
             WHERE id = ?1",
            params![id.to_string(), case_id.to_string(), "", now],
        )?;
        w.audit(
            AuditAction::Create,
            "case",
            Some(&case_id.to_string()),
            &format!("opened from request {id}"),
        )?;
        w.commit()?;
        self.query_cases("WHERE c.id = ?1", &[&case_id.to_string()], 1)?
            .pop()
            .ok_or(CoreError::NotFound)
    }

    /// Passes a request on to the office responsible (its code) with a reason.
    pub fn pass_on_help_request(&mut self, id: Uuid, office: &str, reason: &str) -> Result<()> {
        let office = office.trim();
        if office.is_empty() || office == self.office().letter_code {
            return Err(CoreError::field("office", FieldProblem::LetterCodeFormat));
        }
        validate::letter_code_ok(office).map_err(|p| CoreError::field("office", p))?;
        self.step(id, "passed_on", Some(office), reason)
    }

    /// Closes a request with a reason (no action needed, a duplicate of a case…).
    pub fn close_help_request(&mut self, id: Uuid, reason: &str) -> Result<()> {
        self.step(id, "closed", None, reason)
    }

    fn step(&mut self, id: Uuid, status: &str, pass_to: Option<&str>, reason: &str) -> Result<()> {
        self.waiting_request(id)?;
        let reason = validate::text(reason, validate::MAX_TEXT, true)
            .map_err(|p| CoreError::field("reason", p))?;
        if reason.chars().count() < 10 {
            return Err(CoreError::field("reason", FieldProblem::ReasonTooShort));
        }
        let now = self.now();
        let mut w = self.begin()?;
        w.execute(
            "UPDATE help_requests SET status = ?2, pass_to = ?3, status_note = ?4, updated_at = ?5
             WHERE id = ?1",
            params![id.to_string(), status, pass_to, reason, now],
        )?;
        w.audit(
            AuditAction::Update,
            "help_request",
            Some(&id.to_string()),
            &match pass_to {
                Some(o) => format!("passed on to {o}"),
                None => status.to_owned(),
            },
        )?;
        w.commit()
    }

    /// The request a case was opened from, if any (for the case page).
    pub fn request_of_case(&self, case_id: Uuid) -> Result<Option<Uuid>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT id FROM help_requests WHERE case_id = ?1",
                [case_id.to_string()],
                |r| r.get::<_, String>(0),
            )
            .optional()?
            .and_then(|s| Uuid::parse_str(&s).ok()))
    }
}
