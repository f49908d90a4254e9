//! Case work on an unlocked session: the case record and its timeline, stage changes under
//! the lifecycle rules, supervisor approvals (four eyes), assignment, notes, home visits and
//! assistance (all append-only; a correction is a new entry), and deadline work lists.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::audit::AuditAction;
use crate::deadlines::{self, CaseFacts, DeadlineRule, DueItem, Milestone, WorkList};
use crate::error::{CoreError, FieldErrors, FieldProblem, Result};
use crate::lifecycle::{self, ApprovalKind, TransitionError};
use crate::model::*;
use crate::session::{self, Session};
use crate::validate;

pub use raksa_domain::timeline::{AssistanceForm, CaseEventBody};

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CaseEvent {
    pub id: String,
    pub at: String,
    pub by: String,
    pub body: CaseEventBody,
    /// The entry this one corrects.
    pub corrects: Option<String>,
}

/// A waiting approval request, as the supervisor sees it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PendingApproval {
    pub approval: ApprovalKind,
    pub outcome: Option<ClosureOutcome>,
    pub reason: String,
    pub requested_by: Uuid,
    pub requested_by_name: String,
    pub requested_at: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CaseDetail {
    pub case: CaseSummary,
    pub target_groups: Vec<TargetGroup>,
    pub problem_domains: Vec<ProblemDomain>,
    pub reporter: Option<Reporter>,
    pub account: String,
    pub outcome: Option<ClosureOutcome>,
    pub pending: Option<PendingApproval>,
    pub events: Vec<CaseEvent>,
    pub deadlines: Vec<DueItem>,
    /// Stages a plain stage change may go to now.
    pub next_stages: Vec<CaseStatus>,
    /// Whether the signed-in user may decide the pending approval.
    pub can_decide: bool,
    /// Set when the case concerns the client's whole household.
    pub household_id: Option<Uuid>,
    pub plan_items: Vec<crate::plan::PlanItem>,
    /// State of the fact-finding form (`new` when nothing is saved yet).
    pub fact_finding: crate::fact_finding::FormStatus,
    /// Changes to this case are still waiting to go to the central server.
    pub unsynced: bool,
    /// The client's date of death, when recorded (shown on the case; it closes nothing).
    #[ts(type = "string | null")]
    pub person_death_date: Option<NaiveDate>,
    /// Who opened this sensitive case by breaking the glass, and why (newest first).
    pub openings: Vec<crate::access::CaseOpening>,
    /// Whether the signed-in user may mark the case sensitive / take the mark off.
    pub can_mark_sensitive: bool,
    pub can_unmark_sensitive: bool,
    /// Marked sensitive by hand (a safety case is sensitive whatever the mark).
    pub marked_sensitive: bool,
}

/// What a worker asks a supervisor to approve.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ApprovalRequest {
    pub approval: ApprovalKind,
    /// Required for closure.
    pub outcome: Option<ClosureOutcome>,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewHomeVisit {
    #[ts(type = "string")]
    pub visited_on: NaiveDate,
    pub visitors: String,
    pub living_conditions: String,
    pub findings: String,
    pub opinion: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewAssistance {
    #[ts(type = "string")]
    pub given_on: NaiveDate,
    pub form: AssistanceForm,
    pub description: String,
    pub amount_baht: Option<u32>,
    pub funding: String,
}

pub(crate) fn append_event(
    conn: &Connection,
    case_id: Uuid,
    user: Uuid,
    at: &str,
    body: &CaseEventBody,
    corrects: Option<&str>,
) -> Result<String> {
    let id = Uuid::now_v7().to_string();
    conn.prepare_cached(
        "INSERT INTO case_events (id, case_id, at, user_id, kind, body, corrects)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        id,
        case_id.to_string(),
        at,
        user.to_string(),
        body.kind(),
        serde_json::to_string(body).expect("serialisable"),
        corrects
    ])?;
    Ok(id)
}

fn transition_error(e: TransitionError) -> CoreError {
    CoreError::Transition(match e {
        TransitionError::NotAllowed => "not_allowed",
        TransitionError::NeedsApproval(ApprovalKind::Plan) => "needs_plan_approval",
        TransitionError::NeedsApproval(ApprovalKind::Closure) => "needs_closure_approval",
        TransitionError::Closed => "closed",
    })
}

fn past_or_today(field: &str, d: NaiveDate, today: NaiveDate, errs: &mut FieldErrors) {
    if d > today {
        errs.push(field, FieldProblem::DateInFuture);
    }
}

impl Session {
    pub(crate) fn case_stage(&self, id: Uuid) -> Result<(CaseStatus, Option<ApprovalKind>)> {
        self.require_need_to_know(id)?;
        let row: Option<(String, Option<String>)> = self
            .conn()
            .query_row(
                "SELECT status, pending_approval FROM cases WHERE id = ?1",
                [id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (s, p) = row.ok_or(CoreError::NotFound)?;
        Ok((
            CaseStatus::parse(&s).ok_or_else(|| CoreError::Corrupt("status".into()))?,
            p.as_deref().and_then(ApprovalKind::parse),
        ))
    }

    /// Writes one timeline entry (and its audit line) in one transaction, with an optional
    /// change to the case row.
    fn record(
        &mut self,
        case_id: Uuid,
        body: CaseEventBody,
        corrects: Option<&str>,
        update: Option<(&str, Vec<Box<dyn rusqlite::ToSql>>)>,
    ) -> Result<String> {
        self.record_all(case_id, &[body], corrects, update)
    }

    /// Writes several timeline entries that belong together (a decision and the move it
    /// causes) in one transaction. Returns the id of the first.
    fn record_all(
        &mut self,
        case_id: Uuid,
        bodies: &[CaseEventBody],
        corrects: Option<&str>,
        update: Option<(&str, Vec<Box<dyn rusqlite::ToSql>>)>,
    ) -> Result<String> {
        self.record_with(case_id, bodies, corrects, |tx| {
            if let Some((sql, args)) = update {
                let refs: Vec<&dyn rusqlite::ToSql> = args.iter().map(|b| b.as_ref()).collect();
                tx.execute(sql, refs.as_slice())?;
            }
            Ok(())
        })
    }

    /// The general form: `change` runs inside the same transaction as the timeline entries
    /// and the audit line, so either all of it is saved or none.
    pub(crate) fn record_with(
        &mut self,
        case_id: Uuid,
        bodies: &[CaseEventBody],
        corrects: Option<&str>,
        change: impl FnOnce(&rusqlite::Transaction) -> Result<()>,
    ) -> Result<String> {
        let first = bodies.first().expect("at least one entry");
        let now = self.now();
        let user = self.user().id;
        let mut tx = self.begin()?;
        change(&tx)?;
        tx.execute(
            "UPDATE cases SET updated_at = ?1 WHERE id = ?2",
            params![now, case_id.to_string()],
        )?;
        let id = append_event(&tx, case_id, user, &now, first, corrects)?;
        for body in &bodies[1..] {
            append_event(&tx, case_id, user, &now, body, None)?;
        }
        tx.audit(
            AuditAction::Update,
            "case",
            Some(&case_id.to_string()),
            first.kind(),
        )?;
        tx.commit()?;
        tracing::info!(case = %case_id, kind = first.kind(), "case event recorded");
        Ok(id)
    }

    /// The case with its timeline and deadlines (audited as a read).
    pub fn get_case(&self, id: Uuid) -> Result<CaseDetail> {
        self.require_need_to_know(id)?;
        let sql = format!(
            "SELECT {}, c.target_groups AS target_groups, c.problem_domains AS problem_domains,
                    c.reporter AS reporter, c.account AS account, c.outcome AS outcome,
                    c.pending_request AS pending_request, c.household_id AS household_id,
                    p.death_date AS person_death_date
             FROM cases c JOIN people p ON p.id = c.person_id
             LEFT JOIN users u ON u.id = c.assigned_to WHERE c.id = ?1",
            session::CASE_COLS
        );
        type Extra = (
            String,
            String,
            Option<String>,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let (case, extra): (CaseSummary, Extra) = self
            .conn()
            .query_row(&sql, [id.to_string()], |r| {
                Ok((
                    session::case_row(r)?,
                    (
                        r.get("target_groups")?,
                        r.get("problem_domains")?,
                        r.get("reporter")?,
                        r.get("account")?,
                        r.get("outcome")?,
                        r.get("pending_request")?,
                        r.get("household_id")?,
                        r.get("person_death_date")?,
                    ),
                ))
            })
            .optional()?
            .ok_or(CoreError::NotFound)?;
        let parse = |s: &str| -> Result<serde_json::Value> {
            serde_json::from_str(s).map_err(|e| CoreError::Corrupt(e.to_string()))
        };
        let target_groups: Vec<TargetGroup> = serde_json::from_value(parse(&extra.0)?)
            .map_err(|e| CoreError::Corrupt(e.to_string()))?;
        let problem_domains: Vec<ProblemDomain> = serde_json::from_value(parse(&extra.1)?)
            .map_err(|e| CoreError::Corrupt(e.to_string()))?;
        let reporter: Option<Reporter> = match &extra.2 {
            Some(s) => {
                Some(serde_json::from_str(s).map_err(|e| CoreError::Corrupt(e.to_string()))?)
            }
            None => None,
        };
        let pending: Option<PendingApproval> = match &extra.5 {
            Some(s) => {
                Some(serde_json::from_str(s).map_err(|e| CoreError::Corrupt(e.to_string()))?)
            }
            None => None,
        };
        let mut stmt = self.conn().prepare(
            "SELECT e.id, e.at, u.full_name, e.body, e.corrects FROM case_events e
             JOIN users u ON u.id = e.user_id WHERE e.case_id = ?1 ORDER BY e.at, e.id",
        )?;
        let events = stmt
            .query_map([id.to_string()], |r| {
                let body: String = r.get(3)?;
                let body: CaseEventBody =
                    serde_json::from_str(&body).map_err(|_| session::corrupt("event"))?;
                // Another office's answer is theirs, whoever the row is filed under.
                let by = match &body {
                    CaseEventBody::ReferralChanged {
                        answered_by: Some(who),
                        ..
                    } => who.clone(),
                    _ => r.get(2)?,
                };
                Ok(CaseEvent {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    by,
                    body,
                    corrects: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let rules = self.deadline_rules()?;
        let today = self.today();
        let facts = CaseFacts::from_timeline(
            case.intake_date,
            case.urgency,
            case.status,
            events.iter().map(|e| (e.at.as_str(), &e.body)),
        );
        let deadlines = deadlines::due_dates(&facts, &rules)
            .into_iter()
            .map(|(m, d)| due_item(&case, m, d, today))
            .collect();
        let can_decide = pending.as_ref().is_some_and(|p| {
            matches!(self.user().role, Role::Supervisor | Role::Admin)
                && p.requested_by != self.user().id
        });
        self.audit(
            crate::audit::Access::Read,
            "case",
            Some(&id.to_string()),
            "case opened",
        )?;
        let openings = self.case_openings(id)?;
        let (marked_sensitive, can_mark_sensitive, can_unmark_sensitive) =
            self.sensitive_marks(id)?;
        Ok(CaseDetail {
            openings,
            marked_sensitive,
            can_mark_sensitive,
            can_unmark_sensitive,
            next_stages: lifecycle::next_stages(case.status).to_vec(),
            case,
            target_groups,
            problem_domains,
            reporter,
            account: extra.3,
            outcome: extra.4.as_deref().and_then(ClosureOutcome::parse),
            pending,
            events,
            deadlines,
            can_decide,
            household_id: extra
                .6
                .as_deref()
                .map(Uuid::parse_str)
                .transpose()
                .map_err(|_| CoreError::Corrupt("id".into()))?,
            plan_items: self.plan_items(id)?,
            fact_finding: self.fact_finding_status(id)?,
            unsynced: self.case_unsynced(id)?,
            person_death_date: extra
                .7
                .as_deref()
                .map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d"))
                .transpose()
                .map_err(|_| CoreError::Corrupt("date".into()))?,
        })
    }

    /// A plain stage change along the lifecycle.
    pub fn change_stage(&mut self, case_id: Uuid, to: CaseStatus, reason: &str) -> Result<()> {
        let reason = validate::text(reason, validate::MAX_TEXT, true)
            .map_err(|p| CoreError::field("reason", p))?;
        let (from, pending) = self.case_stage(case_id)?;
        lifecycle::check_stage_change(from, to).map_err(transition_error)?;
        if pending.is_some() {
            return Err(CoreError::Transition("approval_pending"));
        }
        let today = self.today().format("%Y-%m-%d").to_string();
        self.record(
            case_id,
            CaseEventBody::StageChanged { from, to, reason },
            None,
            Some((
                "UPDATE cases SET status = ?1, stage_since = ?2 WHERE id = ?3",
                vec![
                    Box::new(to.as_str()),
                    Box::new(today),
                    Box::new(case_id.to_string()),
                ],
            )),
        )?;
        Ok(())
    }

    /// Asks a supervisor to approve the plan or the closure.
    pub fn request_approval(&mut self, case_id: Uuid, req: &ApprovalRequest) -> Result<()> {
        let (stage, pending) = self.case_stage(case_id)?;
        if pending.is_some() {
            return Err(CoreError::Transition("approval_pending"));
        }
        if !lifecycle::can_request(stage, req.approval) {
            return Err(transition_error(TransitionError::NotAllowed));
        }
        let reason = validate::required(&req.reason, validate::MAX_TEXT, true)
            .map_err(|p| CoreError::field("reason", p))?;
        if req.approval == ApprovalKind::Closure && req.outcome.is_none() {
            return Err(CoreError::field("outcome", FieldProblem::Required));
        }
        if req.approval == ApprovalKind::Plan && !self.has_live_plan(case_id)? {
            return Err(CoreError::Transition("no_plan"));
        }
        let pending = PendingApproval {
            approval: req.approval,
            outcome: req
                .outcome
                .filter(|_| req.approval == ApprovalKind::Closure),
            reason: reason.clone(),
            requested_by: self.user().id,
            requested_by_name: self.user().full_name.clone(),
            requested_at: self.now(),
        };
        self.record(
            case_id,
            CaseEventBody::ApprovalRequested {
                approval: req.approval,
                outcome: pending.outcome,
                reason,
            },
            None,
            Some((
                "UPDATE cases SET pending_approval = ?1, pending_request = ?2 WHERE id = ?3",
                vec![
                    Box::new(req.approval.as_str()),
                    Box::new(serde_json::to_string(&pending).expect("serialisable")),
                    Box::new(case_id.to_string()),
                ],
            )),
        )?;
        Ok(())
    }

    /// A supervisor approves (the case moves on) or returns the request with a comment.
    /// Nobody decides their own request.
    pub fn decide_approval(&mut self, case_id: Uuid, approve: bool, comment: &str) -> Result<()> {
        self.require(&[Role::Supervisor, Role::Admin])?;
        let comment = validate::text(comment, validate::MAX_TEXT, true)
            .map_err(|p| CoreError::field("comment", p))?;
        if !approve && comment.is_empty() {
            return Err(CoreError::field("comment", FieldProblem::Required));
        }
        let req: Option<String> = self
            .conn()
            .query_row(
                "SELECT pending_request FROM cases WHERE id = ?1",
                [case_id.to_string()],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(CoreError::NotFound)?;
        let req: PendingApproval =
            serde_json::from_str(&req.ok_or(CoreError::Transition("no_pending_approval"))?)
                .map_err(|e| CoreError::Corrupt(e.to_string()))?;
        if req.requested_by == self.user().id {
            return Err(CoreError::Transition("own_request"));
        }
        let (from, _) = self.case_stage(case_id)?;
        let body = CaseEventBody::ApprovalDecided {
            approval: req.approval,
            approved: approve,
            comment,
        };
        let today = self.today().format("%Y-%m-%d").to_string();
        let update: (&str, Vec<Box<dyn rusqlite::ToSql>>) = if approve {
            let to = lifecycle::after_approval(req.approval);
            (
                "UPDATE cases SET status = ?1, stage_since = ?2, pending_approval = NULL,
                     pending_request = NULL, outcome = ?3 WHERE id = ?4",
                vec![
                    Box::new(to.as_str()),
                    Box::new(today),
                    Box::new(req.outcome.map(|o| o.as_str())),
                    Box::new(case_id.to_string()),
                ],
            )
        } else {
            (
                "UPDATE cases SET pending_approval = NULL, pending_request = NULL WHERE id = ?1",
                vec![Box::new(case_id.to_string())],
            )
        };
        let mut bodies = vec![body];
        if approve {
            // The move itself is on the timeline too, in the same transaction, so the stage
            // history reads straight and a crash cannot leave the decision without the move.
            bodies.push(CaseEventBody::StageChanged {
                from,
                to: lifecycle::after_approval(req.approval),
                reason: String::new(),
            });
        }
        self.record_all(case_id, &bodies, None, Some(update))?;
        Ok(())
    }

    /// Reopens a closed case; work starts again at assessment.
    pub fn reopen_case(&mut self, case_id: Uuid, reason: &str) -> Result<()> {
        let reason = validate::required(reason, validate::MAX_TEXT, true)
            .map_err(|p| CoreError::field("reason", p))?;
        let (stage, _) = self.case_stage(case_id)?;
        if stage != CaseStatus::Closed {
            return Err(transition_error(TransitionError::NotAllowed));
        }
        let today = self.today().format("%Y-%m-%d").to_string();
        self.record(
            case_id,
            CaseEventBody::Reopened { reason },
            None,
            Some((
                "UPDATE cases SET status = ?1, stage_since = ?2, outcome = NULL WHERE id = ?3",
                vec![
                    Box::new(lifecycle::REOPEN_STAGE.as_str()),
                    Box::new(today),
                    Box::new(case_id.to_string()),
                ],
            )),
        )?;
        Ok(())
    }

    /// Assigns the case to a worker (supervisors and administrators). History stays on the
    /// timeline.
    pub fn assign_case(&mut self, case_id: Uuid, user_id: Uuid) -> Result<()> {
        self.require(&[Role::Supervisor, Role::Admin])?;
        self.case_stage(case_id)?;
        let name: String = self
            .conn()
            .query_row(
                "SELECT full_name FROM users WHERE id = ?1 AND active = 1",
                [user_id.to_string()],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(CoreError::NotFound)?;
        self.record(
            case_id,
            CaseEventBody::Assigned {
                to_user: user_id,
                to_name: name,
            },
            None,
            Some((
                "UPDATE cases SET assigned_to = ?1 WHERE id = ?2",
                vec![Box::new(user_id.to_string()), Box::new(case_id.to_string())],
            )),
        )?;
        Ok(())
    }

    pub fn add_note(&mut self, case_id: Uuid, text: &str) -> Result<String> {
        let text = validate::required(text, validate::MAX_TEXT, true)
            .map_err(|p| CoreError::field("text", p))?;
        self.case_stage(case_id)?;
        self.record(case_id, CaseEventBody::Note { text }, None, None)
    }

    pub fn add_home_visit(&mut self, case_id: Uuid, v: &NewHomeVisit) -> Result<String> {
        let mut errs = FieldErrors::default();
        past_or_today("visited_on", v.visited_on, self.today(), &mut errs);
        let visitors = errs.check(
            "visitors",
            validate::required(&v.visitors, validate::MAX_LINE, false),
        );
        let living = errs.check(
            "living_conditions",
            validate::text(&v.living_conditions, validate::MAX_TEXT, true),
        );
        let findings = errs.check(
            "findings",
            validate::required(&v.findings, validate::MAX_TEXT, true),
        );
        let opinion = errs.check(
            "opinion",
            validate::text(&v.opinion, validate::MAX_TEXT, true),
        );
        errs.into_result()?;
        self.case_stage(case_id)?;
        self.record(
            case_id,
            CaseEventBody::HomeVisit {
                visited_on: v.visited_on,
                visitors: visitors.expect("validated"),
                living_conditions: living.expect("validated"),
                findings: findings.expect("validated"),
                opinion: opinion.expect("validated"),
            },
            None,
            None,
        )
    }

    pub fn add_assistance(&mut self, case_id: Uuid, a: &NewAssistance) -> Result<String> {
        let mut errs = FieldErrors::default();
        past_or_today("given_on", a.given_on, self.today(), &mut errs);
        let description = errs.check(
            "description",
            validate::required(&a.description, validate::MAX_LINE, false),
        );
        let funding = errs.check(
            "funding",
            validate::text(&a.funding, validate::MAX_LINE, false),
        );
        if a.form == AssistanceForm::Money && a.amount_baht.is_none_or(|x| x == 0) {
            errs.push("amount_baht", FieldProblem::Required);
        }
        if a.amount_baht.is_some_and(|x| x > 10_000_000) {
            errs.push("amount_baht", FieldProblem::OutOfRange);
        }
        errs.into_result()?;
        self.case_stage(case_id)?;
        self.record(
            case_id,
            CaseEventBody::Assistance {
                given_on: a.given_on,
                form: a.form,
                description: description.expect("validated"),
                amount_baht: a.amount_baht,
                funding: funding.expect("validated"),
            },
            None,
            None,
        )
    }

    /// Corrects an earlier entry: the original stays; the correction points at it.
    pub fn add_correction(&mut self, case_id: Uuid, corrects: &str, text: &str) -> Result<String> {
        let text = validate::required(text, validate::MAX_TEXT, true)
            .map_err(|p| CoreError::field("text", p))?;
        let exists: bool = self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM case_events WHERE id = ?1 AND case_id = ?2)",
            params![corrects, case_id.to_string()],
            |r| r.get(0),
        )?;
        if !exists {
            return Err(CoreError::NotFound);
        }
        self.record(
            case_id,
            CaseEventBody::Correction { text },
            Some(corrects),
            None,
        )
    }

    // ---- deadlines --------------------------------------------------------------------

    /// Every deadline rule (defaults plus the office's dated changes).
    pub fn deadline_rules(&self) -> Result<Vec<DeadlineRule>> {
        let mut rules = deadlines::default_rules();
        let mut stmt = self.conn().prepare_cached(
            "SELECT milestone, urgency, days, effective_from, reference FROM deadline_rules",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(DeadlineRule {
                milestone: Milestone::parse(&r.get::<_, String>(0)?)
                    .ok_or_else(|| session::corrupt("milestone"))?,
                urgency: Urgency::parse(&r.get::<_, String>(1)?)
                    .ok_or_else(|| session::corrupt("urgency"))?,
                days: r.get(2)?,
                effective_from: session::date_col(r, 3)?,
                reference: r.get(4)?,
            })
        })?;
        for r in rows {
            rules.push(r?);
        }
        Ok(rules)
    }

    /// An administrator sets a rule from a date on; earlier cases keep the old rule.
    pub fn set_deadline_rule(&mut self, rule: &DeadlineRule) -> Result<()> {
        self.require(&[Role::Admin])?;
        if !(1..=366).contains(&rule.days) {
            return Err(CoreError::field("days", FieldProblem::OutOfRange));
        }
        let reference = validate::text(&rule.reference, validate::MAX_LINE, false)
            .map_err(|p| CoreError::field("reference", p))?;
        // Rules are versions, never edits: a case is measured by the rules in force on its
        // intake date, so a rule may only start today or later, and never replace one.
        if rule.effective_from < self.today() {
            return Err(CoreError::field("effective_from", FieldProblem::RuleInPast));
        }
        let exists: bool = self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM deadline_rules
                 WHERE milestone = ?1 AND urgency = ?2 AND effective_from = ?3)",
            params![
                rule.milestone.as_str(),
                rule.urgency.as_str(),
                rule.effective_from.format("%Y-%m-%d").to_string()
            ],
            |r| r.get(0),
        )?;
        if exists {
            return Err(CoreError::field(
                "effective_from",
                FieldProblem::RuleVersionExists,
            ));
        }
        let now = self.now();
        let uid = self.user().id.to_string();
        // signed by the administrator (issue 14 §1): a copy of the key for this write
        let signer = raksa_protocol::signed::AdminSigner::from_seed(&self.signer()?.seed());
        let from = rule.effective_from.format("%Y-%m-%d").to_string();
        let mut fields = serde_json::Map::new();
        fields.insert("milestone".into(), rule.milestone.as_str().into());
        fields.insert("urgency".into(), rule.urgency.as_str().into());
        fields.insert("days".into(), i64::from(rule.days).into());
        fields.insert("effective_from".into(), from.clone().into());
        fields.insert("reference".into(), reference.clone().into());
        fields.insert("created_by".into(), uid.into());
        fields.insert("created_at".into(), now.into());
        let record_id = crate::admin_signing::rule_record_id(
            rule.milestone.as_str(),
            rule.urgency.as_str(),
            &from,
        );
        let mut w = self.begin()?;
        crate::admin_signing::write_signed(
            &w,
            &signer,
            raksa_protocol::Entity::DeadlineRules,
            &record_id,
            fields,
        )?;
        w.audit(
            AuditAction::Update,
            "deadline_rule",
            None,
            &format!(
                "{} {} = {} days",
                rule.milestone.as_str(),
                rule.urgency.as_str(),
                rule.days
            ),
        )?;
        w.commit()?;
        Ok(())
    }

    /// Deadlines of open cases: the signed-in worker's (`mine`) or the whole office's.
    pub fn work_list(&self, mine: bool) -> Result<WorkList> {
        if !mine {
            self.require(&[Role::Supervisor, Role::Admin])?;
        }
        let rules = self.deadline_rules()?;
        let today = self.today();
        let filter = if mine {
            "AND c.assigned_to = ?1"
        } else {
            "AND ?1 IS NOT NULL"
        };
        let sql = format!(
            "SELECT {} FROM cases c JOIN people p ON p.id = c.person_id
             LEFT JOIN users u ON u.id = c.assigned_to
             WHERE c.status != 'closed' {filter}",
            session::CASE_COLS
        );
        let mut stmt = self.conn().prepare(&sql)?;
        let cases = stmt
            .query_map([self.user().id.to_string()], session::case_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        // The timeline entries the deadline reading needs, for the same open cases.
        let timelines = deadline_timelines(
            self.conn(),
            &format!(
                "FROM case_events e JOIN cases c ON c.id = e.case_id
                 WHERE c.status != 'closed' {filter}"
            ),
            [self.user().id.to_string()],
        )?;
        let mut items = Vec::new();
        for case in cases {
            let timeline = timelines.get(&case.id.to_string());
            let facts = CaseFacts::from_timeline(
                case.intake_date,
                case.urgency,
                case.status,
                timeline
                    .into_iter()
                    .flatten()
                    .map(|(at, body)| (at.as_str(), body)),
            );
            for (m, d) in deadlines::due_dates(&facts, &rules) {
                items.push(due_item(&case, m, d, today));
            }
        }
        items.extend(self.referral_due_items(mine)?);
        items.sort_by(|a, b| a.due_date.cmp(&b.due_date).then(a.case_no.cmp(&b.case_no)));
        let count = |s| items.iter().filter(|i| i.state == s).count() as u32;
        Ok(WorkList {
            today,
            overdue: count(deadlines::DueState::Overdue),
            due_today: count(deadlines::DueState::Today),
            due_this_week: count(deadlines::DueState::ThisWeek),
            items,
        })
    }
}

/// The timeline entries `CaseFacts::from_timeline` reads, by case id, for the cases that
/// `from` (a FROM … WHERE clause naming the entries `e`) selects with `params`: the one
/// loader of deadline timelines ("my work", the office list, the kept due dates).
pub(crate) fn deadline_timelines(
    conn: &Connection,
    from: &str,
    params: impl rusqlite::Params,
) -> Result<std::collections::HashMap<String, Vec<(String, CaseEventBody)>>> {
    let mut timelines: std::collections::HashMap<String, Vec<(String, CaseEventBody)>> =
        std::collections::HashMap::new();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT e.case_id, e.at, e.body {from} AND e.kind IN ({})",
        CaseFacts::KINDS.map(|k| format!("'{k}'")).join(", ")
    ))?;
    let rows = stmt.query_map(params, |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    for row in rows {
        let (case_id, at, body) = row?;
        let body: CaseEventBody =
            serde_json::from_str(&body).map_err(|_| session::corrupt("case_events.body"))?;
        timelines.entry(case_id).or_default().push((at, body));
    }
    Ok(timelines)
}

fn due_item(case: &CaseSummary, m: Milestone, due: NaiveDate, today: NaiveDate) -> DueItem {
    DueItem {
        case_id: case.id,
        case_no: case.case_no.clone(),
        person_name: case.person_name.clone(),
        assigned_to: case.assigned_to.clone(),
        stage: case.status,
        urgency: case.urgency,
        milestone: m,
        due_date: due,
        state: deadlines::due_state(due, today),
        days_late: (today - due).num_days(),
        referral_id: None,
        note: None,
    }
}
