//! The individual care plan and the household quality-of-life development plan of a case:
//! goals, activities, who is responsible, due and review dates, status. Every addition and
//! status change also goes on the case timeline; a plan needs at least one live goal before
//! it can be sent for a supervisor's approval.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::casework::CaseEventBody;
use crate::error::{CoreError, FieldErrors, FieldProblem, Result};
use crate::model::{PlanItemStatus, PlanKind, Role};
use crate::session::{Session, corrupt, date_col, uuid_col};
use crate::validate;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PlanItem {
    pub id: Uuid,
    pub plan: PlanKind,
    pub goal: String,
    pub activity: String,
    /// Responsible agency or person.
    pub responsible: String,
    #[ts(type = "string")]
    pub due_on: NaiveDate,
    #[ts(type = "string | null")]
    pub review_on: Option<NaiveDate>,
    pub status: PlanItemStatus,
    pub updated_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewPlanItem {
    pub plan: PlanKind,
    pub goal: String,
    pub activity: String,
    pub responsible: String,
    #[ts(type = "string")]
    pub due_on: NaiveDate,
    #[ts(type = "string | null")]
    pub review_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PlanItemUpdate {
    pub status: PlanItemStatus,
    #[ts(type = "string | null")]
    pub review_on: Option<NaiveDate>,
    pub note: String,
}

const WRITERS: &[Role] = &[Role::CaseWorker, Role::Supervisor, Role::Admin];

impl Session {
    pub fn plan_items(&self, case_id: Uuid) -> Result<Vec<PlanItem>> {
        self.require_need_to_know(case_id)?;
        self.conn()
            .prepare_cached(
                "SELECT id, plan, goal, activity, responsible, due_on, review_on, status,
                        updated_at
                 FROM plan_items WHERE case_id = ?1 ORDER BY plan, due_on, created_at",
            )?
            .query_map([case_id.to_string()], |r| {
                let review: Option<String> = r.get(6)?;
                Ok(PlanItem {
                    id: uuid_col(r, 0)?,
                    plan: PlanKind::parse(&r.get::<_, String>(1)?)
                        .ok_or_else(|| corrupt("plan"))?,
                    goal: r.get(2)?,
                    activity: r.get(3)?,
                    responsible: r.get(4)?,
                    due_on: date_col(r, 5)?,
                    review_on: review
                        .map(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d"))
                        .transpose()
                        .map_err(|_| corrupt("date"))?,
                    status: PlanItemStatus::parse(&r.get::<_, String>(7)?)
                        .ok_or_else(|| corrupt("status"))?,
                    updated_at: r.get(8)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(Into::into)
    }

    pub fn add_plan_item(&mut self, case_id: Uuid, item: &NewPlanItem) -> Result<PlanItem> {
        self.require_need_to_know(case_id)?;
        self.require(WRITERS)?;
        let mut errs = FieldErrors::default();
        let goal = errs.check(
            "goal",
            validate::required(&item.goal, validate::MAX_LINE, false),
        );
        let activity = errs.check(
            "activity",
            validate::required(&item.activity, validate::MAX_TEXT, true),
        );
        let responsible = errs.check(
            "responsible",
            validate::required(&item.responsible, validate::MAX_LINE, false),
        );
        let (intake, household): (String, Option<String>) = self
            .conn()
            .query_row(
                "SELECT intake_date, household_id FROM cases WHERE id = ?1",
                [case_id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or(CoreError::NotFound)?;
        if item.due_on.format("%Y-%m-%d").to_string() < intake {
            errs.push("due_on", FieldProblem::DateBeforeStart);
        }
        if item.review_on.is_some_and(|r| r > item.due_on) {
            errs.push("review_on", FieldProblem::OutOfRange);
        }
        if item.plan == PlanKind::Household && household.is_none() {
            errs.push("plan", FieldProblem::NotInHousehold);
        }
        errs.into_result()?;
        let (goal, activity, responsible) = (
            goal.expect("validated"),
            activity.expect("validated"),
            responsible.expect("validated"),
        );
        let (stage, _) = self.case_stage(case_id)?;
        if stage == crate::model::CaseStatus::Closed {
            return Err(CoreError::Transition("closed"));
        }
        let id = Uuid::now_v7();
        let now = self.now();
        let user = self.user().id.to_string();
        let fmt = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        self.record_with(
            case_id,
            &[CaseEventBody::PlanItemAdded {
                plan: item.plan,
                goal: goal.clone(),
                due_on: item.due_on,
            }],
            None,
            |tx| {
                tx.execute(
                    "INSERT INTO plan_items (id, case_id, plan, goal, activity, responsible,
                         due_on, review_on, status, created_at, created_by, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'planned', ?9, ?10, ?9)",
                    params![
                        id.to_string(),
                        case_id.to_string(),
                        item.plan.as_str(),
                        goal,
                        activity,
                        responsible,
                        fmt(item.due_on),
                        item.review_on.map(fmt),
                        now,
                        user
                    ],
                )?;
                Ok(())
            },
        )?;
        Ok(PlanItem {
            id,
            plan: item.plan,
            goal,
            activity,
            responsible,
            due_on: item.due_on,
            review_on: item.review_on,
            status: PlanItemStatus::Planned,
            updated_at: now,
        })
    }

    pub fn update_plan_item(&mut self, item_id: Uuid, u: &PlanItemUpdate) -> Result<()> {
        self.require(WRITERS)?;
        let note = validate::text(&u.note, validate::MAX_TEXT, true)
            .map_err(|p| CoreError::field("note", p))?;
        let (case_id, goal): (String, String) = self
            .conn()
            .query_row(
                "SELECT case_id, goal FROM plan_items WHERE id = ?1",
                [item_id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or(CoreError::NotFound)?;
        let case_id = Uuid::parse_str(&case_id).map_err(|_| CoreError::Corrupt("id".into()))?;
        let now = self.now();
        self.record_with(
            case_id,
            &[CaseEventBody::PlanItemUpdated {
                goal,
                status: u.status,
                note,
            }],
            None,
            |tx| {
                tx.execute(
                    "UPDATE plan_items SET status = ?2, review_on = ?3, updated_at = ?4
                     WHERE id = ?1",
                    params![
                        item_id.to_string(),
                        u.status.as_str(),
                        u.review_on.map(|d| d.format("%Y-%m-%d").to_string()),
                        now
                    ],
                )?;
                Ok(())
            },
        )?;
        Ok(())
    }

    /// Whether the case has a plan a supervisor can approve (at least one live goal).
    pub(crate) fn has_live_plan(&self, case_id: Uuid) -> Result<bool> {
        Ok(self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM plan_items WHERE case_id = ?1 AND status != 'dropped')",
            [case_id.to_string()],
            |r| r.get(0),
        )?)
    }
}
