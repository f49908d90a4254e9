//! The central copy encrypted at rest (issue 14 §4). Each office has its own data key,
//! kept in `office_keys` wrapped (XChaCha20-Poly1305) by the server's master key, which
//! lives outside the database (a file; see `MasterKey::load`). A record's personal and
//! free-text fields are stored sealed under its office's key as one `"$sealed"` value;
//! only the fields below stay readable — the ones the server's own queries use and the
//! non-personal classifications the national figures are made of. Attachment bytes are
//! sealed whole. A dumped database file, a backup of it or a replica shows no name, ID,
//! note or photo; records written before this version are read as they are.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::{Result, StoreError, Tx, random_bytes};

const SEALED: &str = "$sealed";
const BLOB_MAGIC: &[u8] = b"RKSB1";

/// Fields stored readable, by entity; every other field is sealed.
fn clear_fields(entity: &str) -> &'static [&'static str] {
    match entity {
        // what the national figures count by (no names, IDs or text)
        "cases" => &[
            "id",
            "case_no",
            "status",
            "channel",
            "urgency",
            "intake_date",
            "stage_since",
            "target_groups",
            "problem_domains",
            "outcome",
            "pending_approval",
            "created_at",
            "updated_at",
        ],
        "case_events" => &["id", "case_id", "at", "kind"],
        // what routing, the office inbox's counts and HuSEC's figures use (no names,
        // contacts, places below the sub-district or free text)
        // a volunteer is found by the hash of their one-time code
        "volunteers" => &["id", "code_hash", "active", "subdistrict_code"],
        "help_requests" => &[
            "id",
            "channel",
            "received_at",
            "core_issues",
            "urgency",
            "sensitive",
            "status",
            "owner_office",
            "subdistrict_code",
            "case_id",
            "updated_at",
        ],
        // the server's own queries (attachments by content hash, referral routing)
        // what HuSEC's tracking reads; the note, the answer and the names stay sealed
        "expedite_notices" => &[
            "id",
            "target_kind",
            "target_id",
            "case_id",
            "number",
            "step",
            "respond_by",
            "sent_at",
            "status",
            "new_date",
            "answered_at",
            "updated_at",
        ],
        "attachments" => &[
            "id",
            "case_id",
            "sha256",
            "size",
            "media_type",
            "removed_at",
        ],
        "referrals" => &[
            "id",
            "case_id",
            "agency_id",
            "status",
            "sent_on",
            "expected_reply_on",
            "replied_on",
            "letter_year",
            "letter_no",
            "created_by",
            "updated_at",
        ],
        // institutions, rules and the audit trail (ids and counts only) hold no personal data
        "agencies" | "deadline_rules" | "audit_log" => &["*"],
        _ => &["id"],
    }
}

/// The server's master key (32 random bytes, base64 in a file readable by the server only).
pub struct MasterKey(Zeroizing<[u8; 32]>);

impl MasterKey {
    /// From `RAKSA_SERVER_MASTER_KEY_FILE`, else `default_path` (next to a SQLite file, or
    /// `raksa-server.master-key` in the working folder for PostgreSQL); made (0600) when
    /// missing. Keep it off the database host's backups: a dump without it is unreadable.
    pub fn load(default_path: &Path) -> Result<MasterKey> {
        let path = std::env::var_os("RAKSA_SERVER_MASTER_KEY_FILE")
            .map(PathBuf::from)
            .unwrap_or_else(|| default_path.to_owned());
        let bad = |m: String| StoreError::Db(format!("master key {}: {m}", path.display()));
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let bytes = B64.decode(text.trim()).map_err(|e| bad(e.to_string()))?;
                let key: [u8; 32] = bytes
                    .try_into()
                    .map_err(|_| bad("not a 32-byte key".into()))?;
                Ok(MasterKey(Zeroizing::new(key)))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = random_bytes::<32>();
                match crate::write_new_file(&path, B64.encode(key).as_bytes(), 0o600) {
                    Ok(()) => {
                        tracing::warn!(path = %path.display(), "server master key created");
                        Ok(MasterKey(Zeroizing::new(key)))
                    }
                    // made at the same moment by another process: use that one
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                        std::thread::sleep(std::time::Duration::from_millis(50));
                        Self::load(&path)
                    }
                    Err(e) => Err(bad(e.to_string())),
                }
            }
            Err(e) => Err(bad(e.to_string())),
        }
    }
}

impl MasterKey {
    /// A new master key written to `path` (which must not exist yet), 0600.
    pub fn create(path: &Path) -> Result<MasterKey> {
        let key = random_bytes::<32>();
        crate::write_new_file(path, B64.encode(key).as_bytes(), 0o600)
            .map_err(|e| StoreError::Db(format!("master key {}: {e}", path.display())))?;
        Ok(MasterKey(Zeroizing::new(key)))
    }
}

/// The master key and the offices' data keys met so far.
pub struct Keyring {
    master: MasterKey,
    offices: Mutex<HashMap<String, Zeroizing<[u8; 32]>>>,
}

fn seal_bytes(key: &[u8; 32], plain: &[u8], aad: &[u8]) -> Vec<u8> {
    let nonce = random_bytes::<24>();
    let ct = XChaCha20Poly1305::new(key.into())
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: plain, aad })
        .expect("encryption cannot fail");
    let mut out = nonce.to_vec();
    out.extend_from_slice(&ct);
    out
}

fn open_bytes(key: &[u8; 32], sealed: &[u8], aad: &[u8]) -> Option<Vec<u8>> {
    if sealed.len() < 24 + 16 {
        return None;
    }
    XChaCha20Poly1305::new(key.into())
        .decrypt(
            XNonce::from_slice(&sealed[..24]),
            Payload {
                msg: &sealed[24..],
                aad,
            },
        )
        .ok()
}

fn aad(office: &str, what: &str) -> Vec<u8> {
    format!("raksa-sealed-v1\0{office}\0{what}").into_bytes()
}

impl Keyring {
    pub fn new(master: MasterKey) -> Keyring {
        Keyring {
            master,
            offices: Mutex::new(HashMap::new()),
        }
    }

    /// The office's data key, made and stored (wrapped) the first time it is needed.
    fn office_key<T: Tx>(&self, tx: &mut T, office: &str) -> Result<Zeroizing<[u8; 32]>> {
        if let Some(k) = super::lock(&self.offices).get(office) {
            return Ok(k.clone());
        }
        let wrap_aad = aad(office, "office-key");
        let key = match tx.office_key(office)? {
            Some(wrapped) => {
                let bytes = B64
                    .decode(wrapped)
                    .ok()
                    .and_then(|w| open_bytes(&self.master.0, &w, &wrap_aad))
                    .ok_or_else(|| {
                        StoreError::Db(format!(
                            "the data key of office {office} does not open with this master key"
                        ))
                    })?;
                let k: [u8; 32] = bytes
                    .try_into()
                    .map_err(|_| StoreError::Db("office key length".into()))?;
                Zeroizing::new(k)
            }
            None => {
                let k = Zeroizing::new(random_bytes::<32>());
                let wrapped = seal_bytes(&self.master.0, k.as_ref(), &wrap_aad);
                tx.put_office_key(office, &B64.encode(wrapped))?;
                k
            }
        };
        super::lock(&self.offices).insert(office.to_owned(), key.clone());
        Ok(key)
    }

    /// Re-wraps every office's data key under `new` (master-key rotation); how many.
    pub fn rewrap_all<T: Tx>(&self, tx: &mut T, new: &MasterKey) -> Result<usize> {
        let offices: Vec<String> = tx.office_keys()?.into_iter().map(|(o, _)| o).collect();
        for office in &offices {
            let key = self.office_key(tx, office)?;
            let wrapped = seal_bytes(&new.0, key.as_ref(), &aad(office, "office-key"));
            tx.replace_office_key(office, &B64.encode(wrapped))?;
        }
        Ok(offices.len())
    }

    /// A record's fields as stored: the readable ones and the rest sealed.
    pub fn seal_fields<T: Tx>(
        &self,
        tx: &mut T,
        office: &str,
        entity: &str,
        fields: &Map<String, Value>,
    ) -> Result<String> {
        let clear = clear_fields(entity);
        if clear.first() == Some(&"*") {
            return Ok(serde_json::to_string(fields).expect("serialisable"));
        }
        let (mut open, mut hidden) = (Map::new(), Map::new());
        for (k, v) in fields {
            if clear.contains(&k.as_str()) {
                open.insert(k.clone(), v.clone());
            } else {
                hidden.insert(k.clone(), v.clone());
            }
        }
        if !hidden.is_empty() {
            let key = self.office_key(tx, office)?;
            let plain = Zeroizing::new(serde_json::to_vec(&hidden).expect("serialisable"));
            let sealed = seal_bytes(&key, &plain, &aad(office, entity));
            open.insert(SEALED.into(), Value::String(B64.encode(sealed)));
        }
        Ok(serde_json::to_string(&open).expect("serialisable"))
    }

    /// A stored record's fields, opened.
    pub fn open_fields<T: Tx>(
        &self,
        tx: &mut T,
        office: &str,
        entity: &str,
        mut fields: Map<String, Value>,
    ) -> Result<Map<String, Value>> {
        let Some(Value::String(sealed)) = fields.remove(SEALED) else {
            return Ok(fields);
        };
        let key = self.office_key(tx, office)?;
        let plain = B64
            .decode(sealed)
            .ok()
            .and_then(|s| open_bytes(&key, &s, &aad(office, entity)))
            .ok_or_else(|| StoreError::Db(format!("a sealed {entity} record does not open")))?;
        let hidden: Map<String, Value> =
            serde_json::from_slice(&plain).map_err(|e| StoreError::Db(e.to_string()))?;
        fields.extend(hidden);
        Ok(fields)
    }

    /// `open_fields` over stored JSON text.
    pub fn open_json<T: Tx>(
        &self,
        tx: &mut T,
        office: &str,
        entity: &str,
        json: &str,
    ) -> Result<Map<String, Value>> {
        let m: Map<String, Value> =
            serde_json::from_str(json).map_err(|e| StoreError::Db(e.to_string()))?;
        self.open_fields(tx, office, entity, m)
    }

    pub fn seal_blob<T: Tx>(
        &self,
        tx: &mut T,
        office: &str,
        sha256: &str,
        data: &[u8],
    ) -> Result<Vec<u8>> {
        let key = self.office_key(tx, office)?;
        let mut out = BLOB_MAGIC.to_vec();
        out.extend(seal_bytes(&key, data, &aad(office, sha256)));
        Ok(out)
    }

    pub fn open_blob<T: Tx>(
        &self,
        tx: &mut T,
        office: &str,
        sha256: &str,
        stored: Vec<u8>,
    ) -> Result<Vec<u8>> {
        let Some(sealed) = stored.strip_prefix(BLOB_MAGIC) else {
            return Ok(stored);
        };
        let key = self.office_key(tx, office)?;
        open_bytes(&key, sealed, &aad(office, sha256))
            .ok_or_else(|| StoreError::Db("a sealed attachment does not open".into()))
    }
}
