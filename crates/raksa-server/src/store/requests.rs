//! Requests for help on the server (issue 15): filed by a channel (a partner app with its
//! API key, the 1300 console, a volunteer), routed by the routing table to one office (or
//! the national queue), delivered to that office's PCs by the ordinary pull, and moved on
//! only by the owning office's steps, which the server checks (`help_request::step_allowed`).
//! A request is a record like any other (`records`, entity `help_requests`, sealed under
//! its owner's key); its photos are blobs under [`PHOTO_OWNER`].

use chrono::Utc;
use raksa_domain::help_request::{
    self, CheckedRequest, RequestChannel, RequestStatus, Route, RouteRule,
};
use raksa_protocol::{Entity, Mutation, Outcome, sha256_hex};
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::sealing::Keyring;
use super::{Device, Result, Tx, refuse};

/// The owner of a request no office covers: HuSEC routes it by hand. No device belongs to
/// it, so nobody pulls it.
pub const NATIONAL_QUEUE: &str = "_national";
/// Whose key request photos are sealed under.
pub const PHOTO_OWNER: &str = "_requests";

/// What the channel is told when it files a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Filed {
    pub id: String,
    pub status: RequestStatus,
    /// The responsible office, or None for the national queue.
    pub office: Option<String>,
    pub received_at: String,
    /// The same idempotency key and body were filed before: this is that request.
    pub replayed: bool,
}

/// What a requester may see of their request: the step, never the case file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusView {
    pub id: String,
    pub received_at: String,
    /// The core issues it was filed under.
    pub core_issues: Vec<String>,
    pub status: RequestStatus,
    pub status_th: String,
    pub status_en: String,
    pub updated_at: String,
}

fn key_conflict() -> super::StoreError {
    refuse(
        409,
        "idempotency_key_reused",
        "Idempotency-Key นี้เคยใช้กับคำขออื่นแล้ว กรุณาใช้คีย์ใหม่สำหรับคำขอใหม่",
        "This Idempotency-Key was used for a different request body",
    )
}

fn not_found() -> super::StoreError {
    refuse(404, "not_found", "ไม่พบคำขอนี้", "No such request")
}

fn routing_table<T: Tx>(tx: &mut T) -> Result<Vec<RouteRule>> {
    Ok(tx
        .routes()?
        .into_iter()
        .map(|(area, office)| RouteRule { area, office })
        .collect())
}

fn text_of<'a>(m: &'a Map<String, Value>, k: &str) -> &'a str {
    m.get(k).and_then(Value::as_str).unwrap_or("")
}

/// Files a checked request once per (source, idempotency key).
#[allow(clippy::too_many_arguments)]
pub(super) fn op_file<T: Tx>(
    tx: &mut T,
    keys: &Keyring,
    channel: RequestChannel,
    source: &str,
    idempotency_key: &str,
    body_hash: &str,
    checked: &CheckedRequest,
) -> Result<Filed> {
    let source_key = format!("{}:{source}", channel.as_str());
    if let Some((hash, id)) = tx.request_key(&source_key, idempotency_key)? {
        if hash != body_hash {
            return Err(key_conflict());
        }
        let (office, json) = tx
            .record(Entity::HelpRequests.table(), &id)?
            .ok_or_else(not_found)?;
        let f = keys.open_json(tx, &office, Entity::HelpRequests.table(), &json)?;
        return Ok(Filed {
            id,
            status: RequestStatus::parse(text_of(&f, "status")).unwrap_or(RequestStatus::Received),
            office: (office != NATIONAL_QUEUE).then_some(office),
            received_at: text_of(&f, "received_at").to_owned(),
            replayed: true,
        });
    }
    tx.lock_writes()?;
    let now = Utc::now().to_rfc3339();
    let r = &checked.request;
    let owner = match help_request::route(r.subdistrict_code.as_deref(), &routing_table(tx)?) {
        Route::Office { office } => office,
        Route::NationalQueue => NATIONAL_QUEUE.to_owned(),
    };
    let id = uuid::Uuid::now_v7().to_string();
    let mut photos = Vec::new();
    for (media_type, data) in &checked.photos {
        let sha = sha256_hex(data);
        let sealed = keys.seal_blob(tx, PHOTO_OWNER, &sha, data)?;
        tx.put_blob(PHOTO_OWNER, &sha, &sealed, &now)?;
        photos.push(json!({"sha256": sha, "media_type": media_type, "size": data.len()}));
    }
    let issues: Vec<&str> = r.core_issues.iter().map(|i| i.as_str()).collect();
    let history = json!([{
        "at": now, "status": "received",
        "office": (owner != NATIONAL_QUEUE).then_some(&owner),
        "note": format!("รับเรื่องจาก{}", channel.label_th()),
    }]);
    let fields = json!({
        "id": id,
        "channel": channel.as_str(),
        "source": source,
        "received_at": now,
        "reporter": r.reporter.as_ref().map(|rep| serde_json::to_string(rep).expect("serialisable")),
        "person_name": r.person.name,
        "person_citizen_id": r.person.citizen_id,
        "person_age": r.person.approx_age,
        "person_sex": r.person.sex.map(|s| s.as_str()),
        "subdistrict_code": r.subdistrict_code,
        "gps_lat": r.gps.map(|g| g.lat),
        "gps_lon": r.gps.map(|g| g.lon),
        "address_text": r.address_text,
        "core_issues": serde_json::to_string(&issues).expect("serialisable"),
        "urgency": r.urgency.as_str(),
        "details": r.details,
        "photos": serde_json::to_string(&photos).expect("serialisable"),
        "sensitive": i64::from(help_request::is_sensitive(&r.core_issues)),
        "status": "received",
        "owner_office": (owner != NATIONAL_QUEUE).then_some(&owner),
        "case_id": null,
        "status_note": "",
        "pass_to": null,
        "history": history.to_string(),
        "updated_at": now,
    });
    let fields = fields.as_object().expect("an object");
    let table = Entity::HelpRequests.table();
    let sealed = keys.seal_fields(tx, &owner, table, fields)?;
    let pos = tx.next_position()?;
    super::tracking::put(
        tx, keys, table, &id, &id, &owner, fields, &sealed, pos, &now,
    )?;
    tx.put_request_key(&source_key, idempotency_key, body_hash, &id, &now)?;
    tracing::info!(
        channel = channel.as_str(),
        routed = owner != NATIONAL_QUEUE,
        "request filed"
    );
    Ok(Filed {
        id,
        status: RequestStatus::Received,
        office: (owner != NATIONAL_QUEUE).then_some(owner),
        received_at: now,
        replayed: false,
    })
}

/// A request's status as its own channel may see it (another source's request is "not
/// found", so ids cannot be probed).
pub(super) fn op_status<T: Tx>(
    tx: &mut T,
    keys: &Keyring,
    channel: RequestChannel,
    source: &str,
    id: &str,
) -> Result<StatusView> {
    let table = Entity::HelpRequests.table();
    let (office, json) = tx.record(table, id)?.ok_or_else(not_found)?;
    let f = keys.open_json(tx, &office, table, &json)?;
    if text_of(&f, "channel") != channel.as_str() || text_of(&f, "source") != source {
        return Err(not_found());
    }
    let status = RequestStatus::parse(text_of(&f, "status")).unwrap_or(RequestStatus::Received);
    let case_status = match f.get("case_id").and_then(Value::as_str) {
        Some(case) => match tx.record(Entity::Cases.table(), case)? {
            Some((o, j)) => {
                let c = keys.open_json(tx, &o, Entity::Cases.table(), &j)?;
                raksa_domain::model::CaseStatus::parse(text_of(&c, "status"))
            }
            None => None,
        },
        None => None,
    };
    let shown = help_request::requester_status(status, case_status);
    Ok(StatusView {
        id: id.to_owned(),
        received_at: text_of(&f, "received_at").to_owned(),
        core_issues: serde_json::from_str(text_of(&f, "core_issues")).unwrap_or_default(),
        status: shown,
        status_th: shown.label_th().to_owned(),
        status_en: shown.as_str().replace('_', " "),
        updated_at: text_of(&f, "updated_at").to_owned(),
    })
}

fn history_push(f: &mut Map<String, Value>, entry: Value) {
    let mut h: Vec<Value> = f
        .get("history")
        .and_then(Value::as_str)
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or_default();
    h.push(entry);
    f.insert("history".into(), Value::String(Value::Array(h).to_string()));
}

fn rejected(reason: &str) -> Outcome {
    Outcome::Rejected {
        reason: reason.to_owned(),
    }
}

/// An office's step on a request it owns: accept into a case, pass on, or close. Only the
/// step fields are read from the PC; the history and the owner are the server's to write.
pub(super) fn apply_step<T: Tx>(
    tx: &mut T,
    keys: &Keyring,
    device: &Device,
    m: &Mutation,
    current: Option<Map<String, Value>>,
    now: &str,
) -> Result<Outcome> {
    let Some(mut cur) = current else {
        return Ok(rejected(
            "คำขอความช่วยเหลือรับได้จากช่องทางรับเรื่อง (สายด่วน 1300 อาสาสมัคร ระบบพันธมิตร) เท่านั้น สำนักงานสร้างเองไม่ได้",
        ));
    };
    let from = RequestStatus::parse(text_of(&cur, "status")).unwrap_or(RequestStatus::Received);
    let Some(to) = RequestStatus::parse(text_of(&m.fields, "status")) else {
        return Ok(rejected("สถานะคำขอไม่ถูกต้อง"));
    };
    if from == to {
        return Ok(Outcome::Duplicate);
    }
    if !help_request::step_allowed(from, to) {
        return Ok(rejected(
            "ขั้นตอนนี้ทำกับคำขอในสถานะปัจจุบันไม่ได้ (อาจมีผู้ดำเนินการไปก่อนแล้ว)",
        ));
    }
    let note = raksa_domain::validate::text(text_of(&m.fields, "status_note"), 1000, true)
        .unwrap_or_default();
    let table = Entity::HelpRequests.table();
    let mut owner = device.office.clone();
    match to {
        RequestStatus::CaseOpened => {
            let case = text_of(&m.fields, "case_id").to_owned();
            match tx.record(Entity::Cases.table(), &case)? {
                Some((office, _)) if office == device.office => {}
                _ => {
                    return Ok(rejected("ยังไม่พบกรณีที่เปิดจากคำขอนี้ที่เซิร์ฟเวอร์ (ต้องส่งกรณีก่อน)"));
                }
            }
            cur.insert("case_id".into(), Value::String(case));
        }
        RequestStatus::PassedOn => {
            let to_office = text_of(&m.fields, "pass_to").trim().to_owned();
            if to_office == device.office || !tx.office_exists(&to_office)? {
                return Ok(rejected("ไม่พบสำนักงานที่จะส่งต่อคำขอนี้ไป"));
            }
            if note.chars().count() < 10 {
                return Ok(rejected("กรุณาระบุเหตุผลที่ส่งต่อ (อย่างน้อย 10 ตัวอักษร)"));
            }
            owner = to_office;
        }
        RequestStatus::Closed => {
            if note.chars().count() < 10 {
                return Ok(rejected("กรุณาระบุเหตุผลที่ปิดเรื่อง (อย่างน้อย 10 ตัวอักษร)"));
            }
        }
        RequestStatus::Received | RequestStatus::HelpGiven => {
            return Ok(rejected("ขั้นตอนนี้ทำกับคำขอในสถานะปัจจุบันไม่ได้"));
        }
    }
    history_push(
        &mut cur,
        json!({"at": now, "status": to.as_str(), "office": device.office, "note": note}),
    );
    cur.insert("status_note".into(), Value::String(note));
    cur.insert("updated_at".into(), Value::String(now.to_owned()));
    if owner == device.office {
        cur.insert("status".into(), Value::String(to.as_str().into()));
    } else {
        // passed on: it is the receiving office's now, received there
        history_push(
            &mut cur,
            json!({"at": now, "status": "received", "office": owner, "note": ""}),
        );
        cur.insert("status".into(), Value::String("received".into()));
        cur.insert("owner_office".into(), Value::String(owner.clone()));
        cur.insert("pass_to".into(), Value::Null);
        cur.insert("case_id".into(), Value::Null);
        tx.move_record(table, &m.record_id, &owner)?;
    }
    let sealed = keys.seal_fields(tx, &owner, table, &cur)?;
    let pos = tx.next_position()?;
    super::tracking::put(
        tx,
        keys,
        table,
        &m.record_id,
        &m.record_id,
        &owner,
        &cur,
        &sealed,
        pos,
        now,
    )?;
    Ok(Outcome::Applied)
}

/// HuSEC gives a request in the national queue (or any request) to an office.
pub(super) fn op_route_by_hand<T: Tx>(
    tx: &mut T,
    keys: &Keyring,
    id: &str,
    office: &str,
    by: &str,
) -> Result<()> {
    if !tx.office_exists(office)? {
        return Err(refuse(404, "office", "ไม่พบสำนักงานนี้", "Unknown office"));
    }
    let table = Entity::HelpRequests.table();
    let (from, json) = tx.record(table, id)?.ok_or_else(not_found)?;
    let mut f = keys.open_json(tx, &from, table, &json)?;
    if text_of(&f, "status") != "received" {
        return Err(refuse(
            409,
            "state",
            "คำขอนี้มีสำนักงานดำเนินการแล้ว",
            "The request is already being handled",
        ));
    }
    tx.lock_writes()?;
    let now = Utc::now().to_rfc3339();
    history_push(
        &mut f,
        json!({"at": now, "status": "received", "office": office, "note": format!("ศรส. ส่งให้สำนักงาน ({by})")}),
    );
    f.insert("owner_office".into(), Value::String(office.into()));
    f.insert("updated_at".into(), Value::String(now.clone()));
    tx.move_record(table, id, office)?;
    let sealed = keys.seal_fields(tx, office, table, &f)?;
    let pos = tx.next_position()?;
    super::tracking::put(tx, keys, table, id, id, office, &f, &sealed, pos, &now)?;
    Ok(())
}

/// A request's photo, for a PC of the office that owns the request.
pub(super) fn op_photo<T: Tx>(
    tx: &mut T,
    keys: &Keyring,
    device: &Device,
    id: &str,
    sha256: &str,
) -> Result<(String, Vec<u8>)> {
    let table = Entity::HelpRequests.table();
    let (office, json) = tx.record(table, id)?.ok_or_else(not_found)?;
    if office != device.office {
        return Err(not_found());
    }
    let f = keys.open_json(tx, &office, table, &json)?;
    let photos: Vec<Value> = serde_json::from_str(text_of(&f, "photos")).unwrap_or_default();
    let Some(p) = photos
        .iter()
        .find(|p| p.get("sha256").and_then(Value::as_str) == Some(sha256))
    else {
        return Err(not_found());
    };
    let media = p
        .get("media_type")
        .and_then(Value::as_str)
        .unwrap_or("application/octet-stream")
        .to_owned();
    let stored = tx.blob(PHOTO_OWNER, sha256)?.ok_or_else(not_found)?;
    Ok((media, keys.open_blob(tx, PHOTO_OWNER, sha256, stored)?))
}

/// Requests in the national queue (for HuSEC): id, received at, province code or none.
pub(super) fn op_national_queue<T: Tx>(
    tx: &mut T,
    keys: &Keyring,
) -> Result<Vec<(String, String, Option<String>)>> {
    let table = Entity::HelpRequests.table();
    let mut out = Vec::new();
    for json in tx.office_records(table, NATIONAL_QUEUE)? {
        let f = keys.open_json(tx, NATIONAL_QUEUE, table, &json)?;
        out.push((
            text_of(&f, "id").to_owned(),
            text_of(&f, "received_at").to_owned(),
            f.get("subdistrict_code")
                .and_then(Value::as_str)
                .map(|c| c.chars().take(2).collect()),
        ));
    }
    Ok(out)
}

pub(super) fn op_add_partner<T: Tx>(tx: &mut T, name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || help_request::has_markup(name) {
        return Err(refuse(
            400,
            "invalid",
            "ชื่อระบบพันธมิตรไม่ถูกต้อง",
            "Invalid partner name",
        ));
    }
    use base64::Engine;
    let key = format!(
        "rk_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(super::random_bytes::<32>())
    );
    let now = Utc::now().to_rfc3339();
    tx.add_partner(
        &uuid::Uuid::now_v7().to_string(),
        name,
        &sha256_hex(&key),
        &now,
    )?;
    Ok(key)
}

pub(super) fn op_partner_auth<T: Tx>(tx: &mut T, key: &str) -> Result<String> {
    tx.partner_by_key(&sha256_hex(key))?.ok_or_else(|| {
        refuse(
            401,
            "unauthorised",
            "คีย์ของระบบพันธมิตรไม่ถูกต้องหรือถูกเพิกถอนแล้ว",
            "Unknown or revoked partner key",
        )
    })
}

pub(super) fn op_set_route<T: Tx>(tx: &mut T, rule: &RouteRule) -> Result<()> {
    if let Err(p) = help_request::check_rule(rule) {
        return Err(refuse(400, "invalid", p.message_th(), p.message_en()));
    }
    if !tx.office_exists(rule.office.trim())? {
        return Err(refuse(404, "office", "ไม่พบสำนักงานนี้", "Unknown office"));
    }
    tx.set_route(&rule.area, rule.office.trim(), &Utc::now().to_rfc3339())
}

pub(super) fn op_routes<T: Tx>(tx: &mut T) -> Result<Vec<RouteRule>> {
    routing_table(tx)
}

pub(super) fn op_remove_route<T: Tx>(tx: &mut T, area: &str) -> Result<bool> {
    tx.remove_route(area)
}

pub(super) fn op_revoke_partner<T: Tx>(tx: &mut T, name: &str) -> Result<usize> {
    tx.revoke_partner(name, &Utc::now().to_rfc3339())
}

pub(super) fn op_partners<T: Tx>(tx: &mut T) -> Result<Vec<(String, String, bool)>> {
    tx.partners()
}
