//! Storage of the central server: one set of operations written once over a small
//! transaction trait, with two backends — SQLite (the embedded default) and PostgreSQL
//! (national scale). Every push is one transaction that locks the device, so duplicates,
//! gaps and divergence are decided against committed state; every record write takes the
//! next position from a single sequencer row held until commit, so positions follow commit
//! order and the down-sync cursor can never skip a late-committing write.
//!
//! Layout (as Atuin splits its server storage): this module holds the `Tx` trait, every
//! operation written once over it, and `Store`, which picks a backend; `sqlite.rs` and
//! `postgresql.rs` each implement `Tx` for one database with that database's own schema.
//! One behavioural test suite (`tests/it`) runs against both.

use std::sync::Mutex;

use chrono::Utc;
use raksa_domain::model::ReferralStatus;
use raksa_domain::referral;
use raksa_domain::timeline::CaseEventBody;
use raksa_protocol::signed;
use raksa_protocol::{
    AdminKeyGrant, EnrolResponse, Entity, ErrorBody, ItemResult, Mutation, Outcome,
    PROTOCOL_VERSION, PullResponse, PushRequest, PushResponse, RecordState,
};
use serde_json::{Map, Value};

use self::sealing::Keyring;
use crate::release::{self, Release};

pub mod console;
pub mod expedite;
pub mod field;
pub mod husec;
mod postgresql;
pub mod requests;
pub mod sealing;
mod sqlite;
pub mod tracking;

pub use self::postgresql::{PG_POOL_DEFAULT, PgConnection, PgPool, PgTx};
pub use self::sqlite::SqliteTx;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Db(String),
    /// A refusal the client must see, with its HTTP status.
    #[error("refused: {}", .1.code)]
    Refused(u16, ErrorBody),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Db(e.to_string())
    }
}
impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        StoreError::Db(e.to_string())
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

fn refuse(status: u16, code: &str, th: &str, en: &str) -> StoreError {
    StoreError::Refused(status, ErrorBody::new(code, th, en))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub id: String,
    pub office: String,
    pub name: String,
    pub high_water: u64,
    pub revoked: bool,
    pub diverged: bool,
}

/// Fields that record bookkeeping, not content: the latest write wins, never a conflict.
const METADATA: &[&str] = &["updated_at", "updated_by", "revision"];

pub use raksa_protocol::sha256_hex;

fn random_bytes<const N: usize>() -> [u8; N] {
    use rand_core::RngCore;
    let mut b = [0u8; N];
    rand_core::OsRng.fill_bytes(&mut b);
    b
}

/// Where a record lives: UUID-keyed records are unique across offices; register numbers
/// and rules only within their office.
fn record_key(entity: Entity, office: &str, record_id: &str) -> String {
    match entity {
        Entity::LetterRegister | Entity::DeadlineRules => format!("{office}:{record_id}"),
        _ => record_id.to_owned(),
    }
}

/// Field-by-field merge of one mutation into the server's current state. A field the
/// device changed is taken when the server still had the value the device started from
/// (or already has the new one); otherwise both values are kept as a conflict and the
/// server's stays.
/// A field both sides changed: (field, the server's value, the device's value).
pub type FieldConflict = (String, Value, Value);

pub fn merge(
    current: Option<&Map<String, Value>>,
    m: &Mutation,
) -> (Map<String, Value>, Vec<FieldConflict>) {
    let (Some(cur), Some(base)) = (current, m.base.as_ref()) else {
        return (m.fields.clone(), Vec::new());
    };
    let mut out = cur.clone();
    let mut conflicts = Vec::new();
    for (k, new) in &m.fields {
        let old = base.get(k).unwrap_or(&Value::Null);
        if new == old {
            continue;
        }
        let server = cur.get(k).unwrap_or(&Value::Null);
        if server == old || server == new || METADATA.contains(&k.as_str()) {
            out.insert(k.clone(), new.clone());
        } else {
            conflicts.push((k.clone(), server.clone(), new.clone()));
        }
    }
    (out, conflicts)
}

/// The operations of one transaction. Implemented for SQLite and PostgreSQL.
pub trait Tx {
    fn lock_device(&mut self, id: &str) -> Result<Option<Device>>;
    fn device_by_token(&mut self, token_hash: &str) -> Result<Option<Device>>;
    fn seen_hash(&mut self, device: &str, seq: u64) -> Result<Option<String>>;
    fn record(&mut self, entity: &str, key: &str) -> Result<Option<(String, String)>>;
    #[allow(clippy::too_many_arguments)]
    fn put_record(
        &mut self,
        entity: &str,
        key: &str,
        record_id: &str,
        office: &str,
        fields: &str,
        position: u64,
        now: &str,
        echo: Option<&str>,
    ) -> Result<()>;
    /// Takes the write lock (the sequencer row, held to commit) before a push reads any
    /// record, so merges see every earlier push and positions follow commit order.
    fn lock_writes(&mut self) -> Result<()>;
    fn next_position(&mut self) -> Result<u64>;
    #[allow(clippy::too_many_arguments)]
    fn add_conflict(
        &mut self,
        office: &str,
        entity: &str,
        record_id: &str,
        field: &str,
        server_value: &str,
        device_value: &str,
        device: &str,
        seq: u64,
        now: &str,
    ) -> Result<()>;
    fn add_mutation(&mut self, device: &str, seq: u64, hash: &str, outcome: &str) -> Result<()>;
    fn set_high_water(&mut self, device: &str, seq: u64, now: &str) -> Result<()>;
    fn mark_diverged(&mut self, device: &str, now: &str) -> Result<()>;
    /// The office's records (and those shared with it) after `cursor` in position order,
    /// [`PULL_SQL`]; a record that is exactly the pulling device's own change comes as an
    /// echo without its fields.
    fn pull(
        &mut self,
        office: &str,
        device: &str,
        cursor: u64,
        limit: u32,
    ) -> Result<Vec<PulledRow>>;
    fn office_exists(&mut self, code: &str) -> Result<bool>;
    /// Lets another office pull a record (a referral addressed to it, its reply).
    fn set_visible(&mut self, entity: &str, key: &str, office: &str) -> Result<()>;
    fn is_visible(&mut self, entity: &str, key: &str, office: &str) -> Result<bool>;
    fn add_office(&mut self, code: &str, name: &str, now: &str) -> Result<()>;
    fn add_enrolment_code(&mut self, hash: &str, office: &str, expires: &str) -> Result<()>;
    /// Marks the code used and returns its office, when it exists, is unused and unexpired.
    fn take_enrolment_code(&mut self, hash: &str, now: &str) -> Result<Option<String>>;
    fn add_device(
        &mut self,
        id: &str,
        office: &str,
        name: &str,
        token_hash: &str,
        now: &str,
    ) -> Result<()>;
    fn revoke_device(&mut self, id: &str, now: &str) -> Result<bool>;
    fn devices(&mut self) -> Result<Vec<Device>>;
    fn add_staff(
        &mut self,
        id: &str,
        name: &str,
        token_hash: &str,
        now: &str,
        expires: &str,
    ) -> Result<()>;
    /// The staff member's name, when the token is theirs, not revoked and not expired.
    fn staff_by_token(&mut self, token_hash: &str, now: &str) -> Result<Option<String>>;
    /// Revokes every live credential of the named staff member; how many.
    fn revoke_staff(&mut self, name: &str, now: &str) -> Result<usize>;
    fn offices(&mut self) -> Result<Vec<(String, String)>>;
    /// Every record of an entity: (office, fields JSON).
    fn all_records(&mut self, entity: &str) -> Result<Vec<(String, String)>>;
    /// The office of each visibility grant of an entity (one row per record and office).
    fn shared_with(&mut self, entity: &str) -> Result<Vec<String>>;
    /// The size of a live (not removed) attachment of the office with these bytes.
    fn live_attachment_size(&mut self, office: &str, sha256: &str) -> Result<Option<u64>>;
    fn put_blob(&mut self, office: &str, sha256: &str, data: &[u8], now: &str) -> Result<()>;
    fn blob(&mut self, office: &str, sha256: &str) -> Result<Option<Vec<u8>>>;
    fn delete_blob(&mut self, office: &str, sha256: &str) -> Result<()>;
    /// An office's data key, wrapped by the master key (`sealing`).
    /// An administrator's signing key presented at a device's enrolment (sealed).
    fn add_admin_key(&mut self, device: &str, office: &str, sealed: &str, now: &str) -> Result<()>;
    /// The office's enrolment keys: (device revoked, sealed key).
    fn admin_keys(&mut self, office: &str) -> Result<Vec<(bool, String)>>;
    /// Every stored record of one entity of one office (fields as stored).
    fn office_records(&mut self, entity: &str, office: &str) -> Result<Vec<String>>;
    // requests for help (issue 15): partners, the routing table, idempotency keys
    fn add_partner(&mut self, id: &str, name: &str, key_hash: &str, now: &str) -> Result<()>;
    fn partner_by_key(&mut self, key_hash: &str) -> Result<Option<String>>;
    fn revoke_partner(&mut self, name: &str, now: &str) -> Result<usize>;
    /// (name, created at, revoked)
    fn partners(&mut self) -> Result<Vec<(String, String, bool)>>;
    fn set_route(&mut self, area: &str, office: &str, now: &str) -> Result<()>;
    fn remove_route(&mut self, area: &str) -> Result<bool>;
    fn routes(&mut self) -> Result<Vec<(String, String)>>;
    /// HuSEC's stored escalation rules: (step, days, effective from).
    fn escalation_rules(&mut self) -> Result<Vec<(String, i64, String)>>;
    /// Adds a rule version; false when the step already has one from that day.
    fn add_escalation_rule(
        &mut self,
        step: &str,
        days: i64,
        from: &str,
        by: &str,
        now: &str,
    ) -> Result<bool>;
    /// (body hash, request id) filed before under this source's key.
    fn request_key(&mut self, source: &str, key: &str) -> Result<Option<(String, String)>>;
    fn put_request_key(
        &mut self,
        source: &str,
        key: &str,
        body_hash: &str,
        request_id: &str,
        now: &str,
    ) -> Result<()>;
    // the 1300 console: hotline accounts and their browser sessions
    fn add_hotline_user(
        &mut self,
        username: &str,
        full_name: &str,
        role: &str,
        pw_hash: &str,
        now: &str,
    ) -> Result<()>;
    /// (full name, role, password hash) of an enabled account.
    fn hotline_user(&mut self, username: &str) -> Result<Option<(String, String, String)>>;
    fn disable_hotline_user(&mut self, username: &str, now: &str) -> Result<usize>;
    fn add_console_session(
        &mut self,
        token_hash: &str,
        username: &str,
        csrf: &str,
        expires: &str,
    ) -> Result<()>;
    /// (username, CSRF token) of a live session.
    fn console_session(&mut self, token_hash: &str, now: &str) -> Result<Option<(String, String)>>;
    fn delete_console_session(&mut self, token_hash: &str) -> Result<()>;
    /// The requests one source filed, newest first.
    fn requests_of_source(&mut self, source: &str, limit: u32) -> Result<Vec<String>>;
    /// A volunteer's phone activated with a one-time code (false: the code was used).
    fn add_volunteer_token(
        &mut self,
        token_hash: &str,
        volunteer_id: &str,
        office: &str,
        code_hash: &str,
        now: &str,
    ) -> Result<bool>;
    /// (volunteer id, office, the code hash it was activated with)
    fn volunteer_token(&mut self, token_hash: &str) -> Result<Option<(String, String, String)>>;
    /// Gives a record to another office (a request passed on).
    fn move_record(&mut self, entity: &str, key: &str, office: &str) -> Result<()>;
    fn office_key(&mut self, office: &str) -> Result<Option<String>>;
    fn put_office_key(&mut self, office: &str, wrapped: &str) -> Result<()>;
    fn office_keys(&mut self) -> Result<Vec<(String, String)>>;
    fn replace_office_key(&mut self, office: &str, wrapped: &str) -> Result<()>;
    /// Stores a release; false when that version of that target already exists.
    fn put_release(&mut self, release: &Release, data: &[u8]) -> Result<bool>;
    fn releases(&mut self, target: &str) -> Result<Vec<Release>>;
    fn release_package(&mut self, target: &str, version: &str) -> Result<Option<Vec<u8>>>;

    // HuSEC's tracking (store::tracking)
    fn track(&mut self, kind: &str, id: &str) -> Result<Option<TrackRow>>;
    /// The rows of a kind tracked under an item (a case's referrals, an item's notices).
    fn track_children(&mut self, kind: &str, parent: &str) -> Result<Vec<TrackRow>>;
    fn track_office(&mut self, office: &str) -> Result<Vec<TrackRow>>;
    fn all_track(&mut self) -> Result<Vec<TrackRow>>;
    fn put_track(&mut self, row: &TrackRow) -> Result<()>;
    /// Adds (office, key, delta) to the figures.
    fn bump_figures(&mut self, deltas: &[(String, String, i64)]) -> Result<()>;
    /// Every non-zero figure: (office, key, n).
    fn figures(&mut self) -> Result<Vec<(String, String, i64)>>;
    /// Items due before `today`, counted per (office, kind).
    fn late_counts(&mut self, today: &str) -> Result<Vec<(String, String, i64)>>;
    fn late_rows(&mut self, q: &tracking::LateQuery) -> Result<(Vec<TrackRow>, u64)>;
    fn clear_tracking(&mut self) -> Result<()>;
    fn tracking_built(&mut self) -> Result<bool>;
    fn set_tracking_built(&mut self) -> Result<()>;
    /// The offices a record is shared with.
    fn visible_to(&mut self, entity: &str, key: &str) -> Result<Vec<String>>;
    /// Every record of an entity as (office, record key, fields JSON), in write order.
    fn all_records_keyed(&mut self, entity: &str) -> Result<Vec<(String, String, String)>>;
    fn set_office_province(&mut self, office: &str, province: &str) -> Result<bool>;
    /// Each office with the province it was registered with.
    fn office_provinces(&mut self) -> Result<Vec<(String, Option<String>)>>;
    fn set_account_provinces(&mut self, username: &str, provinces: &str) -> Result<()>;
    fn account_provinces(&mut self, username: &str) -> Result<Option<String>>;
    fn add_server_audit(&mut self, e: &AuditEntry) -> Result<()>;
    /// The newest entries first, of one office or all.
    fn server_audit(&mut self, office: Option<&str>, limit: u32) -> Result<Vec<AuditEntry>>;
}

/// One access to the central copy by a server account (HuSEC, the 1300 centre): who, what,
/// which office's record, and the reason they gave. No personal data.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditEntry {
    pub id: String,
    pub at: String,
    pub username: String,
    pub action: String,
    pub office: String,
    pub target: String,
    pub reason: String,
}

pub use crate::tracking::TrackRow;

/// The columns of a tracking row, in [`TrackRow`] order.
const TRACK_COLS: &str = "kind, id, office, parent, number, status, channel, urgency, assigned, \
                          started_on, due_milestone, due_on, facts";

#[allow(clippy::too_many_arguments)]
fn track_row(
    kind: String,
    id: String,
    office: String,
    parent: Option<String>,
    number: String,
    status: String,
    channel: String,
    urgency: String,
    assigned: i64,
    started_on: Option<String>,
    due_milestone: Option<String>,
    due_on: Option<String>,
    facts: String,
) -> TrackRow {
    let day = |d: Option<String>| d.and_then(|d| crate::tracking::date(&d));
    TrackRow {
        kind,
        id,
        office,
        parent,
        number,
        status,
        channel,
        urgency,
        assigned: assigned != 0,
        started_on: day(started_on),
        due_milestone,
        due_on: day(due_on),
        facts: serde_json::from_str(&facts).unwrap_or_default(),
    }
}

/// A tracking row's columns as text for a statement (assigned aside).
fn track_params(r: &TrackRow) -> [Option<String>; 12] {
    [
        Some(r.kind.clone()),
        Some(r.id.clone()),
        Some(r.office.clone()),
        r.parent.clone(),
        Some(r.number.clone()),
        Some(r.status.clone()),
        Some(r.channel.clone()),
        Some(r.urgency.clone()),
        r.started_on.map(|d| d.to_string()),
        r.due_milestone.clone(),
        r.due_on.map(|d| d.to_string()),
        Some(serde_json::to_string(&r.facts).expect("serialisable")),
    ]
}

// ---- the operations, written once ----------------------------------------------------

fn op_push<T: Tx>(
    tx: &mut T,
    keys: &Keyring,
    device_id: &str,
    req: &PushRequest,
) -> Result<PushResponse> {
    let now = Utc::now().to_rfc3339();
    let device = tx.lock_device(device_id)?.ok_or_else(|| {
        refuse(
            401,
            "unauthorised",
            "เครื่องนี้ไม่ได้ลงทะเบียนกับเซิร์ฟเวอร์",
            "Unknown device",
        )
    })?;
    if device.revoked {
        return Err(refuse(
            403,
            "revoked",
            "เครื่องนี้ถูกเพิกถอนสิทธิ์แล้ว กรุณาติดต่อผู้ดูแลระบบส่วนกลาง",
            "This device was revoked",
        ));
    }
    if device.diverged {
        return Err(diverged());
    }
    let mut high = device.high_water;
    let mut results = Vec::new();
    if req.mutations.iter().any(|m| m.seq > high) {
        tx.lock_writes()?;
    }
    for m in &req.mutations {
        if m.seq <= high {
            match tx.seen_hash(device_id, m.seq)? {
                Some(h) if h == m.hash => {
                    results.push(ItemResult {
                        seq: m.seq,
                        outcome: Outcome::Duplicate,
                    });
                    continue;
                }
                _ => {
                    // The same number with different content: this PC's database was
                    // replaced by an older copy. Stop it before it overwrites anything.
                    tx.mark_diverged(device_id, &now)?;
                    return Err(diverged());
                }
            }
        }
        if m.seq != high + 1 {
            let mut body = ErrorBody::new(
                "gap",
                "ลำดับการส่งข้อมูลขาดช่วง เครื่องจะส่งใหม่ตั้งแต่ลำดับที่เซิร์ฟเวอร์ต้องการ",
                "Sequence gap",
            );
            body.expected_seq = Some(high + 1);
            // Earlier mutations of this batch stay applied (they commit with this reply).
            if results.is_empty() {
                return Err(StoreError::Refused(409, body));
            }
            break;
        }
        let outcome = apply_one(tx, keys, &device, m, &now)?;
        let tag = match &outcome {
            Outcome::Applied => "applied",
            Outcome::Duplicate => "duplicate",
            Outcome::Conflict { .. } => "conflict",
            Outcome::Rejected { .. } => "rejected",
        };
        tx.add_mutation(device_id, m.seq, &m.hash, tag)?;
        high = m.seq;
        results.push(ItemResult {
            seq: m.seq,
            outcome,
        });
    }
    tx.set_high_water(device_id, high, &now)?;
    Ok(PushResponse {
        acknowledged_through: high,
        results,
    })
}

fn diverged() -> StoreError {
    refuse(
        409,
        "diverged",
        "ข้อมูลในเครื่องนี้ไม่ตรงกับที่เคยส่งแล้ว (อาจกู้คืนจากไฟล์สำรองเก่า) เซิร์ฟเวอร์จึงหยุดรับข้อมูลจากเครื่องนี้เพื่อไม่ให้ข้อมูลถูกเขียนทับ กรุณาติดต่อผู้ดูแลระบบเพื่อลงทะเบียนเครื่องใหม่",
        "This PC's history diverged from what the server received (restored from an old backup?); re-enrol the device",
    )
}

fn apply_one<T: Tx>(
    tx: &mut T,
    keys: &Keyring,
    device: &Device,
    m: &Mutation,
    now: &str,
) -> Result<Outcome> {
    if let Err(reason) = raksa_protocol::validate(m) {
        return Ok(Outcome::Rejected { reason });
    }
    let entity = m.entity.table();
    let key = record_key(m.entity, &device.office, &m.record_id);
    let current = tx.record(entity, &key)?;
    let current_fields = match &current {
        Some((office, _)) if *office != device.office => {
            return Ok(Outcome::Rejected {
                reason: "ระเบียนนี้เป็นของสำนักงานอื่น เครื่องนี้แก้ไขไม่ได้".into(),
            });
        }
        Some((office, json)) => Some(keys.open_json(tx, office, entity, json)?),
        None => None,
    };
    if signed::signs(m.entity)
        && let Some(reason) =
            admin_change_problem(tx, keys, &device.office, m, current_fields.as_ref())?
    {
        return Ok(Outcome::Rejected { reason });
    }
    if m.entity == Entity::HelpRequests {
        return requests::apply_step(tx, keys, device, m, current_fields, now);
    }
    if m.entity == Entity::ExpediteNotices {
        return expedite::apply_answer(tx, keys, device, m, current_fields, now);
    }
    if m.entity == Entity::AuditLog
        && let Some(reason) = audit_entry_problem(m)
    {
        return Ok(Outcome::Rejected { reason });
    }
    if m.entity.append_only()
        && let Some(cur) = &current_fields
    {
        return Ok(if *cur == m.fields {
            Outcome::Duplicate
        } else {
            Outcome::Rejected {
                reason: "ระเบียนนี้มีอยู่แล้วและแก้ไขไม่ได้ (บันทึกเพิ่มได้เท่านั้น)".into(),
            }
        });
    }
    let (merged, conflicts) = if signed::signs(m.entity)
        && current_fields
            .as_ref()
            .is_some_and(|cur| !signed::same_signed_part(m.entity, cur, &m.fields))
    {
        // A signed change is taken whole (a field-by-field mix of two administrators'
        // changes would carry neither's signature); the newer password date stays.
        let mut whole = m.fields.clone();
        let pw = |f: &Map<String, Value>| f.get("password_changed_at").cloned();
        if let (Some(cur), Some(Value::String(mine))) =
            (current_fields.as_ref().and_then(pw), pw(&m.fields))
            && let Value::String(theirs) = &cur
            && theirs > &mine
        {
            whole.insert("password_changed_at".into(), cur);
        }
        (whole, Vec::new())
    } else {
        merge(current_fields.as_ref(), m)
    };
    for (field, server, dev) in &conflicts {
        tx.add_conflict(
            &device.office,
            entity,
            &m.record_id,
            field,
            &server.to_string(),
            &dev.to_string(),
            &device.id,
            m.seq,
            now,
        )?;
    }
    // A conflict moves the record forward too, so the PC that lost the field pulls the
    // server's value back (convergence) while the conflict record keeps its own.
    if m.entity == Entity::ReferralReplies {
        return apply_reply(tx, keys, device, m, now);
    }
    if m.entity == Entity::Referrals {
        // before the write, so the tracking sees whom it is shared with
        share_referral(tx, keys, device, &key, &merged)?;
    }
    if current_fields.as_ref() != Some(&merged) || !conflicts.is_empty() {
        let pos = tx.next_position()?;
        let json = keys.seal_fields(tx, &device.office, entity, &merged)?;
        // Stored exactly as the device sent it: the device has this version already.
        let echo = (conflicts.is_empty() && merged == m.fields).then_some(device.id.as_str());
        tracking::put_echo(
            tx,
            keys,
            entity,
            &key,
            &m.record_id,
            &device.office,
            &merged,
            &json,
            pos,
            now,
            echo,
        )?;
    }
    if m.entity == Entity::Attachments && merged.get("removed_at").is_some_and(|v| !v.is_null()) {
        // Removed: the bytes go too, unless another live attachment has the same file.
        let sha = text(&merged, "sha256").to_owned();
        if tx.live_attachment_size(&device.office, &sha)?.is_none() {
            tx.delete_blob(&device.office, &sha)?;
        }
    }
    Ok(if conflicts.is_empty() {
        Outcome::Applied
    } else {
        Outcome::Conflict {
            fields: conflicts.into_iter().map(|c| c.0).collect(),
        }
    })
}

/// An uploaded audit entry must be what its hash says (raksa-domain's chain rule): a
/// device cannot upload an entry that was changed after it was chained.
fn audit_entry_problem(m: &Mutation) -> Option<String> {
    let part = |k: &str| m.fields.get(k).and_then(Value::as_str).map(str::to_owned);
    let expected = raksa_domain::audit_chain::chain_hash(&[
        part("prev_hash"),
        part("at"),
        part("user_id"),
        part("action"),
        part("entity"),
        part("entity_id"),
        part("detail"),
    ]);
    (part("hash").as_deref() != Some(expected.as_str()) || m.record_id != expected)
        .then(|| "รายการบันทึกการใช้งานไม่ตรงกับค่าตรวจสอบของรายการ (ถูกแก้ไขหลังบันทึก)".to_owned())
}

fn text<'a>(m: &'a Map<String, Value>, k: &str) -> &'a str {
    m.get(k).and_then(Value::as_str).unwrap_or("")
}

/// A sent referral to an agency that is an office running Raksa becomes visible to that
/// office (only the referral itself: its letter and what it chose to share).
fn share_referral<T: Tx>(
    tx: &mut T,
    keys: &Keyring,
    device: &Device,
    key: &str,
    referral: &Map<String, Value>,
) -> Result<()> {
    if matches!(text(referral, "status"), "draft" | "") {
        return Ok(());
    }
    let Some((owner, agency)) = tx.record("agencies", text(referral, "agency_id"))? else {
        return Ok(());
    };
    let agency = keys.open_json(tx, &owner, "agencies", &agency)?;
    let runs = agency.get("runs_raksa").and_then(Value::as_i64) == Some(1)
        || agency.get("runs_raksa") == Some(&Value::Bool(true));
    let target = text(&agency, "raksa_office");
    if owner == device.office
        && runs
        && !target.is_empty()
        && target != device.office
        && tx.office_exists(target)?
    {
        tx.set_visible("referrals", key, target)?;
    }
    Ok(())
}

/// The id of a row the server writes into the sender's history for an answer: derived from
/// the answer's id and the kind of row (UUID v8 over SHA-256), never the id the answering
/// office chose — that id names its own reply only, and must not land on (and overwrite)
/// one of the sender's records.
fn answer_row_id(kind: &str, reply_id: &str) -> String {
    use sha2::Digest;
    let d = sha2::Sha256::digest(format!("raksa-answer/{kind}/{reply_id}").as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    uuid::Builder::from_custom_bytes(b).into_uuid().to_string()
}

/// The receiving office answers a referral: the reply is kept (visible to the sender) and
/// the sender's referral moves to the answered state with a dated event, so the sender's
/// tracking updates on its next pull.
fn apply_reply<T: Tx>(
    tx: &mut T,
    keys: &Keyring,
    device: &Device,
    m: &Mutation,
    now: &str,
) -> Result<Outcome> {
    let referral_id = text(&m.fields, "referral_id").to_owned();
    if !tx.is_visible("referrals", &referral_id, &device.office)? {
        return Ok(Outcome::Rejected {
            reason: "การส่งต่อนี้ไม่ได้ส่งมาที่สำนักงานของท่าน".into(),
        });
    }
    let Some(status) = ReferralStatus::parse(text(&m.fields, "status")) else {
        return Ok(Outcome::Rejected {
            reason: "สถานะการตอบกลับไม่ถูกต้อง".into(),
        });
    };
    let Some((owner, referral)) = tx.record("referrals", &referral_id)? else {
        return Ok(Outcome::Rejected {
            reason: "ไม่พบการส่งต่อนี้".into(),
        });
    };
    let mut referral = keys.open_json(tx, &owner, "referrals", &referral)?;
    let from = ReferralStatus::parse(text(&referral, "status"));
    if !from.is_some_and(|from| referral::reply_allowed(from, status)) {
        return Ok(Outcome::Rejected {
            reason: "สถานะการส่งต่อนี้เปลี่ยนไปยังสถานะที่ตอบกลับไม่ได้ (เช่น ปิดหรือถอนการส่งต่อแล้ว)".into(),
        });
    }
    let from = from.expect("checked");
    let mut reply = m.fields.clone();
    reply.insert("from_office".into(), Value::String(device.office.clone()));
    let pos = tx.next_position()?;
    let sealed_reply = keys.seal_fields(tx, &device.office, "referral_replies", &reply)?;
    tracking::put(
        tx,
        keys,
        "referral_replies",
        &m.record_id,
        &m.record_id,
        &device.office,
        &reply,
        &sealed_reply,
        pos,
        now,
    )?;
    tx.set_visible("referral_replies", &m.record_id, &owner)?;
    // The sender's referral and its history.
    let on_date = text(&m.fields, "on_date").to_owned();
    if referral.get("replied_on").is_none_or(Value::is_null) && referral::is_first_answer(status) {
        referral.insert("replied_on".into(), Value::String(on_date.clone()));
    }
    referral.insert("status".into(), Value::String(status.as_str().into()));
    referral.insert("updated_at".into(), Value::String(now.to_owned()));
    let pos = tx.next_position()?;
    let sealed_referral = keys.seal_fields(tx, &owner, "referrals", &referral)?;
    tracking::put(
        tx,
        keys,
        "referrals",
        &referral_id,
        &referral_id,
        &owner,
        &referral,
        &sealed_referral,
        pos,
        now,
    )?;
    let answered_by = format!("สำนักงาน {} — {}", device.office, text(&m.fields, "by_name"));
    let note = format!(
        "ตอบกลับทางระบบจาก{answered_by}{}",
        match text(&m.fields, "note") {
            "" => String::new(),
            n => format!(" — {n}"),
        }
    );
    let event_id = answer_row_id("referral_event", &m.record_id);
    let event = serde_json::json!({
        "id": event_id, "referral_id": referral_id, "at": now, "on_date": on_date,
        "user_id": text(&referral, "created_by"), "from_status": from.as_str(),
        "to_status": status.as_str(),
        "note": note,
    });
    let pos = tx.next_position()?;
    let sealed_event = keys.seal_fields(
        tx,
        &owner,
        "referral_events",
        event.as_object().expect("object"),
    )?;
    tracking::put(
        tx,
        keys,
        "referral_events",
        &event_id,
        &event_id,
        &owner,
        event.as_object().expect("object"),
        &sealed_event,
        pos,
        now,
    )?;
    // …and the sender's case timeline (the same entry its own PC writes for a change).
    let agency = match tx.record("agencies", text(&referral, "agency_id"))? {
        Some((o, f)) => text(&keys.open_json(tx, &o, "agencies", &f)?, "name").to_owned(),
        None => String::new(),
    };
    let letter_no = match (referral.get("letter_no"), referral.get("letter_year")) {
        (Some(Value::Number(n)), Some(Value::Number(y))) => Value::String(format!("{n}/{y}")),
        _ => Value::Null,
    };
    let letter_no = letter_no.as_str().map(str::to_owned);
    // The same timeline entry type the PC writes and reads (raksa-domain).
    let body = CaseEventBody::ReferralChanged {
        agency,
        to: status,
        letter_no,
        note: text(&m.fields, "note").to_owned(),
        answered_by: Some(answered_by),
    };
    let case_event_id = answer_row_id("case_event", &m.record_id);
    let case_event = serde_json::json!({
        "id": case_event_id, "case_id": text(&referral, "case_id"), "at": now,
        "user_id": text(&referral, "created_by"), "kind": "referral_changed",
        "body": serde_json::to_string(&body).expect("serialisable"), "corrects": Value::Null,
    });
    let pos = tx.next_position()?;
    let sealed_case_event = keys.seal_fields(
        tx,
        &owner,
        "case_events",
        case_event.as_object().expect("object"),
    )?;
    tracking::put(
        tx,
        keys,
        "case_events",
        &case_event_id,
        &case_event_id,
        &owner,
        case_event.as_object().expect("object"),
        &sealed_case_event,
        pos,
        now,
    )?;
    Ok(Outcome::Applied)
}

fn op_put_blob<T: Tx>(
    tx: &mut T,
    keys: &Keyring,
    device: &Device,
    sha256: &str,
    data: &[u8],
) -> Result<()> {
    if !raksa_protocol::is_sha256_hex(sha256) || sha256_hex(data) != sha256 {
        return Err(refuse(
            400,
            "invalid",
            "ไฟล์แนบเสียหายระหว่างส่ง (ค่าตรวจสอบไม่ตรง)",
            "The bytes do not match their SHA-256",
        ));
    }
    // Only bytes an attachment record of this office announced, at the size it announced.
    if tx.live_attachment_size(&device.office, sha256)? != Some(data.len() as u64) {
        return Err(refuse(
            404,
            "not_found",
            "ไม่พบรายการไฟล์แนบที่อ้างถึงไฟล์นี้ (ส่งรายการก่อนส่งไฟล์)",
            "No live attachment of this office announces these bytes",
        ));
    }
    let sealed = keys.seal_blob(tx, &device.office, sha256, data)?;
    tx.put_blob(&device.office, sha256, &sealed, &Utc::now().to_rfc3339())
}

fn op_blob<T: Tx>(tx: &mut T, keys: &Keyring, device: &Device, sha256: &str) -> Result<Vec<u8>> {
    let stored = tx.blob(&device.office, sha256)?.ok_or_else(|| {
        refuse(
            404,
            "not_found",
            "เซิร์ฟเวอร์ยังไม่มีไฟล์นี้ (เครื่องที่บันทึกยังส่งไม่ถึง)",
            "Blob not (yet) on the server",
        )
    })?;
    keys.open_blob(tx, &device.office, sha256, stored)
}

fn release_refusal(e: release::ReleaseError) -> StoreError {
    let th = match &e {
        release::ReleaseError::BadSignature => "ลายเซ็นไม่ตรงกับไฟล์และกุญแจของกระทรวง ไม่ได้เผยแพร่",
        release::ReleaseError::VersionMismatch { .. } | release::ReleaseError::UnsignedVersion => {
            "ลายเซ็นไม่ได้ระบุรุ่นนี้ ไม่ได้เผยแพร่"
        }
        _ => "ข้อมูลรุ่นที่จะเผยแพร่ไม่ถูกต้อง",
    };
    refuse(400, "release", th, &e.to_string())
}

fn op_publish<T: Tx>(tx: &mut T, r: &Release, data: &[u8]) -> Result<()> {
    if !tx.put_release(r, data)? {
        return Err(refuse(
            409,
            "release_exists",
            "มีรุ่นนี้เผยแพร่แล้ว รุ่นที่เผยแพร่แล้วแก้ไขไม่ได้ ให้ออกเลขรุ่นใหม่",
            "This version is already published; publish a new version",
        ));
    }
    Ok(())
}

fn op_rotate<T: Tx>(tx: &mut T, keys: &Keyring, new: &sealing::MasterKey) -> Result<usize> {
    keys.rewrap_all(tx, new)
}

fn op_all_records<T: Tx>(
    tx: &mut T,
    keys: &Keyring,
    entity: &str,
) -> Result<Vec<(String, String)>> {
    Ok(open_all(tx, keys, entity)?
        .into_iter()
        .map(|(o, m)| (o, Value::Object(m).to_string()))
        .collect())
}

fn op_releases<T: Tx>(tx: &mut T, target: &str) -> Result<Vec<Release>> {
    let mut all = tx.releases(target)?;
    all.sort_by_key(|r| release::parse_version(&r.version).ok());
    Ok(all)
}

fn op_offer<T: Tx>(tx: &mut T, target: &str, current: &str) -> Result<Option<Release>> {
    let all = tx.releases(target)?;
    Ok(release::newest_after(&all, current).cloned())
}

fn op_release_package<T: Tx>(tx: &mut T, target: &str, version: &str) -> Result<Vec<u8>> {
    tx.release_package(target, version)?
        .ok_or_else(|| refuse(404, "not_found", "ไม่พบรุ่นนี้บนเซิร์ฟเวอร์", "No such release"))
}

use console::{
    op_add_hotline, op_close_session, op_disable_hotline, op_filed_by, op_hotline_hash,
    op_open_session, op_session as op_console_session, op_similar,
};
use field::{op_field_auth, op_field_enrol};
use requests::{
    op_add_partner, op_file as op_file_request, op_national_queue, op_partner_auth, op_partners,
    op_photo as op_request_photo, op_remove_route, op_revoke_partner,
    op_route_by_hand as op_route_request, op_routes, op_set_route, op_status as op_request_status,
};

fn op_sources<T: Tx>(tx: &mut T, source: &str) -> Result<Vec<String>> {
    tx.requests_of_source(source, 100)
}

thread_local! {
    /// A hash to check a password against when the user name is unknown (same cost).
    static DUMMY_HASH: String = console::hash_password("raksa-no-such-user");
}

fn op_trusted_keys<T: Tx>(tx: &mut T, keys: &Keyring, office: &str) -> Result<Vec<String>> {
    Ok(office_trust(tx, keys, office)?.now.into_iter().collect())
}

/// Whom an office's accounts and rules may be changed by (issue 14 §1).
struct Trust {
    /// Keys that may sign a change now: active administrators' listed keys, and keys
    /// presented at enrolment by an administrator who is still one (or whose account has
    /// not arrived yet — the enrolling PC's first push) on a device not revoked.
    now: std::collections::BTreeSet<String>,
    /// Every key the office has trusted: what PCs check pulled history against.
    ever: std::collections::BTreeSet<String>,
}

fn office_trust<T: Tx>(tx: &mut T, keys: &Keyring, office: &str) -> Result<Trust> {
    let mut users = Vec::new();
    for json in tx.office_records(Entity::Users.table(), office)? {
        users.push(keys.open_json(tx, office, Entity::Users.table(), &json)?);
    }
    let mut now = signed::trusted_keys(&users);
    let mut ever: std::collections::BTreeSet<String> =
        users.iter().flat_map(signed::listed_keys).collect();
    for (revoked, sealed) in tx.admin_keys(office)? {
        let grant = keys.open_json(tx, office, "admin_keys", &sealed)?;
        let (Some(user), Some(key)) = (
            grant.get("user_id").and_then(Value::as_str),
            grant.get("key").and_then(Value::as_str),
        ) else {
            continue;
        };
        ever.insert(key.to_owned());
        let account = users
            .iter()
            .find(|u| u.get("id").and_then(Value::as_str) == Some(user));
        if !revoked && account.is_none_or(signed::is_active_admin) {
            now.insert(key.to_owned());
        }
    }
    Ok(Trust { now, ever })
}

/// Why a change of an account or a deadline rule is refused: unsigned, signed by a key
/// the office does not trust now, or an older signed state sent again (a replay).
fn admin_change_problem<T: Tx>(
    tx: &mut T,
    keys: &Keyring,
    office: &str,
    m: &Mutation,
    current: Option<&Map<String, Value>>,
) -> Result<Option<String>> {
    if current.is_some_and(|cur| signed::same_signed_part(m.entity, cur, &m.fields)) {
        return Ok(None);
    }
    let trust = office_trust(tx, keys, office)?;
    if let Err(p) = signed::verify(m.entity, &m.record_id, &m.fields, &trust.now) {
        return Ok(Some(p.message_th().to_owned()));
    }
    if m.entity == Entity::Users
        && let Some(cur) = current
    {
        let at = |f: &Map<String, Value>| {
            f.get("signed_at")
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        if at(&m.fields) <= at(cur) {
            return Ok(Some(
                "การเปลี่ยนแปลงบัญชีนี้ลงนามก่อนฉบับที่เซิร์ฟเวอร์มีอยู่ (อาจเป็นข้อมูลเก่าที่ส่งซ้ำ) จึงไม่รับ".into(),
            ));
        }
    }
    Ok(None)
}

fn op_enrol<T: Tx>(
    tx: &mut T,
    keys: &Keyring,
    code: &str,
    name: &str,
    admin: Option<&AdminKeyGrant>,
) -> Result<EnrolResponse> {
    let now = Utc::now().to_rfc3339();
    let normalised: String = code.chars().filter(char::is_ascii_digit).collect();
    let office = tx
        .take_enrolment_code(&sha256_hex(&normalised), &now)?
        .ok_or_else(|| {
            refuse(
                401,
                "enrolment",
                "รหัสลงทะเบียนไม่ถูกต้อง หมดอายุ หรือใช้ไปแล้ว กรุณาขอรหัสใหม่จากผู้ดูแลระบบส่วนกลาง",
                "Enrolment code invalid, expired or used",
            )
        })?;
    let id = uuid::Uuid::now_v7().to_string();
    use base64::Engine;
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<32>());
    let name: String = name.trim().chars().take(100).collect();
    let index = tx.devices()?.iter().filter(|d| d.office == office).count() as u32;
    tx.add_device(&id, &office, &name, &sha256_hex(&token), &now)?;
    if let Some(a) = admin {
        let grant = serde_json::json!({ "user_id": a.user_id, "key": a.key });
        let sealed = keys.seal_fields(
            tx,
            &office,
            "admin_keys",
            grant.as_object().expect("an object"),
        )?;
        tx.add_admin_key(&id, &office, &sealed, &now)?;
    }
    Ok(EnrolResponse {
        blocks: vec![
            raksa_protocol::block_for("case", index),
            raksa_protocol::block_for("letter", index),
        ],
        device_id: id,
        token,
        office,
        protocol: PROTOCOL_VERSION,
    })
}

fn op_new_code<T: Tx>(tx: &mut T, office: &str) -> Result<String> {
    if !tx.office_exists(office)? {
        return Err(refuse(404, "invalid", "ไม่พบสำนักงานนี้", "Unknown office"));
    }
    let digits: String = random_bytes::<12>()
        .iter()
        .map(|b| char::from(b'0' + b % 10))
        .collect();
    let expires = (Utc::now() + chrono::Duration::days(7)).to_rfc3339();
    tx.add_enrolment_code(&sha256_hex(&digits), office, &expires)?;
    Ok(format!(
        "{}-{}-{}",
        &digits[..4],
        &digits[4..8],
        &digits[8..]
    ))
}

// ---- the store ----------------------------------------------------------------------

pub enum Db {
    /// One connection: SQLite has one writer at a time anyway (the embedded default).
    Sqlite(Mutex<rusqlite::Connection>),
    /// A pool: pulls, sign-ins and the national view run side by side; pushes take the
    /// sequencer row first (see `Tx::lock_writes`), so their positions follow commit order.
    Postgres(PgPool),
}

/// The database and the keys its offices' records are sealed with (`sealing`).
pub struct Store {
    pub db: Db,
    keys: sealing::Keyring,
}

const DEVICE_COLS: &str = "id, office, name, high_water, revoked_at, diverged_at";

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

macro_rules! in_tx {
    ($store:expr, $op:ident ( $($arg:expr),* )) => {
        match &$store.db {
            Db::Sqlite(m) => {
                let mut c = lock(m);
                let t = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                let mut tx = SqliteTx(t);
                let r = $op(&mut tx $(, $arg)*);
                match r {
                    Ok(v) => { tx.0.commit()?; Ok(v) }
                    // Refusals that changed state (divergence) still commit.
                    Err(StoreError::Refused(s, b)) => { tx.0.commit()?; Err(StoreError::Refused(s, b)) }
                    Err(e) => Err(e),
                }
            }
            Db::Postgres(pool) => {
                let mut g = pool.get()?;
                let (c, cache) = g.conn.as_mut().expect("held until drop");
                let t = c.transaction()?;
                let mut tx = PgTx(t, cache);
                let r = $op(&mut tx $(, $arg)*);
                match r {
                    Ok(v) => { tx.0.commit()?; Ok(v) }
                    Err(StoreError::Refused(s, b)) => { tx.0.commit()?; Err(StoreError::Refused(s, b)) }
                    Err(e) => Err(e),
                }
            }
        }
    };
}

fn op_auth<T: Tx>(tx: &mut T, token: &str) -> Result<Device> {
    let d = tx.device_by_token(&sha256_hex(token))?.ok_or_else(|| {
        refuse(
            401,
            "unauthorised",
            "ไม่ได้รับอนุญาต (เครื่องนี้ไม่ได้ลงทะเบียน)",
            "Unauthorised",
        )
    })?;
    if d.revoked {
        return Err(refuse(
            403,
            "revoked",
            "เครื่องนี้ถูกเพิกถอนสิทธิ์แล้ว กรุณาติดต่อผู้ดูแลระบบส่วนกลาง",
            "This device was revoked",
        ));
    }
    Ok(d)
}

fn op_pull<T: Tx>(
    tx: &mut T,
    keys: &Keyring,
    device: &Device,
    cursor: u64,
    limit: u32,
) -> Result<PullResponse> {
    let limit = limit.clamp(1, raksa_protocol::MAX_PULL);
    let rows = tx.pull(&device.office, &device.id, cursor, limit + 1)?;
    let more = rows.len() > limit as usize;
    let mut opened = Vec::with_capacity(limit as usize);
    let mut next_cursor = cursor;
    for row in rows.into_iter().take(limit as usize) {
        next_cursor = row.record.position;
        // The device's own change, exactly as it has it: passed over without being
        // opened or sent (a PC is never sent back its own work).
        if row.echo {
            continue;
        }
        let mut r = row.record;
        r.fields = keys.open_fields(tx, &r.office, r.entity.table(), r.fields)?;
        opened.push(r);
    }
    let records: Vec<RecordState> = opened;
    let admin_keys = if records.iter().any(|r| signed::signs(r.entity)) {
        office_trust(tx, keys, &device.office)?
            .ever
            .into_iter()
            .collect()
    } else {
        Vec::new()
    };
    Ok(PullResponse {
        records,
        next_cursor,
        more,
        admin_keys,
    })
}

fn op_add_office<T: Tx>(tx: &mut T, code: &str, name: &str) -> Result<()> {
    let code = code.trim();
    if code.is_empty() || code.chars().count() > 10 {
        return Err(refuse(
            400,
            "invalid",
            "รหัสสำนักงานไม่ถูกต้อง",
            "Invalid office code",
        ));
    }
    tx.add_office(code, name.trim(), &Utc::now().to_rfc3339())
}

fn op_revoke<T: Tx>(tx: &mut T, id: &str) -> Result<bool> {
    tx.revoke_device(id, &Utc::now().to_rfc3339())
}

fn op_devices<T: Tx>(tx: &mut T) -> Result<Vec<Device>> {
    tx.devices()
}

fn op_add_staff<T: Tx>(tx: &mut T, name: &str, days: u32) -> Result<String> {
    use base64::Engine;
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<32>());
    let name: String = name.trim().chars().take(100).collect();
    if name.is_empty() {
        return Err(refuse(400, "invalid", "กรุณาระบุชื่อ", "Name required"));
    }
    if !(1..=STAFF_MAX_DAYS).contains(&days) {
        return Err(refuse(
            400,
            "invalid",
            "อายุรหัสต้องอยู่ระหว่าง 1 ถึง 365 วัน",
            "Validity must be 1–365 days",
        ));
    }
    let now = Utc::now();
    tx.add_staff(
        &uuid::Uuid::now_v7().to_string(),
        &name,
        &sha256_hex(&token),
        &now.to_rfc3339(),
        &(now + chrono::Duration::days(i64::from(days))).to_rfc3339(),
    )?;
    Ok(token)
}

/// The longest a staff credential may be valid.
pub const STAFF_MAX_DAYS: u32 = 365;

fn op_revoke_staff<T: Tx>(tx: &mut T, name: &str) -> Result<usize> {
    tx.revoke_staff(name.trim(), &Utc::now().to_rfc3339())
}

fn op_staff<T: Tx>(tx: &mut T, token: &str) -> Result<String> {
    tx.staff_by_token(&sha256_hex(token), &Utc::now().to_rfc3339())?
        .ok_or_else(|| {
            refuse(
                401,
                "unauthorised",
                "ต้องใช้บัญชีเจ้าหน้าที่ส่วนกลาง (ศรส.) เพื่อดูภาพรวมระดับประเทศ",
                "A central staff credential is required",
            )
        })
}

/// Every record of an entity, opened: (office, fields).
fn open_all<T: Tx>(
    tx: &mut T,
    keys: &Keyring,
    entity: &str,
) -> Result<Vec<(String, Map<String, Value>)>> {
    let rows = tx.all_records(entity)?;
    let mut out = Vec::with_capacity(rows.len());
    for (o, f) in rows {
        let m = keys.open_json(tx, &o, entity, &f)?;
        out.push((o, m));
    }
    Ok(out)
}

use self::expedite::{
    escalation_rules as op_escalation_rules, op_add_rule as op_add_escalation_rule, op_notices,
    op_send as op_expedite,
};
use self::husec::{
    audit as op_husec_audit, op_add as op_add_husec, op_audit_of, op_identity as op_husec_identity,
    op_is_husec, op_item as op_husec_item, op_late as op_husec_late,
    op_national as op_husec_national, op_province_map, op_session as op_husec_session,
};
use self::tracking::rebuild as op_rebuild;

fn op_all_track<T: Tx>(tx: &mut T) -> Result<Vec<TrackRow>> {
    tx.all_track()
}

fn op_offices<T: Tx>(tx: &mut T) -> Result<Vec<(String, String)>> {
    tx.offices()
}

fn op_figures<T: Tx>(tx: &mut T) -> Result<Vec<(String, String, i64)>> {
    tx.figures()
}

fn op_set_province<T: Tx>(tx: &mut T, office: &str, province: &str) -> Result<()> {
    husec::parse_provinces(province).and_then(|p| {
        if p.len() == 1 {
            Ok(())
        } else {
            Err(refuse(400, "invalid", "ระบุจังหวัดเดียว", "One province"))
        }
    })?;
    if !tx.set_office_province(office, province)? {
        return Err(refuse(404, "office", "ไม่พบสำนักงานนี้", "Unknown office"));
    }
    Ok(())
}

fn op_ensure_tracking<T: Tx>(tx: &mut T, keys: &Keyring) -> Result<()> {
    tracking::ensure_built(tx, keys)
}

fn op_national<T: Tx>(tx: &mut T, keys: &Keyring) -> Result<crate::national::Input> {
    Ok(crate::national::Input {
        offices: tx.offices()?,
        cases: open_all(tx, keys, "cases")?,
        events: open_all(tx, keys, "case_events")?,
        referrals: open_all(tx, keys, "referrals")?,
        rules: open_all(tx, keys, "deadline_rules")?,
        referrals_in: tx.shared_with("referrals")?,
    })
}

impl Store {
    /// `sqlite:PATH` or `postgres://…`.
    pub fn open(url: &str) -> Result<Store> {
        if let Some(path) = url.strip_prefix("sqlite:") {
            let key =
                sealing::MasterKey::load(std::path::Path::new(&format!("{path}.master-key")))?;
            let store = Store {
                db: Db::Sqlite(Mutex::new(sqlite::open(path)?)),
                keys: sealing::Keyring::new(key),
            };
            in_tx!(store, op_ensure_tracking(&store.keys))?;
            Ok(store)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let key = sealing::MasterKey::load(std::path::Path::new("raksa-server.master-key"))?;
            let store = Store {
                db: Db::Postgres(postgresql::PgPool::open(url)?),
                keys: sealing::Keyring::new(key),
            };
            in_tx!(store, op_ensure_tracking(&store.keys))?;
            Ok(store)
        } else {
            Err(StoreError::Db(format!(
                "unknown database URL (use sqlite:PATH or postgres://…): {url}"
            )))
        }
    }

    pub fn backend(&self) -> &'static str {
        match &self.db {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    pub fn add_office(&self, code: &str, name: &str) -> Result<()> {
        in_tx!(self, op_add_office(code, name))
    }
    pub fn new_enrolment_code(&self, office: &str) -> Result<String> {
        in_tx!(self, op_new_code(office))
    }
    pub fn enrol(&self, code: &str, name: &str) -> Result<EnrolResponse> {
        in_tx!(self, op_enrol(&self.keys, code, name, None))
    }
    /// Enrolment by an administrator, whose signing key the office trusts from now on.
    pub fn enrol_with_admin(
        &self,
        code: &str,
        name: &str,
        admin: Option<&AdminKeyGrant>,
    ) -> Result<EnrolResponse> {
        in_tx!(self, op_enrol(&self.keys, code, name, admin))
    }
    // ---- requests for help (issue 15; `requests`) ----
    /// Files a checked request once per (channel, source, idempotency key).
    pub fn file_request(
        &self,
        channel: raksa_domain::help_request::RequestChannel,
        source: &str,
        idempotency_key: &str,
        body_hash: &str,
        checked: &raksa_domain::help_request::CheckedRequest,
    ) -> Result<requests::Filed> {
        in_tx!(
            self,
            op_file_request(
                &self.keys,
                channel,
                source,
                idempotency_key,
                body_hash,
                checked
            )
        )
    }
    pub fn request_status(
        &self,
        channel: raksa_domain::help_request::RequestChannel,
        source: &str,
        id: &str,
    ) -> Result<requests::StatusView> {
        in_tx!(self, op_request_status(&self.keys, channel, source, id))
    }
    pub fn request_photo(
        &self,
        device: &Device,
        id: &str,
        sha256: &str,
    ) -> Result<(String, Vec<u8>)> {
        in_tx!(self, op_request_photo(&self.keys, device, id, sha256))
    }
    pub fn route_request(&self, id: &str, office: &str, by: &str) -> Result<()> {
        in_tx!(self, op_route_request(&self.keys, id, office, by))
    }
    pub fn national_queue(&self) -> Result<Vec<(String, String, Option<String>)>> {
        in_tx!(self, op_national_queue(&self.keys))
    }
    // ---- the volunteers' field app (`field`) ----
    pub fn field_enrol(&self, code: &str) -> Result<field::FieldEnrolment> {
        in_tx!(self, op_field_enrol(&self.keys, code))
    }
    pub fn field_volunteer(&self, token: &str) -> Result<field::FieldVolunteer> {
        in_tx!(self, op_field_auth(&self.keys, token))
    }
    /// A volunteer's own requests, newest first, as the requester sees them.
    pub fn field_requests(&self, volunteer_id: &str) -> Result<Vec<requests::StatusView>> {
        let ids: Vec<String> = in_tx!(self, op_sources(&format!("volunteer:{volunteer_id}")))?;
        ids.iter()
            .map(|id| {
                self.request_status(
                    raksa_domain::help_request::RequestChannel::Volunteer,
                    volunteer_id,
                    id,
                )
            })
            .collect()
    }

    // ---- the 1300 console (`console`) ----
    /// Adds (or resets) a hotline account; the password is hashed before any transaction.
    pub fn add_hotline_user(
        &self,
        username: &str,
        full_name: &str,
        role: &str,
        password: &str,
    ) -> Result<()> {
        let hash = console::new_password_hash(password)?;
        in_tx!(self, op_add_hotline(username, full_name, role, &hash))
    }
    pub fn disable_hotline_user(&self, username: &str) -> Result<usize> {
        in_tx!(self, op_disable_hotline(username))
    }
    /// Signs a hotline account in: (session token, CSRF token), or None for a wrong user
    /// name or password (the same work either way). The hash is checked outside any
    /// transaction.
    pub fn console_sign_in(
        &self,
        username: &str,
        password: &str,
    ) -> Result<Option<(String, String)>> {
        let hash: Option<String> = in_tx!(self, op_hotline_hash(username))?;
        // an unknown user costs the same as a known one
        let phc = hash
            .clone()
            .unwrap_or_else(|| DUMMY_HASH.with(|h| h.clone()));
        let ok = console::verify_password(password, &phc) && hash.is_some();
        if !ok {
            return Ok(None);
        }
        in_tx!(self, op_open_session(username)).map(Some)
    }
    pub fn console_session(&self, token: &str) -> Result<Option<console::ConsoleUser>> {
        in_tx!(self, op_console_session(token))
    }
    pub fn console_sign_out(&self, token: &str) -> Result<()> {
        in_tx!(self, op_close_session(token))
    }
    pub fn filed_by(&self, username: &str) -> Result<Vec<console::FiledRow>> {
        in_tx!(self, op_filed_by(&self.keys, username))
    }
    pub fn similar_requests(
        &self,
        province: &str,
        phone: &str,
        citizen_id: &str,
    ) -> Result<Vec<(String, String, String)>> {
        in_tx!(self, op_similar(&self.keys, province, phone, citizen_id))
    }

    /// A partner system's API key (shown once; only its hash is kept).
    pub fn add_partner(&self, name: &str) -> Result<String> {
        in_tx!(self, op_add_partner(name))
    }
    pub fn authenticate_partner(&self, key: &str) -> Result<String> {
        in_tx!(self, op_partner_auth(key))
    }
    pub fn revoke_partner(&self, name: &str) -> Result<usize> {
        in_tx!(self, op_revoke_partner(name))
    }
    pub fn partners(&self) -> Result<Vec<(String, String, bool)>> {
        in_tx!(self, op_partners())
    }
    pub fn set_route(&self, rule: &raksa_domain::help_request::RouteRule) -> Result<()> {
        in_tx!(self, op_set_route(rule))
    }
    /// The escalation rules in force (the domain's defaults and every stored version).
    pub fn escalation_rules(&self) -> Result<Vec<raksa_domain::expedite::EscalationRule>> {
        in_tx!(self, op_escalation_rules())
    }
    /// Adds a dated escalation rule (from today or later; never replaces a version).
    pub fn add_escalation_rule(
        &self,
        rule: &raksa_domain::expedite::EscalationRule,
        by: &str,
    ) -> Result<()> {
        in_tx!(
            self,
            op_add_escalation_rule(rule, by, crate::national::today())
        )
    }
    pub fn remove_route(&self, area: &str) -> Result<bool> {
        in_tx!(self, op_remove_route(area))
    }
    pub fn routes(&self) -> Result<Vec<raksa_domain::help_request::RouteRule>> {
        in_tx!(self, op_routes())
    }

    /// The administrator keys an office trusts now (accounts and enrolments).
    pub fn trusted_admin_keys(&self, office: &str) -> Result<Vec<String>> {
        in_tx!(self, op_trusted_keys(&self.keys, office))
    }
    pub fn authenticate(&self, token: &str) -> Result<Device> {
        in_tx!(self, op_auth(token))
    }
    pub fn push(&self, device: &Device, req: &PushRequest) -> Result<PushResponse> {
        if req.protocol != PROTOCOL_VERSION {
            return Err(refuse(
                400,
                "protocol",
                "รุ่นโปรแกรมไม่ตรงกับเซิร์ฟเวอร์ กรุณาปรับปรุงโปรแกรม",
                "Protocol version mismatch",
            ));
        }
        if req.mutations.len() > raksa_protocol::MAX_BATCH {
            return Err(refuse(
                413,
                "too_large",
                "ส่งข้อมูลครั้งละมากเกินไป",
                "Too many mutations in one push",
            ));
        }
        let id = device.id.clone();
        in_tx!(self, op_push(&self.keys, &id, req))
    }
    pub fn pull(&self, device: &Device, cursor: u64, limit: u32) -> Result<PullResponse> {
        in_tx!(self, op_pull(&self.keys, device, cursor, limit))
    }
    pub fn revoke(&self, id: &str) -> Result<bool> {
        in_tx!(self, op_revoke(id))
    }
    pub fn devices(&self) -> Result<Vec<Device>> {
        in_tx!(self, op_devices())
    }
    /// Issues a credential for a member of the national tracking centre; returns the token.
    /// Issues a credential valid for `days` (1–365).
    pub fn add_staff(&self, name: &str, days: u32) -> Result<String> {
        in_tx!(self, op_add_staff(name, days))
    }
    /// Revokes every live credential of the named staff member at once.
    pub fn revoke_staff(&self, name: &str) -> Result<usize> {
        in_tx!(self, op_revoke_staff(name))
    }
    pub fn authenticate_staff(&self, token: &str) -> Result<String> {
        in_tx!(self, op_staff(token))
    }
    pub fn national_input(&self) -> Result<crate::national::Input> {
        in_tx!(self, op_national(&self.keys))
    }
    /// The national view from the tracking counters (every office): what `/v1/national`
    /// and the staff-token page show.
    pub fn national(&self, today: chrono::NaiveDate) -> Result<crate::national::National> {
        let user = husec::HusecUser {
            username: "staff-token".into(),
            full_name: String::new(),
            role: husec::NATIONAL.into(),
            scope: husec::Scope::National,
            csrf: String::new(),
        };
        in_tx!(self, op_husec_national(&self.keys, &user, None, today))
    }
    /// Today's full recomputation from every record (the reference the counters must
    /// agree with; benchmarks measure both).
    pub fn national_full(&self, today: chrono::NaiveDate) -> Result<crate::national::National> {
        let input = self.national_input()?;
        Ok(crate::national::compute(&input, today))
    }
    /// Recomputes the tracking rows and figures from every record; returns records read.
    pub fn rebuild_tracking(&self) -> Result<usize> {
        in_tx!(self, op_rebuild(&self.keys))
    }
    pub fn tracking_rows(&self) -> Result<Vec<TrackRow>> {
        in_tx!(self, op_all_track())
    }
    /// Every non-zero figure counter as (office, key, n).
    pub fn figures(&self) -> Result<Vec<(String, String, i64)>> {
        in_tx!(self, op_figures())
    }
    /// Every office as (code, name).
    pub fn offices(&self) -> Result<Vec<(String, String)>> {
        in_tx!(self, op_offices())
    }
    pub fn set_office_province(&self, office: &str, province: &str) -> Result<()> {
        in_tx!(self, op_set_province(office, province))
    }
    /// Each office's province (registered, else from the routing table).
    pub fn province_map(&self) -> Result<std::collections::BTreeMap<String, String>> {
        in_tx!(self, op_province_map())
    }
    /// Adds a HuSEC account: role `national`, `regional` (with its provinces) or
    /// `provincial` (one province).
    pub fn add_husec_user(
        &self,
        username: &str,
        full_name: &str,
        role: &str,
        provinces: &str,
        password: &str,
    ) -> Result<()> {
        let hash = console::new_password_hash(password)?;
        in_tx!(
            self,
            op_add_husec(username, full_name, role, provinces, &hash)
        )
    }
    /// Signs a HuSEC account in: (session token, CSRF token), or None.
    pub fn husec_sign_in(
        &self,
        username: &str,
        password: &str,
    ) -> Result<Option<(String, String)>> {
        if !in_tx!(self, op_is_husec(username))? {
            // the same work as a real check, so a name cannot be told from its timing
            let _ = console::verify_password(password, &DUMMY_HASH.with(|h| h.clone()));
            return Ok(None);
        }
        let opened = self.console_sign_in(username, password)?;
        if let Some((token, _)) = &opened {
            let user = in_tx!(self, op_husec_session(token))?;
            if let Some(u) = user {
                in_tx!(self, op_husec_audit(&u.username, "sign_in", "", "", ""))?;
            }
        }
        Ok(opened)
    }
    pub fn husec_session(&self, token: &str) -> Result<Option<husec::HusecUser>> {
        in_tx!(self, op_husec_session(token))
    }
    pub fn husec_national(
        &self,
        user: &husec::HusecUser,
        province: Option<&str>,
        today: chrono::NaiveDate,
    ) -> Result<crate::national::National> {
        in_tx!(self, op_husec_national(&self.keys, user, province, today))
    }
    /// One page of the late list in the account's scope; `action` names the access in the
    /// audit (`view_late`, `export_late`).
    pub fn husec_late(
        &self,
        user: &husec::HusecUser,
        province: Option<&str>,
        q: tracking::LateQuery,
        action: &str,
    ) -> Result<(Vec<TrackRow>, u64)> {
        in_tx!(
            self,
            op_husec_late(&self.keys, user, province, q.clone(), action)
        )
    }
    pub fn husec_item(&self, user: &husec::HusecUser, kind: &str, id: &str) -> Result<TrackRow> {
        in_tx!(self, op_husec_item(user, kind, id))
    }
    /// Opens who an item is about, after a reason (audited; noted on the case).
    pub fn husec_identity(
        &self,
        user: &husec::HusecUser,
        kind: &str,
        id: &str,
        reason: &str,
    ) -> Result<(TrackRow, husec::Identity)> {
        in_tx!(self, op_husec_identity(&self.keys, user, kind, id, reason))
    }
    /// Sends an expedite notice for each (kind, id) in the account's scope.
    pub fn husec_expedite(
        &self,
        user: &husec::HusecUser,
        items: &[(String, String)],
        note: &str,
        respond_by: Option<chrono::NaiveDate>,
    ) -> Result<Vec<String>> {
        let today = crate::national::today();
        in_tx!(
            self,
            op_expedite(&self.keys, user, items, note, respond_by, today)
        )
    }
    /// The notices sent about an item, with the office's answers.
    pub fn husec_notices(
        &self,
        user: &husec::HusecUser,
        kind: &str,
        id: &str,
    ) -> Result<Vec<expedite::NoticeView>> {
        in_tx!(self, op_notices(&self.keys, user, kind, id))
    }
    /// The server's audit of staff access, newest first (one office's, or all).
    pub fn server_audit(&self, office: Option<&str>, limit: u32) -> Result<Vec<AuditEntry>> {
        in_tx!(self, op_audit_of(office, limit))
    }
    /// Stores an attachment's bytes for the device's office (content-addressed).
    pub fn put_blob(&self, device: &Device, sha256: &str, data: &[u8]) -> Result<()> {
        in_tx!(self, op_put_blob(&self.keys, device, sha256, data))
    }
    /// Re-wraps every office's data key under the master key in `new_path` (made now) in one
    /// transaction; the caller then puts the new file in place of the old.
    pub fn rotate_master_key(&self, new_path: &std::path::Path) -> Result<usize> {
        let new = sealing::MasterKey::create(new_path)?;
        in_tx!(self, op_rotate(&self.keys, &new))
    }
    /// Every record of an entity as (office, fields JSON): the offices' uploaded audit
    /// trails for an auditor (`raksa-server audit`), and tests.
    pub fn all_records_of(&self, entity: &str) -> Result<Vec<(String, String)>> {
        in_tx!(self, op_all_records(&self.keys, entity))
    }
    /// Publishes a release after checking its signature against the ministry's public key
    /// (`public_key_b64`) exactly as the PCs will. Published versions never change.
    #[allow(clippy::too_many_arguments)]
    pub fn publish_release(
        &self,
        target: &str,
        version: &str,
        notes_th: &str,
        notes_en: &str,
        signature: &str,
        public_key_b64: &str,
        data: &[u8],
    ) -> Result<Release> {
        release::check_target(target).map_err(release_refusal)?;
        let version = release::parse_version(version)
            .map_err(release_refusal)?
            .to_string();
        if notes_th.trim().is_empty() {
            return Err(refuse(
                400,
                "release",
                "กรุณาใส่บันทึกการเปลี่ยนแปลงภาษาไทย (ผู้ดูแลระบบอ่านก่อนตัดสินใจติดตั้ง)",
                "Thai release notes are required",
            ));
        }
        if data.len() > release::MAX_PACKAGE_BYTES {
            return Err(refuse(
                413,
                "too_large",
                "ไฟล์ติดตั้งใหญ่เกินกำหนด",
                "Package too large",
            ));
        }
        let key = release::public_key_b64(public_key_b64).map_err(release_refusal)?;
        release::verify(data, signature.trim(), &key, &version).map_err(release_refusal)?;
        let r = Release {
            target: target.to_owned(),
            version,
            notes_th: notes_th.trim().to_owned(),
            notes_en: notes_en.trim().to_owned(),
            signature: signature.trim().to_owned(),
            sha256: sha256_hex(data),
            size: data.len() as u64,
            published_at: Utc::now().to_rfc3339(),
        };
        in_tx!(self, op_publish(&r, data))?;
        Ok(r)
    }
    pub fn releases(&self, target: &str) -> Result<Vec<Release>> {
        in_tx!(self, op_releases(target))
    }
    /// The newest release of `target` newer than `current`, if any.
    pub fn release_offer(&self, target: &str, current: &str) -> Result<Option<Release>> {
        in_tx!(self, op_offer(target, current))
    }
    pub fn release_package(&self, target: &str, version: &str) -> Result<Vec<u8>> {
        in_tx!(self, op_release_package(target, version))
    }
    /// An attachment's bytes, within the device's office only.
    pub fn blob(&self, device: &Device, sha256: &str) -> Result<Vec<u8>> {
        in_tx!(self, op_blob(&self.keys, device, sha256))
    }
}

/// One row of a pull: a record, or an echo of the pulling device's own change (position
/// only, to move the cursor past it).
pub struct PulledRow {
    pub record: RecordState,
    pub echo: bool,
}

/// A pull page: the office's own records by the `(office, position)` index and the
/// records shared with it through `visibility`, merged in position order. Each arm is
/// limited on its own, so both databases walk the index in order and stop after a page
/// (one `OR` of the two made both scan and sort every record of every office for each
/// page; without the inner limits PostgreSQL read every later record and sorted them).
/// Parameters: 1 office, 2 cursor, 3 limit, 4 the pulling device.
pub(super) const PULL_SQL: &str = "
SELECT entity, record_id, office,
       CASE WHEN echo_device = ?4 THEN NULL ELSE fields END, position FROM (
    SELECT * FROM (
        SELECT r.entity, r.record_id, r.office, r.fields, r.position, r.echo_device
        FROM records r WHERE r.office = ?1 AND r.position > ?2 AND r.entity <> 'audit_log'
        ORDER BY r.position LIMIT ?3) own
    UNION ALL
    SELECT * FROM (
        SELECT r.entity, r.record_id, r.office, r.fields, r.position, r.echo_device
        FROM visibility v JOIN records r ON r.entity = v.entity AND r.record_key = v.record_key
        WHERE v.office = ?1 AND r.office <> ?1 AND r.position > ?2
        ORDER BY r.position LIMIT ?3) shared
) page ORDER BY position LIMIT ?3";

fn pulled_row(
    entity: &str,
    record_id: String,
    office: String,
    fields: Option<&str>,
    position: u64,
) -> Result<PulledRow> {
    Ok(PulledRow {
        echo: fields.is_none(),
        record: record_state(entity, record_id, office, fields.unwrap_or("{}"), position)?,
    })
}

fn record_state(
    entity: &str,
    record_id: String,
    office: String,
    fields: &str,
    position: u64,
) -> Result<RecordState> {
    Ok(RecordState {
        entity: Entity::parse(entity).ok_or_else(|| StoreError::Db(format!("entity {entity}")))?,
        record_id,
        office,
        fields: serde_json::from_str(fields).map_err(|e| StoreError::Db(e.to_string()))?,
        position,
    })
}
