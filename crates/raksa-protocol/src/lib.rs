//! The sync protocol between an office PC and the central server (version 1).
//!
//! A PC's changes travel as **mutations** in its own gap-free sequence: each is the full new
//! state of one record (`fields`) and, for a change to an existing record, the values it
//! replaced (`base`), so the server can merge field by field and keep both values when two
//! offices changed the same field (a conflict, never a silent overwrite). Append-only
//! entities never have a `base`. A mutation's `hash` covers everything it says, so a
//! resent duplicate is recognised and a *different* mutation under a used number (a PC
//! restored from an old backup) is refused as diverged.
//!
//! The server validates everything it receives ([`validate`]): known entity, known fields,
//! sizes, identifiers, citizen-ID checksums. Nothing here trusts the client.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

pub mod signed;

pub const PROTOCOL_VERSION: u32 = 1;
/// Most mutations in one push.
pub const MAX_BATCH: usize = 500;
/// Largest request body the server accepts.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
/// Largest string value in a record.
pub const MAX_STRING: usize = 100_000;
/// Most records in one pull page.
pub const MAX_PULL: u32 = 1000;
/// Largest attachment (photo or document) a PC sends; its bytes travel separately from
/// the record, content-addressed (`PUT`/`GET /v1/blobs/{sha256}`).
pub const MAX_BLOB_BYTES: usize = 10 * 1024 * 1024;
/// Media types an attachment may have (the PC checks the content, the server the claim).
pub const BLOB_MEDIA_TYPES: [&str; 3] = ["image/jpeg", "image/png", "application/pdf"];

/// SHA-256 in lowercase hex: a blob's name, a token's stored form.
pub fn sha256_hex(data: impl AsRef<[u8]>) -> String {
    Sha256::digest(data.as_ref())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The stored form of a volunteer's one-time activation code: SHA-256 of its digits (the
/// office's PC makes it, the server finds the volunteer by it).
pub fn volunteer_code_hash(code: &str) -> String {
    let digits: String = code.chars().filter(char::is_ascii_digit).collect();
    sha256_hex(format!("raksa-volunteer-code-v1:{digits}"))
}

/// Whether `s` is a SHA-256 in lowercase hex (the name of a blob).
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// What a record is. The names are the table names of the office database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    People,
    Cases,
    CaseEvents,
    Households,
    HouseholdMembers,
    PlanItems,
    FactFindings,
    Agencies,
    Referrals,
    ReferralEvents,
    LetterRegister,
    DeadlineRules,
    Users,
    /// An answer from the office a referral was sent to (when it runs Raksa).
    ReferralReplies,
    /// A photo or document of a case: the record says what it is; the bytes are a blob.
    Attachments,
    /// A correction of a person's record: who, when, why, the previous values.
    PersonCorrections,
    /// A sensitive case opened by someone outside need-to-know, with the reason given.
    AccessGrants,
    /// The PC's hash-chained audit trail, kept by the server append-only (never pulled).
    AuditLog,
    /// A request for help (1300, a volunteer, a partner app), made on the server and owned
    /// by one office at a time; the office's steps go back as changes of its status.
    HelpRequests,
    /// A community volunteer (อพม.) the office registered, who files requests from the field
    /// app after activating a one-time code (only the code's hash travels).
    Volunteers,
    /// An expedite notice from HuSEC (ศรส.) about a late item of the office, made on the
    /// server; the office's answer goes back as a change of its answer fields.
    ExpediteNotices,
}

impl Entity {
    pub const ALL: [Entity; 21] = [
        Entity::People,
        Entity::Cases,
        Entity::CaseEvents,
        Entity::Households,
        Entity::HouseholdMembers,
        Entity::PlanItems,
        Entity::FactFindings,
        Entity::Agencies,
        Entity::Referrals,
        Entity::ReferralEvents,
        Entity::LetterRegister,
        Entity::DeadlineRules,
        Entity::Users,
        Entity::ReferralReplies,
        Entity::Attachments,
        Entity::PersonCorrections,
        Entity::AccessGrants,
        Entity::AuditLog,
        Entity::HelpRequests,
        Entity::Volunteers,
        Entity::ExpediteNotices,
    ];

    pub fn table(self) -> &'static str {
        match self {
            Entity::People => "people",
            Entity::Cases => "cases",
            Entity::CaseEvents => "case_events",
            Entity::Households => "households",
            Entity::HouseholdMembers => "household_members",
            Entity::PlanItems => "plan_items",
            Entity::FactFindings => "fact_findings",
            Entity::Agencies => "agencies",
            Entity::Referrals => "referrals",
            Entity::ReferralEvents => "referral_events",
            Entity::LetterRegister => "letter_register",
            Entity::DeadlineRules => "deadline_rules",
            Entity::Users => "users",
            Entity::ReferralReplies => "referral_replies",
            Entity::Attachments => "attachments",
            Entity::PersonCorrections => "person_corrections",
            Entity::AccessGrants => "access_grants",
            Entity::AuditLog => "audit_log",
            Entity::HelpRequests => "help_requests",
            Entity::Volunteers => "volunteers",
            Entity::ExpediteNotices => "expedite_notices",
        }
    }

    pub fn parse(s: &str) -> Option<Entity> {
        Entity::ALL.into_iter().find(|e| e.table() == s)
    }

    /// Entities every PC of the office holds a copy of. The audit trail is each PC's own
    /// chain: uploaded and kept by the server, never pulled back down.
    pub fn replicated(self) -> bool {
        self != Entity::AuditLog
    }

    /// Entities that are only ever inserted: they cannot conflict.
    pub fn append_only(self) -> bool {
        matches!(
            self,
            Entity::CaseEvents
                | Entity::ReferralEvents
                | Entity::LetterRegister
                | Entity::ReferralReplies
                | Entity::PersonCorrections
                | Entity::AccessGrants
                | Entity::AuditLog
        )
    }

    /// The columns that identify a record; `record_id` is their values joined by `/`.
    pub fn key_columns(self) -> &'static [&'static str] {
        match self {
            Entity::FactFindings => &["case_id"],
            Entity::LetterRegister => &["be_year", "number"],
            Entity::DeadlineRules => &["milestone", "urgency", "effective_from"],
            Entity::AuditLog => &["hash"],
            _ => &["id"],
        }
    }

    /// The fields a record of this entity may carry (the columns of its table).
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            Entity::People => &[
                "id",
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
                "created_by",
                "created_at",
                "updated_at",
                "subdistrict_code",
                "postcode",
                "merged_into",
                "death_date",
            ],
            Entity::Cases => &[
                "id",
                "case_no",
                "person_id",
                "channel",
                "intake_date",
                "summary",
                "status",
                "assigned_to",
                "created_by",
                "created_at",
                "updated_at",
                "urgency",
                "target_groups",
                "problem_domains",
                "reporter",
                "account",
                "stage_since",
                "pending_approval",
                "pending_request",
                "outcome",
                "household_id",
                "sensitive",
            ],
            Entity::CaseEvents => &["id", "case_id", "at", "user_id", "kind", "body", "corrects"],
            Entity::Households => &["id", "house_code", "created_at", "created_by"],
            Entity::HouseholdMembers => &[
                "id",
                "household_id",
                "person_id",
                "relationship",
                "joined_on",
                "ended_on",
                "end_reason",
                "recorded_at",
                "recorded_by",
            ],
            Entity::PlanItems => &[
                "id",
                "case_id",
                "plan",
                "goal",
                "activity",
                "responsible",
                "due_on",
                "review_on",
                "status",
                "created_at",
                "created_by",
                "updated_at",
            ],
            Entity::FactFindings => &[
                "case_id",
                "form_id",
                "form_version",
                "answers",
                "status",
                "revision",
                "updated_at",
                "updated_by",
                "submitted_at",
                "submitted_by",
            ],
            Entity::Agencies => &[
                "id",
                "name",
                "head_position",
                "address",
                "phone",
                "email",
                "kind",
                "runs_raksa",
                "raksa_office",
                "active",
                "created_at",
                "updated_at",
            ],
            Entity::Referrals => &[
                "id",
                "case_id",
                "agency_id",
                "status",
                "urgency",
                "secrecy",
                "requested",
                "legal_basis",
                "shared",
                "subject",
                "body",
                "letter_year",
                "letter_no",
                "letter_date",
                "sent_on",
                "expected_reply_on",
                "replied_on",
                "created_at",
                "created_by",
                "updated_at",
            ],
            Entity::ReferralEvents => &[
                "id",
                "referral_id",
                "at",
                "on_date",
                "user_id",
                "from_status",
                "to_status",
                "note",
            ],
            Entity::LetterRegister => &[
                "be_year",
                "number",
                "letter_date",
                "issued_at",
                "issued_by",
                "referral_id",
                "recipient",
                "subject",
            ],
            Entity::DeadlineRules => &[
                "milestone",
                "urgency",
                "days",
                "effective_from",
                "reference",
                "created_by",
                "created_at",
                "signature",
            ],
            Entity::Users => &[
                "id",
                "username",
                "full_name",
                "position",
                "role",
                "active",
                "created_at",
                "created_by",
                "password_changed_at",
                "signing_keys",
                "signed_at",
                "signature",
            ],
            Entity::ReferralReplies => &[
                "id",
                "referral_id",
                "from_office",
                "status",
                "on_date",
                "note",
                "by_name",
                "recorded_at",
            ],
            Entity::Attachments => &[
                "id",
                "case_id",
                "field_key",
                "file_name",
                "media_type",
                "size",
                "sha256",
                "created_at",
                "created_by",
                "removed_at",
                "removed_by",
            ],
            Entity::PersonCorrections => &[
                "id",
                "person_id",
                "at",
                "user_id",
                "basis",
                "reason",
                "changes",
                "request",
            ],
            Entity::AccessGrants => &["id", "case_id", "user_id", "reason", "at", "expires_at"],
            Entity::HelpRequests => HELP_REQUEST_FIELDS,
            Entity::ExpediteNotices => EXPEDITE_FIELDS,
            Entity::Volunteers => &[
                "id",
                "full_name",
                "phone",
                "subdistrict_code",
                "code_hash",
                "active",
                "created_at",
                "created_by",
            ],
            Entity::AuditLog => &[
                "hash",
                "prev_hash",
                "at",
                "user_id",
                "action",
                "entity",
                "entity_id",
                "detail",
            ],
        }
    }
}

/// A request for help's fields. The server writes all of them; an office changes only
/// [`HELP_REQUEST_STEP_FIELDS`] (its step), and the server re-checks each step.
pub const HELP_REQUEST_FIELDS: &[&str] = &[
    "id",
    "channel",
    "source",
    "received_at",
    "reporter",
    "person_name",
    "person_citizen_id",
    "person_age",
    "person_sex",
    "subdistrict_code",
    "gps_lat",
    "gps_lon",
    "address_text",
    "core_issues",
    "urgency",
    "details",
    "photos",
    "sensitive",
    "status",
    "owner_office",
    "case_id",
    "status_note",
    "pass_to",
    "history",
    "updated_at",
];

/// An expedite notice's fields. The server writes them; an office changes only
/// [`EXPEDITE_ANSWER_FIELDS`] (its answer).
pub const EXPEDITE_FIELDS: &[&str] = &[
    "id",
    "target_kind",
    "target_id",
    "case_id",
    "number",
    "step",
    "note",
    "respond_by",
    "sent_by",
    "sent_at",
    "status",
    "answer",
    "new_date",
    "answered_by",
    "answered_at",
    "updated_at",
];

/// What an office may change of an expedite notice: its answer.
pub const EXPEDITE_ANSWER_FIELDS: &[&str] = &[
    "status",
    "answer",
    "new_date",
    "answered_by",
    "answered_at",
    "updated_at",
];

/// What an office may change of a request: its step.
pub const HELP_REQUEST_STEP_FIELDS: &[&str] = &["status", "status_note", "case_id", "pass_to"];

/// One change of one record, in the device's sequence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mutation {
    /// The device's gap-free sequence number, from 1.
    pub seq: u64,
    pub entity: Entity,
    pub record_id: String,
    /// The record's full new state.
    pub fields: Map<String, Value>,
    /// For a change of an existing record: the values it had before (all fields).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<Map<String, Value>>,
    /// SHA-256 over the canonical JSON of (entity, record_id, fields, base).
    pub hash: String,
}

impl Mutation {
    pub fn new(
        seq: u64,
        entity: Entity,
        record_id: String,
        fields: Map<String, Value>,
        base: Option<Map<String, Value>>,
    ) -> Mutation {
        let mut m = Mutation {
            seq,
            entity,
            record_id,
            fields,
            base,
            hash: String::new(),
        };
        m.hash = m.content_hash();
        m
    }

    /// serde_json's maps are ordered by key, so this JSON is canonical.
    pub fn content_hash(&self) -> String {
        let canonical =
            serde_json::to_vec(&(self.entity, &self.record_id, &self.fields, &self.base))
                .expect("serialisable");
        Sha256::digest(&canonical)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Fields whose value this mutation changes (all of them for a new record).
    pub fn changed_fields(&self) -> Vec<&str> {
        match &self.base {
            None => self.fields.keys().map(String::as_str).collect(),
            Some(base) => self
                .fields
                .iter()
                .filter(|(k, v)| base.get(k.as_str()) != Some(v))
                .map(|(k, _)| k.as_str())
                .collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushRequest {
    pub protocol: u32,
    pub mutations: Vec<Mutation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Applied,
    /// Already applied earlier (a resend); nothing changed.
    Duplicate,
    /// Applied except these fields, which another office changed concurrently; both values
    /// are kept on the server for a supervisor to resolve.
    Conflict {
        fields: Vec<String>,
    },
    /// Refused for good (invalid or out of scope); the reason is for the user, in Thai.
    Rejected {
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemResult {
    pub seq: u64,
    #[serde(flatten)]
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResponse {
    /// Every mutation up to here is settled (applied, duplicate, conflict or rejected).
    pub acknowledged_through: u64,
    pub results: Vec<ItemResult>,
}

/// Error body of every refused request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// `gap`, `diverged`, `unauthorised`, `revoked`, `invalid`, `too_large`, `protocol`,
    /// `rate_limited`, `enrolment`, `server`.
    pub code: String,
    pub message_th: String,
    pub message_en: String,
    /// For `gap`: the sequence number the server expects next.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_seq: Option<u64>,
    /// For `invalid_fields`: each refused field with its message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Box<Vec<FieldMessage>>>,
}

/// One refused field of a request body (`ErrorBody::fields`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldMessage {
    pub field: String,
    pub message_th: String,
    pub message_en: String,
}

impl ErrorBody {
    pub fn new(code: &str, th: &str, en: &str) -> ErrorBody {
        ErrorBody {
            code: code.into(),
            message_th: th.into(),
            message_en: en.into(),
            expected_seq: None,
            fields: None,
        }
    }
}

/// One record as the server holds it, for down-sync.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordState {
    pub entity: Entity,
    pub record_id: String,
    /// The office that owns the record.
    pub office: String,
    pub fields: Map<String, Value>,
    /// Position in the server's single order of writes; the pull cursor.
    pub position: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullResponse {
    pub records: Vec<RecordState>,
    /// Pass this as the next cursor; everything at or below it has been delivered.
    pub next_cursor: u64,
    pub more: bool,
    /// Every administrator key the office has trusted (enrolments and accounts): what a
    /// PC checks the signatures of pulled accounts and deadline rules against.
    #[serde(default)]
    pub admin_keys: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolRequest {
    pub code: String,
    pub device_name: String,
    /// The enrolling administrator's signing key: the office trusts it from now on
    /// (issue 14 §1; `signed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin: Option<AdminKeyGrant>,
}

/// An administrator's public signing key, presented with a one-time enrolment code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminKeyGrant {
    pub user_id: String,
    /// Ed25519 public key, base64.
    pub key: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolResponse {
    pub device_id: String,
    /// The device's credential: sent as `Authorization: Bearer <token>` from now on.
    pub token: String,
    pub office: String,
    pub protocol: u32,
    /// This PC's blocks of case and letter numbers, disjoint from every other PC of the
    /// office (the n-th PC enrolled gets the n-th block).
    #[serde(default)]
    pub blocks: Vec<NumberBlockGrant>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberBlockGrant {
    /// `case` or `letter`.
    pub series: String,
    pub first_no: u32,
    pub last_no: u32,
}

/// Block sizes per PC: 100,000 case numbers and 10,000 letter numbers a year.
pub fn block_for(series: &str, index: u32) -> NumberBlockGrant {
    let size = if series == "case" { 100_000 } else { 10_000 };
    NumberBlockGrant {
        series: series.into(),
        first_no: index * size + 1,
        last_no: (index + 1) * size,
    }
}

fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

/// The Thai citizen-ID check digit (domain reference §4).
pub fn citizen_id_ok(id: &str) -> bool {
    let d: Vec<u32> = id.chars().filter_map(|c| c.to_digit(10)).collect();
    if d.len() != 13 || id.len() != 13 {
        return false;
    }
    let sum: u32 = (0..12).map(|i| d[i] * (13 - i as u32)).sum();
    (11 - sum % 11) % 10 == d[12]
}

fn check_value(v: &Value, depth: usize) -> Result<(), &'static str> {
    if depth > 8 {
        return Err("ข้อมูลซ้อนกันลึกเกินไป");
    }
    match v {
        Value::String(s) if s.len() > MAX_STRING => Err("ข้อความยาวเกินกำหนด"),
        Value::Array(a) => a.iter().try_for_each(|x| check_value(x, depth + 1)),
        Value::Object(o) => o.values().try_for_each(|x| check_value(x, depth + 1)),
        _ => Ok(()),
    }
}

/// Checks one mutation as the server must before applying it. The error is a Thai reason
/// for the person who made the change.
pub fn validate(m: &Mutation) -> Result<(), String> {
    if m.hash != m.content_hash() {
        return Err("ข้อมูลเสียหายระหว่างส่ง (ค่าตรวจสอบไม่ตรง)".into());
    }
    let allowed = m.entity.fields();
    for map in std::iter::once(&m.fields).chain(m.base.iter()) {
        if map.len() > allowed.len() {
            return Err("มีช่องข้อมูลเกินกว่าที่ระบบรู้จัก".into());
        }
        for (k, v) in map {
            if !allowed.contains(&k.as_str()) {
                return Err(format!(
                    "ระบบไม่รู้จักช่องข้อมูล \"{}\"",
                    k.chars().take(40).collect::<String>()
                ));
            }
            check_value(v, 0).map_err(str::to_owned)?;
        }
    }
    if m.entity.append_only() && m.base.is_some() {
        return Err("ข้อมูลประเภทนี้แก้ไขไม่ได้ (บันทึกเพิ่มได้เท่านั้น)".into());
    }
    if m.record_id.is_empty() || m.record_id.len() > 120 {
        return Err("รหัสระเบียนไม่ถูกต้อง".into());
    }
    if let Some(Value::String(id)) = m.fields.get("id")
        && (!is_uuid(id) || *id != m.record_id)
    {
        return Err("รหัสระเบียนไม่ถูกต้อง".into());
    }
    if m.entity == Entity::Attachments && !m.fields.is_empty() {
        let text = |k: &str| m.fields.get(k).and_then(Value::as_str).unwrap_or("");
        if !is_sha256_hex(text("sha256")) {
            return Err("ค่าตรวจสอบไฟล์แนบไม่ถูกต้อง".into());
        }
        if !BLOB_MEDIA_TYPES.contains(&text("media_type")) {
            return Err("ชนิดไฟล์แนบไม่ได้รับอนุญาต".into());
        }
        let size = m.fields.get("size").and_then(Value::as_u64).unwrap_or(0);
        if size == 0 || size > MAX_BLOB_BYTES as u64 {
            return Err("ขนาดไฟล์แนบไม่ถูกต้อง".into());
        }
    }
    if m.entity == Entity::People {
        let kind = m.fields.get("id_kind").and_then(Value::as_str);
        let number = m.fields.get("id_number").and_then(Value::as_str);
        if kind == Some("citizen_id") && !number.is_some_and(citizen_id_ok) {
            return Err("เลขประจำตัวประชาชนไม่ถูกต้อง (เลขตรวจสอบไม่ตรง)".into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn person(id_number: &str) -> Mutation {
        let id = "0195f3a0-0000-7000-8000-000000000001".to_owned();
        let fields =
            json!({"id": id, "first_name": "บุญมี", "id_kind": "citizen_id", "id_number": id_number});
        Mutation::new(
            1,
            Entity::People,
            id,
            fields.as_object().unwrap().clone(),
            None,
        )
    }

    #[test]
    fn hashes_are_canonical_and_checked() {
        let m = person("3100600182731");
        assert!(validate(&m).is_ok());
        let mut tampered = m.clone();
        tampered.fields.insert("first_name".into(), json!("x"));
        assert!(validate(&tampered).is_err());
        assert_eq!(m.content_hash(), person("3100600182731").content_hash());
    }

    #[test]
    fn the_server_refuses_what_it_does_not_know() {
        assert!(
            validate(&person("3100600182732"))
                .unwrap_err()
                .contains("เลขประจำตัว")
        );
        let mut m = person("3100600182731");
        m.fields.insert("password".into(), json!("x"));
        m.hash = m.content_hash();
        assert!(validate(&m).unwrap_err().contains("password"));
        let mut m = person("3100600182731");
        m.fields
            .insert("summary".into(), json!("ก".repeat(MAX_STRING + 1)));
        m.hash = m.content_hash();
        assert!(validate(&m).is_err());
    }

    #[test]
    fn changed_fields_compare_with_the_base() {
        let mut m = person("3100600182731");
        let mut base = m.fields.clone();
        base.insert("first_name".into(), json!("บุญมา"));
        m.base = Some(base);
        assert_eq!(m.changed_fields(), ["first_name"]);
    }
}
