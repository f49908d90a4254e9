//! The volunteers' field app on the server (issue 15 §4): a volunteer the office registered
//! activates their phone once with the one-time code the office gave them (the office's PC
//! synced only the code's hash); the phone then files requests with its token. A new code
//! or a deactivation at the office stops the phone at once.

use chrono::Utc;
use raksa_protocol::{Entity, sha256_hex, volunteer_code_hash};
use serde::Serialize;
use serde_json::Value;

use super::sealing::Keyring;
use super::{Result, Tx, refuse};

#[derive(Debug, Clone, Serialize)]
pub struct FieldEnrolment {
    pub token: String,
    pub name: String,
    pub office: String,
}

#[derive(Debug, Clone)]
pub struct FieldVolunteer {
    pub id: String,
    pub name: String,
    pub office: String,
    pub subdistrict_code: Option<String>,
}

fn unknown_code() -> super::StoreError {
    refuse(
        401,
        "enrolment",
        "รหัสเปิดใช้งานไม่ถูกต้องหรือใช้ไปแล้ว กรุณาขอรหัสใหม่จากสำนักงาน",
        "Activation code unknown or already used",
    )
}

fn active(f: &serde_json::Map<String, Value>) -> bool {
    match f.get("active") {
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_i64() == Some(1),
        _ => false,
    }
}

pub(super) fn op_field_enrol<T: Tx>(
    tx: &mut T,
    keys: &Keyring,
    code: &str,
) -> Result<FieldEnrolment> {
    let hash = volunteer_code_hash(code);
    let table = Entity::Volunteers.table();
    let found = tx.all_records(table)?.into_iter().find(|(_, json)| {
        serde_json::from_str::<serde_json::Map<String, Value>>(json).is_ok_and(|f| {
            f.get("code_hash").and_then(Value::as_str) == Some(hash.as_str()) && active(&f)
        })
    });
    let Some((office, json)) = found else {
        return Err(unknown_code());
    };
    let f = keys.open_json(tx, &office, table, &json)?;
    let id = f.get("id").and_then(Value::as_str).unwrap_or("").to_owned();
    use base64::Engine;
    let token =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(super::random_bytes::<32>());
    if !tx.add_volunteer_token(
        &sha256_hex(&token),
        &id,
        &office,
        &hash,
        &Utc::now().to_rfc3339(),
    )? {
        return Err(unknown_code());
    }
    Ok(FieldEnrolment {
        token,
        name: f
            .get("full_name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
        office,
    })
}

pub(super) fn op_field_auth<T: Tx>(
    tx: &mut T,
    keys: &Keyring,
    token: &str,
) -> Result<FieldVolunteer> {
    let refused = || {
        refuse(
            401,
            "unauthorised",
            "เครื่องนี้ยังไม่ได้เปิดใช้งาน หรือสำนักงานยกเลิกสิทธิ์แล้ว กรุณาขอรหัสใหม่จากสำนักงาน",
            "This phone is not activated or was stopped by the office",
        )
    };
    let (id, office, code_hash) = tx
        .volunteer_token(&sha256_hex(token))?
        .ok_or_else(refused)?;
    let table = Entity::Volunteers.table();
    let (_, json) = tx.record(table, &id)?.ok_or_else(refused)?;
    let f = keys.open_json(tx, &office, table, &json)?;
    // a new code at the office, or a deactivation, stops phones activated before
    if !active(&f) || f.get("code_hash").and_then(Value::as_str) != Some(code_hash.as_str()) {
        return Err(refused());
    }
    Ok(FieldVolunteer {
        id,
        name: f
            .get("full_name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
        office,
        subdistrict_code: f
            .get("subdistrict_code")
            .and_then(Value::as_str)
            .map(str::to_owned),
    })
}
