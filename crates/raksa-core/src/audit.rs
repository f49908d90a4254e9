//! The audit trail: who did what to which record, when. Append-only (enforced by triggers),
//! stored inside the encrypted database. Details never contain personal data — only
//! record ids, counts and the kind of action.

use rusqlite::Connection;
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

pub fn record(
    conn: &Connection,
    at: &str,
    user: Option<Uuid>,
    action: AuditAction,
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
        action.as_str(),
        entity,
        entity_id,
        detail
    ])?;
    Ok(())
}
