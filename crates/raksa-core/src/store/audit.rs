//! The audit trail: who did what to which record, when. Append-only (enforced by triggers),
//! stored inside the encrypted database. Details never contain personal data — only
//! record ids, counts and the kind of action.

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
    tx.prepare_cached(
        "INSERT INTO audit_log (at, user_id, action, entity, entity_id, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(rusqlite::params![
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
    conn.prepare_cached(
        "INSERT INTO audit_log (at, user_id, action, entity, entity_id, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(rusqlite::params![
        at,
        user.map(|u| u.to_string()),
        AuditAction::from(action).as_str(),
        entity,
        entity_id,
        detail
    ])?;
    Ok(())
}
