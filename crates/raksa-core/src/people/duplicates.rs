//! "Is this person already registered?" — asked before a person is saved (registration,
//! import). The exact 13-digit ID decides; otherwise candidates come from the phonetic
//! indexes (Udom83 and LK82 of first name and surname, and first name with birth year for
//! a changed surname) and are ranked by a score whose parts are shown to the worker.

use chrono::{Datelike, NaiveDate};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::error::Result;
use crate::identity::Identity;
use crate::model::{Person, Sex};
use crate::name_match::{lk82, normalise, similarity, udom83};
use crate::session::{PERSON_COLS, Session, person_row};
use crate::validate;

/// What is known of the person about to be saved.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PersonProbe {
    pub first_name: String,
    pub last_name: String,
    /// 13 digits, when given.
    pub citizen_id: Option<String>,
    #[ts(type = "string | null")]
    pub birth_date: Option<NaiveDate>,
    pub sex: Option<Sex>,
    pub subdistrict_code: Option<String>,
}

impl PersonProbe {
    /// What a person's (new or corrected) record says, as a duplicate check reads it.
    pub fn of(p: &crate::model::NewPerson) -> PersonProbe {
        PersonProbe {
            first_name: p.first_name.clone(),
            last_name: p.last_name.clone(),
            citizen_id: match &p.identity {
                crate::identity::Identity::CitizenId { number } => Some(number.clone()),
                _ => None,
            },
            birth_date: p.birth_date,
            sex: Some(p.sex),
            subdistrict_code: p.subdistrict_code.clone(),
        }
    }
}

/// Why a candidate was shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum MatchReason {
    CitizenId,
    FirstNameSame,
    FirstNameSoundsAlike,
    FirstNameSpelledAlike,
    LastNameSame,
    LastNameSoundsAlike,
    LastNameSpelledAlike,
    BirthDateSame,
    BirthYearSame,
    BirthYearClose,
    SubdistrictSame,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct DuplicateCandidate {
    pub person_id: Uuid,
    pub display_name: String,
    pub masked_id: String,
    #[ts(type = "string | null")]
    pub birth_date: Option<NaiveDate>,
    pub subdistrict_code: Option<String>,
    /// 0–100; 100 is the same citizen ID.
    pub score: u32,
    pub reasons: Vec<MatchReason>,
}

/// Candidates scoring below this are not shown.
pub const SHOW_FROM: u32 = 50;

/// One name compared: same after normalising, same sound, or a close spelling.
fn name_part(
    a: &str,
    b: &str,
    same: MatchReason,
    sound: MatchReason,
    spelled: MatchReason,
) -> (i32, Option<MatchReason>) {
    let (na, nb) = (normalise(a), normalise(b));
    if na.is_empty() || nb.is_empty() {
        return (0, None);
    }
    if na == nb {
        return (35, Some(same));
    }
    let sim = similarity(&na, &nb);
    if udom83(&na) == udom83(&nb) || lk82(&na) == lk82(&nb) {
        return (if sim >= 0.6 { 30 } else { 24 }, Some(sound));
    }
    if sim >= 0.75 {
        return (20, Some(spelled));
    }
    (0, None)
}

/// The score of `known` as the person `probe` describes, with its reasons.
pub fn score(probe: &PersonProbe, known: &Person) -> (u32, Vec<MatchReason>) {
    use MatchReason::*;
    let known_id = match &known.identity {
        Identity::CitizenId { number } => Some(number),
        _ => None,
    };
    if let (Some(a), Some(b)) = (&probe.citizen_id, known_id)
        && a == b
    {
        return (100, vec![CitizenId]);
    }
    let mut reasons = Vec::new();
    let (f, fr) = name_part(
        &probe.first_name,
        &known.first_name,
        FirstNameSame,
        FirstNameSoundsAlike,
        FirstNameSpelledAlike,
    );
    let (l, lr) = name_part(
        &probe.last_name,
        &known.last_name,
        LastNameSame,
        LastNameSoundsAlike,
        LastNameSpelledAlike,
    );
    reasons.extend(fr);
    reasons.extend(lr);
    let mut s = f + l;
    let mut same_birthday = false;
    match (probe.birth_date, known.birth_date) {
        (Some(a), Some(b)) if a == b => {
            s += 25;
            same_birthday = true;
            reasons.push(BirthDateSame);
        }
        (Some(a), Some(b)) if a.year() == b.year() => {
            s += 15;
            reasons.push(BirthYearSame);
        }
        (Some(a), Some(b)) if (a.year() - b.year()).abs() <= 1 => {
            s += 5;
            reasons.push(BirthYearClose);
        }
        (Some(_), Some(_)) => s -= 25,
        _ => {}
    }
    // One name alike and the other not at all (a surname changed at marriage, say) is
    // weak evidence unless the birthday is the same too.
    if (f == 0 || l == 0) && !same_birthday {
        s -= 20;
    }
    match (&probe.subdistrict_code, &known.subdistrict_code) {
        (Some(a), Some(b)) if a == b => {
            s += 10;
            reasons.push(SubdistrictSame);
        }
        _ => {}
    }
    if let (Some(a), b) = (probe.sex, known.sex)
        && a != b
        && a != Sex::Unspecified
        && b != Sex::Unspecified
    {
        s -= 30;
    }
    // Two different citizen IDs: different people, whatever the names say.
    if probe.citizen_id.is_some() && known_id.is_some() {
        s -= 40;
    }
    (s.clamp(0, 99) as u32, reasons)
}

/// A registered person as shown to the worker, with the score and its reasons.
fn candidate(probe: &PersonProbe, known: Person) -> DuplicateCandidate {
    let (score, reasons) = score(probe, &known);
    DuplicateCandidate {
        person_id: known.id,
        display_name: known.display_name(),
        masked_id: validate::masked_id(&known.identity),
        birth_date: known.birth_date,
        subdistrict_code: known.subdistrict_code,
        score,
        reasons,
    }
}

/// The ids worth scoring: each branch is one index look-up (see migration 12).
/// Each branch is capped, so a very common name costs at most a few hundred rows.
const CANDIDATES_SQL: &str = "SELECT id FROM people WHERE id_number = ?1
    UNION SELECT * FROM (SELECT id FROM people
        WHERE rk_udom83(last_name) = ?2 AND rk_udom83(first_name) = ?3 LIMIT 200)
    UNION SELECT * FROM (SELECT id FROM people
        WHERE rk_lk82(last_name) = ?4 AND rk_lk82(first_name) = ?5 LIMIT 200)
    UNION SELECT * FROM (SELECT id FROM people
        WHERE rk_udom83(first_name) = ?3 AND substr(birth_date, 1, 4) = ?6 LIMIT 200)";

impl Session {
    /// People already registered who may be the one about to be saved, best first.
    /// Reads through indexes only (see migration 12): fast at a million people.
    pub fn possible_duplicates(&self, probe: &PersonProbe) -> Result<Vec<DuplicateCandidate>> {
        let out = self.duplicate_candidates(probe)?;
        self.audit(
            crate::audit::Access::Search,
            "person",
            None,
            &format!("duplicate check: {} candidate(s)", out.len()),
        )?;
        Ok(out)
    }

    /// The candidates without an audit entry of their own (an import audits once for the
    /// whole file).
    pub(crate) fn duplicate_candidates(
        &self,
        probe: &PersonProbe,
    ) -> Result<Vec<DuplicateCandidate>> {
        // The exact 13-digit ID decides: that person, and no one else, is the answer.
        if let Some(id) = &probe.citizen_id {
            let mut stmt = self.conn().prepare_cached(&format!(
                "SELECT {PERSON_COLS} FROM people p WHERE p.id_number = ?1 AND p.merged_into IS NULL"
            ))?;
            if let Some(known) = stmt.query_row([id], person_row).optional()? {
                return Ok(vec![candidate(probe, known)]);
            }
        }
        let first = normalise(&probe.first_name);
        let last = normalise(&probe.last_name);
        let year = probe.birth_date.map(|d| format!("{:04}", d.year()));
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {PERSON_COLS} FROM people p WHERE p.id IN ({CANDIDATES_SQL}) AND p.merged_into IS NULL"
        ))?;
        let rows = stmt.query_map(
            rusqlite::params![
                probe.citizen_id,
                udom83(&last),
                udom83(&first),
                lk82(&last),
                lk82(&first),
                year,
            ],
            person_row,
        )?;
        let mut out = Vec::new();
        for known in rows {
            let known = known?;
            let c = candidate(probe, known);
            if c.score >= SHOW_FROM {
                out.push(c);
            }
        }
        out.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then(a.display_name.cmp(&b.display_name))
        });
        out.truncate(20);
        Ok(out)
    }

    /// Records what the worker decided about the candidates shown: the person registered
    /// anyway (`chosen` = the new person) or an existing one used (`chosen` = that one).
    pub fn record_duplicate_decision(
        &mut self,
        chosen: Uuid,
        linked_existing: bool,
        candidates: &[Uuid],
    ) -> Result<()> {
        let list: Vec<String> = candidates.iter().map(Uuid::to_string).collect();
        self.audit(
            crate::audit::Access::Decision,
            "person",
            Some(&chosen.to_string()),
            &if linked_existing {
                format!(
                    "duplicate check: used the existing record (shown: {})",
                    list.join(" ")
                )
            } else {
                format!(
                    "duplicate check: confirmed a new person (shown: {})",
                    list.join(" ")
                )
            },
        )
    }
}

#[cfg(test)]
mod plan_tests {
    #[test]
    fn candidate_branches_use_the_indexes() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        crate::db::register_functions(&conn).unwrap();
        conn.execute_batch(
            "CREATE TABLE people (id TEXT PRIMARY KEY, first_name TEXT, last_name TEXT,
                 id_number TEXT, birth_date TEXT);
             CREATE UNIQUE INDEX people_id_number ON people(id_number) WHERE id_number IS NOT NULL;
             CREATE INDEX people_sound_udom83 ON people (rk_udom83(last_name), rk_udom83(first_name));
             CREATE INDEX people_sound_lk82 ON people (rk_lk82(last_name), rk_lk82(first_name));
             CREATE INDEX people_sound_first_year ON people (rk_udom83(first_name), substr(birth_date, 1, 4));",
        )
        .unwrap();
        let mut st = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {}", super::CANDIDATES_SQL))
            .unwrap();
        let plan: Vec<String> = st
            .query_map(
                rusqlite::params![None::<String>, "a", "b", "c", "d", "1950"],
                |r| r.get::<_, String>(3),
            )
            .unwrap()
            .map(Result::unwrap)
            .collect();
        eprintln!("{plan:#?}");
        assert!(
            plan.iter().all(|l| !l.starts_with("SCAN people")),
            "{plan:#?}"
        );
    }
}
