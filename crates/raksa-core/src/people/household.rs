//! Households (สมุดพกครอบครัว): who lives together, their relationship to the head, and the
//! history of joining, leaving and dying. A person has at most one current household (the
//! database enforces it with a partial unique index); memberships are never deleted, an
//! ended membership keeps its date and reason. A case may concern the client's whole
//! household.

use chrono::{Datelike, NaiveDate};
use rusqlite::{OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::audit::AuditAction;
use crate::error::{CoreError, FieldErrors, FieldProblem, Result};
use crate::model::{MembershipEnd, Relationship, Role, Sex};
use crate::session::{Session, corrupt, date_col, uuid_col};
use crate::validate;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct HouseholdMember {
    /// The membership (not the person).
    pub id: Uuid,
    pub person_id: Uuid,
    pub name: String,
    pub age: Option<u32>,
    pub sex: Sex,
    pub relationship: Relationship,
    #[ts(type = "string")]
    pub joined_on: NaiveDate,
    #[ts(type = "string | null")]
    pub ended_on: Option<NaiveDate>,
    pub end_reason: Option<MembershipEnd>,
    /// The member's date of death, when recorded (their age is then their age at death).
    #[ts(type = "string | null")]
    pub death_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Household {
    pub id: Uuid,
    pub house_code: String,
    /// Current members first (head first), then past memberships, newest end first.
    pub members: Vec<HouseholdMember>,
}

impl Household {
    pub fn current(&self) -> impl Iterator<Item = &HouseholdMember> {
        self.members.iter().filter(|m| m.ended_on.is_none())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewMembership {
    pub person_id: Uuid,
    pub relationship: Relationship,
    #[ts(type = "string")]
    pub joined_on: NaiveDate,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EndMembership {
    pub member_id: Uuid,
    pub reason: MembershipEnd,
    #[ts(type = "string")]
    pub on: NaiveDate,
}

fn age_on(birth: Option<NaiveDate>, today: NaiveDate) -> Option<u32> {
    let b = birth?;
    let mut age = today.year() - b.year();
    if (today.month(), today.day()) < (b.month(), b.day()) {
        age -= 1;
    }
    u32::try_from(age).ok()
}

fn member_row(r: &Row, today: NaiveDate) -> rusqlite::Result<HouseholdMember> {
    let birth: Option<String> = r.get(5)?;
    let ended: Option<String> = r.get(9)?;
    let parse = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| corrupt("date"));
    let death = r
        .get::<_, Option<String>>(11)?
        .as_deref()
        .map(parse)
        .transpose()?;
    Ok(HouseholdMember {
        id: uuid_col(r, 0)?,
        person_id: uuid_col(r, 1)?,
        name: format!(
            "{}{} {}",
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?
        ),
        age: age_on(
            birth.as_deref().map(parse).transpose()?,
            death.map_or(today, |d| d.min(today)),
        ),
        sex: Sex::parse(&r.get::<_, String>(6)?).ok_or_else(|| corrupt("sex"))?,
        relationship: Relationship::parse(&r.get::<_, String>(7)?)
            .ok_or_else(|| corrupt("relationship"))?,
        joined_on: date_col(r, 8)?,
        ended_on: ended.as_deref().map(parse).transpose()?,
        end_reason: match r.get::<_, Option<String>>(10)? {
            Some(s) => Some(MembershipEnd::parse(&s).ok_or_else(|| corrupt("end_reason"))?),
            None => None,
        },
        death_date: death,
    })
}

const WRITERS: &[Role] = &[Role::CaseWorker, Role::Supervisor, Role::Admin];

impl Session {
    fn load_household(&self, id: Uuid) -> Result<Household> {
        let house_code: String = self
            .conn()
            .query_row(
                "SELECT house_code FROM households WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(CoreError::NotFound)?;
        let today = self.today();
        let members = self
            .conn()
            .prepare_cached(
                "SELECT m.id, m.person_id, p.title, p.first_name, p.last_name, p.birth_date,
                        p.sex, m.relationship, m.joined_on, m.ended_on, m.end_reason,
                        p.death_date
                 FROM household_members m JOIN people p ON p.id = m.person_id
                 WHERE m.household_id = ?1
                 ORDER BY m.ended_on IS NOT NULL, m.relationship != 'head',
                          m.ended_on DESC, m.joined_on, m.recorded_at",
            )?
            .query_map([id.to_string()], |r| member_row(r, today))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Household {
            id,
            house_code,
            members,
        })
    }

    /// Opens a household (audited as a read of every member's record).
    pub fn household(&self, id: Uuid) -> Result<Household> {
        let h = self.load_household(id)?;
        self.audit(
            crate::audit::Access::Read,
            "household",
            Some(&id.to_string()),
            "",
        )?;
        Ok(h)
    }

    /// The household a person currently belongs to, if any.
    pub fn person_household(&self, person_id: Uuid) -> Result<Option<Household>> {
        if self.person_restricted(person_id)? {
            return Err(CoreError::NeedToKnow);
        }
        match self.current_household_of(person_id)? {
            Some(id) => {
                let id = Uuid::parse_str(&id).map_err(|_| CoreError::Corrupt("id".into()))?;
                Ok(Some(self.household(id)?))
            }
            None => Ok(None),
        }
    }

    fn current_household_of(&self, person_id: Uuid) -> Result<Option<String>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT household_id FROM household_members
                 WHERE person_id = ?1 AND ended_on IS NULL",
                [person_id.to_string()],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn person_exists(&self, person_id: Uuid) -> Result<()> {
        let exists: bool = self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM people WHERE id = ?1)",
            [person_id.to_string()],
            |r| r.get(0),
        )?;
        if exists {
            Ok(())
        } else {
            Err(CoreError::NotFound)
        }
    }

    /// Starts a household with `head` as its head.
    pub fn create_household(
        &mut self,
        head: Uuid,
        house_code: &str,
        joined_on: NaiveDate,
    ) -> Result<Household> {
        self.require(WRITERS)?;
        let mut errs = FieldErrors::default();
        let code = errs.check("house_code", validate::text(house_code, 20, false));
        if let Some(c) = &code
            && !c.is_empty()
            && !(c.len() == 11 && c.bytes().all(|b| b.is_ascii_digit()))
        {
            errs.push("house_code", FieldProblem::HouseCodeFormat);
        }
        if joined_on > self.today() {
            errs.push("joined_on", FieldProblem::DateInFuture);
        }
        errs.into_result()?;
        self.person_exists(head)?;
        if self.current_household_of(head)?.is_some() {
            return Err(CoreError::field(
                "person_id",
                FieldProblem::AlreadyInHousehold,
            ));
        }
        let id = Uuid::now_v7();
        let now = self.now();
        let user = self.user().id.to_string();
        let mut tx = self.begin()?;
        tx.execute(
            "INSERT INTO households (id, house_code, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4)",
            params![id.to_string(), code.unwrap_or_default(), now, user],
        )?;
        insert_member(&tx, id, head, Relationship::Head, joined_on, &now, &user)?;
        tx.audit(AuditAction::Create, "household", Some(&id.to_string()), "")?;
        tx.commit()?;
        self.load_household(id)
    }

    pub fn add_household_member(
        &mut self,
        household: Uuid,
        m: &NewMembership,
    ) -> Result<Household> {
        self.require(WRITERS)?;
        if m.joined_on > self.today() {
            return Err(CoreError::field("joined_on", FieldProblem::DateInFuture));
        }
        self.load_household(household)?;
        self.person_exists(m.person_id)?;
        if self.current_household_of(m.person_id)?.is_some() {
            return Err(CoreError::field(
                "person_id",
                FieldProblem::AlreadyInHousehold,
            ));
        }
        if m.relationship == Relationship::Head {
            let has_head: bool = self.conn().query_row(
                "SELECT EXISTS (SELECT 1 FROM household_members WHERE household_id = ?1
                     AND ended_on IS NULL AND relationship = 'head')",
                [household.to_string()],
                |r| r.get(0),
            )?;
            if has_head {
                return Err(CoreError::field("relationship", FieldProblem::NotAChoice));
            }
        }
        let now = self.now();
        let user = self.user().id.to_string();
        let mut tx = self.begin()?;
        insert_member(
            &tx,
            household,
            m.person_id,
            m.relationship,
            m.joined_on,
            &now,
            &user,
        )?;
        tx.audit(
            AuditAction::Update,
            "household",
            Some(&household.to_string()),
            "member joined",
        )?;
        tx.commit()?;
        self.load_household(household)
    }

    /// Records that a member left or died. The membership stays in the history.
    pub fn end_household_membership(&mut self, e: &EndMembership) -> Result<Household> {
        self.require(WRITERS)?;
        let row: Option<(String, String)> = self
            .conn()
            .query_row(
                "SELECT household_id, joined_on FROM household_members
                 WHERE id = ?1 AND ended_on IS NULL",
                [e.member_id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((household, joined)) = row else {
            return Err(CoreError::field("member_id", FieldProblem::NotInHousehold));
        };
        if e.on > self.today() {
            return Err(CoreError::field("on", FieldProblem::DateInFuture));
        }
        if e.on.format("%Y-%m-%d").to_string() < joined {
            return Err(CoreError::field("on", FieldProblem::DateBeforeStart));
        }
        let mut tx = self.begin()?;
        tx.execute(
            "UPDATE household_members SET ended_on = ?2, end_reason = ?3
             WHERE id = ?1 AND ended_on IS NULL",
            params![
                e.member_id.to_string(),
                e.on.format("%Y-%m-%d").to_string(),
                e.reason.as_str()
            ],
        )?;
        tx.audit(
            AuditAction::Update,
            "household",
            Some(&household),
            &format!("member {}", e.reason.as_str()),
        )?;
        tx.commit()?;
        let id = Uuid::parse_str(&household).map_err(|_| CoreError::Corrupt("id".into()))?;
        self.load_household(id)
    }

    /// Marks a case as concerning the client's whole current household (or only the
    /// client again).
    pub fn set_case_household(&mut self, case_id: Uuid, whole_household: bool) -> Result<()> {
        self.require_need_to_know(case_id)?;
        self.require(WRITERS)?;
        let person: String = self
            .conn()
            .query_row(
                "SELECT person_id FROM cases WHERE id = ?1",
                [case_id.to_string()],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(CoreError::NotFound)?;
        let person = Uuid::parse_str(&person).map_err(|_| CoreError::Corrupt("id".into()))?;
        let household = if whole_household {
            Some(
                self.current_household_of(person)?
                    .ok_or_else(|| CoreError::field("household", FieldProblem::NotInHousehold))?,
            )
        } else {
            None
        };
        let now = self.now();
        let mut tx = self.begin()?;
        tx.execute(
            "UPDATE cases SET household_id = ?2, updated_at = ?3 WHERE id = ?1",
            params![case_id.to_string(), household, now],
        )?;
        tx.audit(
            AuditAction::Update,
            "case",
            Some(&case_id.to_string()),
            if whole_household {
                "concerns household"
            } else {
                "concerns person"
            },
        )?;
        tx.commit()?;
        Ok(())
    }
}

pub(crate) fn insert_member(
    tx: &rusqlite::Transaction,
    household: Uuid,
    person: Uuid,
    rel: Relationship,
    joined_on: NaiveDate,
    now: &str,
    user: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO household_members (id, household_id, person_id, relationship, joined_on,
             recorded_at, recorded_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            Uuid::now_v7().to_string(),
            household.to_string(),
            person.to_string(),
            rel.as_str(),
            joined_on.format("%Y-%m-%d").to_string(),
            now,
            user
        ],
    )?;
    Ok(())
}
