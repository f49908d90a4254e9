//! Key material. The database is encrypted with one random 256-bit key. That key is never
//! stored as is: each user's slot holds it wrapped (XChaCha20-Poly1305) under a key derived
//! from the user's password with Argon2id, and one more slot holds it under the office
//! recovery key. Changing a password re-wraps one slot.
//!
//! Slots made since issue 14 §2 do not wrap the database key itself: each holds an X25519
//! key pair, its private half wrapped under the password, and the database key *sealed* to
//! its public half (`seal_to`). So the database can be re-keyed when a user is removed and
//! the new key sealed to every remaining slot without anyone's password — and the removed
//! user's password, old key-slot file or memory of the old key opens nothing later.

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

/// The database key. Zeroed when dropped.
pub struct DbKey(Zeroizing<[u8; 32]>);

impl DbKey {
    pub fn generate() -> Self {
        let mut k = Zeroizing::new([0u8; 32]);
        OsRng.fill_bytes(k.as_mut());
        DbKey(k)
    }
    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
    /// The SQLCipher raw-key literal `x'…'` (64 hex digits), zeroed when dropped.
    pub fn sqlcipher_literal(&self) -> Zeroizing<String> {
        let mut s = String::with_capacity(67);
        s.push_str("x'");
        for b in self.0.iter() {
            s.push(char::from(HEX[(b >> 4) as usize]));
            s.push(char::from(HEX[(b & 15) as usize]));
        }
        s.push('\'');
        Zeroizing::new(s)
    }
    pub fn clone_key(&self) -> DbKey {
        DbKey(Zeroizing::new(*self.0))
    }
    /// 32 secret bytes of another kind kept the same way (an administrator's signing seed).
    pub fn from_bytes(b: &[u8; 32]) -> DbKey {
        DbKey(Zeroizing::new(*b))
    }
}

/// A slot's X25519 key pair (the private half zeroed when dropped).
pub struct SlotKeys {
    pub secret: DbKey,
    pub public: [u8; 32],
}

impl SlotKeys {
    pub fn generate() -> SlotKeys {
        let secret = DbKey::generate();
        let public = slot_public(&secret);
        SlotKeys { secret, public }
    }
}

fn slot_public(secret: &DbKey) -> [u8; 32] {
    let s = x25519_dalek::StaticSecret::from(*secret.bytes());
    *x25519_dalek::PublicKey::from(&s).as_bytes()
}

fn seal_cipher(shared: &[u8; 32], eph: &[u8; 32], recipient: &[u8; 32]) -> XChaCha20Poly1305 {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(b"raksa-seal-v1\0");
    h.update(shared);
    h.update(eph);
    h.update(recipient);
    let k = Zeroizing::new(<[u8; 32]>::from(h.finalize()));
    XChaCha20Poly1305::new(k.as_ref().into())
}

/// Seals the database key to a slot's public key: an ephemeral X25519 key (32 bytes), a
/// nonce (24) and the ciphertext. Anyone may seal; only the slot's private key opens.
pub fn seal_to(recipient: &[u8; 32], key: &DbKey, aad: &[u8]) -> Vec<u8> {
    let eph = x25519_dalek::StaticSecret::from(random_bytes::<32>());
    let eph_pub = *x25519_dalek::PublicKey::from(&eph).as_bytes();
    let shared = eph.diffie_hellman(&x25519_dalek::PublicKey::from(*recipient));
    let (nonce, ct) = encrypt_key(
        &seal_cipher(shared.as_bytes(), &eph_pub, recipient),
        key,
        aad,
    );
    let mut out = Vec::with_capacity(56 + ct.len());
    out.extend_from_slice(&eph_pub);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ct);
    out
}

/// Opens what `seal_to` sealed; `None` when it was not sealed to this key or was altered.
pub fn open_sealed(secret: &DbKey, sealed: &[u8], aad: &[u8]) -> Option<DbKey> {
    if sealed.len() != 32 + 24 + 48 {
        return None;
    }
    let eph: [u8; 32] = sealed[..32].try_into().ok()?;
    let public = slot_public(secret);
    let s = x25519_dalek::StaticSecret::from(*secret.bytes());
    let shared = s.diffie_hellman(&x25519_dalek::PublicKey::from(eph));
    decrypt_key(
        &seal_cipher(shared.as_bytes(), &eph, &public),
        &sealed[32..56],
        &sealed[56..],
        aad,
    )
}

/// A 32-byte key encrypted under `cipher` with a fresh nonce.
fn encrypt_key(cipher: &XChaCha20Poly1305, key: &DbKey, aad: &[u8]) -> ([u8; 24], Vec<u8>) {
    let nonce = random_bytes::<24>();
    let ct = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: key.bytes(),
                aad,
            },
        )
        .expect("encryption of 32 bytes cannot fail");
    (nonce, ct)
}

/// The 32-byte key `encrypt_key` made; `None` when the cipher, nonce or data is wrong.
fn decrypt_key(cipher: &XChaCha20Poly1305, nonce: &[u8], ct: &[u8], aad: &[u8]) -> Option<DbKey> {
    if nonce.len() != 24 {
        return None;
    }
    let mut pt = cipher
        .decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad })
        .ok()?;
    if pt.len() != 32 {
        pt.zeroize();
        return None;
    }
    let mut k = Zeroizing::new([0u8; 32]);
    k.copy_from_slice(&pt);
    pt.zeroize();
    Some(DbKey(k))
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Argon2id cost. Stored with each slot so it can be raised later without breaking old slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

impl KdfParams {
    /// 64 MiB, 3 passes, 1 lane: OWASP's Argon2id baseline is 19 MiB/2 passes; this is
    /// well above it and still unlocks in ~0.2 s on a 2-core office PC.
    pub const DEFAULT: KdfParams = KdfParams {
        m_kib: 64 * 1024,
        t: 3,
        p: 1,
    };

    /// Whether these costs are ones Raksa would ever have written: 8 MiB–1 GiB, 1–16
    /// passes, 1–8 lanes. Costs come from files an attacker may edit (the key-slot file, a
    /// backup header); out of these bounds they would exhaust memory or abort the app.
    pub fn is_sane(self) -> bool {
        (8 * 1024..=1024 * 1024).contains(&self.m_kib)
            && (1..=16).contains(&self.t)
            && (1..=8).contains(&self.p)
    }
}

/// Derives a 256-bit key-encryption key from a secret (password or recovery key).
pub fn derive_kek(secret: &[u8], salt: &[u8], params: KdfParams) -> Zeroizing<[u8; 32]> {
    let p = Params::new(params.m_kib, params.t, params.p, Some(32)).expect("valid argon2 params");
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, p);
    let mut out = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(secret, salt, out.as_mut())
        .expect("argon2 with valid params and 16-byte salt");
    out
}

pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    OsRng.fill_bytes(&mut b);
    b
}

/// Wraps the database key; `aad` binds the wrap to its slot and office.
pub fn wrap(kek: &[u8; 32], key: &DbKey, aad: &[u8]) -> ([u8; 24], Vec<u8>) {
    encrypt_key(&XChaCha20Poly1305::new(kek.into()), key, aad)
}

/// Unwraps; `None` when the key-encryption key is wrong or the slot was tampered with.
pub fn unwrap(kek: &[u8; 32], nonce: &[u8], ct: &[u8], aad: &[u8]) -> Option<DbKey> {
    decrypt_key(&XChaCha20Poly1305::new(kek.into()), nonce, ct, aad)
}

/// The office recovery key: 200 random bits shown once as 8 groups of 5 Crockford base32
/// characters (no I, L, O, U), e.g. `7K2QH-…`. Kept on paper in the office safe.
pub struct RecoveryKey(Zeroizing<String>);

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

impl RecoveryKey {
    pub fn generate() -> Self {
        let bytes = Zeroizing::new(random_bytes::<25>());
        let mut acc: u64 = 0;
        let mut bits = 0;
        let mut chars = Zeroizing::new(String::with_capacity(48));
        let mut emitted = 0usize;
        for &b in bytes.iter() {
            acc = (acc << 8) | u64::from(b);
            bits += 8;
            while bits >= 5 {
                bits -= 5;
                let idx = ((acc >> bits) & 31) as usize;
                if emitted > 0 && emitted.is_multiple_of(5) {
                    chars.push('-');
                }
                chars.push(char::from(CROCKFORD[idx]));
                emitted += 1;
            }
        }
        acc.zeroize();
        RecoveryKey(chars)
    }

    /// Parses what a person types: case, spaces and dashes do not matter; O→0, I/L→1.
    pub fn parse(input: &str) -> Option<Self> {
        let mut norm = Zeroizing::new(String::new());
        for c in input.chars() {
            let c = c.to_ascii_uppercase();
            let c = match c {
                'O' => '0',
                'I' | 'L' => '1',
                '-' | ' ' => continue,
                _ => c,
            };
            if !CROCKFORD.contains(&(c as u8)) || !c.is_ascii() {
                return None;
            }
            norm.push(c);
        }
        if norm.len() != 40 {
            return None;
        }
        let mut grouped = Zeroizing::new(String::with_capacity(47));
        for (i, c) in norm.chars().enumerate() {
            if i > 0 && i % 5 == 0 {
                grouped.push('-');
            }
            grouped.push(c);
        }
        Some(RecoveryKey(grouped))
    }

    /// The grouped display form, `XXXXX-XXXXX-…`.
    pub fn display(&self) -> &str {
        &self.0
    }

    /// The secret fed to the KDF: the 40 characters without dashes.
    pub fn secret(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(self.0.bytes().filter(|&b| b != b'-').collect())
    }
}
