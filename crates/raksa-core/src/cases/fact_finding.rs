//! The electronic fact-finding form (แบบสอบข้อเท็จจริง) of a case: stored answers against the
//! form version the case started with, autosaved drafts (a bad value is reported and left
//! out while every good value is kept), submission with the household snapshot, reopening,
//! and photos/documents kept inside the encrypted database.

use base64::Engine;
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::audit::AuditAction;
use crate::casework::CaseEventBody;
use crate::error::{CoreError, FieldError, FieldErrors, FieldProblem, Result};
use crate::form::{self, AddressValue, Answers, FormDefinition, Mode, SectionProgress};
use crate::household::Household;
use crate::model::{ProblemDomain, Role, TargetGroup};
use crate::session::Session;
use crate::validate;

/// Largest attachment accepted, in bytes.
pub const MAX_ATTACHMENT: usize = 10 * 1024 * 1024;
/// Most attachments one case may hold.
pub const MAX_ATTACHMENTS_PER_CASE: u32 = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FormStatus {
    /// Nothing saved yet; the answers shown are the prefill.
    New,
    Draft,
    Submitted,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AttachmentInfo {
    pub id: Uuid,
    pub field_key: String,
    pub file_name: String,
    pub media_type: String,
    pub size: u32,
    pub created_at: String,
    /// The bytes are on this PC (an attachment made on another PC of the office arrives
    /// as a record first and its bytes with the next sync).
    pub available: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AttachmentContent {
    pub info: AttachmentInfo,
    pub data_base64: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct FactFinding {
    pub case_id: Uuid,
    /// The client the case is about.
    pub person_id: Uuid,
    pub definition: FormDefinition,
    #[ts(type = "Record<string, unknown>")]
    pub answers: Answers,
    pub status: FormStatus,
    pub revision: u32,
    pub updated_at: Option<String>,
    pub submitted_at: Option<String>,
    pub progress: Vec<SectionProgress>,
    pub attachments: Vec<AttachmentInfo>,
    /// The client's current household, for the household section.
    pub household: Option<Household>,
    /// Values refused by the last save (they were not stored; everything else was).
    pub problems: Vec<FieldError>,
}

struct Stored {
    form_id: String,
    version: u32,
    answers: Answers,
    status: FormStatus,
    revision: u32,
    updated_at: String,
    submitted_at: Option<String>,
}

const WRITERS: &[Role] = &[Role::CaseWorker, Role::Supervisor, Role::Admin];

/// Installs the definitions this build ships, once (idempotent).
pub(crate) fn install_shipped(conn: &rusqlite::Connection, now: &str) -> Result<()> {
    for json in form::SHIPPED {
        let def = FormDefinition::parse(json)?;
        conn.execute(
            "INSERT OR IGNORE INTO form_definitions (form_id, version, definition, installed_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![def.form_id, def.version, json, now],
        )?;
    }
    Ok(())
}

fn sniff_media_type(data: &[u8]) -> Option<&'static str> {
    if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if data.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

impl Session {
    /// The definition of one form version.
    pub fn form_definition(&self, form_id: &str, version: u32) -> Result<FormDefinition> {
        let json: String = self
            .conn()
            .query_row(
                "SELECT definition FROM form_definitions WHERE form_id = ?1 AND version = ?2",
                params![form_id, version],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(CoreError::NotFound)?;
        Ok(FormDefinition::parse(&json)?)
    }

    /// The newest installed version of a form.
    pub fn latest_form(&self, form_id: &str) -> Result<FormDefinition> {
        let version: Option<u32> = self.conn().query_row(
            "SELECT max(version) FROM form_definitions WHERE form_id = ?1",
            [form_id],
            |r| r.get(0),
        )?;
        self.form_definition(form_id, version.ok_or(CoreError::NotFound)?)
    }

    /// Installs a revised form (administrators). New cases use it; cases already started
    /// keep the version they were filled with. A version is never replaced.
    pub fn install_form_definition(&mut self, json: &str) -> Result<FormDefinition> {
        self.require(&[Role::Admin])?;
        if json.len() > 1_000_000 {
            return Err(form::DefinitionError::Malformed("too large".into()).into());
        }
        let def = FormDefinition::parse(json)?;
        let exists: bool = self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM form_definitions WHERE form_id = ?1 AND version >= ?2)",
            params![def.form_id, def.version],
            |r| r.get(0),
        )?;
        if exists {
            return Err(form::DefinitionError::VersionExists(def.version).into());
        }
        let now = self.now();
        let uid = self.user().id;
        let mut tx = self.begin()?;
        tx.execute(
            "INSERT INTO form_definitions (form_id, version, definition, installed_at,
                 installed_by) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![def.form_id, def.version, json, now, uid.to_string()],
        )?;
        tx.audit(
            AuditAction::Create,
            "form_definition",
            Some(&format!("{}@{}", def.form_id, def.version)),
            "",
        )?;
        tx.commit()?;
        Ok(def)
    }

    fn stored_form(&self, case_id: Uuid) -> Result<Option<Stored>> {
        self.conn()
            .query_row(
                "SELECT form_id, form_version, answers, status, revision, updated_at,
                        submitted_at
                 FROM fact_findings WHERE case_id = ?1",
                [case_id.to_string()],
                |r| {
                    let answers: String = r.get(2)?;
                    let status: String = r.get(3)?;
                    Ok(Stored {
                        form_id: r.get(0)?,
                        version: r.get(1)?,
                        answers: serde_json::from_str(&answers)
                            .map_err(|_| crate::session::corrupt("answers"))?,
                        status: if status == "submitted" {
                            FormStatus::Submitted
                        } else {
                            FormStatus::Draft
                        },
                        revision: r.get(4)?,
                        updated_at: r.get(5)?,
                        submitted_at: r.get(6)?,
                    })
                },
            )
            .optional()
            .map_err(Into::into)
    }

    fn case_person(&self, case_id: Uuid) -> Result<Uuid> {
        let id: String = self
            .conn()
            .query_row(
                "SELECT person_id FROM cases WHERE id = ?1",
                [case_id.to_string()],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(CoreError::NotFound)?;
        Uuid::parse_str(&id).map_err(|_| CoreError::Corrupt("id".into()))
    }

    /// First values of a fresh form, from what the case and the person record already say.
    fn prefill(&self, def: &FormDefinition, case_id: Uuid) -> Result<Answers> {
        let (groups, domains, phone, address, sub, postcode): (
            String,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
        ) = self.conn().query_row(
            "SELECT c.target_groups, c.problem_domains, p.phone, p.address_text,
                    p.subdistrict_code, p.postcode
             FROM cases c JOIN people p ON p.id = c.person_id WHERE c.id = ?1",
            [case_id.to_string()],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )?;
        let mut out = Answers::new();
        for f in def.fields() {
            let v = match f.prefill.as_deref() {
                Some("officer") => Some(serde_json::json!(format!(
                    "{} {}",
                    self.user().full_name,
                    self.user().position
                ))),
                Some("thai") => Some(serde_json::json!("ไทย")),
                Some("person_phone") if !phone.is_empty() => Some(serde_json::json!(phone)),
                Some("person_address") if sub.is_some() || !address.is_empty() => Some(
                    serde_json::to_value(AddressValue {
                        house_no: address.clone(),
                        subdistrict_code: sub.clone(),
                        postcode: postcode.clone(),
                        ..AddressValue::default()
                    })
                    .expect("serialisable"),
                ),
                Some("target_groups") => {
                    let g: Vec<TargetGroup> = serde_json::from_str(&groups).unwrap_or_default();
                    Some(serde_json::json!(g))
                }
                Some("problem_domains") => {
                    let d: Vec<ProblemDomain> = serde_json::from_str(&domains).unwrap_or_default();
                    Some(serde_json::json!(d))
                }
                _ => None,
            };
            if let Some(v) = v {
                out.insert(f.key.clone(), v);
            }
        }
        Ok(out)
    }

    fn attachments_of(&self, case_id: Uuid) -> Result<Vec<AttachmentInfo>> {
        self.conn()
            .prepare_cached(
                "SELECT id, field_key, file_name, media_type, size, created_at, data IS NOT NULL
                 FROM attachments
                 WHERE case_id = ?1 AND removed_at IS NULL ORDER BY created_at, id",
            )?
            .query_map([case_id.to_string()], |r| {
                Ok(AttachmentInfo {
                    id: crate::session::uuid_col(r, 0)?,
                    field_key: r.get(1)?,
                    file_name: r.get(2)?,
                    media_type: r.get(3)?,
                    size: r.get(4)?,
                    created_at: r.get(5)?,
                    available: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(Into::into)
    }

    fn form_view(&self, case_id: Uuid, problems: Vec<FieldError>) -> Result<FactFinding> {
        let stored = self.stored_form(case_id)?;
        let person = self.case_person(case_id)?;
        let (definition, answers, status, revision, updated_at, submitted_at) = match stored {
            Some(s) => (
                self.form_definition(&s.form_id, s.version)?,
                s.answers,
                s.status,
                s.revision,
                Some(s.updated_at),
                s.submitted_at,
            ),
            None => {
                let def = self.latest_form(form::FACT_FINDING)?;
                let answers = self.prefill(&def, case_id)?;
                (def, answers, FormStatus::New, 0, None, None)
            }
        };
        Ok(FactFinding {
            case_id,
            person_id: person,
            progress: definition.progress(&answers),
            definition,
            answers,
            status,
            revision,
            updated_at,
            submitted_at,
            attachments: self.attachments_of(case_id)?,
            household: self.person_household(person)?,
            problems,
        })
    }

    pub(crate) fn fact_finding_status(&self, case_id: Uuid) -> Result<FormStatus> {
        let s: Option<String> = self
            .conn()
            .query_row(
                "SELECT status FROM fact_findings WHERE case_id = ?1",
                [case_id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        Ok(match s.as_deref() {
            None => FormStatus::New,
            Some("submitted") => FormStatus::Submitted,
            Some(_) => FormStatus::Draft,
        })
    }

    /// The case's fact-finding form (audited as a read of the person's record).
    pub fn fact_finding(&self, case_id: Uuid) -> Result<FactFinding> {
        self.require_need_to_know(case_id)?;
        let view = self.form_view(case_id, Vec::new())?;
        self.audit(
            crate::audit::Access::Read,
            "fact_finding",
            Some(&case_id.to_string()),
            "",
        )?;
        Ok(view)
    }

    /// Autosave. Stores every well-formed answer; a malformed one is reported in
    /// `problems` and the previously saved value of that field is kept.
    pub fn save_fact_finding_draft(
        &mut self,
        case_id: Uuid,
        answers: &Answers,
    ) -> Result<FactFinding> {
        self.require(WRITERS)?;
        self.require_need_to_know(case_id)?;
        let stored = self.stored_form(case_id)?;
        if stored
            .as_ref()
            .is_some_and(|s| s.status == FormStatus::Submitted)
        {
            return Err(CoreError::Transition("form_submitted"));
        }
        let def = match &stored {
            Some(s) => self.form_definition(&s.form_id, s.version)?,
            None => {
                self.case_person(case_id)?;
                self.latest_form(form::FACT_FINDING)?
            }
        };
        let mut errs = FieldErrors::default();
        let mut clean = def.validate(answers, Mode::Draft, self.today(), &mut errs);
        let problems = match errs.into_result() {
            Ok(()) => Vec::new(),
            Err(e) => e.0,
        };
        // Keep the last good value of every field whose new value was refused.
        if let Some(s) = &stored {
            for p in &problems {
                if let Some(old) = s.answers.get(&p.field) {
                    clean.insert(p.field.clone(), old.clone());
                }
            }
        }
        let now = self.now();
        let user = self.user().id.to_string();
        let json = serde_json::to_string(&clean).expect("serialisable");
        let mut tx = self.begin()?;
        tx.execute(
            "INSERT INTO fact_findings (case_id, form_id, form_version, answers, status,
                 revision, updated_at, updated_by)
             VALUES (?1, ?2, ?3, ?4, 'draft', 1, ?5, ?6)
             ON CONFLICT (case_id) DO UPDATE SET answers = excluded.answers,
                 revision = revision + 1, updated_at = excluded.updated_at,
                 updated_by = excluded.updated_by",
            params![
                case_id.to_string(),
                def.form_id,
                def.version,
                json,
                now,
                user
            ],
        )?;
        // Every autosave is a change to a person's record: audited, first as the creation.
        tx.audit(
            if stored.is_none() {
                AuditAction::Create
            } else {
                AuditAction::Update
            },
            "fact_finding",
            Some(&case_id.to_string()),
            &format!("{}@{} draft", def.form_id, def.version),
        )?;
        tx.commit()?;
        self.form_view(case_id, problems)
    }

    /// Submits the form: every required, visible field must be answered. The household as
    /// it stands today is written into the answers, so the form keeps what was true then.
    pub fn submit_fact_finding(&mut self, case_id: Uuid) -> Result<FactFinding> {
        self.require_need_to_know(case_id)?;
        self.require(WRITERS)?;
        let stored = self
            .stored_form(case_id)?
            .ok_or_else(|| CoreError::field("header.interview_date", FieldProblem::Required))?;
        if stored.status == FormStatus::Submitted {
            return Err(CoreError::Transition("form_submitted"));
        }
        let def = self.form_definition(&stored.form_id, stored.version)?;
        let mut errs = FieldErrors::default();
        let mut clean = def.validate(&stored.answers, Mode::Submit, self.today(), &mut errs);
        errs.into_result()?;
        let person = self.case_person(case_id)?;
        if let Some(f) = def.fields().find(|f| f.field_type == "household") {
            let snapshot: Vec<serde_json::Value> = self
                .person_household(person)?
                .map(|h| {
                    h.current()
                        .map(|m| {
                            serde_json::json!({
                                "person_id": m.person_id, "name": m.name, "age": m.age,
                                "sex": m.sex, "relationship": m.relationship,
                            })
                        })
                        .collect()
                })
                .unwrap_or_default();
            clean.insert(f.key.clone(), serde_json::Value::Array(snapshot));
        }
        let json = serde_json::to_string(&clean).expect("serialisable");
        let now = self.now();
        let user = self.user().id.to_string();
        self.record_with(
            case_id,
            &[CaseEventBody::FactFindingSubmitted {
                form_id: def.form_id.clone(),
                form_version: def.version,
            }],
            None,
            |tx| {
                tx.execute(
                    "UPDATE fact_findings SET answers = ?2, status = 'submitted',
                         revision = revision + 1, updated_at = ?3, updated_by = ?4,
                         submitted_at = ?3, submitted_by = ?4
                     WHERE case_id = ?1",
                    params![case_id.to_string(), json, now, user],
                )?;
                Ok(())
            },
        )?;
        self.form_view(case_id, Vec::new())
    }

    /// Opens a submitted form for changes again; the reason goes on the timeline.
    pub fn reopen_fact_finding(&mut self, case_id: Uuid, reason: &str) -> Result<FactFinding> {
        self.require_need_to_know(case_id)?;
        self.require(WRITERS)?;
        let reason = validate::required(reason, validate::MAX_TEXT, true)
            .map_err(|p| CoreError::field("reason", p))?;
        let stored = self.stored_form(case_id)?;
        if !stored.is_some_and(|s| s.status == FormStatus::Submitted) {
            return Err(CoreError::Transition("form_not_draft"));
        }
        let now = self.now();
        self.record_with(
            case_id,
            &[CaseEventBody::FactFindingReopened { reason }],
            None,
            |tx| {
                tx.execute(
                    "UPDATE fact_findings SET status = 'draft', revision = revision + 1,
                         updated_at = ?2 WHERE case_id = ?1",
                    params![case_id.to_string(), now],
                )?;
                Ok(())
            },
        )?;
        self.form_view(case_id, Vec::new())
    }

    /// Attaches a photo or document to a field of the case's form. Kept inside the
    /// encrypted database; only JPEG, PNG and PDF (checked by content, not by name).
    pub fn add_attachment(
        &mut self,
        case_id: Uuid,
        field_key: &str,
        file_name: &str,
        data: &[u8],
    ) -> Result<AttachmentInfo> {
        self.require(WRITERS)?;
        self.require_need_to_know(case_id)?;
        let field = "attachment";
        if data.is_empty() {
            return Err(CoreError::field(field, FieldProblem::FileEmpty));
        }
        if data.len() > MAX_ATTACHMENT {
            return Err(CoreError::field(field, FieldProblem::FileTooLarge));
        }
        let media_type = sniff_media_type(data)
            .ok_or_else(|| CoreError::field(field, FieldProblem::FileTypeNotAllowed))?;
        let file_name: String = validate::text(file_name, 200, false)
            .map_err(|p| CoreError::field(field, p))?
            .chars()
            .filter(|c| !matches!(c, '/' | '\\'))
            .collect();
        let file_name = if file_name.is_empty() {
            "ไฟล์แนบ".to_owned()
        } else {
            file_name
        };
        let def = match self.stored_form(case_id)? {
            Some(s) => self.form_definition(&s.form_id, s.version)?,
            None => {
                self.case_person(case_id)?;
                self.latest_form(form::FACT_FINDING)?
            }
        };
        if def
            .field(field_key)
            .is_none_or(|f| f.field_type != "attachments")
        {
            return Err(CoreError::field(field, FieldProblem::UnknownField));
        }
        let count: u32 = self.conn().query_row(
            "SELECT count(*) FROM attachments WHERE case_id = ?1 AND removed_at IS NULL",
            [case_id.to_string()],
            |r| r.get(0),
        )?;
        if count >= MAX_ATTACHMENTS_PER_CASE {
            return Err(CoreError::field(field, FieldProblem::OutOfRange));
        }
        let id = Uuid::now_v7();
        let now = self.now();
        let user = self.user().id.to_string();
        let sha = raksa_protocol::sha256_hex(data);
        let size = data.len() as u32;
        self.record_with(
            case_id,
            &[CaseEventBody::AttachmentAdded {
                file_name: file_name.clone(),
                size,
            }],
            None,
            |tx| {
                tx.execute(
                    "INSERT INTO attachments (id, case_id, field_key, file_name, media_type, size,
                         sha256, data, created_at, created_by)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                    params![
                        id.to_string(),
                        case_id.to_string(),
                        field_key,
                        file_name,
                        media_type,
                        size,
                        sha,
                        data,
                        now,
                        user
                    ],
                )?;
                Ok(())
            },
        )?;
        Ok(AttachmentInfo {
            id,
            field_key: field_key.to_owned(),
            file_name,
            media_type: media_type.to_owned(),
            size,
            created_at: now,
            available: true,
        })
    }

    /// `add_attachment` for bytes that arrive base64-encoded over IPC.
    pub fn add_attachment_base64(
        &mut self,
        case_id: Uuid,
        field_key: &str,
        file_name: &str,
        data_base64: &str,
    ) -> Result<AttachmentInfo> {
        // Base64 is 4/3 of the bytes: refuse oversized input before decoding it.
        if data_base64.len() > MAX_ATTACHMENT / 3 * 4 + 8 {
            return Err(CoreError::field("attachment", FieldProblem::FileTooLarge));
        }
        let data = base64::engine::general_purpose::STANDARD
            .decode(data_base64.trim())
            .map_err(|_| CoreError::field("attachment", FieldProblem::FileTypeNotAllowed))?;
        self.add_attachment(case_id, field_key, file_name, &data)
    }

    /// An attachment's bytes (audited as a read).
    pub fn attachment(&self, id: Uuid) -> Result<AttachmentContent> {
        let row = self
            .conn()
            .query_row(
                "SELECT id, field_key, file_name, media_type, size, created_at, data, case_id
                 FROM attachments WHERE id = ?1 AND removed_at IS NULL",
                [id.to_string()],
                |r| {
                    Ok((
                        AttachmentInfo {
                            id: crate::session::uuid_col(r, 0)?,
                            field_key: r.get(1)?,
                            file_name: r.get(2)?,
                            media_type: r.get(3)?,
                            size: r.get(4)?,
                            created_at: r.get(5)?,
                            available: true,
                        },
                        r.get::<_, Option<Vec<u8>>>(6)?,
                        r.get::<_, String>(7)?,
                    ))
                },
            )
            .optional()?
            .ok_or(CoreError::NotFound)?;
        let case_id = Uuid::parse_str(&row.2).map_err(|_| CoreError::Corrupt("uuid".into()))?;
        self.require_need_to_know(case_id)?;
        let Some(data) = row.1 else {
            return Err(CoreError::NotYetDownloaded);
        };
        self.audit(
            crate::audit::Access::Read,
            "attachment",
            Some(&id.to_string()),
            &format!("case {}", row.2),
        )?;
        Ok(AttachmentContent {
            info: row.0,
            data_base64: base64::engine::general_purpose::STANDARD.encode(&data),
        })
    }

    /// Removes a wrong or no longer needed attachment: its bytes are erased, the record of
    /// what it was and who removed it stays.
    pub fn remove_attachment(&mut self, id: Uuid, reason: &str) -> Result<()> {
        self.require(WRITERS)?;
        let reason = validate::required(reason, validate::MAX_LINE, false)
            .map_err(|p| CoreError::field("reason", p))?;
        let (case_id, file_name): (String, String) = self
            .conn()
            .query_row(
                "SELECT case_id, file_name FROM attachments WHERE id = ?1 AND removed_at IS NULL",
                [id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or(CoreError::NotFound)?;
        let case_id = Uuid::parse_str(&case_id).map_err(|_| CoreError::Corrupt("id".into()))?;
        let now = self.now();
        let user = self.user().id.to_string();
        self.record_with(
            case_id,
            &[CaseEventBody::AttachmentRemoved { file_name, reason }],
            None,
            |tx| {
                tx.execute(
                    "UPDATE attachments SET data = NULL, removed_at = ?2, removed_by = ?3
                     WHERE id = ?1",
                    params![id.to_string(), now, user],
                )?;
                Ok(())
            },
        )?;
        Ok(())
    }
}
