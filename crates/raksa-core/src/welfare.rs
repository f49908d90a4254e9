//! Welfare-rights screening on the office database: the dated rule table (`welfare_rules`),
//! screenings recorded on the case timeline, and "refer for this right". The rules
//! themselves and their evaluation are pure and live in `raksa_domain::welfare`.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use crate::audit::AuditAction;
use crate::casework::CaseEventBody;
use crate::error::{CoreError, FieldErrors, FieldProblem, Result};
use crate::model::{
    LegalBasis, LetterUrgency, ProblemDomain, Role, SharedPart, TargetGroup, Urgency,
};
use crate::referral::{NewReferral, Referral};
use crate::session::Session;
use crate::{thai_date, validate};
pub use raksa_domain::welfare::*;

const RULE_COLS: &str = "id, scheme, band, effective_from, min_age, max_age, \
     max_income_per_person_year, conditions, amount, unit, up_to, paying_body, legal_ref, note";

fn rule_row(r: &rusqlite::Row) -> rusqlite::Result<WelfareRule> {
    let bad = |what: &str| crate::session::corrupt(what);
    Ok(WelfareRule {
        id: r.get(0)?,
        scheme: Scheme::parse(&r.get::<_, String>(1)?).ok_or_else(|| bad("scheme"))?,
        band: r.get(2)?,
        effective_from: NaiveDate::parse_from_str(&r.get::<_, String>(3)?, "%Y-%m-%d")
            .map_err(|_| bad("effective_from"))?,
        min_age: r.get(4)?,
        max_age: r.get(5)?,
        max_income_per_person_year: r.get(6)?,
        conditions: serde_json::from_str(&r.get::<_, String>(7)?).map_err(|_| bad("conditions"))?,
        amount: r.get(8)?,
        unit: AmountUnit::parse(&r.get::<_, String>(9)?).ok_or_else(|| bad("unit"))?,
        up_to: r.get(10)?,
        paying_body: r.get(11)?,
        legal_ref: r.get(12)?,
        note: r.get(13)?,
    })
}

impl Session {
    /// Every version of every rule, newest first within a band.
    pub fn welfare_rules(&self) -> Result<Vec<WelfareRule>> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {RULE_COLS} FROM welfare_rules ORDER BY scheme, band, effective_from DESC"
        ))?;
        let rows = stmt.query_map([], rule_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Adds a version of a band (administrators). Earlier versions stay: screenings dated
    /// before `effective_from` keep using them.
    pub fn add_welfare_rule(&mut self, n: &NewWelfareRule) -> Result<WelfareRule> {
        self.require(&[Role::Admin])?;
        let mut errs = FieldErrors::default();
        let band = errs.check("band", validate::required(&n.band, 80, false));
        let body = errs.check(
            "paying_body",
            validate::required(&n.paying_body, 200, false),
        );
        let legal = errs.check("legal_ref", validate::required(&n.legal_ref, 500, true));
        let note = errs.check("note", validate::text(&n.note, 500, true));
        if n.amount == 0 || n.amount > 1_000_000 {
            errs.push("amount", FieldProblem::OutOfRange);
        }
        if let (Some(a), Some(b)) = (n.min_age, n.max_age)
            && a > b
        {
            errs.push("max_age", FieldProblem::OutOfRange);
        }
        if n.min_age.is_some_and(|a| a > 130) || n.max_age.is_some_and(|a| a > 130) {
            errs.push("min_age", FieldProblem::OutOfRange);
        }
        if n.max_income_per_person_year.is_some_and(|i| i <= 0) {
            errs.push("max_income_per_person_year", FieldProblem::OutOfRange);
        }
        errs.into_result()?;
        let mut conditions = n.conditions.clone();
        conditions.sort();
        conditions.dedup();
        let rule = WelfareRule {
            id: Uuid::now_v7().to_string(),
            scheme: n.scheme,
            band: band.expect("validated"),
            effective_from: n.effective_from,
            min_age: n.min_age,
            max_age: n.max_age,
            max_income_per_person_year: n.max_income_per_person_year,
            conditions,
            amount: n.amount,
            unit: n.unit,
            up_to: n.up_to,
            paying_body: body.expect("validated"),
            legal_ref: legal.expect("validated"),
            note: note.expect("validated"),
        };
        let now = self.now();
        let uid = self.user().id.to_string();
        let mut w = self.begin()?;
        w.execute(
            &format!(
                "INSERT INTO welfare_rules ({RULE_COLS}, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
            ),
            params![
                rule.id,
                rule.scheme.as_str(),
                rule.band,
                rule.effective_from.format("%Y-%m-%d").to_string(),
                rule.min_age,
                rule.max_age,
                rule.max_income_per_person_year,
                serde_json::to_string(&rule.conditions).expect("serialisable"),
                rule.amount,
                rule.unit.as_str(),
                rule.up_to,
                rule.paying_body,
                rule.legal_ref,
                rule.note,
                now,
                uid
            ],
        )?;
        w.audit(
            AuditAction::Update,
            "welfare_rule",
            Some(&rule.id),
            &format!(
                "{} / {} from {}: {} {}",
                rule.scheme.as_str(),
                rule.band,
                rule.effective_from,
                rule.amount,
                rule.unit.as_str()
            ),
        )?;
        w.commit()?;
        Ok(rule)
    }

    /// The facts of a case's client as far as the record knows them, for the worker to
    /// confirm: age today, nationality from the ID, household size, disability from the
    /// target groups, hardship from the problems; income and schemes already received are
    /// carried over from the case's last screening.
    pub fn welfare_facts(&self, case_id: Uuid) -> Result<ScreeningFacts> {
        self.require_need_to_know(case_id)?;
        let d = self.get_case(case_id)?;
        let person = self.get_person(d.case.person_id)?.person;
        let today = self.today();
        let household = self.person_household(person.id)?;
        let last = self.last_screening(case_id)?;
        Ok(ScreeningFacts {
            on: today,
            age: person.birth_date.map(|b| thai_date::age_on(b, today)),
            thai: thai_by_id(&person.identity),
            household_size: household
                .as_ref()
                .map(|h| h.current().count() as u32)
                .unwrap_or(1)
                .max(1),
            household_income_year: last.as_ref().and_then(|l| l.facts.household_income_year),
            disability_card: d.target_groups.contains(&TargetGroup::Disabled)
                || last.as_ref().is_some_and(|l| l.facts.disability_card),
            welfare_card_holder: last.as_ref().is_some_and(|l| l.facts.welfare_card_holder),
            in_school: last.as_ref().is_some_and(|l| l.facts.in_school),
            hardship: d.case.urgency == Urgency::Urgent
                || d.problem_domains.contains(&ProblemDomain::Income)
                || d.problem_domains.contains(&ProblemDomain::Disaster),
            deceased: false,
            receiving: last.map(|l| l.facts.receiving).unwrap_or_default(),
        })
    }

    fn last_screening(&self, case_id: Uuid) -> Result<Option<WelfareScreening>> {
        let body: Option<String> = self
            .conn()
            .query_row(
                "SELECT body FROM case_events WHERE case_id = ?1 AND kind = 'welfare_screened'
                 ORDER BY at DESC, id DESC LIMIT 1",
                [case_id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        Ok(
            body.and_then(|b| match serde_json::from_str::<CaseEventBody>(&b) {
                Ok(CaseEventBody::WelfareScreened { screening }) => Some(screening),
                _ => None,
            }),
        )
    }

    /// Screens the case's client and records the result on the case's timeline, with the
    /// rules and amounts used, so it reads the same after the rules change.
    pub fn screen_welfare(
        &mut self,
        case_id: Uuid,
        facts: &ScreeningFacts,
    ) -> Result<WelfareScreening> {
        let mut errs = FieldErrors::default();
        if facts.on > self.today() {
            errs.push("on", FieldProblem::DateInFuture);
        }
        if facts.age.is_some_and(|a| a > 130) {
            errs.push("age", FieldProblem::OutOfRange);
        }
        if facts.household_size == 0 || facts.household_size > 100 {
            errs.push("household_size", FieldProblem::OutOfRange);
        }
        if facts
            .household_income_year
            .is_some_and(|i| !(0..=100_000_000).contains(&i))
        {
            errs.push("household_income_year", FieldProblem::OutOfRange);
        }
        errs.into_result()?;
        self.case_stage(case_id)?;
        let rules = self.welfare_rules()?;
        let screening = WelfareScreening {
            facts: facts.clone(),
            results: evaluate(&rules, facts),
        };
        self.record_with(
            case_id,
            &[CaseEventBody::WelfareScreened {
                screening: screening.clone(),
            }],
            None,
            |_| Ok(()),
        )?;
        Ok(screening)
    }

    /// "Refer for this right": a draft referral to the paying agency asking it to consider
    /// the client for the scheme, from the case's latest screening. Shares only who the
    /// client is and where they live; the worker can edit before sending.
    pub fn refer_for_right(
        &mut self,
        case_id: Uuid,
        scheme: Scheme,
        agency_id: Uuid,
    ) -> Result<Referral> {
        let screening = self
            .last_screening(case_id)?
            .ok_or(CoreError::Transition("no_screening"))?;
        let r = screening
            .results
            .iter()
            .find(|r| r.scheme == scheme && r.eligibility == Eligibility::Eligible)
            .ok_or(CoreError::Transition("not_eligible"))?;
        let requested = format!(
            "ขอความอนุเคราะห์พิจารณาให้ผู้รับบริการได้รับ{} ({}) ตาม{} เนื่องจาก{}",
            r.scheme_th, r.amount_th, r.legal_ref, r.reason_th
        );
        let legal_basis = match scheme {
            Scheme::ElderlyAllowance | Scheme::ElderlyHardship | Scheme::ElderlyFuneral => {
                LegalBasis::ElderlyAct
            }
            Scheme::DisabilityAllowance => LegalBasis::DisabilityAct,
            _ => LegalBasis::LegalDuty,
        };
        self.create_referral(
            case_id,
            &NewReferral {
                agency_id,
                urgency: LetterUrgency::Normal,
                secrecy: None,
                requested,
                legal_basis,
                shared: vec![
                    SharedPart::Identity,
                    SharedPart::CitizenId,
                    SharedPart::Address,
                ],
            },
        )
    }
}
