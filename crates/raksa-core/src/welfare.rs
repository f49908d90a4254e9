//! Welfare-rights screening: which state schemes a client appears eligible for, and why.
//! Rules and amounts live in a dated table (`welfare_rules`), never in code: a scheme's
//! band (e.g. elderly allowance, 70–79) has versions, each with an effective date and its
//! legal reference; a screening on date D uses, per band, the latest version in force on
//! D. An administrator adds a new version when a regulation changes; a screening once
//! recorded on a case keeps the rules and amounts it was made with (they are copied into
//! the case's timeline), so old assessments never change.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::audit::AuditAction;
use crate::casework::CaseEventBody;
use crate::error::{CoreError, FieldErrors, FieldProblem, Result};
use crate::identity::Identity;
use crate::model::{
    LegalBasis, LetterUrgency, ProblemDomain, Role, SharedPart, TargetGroup, Urgency,
};
use crate::referral::{NewReferral, Referral};
use crate::session::Session;
use crate::{thai_date, validate};

macro_rules! labelled_enum {
    ($(#[$m:meta])* $name:ident { $($v:ident = $s:literal / $th:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
        #[serde(rename_all = "snake_case")]
        #[ts(export)]
        pub enum $name { $($v),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),+];
            pub fn as_str(self) -> &'static str { match self { $($name::$v => $s),+ } }
            pub fn parse(s: &str) -> Option<Self> { match s { $($s => Some($name::$v),)+ _ => None } }
            pub fn label_th(self) -> &'static str { match self { $($name::$v => $th),+ } }
        }
    };
}

labelled_enum! {
    /// The schemes screened for (domain reference §7).
    Scheme {
        ChildSupport = "child_support" / "เงินอุดหนุนเพื่อการเลี้ยงดูเด็กแรกเกิด",
        ElderlyAllowance = "elderly_allowance" / "เบี้ยยังชีพผู้สูงอายุ",
        DisabilityAllowance = "disability_allowance" / "เบี้ยความพิการ",
        WelfareCard = "welfare_card" / "บัตรสวัสดิการแห่งรัฐ",
        Emergency = "emergency" / "เงินช่วยเหลือผู้ประสบปัญหาทางสังคมกรณีฉุกเฉิน",
        LowIncomeFamily = "low_income_family" / "เงินสงเคราะห์ครอบครัวผู้มีรายได้น้อย",
        ElderlyHardship = "elderly_hardship" / "เงินสงเคราะห์ผู้สูงอายุในภาวะยากลำบาก",
        ElderlyFuneral = "elderly_funeral" / "เงินสงเคราะห์ในการจัดการศพผู้สูงอายุตามประเพณี",
        EquityGrant = "equity_grant" / "ทุนเสมอภาค กสศ.",
    }
}

labelled_enum! {
    /// A fact a rule requires besides age and income.
    Condition {
        Thai = "thai" / "มีสัญชาติไทย",
        DisabilityCard = "disability_card" / "มีบัตรประจำตัวคนพิการ",
        WelfareCardHolder = "welfare_card_holder" / "ถือบัตรสวัสดิการแห่งรัฐ",
        Hardship = "hardship" / "ประสบปัญหาความเดือดร้อน",
        Deceased = "deceased" / "เสียชีวิตแล้ว (สำหรับการจัดการศพ)",
        InSchool = "in_school" / "กำลังศึกษาอยู่ในโรงเรียน",
    }
}

labelled_enum! {
    AmountUnit {
        Month = "month" / "บาท/เดือน",
        Time = "time" / "บาท/ครั้ง",
        Year = "year" / "บาท/ปี",
        Case = "case" / "บาท/ราย",
    }
}

/// One version of one band of a scheme.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct WelfareRule {
    pub id: String,
    pub scheme: Scheme,
    /// The band within the scheme, e.g. `อายุ 70–79 ปี`; versions of a band share it.
    pub band: String,
    #[ts(type = "string")]
    pub effective_from: NaiveDate,
    pub min_age: Option<u32>,
    pub max_age: Option<u32>,
    /// Household income per member per year, in baht.
    #[ts(type = "number | null")]
    pub max_income_per_person_year: Option<i64>,
    pub conditions: Vec<Condition>,
    pub amount: u32,
    pub unit: AmountUnit,
    /// The amount is a ceiling ("ไม่เกิน").
    pub up_to: bool,
    /// Who pays, e.g. องค์กรปกครองส่วนท้องถิ่น (อบต./เทศบาล).
    pub paying_body: String,
    pub legal_ref: String,
    pub note: String,
}

/// A new version of a band (or a new band), from the administrator's form.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewWelfareRule {
    pub scheme: Scheme,
    pub band: String,
    #[ts(type = "string")]
    pub effective_from: NaiveDate,
    pub min_age: Option<u32>,
    pub max_age: Option<u32>,
    #[ts(type = "number | null")]
    pub max_income_per_person_year: Option<i64>,
    pub conditions: Vec<Condition>,
    pub amount: u32,
    pub unit: AmountUnit,
    pub up_to: bool,
    pub paying_body: String,
    pub legal_ref: String,
    pub note: String,
}

/// What the screening looks at; prefilled from the record, confirmed by the worker.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ScreeningFacts {
    #[ts(type = "string")]
    pub on: NaiveDate,
    pub age: Option<u32>,
    pub thai: bool,
    pub household_size: u32,
    /// The whole household's income per year, in baht; `None` = not known.
    #[ts(type = "number | null")]
    pub household_income_year: Option<i64>,
    pub disability_card: bool,
    pub welfare_card_holder: bool,
    pub in_school: bool,
    pub hardship: bool,
    pub deceased: bool,
    /// Schemes the person already receives.
    pub receiving: Vec<Scheme>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Eligibility {
    Eligible,
    AlreadyReceives,
    NeedsInformation,
    NotEligible,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SchemeResult {
    pub scheme: Scheme,
    pub scheme_th: String,
    pub eligibility: Eligibility,
    /// `อายุ 72 ปี, มีสัญชาติไทย → เบี้ยยังชีพผู้สูงอายุ 700 บาท/เดือน`
    pub reason_th: String,
    /// The rule version applied (or the closest one when not eligible).
    pub rule_id: Option<String>,
    pub band: String,
    pub amount: Option<u32>,
    /// `700 บาท/เดือน`, `ไม่เกิน 3,000 บาท/ครั้ง`
    pub amount_th: String,
    pub paying_body: String,
    pub legal_ref: String,
    #[ts(type = "string | null")]
    pub effective_from: Option<NaiveDate>,
}

/// A screening as recorded on a case (and shown again later exactly as it was).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct WelfareScreening {
    pub facts: ScreeningFacts,
    pub results: Vec<SchemeResult>,
}

fn baht(n: i64) -> String {
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

fn amount_th(r: &WelfareRule) -> String {
    format!(
        "{}{} {}",
        if r.up_to {
            "ไม่เกิน "
        } else {
            ""
        },
        baht(r.amount.into()),
        r.unit.label_th()
    )
}

fn condition_holds(c: Condition, f: &ScreeningFacts) -> bool {
    match c {
        Condition::Thai => f.thai,
        Condition::DisabilityCard => f.disability_card,
        Condition::WelfareCardHolder => f.welfare_card_holder,
        Condition::Hardship => f.hardship,
        Condition::Deceased => f.deceased,
        Condition::InSchool => f.in_school,
    }
}

fn missing_th(c: Condition) -> &'static str {
    match c {
        Condition::Thai => "ไม่ใช่ผู้มีสัญชาติไทยตามเลขประจำตัวประชาชน",
        Condition::DisabilityCard => "ไม่มีบัตรประจำตัวคนพิการ",
        Condition::WelfareCardHolder => "ไม่ได้ถือบัตรสวัสดิการแห่งรัฐ",
        Condition::Hardship => "ไม่ได้ระบุว่าประสบปัญหาความเดือดร้อน",
        Condition::Deceased => "ยังมีชีวิตอยู่",
        Condition::InSchool => "ไม่ได้กำลังศึกษาอยู่ในโรงเรียน",
    }
}

/// How one band fits the facts: what matched, what failed, what is unknown.
struct Fit<'a> {
    rule: &'a WelfareRule,
    met: Vec<String>,
    failed: Vec<String>,
    unknown: Vec<String>,
}

fn fit<'a>(r: &'a WelfareRule, f: &ScreeningFacts) -> Fit<'a> {
    let mut met = Vec::new();
    let mut failed = Vec::new();
    let mut unknown = Vec::new();
    if r.min_age.is_some() || r.max_age.is_some() {
        let want = match (r.min_age, r.max_age) {
            (Some(a), Some(b)) => format!("อายุ {a}–{b} ปี"),
            (Some(a), None) => format!("อายุ {a} ปีขึ้นไป"),
            (None, Some(b)) => format!("อายุไม่เกิน {b} ปี"),
            (None, None) => unreachable!(),
        };
        match f.age {
            None => unknown.push(format!("ยังไม่ทราบอายุ (ต้อง{want})")),
            Some(age) => {
                let ok = r.min_age.is_none_or(|a| age >= a) && r.max_age.is_none_or(|b| age <= b);
                if ok {
                    met.push(format!("อายุ {age} ปี"));
                } else {
                    failed.push(format!("อายุ {age} ปี (ต้อง{want})"));
                }
            }
        }
    }
    if let Some(limit) = r.max_income_per_person_year {
        match f.household_income_year {
            None => unknown.push(format!(
                "ยังไม่ได้กรอกรายได้ครัวเรือน (ต้องไม่เกิน {} บาท/คน/ปี)",
                baht(limit)
            )),
            Some(total) => {
                let per = total / i64::from(f.household_size.max(1));
                if per <= limit {
                    met.push(format!("รายได้ {} บาท/คน/ปี", baht(per)));
                } else {
                    failed.push(format!(
                        "รายได้ {} บาท/คน/ปี (ต้องไม่เกิน {})",
                        baht(per),
                        baht(limit)
                    ));
                }
            }
        }
    }
    for c in &r.conditions {
        if condition_holds(*c, f) {
            if *c != Condition::Thai {
                met.push(c.label_th().to_owned());
            }
        } else {
            failed.push(missing_th(*c).to_owned());
        }
    }
    Fit {
        rule: r,
        met,
        failed,
        unknown,
    }
}

/// The rules in force on `on`: per (scheme, band), the latest version not after `on`.
pub fn rules_in_force(rules: &[WelfareRule], on: NaiveDate) -> Vec<&WelfareRule> {
    let mut best: std::collections::BTreeMap<(Scheme, &str), &WelfareRule> = Default::default();
    for r in rules.iter().filter(|r| r.effective_from <= on) {
        let e = best.entry((r.scheme, r.band.as_str())).or_insert(r);
        if r.effective_from > e.effective_from {
            *e = r;
        }
    }
    best.into_values().collect()
}

/// Screens the facts against the rules in force on `facts.on`. Pure: the same rules and
/// facts always give the same answer.
pub fn evaluate(rules: &[WelfareRule], facts: &ScreeningFacts) -> Vec<SchemeResult> {
    let in_force = rules_in_force(rules, facts.on);
    let mut out = Vec::new();
    for scheme in Scheme::ALL {
        let fits: Vec<Fit> = in_force
            .iter()
            .filter(|r| r.scheme == *scheme)
            .map(|r| fit(r, facts))
            .collect();
        if fits.is_empty() {
            continue;
        }
        let eligible = fits
            .iter()
            .filter(|f| f.failed.is_empty() && f.unknown.is_empty())
            .max_by_key(|f| f.rule.amount);
        let result = |fit: &Fit, eligibility, reason_th: String| SchemeResult {
            scheme: *scheme,
            scheme_th: scheme.label_th().to_owned(),
            eligibility,
            reason_th,
            rule_id: Some(fit.rule.id.clone()),
            band: fit.rule.band.clone(),
            amount: Some(fit.rule.amount),
            amount_th: amount_th(fit.rule),
            paying_body: fit.rule.paying_body.clone(),
            legal_ref: fit.rule.legal_ref.clone(),
            effective_from: Some(fit.rule.effective_from),
        };
        let receiving = facts.receiving.contains(scheme);
        let r = match eligible {
            Some(f) => {
                let why = if f.met.is_empty() {
                    String::new()
                } else {
                    format!("{} → ", f.met.join(", "))
                };
                if receiving {
                    result(
                        f,
                        Eligibility::AlreadyReceives,
                        format!(
                            "ได้รับอยู่แล้ว: {why}{} {}",
                            scheme.label_th(),
                            amount_th(f.rule)
                        ),
                    )
                } else {
                    result(
                        f,
                        Eligibility::Eligible,
                        format!("{why}{} {}", scheme.label_th(), amount_th(f.rule)),
                    )
                }
            }
            None => {
                // The closest band: fewest failures, then fewest unknowns.
                let closest = fits
                    .iter()
                    .min_by_key(|f| (f.failed.len(), f.unknown.len()))
                    .expect("non-empty");
                if receiving {
                    result(
                        closest,
                        Eligibility::AlreadyReceives,
                        format!("ได้รับอยู่แล้ว ({})", scheme.label_th()),
                    )
                } else if closest.failed.is_empty() {
                    result(
                        closest,
                        Eligibility::NeedsInformation,
                        closest.unknown.join(", "),
                    )
                } else {
                    result(closest, Eligibility::NotEligible, closest.failed.join(", "))
                }
            }
        };
        out.push(r);
    }
    let rank = |e: Eligibility| match e {
        Eligibility::Eligible => 0,
        Eligibility::NeedsInformation => 1,
        Eligibility::AlreadyReceives => 2,
        Eligibility::NotEligible => 3,
    };
    out.sort_by_key(|r| (rank(r.eligibility), r.scheme));
    out
}

/// Thai nationality from the citizen ID's first digit: 1–5 and 8 are Thai nationals;
/// 6, 7 and 0 are registered non-Thai residents (migrants, their children, stateless).
fn thai_by_id(identity: &Identity) -> bool {
    match identity {
        Identity::CitizenId { number } => {
            matches!(number.as_bytes().first(), Some(b'1'..=b'5' | b'8'))
        }
        _ => false,
    }
}

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
        self.conn().execute(
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
                self.user().id.to_string()
            ],
        )?;
        self.audit(
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
        Ok(rule)
    }

    /// The facts of a case's client as far as the record knows them, for the worker to
    /// confirm: age today, nationality from the ID, household size, disability from the
    /// target groups, hardship from the problems; income and schemes already received are
    /// carried over from the case's last screening.
    pub fn welfare_facts(&self, case_id: Uuid) -> Result<ScreeningFacts> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn baht_has_thousands_separators() {
        assert_eq!(baht(100000), "100,000");
        assert_eq!(baht(700), "700");
        assert_eq!(baht(1000), "1,000");
    }

    #[test]
    fn thai_nationality_from_the_first_digit() {
        let id = |n: &str| Identity::CitizenId { number: n.into() };
        assert!(thai_by_id(&id("3100600182731")));
        assert!(thai_by_id(&id("1101700203450")));
        assert!(!thai_by_id(&id("6101700203450")));
        assert!(!thai_by_id(&id("0101700203450")));
        let _ = d(2026, 1, 1);
    }
}
