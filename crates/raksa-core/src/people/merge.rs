//! Merging two records of the same person (a supervisor's tool for duplicates found
//! after the fact). The kept record takes over every case and household membership of the
//! merged one, and fills its own empty fields (ID, birth date, phone, address) from it. The
//! merged record is not deleted: it is marked `merged_into` (a synced change), leaves the
//! searches and the duplicate check, and still holds what it held. The audit entry lists
//! the ids of everything moved and the names of the fields filled — no personal data — and
//! is what `undo_merge` reads to put everything back.

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::audit::AuditAction;
use crate::error::{CoreError, Result};
use crate::model::Role;
use crate::session::{PERSON_COLS, Session, person_row};

const MERGERS: &[Role] = &[Role::Supervisor, Role::Admin];

/// What a merge moved, as written to the audit trail.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MergeDetail {
    pub kept: Uuid,
    pub merged: Uuid,
    pub cases: Vec<Uuid>,
    pub memberships: Vec<Uuid>,
    /// Columns of the kept record that were empty and filled from the merged one.
    pub filled: Vec<String>,
    /// The merged record's ID number moved to the kept record.
    pub moved_id: bool,
}

/// A merge as listed on a person's page, with whether it was undone.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct MergeRecord {
    #[ts(type = "number")]
    pub audit_seq: i64,
    pub at: String,
    pub by: Option<String>,
    pub kept_name: String,
    pub merged_name: String,
    pub detail: MergeDetail,
    pub undone: bool,
}

const MERGE_TAG: &str = "merge ";
const UNDO_TAG: &str = "undo merge ";

/// Fields filled on the kept record when it has nothing there.
const FILLABLE: &[&str] = &[
    "birth_date",
    "phone",
    "address_text",
    "subdistrict_code",
    "postcode",
];

impl Session {
    /// Merges `merged` into `kept`. Refused when both have (different) ID numbers, when
    /// both belong to a household now, or when either was already merged.
    pub fn merge_people(&mut self, kept: Uuid, merged: Uuid) -> Result<MergeDetail> {
        self.require(MERGERS)?;
        if kept == merged {
            return Err(CoreError::Transition("merge_same"));
        }
        let load = |id: Uuid| -> Result<(crate::model::Person, Option<String>)> {
            self.conn()
                .query_row(
                    &format!(
                        "SELECT {PERSON_COLS}, p.merged_into AS merged_into FROM people p WHERE p.id = ?1"
                    ),
                    [id.to_string()],
                    |r| Ok((person_row(r)?, r.get("merged_into")?)),
                )
                .optional()?
                .ok_or(CoreError::NotFound)
        };
        let (k, k_merged) = load(kept)?;
        let (m, m_merged) = load(merged)?;
        if k_merged.is_some() || m_merged.is_some() {
            return Err(CoreError::Transition("merge_already"));
        }
        let k_num = k.identity.columns().1;
        let m_num = m.identity.columns().1;
        if k_num.is_some() && m_num.is_some() {
            return Err(CoreError::Transition("merge_two_ids"));
        }
        let current = |id: Uuid| -> Result<bool> {
            Ok(self.conn().query_row(
                "SELECT EXISTS (SELECT 1 FROM household_members WHERE person_id = ?1 AND ended_on IS NULL)",
                [id.to_string()],
                |r| r.get(0),
            )?)
        };
        if current(kept)? && current(merged)? {
            return Err(CoreError::Transition("merge_two_households"));
        }
        let ids = |sql: &str| -> Result<Vec<Uuid>> {
            let mut stmt = self.conn().prepare(sql)?;
            let rows = stmt.query_map([merged.to_string()], |r| r.get::<_, String>(0))?;
            let mut out = Vec::new();
            for r in rows {
                out.push(Uuid::parse_str(&r?).map_err(|_| CoreError::Corrupt("id".into()))?);
            }
            Ok(out)
        };
        let mut detail = MergeDetail {
            kept,
            merged,
            cases: ids("SELECT id FROM cases WHERE person_id = ?1 ORDER BY id")?,
            memberships: ids("SELECT id FROM household_members WHERE person_id = ?1 ORDER BY id")?,
            filled: Vec::new(),
            moved_id: k_num.is_none() && m_num.is_some(),
        };
        let now = self.now();
        let mut tx = self.begin()?;
        for field in FILLABLE {
            let n = tx.execute(
                &format!(
                    "UPDATE people SET {field} = (SELECT {field} FROM people WHERE id = ?2), updated_at = ?3
                     WHERE id = ?1 AND ifnull({field}, '') = ''
                       AND ifnull((SELECT {field} FROM people WHERE id = ?2), '') != ''"
                ),
                params![kept.to_string(), merged.to_string(), now],
            )?;
            if n > 0 {
                detail.filled.push((*field).to_owned());
            }
        }
        if detail.moved_id {
            // The unique index allows one holder: take it off the merged record first.
            let (kind, number): (String, Option<String>) = tx.query_row(
                "SELECT id_kind, id_number FROM people WHERE id = ?1",
                [merged.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            tx.execute(
                "UPDATE people SET id_kind = 'no_id', id_number = NULL, no_id_reason = 'unknown',
                     updated_at = ?2 WHERE id = ?1",
                params![merged.to_string(), now],
            )?;
            tx.execute(
                "UPDATE people SET id_kind = ?2, id_number = ?3, no_id_reason = NULL, updated_at = ?4
                 WHERE id = ?1",
                params![kept.to_string(), kind, number, now],
            )?;
        }
        tx.execute(
            "UPDATE cases SET person_id = ?1, updated_at = ?3 WHERE person_id = ?2",
            params![kept.to_string(), merged.to_string(), now],
        )?;
        tx.execute(
            "UPDATE household_members SET person_id = ?1 WHERE person_id = ?2",
            params![kept.to_string(), merged.to_string()],
        )?;
        tx.execute(
            "UPDATE people SET merged_into = ?1, updated_at = ?3 WHERE id = ?2",
            params![kept.to_string(), merged.to_string(), now],
        )?;
        tx.audit(
            AuditAction::Update,
            "person",
            Some(&kept.to_string()),
            &format!(
                "{MERGE_TAG}{}",
                serde_json::to_string(&detail).expect("serialisable")
            ),
        )?;
        tx.commit()?;
        tracing::info!(cases = detail.cases.len(), "person records merged");
        Ok(detail)
    }

    /// Puts back what the merge recorded at `audit_seq` moved: its cases and memberships
    /// (those still on the kept record), the fields it filled, the ID number, and the
    /// merged record's place in searches. Each merge is undone at most once.
    pub fn undo_merge(&mut self, audit_seq: i64) -> Result<MergeDetail> {
        self.require(MERGERS)?;
        let detail = self.merge_at(audit_seq)?.ok_or(CoreError::NotFound)?;
        let undone: bool = self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM audit_log WHERE entity = 'person' AND detail = ?1)",
            [format!("{UNDO_TAG}{audit_seq}")],
            |r| r.get(0),
        )?;
        if undone {
            return Err(CoreError::Transition("merge_undone"));
        }
        let (kept, merged) = (detail.kept.to_string(), detail.merged.to_string());
        let now = self.now();
        let mut tx = self.begin()?;
        for c in &detail.cases {
            tx.execute(
                "UPDATE cases SET person_id = ?1, updated_at = ?4 WHERE id = ?2 AND person_id = ?3",
                params![merged, c.to_string(), kept, now],
            )?;
        }
        for m in &detail.memberships {
            tx.execute(
                "UPDATE household_members SET person_id = ?1 WHERE id = ?2 AND person_id = ?3",
                params![merged, m.to_string(), kept],
            )?;
        }
        if detail.moved_id {
            let (kind, number): (String, Option<String>) = tx.query_row(
                "SELECT id_kind, id_number FROM people WHERE id = ?1",
                [&kept],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            tx.execute(
                "UPDATE people SET id_kind = 'no_id', id_number = NULL, no_id_reason = 'unknown',
                     updated_at = ?2 WHERE id = ?1",
                params![kept, now],
            )?;
            tx.execute(
                "UPDATE people SET id_kind = ?2, id_number = ?3, no_id_reason = NULL, updated_at = ?4
                 WHERE id = ?1",
                params![merged, kind, number, now],
            )?;
        }
        for field in &detail.filled {
            if !FILLABLE.contains(&field.as_str()) {
                continue;
            }
            let empty = if matches!(field.as_str(), "phone" | "address_text") {
                "''"
            } else {
                "NULL"
            };
            tx.execute(
                &format!("UPDATE people SET {field} = {empty}, updated_at = ?2 WHERE id = ?1"),
                params![kept, now],
            )?;
        }
        tx.execute(
            "UPDATE people SET merged_into = NULL, updated_at = ?2 WHERE id = ?1",
            params![merged, now],
        )?;
        tx.audit(
            AuditAction::Update,
            "person",
            Some(&kept),
            &format!("{UNDO_TAG}{audit_seq}"),
        )?;
        tx.commit()?;
        tracing::info!("merge undone");
        Ok(detail)
    }

    fn merge_at(&self, seq: i64) -> Result<Option<MergeDetail>> {
        let detail: Option<String> = self
            .conn()
            .query_row(
                "SELECT detail FROM audit_log WHERE seq = ?1 AND entity = 'person'",
                [seq],
                |r| r.get(0),
            )
            .optional()?;
        Ok(detail
            .as_deref()
            .and_then(|d| d.strip_prefix(MERGE_TAG))
            .and_then(|j| serde_json::from_str(j).ok()))
    }

    /// Merges that involve this person (kept or merged), newest first.
    pub fn person_merges(&self, person: Uuid) -> Result<Vec<MergeRecord>> {
        let mut stmt = self.conn().prepare(
            "SELECT a.seq, a.at, u.full_name, a.detail,
                 EXISTS (SELECT 1 FROM audit_log b WHERE b.entity = 'person'
                         AND b.detail = 'undo merge ' || a.seq)
             FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
             WHERE a.entity = 'person' AND a.detail LIKE 'merge %' AND instr(a.detail, ?1) > 0
             ORDER BY a.seq DESC",
        )?;
        let rows = stmt.query_map([person.to_string()], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, bool>(4)?,
            ))
        })?;
        let name = |id: Uuid| -> Result<String> {
            Ok(self
                .conn()
                .query_row(
                    "SELECT title || first_name || ' ' || last_name FROM people WHERE id = ?1",
                    [id.to_string()],
                    |r| r.get(0),
                )
                .optional()?
                .unwrap_or_default())
        };
        let mut out = Vec::new();
        for row in rows {
            let (seq, at, by, detail, undone) = row?;
            let Some(detail) = detail
                .strip_prefix(MERGE_TAG)
                .and_then(|j| serde_json::from_str::<MergeDetail>(j).ok())
            else {
                continue;
            };
            out.push(MergeRecord {
                audit_seq: seq,
                at,
                by,
                kept_name: name(detail.kept)?,
                merged_name: name(detail.merged)?,
                detail,
                undone,
            });
        }
        Ok(out)
    }
}
