//! Accounts and browser sessions of the 1300 console (issue 15 §3): hotline officers and
//! supervisors sign in with a password (Argon2id, PHC strings) and get a session held in an
//! httpOnly, Secure, SameSite=Strict cookie — only its SHA-256 is stored — with its own
//! CSRF token that every form posts back.

use chrono::{Duration, Utc};
use raksa_domain::help_request::RequestChannel;
use raksa_protocol::{Entity, sha256_hex};
use serde_json::Value;

use super::sealing::Keyring;
use super::{Result, Tx, refuse};

/// How long a console session lasts (one shift and a half).
pub const SESSION_HOURS: i64 = 12;

/// A signed-in hotline account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleUser {
    pub username: String,
    pub full_name: String,
    /// `officer` or `supervisor`.
    pub role: String,
    pub csrf: String,
}

/// One of an officer's requests, as their list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FiledRow {
    pub id: String,
    pub received_at: String,
    pub office: Option<String>,
    pub status: String,
    pub issues: Vec<String>,
    pub place: Option<String>,
}

pub fn hash_password(password: &str) -> String {
    use argon2::password_hash::{PasswordHasher, SaltString, rand_core::OsRng};
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &SaltString::generate(&mut OsRng))
        .expect("hashing")
        .to_string()
}

/// A server account's new password (1300 console or HuSEC), checked and hashed.
pub(super) fn new_password_hash(password: &str) -> Result<String> {
    if password.chars().count() < 12 {
        return Err(refuse(
            400,
            "invalid",
            "รหัสผ่านต้องยาวอย่างน้อย 12 ตัวอักษร",
            "The password needs at least 12 characters",
        ));
    }
    Ok(hash_password(password))
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    PasswordHash::new(phc)
        .map(|h| {
            argon2::Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A user name as typed at sign-in: trimmed, lower-case.
fn normal(u: &str) -> String {
    u.trim().to_lowercase()
}

pub(super) fn op_add_hotline<T: Tx>(
    tx: &mut T,
    username: &str,
    full_name: &str,
    role: &str,
    pw_hash: &str,
) -> Result<()> {
    let username = raksa_domain::validate::username(username)
        .map_err(|p| refuse(400, "invalid", p.message_th(), p.message_en()))?;
    if !matches!(role, "officer" | "supervisor") {
        return Err(refuse(
            400,
            "invalid",
            "บทบาทต้องเป็น officer หรือ supervisor",
            "Role must be officer or supervisor",
        ));
    }
    let name = raksa_domain::validate::required(full_name, 100, false)
        .map_err(|p| refuse(400, "invalid", p.message_th(), p.message_en()))?;
    tx.add_hotline_user(&username, &name, role, pw_hash, &Utc::now().to_rfc3339())
}

pub(super) fn op_hotline_hash<T: Tx>(tx: &mut T, username: &str) -> Result<Option<String>> {
    Ok(tx.hotline_user(&normal(username))?.map(|(_, _, h)| h))
}

pub(super) fn op_open_session<T: Tx>(tx: &mut T, username: &str) -> Result<(String, String)> {
    use base64::Engine;
    let enc = |b: [u8; 32]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    let token = enc(super::random_bytes::<32>());
    let csrf = enc(super::random_bytes::<32>());
    let expires = (Utc::now() + Duration::hours(SESSION_HOURS)).to_rfc3339();
    tx.add_console_session(&sha256_hex(&token), &normal(username), &csrf, &expires)?;
    Ok((token, csrf))
}

pub(super) fn op_session<T: Tx>(tx: &mut T, token: &str) -> Result<Option<ConsoleUser>> {
    let Some((username, csrf)) =
        tx.console_session(&sha256_hex(token), &Utc::now().to_rfc3339())?
    else {
        return Ok(None);
    };
    Ok(tx
        .hotline_user(&username)?
        // a HuSEC account's session does not open the 1300 console
        .filter(|(_, role, _)| matches!(role.as_str(), "officer" | "supervisor"))
        .map(|(full_name, role, _)| ConsoleUser {
            username,
            full_name,
            role,
            csrf,
        }))
}

pub(super) fn op_close_session<T: Tx>(tx: &mut T, token: &str) -> Result<()> {
    tx.delete_console_session(&sha256_hex(token))
}

pub(super) fn op_disable_hotline<T: Tx>(tx: &mut T, username: &str) -> Result<usize> {
    tx.disable_hotline_user(username, &Utc::now().to_rfc3339())
}

fn text(f: &serde_json::Map<String, Value>, k: &str) -> String {
    f.get(k).and_then(Value::as_str).unwrap_or("").to_owned()
}

/// The officer's own requests, newest first, with where each stands.
pub(super) fn op_filed_by<T: Tx>(
    tx: &mut T,
    keys: &Keyring,
    username: &str,
) -> Result<Vec<FiledRow>> {
    let source = format!("{}:{username}", RequestChannel::Hotline1300.as_str());
    let table = Entity::HelpRequests.table();
    let mut out = Vec::new();
    for id in tx.requests_of_source(&source, 100)? {
        let Some((office, json)) = tx.record(table, &id)? else {
            continue;
        };
        let f = keys.open_json(tx, &office, table, &json)?;
        out.push(FiledRow {
            id,
            received_at: text(&f, "received_at"),
            office: (office != super::requests::NATIONAL_QUEUE).then_some(office),
            status: text(&f, "status"),
            issues: serde_json::from_str(&text(&f, "core_issues")).unwrap_or_default(),
            place: f
                .get("subdistrict_code")
                .and_then(Value::as_str)
                .map(str::to_owned),
        });
    }
    Ok(out)
}

/// Open requests in a province with the same phone or citizen ID (the intake hint): ids,
/// received at, owner office.
pub(super) fn op_similar<T: Tx>(
    tx: &mut T,
    keys: &Keyring,
    province: &str,
    phone: &str,
    citizen_id: &str,
) -> Result<Vec<(String, String, String)>> {
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    let (phone, cid) = (digits(phone), digits(citizen_id));
    if (phone.len() < 9 && cid.len() != 13) || province.len() != 2 {
        return Ok(Vec::new());
    }
    let table = Entity::HelpRequests.table();
    let mut out = Vec::new();
    for (office, json) in tx.all_records(table)? {
        let clear: serde_json::Map<String, Value> = serde_json::from_str(&json).unwrap_or_default();
        let in_province = clear
            .get("subdistrict_code")
            .and_then(Value::as_str)
            .is_some_and(|c| c.starts_with(province));
        let open = matches!(text(&clear, "status").as_str(), "received" | "case_opened");
        if !in_province || !open {
            continue;
        }
        let f = keys.open_fields(tx, &office, table, clear)?;
        let reporter_phone = f
            .get("reporter")
            .and_then(Value::as_str)
            .and_then(|r| serde_json::from_str::<Value>(r).ok())
            .and_then(|r| r.get("phone").and_then(Value::as_str).map(digits))
            .unwrap_or_default();
        let same_phone = phone.len() >= 9 && reporter_phone == phone;
        let same_id = cid.len() == 13 && digits(&text(&f, "person_citizen_id")) == cid;
        if same_phone || same_id {
            out.push((text(&f, "id"), text(&f, "received_at"), office));
        }
    }
    Ok(out)
}
