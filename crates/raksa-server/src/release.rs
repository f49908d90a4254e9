//! Signed releases of the office app, served to enrolled PCs in the format of Tauri's
//! updater (its "dynamic" answer: one release for the PC's platform).
//!
//! The server never holds the signing key: a release is signed on the release manager's
//! machine (`raksa-server release sign`, or Tauri's own `tauri signer sign`) and published
//! with its signature; publishing checks the signature against the ministry's public key
//! with the same verifier the PCs use (`minisign-verify`), so the server refuses what the
//! PCs would refuse. A PC installs only what verifies against the key compiled into it —
//! a compromised server or a man in the middle can withhold updates, never push its own.
//!
//! Formats (Tauri's, so its tools interoperate): a public key is base64 of a minisign
//! public-key file; a signature is base64 of a minisign signature file whose trusted
//! comment carries `version:X` (the PCs require it: a tampered answer cannot pair a new
//! version number with an older, validly signed package).

use base64::Engine;
use serde::Serialize;

/// What one published release holds, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// `{os}-{arch}` as Tauri's updater names it: `linux-x86_64`, `windows-x86_64`.
    pub target: String,
    pub version: String,
    pub notes_th: String,
    pub notes_en: String,
    pub signature: String,
    pub sha256: String,
    pub size: u64,
    pub published_at: String,
}

/// The answer to a PC asking for a newer release.
#[derive(Debug, Clone, Serialize)]
pub struct Offer {
    pub version: String,
    /// Thai release notes (what Tauri's updater calls `notes`).
    pub notes: String,
    pub notes_en: String,
    pub pub_date: String,
    pub url: String,
    pub signature: String,
    pub sha256: String,
    pub size: u64,
}

/// The largest package accepted (an installer is ~15 MB; this leaves room, not abuse).
pub const MAX_PACKAGE_BYTES: usize = 200 * 1024 * 1024;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReleaseError {
    #[error("not a release target (expected e.g. linux-x86_64 or windows-x86_64): {0}")]
    Target(String),
    #[error("not a version number (expected e.g. 0.2.0): {0}")]
    Version(String),
    #[error("the public key cannot be read: {0}")]
    PublicKey(String),
    #[error("the signature cannot be read: {0}")]
    SignatureFormat(String),
    #[error("the signature does not match this file and key")]
    BadSignature,
    #[error("the signature is for version {signed}, not {announced}")]
    VersionMismatch { signed: String, announced: String },
    #[error("the signature does not say which version it signs")]
    UnsignedVersion,
    #[error("the secret key cannot be used: {0}")]
    SecretKey(String),
}

const OSES: &[&str] = &["linux", "windows", "darwin"];
const ARCHES: &[&str] = &["x86_64", "aarch64", "i686", "armv7", "riscv64"];

pub fn check_target(target: &str) -> Result<(), ReleaseError> {
    let ok = target
        .split_once('-')
        .is_some_and(|(os, arch)| OSES.contains(&os) && ARCHES.contains(&arch));
    if ok {
        Ok(())
    } else {
        Err(ReleaseError::Target(target.chars().take(40).collect()))
    }
}

pub fn parse_version(v: &str) -> Result<semver::Version, ReleaseError> {
    semver::Version::parse(v.trim_start_matches('v'))
        .map_err(|_| ReleaseError::Version(v.chars().take(40).collect()))
}

fn unbase64(s: &str) -> Option<String> {
    base64::engine::general_purpose::STANDARD
        .decode(s.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
}

/// A public key given as Tauri's base64 form or as a minisign `.pub` file's text; returns
/// Tauri's base64 form.
pub fn public_key_b64(text: &str) -> Result<String, ReleaseError> {
    let box_text = if text.trim_start().starts_with("untrusted comment:") {
        text.to_owned()
    } else {
        unbase64(text).ok_or_else(|| ReleaseError::PublicKey("not base64".into()))?
    };
    minisign_verify::PublicKey::decode(&box_text)
        .map_err(|e| ReleaseError::PublicKey(e.to_string()))?;
    Ok(base64::engine::general_purpose::STANDARD.encode(box_text.as_bytes()))
}

/// The version a signature's trusted comment names (`…\tversion:0.2.0\t…`).
fn signed_version(trusted_comment: &str) -> Option<&str> {
    trusted_comment
        .split('\t')
        .find_map(|f| f.strip_prefix("version:"))
}

/// Checks a package as the PCs will: the signature (base64 of a minisign signature file)
/// verifies against the key, and its signed version is `version`.
pub fn verify(
    data: &[u8],
    signature_b64: &str,
    public_key_b64: &str,
    version: &str,
) -> Result<(), ReleaseError> {
    let pk_text =
        unbase64(public_key_b64).ok_or_else(|| ReleaseError::PublicKey("not base64".into()))?;
    let pk = minisign_verify::PublicKey::decode(&pk_text)
        .map_err(|e| ReleaseError::PublicKey(e.to_string()))?;
    let sig_text = unbase64(signature_b64)
        .ok_or_else(|| ReleaseError::SignatureFormat("not base64".into()))?;
    let sig = minisign_verify::Signature::decode(&sig_text)
        .map_err(|e| ReleaseError::SignatureFormat(e.to_string()))?;
    pk.verify(data, &sig, true)
        .map_err(|_| ReleaseError::BadSignature)?;
    // Read only after `verify`: the global signature covers the trusted comment.
    let signed = signed_version(sig.trusted_comment()).ok_or(ReleaseError::UnsignedVersion)?;
    if parse_version(signed)? != parse_version(version)? {
        return Err(ReleaseError::VersionMismatch {
            signed: signed.to_owned(),
            announced: version.to_owned(),
        });
    }
    Ok(())
}

/// A new signing key pair: (minisign secret-key file text, encrypted with `password` when
/// given; Tauri's base64 public key).
pub fn generate_key(password: Option<String>) -> Result<(String, String), ReleaseError> {
    let kp = match password {
        Some(p) => minisign::KeyPair::generate_encrypted_keypair(Some(p)),
        None => minisign::KeyPair::generate_unencrypted_keypair(),
    }
    .map_err(|e| ReleaseError::SecretKey(e.to_string()))?;
    let sk = kp
        .sk
        .to_box(Some("Raksa release signing key"))
        .map_err(|e| ReleaseError::SecretKey(e.to_string()))?
        .into_string();
    let pk = kp
        .pk
        .to_box()
        .map_err(|e| ReleaseError::SecretKey(e.to_string()))?
        .into_string();
    Ok((sk, base64::engine::general_purpose::STANDARD.encode(pk)))
}

/// Signs a package for `version` (Tauri's signature format, the version in the trusted
/// comment). `secret_key` is a minisign secret-key file's text.
pub fn sign(
    secret_key: &str,
    password: Option<String>,
    data: &[u8],
    file_name: &str,
    version: &str,
) -> Result<String, ReleaseError> {
    parse_version(version)?;
    let sk_box = minisign::SecretKeyBox::from_string(secret_key)
        .map_err(|e| ReleaseError::SecretKey(e.to_string()))?;
    let sk = match password {
        Some(p) => sk_box.into_secret_key(Some(p)),
        None => sk_box.into_unencrypted_secret_key(),
    }
    .map_err(|e| ReleaseError::SecretKey(e.to_string()))?;
    let name: String = file_name
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let timestamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let trusted = format!("timestamp:{timestamp}\tfile:{name}\tversion:{version}");
    let sig = minisign::sign(None, &sk, data, Some(&trusted), None)
        .map_err(|e| ReleaseError::SecretKey(e.to_string()))?;
    Ok(base64::engine::general_purpose::STANDARD.encode(sig.into_string()))
}

/// The newest release newer than `current`, if any.
pub fn newest_after<'a>(releases: &'a [Release], current: &str) -> Option<&'a Release> {
    let current = parse_version(current).ok()?;
    releases
        .iter()
        .filter_map(|r| parse_version(&r.version).ok().map(|v| (v, r)))
        .filter(|(v, _)| *v > current)
        .max_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, r)| r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_package_verifies_and_any_change_is_refused() {
        let (sk, pk) = generate_key(None).unwrap();
        let data = b"raksa 0.2.0 package bytes".to_vec();
        let sig = sign(&sk, None, &data, "raksa_0.2.0_amd64.deb", "0.2.0").unwrap();
        assert_eq!(verify(&data, &sig, &pk, "0.2.0"), Ok(()));
        assert_eq!(verify(&data, &sig, &pk, "v0.2.0"), Ok(()));
        let mut tampered = data.clone();
        tampered[0] ^= 1;
        assert_eq!(
            verify(&tampered, &sig, &pk, "0.2.0"),
            Err(ReleaseError::BadSignature)
        );
        // An old, validly signed package announced as a newer version.
        assert!(matches!(
            verify(&data, &sig, &pk, "0.3.0"),
            Err(ReleaseError::VersionMismatch { .. })
        ));
        // Another key.
        let (_, other) = generate_key(None).unwrap();
        assert_eq!(
            verify(&data, &sig, &other, "0.2.0"),
            Err(ReleaseError::BadSignature)
        );
    }

    #[test]
    fn an_encrypted_key_needs_its_password() {
        let (sk, pk) = generate_key(Some("correct horse".into())).unwrap();
        assert!(sign(&sk, Some("wrong".into()), b"x", "f", "1.0.0").is_err());
        let sig = sign(&sk, Some("correct horse".into()), b"x", "f", "1.0.0").unwrap();
        assert_eq!(verify(b"x", &sig, &pk, "1.0.0"), Ok(()));
    }

    #[test]
    fn targets_versions_and_the_newest() {
        assert!(check_target("linux-x86_64").is_ok());
        assert!(check_target("windows-x86_64").is_ok());
        assert!(check_target("../x").is_err());
        assert!(check_target("linux").is_err());
        let r = |v: &str| Release {
            target: "linux-x86_64".into(),
            version: v.into(),
            notes_th: String::new(),
            notes_en: String::new(),
            signature: String::new(),
            sha256: String::new(),
            size: 0,
            published_at: String::new(),
        };
        let all = [r("0.2.0"), r("0.10.0"), r("0.9.1")];
        assert_eq!(newest_after(&all, "0.1.0").unwrap().version, "0.10.0");
        assert!(newest_after(&all, "0.10.0").is_none());
        assert!(newest_after(&all, "not a version").is_none());
    }
}
