//! The audit trail's hash chain, one rule for the PC that writes it and the server that
//! receives it (issue 14 §10): SHA-256 over the previous entry's hash and this entry's
//! fields, each field length-prefixed (`None` and `""` differ), in the order: previous
//! hash, at, user id, action, entity, entity id, detail.

use sha2::{Digest, Sha256};

pub fn chain_hash(parts: &[Option<String>]) -> String {
    let mut h = Sha256::new();
    h.update(b"raksa-audit-1");
    for p in parts {
        match p {
            None => h.update([0u8]),
            Some(s) => {
                h.update([1u8]);
                h.update((s.len() as u64).to_be_bytes());
                h.update(s.as_bytes());
            }
        }
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}
