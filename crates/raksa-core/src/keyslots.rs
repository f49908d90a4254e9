//! The key-slot file (`keyslots.json`) beside the encrypted database. It holds only wrapped
//! copies of the database key and salted hashes of user names — nothing about clients — and
//! is replaced atomically (write, fsync, rename) so a crash leaves the old or the new file.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::crypto::{self, DbKey, KdfParams};
use crate::error::{CoreError, Result};

pub const FORMAT: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeySlotsFile {
    pub format: u32,
    pub office_id: Uuid,
    pub slots: Vec<KeySlot>,
    /// The unlock throttle's file is kept for this office: when it is missing or damaged,
    /// unlocking waits the longest delay instead of starting again from nothing (an
    /// office made before this flag gets it at its next successful unlock).
    #[serde(default)]
    pub throttle_kept: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SlotOwner {
    User { user_id: Uuid, lookup: String },
    Recovery,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeySlot {
    pub id: Uuid,
    #[serde(flatten)]
    pub owner: SlotOwner,
    pub kdf: KdfParams,
    pub salt: String,
    pub nonce: String,
    pub wrapped: String,
}

/// Normalised user name: trimmed, lower-case.
pub fn normalise_username(u: &str) -> String {
    u.trim().to_lowercase()
}

/// The slot's user-name lookup: SHA-256 over the office id and the normalised name, so the
/// file does not list staff names and a slot cannot be moved to another office's file.
pub fn username_lookup(office_id: Uuid, username: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"raksa-user-lookup-v1\0");
    h.update(office_id.as_bytes());
    h.update(normalise_username(username).as_bytes());
    let d = h.finalize();
    d.iter().map(|b| format!("{b:02x}")).collect()
}

fn aad(office_id: Uuid, slot_id: Uuid) -> Vec<u8> {
    let mut v = b"raksa-keyslot-v1\0".to_vec();
    v.extend_from_slice(office_id.as_bytes());
    v.extend_from_slice(slot_id.as_bytes());
    v
}

impl KeySlot {
    pub fn seal(office_id: Uuid, owner: SlotOwner, secret: &[u8], key: &DbKey) -> KeySlot {
        Self::seal_with(office_id, owner, secret, key, KdfParams::DEFAULT)
    }

    pub fn seal_with(
        office_id: Uuid,
        owner: SlotOwner,
        secret: &[u8],
        key: &DbKey,
        kdf: KdfParams,
    ) -> KeySlot {
        let id = Uuid::now_v7();
        let salt = crypto::random_bytes::<16>();
        let kek = crypto::derive_kek(secret, &salt, kdf);
        let (nonce, wrapped) = crypto::wrap(&kek, key, &aad(office_id, id));
        KeySlot {
            id,
            owner,
            kdf,
            salt: B64.encode(salt),
            nonce: B64.encode(nonce),
            wrapped: B64.encode(wrapped),
        }
    }

    /// Tries the secret against this slot. Always pays the full KDF cost.
    pub fn open(&self, office_id: Uuid, secret: &[u8]) -> Option<DbKey> {
        if !self.kdf.is_sane() {
            return None;
        }
        let salt = B64.decode(&self.salt).ok()?;
        let nonce = B64.decode(&self.nonce).ok()?;
        let wrapped = B64.decode(&self.wrapped).ok()?;
        let kek = crypto::derive_kek(secret, &salt, self.kdf);
        crypto::unwrap(&kek, &nonce, &wrapped, &aad(office_id, self.id))
    }

    pub fn user_id(&self) -> Option<Uuid> {
        match &self.owner {
            SlotOwner::User { user_id, .. } => Some(*user_id),
            SlotOwner::Recovery => None,
        }
    }
}

impl KeySlotsFile {
    /// Refuses slots whose key-derivation costs are out of bounds (a tampered file).
    pub fn check(&self) -> Result<()> {
        if self.slots.iter().all(|s| s.kdf.is_sane()) {
            Ok(())
        } else {
            Err(CoreError::Corrupt(
                "keyslots: key-derivation cost out of bounds".into(),
            ))
        }
    }

    pub fn load(path: &Path) -> Result<KeySlotsFile> {
        let bytes = std::fs::read(path)?;
        let f: KeySlotsFile = serde_json::from_slice(&bytes)
            .map_err(|e| CoreError::Corrupt(format!("keyslots.json: {e}")))?;
        if f.format != FORMAT {
            return Err(CoreError::Corrupt(format!(
                "keyslots.json format {}",
                f.format
            )));
        }
        f.check()?;
        Ok(f)
    }

    pub fn save(&self, path: &Path) -> Result<()> {
        let bytes = serde_json::to_vec_pretty(self).expect("serialisable");
        write_atomic(path, &bytes)
    }

    pub fn user_slot(&self, lookup: &str) -> Option<&KeySlot> {
        self.slots
            .iter()
            .find(|s| matches!(&s.owner, SlotOwner::User { lookup: l, .. } if l == lookup))
    }

    pub fn recovery_slot(&self) -> Option<&KeySlot> {
        self.slots
            .iter()
            .find(|s| matches!(s.owner, SlotOwner::Recovery))
    }

    /// Replaces (or adds) the slot of one user.
    pub fn put_user_slot(&mut self, slot: KeySlot) {
        let uid = slot.user_id();
        self.slots.retain(|s| uid.is_none() || s.user_id() != uid);
        self.slots.push(slot);
    }

    pub fn remove_user(&mut self, user_id: Uuid) {
        self.slots.retain(|s| s.user_id() != Some(user_id));
    }
}

/// Writes a file so that a crash leaves either the old or the new content.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("file"),
        std::process::id()
    ));
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    #[cfg(unix)]
    {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}
