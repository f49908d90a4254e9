//! Administrator-signed records (issue 14 §1). Accounts and deadline rules decide who may
//! do what, so a change to them is accepted — by the server from a PC, and by a PC from
//! the server — only when it carries the signature of an administrator's Ed25519 key the
//! office trusts. Any case worker holds the database key; no case worker holds an
//! administrator's signing key (it is sealed to the administrator's own key slot).
//!
//! The signature covers every field of the record except the ones listed in
//! [`unsigned_fields`] (a user's own password date) and is written in the same unit of
//! work as the change, so the outbox row the trigger queues is already signed.
//! A record's `signature` is `<public key>.<signature>`, both base64.
//!
//! Keys an office trusts: a key sent with a one-time enrolment code (the administrator
//! who enrolled the PC) and the `signing_keys` of every active administrator's account —
//! which only an already-trusted key can have signed. Deactivating or demoting an
//! administrator withdraws their keys at once.

use std::collections::BTreeSet;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _, VerifyingKey};
use serde_json::{Map, Value};

use crate::Entity;

/// Whether changes to this entity must be signed by an administrator.
pub fn signs(entity: Entity) -> bool {
    matches!(entity, Entity::Users | Entity::DeadlineRules)
}

/// Fields a change may alter without an administrator: a user's own password date.
pub fn unsigned_fields(entity: Entity) -> &'static [&'static str] {
    match entity {
        Entity::Users => &["password_changed_at", "signature"],
        _ => &["signature"],
    }
}

/// The fields the signature covers, in the entity's field order.
pub fn signed_fields(entity: Entity) -> impl Iterator<Item = &'static str> {
    let skip = unsigned_fields(entity);
    entity
        .fields()
        .iter()
        .copied()
        .filter(|f| !skip.contains(f))
}

/// One value in a form that does not depend on how it travelled: SQLite's `json_object`
/// writes a flag as `1`, another writer may write `true`.
fn canonical(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Null => out.push(b'~'),
        Value::Bool(b) => out.extend_from_slice(if *b { b"n1" } else { b"n0" }),
        Value::Number(n) => {
            out.push(b'n');
            match n.as_i64() {
                Some(i) => out.extend_from_slice(i.to_string().as_bytes()),
                None => out.extend_from_slice(n.to_string().as_bytes()),
            }
        }
        Value::String(s) => {
            out.extend_from_slice(format!("s{}:", s.len()).as_bytes());
            out.extend_from_slice(s.as_bytes());
        }
        other => {
            let s = other.to_string();
            out.extend_from_slice(format!("j{}:", s.len()).as_bytes());
            out.extend_from_slice(s.as_bytes());
        }
    }
}

/// The bytes an administrator signs for one record.
pub fn payload(entity: Entity, record_id: &str, fields: &Map<String, Value>) -> Vec<u8> {
    let mut out = b"raksa-signed-record-v1\n".to_vec();
    out.extend_from_slice(entity.table().as_bytes());
    out.push(b'\n');
    out.extend_from_slice(format!("{}:", record_id.len()).as_bytes());
    out.extend_from_slice(record_id.as_bytes());
    out.push(b'\n');
    for f in signed_fields(entity) {
        out.extend_from_slice(f.as_bytes());
        out.push(b'=');
        canonical(fields.get(f).unwrap_or(&Value::Null), &mut out);
        out.push(b'\n');
    }
    out
}

/// An administrator's signing key, opened from their key slot for the session.
pub struct AdminSigner(SigningKey);

impl AdminSigner {
    pub fn from_seed(seed: &[u8; 32]) -> AdminSigner {
        AdminSigner(SigningKey::from_bytes(seed))
    }

    pub fn seed(&self) -> zeroize::Zeroizing<[u8; 32]> {
        zeroize::Zeroizing::new(self.0.to_bytes())
    }

    /// The public key as the office's records name it (base64).
    pub fn public(&self) -> String {
        B64.encode(self.0.verifying_key().as_bytes())
    }

    /// The `signature` value for a record with these fields.
    pub fn sign(&self, entity: Entity, record_id: &str, fields: &Map<String, Value>) -> String {
        let sig = self.0.sign(&payload(entity, record_id, fields));
        format!("{}.{}", self.public(), B64.encode(sig.to_bytes()))
    }
}

impl std::fmt::Debug for AdminSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AdminSigner({})", self.public())
    }
}

/// Why a record's signature was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureProblem {
    #[error("not signed by an administrator")]
    Missing,
    #[error("signature malformed")]
    Malformed,
    #[error("signature does not match the record")]
    Invalid,
    #[error("signed by a key this office does not trust")]
    UntrustedKey,
}

impl SignatureProblem {
    pub fn message_th(&self) -> &'static str {
        match self {
            SignatureProblem::Missing => {
                "การเปลี่ยนแปลงบัญชีผู้ใช้หรือกฎระยะเวลานี้ไม่มีลายมือชื่ออิเล็กทรอนิกส์ของผู้ดูแลระบบ จึงไม่รับ"
            }
            SignatureProblem::Malformed | SignatureProblem::Invalid => {
                "ลายมือชื่ออิเล็กทรอนิกส์ของผู้ดูแลระบบไม่ตรงกับข้อมูล (ข้อมูลอาจถูกแก้ไขหลังลงนาม) จึงไม่รับ"
            }
            SignatureProblem::UntrustedKey => {
                "ลงนามด้วยกุญแจที่สำนักงานนี้ไม่ได้รับรอง (ผู้ดูแลระบบถูกปิดบัญชี หรือยังไม่ได้ลงทะเบียนเครื่องกับเซิร์ฟเวอร์) จึงไม่รับ"
            }
        }
    }
}

/// The public key that signed this record, if the signature is sound.
pub fn signer_of(
    entity: Entity,
    record_id: &str,
    fields: &Map<String, Value>,
) -> Result<String, SignatureProblem> {
    let sig = match fields.get("signature") {
        Some(Value::String(s)) if !s.is_empty() => s,
        _ => return Err(SignatureProblem::Missing),
    };
    let (public, sig) = sig.split_once('.').ok_or(SignatureProblem::Malformed)?;
    let pk: [u8; 32] = B64
        .decode(public)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(SignatureProblem::Malformed)?;
    let sig: [u8; 64] = B64
        .decode(sig)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(SignatureProblem::Malformed)?;
    let key = VerifyingKey::from_bytes(&pk).map_err(|_| SignatureProblem::Malformed)?;
    key.verify(
        &payload(entity, record_id, fields),
        &Signature::from_bytes(&sig),
    )
    .map_err(|_| SignatureProblem::Invalid)?;
    Ok(public.to_owned())
}

/// Checks a record's signature against the keys the office trusts.
pub fn verify(
    entity: Entity,
    record_id: &str,
    fields: &Map<String, Value>,
    trusted: &BTreeSet<String>,
) -> Result<String, SignatureProblem> {
    let key = signer_of(entity, record_id, fields)?;
    if trusted.contains(&key) {
        Ok(key)
    } else {
        Err(SignatureProblem::UntrustedKey)
    }
}

/// Whether an account record is an active administrator's.
pub fn is_active_admin(user: &Map<String, Value>) -> bool {
    let active = match user.get("active") {
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_i64() == Some(1),
        _ => false,
    };
    active && user.get("role").and_then(Value::as_str) == Some("admin")
}

/// The keys an account record lists (`signing_keys`: a JSON array in a text field).
pub fn listed_keys(user: &Map<String, Value>) -> Vec<String> {
    user.get("signing_keys")
        .and_then(Value::as_str)
        .and_then(|s| serde_json::from_str::<Vec<String>>(s).ok())
        .unwrap_or_default()
}

/// The keys the office trusts now, from its account records: every active
/// administrator's listed keys.
pub fn trusted_keys<'a>(
    users: impl IntoIterator<Item = &'a Map<String, Value>>,
) -> BTreeSet<String> {
    users
        .into_iter()
        .filter(|u| is_active_admin(u))
        .flat_map(listed_keys)
        .collect()
}

/// The signed part of two versions of a record is the same (only unsigned fields moved).
pub fn same_signed_part(entity: Entity, a: &Map<String, Value>, b: &Map<String, Value>) -> bool {
    let part = |m: &Map<String, Value>| {
        let mut p = payload(entity, "", m);
        canonical(m.get("signature").unwrap_or(&Value::Null), &mut p);
        p
    };
    part(a) == part(b)
}
