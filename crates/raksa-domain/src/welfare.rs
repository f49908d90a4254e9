//! Welfare-rights screening: which state schemes a client appears eligible for, and why.
//! Rules and amounts live in a dated table (`welfare_rules`), never in code: a scheme's
//! band (e.g. elderly allowance, 70–79) has versions, each with an effective date and its
//! legal reference; a screening on date D uses, per band, the latest version in force on
//! D. An administrator adds a new version when a regulation changes; a screening once
//! recorded on a case keeps the rules and amounts it was made with (they are copied into
//! the case's timeline), so old assessments never change.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::identity::Identity;

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
pub fn thai_by_id(identity: &Identity) -> bool {
    match identity {
        Identity::CitizenId { number } => {
            matches!(number.as_bytes().first(), Some(b'1'..=b'5' | b'8'))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
