//! The audit trail: who did what to which record, when. Append-only (enforced by triggers),
//! stored inside the encrypted database, and hash-chained: each entry's `hash` covers the
//! previous entry's hash and its own fields, so an entry changed or removed by someone who
//! got past the triggers (the database key opens the file) breaks the chain at that point
//! (`Session::verify_audit`, `raksa audit verify`). Details never contain personal data —
//! only record ids, counts and the kind of action.

use rusqlite::{Connection, Transaction};
use uuid::Uuid;

use crate::error::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    Login,
    Lock,
    Create,
    Read,
    Update,
    Search,
    Export,
    Backup,
    Restore,
}

impl AuditAction {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Login => "login",
            AuditAction::Lock => "lock",
            AuditAction::Create => "create",
            AuditAction::Read => "read",
            AuditAction::Update => "update",
            AuditAction::Search => "search",
            AuditAction::Export => "export",
            AuditAction::Backup => "backup",
            AuditAction::Restore => "restore",
        }
    }
}

/// What a read-side audit entry may say: an access, not a change. A change's entry is
/// written only through a unit of work (`write::Write::audit`), in its transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Login,
    Lock,
    Read,
    Search,
    Export,
    Backup,
    /// A backup restored into this data folder (the files, not a database change).
    Restore,
    /// A worker's decision that changes no record (e.g. "not the same person").
    Decision,
}

impl From<Access> for AuditAction {
    fn from(a: Access) -> Self {
        match a {
            Access::Login => AuditAction::Login,
            Access::Lock => AuditAction::Lock,
            Access::Read => AuditAction::Read,
            Access::Search => AuditAction::Search,
            Access::Export => AuditAction::Export,
            Access::Backup => AuditAction::Backup,
            Access::Restore => AuditAction::Restore,
            Access::Decision => AuditAction::Update,
        }
    }
}

/// The chain's hash (raksa-domain, shared with the server that receives the trail).
pub use raksa_domain::audit_chain::chain_hash;

/// The insert of one entry, its hash chained to the last entry's in the same statement
/// (so two writers cannot both chain to the same predecessor).
const INSERT: &str = "INSERT INTO audit_log (at, user_id, action, entity, entity_id, detail, hash)
     SELECT ?1, ?2, ?3, ?4, ?5, ?6,
            rk_audit_hash((SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1),
                          ?1, ?2, ?3, ?4, ?5, ?6)";

/// Appends an entry inside `tx` (a change's entry: see `write`).
pub fn record(
    tx: &Transaction,
    at: &str,
    user: Option<Uuid>,
    action: AuditAction,
    entity: &str,
    entity_id: Option<&str>,
    detail: &str,
) -> Result<()> {
    tx.prepare_cached(INSERT)?.execute(rusqlite::params![
        at,
        user.map(|u| u.to_string()),
        action.as_str(),
        entity,
        entity_id,
        detail
    ])?;
    Ok(())
}

/// Appends an access entry (a read, search, export, sign-in) on its own.
pub fn record_access(
    conn: &Connection,
    at: &str,
    user: Option<Uuid>,
    action: Access,
    entity: &str,
    entity_id: Option<&str>,
    detail: &str,
) -> Result<()> {
    conn.prepare_cached(INSERT)?.execute(rusqlite::params![
        at,
        user.map(|u| u.to_string()),
        AuditAction::from(action).as_str(),
        entity,
        entity_id,
        detail
    ])?;
    Ok(())
}

/// What checking the chain found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditCheck {
    pub entries: u64,
    /// Entries written before the chain began (schema 18) carry no hash.
    pub before_chain: u64,
    /// The first entry whose hash does not match (changed, or one before it removed).
    pub broken_at: Option<i64>,
}

/// Walks the trail in order and recomputes every hash.
pub fn verify(conn: &Connection) -> Result<AuditCheck> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, user_id, action, entity, entity_id, detail, hash
         FROM audit_log ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut check = AuditCheck {
        entries: 0,
        before_chain: 0,
        broken_at: None,
    };
    let mut prev: Option<String> = None;
    let mut chained = false;
    while let Some(r) = rows.next()? {
        check.entries += 1;
        let seq: i64 = r.get(0)?;
        let hash: Option<String> = r.get(7)?;
        let Some(hash) = hash else {
            if chained && check.broken_at.is_none() {
                // an unhashed entry after the chain began was written around it
                check.broken_at = Some(seq);
            }
            check.before_chain += u64::from(!chained);
            continue;
        };
        chained = true;
        let mut parts = vec![prev.clone()];
        for i in 1..=6 {
            parts.push(r.get::<_, Option<String>>(i)?);
        }
        if check.broken_at.is_none() && chain_hash(&parts) != hash {
            check.broken_at = Some(seq);
        }
        prev = Some(hash);
    }
    Ok(check)
}
