//! Encrypted, verifiable backups. A backup file is one container:
//!
//! ```text
//! "RAKSA-BACKUP-2\n" | u32 LE header length | header JSON | database bytes
//! ```
//!
//! The database bytes are a fresh SQLCipher copy under the same key (never decrypted on the
//! way); the header carries the key slots (wrapped keys only), the schema version and a
//! SHA-256 of the database bytes, and is authenticated with a key derived from the database
//! key (`mac`, HMAC-SHA-256): key slots, dates and the checksum cannot be swapped or edited
//! by anyone without the key. `verify` checks structure and hash without any secret;
//! `restore` also proves the credentials, checks the header's MAC and runs the full
//! integrity check before it touches the live files, and keeps the replaced files aside.
//! Version-1 files (no MAC) are refused: a header that can be edited unnoticed could carry
//! a slot an attacker added.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::crypto::RecoveryKey;
use crate::db;
use crate::error::{CoreError, Result};
use crate::keyslots::{self, KeySlotsFile};
use crate::migrations;
use crate::office::DataDir;
use crate::session::Session;
use crate::thai_date::Clock;

const MAGIC: &[u8] = b"RAKSA-BACKUP-2\n";
const MAGIC_V1: &[u8] = b"RAKSA-BACKUP-1\n";
const MAX_HEADER: u32 = 1 << 20;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BackupHeader {
    pub created_at: String,
    pub office_id: Uuid,
    pub schema_version: u32,
    pub db_len: u64,
    pub db_sha256: String,
    pub keyslots: KeySlotsFile,
    /// HMAC-SHA-256 (hex) of this header with `mac` empty, under a key derived from the
    /// database key (`header_mac`).
    #[serde(default)]
    pub mac: String,
}

/// The header's MAC under a key derived from the database key.
fn header_mac(key: &crate::crypto::DbKey, header: &BackupHeader) -> String {
    use hmac::{Hmac, Mac};
    type H = Hmac<Sha256>;
    let mut k = H::new_from_slice(key.bytes()).expect("any key length");
    k.update(b"raksa backup header key v1");
    let mac_key = k.finalize().into_bytes();
    let unsigned = BackupHeader {
        mac: String::new(),
        ..header.clone()
    };
    let mut m = H::new_from_slice(&mac_key).expect("any key length");
    m.update(&serde_json::to_vec(&unsigned).expect("serialisable"));
    hex(&m.finalize().into_bytes())
}

fn header_authentic(key: &crate::crypto::DbKey, header: &BackupHeader) -> bool {
    use subtle_eq::ct_eq;
    ct_eq(header_mac(key, header).as_bytes(), header.mac.as_bytes())
}

mod subtle_eq {
    /// Compares without stopping at the first difference.
    pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Session {
    /// Writes an encrypted backup of the whole office to `out`.
    pub fn backup_to(&self, out: &Path) -> Result<BackupHeader> {
        let tmp_db = out.with_extension("db-export.tmp");
        let _ = std::fs::remove_file(&tmp_db);
        let result = (|| -> Result<BackupHeader> {
            db::attach_keyed(self.conn(), &tmp_db, "backup", self.key())?;
            self.conn()
                .query_row("SELECT sqlcipher_export('backup')", [], |_| Ok(()))?;
            let version = migrations::current_version(self.conn())?;
            self.conn()
                .pragma_update(Some("backup"), "user_version", version)?;
            self.conn().execute_batch("DETACH DATABASE backup")?;
            let db_bytes = std::fs::read(&tmp_db)?;
            let slots = KeySlotsFile::load(&self.data_dir().keyslots_path())?;
            let mut header = BackupHeader {
                created_at: chrono::Utc::now().to_rfc3339(),
                office_id: slots.office_id,
                schema_version: version,
                db_len: db_bytes.len() as u64,
                db_sha256: hex(&Sha256::digest(&db_bytes)),
                keyslots: slots,
                mac: String::new(),
            };
            header.mac = header_mac(self.key(), &header);
            let hjson = serde_json::to_vec(&header).expect("serialisable");
            let mut file = Vec::with_capacity(MAGIC.len() + 4 + hjson.len() + db_bytes.len());
            file.extend_from_slice(MAGIC);
            file.extend_from_slice(&(hjson.len() as u32).to_le_bytes());
            file.extend_from_slice(&hjson);
            file.extend_from_slice(&db_bytes);
            keyslots::write_atomic(out, &file)?;
            Ok(header)
        })();
        let _ = self.conn().execute_batch("DETACH DATABASE backup");
        let _ = std::fs::remove_file(&tmp_db);
        let header = result?;
        self.audit(
            crate::audit::Access::Backup,
            "office",
            Some(&header.office_id.to_string()),
            "backup written",
        )?;
        tracing::info!(bytes = header.db_len, "backup written");
        Ok(header)
    }
}

/// Reads and checks a backup's structure and hash. Needs no secret.
pub fn verify(path: &Path) -> Result<(BackupHeader, Vec<u8>)> {
    let bytes = std::fs::read(path)?;
    let bad = |why: &str| CoreError::BackupInvalid(why.to_owned());
    if bytes.starts_with(MAGIC_V1) {
        return Err(bad(
            "an older backup format whose header is not authenticated: make a new backup",
        ));
    }
    if !bytes.starts_with(MAGIC) {
        return Err(bad("not a Raksa backup"));
    }
    let rest = &bytes[MAGIC.len()..];
    if rest.len() < 4 {
        return Err(bad("truncated"));
    }
    let hlen = u32::from_le_bytes(rest[..4].try_into().expect("4 bytes"));
    if hlen > MAX_HEADER || rest.len() < 4 + hlen as usize {
        return Err(bad("truncated header"));
    }
    let header: BackupHeader = serde_json::from_slice(&rest[4..4 + hlen as usize])
        .map_err(|_| bad("unreadable header"))?;
    header
        .keyslots
        .check()
        .map_err(|_| bad("key-derivation cost out of bounds"))?;
    let db = &rest[4 + hlen as usize..];
    if db.len() as u64 != header.db_len {
        return Err(bad("database length differs from header"));
    }
    if hex(&Sha256::digest(db)) != header.db_sha256 {
        return Err(bad("database checksum differs from header"));
    }
    if header.schema_version > migrations::LATEST {
        return Err(CoreError::SchemaTooNew {
            found: header.schema_version,
            supported: migrations::LATEST,
        });
    }
    Ok((header, db.to_vec()))
}

/// Who proves the right to restore: a user of the backed-up office, or its recovery key.
pub enum RestoreCredentials<'a> {
    User {
        username: &'a str,
        password: &'a str,
    },
    RecoveryKey(&'a str),
}

/// Replaces the office in `dir` with the backup's. The previous files are moved to
/// `before-restore-<time>/` inside the folder, never deleted. Returns a session.
pub fn restore(
    dir: &DataDir,
    path: &Path,
    creds: RestoreCredentials<'_>,
    clock: Arc<dyn Clock>,
) -> Result<(Session, PathBuf)> {
    let (header, db_bytes) = verify(path)?;
    let slots = &header.keyslots;
    let (key, user_id) = match creds {
        RestoreCredentials::User { username, password } => {
            let lookup = keyslots::username_lookup(slots.office_id, username);
            let slot = slots.user_slot(&lookup).ok_or(CoreError::BadCredentials)?;
            let key = slot
                .open(slots.office_id, password.as_bytes())
                .ok_or(CoreError::BadCredentials)?;
            (key, slot.user_id())
        }
        RestoreCredentials::RecoveryKey(rk) => {
            let rk = RecoveryKey::parse(rk).ok_or(CoreError::BadCredentials)?;
            let slot = slots.recovery_slot().ok_or(CoreError::BadCredentials)?;
            let key = slot
                .open(slots.office_id, &rk.secret())
                .ok_or(CoreError::BadCredentials)?;
            (key, None)
        }
    };
    // Only now, with the key, can the header be trusted: its slots are what gets written.
    if !header_authentic(&key, &header) {
        return Err(CoreError::BackupInvalid(
            "the header was changed after the backup was made".into(),
        ));
    }

    std::fs::create_dir_all(dir.root())?;
    let staged = dir.root().join("raksa.db.restoring");
    std::fs::write(&staged, &db_bytes)?;
    {
        let check = (|| -> Result<()> {
            let conn = db::open(&staged, &key)?;
            let problems = db::integrity_problems(&conn)?;
            if !problems.is_empty() {
                return Err(CoreError::BackupInvalid("integrity check failed".into()));
            }
            conn.execute_batch("PRAGMA journal_mode = DELETE")?;
            Ok(())
        })();
        if let Err(e) = check {
            let _ = std::fs::remove_file(&staged);
            return Err(e);
        }
    }

    let aside = dir.root().join(format!(
        "before-restore-{}",
        clock.now().format("%Y%m%dT%H%M%SZ")
    ));
    let mut moved = false;
    for f in dir
        .db_files()
        .into_iter()
        .chain([dir.keyslots_path(), dir.throttle_path()])
    {
        if f.exists() {
            std::fs::create_dir_all(&aside)?;
            std::fs::rename(&f, aside.join(f.file_name().expect("file name")))?;
            moved = true;
        }
    }
    std::fs::rename(&staged, dir.db_path())?;
    header.keyslots.save(&dir.keyslots_path())?;
    // the restorer proved a password or the recovery key: the counter starts afresh
    crate::office::reset_throttle(dir)?;

    let mut conn = db::open(&dir.db_path(), &key)?;
    migrations::migrate(&mut conn)?;
    let uid = match user_id {
        Some(u) => u,
        // A restore proven with the recovery key acts as the office's first administrator.
        None => crate::office::first_admin(&conn)?,
    };
    let session = Session::start(dir.clone(), conn, key, header.keyslots.clone(), uid, clock)?;
    session.audit(
        crate::audit::Access::Restore,
        "office",
        Some(&header.office_id.to_string()),
        &format!("restored backup of {}", header.created_at),
    )?;
    tracing::info!("backup restored");
    Ok((session, if moved { aside } else { PathBuf::new() }))
}
