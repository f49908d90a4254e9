//! This PC's side of sync, without any networking: the outbox (filled by triggers in the
//! same transaction as every change — migration 8), turning it into protocol mutations,
//! settling a push response, applying a down-sync page, and the honest status the UI
//! shows. The network client (`raksa-sync`) moves these between the PC and the server.

use chrono::Utc;
use raksa_protocol::{Entity, Mutation, Outcome, PullResponse, PushResponse};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use crate::audit::AuditAction;
use crate::error::{CoreError, FieldProblem, Result};
use crate::model::Role;
use crate::session::Session;

/// Where this PC syncs to, stored inside the encrypted database.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SyncConfig {
    pub server_url: String,
    pub device_id: String,
    pub token: String,
    pub office: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SyncIssue {
    #[ts(type = "number")]
    pub id: i64,
    pub kind: String,
    pub entity: String,
    pub record_id: String,
    pub detail: String,
    pub at: String,
    /// For a conflict: each field both sides changed, with this PC's value and the value
    /// the record holds now (the server's, once pulled).
    pub fields: Vec<ConflictField>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ConflictField {
    pub field: String,
    pub mine: String,
    pub current: String,
}

/// What the status bar and the sync screen show.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SyncStatus {
    /// Enrolled with a server.
    pub configured: bool,
    pub server_url: Option<String>,
    /// Changes saved here and not yet acknowledged by the server.
    pub pending: u32,
    /// When the oldest of them was saved.
    pub oldest_pending_at: Option<String>,
    pub last_push_at: Option<String>,
    pub last_pull_at: Option<String>,
    /// The last failure, in Thai, until the next success.
    pub last_error: Option<String>,
    pub conflicts: u32,
    pub rejected: u32,
    pub issues: Vec<SyncIssue>,
}

/// What one sync cycle did.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SyncReport {
    #[ts(type = "number")]
    pub pushed: u64,
    pub conflicts: u32,
    pub rejected: u32,
    pub pulled: u32,
}

/// A JSON field value as the SQLite value of its column (JSON kept as text).
fn sql_value(v: &Value) -> rusqlite::types::Value {
    use rusqlite::types::Value as Sql;
    match v {
        Value::Null => Sql::Null,
        Value::Bool(b) => Sql::Integer(i64::from(*b)),
        Value::Number(n) => n
            .as_i64()
            .map(Sql::Integer)
            .or_else(|| n.as_f64().map(Sql::Real))
            .unwrap_or(Sql::Null),
        Value::String(s) => Sql::Text(s.clone()),
        other => Sql::Text(other.to_string()),
    }
}

enum Stored {
    Yes,
    Skipped,
    MissingParent,
    Failed(String),
}

/// Writes one record of this PC's own (an administrator-signed account or rule): the
/// triggers queue it like any other change.
pub(crate) fn store_local(
    tx: &rusqlite::Transaction,
    entity: Entity,
    fields: &Map<String, Value>,
) -> Result<()> {
    match store_record(tx, entity, fields)? {
        Stored::Yes => Ok(()),
        Stored::Skipped => Err(CoreError::Corrupt(format!(
            "{}: nothing to write",
            entity.table()
        ))),
        Stored::MissingParent => Err(CoreError::NotFound),
        Stored::Failed(e) => Err(CoreError::Corrupt(e)),
    }
}

/// Upserts one down-synced record inside a savepoint.
fn store_record(
    tx: &rusqlite::Transaction,
    entity: Entity,
    fields: &Map<String, Value>,
) -> Result<Stored> {
    let allowed = entity.fields();
    let cols: Vec<&str> = fields
        .keys()
        .map(String::as_str)
        .filter(|k| allowed.contains(k))
        .collect();
    if cols.is_empty() {
        return Ok(Stored::Skipped);
    }
    let placeholders: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
    let conflict_target = entity.key_columns().join(", ");
    let sql = if entity.append_only() {
        format!(
            "INSERT OR IGNORE INTO {} ({}) VALUES ({})",
            entity.table(),
            cols.join(", "),
            placeholders.join(", ")
        )
    } else {
        format!(
            "INSERT INTO {t} ({c}) VALUES ({p}) ON CONFLICT ({k}) DO UPDATE SET {s}",
            t = entity.table(),
            c = cols.join(", "),
            p = placeholders.join(", "),
            k = conflict_target,
            s = cols
                .iter()
                .map(|c| format!("{c} = excluded.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let values: Vec<rusqlite::types::Value> = cols.iter().map(|c| sql_value(&fields[*c])).collect();
    // Statements come from the connection's cache: a page of the same entity's records
    // (a PC joining an office takes in hundreds of thousands) compiles each once.
    tx.prepare_cached("SAVEPOINT rec")?.execute([])?;
    match tx
        .prepare_cached(&sql)
        .and_then(|mut st| st.execute(rusqlite::params_from_iter(values)))
    {
        Ok(_) => {
            tx.prepare_cached("RELEASE rec")?.execute([])?;
            Ok(Stored::Yes)
        }
        Err(e) => {
            tx.prepare_cached("ROLLBACK TO rec")?.execute([])?;
            tx.prepare_cached("RELEASE rec")?.execute([])?;
            let msg = e.to_string();
            if msg.contains("FOREIGN KEY") {
                Ok(Stored::MissingParent)
            } else {
                Ok(Stored::Failed(msg))
            }
        }
    }
}

fn obj(s: &str) -> Result<Map<String, Value>> {
    match serde_json::from_str(s).map_err(|e| CoreError::Corrupt(e.to_string()))? {
        Value::Object(m) => Ok(m),
        _ => Err(CoreError::Corrupt("outbox row".into())),
    }
}

impl Session {
    pub fn sync_config(&self) -> Result<Option<SyncConfig>> {
        let v: Option<String> = self
            .conn()
            .query_row(
                "SELECT value FROM settings WHERE key = 'sync_config'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        v.map(|s| serde_json::from_str(&s).map_err(|e| CoreError::Corrupt(e.to_string())))
            .transpose()
    }

    /// Stores the server and this PC's credential after enrolment (administrators).
    pub fn set_sync_config(&mut self, c: &SyncConfig) -> Result<()> {
        self.require(&[Role::Admin])?;
        crate::validate::server_url(&c.server_url)
            .map_err(|p| CoreError::field("server_url", p))?;
        if c.office != self.office().letter_code {
            return Err(CoreError::field("code", FieldProblem::OfficeMismatch));
        }
        let mut w = self.begin()?;
        w.execute(
            "INSERT INTO settings (key, value) VALUES ('sync_config', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [serde_json::to_string(c).expect("serialisable")],
        )?;
        w.audit(AuditAction::Update, "settings", None, "sync enrolment")?;
        w.commit()?;
        // An account already sent was signed before the server knew this PC's key (an
        // office from before signed accounts): it goes again, signed, unless still queued.
        let queued: bool = self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM outbox WHERE entity = 'users' AND record_id = ?1)",
            [self.user().id.to_string()],
            |r| r.get(0),
        )?;
        if !queued {
            self.restate_own_account()?;
        }
        Ok(())
    }

    /// Takes the number blocks the server granted at enrolment. Returns the series that could
    /// not be taken (numbers this PC already issued this year overlap): the administrator
    /// then sets a block by hand.
    pub fn apply_block_grants(
        &mut self,
        grants: &[raksa_protocol::NumberBlockGrant],
    ) -> Result<Vec<String>> {
        let mut refused = Vec::new();
        for g in grants {
            let series = match g.series.as_str() {
                "case" => crate::numbering::Series::Case,
                "letter" => crate::numbering::Series::Letter,
                _ => continue,
            };
            let r = self.set_number_block(&crate::numbering::NumberBlock {
                series,
                first_no: g.first_no,
                last_no: g.last_no,
                used_this_year: 0,
            });
            if r.is_err() {
                refused.push(g.series.clone());
            }
        }
        Ok(refused)
    }

    /// The oldest queued changes, as mutations, in sequence order.
    pub fn outbox_batch(&self, limit: usize) -> Result<Vec<Mutation>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT seq, entity, record_id, fields, base FROM outbox ORDER BY seq LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, entity, record_id, fields, base) = row?;
            let entity = Entity::parse(&entity).ok_or_else(|| CoreError::Corrupt(entity))?;
            out.push(Mutation::new(
                seq as u64,
                entity,
                record_id,
                obj(&fields)?,
                base.as_deref().map(obj).transpose()?,
            ));
        }
        Ok(out)
    }

    /// Settles a push: drops every acknowledged change and keeps a note of conflicts and
    /// rejections, in one transaction.
    pub fn apply_push_response(&mut self, sent: &[Mutation], resp: &PushResponse) -> Result<()> {
        let now = Utc::now().to_rfc3339();
        let tx = self.conn_mut().transaction()?;
        for r in &resp.results {
            let (kind, detail) = match &r.outcome {
                Outcome::Applied | Outcome::Duplicate => continue,
                Outcome::Conflict { fields } => {
                    // Keep this PC's values: the server kept its own, a supervisor decides.
                    let mine: Map<String, Value> = sent
                        .iter()
                        .find(|m| m.seq == r.seq)
                        .map(|m| {
                            fields
                                .iter()
                                .filter_map(|f| m.fields.get(f).map(|v| (f.clone(), v.clone())))
                                .collect()
                        })
                        .unwrap_or_default();
                    ("conflict", Value::Object(mine).to_string())
                }
                Outcome::Rejected { reason } => ("rejected", reason.clone()),
            };
            if let Some(m) = sent.iter().find(|m| m.seq == r.seq) {
                tx.execute(
                    "INSERT INTO sync_issues (seq, entity, record_id, kind, detail, at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![
                        r.seq as i64,
                        m.entity.table(),
                        m.record_id,
                        kind,
                        detail,
                        now
                    ],
                )?;
            }
        }
        tx.execute(
            "DELETE FROM outbox WHERE seq <= ?1",
            [resp.acknowledged_through as i64],
        )?;
        tx.execute(
            "UPDATE sync_state SET last_push_at = ?1, last_error = NULL",
            [&now],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Every change waiting to go up, audit entries included (what the next pushes send;
    /// `sync_status().pending` counts only the work a person sees waiting).
    pub fn queued_changes(&self) -> Result<u64> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM outbox", [], |r| r.get::<_, i64>(0))?
            as u64)
    }

    pub fn pull_cursor(&self) -> Result<u64> {
        Ok(self
            .conn()
            .query_row("SELECT pull_cursor FROM sync_state", [], |r| {
                r.get::<_, i64>(0)
            })? as u64)
    }

    /// Applies one down-sync page and moves the cursor, in one transaction. A record with
    /// changes still waiting here is left as it is: those changes go up next and the server
    /// merges them. A record whose parent has not arrived yet waits in `sync_parked` and is
    /// applied when the parent comes. A record that cannot be stored for another reason is
    /// noted and skipped, never blocking the rest.
    pub fn apply_pull(&mut self, page: &PullResponse) -> Result<u32> {
        let now = Utc::now().to_rfc3339();
        let own_office = self.office().letter_code.clone();
        // a copy of the administrator's key, for the account merge below (issue 14 §1)
        let signer = self
            .signer()
            .ok()
            .map(|s| raksa_protocol::signed::AdminSigner::from_seed(&s.seed()));
        let tx = self.conn_mut().transaction()?;
        tx.execute("UPDATE sync_state SET applying = 1", [])?;
        crate::admin_signing::remember_keys(&tx, &page.admin_keys, &now)?;
        let trusted = crate::admin_signing::known_keys(&tx)?;
        let mut applied = 0;
        // Whether anything waits for its parent (rare): only then is each stored record
        // looked up there.
        let mut parked_any: bool =
            tx.query_row("SELECT EXISTS (SELECT 1 FROM sync_parked)", [], |r| {
                r.get(0)
            })?;
        for rec in &page.records {
            // Each PC's audit trail is its own chain: another PC's entries are the server's
            // to keep (it does not send them; refused here too).
            if !rec.entity.replicated() {
                continue;
            }
            let waiting: bool = tx
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM outbox WHERE entity = ?1 AND record_id = ?2)",
                )?
                .query_row(params![rec.entity.table(), rec.record_id], |r| r.get(0))?;
            if waiting {
                continue;
            }
            if rec.office != own_office {
                // Another office's record reaches this one only when addressed to it.
                if rec.entity == Entity::Referrals {
                    let status = rec
                        .fields
                        .get("status")
                        .and_then(Value::as_str)
                        .unwrap_or("");
                    tx.execute(
                        "INSERT INTO incoming_referrals (id, from_office, fields, status,
                             received_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)
                         ON CONFLICT (id) DO UPDATE SET fields = excluded.fields,
                             updated_at = excluded.updated_at,
                             status = CASE WHEN excluded.status = 'withdrawn' THEN 'withdrawn'
                                 ELSE incoming_referrals.status END",
                        params![
                            rec.record_id,
                            rec.office,
                            serde_json::to_string(&rec.fields).expect("serialisable"),
                            if status == "sent" { "new" } else { status },
                            now
                        ],
                    )?;
                    applied += 1;
                } else if rec.entity == Entity::ReferralReplies {
                    store_record(&tx, rec.entity, &rec.fields)?;
                    applied += 1;
                }
                continue;
            }
            // Accounts and rules only under a trusted administrator's signature: a server
            // (or its database) cannot hand this PC an account it made up.
            if raksa_protocol::signed::signs(rec.entity)
                && let Err(p) = raksa_protocol::signed::verify(
                    rec.entity,
                    &rec.record_id,
                    &rec.fields,
                    &trusted,
                )
            {
                tracing::warn!(entity = rec.entity.table(), problem = %p, "pulled record refused");
                tx.execute(
                    "INSERT INTO sync_issues (seq, entity, record_id, kind, detail, at)
                     VALUES (0, ?1, ?2, 'not_applied', ?3, ?4)",
                    params![rec.entity.table(), rec.record_id, p.message_th(), now],
                )?;
                continue;
            }
            if rec.entity == Entity::Attachments
                && rec.fields.get("removed_at").is_some_and(|v| !v.is_null())
            {
                // removed on another PC: the bytes are erased here too
                tx.execute(
                    "UPDATE attachments SET data = NULL WHERE id = ?1",
                    [&rec.record_id],
                )?;
            }
            let stored = if rec.entity == Entity::Users {
                settle_username_clash(&tx, &rec.fields, &now, signer.as_ref())?
            } else {
                store_record(&tx, rec.entity, &rec.fields)?
            };
            match stored {
                Stored::Yes => {
                    applied += 1;
                    // an older version waiting for its parent must not come back over it
                    if parked_any {
                        tx.prepare_cached(
                            "DELETE FROM sync_parked WHERE entity = ?1 AND record_id = ?2",
                        )?
                        .execute(params![rec.entity.table(), rec.record_id])?;
                    }
                }
                Stored::Skipped => {}
                Stored::MissingParent => {
                    parked_any = true;
                    tx.execute(
                        "INSERT INTO sync_parked (entity, record_id, fields, parked_at)
                         VALUES (?1, ?2, ?3, ?4)
                         ON CONFLICT (entity, record_id) DO UPDATE SET fields = excluded.fields",
                        params![
                            rec.entity.table(),
                            rec.record_id,
                            serde_json::to_string(&rec.fields).expect("serialisable"),
                            now
                        ],
                    )?;
                }
                Stored::Failed(e) => {
                    tracing::warn!(entity = rec.entity.table(), error = %e, "down-synced record not applied");
                    tx.execute(
                        "INSERT INTO sync_issues (seq, entity, record_id, kind, detail, at)
                         VALUES (0, ?1, ?2, 'not_applied', ?3, ?4)",
                        params![rec.entity.table(), rec.record_id, e, now],
                    )?;
                }
            }
        }
        // Parked records whose parents may have arrived: retry until nothing moves.
        if parked_any {
            loop {
                let parked: Vec<(String, String, String)> = tx
                    .prepare(
                        "SELECT entity, record_id, fields FROM sync_parked ORDER BY parked_at",
                    )?
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                    .collect::<rusqlite::Result<_>>()?;
                let mut progress = false;
                for (entity, id, fields) in parked {
                    let Some(e) = Entity::parse(&entity) else {
                        continue;
                    };
                    let fields = obj(&fields)?;
                    let stored = if e == Entity::Users {
                        settle_username_clash(&tx, &fields, &now, signer.as_ref())?
                    } else {
                        store_record(&tx, e, &fields)?
                    };
                    match stored {
                        Stored::MissingParent => continue,
                        Stored::Yes => applied += 1,
                        Stored::Skipped => {}
                        Stored::Failed(err) => {
                            tx.execute(
                                "INSERT INTO sync_issues (seq, entity, record_id, kind, detail, at)
                                 VALUES (0, ?1, ?2, 'not_applied', ?3, ?4)",
                                params![entity, id, err, now],
                            )?;
                        }
                    }
                    tx.execute(
                        "DELETE FROM sync_parked WHERE entity = ?1 AND record_id = ?2",
                        params![entity, id],
                    )?;
                    progress = true;
                }
                if !progress {
                    break;
                }
            }
        }
        tx.execute(
            "UPDATE sync_state SET applying = 0, pull_cursor = ?1, last_pull_at = ?2,
                 last_error = NULL",
            params![page.next_cursor as i64, now],
        )?;
        tx.commit()?;
        Ok(applied)
    }

    /// Remembers why the last attempt failed (shown until the next success).
    pub fn record_sync_error(&mut self, message_th: &str) -> Result<()> {
        self.conn().execute(
            "UPDATE sync_state SET last_error = ?1",
            [message_th.chars().take(500).collect::<String>()],
        )?;
        Ok(())
    }

    pub fn sync_status(&self) -> Result<SyncStatus> {
        let cfg = self.sync_config()?;
        let (pending, oldest): (u32, Option<String>) = self
            .conn()
            // Audit entries travel with the next cycle; "waiting" counts the work.
            .query_row(
                "SELECT count(*), min(queued_at) FROM outbox WHERE entity <> 'audit_log'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
        let (push, pull, err): (Option<String>, Option<String>, Option<String>) =
            self.conn().query_row(
                "SELECT last_push_at, last_pull_at, last_error FROM sync_state",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
        let issues: Vec<SyncIssue> = self
            .conn()
            .prepare(
                "SELECT id, kind, entity, record_id, detail, at FROM sync_issues
                 WHERE resolved_at IS NULL ORDER BY id DESC LIMIT 200",
            )?
            .query_map([], |r| {
                Ok(SyncIssue {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    entity: r.get(2)?,
                    record_id: r.get(3)?,
                    detail: r.get(4)?,
                    at: r.get(5)?,
                    fields: Vec::new(),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let issues = issues
            .into_iter()
            .map(|mut i| {
                if i.kind == "conflict" {
                    i.fields = self.conflict_fields(&i).unwrap_or_default();
                }
                i
            })
            .collect::<Vec<_>>();
        Ok(SyncStatus {
            configured: cfg.is_some(),
            server_url: cfg.map(|c| c.server_url),
            pending,
            oldest_pending_at: oldest,
            last_push_at: push,
            last_pull_at: pull,
            last_error: err,
            conflicts: issues.iter().filter(|i| i.kind == "conflict").count() as u32,
            rejected: issues.iter().filter(|i| i.kind == "rejected").count() as u32,
            issues,
        })
    }

    /// Attachments whose record the server acknowledged but whose bytes it does not have
    /// yet: (sha256, bytes). Sent after the push, so the server knows what to expect.
    pub fn blobs_to_upload(&self, limit: u32) -> Result<Vec<(String, Vec<u8>)>> {
        let mut stmt = self.conn().prepare(
            "SELECT sha256, data FROM attachments a
             WHERE blob_sent = 0 AND data IS NOT NULL AND removed_at IS NULL
               AND NOT EXISTS (SELECT 1 FROM outbox o
                               WHERE o.entity = 'attachments' AND o.record_id = a.id)
             GROUP BY sha256 LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The server has (or, `refused`, will never take) these bytes.
    pub fn blob_uploaded(&mut self, sha256: &str, refused: bool) -> Result<()> {
        self.conn().execute(
            "UPDATE attachments SET blob_sent = ?2 WHERE sha256 = ?1",
            params![sha256, if refused { 2 } else { 1 }],
        )?;
        Ok(())
    }

    /// Live attachments made on another PC whose bytes are not here yet.
    pub fn missing_blobs(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn().prepare(
            "SELECT DISTINCT sha256 FROM attachments WHERE data IS NULL AND removed_at IS NULL",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Keeps downloaded bytes, after checking they are the ones the record names. Returns
    /// whether they were used.
    pub fn store_blob(&mut self, sha256: &str, data: &[u8]) -> Result<bool> {
        if raksa_protocol::sha256_hex(data) != sha256 {
            return Ok(false);
        }
        let tx = self.conn_mut().transaction()?;
        tx.execute("UPDATE sync_state SET applying = 1", [])?;
        let n = tx.execute(
            "UPDATE attachments SET data = ?2, blob_sent = 1
             WHERE sha256 = ?1 AND data IS NULL AND removed_at IS NULL AND size = ?3",
            params![sha256, data, data.len() as i64],
        )?;
        tx.execute("UPDATE sync_state SET applying = 0", [])?;
        tx.commit()?;
        Ok(n > 0)
    }

    /// Every synced record held here, keyed by (table, record id), with all its fields — the
    /// same shape the server holds, for convergence checks and diagnostics.
    pub fn replica_state(
        &self,
    ) -> Result<std::collections::BTreeMap<(String, String), Map<String, Value>>> {
        let mut out = std::collections::BTreeMap::new();
        for e in Entity::ALL.into_iter().filter(|e| e.replicated()) {
            let key = e.key_columns().join(" || '/' || ");
            let pairs = e
                .fields()
                .iter()
                .map(|c| format!("'{c}', {c}"))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!("SELECT {key}, json_object({pairs}) FROM {}", e.table());
            let mut stmt = self.conn().prepare(&sql)?;
            let rows =
                stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
            for row in rows {
                let (id, json) = row?;
                out.insert((e.table().to_owned(), id), obj(&json)?);
            }
        }
        Ok(out)
    }

    fn conflict_fields(&self, issue: &SyncIssue) -> Result<Vec<ConflictField>> {
        let Some(entity) = Entity::parse(&issue.entity) else {
            return Ok(Vec::new());
        };
        let mine: Map<String, Value> = serde_json::from_str(&issue.detail).unwrap_or_default();
        let mut out = Vec::new();
        for (field, value) in mine {
            if !entity.fields().contains(&field.as_str()) || entity.append_only() {
                continue;
            }
            let current: Option<Value> = self
                .conn()
                .query_row(
                    &format!(
                        "SELECT json_object('v', {field}) FROM {} WHERE id = ?1",
                        entity.table()
                    ),
                    [&issue.record_id],
                    |r| r.get::<_, String>(0),
                )
                .optional()?
                .and_then(|j| serde_json::from_str::<Value>(&j).ok())
                .map(|v| v["v"].clone());
            let show = |v: &Value| match v {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            out.push(ConflictField {
                field,
                mine: show(&value),
                current: current.as_ref().map(show).unwrap_or_default(),
            });
        }
        Ok(out)
    }

    /// A supervisor settles a conflict: keep the current (server's) values, or put this
    /// PC's values back — as an ordinary change, so the decision itself syncs.
    pub fn resolve_conflict(&mut self, issue_id: i64, keep_mine: bool) -> Result<()> {
        self.require(&[Role::Supervisor, Role::Admin])?;
        let (kind, entity, record_id, detail): (String, String, String, String) = self
            .conn()
            .query_row(
                "SELECT kind, entity, record_id, detail FROM sync_issues
                 WHERE id = ?1 AND resolved_at IS NULL",
                [issue_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?
            .ok_or(CoreError::NotFound)?;
        let mut tx = self.begin()?;
        let now = tx.now().to_owned();
        if kind == "conflict" && keep_mine {
            let e = Entity::parse(&entity).ok_or(CoreError::NotFound)?;
            let mine: Map<String, Value> = serde_json::from_str(&detail).unwrap_or_default();
            for (field, value) in mine {
                if !e.fields().contains(&field.as_str()) || field == "id" || e.append_only() {
                    continue;
                }
                let v = sql_value(&value);
                tx.execute(
                    &format!("UPDATE {} SET {field} = ?1 WHERE id = ?2", e.table()),
                    params![v, record_id],
                )?;
            }
        }
        tx.execute(
            "UPDATE sync_issues SET resolved_at = ?2 WHERE id = ?1",
            params![issue_id, now],
        )?;
        tx.audit(
            AuditAction::Update,
            &entity,
            Some(&record_id),
            if keep_mine {
                "conflict resolved: this PC's value"
            } else {
                "conflict resolved: server's value"
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Whether a case still has changes here that the server has not acknowledged.
    pub fn case_unsynced(&self, case_id: uuid::Uuid) -> Result<bool> {
        Ok(self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM outbox WHERE (entity = 'cases' AND record_id = ?1)
                 OR (entity = 'case_events' AND json_extract(fields, '$.case_id') = ?1))",
            [case_id.to_string()],
            |r| r.get(0),
        )?)
    }
}

/// Two PCs of one office each created an account with the same user name before they
/// first synced (each PC's set-up creates its administrator). The older account (UUIDv7
/// ids sort by creation time) is the office's. On the PC that made the newer one, that
/// account yields: the office's account lists this PC's signing key (so its administrator
/// goes on signing as the office's account), then the yielding account is renamed and
/// deactivated — both changes signed by this PC's administrator key and synced, so every
/// PC ends up with one account per name — and merged into the office's account here, so
/// its password signs in as the office's account from now on. Without an administrator
/// signed in, or on a PC that receives the newer account before its owner renamed it,
/// the pulled account waits (parked). A pulled account reaches here only when signed by a
/// trusted key (a made-up account with a colleague's name and a low id is refused before).
fn settle_username_clash(
    tx: &rusqlite::Transaction,
    user: &Map<String, Value>,
    now: &str,
    signer: Option<&raksa_protocol::signed::AdminSigner>,
) -> Result<Stored> {
    let id = user.get("id").and_then(Value::as_str).unwrap_or("");
    let username = user.get("username").and_then(Value::as_str).unwrap_or("");
    let local: Option<String> = tx
        .query_row(
            "SELECT id FROM users WHERE username = ?1 AND id <> ?2",
            params![username, id],
            |r| r.get(0),
        )
        .optional()?;
    let Some(local) = local else {
        return store_record(tx, Entity::Users, user);
    };
    let Some(signer) = signer.filter(|_| id < local.as_str()) else {
        return Ok(Stored::MissingParent);
    };
    let short: String = local
        .chars()
        .filter(char::is_ascii_hexdigit)
        .take(8)
        .collect();
    let stem: String = username.chars().take(23).collect();
    let renamed = format!("{stem}.{short}");
    // 1. the yielding account gives up its name, so the office's can be stored
    tx.execute(
        "UPDATE users SET username = ?1 WHERE id = ?2",
        params![renamed, local],
    )?;
    let stored = store_record(tx, Entity::Users, user)?;
    if !matches!(stored, Stored::Yes) {
        return Ok(stored);
    }
    // 2. this PC's own changes, queued for the server in this order, signed
    tx.execute("UPDATE sync_state SET applying = 0", [])?;
    let public = signer.public();
    crate::admin_signing::sign_user(tx, signer, id, now, |f| {
        crate::admin_signing::with_key(f, &public)
    })?;
    crate::admin_signing::sign_user(tx, signer, &local, now, |f| {
        f.insert("username".into(), Value::String(renamed.clone()));
        f.insert("active".into(), Value::from(0));
    })?;
    tx.execute("UPDATE sync_state SET applying = 1", [])?;
    tx.execute(
        "UPDATE users SET merged_into = ?1 WHERE id = ?2",
        params![id, local],
    )?;
    crate::audit::record(
        tx,
        now,
        None,
        AuditAction::Update,
        "user",
        Some(&local),
        "merged into the office's account of the same user name",
    )?;
    Ok(Stored::Yes)
}
