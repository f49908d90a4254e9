//! The one write path: a unit of work in which a change, its audit entry and the outbox
//! rows its triggers queue commit or roll back together.
//!
//! Invariant 4 ("saved means committed, with its audit entry in the same transaction") is
//! enforced here: an audit entry of a change can only be written through a [`Write`]
//! (`audit::record` takes a transaction, `Session::audit_access` takes only
//! [`Access`](crate::audit::Access) actions), and [`Write::commit`] refuses a unit of work
//! that recorded no audit entry — so a write path that forgets its entry fails every test
//! that calls it, instead of saving silently.

use std::ops::Deref;

use rusqlite::Transaction;
use uuid::Uuid;

use crate::audit::{self, AuditAction};
use crate::error::{CoreError, Result};
use crate::session::Session;

/// An open unit of work (see the module docs). Dropped without `commit`, it rolls back.
pub struct Write<'c> {
    tx: Transaction<'c>,
    user: Option<Uuid>,
    now: String,
    audited: bool,
    fail_before_commit: bool,
}

impl<'c> Deref for Write<'c> {
    type Target = Transaction<'c>;
    fn deref(&self) -> &Transaction<'c> {
        &self.tx
    }
}

impl Write<'_> {
    /// The instant this unit of work is recorded at (RFC 3339, UTC).
    pub fn now(&self) -> &str {
        &self.now
    }

    /// The audit entry of this change, in the same transaction.
    pub fn audit(
        &mut self,
        action: AuditAction,
        entity: &str,
        entity_id: Option<&str>,
        detail: &str,
    ) -> Result<()> {
        audit::record(
            &self.tx, &self.now, self.user, action, entity, entity_id, detail,
        )?;
        self.audited = true;
        Ok(())
    }

    /// Commits the change together with its audit entry; refuses one without.
    pub fn commit(self) -> Result<()> {
        if !self.audited {
            // Rolls back on drop. A programming error, found by any test that calls it.
            return Err(CoreError::Corrupt(
                "a change without its audit entry".into(),
            ));
        }
        if self.fail_before_commit {
            return Err(CoreError::Io(std::io::Error::other(
                "fault injected before commit",
            )));
        }
        self.tx.commit()?;
        Ok(())
    }
}

impl Session {
    /// Opens a unit of work as the signed-in user.
    pub(crate) fn begin(&mut self) -> Result<Write<'_>> {
        let user = Some(self.user().id);
        let now = self.now();
        let (conn, fail) = self.conn_and_fault_flag();
        begin_on(conn, user, now, fail)
    }

    /// Runs `f` in a unit of work and commits it (see [`Write`]).
    pub(crate) fn write<R>(&mut self, f: impl FnOnce(&mut Write<'_>) -> Result<R>) -> Result<R> {
        let mut w = self.begin()?;
        let r = f(&mut w)?;
        w.commit()?;
        Ok(r)
    }

    /// Tests only (debug builds): the next unit of work fails after its change and audit
    /// entry were written but before it commits, as a crash or full disk would.
    #[cfg(debug_assertions)]
    pub fn fail_next_commit(&mut self) {
        self.fail_next_commit = true;
    }
}

/// A unit of work on `conn` by `user` (set-up, or inside `Session` where only some of its
/// fields may be borrowed); `fail` is the session's fault-injection flag, taken.
pub(crate) fn begin_on<'c>(
    conn: &'c mut rusqlite::Connection,
    user: Option<Uuid>,
    now: String,
    fail: &mut bool,
) -> Result<Write<'c>> {
    Ok(Write {
        tx: conn.transaction()?,
        user,
        now,
        audited: false,
        fail_before_commit: std::mem::take(fail),
    })
}
