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
    /// The database key (legacy slots) or, with `public`, the slot's X25519 private key,
    /// wrapped under the key derived from the password or recovery key.
    pub wrapped: String,
    /// The slot's X25519 public key (base64): the database key is sealed to it (`sealed`),
    /// so a re-key reaches every slot without its password (`reseal`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed: Option<String>,
    /// During a re-key, the previous key too, until the database itself is re-keyed: a
    /// crash in between leaves a file every slot still opens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed_previous: Option<String>,
    /// An administrator's Ed25519 signing seed, sealed to the slot's X25519 key: only
    /// this user's password opens it (issue 14 §1; `raksa_protocol::signed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing: Option<String>,
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

fn sealed_aad(office_id: Uuid, slot_id: Uuid) -> Vec<u8> {
    let mut v = aad(office_id, slot_id);
    v.extend_from_slice(b"\0sealed");
    v
}

fn signing_aad(office_id: Uuid, slot_id: Uuid) -> Vec<u8> {
    let mut v = aad(office_id, slot_id);
    v.extend_from_slice(b"\0signing");
    v
}

/// What a slot opens with its secret.
#[derive(Default)]
pub struct Opened {
    /// The database key (and during a re-key also the previous one).
    pub keys: Vec<DbKey>,
    /// An administrator's signing seed, when the slot holds one.
    pub signing: Option<DbKey>,
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
        let pair = crypto::SlotKeys::generate();
        let (nonce, wrapped) = crypto::wrap(&kek, &pair.secret, &aad(office_id, id));
        KeySlot {
            id,
            owner,
            kdf,
            salt: B64.encode(salt),
            nonce: B64.encode(nonce),
            wrapped: B64.encode(wrapped),
            public: Some(B64.encode(pair.public)),
            sealed: Some(B64.encode(crypto::seal_to(
                &pair.public,
                key,
                &sealed_aad(office_id, id),
            ))),
            sealed_previous: None,
            signing: None,
        }
    }

    /// Tries the secret against this slot. Always pays the full KDF cost.
    pub fn open(&self, office_id: Uuid, secret: &[u8]) -> Option<DbKey> {
        self.open_all(office_id, secret).into_iter().next()
    }

    /// The keys this slot opens: the database key, and during a re-key also the previous
    /// one (the caller keeps the one the database opens with).
    pub fn open_all(&self, office_id: Uuid, secret: &[u8]) -> Vec<DbKey> {
        self.open_keys(office_id, secret).keys
    }

    /// Everything the secret opens: the database key(s) and the signing seed.
    pub fn open_keys(&self, office_id: Uuid, secret: &[u8]) -> Opened {
        if !self.kdf.is_sane() {
            return Opened::default();
        }
        let (Ok(salt), Ok(nonce), Ok(wrapped)) = (
            B64.decode(&self.salt),
            B64.decode(&self.nonce),
            B64.decode(&self.wrapped),
        ) else {
            return Opened::default();
        };
        let kek = crypto::derive_kek(secret, &salt, self.kdf);
        let Some(inner) = crypto::unwrap(&kek, &nonce, &wrapped, &aad(office_id, self.id)) else {
            return Opened::default();
        };
        if self.public.is_none() {
            // A legacy slot wraps the database key itself.
            return Opened {
                keys: vec![inner],
                signing: None,
            };
        }
        let aad = sealed_aad(office_id, self.id);
        let keys = [&self.sealed, &self.sealed_previous]
            .into_iter()
            .flatten()
            .filter_map(|s| B64.decode(s).ok())
            .filter_map(|s| crypto::open_sealed(&inner, &s, &aad))
            .collect();
        let signing = self
            .signing
            .as_deref()
            .and_then(|s| B64.decode(s).ok())
            .and_then(|s| crypto::open_sealed(&inner, &s, &signing_aad(office_id, self.id)));
        Opened { keys, signing }
    }

    /// The slot's X25519 public key (None for a legacy slot).
    fn public_key(&self) -> Option<[u8; 32]> {
        self.public
            .as_deref()
            .and_then(|p| B64.decode(p).ok())
            .and_then(|p| <[u8; 32]>::try_from(p).ok())
    }

    /// Seals an administrator's signing seed to this slot (no password needed). False for
    /// a legacy slot.
    pub fn seal_signing(&mut self, office_id: Uuid, seed: &DbKey) -> bool {
        let Some(public) = self.public_key() else {
            return false;
        };
        self.signing = Some(B64.encode(crypto::seal_to(
            &public,
            seed,
            &signing_aad(office_id, self.id),
        )));
        true
    }

    /// Seals a new database key to this slot (keeping `previous` alongside until the
    /// database is re-keyed). False for a legacy slot, which only its secret can re-wrap.
    pub fn reseal(&mut self, office_id: Uuid, key: &DbKey, previous: Option<&DbKey>) -> bool {
        let Some(public) = self.public_key() else {
            return false;
        };
        let aad = sealed_aad(office_id, self.id);
        self.sealed = Some(B64.encode(crypto::seal_to(&public, key, &aad)));
        self.sealed_previous = previous.map(|k| B64.encode(crypto::seal_to(&public, k, &aad)));
        true
    }

    /// A slot as Raksa made them before issue 14 §2 (the database key wrapped directly),
    /// for the tests of their upgrade.
    #[doc(hidden)]
    pub fn seal_legacy(office_id: Uuid, owner: SlotOwner, secret: &[u8], key: &DbKey) -> KeySlot {
        let id = Uuid::now_v7();
        let salt = crypto::random_bytes::<16>();
        let kek = crypto::derive_kek(secret, &salt, KdfParams::DEFAULT);
        let (nonce, wrapped) = crypto::wrap(&kek, key, &aad(office_id, id));
        KeySlot {
            id,
            owner,
            kdf: KdfParams::DEFAULT,
            salt: B64.encode(salt),
            nonce: B64.encode(nonce),
            wrapped: B64.encode(wrapped),
            public: None,
            sealed: None,
            sealed_previous: None,
            signing: None,
        }
    }

    /// A legacy slot (the database key wrapped directly; it cannot be re-keyed).
    pub fn is_legacy(&self) -> bool {
        self.public.is_none()
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

    pub fn user_slot_mut(&mut self, user_id: Uuid) -> Option<&mut KeySlot> {
        self.slots.iter_mut().find(|s| s.user_id() == Some(user_id))
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
