//! Opening the encrypted office database (SQLCipher, raw 256-bit key).

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use crate::crypto::DbKey;
use crate::error::{CoreError, Result};

/// Completes SQLite's start-up once, before any real database opens. SQLite marks itself
/// initialised *before* it runs `SQLITE_EXTRA_INIT`, which is where SQLCipher registers
/// `sqlcipher_export` and its other functions; a connection opened on another thread in that
/// window would lack them. Opening one in-memory connection under a `Once` closes the window.
fn initialise_sqlite() {
    static INIT: std::sync::Once = std::sync::Once::new();
    INIT.call_once(|| {
        let c = Connection::open_in_memory().expect("SQLite starts");
        // Proves the SQLCipher functions are there.
        let _ = c.query_row("PRAGMA cipher_version", [], |_| Ok(()));
    });
}

/// Opens (or creates) the database with the raw key and proves the key by reading.
/// A wrong key or a file that is not an encrypted Raksa database gives `BadCredentials`.
pub fn open(path: &Path, key: &DbKey) -> Result<Connection> {
    initialise_sqlite();
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    apply_key(&conn, "main", key)?;
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    }) {
        Ok(_) => {}
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::NotADatabase =>
        {
            return Err(CoreError::BadCredentials);
        }
        Err(e) => return Err(e.into()),
    }
    // WAL keeps readers and the writer apart; FULL sync makes "saved" survive power loss.
    // SQLCipher encrypts WAL frames too. A larger page cache offsets SQLCipher's per-page
    // decryption cost (see docs/benchmarks.md).
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -65536;
         PRAGMA busy_timeout = 5000;",
    )?;
    register_functions(&conn)?;
    // Room for every entity's upsert of a pull page besides the app's own statements
    // (the default 16 would evict them while a joining PC applies its office's records).
    conn.set_prepared_statement_cache_capacity(128);
    Ok(conn)
}

/// SQL functions the schema uses (the phonetic name indexes of the duplicate check).
/// Deterministic, so SQLite can index them; every connection registers them on open.
pub(crate) fn register_functions(conn: &Connection) -> Result<()> {
    use rusqlite::functions::FunctionFlags;
    let flags = FunctionFlags::SQLITE_UTF8
        | FunctionFlags::SQLITE_DETERMINISTIC
        | FunctionFlags::SQLITE_INNOCUOUS;
    for (name, code) in [
        ("rk_udom83", crate::name_match::udom83 as fn(&str) -> String),
        ("rk_lk82", crate::name_match::lk82),
    ] {
        conn.create_scalar_function(name, 1, flags, move |ctx| {
            let text: Option<String> = ctx.get(0)?;
            Ok(text.map(|t| code(&crate::name_match::normalise(&t))))
        })?;
    }
    // The audit trail's chain: rk_audit_hash(previous hash, at, user, action, entity,
    // entity id, detail) — see `audit::chain_hash`.
    conn.create_scalar_function("rk_audit_hash", 7, flags, |ctx| {
        let mut parts: Vec<Option<String>> = Vec::with_capacity(7);
        for i in 0..7 {
            parts.push(ctx.get(i)?);
        }
        Ok(crate::audit::chain_hash(&parts))
    })?;
    Ok(())
}

/// Sets the key of an attached or main schema. Must be the first statement on it.
pub(crate) fn apply_key(conn: &Connection, schema: &str, key: &DbKey) -> Result<()> {
    let lit = key.sqlcipher_literal();
    let sql = zeroize::Zeroizing::new(format!("PRAGMA {schema}.key = \"{}\";", lit.as_str()));
    conn.execute_batch(&sql)?;
    Ok(())
}

/// Attaches another database file encrypted with the same key.
pub(crate) fn attach_keyed(conn: &Connection, path: &Path, alias: &str, key: &DbKey) -> Result<()> {
    let lit = key.sqlcipher_literal();
    let sql = zeroize::Zeroizing::new(format!(
        "ATTACH DATABASE ?1 AS {alias} KEY \"{}\";",
        lit.as_str()
    ));
    conn.execute(&sql, [path.to_string_lossy().as_ref()])?;
    Ok(())
}

/// Runs SQLite's full integrity check and SQLCipher's page HMAC check.
pub fn integrity_problems(conn: &Connection) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    for r in rows {
        let r = r?;
        if r != "ok" {
            problems.push(r);
        }
    }
    let mut stmt = conn.prepare("PRAGMA cipher_integrity_check")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    for r in rows {
        problems.push(r?);
    }
    Ok(problems)
}
