//! The office data folder and getting into it: first-run set-up, unlock with a user's
//! password (throttled after repeated failures), and recovery with the office recovery key.
//!
//! Folder layout:
//! - `raksa.db` (+ `-wal`, `-shm`): the SQLCipher database — all case data;
//! - `keyslots.json`: wrapped copies of the database key (see `keyslots`);
//! - `unlock-throttle.json`: failed-attempt counter (no names, no secrets); deleting or
//!   damaging it means the longest wait, not a fresh start; `unlock-throttle.lock` keeps
//!   parallel attempts in a queue;
//! - `logs/`: rotated diagnostic logs (never personal data).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::audit::{self, AuditAction};
use crate::crypto::{self, DbKey, KdfParams, RecoveryKey};
use crate::db;
use crate::error::{CoreError, FieldErrors, Result};
use crate::keyslots::{self, KeySlot, KeySlotsFile, SlotOwner};
use crate::migrations;
use crate::model::{NewUser, OfficeSetup, Role};
use crate::session::Session;
use crate::thai_date::Clock;
use crate::validate;

/// A letter or export saved on this PC, as the "delete after use" list shows it.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SavedFile {
    pub name: String,
    #[ts(type = "number")]
    pub size: u64,
    /// RFC 3339, UTC.
    pub saved_at: String,
}

/// The private folder saved letters and exports go to, and what is in it (newest first).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SavedFiles {
    pub folder: String,
    pub files: Vec<SavedFile>,
}

#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        DataDir { root: root.into() }
    }
    pub fn root(&self) -> &Path {
        &self.root
    }
    pub fn db_path(&self) -> PathBuf {
        self.root.join("raksa.db")
    }
    pub fn keyslots_path(&self) -> PathBuf {
        self.root.join("keyslots.json")
    }
    pub fn throttle_path(&self) -> PathBuf {
        self.root.join("unlock-throttle.json")
    }
    /// Held while an unlock attempt is checked and counted (empty).
    pub fn throttle_lock_path(&self) -> PathBuf {
        self.root.join("unlock-throttle.lock")
    }
    pub fn logs_dir(&self) -> PathBuf {
        self.root.join("logs")
    }
    /// An office exists here once its key slots are written (the last step of set-up).
    pub fn is_initialised(&self) -> bool {
        self.keyslots_path().is_file()
    }
    /// The database and its WAL/shared-memory companions.
    pub fn db_files(&self) -> [PathBuf; 3] {
        let db = self.db_path();
        let s = db.to_string_lossy().into_owned();
        [
            db,
            PathBuf::from(format!("{s}-wal")),
            PathBuf::from(format!("{s}-shm")),
        ]
    }
}

/// Creates the office: database, first administrator and recovery key. Returns the
/// administrator's session and the recovery key, which is shown once and never stored.
pub fn init_office(
    dir: &DataDir,
    setup: &OfficeSetup,
    admin: &NewUser,
    clock: Arc<dyn Clock>,
) -> Result<(Session, RecoveryKey)> {
    let mut errs = FieldErrors::default();
    let setup = validate::office_setup(setup, &mut errs);
    let admin = validate::new_user(admin, &mut errs);
    errs.into_result()?;
    let (setup, mut admin) = (setup.expect("validated"), admin.expect("validated"));
    crate::passwords::require_strong(
        "password",
        &admin.password,
        &[&admin.username, &admin.full_name],
    )?;
    admin.role = Role::Admin;

    if dir.is_initialised() {
        return Err(CoreError::AlreadyInitialised);
    }
    std::fs::create_dir_all(dir.root())?;
    restrict_dir_permissions(dir.root());
    // A database without key slots is the remains of an interrupted set-up: nobody can
    // ever open it, so it is safe to start over.
    for f in dir.db_files() {
        if f.exists() {
            std::fs::remove_file(&f)?;
        }
    }

    let key = DbKey::generate();
    let office_id = Uuid::now_v7();
    let admin_id = Uuid::now_v7();
    let now = clock.now().to_rfc3339();

    let mut conn = db::open(&dir.db_path(), &key)?;
    migrations::migrate(&mut conn)?;
    let (seed, signer) = crate::admin_signing::new_signer();
    {
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO office (id, name, address, letter_code, phone, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            rusqlite::params![
                office_id.to_string(),
                setup.name,
                setup.address,
                setup.letter_code,
                setup.phone,
                now
            ],
        )?;
        tx.execute(
            "INSERT INTO settings (key, value) VALUES ('office_number', ?1)",
            [&setup.office_number],
        )?;
        // The first administrator's account, signed by their own new key (issue 14 §1):
        // the server trusts that key when this PC enrols with a one-time code.
        crate::admin_signing::write_signed(
            &tx,
            &signer,
            raksa_protocol::Entity::Users,
            &admin_id.to_string(),
            crate::admin_signing::new_user_fields(
                admin_id,
                &admin.username,
                &admin.full_name,
                &admin.position,
                "admin",
                &now,
                None,
                Some(&signer.public()),
            ),
        )?;
        crate::admin_signing::remember_keys(&tx, [&signer.public()], &now)?;
        audit::record(
            &tx,
            &now,
            Some(admin_id),
            AuditAction::Create,
            "office",
            Some(&office_id.to_string()),
            "office set up with first administrator",
        )?;
        tx.commit()?;
    }

    let recovery = RecoveryKey::generate();
    let mut admin_slot = KeySlot::seal(
        office_id,
        SlotOwner::User {
            user_id: admin_id,
            lookup: keyslots::username_lookup(office_id, &admin.username),
        },
        admin.password.as_bytes(),
        &key,
    );
    admin_slot.seal_signing(office_id, &seed);
    let slots = KeySlotsFile {
        format: keyslots::FORMAT,
        office_id,
        throttle_kept: true,
        slots: vec![
            admin_slot,
            KeySlot::seal(office_id, SlotOwner::Recovery, &recovery.secret(), &key),
        ],
    };
    slots.save(&dir.keyslots_path())?;
    Throttle::default().save(&dir.throttle_path())?;
    tracing::info!("office initialised");
    let mut session = Session::start(dir.clone(), conn, key, slots, admin_id, clock)?;
    session.settle_signing(Some(seed), false)?;
    Ok((session, recovery))
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Throttle {
    failures: u32,
    last_failure: Option<DateTime<Utc>>,
    /// Held from the check to the outcome: parallel attempts (two `raksa` commands, the
    /// app and a command) are counted one after the other, none is lost.
    #[serde(skip)]
    lock: Option<std::fs::File>,
}

/// A fresh unlock counter (after a restore, whose maker proved a password or the key).
pub(crate) fn reset_throttle(dir: &DataDir) -> Result<()> {
    Throttle::default().save(&dir.throttle_path())
}

/// The failures a missing or damaged throttle file counts as: the longest wait.
const LOCKED_OUT: u32 = 9;

impl Throttle {
    fn load(path: &Path) -> Option<Throttle> {
        std::fs::read(path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
    }
    fn save(&self, path: &Path) -> Result<()> {
        keyslots::write_atomic(path, &serde_json::to_vec(self).expect("serialisable"))
    }
    /// Two free tries, then 5 s, 10 s, 20 s … capped at 5 minutes.
    fn delay_secs(failures: u32) -> u64 {
        if failures < 3 {
            0
        } else {
            (5u64 << (failures - 3).min(6)).min(300)
        }
    }
    /// Takes the throttle's lock and loads the counter; refuses at once while a wait is
    /// due. A counter file that was deleted or damaged (when the office keeps one) counts
    /// as the longest wait from now — removing it locks instead of resetting.
    fn check(dir: &DataDir, slots: &KeySlotsFile, now: DateTime<Utc>) -> Result<Throttle> {
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.throttle_lock_path())?;
        lock.lock()?;
        let mut t = match Throttle::load(&dir.throttle_path()) {
            Some(t) => t,
            None if slots.throttle_kept => {
                tracing::warn!(
                    "unlock throttle file missing or damaged: waiting the longest delay"
                );
                let t = Throttle {
                    failures: LOCKED_OUT,
                    last_failure: Some(now),
                    lock: None,
                };
                t.save(&dir.throttle_path())?;
                t
            }
            None => Throttle::default(),
        };
        t.lock = Some(lock);
        match t.wait_secs(now) {
            0 => Ok(t),
            wait_secs => Err(CoreError::Throttled { wait_secs }),
        }
    }

    /// Counts a failed attempt and returns the error to give the user.
    fn fail(mut self, dir: &DataDir, now: DateTime<Utc>) -> CoreError {
        self.failures += 1;
        self.last_failure = Some(now);
        if let Err(e) = self.save(&dir.throttle_path()) {
            return e;
        }
        tracing::warn!(failures = self.failures, "unlock refused");
        CoreError::BadCredentials
    }

    /// Resets the counter after a success; returns how many failures preceded it.
    fn succeeded(&self, dir: &DataDir) -> Result<u32> {
        if self.failures > 0 || !dir.throttle_path().exists() {
            Throttle::default().save(&dir.throttle_path())?;
        }
        Ok(self.failures)
    }

    /// After a key was opened: an office made before the counter file was kept starts
    /// keeping it now.
    fn keep(dir: &DataDir, slots: &mut KeySlotsFile) -> Result<()> {
        if !slots.throttle_kept {
            if !dir.throttle_path().exists() {
                Throttle::default().save(&dir.throttle_path())?;
            }
            slots.throttle_kept = true;
            slots.save(&dir.keyslots_path())?;
        }
        Ok(())
    }

    fn wait_secs(&self, now: DateTime<Utc>) -> u64 {
        let delay = Self::delay_secs(self.failures);
        match self.last_failure {
            Some(last) if delay > 0 => {
                // A clock set backwards does not shorten the wait below the full delay.
                let elapsed = (now - last).num_seconds();
                if elapsed < 0 {
                    delay
                } else {
                    delay.saturating_sub(elapsed as u64)
                }
            }
            _ => 0,
        }
    }
}

/// Of the keys a slot opened, the one the database opens with: during a re-key a slot
/// carries the new key and the previous one until the database itself is re-keyed.
fn usable_key(dir: &DataDir, keys: Vec<DbKey>) -> Option<DbKey> {
    if keys.len() <= 1 {
        return keys.into_iter().next();
    }
    keys.into_iter()
        .find(|k| db::open(&dir.db_path(), k).is_ok())
}

/// Opens the office as `username`. A wrong user name and a wrong password are
/// indistinguishable (same message, same Argon2 cost).
pub fn unlock(
    dir: &DataDir,
    username: &str,
    password: &str,
    clock: Arc<dyn Clock>,
) -> Result<Session> {
    if !dir.is_initialised() {
        return Err(CoreError::NotInitialised);
    }
    let mut slots = KeySlotsFile::load(&dir.keyslots_path())?;
    let throttle = Throttle::check(dir, &slots, clock.now())?;

    let lookup = keyslots::username_lookup(slots.office_id, username);
    let mut signing = None;
    let opened = match slots.user_slot(&lookup) {
        Some(slot) => {
            let o = slot.open_keys(slots.office_id, password.as_bytes());
            signing = o.signing;
            usable_key(dir, o.keys).map(|k| (k, slot.user_id().expect("user slot")))
        }
        None => {
            // Same cost as a real attempt, so timing does not reveal unknown user names.
            let _ = crypto::derive_kek(password.as_bytes(), &[0u8; 16], KdfParams::DEFAULT);
            None
        }
    };
    let Some((key, user_id)) = opened else {
        return Err(throttle.fail(dir, clock.now()));
    };
    Throttle::keep(dir, &mut slots)?;
    // A slot made before slots were sealed (issue 14 §2) becomes a sealed one now that its
    // password is at hand, so a later re-key reaches it.
    if slots.user_slot(&lookup).is_some_and(|s| s.is_legacy()) {
        slots.put_user_slot(KeySlot::seal(
            slots.office_id,
            SlotOwner::User {
                user_id,
                lookup: lookup.clone(),
            },
            password.as_bytes(),
            &key,
        ));
        slots.save(&dir.keyslots_path())?;
    }

    let mut conn = db::open(&dir.db_path(), &key)?;
    migrations::migrate(&mut conn)?;
    let mut session = Session::start(dir.clone(), conn, key, slots, user_id, clock.clone())
        .map_err(|e| match e {
            // A slot whose user was deactivated or removed: same answer as a bad password.
            CoreError::NotFound | CoreError::Forbidden => CoreError::BadCredentials,
            other => other,
        })?;
    session.settle_signing(signing, true)?;
    let previous_failures = throttle.succeeded(dir)?;
    session.audit(
        crate::audit::Access::Login,
        "user",
        Some(&user_id.to_string()),
        &if previous_failures > 0 {
            format!("unlocked after {previous_failures} failed attempt(s)")
        } else {
            "unlocked".to_owned()
        },
    )?;
    Ok(session)
}

/// Opens the database key with the office recovery key (for resetting a forgotten
/// password). Throttled like a password.
pub fn open_with_recovery_key(
    dir: &DataDir,
    recovery: &str,
    clock: &dyn Clock,
) -> Result<(DbKey, KeySlotsFile)> {
    if !dir.is_initialised() {
        return Err(CoreError::NotInitialised);
    }
    let slots = KeySlotsFile::load(&dir.keyslots_path())?;
    let throttle = Throttle::check(dir, &slots, clock.now())?;
    let key = RecoveryKey::parse(recovery).and_then(|rk| {
        usable_key(
            dir,
            slots
                .recovery_slot()?
                .open_all(slots.office_id, &rk.secret()),
        )
    });
    match key {
        Some(k) => {
            throttle.succeeded(dir)?;
            Ok((k, slots))
        }
        None => Err(throttle.fail(dir, clock.now())),
    }
}

/// Sets a new password for `username` using the recovery key; the user's slot is re-wrapped
/// and the change is audited. Returns the user's new session.
pub fn reset_password_with_recovery(
    dir: &DataDir,
    recovery: &str,
    username: &str,
    new_password: &str,
    clock: Arc<dyn Clock>,
) -> Result<Session> {
    crate::passwords::require_strong("new_password", new_password, &[username])?;
    let (key, mut slots) = open_with_recovery_key(dir, recovery, clock.as_ref())?;
    let mut conn = db::open(&dir.db_path(), &key)?;
    migrations::migrate(&mut conn)?;
    let user_id: String = conn
        .query_row(
            "SELECT id FROM users WHERE username = ?1 AND active = 1",
            [keyslots::normalise_username(username)],
            |r| r.get(0),
        )
        .map_err(|_| CoreError::NotFound)?;
    let user_id = Uuid::parse_str(&user_id).map_err(|e| CoreError::Corrupt(e.to_string()))?;
    slots.put_user_slot(KeySlot::seal(
        slots.office_id,
        SlotOwner::User {
            user_id,
            lookup: keyslots::username_lookup(slots.office_id, username),
        },
        new_password.as_bytes(),
        &key,
    ));
    slots.save(&dir.keyslots_path())?;
    let mut session = Session::start(dir.clone(), conn, key, slots, user_id, clock)?;
    // the old password's slot and its signing key are gone: an administrator gets a new one
    session.settle_signing(None, true)?;
    session.write(|w| {
        w.execute(
            "UPDATE users SET password_changed_at = ?1 WHERE id = ?2",
            rusqlite::params![w.now(), user_id.to_string()],
        )?;
        w.audit(
            AuditAction::Update,
            "user",
            Some(&user_id.to_string()),
            "password reset with the office recovery key",
        )
    })?;
    Ok(session)
}

/// Opens the office with only a secret: any user's password or the recovery key (headless
/// commands given `RAKSA_PASSPHRASE` without a user name). A recovery-key unlock acts as the
/// office's first active administrator. Throttled and audited like a normal unlock.
pub fn unlock_with_secret(dir: &DataDir, secret: &str, clock: Arc<dyn Clock>) -> Result<Session> {
    if !dir.is_initialised() {
        return Err(CoreError::NotInitialised);
    }
    let mut slots = KeySlotsFile::load(&dir.keyslots_path())?;
    let throttle = Throttle::check(dir, &slots, clock.now())?;
    let mut found = None;
    for slot in &slots.slots {
        let (opened, signing) = match slot.owner {
            SlotOwner::Recovery => (
                RecoveryKey::parse(secret)
                    .and_then(|rk| usable_key(dir, slot.open_all(slots.office_id, &rk.secret()))),
                None,
            ),
            SlotOwner::User { .. } => {
                let o = slot.open_keys(slots.office_id, secret.as_bytes());
                (usable_key(dir, o.keys), o.signing)
            }
        };
        if let Some(k) = opened {
            found = Some((k, slot.user_id(), signing));
            break;
        }
    }
    let Some((key, user_id, signing)) = found else {
        return Err(throttle.fail(dir, clock.now()));
    };
    Throttle::keep(dir, &mut slots)?;
    let mut conn = db::open(&dir.db_path(), &key)?;
    migrations::migrate(&mut conn)?;
    let user_id = match user_id {
        Some(u) => u,
        None => first_admin(&conn)?,
    };
    throttle.succeeded(dir)?;
    let mut session = Session::start(dir.clone(), conn, key, slots, user_id, clock)?;
    // a recovery-key unlock signs nothing: it holds no administrator's key
    session.settle_signing(signing, false)?;
    session.audit(
        crate::audit::Access::Login,
        "user",
        Some(&user_id.to_string()),
        "headless unlock",
    )?;
    Ok(session)
}

/// The office's first active administrator: who a recovery-key unlock acts as.
pub(crate) fn first_admin(conn: &rusqlite::Connection) -> Result<Uuid> {
    let id: String = conn.query_row(
        "SELECT id FROM users WHERE role = 'admin' AND active = 1 ORDER BY created_at LIMIT 1",
        [],
        |r| r.get(0),
    )?;
    Uuid::parse_str(&id).map_err(|e| CoreError::Corrupt(e.to_string()))
}

#[cfg(unix)]
fn restrict_dir_permissions(p: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o700));
}
#[cfg(not(unix))]
fn restrict_dir_permissions(_p: &Path) {}
