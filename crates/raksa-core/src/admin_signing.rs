//! Administrator-signed writes on the PC (issue 14 §1): accounts and deadline rules are
//! written already signed, in the same unit of work, so the row the outbox trigger queues
//! carries its signature; pulled ones are stored only when signed by a key the office
//! trusts. The rule itself (what is signed, which keys count) is `raksa_protocol::signed`.

use std::collections::BTreeSet;

use raksa_protocol::Entity;
use raksa_protocol::signed::{self, AdminSigner};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::crypto::DbKey;
use crate::error::{CoreError, Result};

/// A new administrator signing key: the seed (to seal into a slot) and the signer.
pub(crate) fn new_signer() -> (DbKey, AdminSigner) {
    let seed = DbKey::generate();
    let signer = AdminSigner::from_seed(seed.bytes());
    (seed, signer)
}

/// A record as the outbox trigger would send it (`json_object` over the entity's fields).
pub(crate) fn record_fields(
    conn: &Connection,
    entity: Entity,
    key: &[(&str, &str)],
) -> Result<Option<Map<String, Value>>> {
    let pairs: Vec<String> = entity
        .fields()
        .iter()
        .map(|f| format!("'{f}', {f}"))
        .collect();
    let cond: Vec<String> = key
        .iter()
        .enumerate()
        .map(|(i, (c, _))| format!("{c} = ?{}", i + 1))
        .collect();
    let sql = format!(
        "SELECT json_object({}) FROM {} WHERE {}",
        pairs.join(", "),
        entity.table(),
        cond.join(" AND ")
    );
    let json: Option<String> = conn
        .query_row(
            &sql,
            rusqlite::params_from_iter(key.iter().map(|(_, v)| *v)),
            |r| r.get(0),
        )
        .optional()?;
    json.map(|j| match serde_json::from_str(&j) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(CoreError::Corrupt(format!("{} row", entity.table()))),
    })
    .transpose()
}

/// Signs `fields` and writes them (insert or update; the triggers queue the signed row).
pub(crate) fn write_signed(
    tx: &rusqlite::Transaction,
    signer: &AdminSigner,
    entity: Entity,
    record_id: &str,
    mut fields: Map<String, Value>,
) -> Result<()> {
    fields.remove("signature");
    let sig = signer.sign(entity, record_id, &fields);
    fields.insert("signature".into(), Value::String(sig));
    crate::sync::store_local(tx, entity, &fields)
}

/// A signing time later than the record's previous one (the server refuses an older
/// signed state as a replay).
pub(crate) fn signed_at(now: &str, previous: Option<&str>) -> String {
    let now = chrono::DateTime::parse_from_rfc3339(now)
        .map(|d| d.with_timezone(&chrono::Utc))
        .unwrap_or_else(|_| chrono::Utc::now());
    let mut at = now;
    if let Some(prev) = previous.and_then(|p| chrono::DateTime::parse_from_rfc3339(p).ok()) {
        let prev = prev.with_timezone(&chrono::Utc);
        if at <= prev {
            at = prev + chrono::Duration::microseconds(1);
        }
    }
    at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// Changes an account under an administrator's signature.
pub(crate) fn sign_user(
    tx: &rusqlite::Transaction,
    signer: &AdminSigner,
    user_id: &str,
    now: &str,
    change: impl FnOnce(&mut Map<String, Value>),
) -> Result<()> {
    let mut fields =
        record_fields(tx, Entity::Users, &[("id", user_id)])?.ok_or(CoreError::NotFound)?;
    let previous = fields
        .get("signed_at")
        .and_then(Value::as_str)
        .map(str::to_owned);
    change(&mut fields);
    fields.insert(
        "signed_at".into(),
        Value::String(signed_at(now, previous.as_deref())),
    );
    write_signed(tx, signer, Entity::Users, user_id, fields)
}

/// An account's `signing_keys` with one more key.
pub(crate) fn with_key(fields: &mut Map<String, Value>, key: &str) {
    let mut keys = signed::listed_keys(fields);
    if !keys.iter().any(|k| k == key) {
        keys.push(key.to_owned());
    }
    fields.insert(
        "signing_keys".into(),
        Value::String(serde_json::to_string(&keys).expect("serialisable")),
    );
}

/// Remembers keys the office trusts (from the server's pull pages, and this PC's own).
pub(crate) fn remember_keys<'a>(
    conn: &Connection,
    keys: impl IntoIterator<Item = &'a String>,
    now: &str,
) -> Result<()> {
    for k in keys {
        conn.execute(
            "INSERT OR IGNORE INTO admin_keys (key, added_at) VALUES (?1, ?2)",
            params![k, now],
        )?;
    }
    Ok(())
}

/// Keys a pulled account or rule may be signed by: every key the server said the office
/// trusted, and every key an account here lists.
pub(crate) fn known_keys(conn: &Connection) -> Result<BTreeSet<String>> {
    let mut keys: BTreeSet<String> = conn
        .prepare("SELECT key FROM admin_keys")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare("SELECT signing_keys FROM users WHERE signing_keys IS NOT NULL")?;
    for listed in stmt.query_map([], |r| r.get::<_, String>(0))? {
        if let Ok(v) = serde_json::from_str::<Vec<String>>(&listed?) {
            keys.extend(v);
        }
    }
    Ok(keys)
}

/// The record id a deadline rule travels under (as the outbox trigger names it).
pub(crate) fn rule_record_id(milestone: &str, urgency: &str, effective_from: &str) -> String {
    format!("{milestone}/{urgency}/{effective_from}")
}

/// An account's fields for a new record, as the trigger would send them.
#[allow(clippy::too_many_arguments)]
pub(crate) fn new_user_fields(
    id: Uuid,
    username: &str,
    full_name: &str,
    position: &str,
    role: &str,
    created_at: &str,
    created_by: Option<Uuid>,
    signing_key: Option<&str>,
) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("id".into(), Value::String(id.to_string()));
    m.insert("username".into(), Value::String(username.into()));
    m.insert("full_name".into(), Value::String(full_name.into()));
    m.insert("position".into(), Value::String(position.into()));
    m.insert("role".into(), Value::String(role.into()));
    m.insert("active".into(), Value::from(1));
    m.insert("created_at".into(), Value::String(created_at.into()));
    m.insert(
        "created_by".into(),
        created_by.map_or(Value::Null, |u| Value::String(u.to_string())),
    );
    m.insert(
        "password_changed_at".into(),
        Value::String(created_at.into()),
    );
    m.insert(
        "signing_keys".into(),
        signing_key.map_or(Value::Null, |k| {
            Value::String(serde_json::to_string(&[k]).expect("serialisable"))
        }),
    );
    m.insert(
        "signed_at".into(),
        Value::String(signed_at(created_at, None)),
    );
    m
}
