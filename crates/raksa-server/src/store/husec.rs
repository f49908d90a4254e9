//! HuSEC (ศรส.) staff on the server (issue 16 §1–2): accounts with a role and a scope —
//! national, regional (a group of provinces) or provincial (one) — signed in like the 1300
//! console (Argon2id, a session cookie, CSRF); the national figures and the late list
//! limited to the offices in scope; and a person's identity behind a stated reason, written
//! to the server's audit and onto the case's own timeline so the office sees who looked
//! and why. Every access is audited.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDate, Utc};
use raksa_domain::timeline::CaseEventBody;
use raksa_protocol::{Entity, sha256_hex};
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::sealing::Keyring;
use super::tracking::LateQuery;
use super::{AuditEntry, Result, Tx, refuse};
use crate::tracking::{self as t, TrackRow};

pub const NATIONAL: &str = "husec_national";
pub const REGIONAL: &str = "husec_regional";
pub const PROVINCIAL: &str = "husec_provincial";

/// What an account may see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "provinces", rename_all = "snake_case")]
pub enum Scope {
    /// Every office and the national queue.
    National,
    /// The offices of these provinces (DOPA codes).
    Provinces(BTreeSet<String>),
}

/// A signed-in HuSEC account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HusecUser {
    pub username: String,
    pub full_name: String,
    pub role: String,
    pub scope: Scope,
    pub csrf: String,
}

impl HusecUser {
    pub fn role_th(&self) -> &'static str {
        match self.role.as_str() {
            NATIONAL => "ศรส. ส่วนกลาง",
            REGIONAL => "ศรส. กลุ่มจังหวัด",
            _ => "ศรส. จังหวัด",
        }
    }
}

fn bad(th: &str, en: &str) -> super::StoreError {
    refuse(400, "invalid", th, en)
}

/// Province codes from `65,64 66` (checked against the official list).
pub fn parse_provinces(list: &str) -> Result<BTreeSet<String>> {
    let places = raksa_domain::places::places();
    let mut out = BTreeSet::new();
    for p in list.split([',', ' ']).filter(|p| !p.is_empty()) {
        if p.len() != 2 || !p.bytes().all(|b| b.is_ascii_digit()) || places.get(p).is_none() {
            return Err(bad(
                &format!("ไม่พบรหัสจังหวัด {p} ในทะเบียนของกรมการปกครอง"),
                &format!("Unknown province code {p}"),
            ));
        }
        out.insert(p.to_owned());
    }
    Ok(out)
}

pub(super) fn op_add<T: Tx>(
    tx: &mut T,
    username: &str,
    full_name: &str,
    role: &str,
    provinces: &str,
    pw_hash: &str,
) -> Result<()> {
    let username = raksa_domain::validate::username(username)
        .map_err(|p| bad(p.message_th(), p.message_en()))?;
    let role = match role {
        "national" | NATIONAL => NATIONAL,
        "regional" | REGIONAL => REGIONAL,
        "provincial" | PROVINCIAL => PROVINCIAL,
        _ => {
            return Err(bad(
                "บทบาทต้องเป็น national, regional หรือ provincial",
                "Role must be national, regional or provincial",
            ));
        }
    };
    let set = parse_provinces(provinces)?;
    match (role, set.len()) {
        (NATIONAL, 0) | (REGIONAL, 1..) | (PROVINCIAL, 1) => {}
        (NATIONAL, _) => {
            return Err(bad(
                "ศรส. ส่วนกลางเห็นทุกจังหวัด ไม่ต้องระบุจังหวัด",
                "A national account has no provinces",
            ));
        }
        (PROVINCIAL, _) => {
            return Err(bad(
                "ศรส. จังหวัดต้องระบุจังหวัดเดียว",
                "A provincial account has exactly one province",
            ));
        }
        _ => {
            return Err(bad(
                "ศรส. กลุ่มจังหวัดต้องระบุจังหวัดในกลุ่มอย่างน้อยหนึ่งจังหวัด",
                "A regional account needs its provinces",
            ));
        }
    }
    let name = raksa_domain::validate::required(full_name, 100, false)
        .map_err(|p| bad(p.message_th(), p.message_en()))?;
    tx.add_hotline_user(&username, &name, role, pw_hash, &Utc::now().to_rfc3339())?;
    let list: Vec<&str> = set.iter().map(String::as_str).collect();
    tx.set_account_provinces(&username, &list.join(","))
}

pub(super) fn op_session<T: Tx>(tx: &mut T, token: &str) -> Result<Option<HusecUser>> {
    let Some((username, csrf)) =
        tx.console_session(&sha256_hex(token), &Utc::now().to_rfc3339())?
    else {
        return Ok(None);
    };
    let Some((full_name, role, _)) = tx.hotline_user(&username)? else {
        return Ok(None);
    };
    let scope = match role.as_str() {
        NATIONAL => Scope::National,
        REGIONAL | PROVINCIAL => {
            let list = tx.account_provinces(&username)?.unwrap_or_default();
            Scope::Provinces(parse_provinces(&list).unwrap_or_default())
        }
        // a hotline account's session does not open HuSEC's pages
        _ => return Ok(None),
    };
    Ok(Some(HusecUser {
        username,
        full_name,
        role,
        scope,
        csrf,
    }))
}

/// Is `username` a HuSEC account (for the sign-in page)?
pub(super) fn op_is_husec<T: Tx>(tx: &mut T, username: &str) -> Result<bool> {
    Ok(tx
        .hotline_user(&username.trim().to_lowercase())?
        .is_some_and(|(_, role, _)| role.starts_with("husec_")))
}

/// Each office's province: the one it was registered with, else the province of the
/// first routing rule that points at it.
pub(super) fn op_province_map<T: Tx>(tx: &mut T) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for (area, office) in tx.routes()? {
        out.entry(office).or_insert_with(|| area[..2].to_owned());
    }
    for (office, p) in tx.office_provinces()? {
        if let Some(p) = p.filter(|p| !p.is_empty()) {
            out.insert(office, p);
        }
    }
    Ok(out)
}

/// The offices a scope shows (with the national queue for national staff), optionally
/// narrowed to one province.
pub(super) fn op_scope_offices<T: Tx>(
    tx: &mut T,
    scope: &Scope,
    province: Option<&str>,
) -> Result<Vec<(String, String)>> {
    let provinces = op_province_map(tx)?;
    let mut offices = tx.offices()?;
    if *scope == Scope::National && province.is_none() {
        offices.push((
            super::requests::NATIONAL_QUEUE.to_owned(),
            "คิวส่วนกลาง (ยังไม่มีสำนักงานรับผิดชอบ)".to_owned(),
        ));
    }
    offices.retain(|(code, _)| {
        let p = provinces.get(code).map(String::as_str);
        let in_scope = match scope {
            Scope::National => true,
            Scope::Provinces(set) => p.is_some_and(|p| set.contains(p)),
        };
        in_scope && province.is_none_or(|want| p == Some(want))
    });
    Ok(offices)
}

pub(super) fn audit<T: Tx>(
    tx: &mut T,
    user: &str,
    action: &str,
    office: &str,
    target: &str,
    reason: &str,
) -> Result<()> {
    tx.add_server_audit(&AuditEntry {
        id: uuid::Uuid::now_v7().to_string(),
        at: Utc::now().to_rfc3339(),
        username: user.to_owned(),
        action: action.to_owned(),
        office: office.to_owned(),
        target: target.to_owned(),
        reason: reason.to_owned(),
    })
}

pub(super) fn op_national<T: Tx>(
    tx: &mut T,
    keys: &Keyring,
    user: &HusecUser,
    province: Option<&str>,
    today: NaiveDate,
) -> Result<crate::national::National> {
    let offices = op_scope_offices(tx, &user.scope, province)?;
    let provinces = op_province_map(tx)?;
    let counters = super::tracking::op_counters(tx, keys, today)?;
    audit(
        tx,
        &user.username,
        "view_figures",
        "",
        province.unwrap_or(""),
        "",
    )?;
    Ok(crate::national::from_counters(
        &offices, &provinces, &counters, today,
    ))
}

/// One page of the late list within the account's scope (`q.offices` is set here).
pub(super) fn op_late<T: Tx>(
    tx: &mut T,
    keys: &Keyring,
    user: &HusecUser,
    province: Option<&str>,
    mut q: LateQuery,
    action: &str,
) -> Result<(Vec<TrackRow>, u64)> {
    super::tracking::ensure_built(tx, keys)?;
    q.offices = match (&user.scope, province) {
        (Scope::National, None) => None,
        (scope, p) => Some(
            op_scope_offices(tx, scope, p)?
                .into_iter()
                .map(|(c, _)| c)
                .collect(),
        ),
    };
    let filter = format!(
        "province={} kind={} channel={} milestone={} min_days={} assigned={}",
        province.unwrap_or(""),
        q.kind,
        q.channel,
        q.milestone,
        q.min_days_late,
        q.assigned
    );
    audit(tx, &user.username, action, "", &filter, "")?;
    super::tracking::op_late(tx, &q)
}

/// A tracked item, if the account's scope covers its office.
pub(super) fn op_item<T: Tx>(
    tx: &mut T,
    user: &HusecUser,
    kind: &str,
    id: &str,
) -> Result<TrackRow> {
    let not_found = || {
        refuse(
            404,
            "not_found",
            "ไม่พบรายการนี้ในขอบเขตที่ท่านดูได้",
            "No such item in your scope",
        )
    };
    let row = tx.track(kind, id)?.ok_or_else(not_found)?;
    let allowed: BTreeSet<String> = op_scope_offices(tx, &user.scope, None)?
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    if !allowed.contains(&row.office) {
        return Err(not_found());
    }
    Ok(row)
}

/// Who a tracked item is about, as disclosed to HuSEC after a stated reason.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Identity {
    pub name: String,
    pub citizen_id: String,
    pub birth_date: String,
    pub phone: String,
    pub address: String,
    /// For a request: who reported it, as they gave it.
    pub reporter: String,
}

/// The shortest reason accepted for opening an identity.
pub const MIN_REASON_CHARS: usize = 10;

fn text(f: &Map<String, Value>, k: &str) -> String {
    match f.get(k) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// Opens the identity behind a tracked item: the reason is checked, the access audited on
/// the server and, for a case, written onto the case's timeline in the office's stream.
pub(super) fn op_identity<T: Tx>(
    tx: &mut T,
    keys: &Keyring,
    user: &HusecUser,
    kind: &str,
    id: &str,
    reason: &str,
) -> Result<(TrackRow, Identity)> {
    let reason = reason.trim();
    if reason.chars().count() < MIN_REASON_CHARS || reason.chars().count() > 500 {
        return Err(bad(
            "กรุณาระบุเหตุผลที่ต้องเปิดดูข้อมูลบุคคล (อย่างน้อย 10 ตัวอักษร) — สำนักงานจะเห็นเหตุผลนี้",
            "State why you need the identity (10 characters or more); the office will see it",
        ));
    }
    if raksa_domain::help_request::has_markup(reason) {
        return Err(bad(
            "เหตุผลมีเครื่องหมายที่ไม่อนุญาต (< >)",
            "The reason contains markup",
        ));
    }
    let row = op_item(tx, user, kind, id)?;
    if row.facts.sensitive && user.role != NATIONAL {
        return Err(refuse(
            403,
            "need_to_know",
            "เรื่องนี้เป็นข้อมูลอ่อนไหว (เช่น ความรุนแรง การค้ามนุษย์) เปิดดูตัวบุคคลได้เฉพาะ ศรส. ส่วนกลาง",
            "A sensitive item: only national HuSEC staff may open the identity",
        ));
    }
    let open =
        |tx: &mut T, entity: &str, id: &str| -> Result<Option<(String, Map<String, Value>)>> {
            match tx.record(entity, id)? {
                Some((office, json)) => {
                    let f = keys.open_json(tx, &office, entity, &json)?;
                    Ok(Some((office, f)))
                }
                None => Ok(None),
            }
        };
    let mut who = Identity::default();
    let case_id = match kind {
        t::CASE => Some(row.id.clone()),
        t::REFERRAL => row.parent.clone(),
        _ => None,
    };
    if let Some(case_id) = &case_id {
        if let Some((_, case)) = open(tx, "cases", case_id)?
            && let Some((_, p)) = open(tx, "people", &text(&case, "person_id"))?
        {
            who.name = raksa_domain::model::full_name(
                &text(&p, "title"),
                &text(&p, "first_name"),
                &text(&p, "last_name"),
            );
            who.citizen_id = text(&p, "id_number");
            who.birth_date = text(&p, "birth_date");
            who.phone = text(&p, "phone");
            who.address = [
                text(&p, "address_text"),
                place_name(&text(&p, "subdistrict_code")),
            ]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        }
    } else if let Some((_, q)) = open(tx, Entity::HelpRequests.table(), &row.id)? {
        who.name = text(&q, "person_name");
        who.citizen_id = text(&q, "person_citizen_id");
        who.address = [
            text(&q, "address_text"),
            place_name(&text(&q, "subdistrict_code")),
        ]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
        if let Ok(r) = serde_json::from_str::<Value>(&text(&q, "reporter")) {
            let part = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
            who.reporter = [part("name"), part("phone")]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" · ");
        }
    }
    audit(
        tx,
        &user.username,
        "view_identity",
        &row.office,
        &format!("{kind}:{}", row.id),
        reason,
    )?;
    if let Some(case_id) = case_id {
        note_on_case(tx, keys, user, &row.office, &case_id, reason)?;
    }
    Ok((row, who))
}

fn place_name(code: &str) -> String {
    let places = raksa_domain::places::places();
    [code.get(..6), code.get(..4), code.get(..2)]
        .into_iter()
        .flatten()
        .filter(|c| c.len() == 6 || code.len() >= c.len())
        .filter_map(|c| places.get(c))
        .map(|p| p.name_th.clone())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The case's timeline gets an entry: HuSEC opened the identity, who and why.
fn note_on_case<T: Tx>(
    tx: &mut T,
    keys: &Keyring,
    user: &HusecUser,
    office: &str,
    case_id: &str,
    reason: &str,
) -> Result<()> {
    let Some((case_office, json)) = tx.record("cases", case_id)? else {
        return Ok(());
    };
    // the entry stands in the name of the case's own worker account (the PC's timeline
    // names a local user); who actually looked is in its text
    let case = keys.open_json(tx, &case_office, "cases", &json)?;
    let user_id = text(&case, "created_by");
    tx.lock_writes()?;
    let now = Utc::now().to_rfc3339();
    let body = CaseEventBody::CentralAccess {
        by: format!("{} ({}, {})", user.full_name, user.username, user.role_th()),
        reason: reason.to_owned(),
    };
    let id = uuid::Uuid::now_v7().to_string();
    let event = json!({
        "id": id, "case_id": case_id, "at": now, "user_id": user_id,
        "kind": "central_access",
        "body": serde_json::to_string(&body).expect("serialisable"), "corrects": Value::Null,
    });
    let fields = event.as_object().expect("object");
    let sealed = keys.seal_fields(tx, office, "case_events", fields)?;
    let pos = tx.next_position()?;
    super::tracking::put(
        tx,
        keys,
        "case_events",
        &id,
        &id,
        office,
        fields,
        &sealed,
        pos,
        &now,
    )
}

pub(super) fn op_audit_of<T: Tx>(
    tx: &mut T,
    office: Option<&str>,
    limit: u32,
) -> Result<Vec<AuditEntry>> {
    tx.server_audit(office, limit)
}
