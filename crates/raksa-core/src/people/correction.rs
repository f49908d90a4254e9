//! Correcting a person's record (the rules are `raksa_domain::correction`). One unit of
//! work updates the record — the outbox trigger queues it as a field change with its
//! previous values, so the server's field merge applies — and adds the history entry
//! (`person_corrections`, synced, never edited). Search and the phonetic indexes are
//! expressions over the record and its trigger-maintained case search, so they follow by
//! themselves. The audit entry names the changed columns, never their values.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use ts_rs::TS;
use uuid::Uuid;

use crate::FieldProblem;
use crate::audit::{Access, AuditAction};
use crate::duplicates::{DuplicateCandidate, PersonProbe};
use crate::error::{CoreError, Result};
use crate::model::{Person, Role};
use crate::session::{PERSON_COLS, Session, corrupt, person_row};
use raksa_domain::FieldErrors;
use raksa_domain::correction::{self, CORRECTABLE, NAME_OR_ID};
pub use raksa_domain::correction::{
    CorrectionBasis, FieldChange, PersonCorrection, RectificationDecision, RectificationRequest,
};

/// Who may read the values a record had before a correction (the history itself — who,
/// when, why, which fields — is shown to everyone who may open the record).
const PREVIOUS_VALUE_READERS: &[Role] = &[Role::Supervisor, Role::Admin];

/// What a saved correction did.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CorrectionOutcome {
    pub person: Person,
    /// The columns changed (empty for a refused request, which is recorded all the same).
    pub changed: Vec<String>,
    /// Other records that may be the same person, when a name or ID changed.
    pub duplicates: Vec<DuplicateCandidate>,
}

/// One entry of a person's correction history.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CorrectionRecord {
    pub id: Uuid,
    pub at: String,
    pub by: String,
    pub basis: CorrectionBasis,
    pub reason: String,
    pub request: Option<RectificationRequest>,
    /// The columns changed.
    pub fields: Vec<String>,
    /// Before and after, for supervisors and administrators only (`null` for others).
    pub changes: Option<Vec<FieldChange>>,
}

/// A change as a reader sees it: a sub-district by its name (`ต.… อ.… จ.…`) as well as
/// its code.
fn shown(mut c: FieldChange) -> FieldChange {
    if c.field == "subdistrict_code" {
        let label = |v: Option<String>| {
            v.map(|code| match crate::places::places().label(&code) {
                Some(m) => format!("{} ({code})", m.label_th),
                None => code,
            })
        };
        c.before = label(c.before);
        c.after = label(c.after);
    }
    c
}

impl Session {
    /// The stored values of the correctable columns, in `CORRECTABLE` order.
    fn correctable_values(&self, id: Uuid) -> Result<Option<([Option<String>; 13], bool)>> {
        let sql = format!(
            "SELECT {}, merged_into IS NOT NULL FROM people WHERE id = ?1",
            CORRECTABLE.join(", ")
        );
        Ok(self
            .conn()
            .query_row(&sql, [id.to_string()], |r| {
                let mut v: [Option<String>; 13] = Default::default();
                for (i, slot) in v.iter_mut().enumerate() {
                    *slot = r.get(i)?;
                }
                Ok((v, r.get(13)?))
            })
            .optional()?)
    }

    /// Saves a correction of a person's record with its reason (and, for a data subject's
    /// request, its dates and decision). Refused when nothing changed — or, for a refused
    /// request, when something did — and when the new citizen ID is another person's.
    pub fn correct_person(
        &mut self,
        id: Uuid,
        input: &PersonCorrection,
    ) -> Result<CorrectionOutcome> {
        let (before, merged) = self.correctable_values(id)?.ok_or(CoreError::NotFound)?;
        if merged {
            return Err(CoreError::Transition("merge_already"));
        }
        let mut errs = FieldErrors::default();
        let c = correction::check(input, self.today(), &mut errs);
        errs.into_result()?;
        let c = c.expect("checked");
        let after = correction::columns(&c.person, c.death_date);
        let changes = correction::changes(&before, &after);
        let mut errs = FieldErrors::default();
        correction::check_changes(&c, &changes, &mut errs);
        errs.into_result()?;
        let changed: Vec<String> = changes.iter().map(|c| c.field.clone()).collect();
        if let (_, Some(number), _) = c.person.identity.columns() {
            let taken: bool = self.conn().query_row(
                "SELECT EXISTS (SELECT 1 FROM people WHERE id_number = ?1 AND id != ?2)",
                params![number, id.to_string()],
                |r| r.get(0),
            )?;
            if taken {
                return Err(CoreError::field("identity", FieldProblem::CitizenIdTaken));
            }
        }
        let now = self.now();
        let user = self.user().id.to_string();
        let mut tx = self.begin()?;
        if !changes.is_empty() {
            let sets: Vec<String> = changes
                .iter()
                .enumerate()
                .map(|(i, ch)| format!("{} = ?{}", ch.field, i + 3))
                .collect();
            let sql = format!(
                "UPDATE people SET updated_at = ?2, {} WHERE id = ?1",
                sets.join(", ")
            );
            let mut values: Vec<rusqlite::types::Value> =
                vec![id.to_string().into(), now.clone().into()];
            values.extend(changes.iter().map(|ch| match &ch.after {
                Some(s) => rusqlite::types::Value::Text(s.clone()),
                None => rusqlite::types::Value::Null,
            }));
            tx.execute(&sql, rusqlite::params_from_iter(values))?;
        }
        let entry = Uuid::now_v7();
        tx.execute(
            "INSERT INTO person_corrections (id, person_id, at, user_id, basis, reason, changes, request)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                entry.to_string(),
                id.to_string(),
                now,
                user,
                c.basis.as_str(),
                c.reason,
                serde_json::to_string(&changes).expect("serialisable"),
                c.request
                    .as_ref()
                    .map(|r| serde_json::to_string(r).expect("serialisable")),
            ],
        )?;
        tx.audit(
            AuditAction::Update,
            "person",
            Some(&id.to_string()),
            &format!(
                "correction ({}): {}",
                c.basis.as_str(),
                if changed.is_empty() {
                    "nothing changed".to_owned()
                } else {
                    changed.join(", ")
                }
            ),
        )?;
        tx.commit()?;
        tracing::info!(person = %id, fields = changed.len(), "person record corrected");
        let person = self.conn().query_row(
            &format!("SELECT {PERSON_COLS} FROM people p WHERE p.id = ?1"),
            [id.to_string()],
            person_row,
        )?;
        let duplicates = if changed.iter().any(|f| NAME_OR_ID.contains(&f.as_str())) {
            let mut found = self.possible_duplicates(&PersonProbe::of(&c.person))?;
            found.retain(|d| d.person_id != id);
            found
        } else {
            Vec::new()
        };
        Ok(CorrectionOutcome {
            person,
            changed,
            duplicates,
        })
    }

    /// A person's corrections, newest first. The values before and after are given to
    /// supervisors and administrators only, and that reading is audited.
    pub fn person_corrections(&self, id: Uuid) -> Result<Vec<CorrectionRecord>> {
        let with_values = PREVIOUS_VALUE_READERS.contains(&self.user().role);
        let mut stmt = self.conn().prepare(
            "SELECT c.id, c.at, ifnull(u.full_name, ''), c.basis, c.reason, c.changes, c.request
             FROM person_corrections c LEFT JOIN users u ON u.id = c.user_id
             WHERE c.person_id = ?1 ORDER BY c.at DESC, c.id DESC",
        )?;
        let rows = stmt.query_map([id.to_string()], |r| {
            let changes: String = r.get(5)?;
            let changes: Vec<FieldChange> =
                serde_json::from_str(&changes).map_err(|_| corrupt("correction"))?;
            let request: Option<String> = r.get(6)?;
            Ok(CorrectionRecord {
                id: crate::session::uuid_col(r, 0)?,
                at: r.get(1)?,
                by: r.get(2)?,
                basis: CorrectionBasis::parse(&r.get::<_, String>(3)?)
                    .ok_or_else(|| corrupt("basis"))?,
                reason: r.get(4)?,
                request: match request {
                    Some(s) => Some(serde_json::from_str(&s).map_err(|_| corrupt("request"))?),
                    None => None,
                },
                fields: changes.iter().map(|c| c.field.clone()).collect(),
                changes: with_values.then(|| changes.into_iter().map(shown).collect()),
            })
        })?;
        let out = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        if with_values && !out.is_empty() {
            self.audit(
                Access::Read,
                "person",
                Some(&id.to_string()),
                "correction history with previous values",
            )?;
        }
        Ok(out)
    }
}
