//! Welfare-rights screening (issue 6): a table of clients with the schemes they should
//! get, a rule change with an effective date that leaves old results alone, and "refer
//! for this right".

use chrono::NaiveDate;
use raksa_core::casework::CaseEventBody;
use raksa_core::model::*;
use raksa_core::referral::NewAgency;
use raksa_core::welfare::*;
use raksa_core::{CoreError, Session};

use crate::*;

fn facts(age: Option<u32>) -> ScreeningFacts {
    ScreeningFacts {
        on: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        age,
        thai: true,
        household_size: 1,
        household_income_year: None,
        disability_card: false,
        welfare_card_holder: false,
        in_school: false,
        hardship: false,
        deceased: false,
        receiving: vec![],
    }
}

fn eligible(results: &[SchemeResult]) -> Vec<(Scheme, u32)> {
    results
        .iter()
        .filter(|r| r.eligibility == Eligibility::Eligible)
        .map(|r| (r.scheme, r.amount.unwrap()))
        .collect()
}

fn of(results: &[SchemeResult], s: Scheme) -> &SchemeResult {
    results.iter().find(|r| r.scheme == s).unwrap()
}

#[test]
fn clients_get_the_schemes_the_rules_give_them_with_the_reason() {
    let (_o, s, _) = new_office();
    let rules = s.welfare_rules().unwrap();
    use Scheme::*;

    let r = evaluate(&rules, &facts(Some(72)));
    assert_eq!(eligible(&r), [(ElderlyAllowance, 700)]);
    assert_eq!(
        of(&r, ElderlyAllowance).reason_th,
        "อายุ 72 ปี → เบี้ยยังชีพผู้สูงอายุ 700 บาท/เดือน"
    );
    assert!(
        of(&r, ElderlyAllowance)
            .legal_ref
            .contains("ระเบียบกระทรวงมหาดไทย")
    );
    assert!(of(&r, ElderlyAllowance).paying_body.contains("อบต./เทศบาล"));

    // (facts, expected eligible schemes)
    let table: Vec<(ScreeningFacts, Vec<(Scheme, u32)>)> = vec![
        (facts(Some(60)), vec![(ElderlyAllowance, 600)]),
        (facts(Some(85)), vec![(ElderlyAllowance, 800)]),
        (facts(Some(91)), vec![(ElderlyAllowance, 1000)]),
        (facts(Some(59)), vec![]),
        (
            ScreeningFacts {
                disability_card: true,
                ..facts(Some(65))
            },
            vec![(DisabilityAllowance, 800), (ElderlyAllowance, 600)],
        ),
        (
            ScreeningFacts {
                disability_card: true,
                ..facts(Some(10))
            },
            vec![(DisabilityAllowance, 1000)],
        ),
        (
            ScreeningFacts {
                disability_card: true,
                welfare_card_holder: true,
                ..facts(Some(40))
            },
            vec![(DisabilityAllowance, 1000)],
        ),
        // a child under 6 in a household of 2 with 80,000 a year: 40,000 per person
        (
            ScreeningFacts {
                household_size: 2,
                household_income_year: Some(80_000),
                ..facts(Some(3))
            },
            vec![(ChildSupport, 600)],
        ),
        (
            ScreeningFacts {
                household_size: 2,
                household_income_year: Some(250_000),
                ..facts(Some(3))
            },
            vec![],
        ),
        // a pupil in a poor household of 4 (15,000 per person a year)
        (
            ScreeningFacts {
                in_school: true,
                household_size: 4,
                household_income_year: Some(60_000),
                ..facts(Some(14))
            },
            vec![(EquityGrant, 3000)],
        ),
        // a working-age adult in sudden hardship, low income
        (
            ScreeningFacts {
                hardship: true,
                household_income_year: Some(50_000),
                ..facts(Some(40))
            },
            vec![
                (Emergency, 3000),
                (LowIncomeFamily, 3000),
                (WelfareCard, 300),
            ],
        ),
        (
            ScreeningFacts {
                hardship: true,
                ..facts(Some(75))
            },
            vec![
                (ElderlyAllowance, 700),
                (ElderlyHardship, 3000),
                (Emergency, 3000),
                (LowIncomeFamily, 3000),
            ],
        ),
        (
            ScreeningFacts {
                hardship: true,
                deceased: true,
                ..facts(Some(80))
            },
            vec![
                (ElderlyAllowance, 800),
                (ElderlyHardship, 3000),
                (ElderlyFuneral, 3000),
                (Emergency, 3000),
                (LowIncomeFamily, 3000),
            ],
        ),
        // not Thai by the ID: the Thai-only schemes do not apply
        (
            ScreeningFacts {
                thai: false,
                hardship: true,
                ..facts(Some(70))
            },
            vec![(Emergency, 3000), (LowIncomeFamily, 3000)],
        ),
    ];
    for (f, want) in table {
        let mut got = eligible(&evaluate(&rules, &f));
        got.sort();
        let mut want = want;
        want.sort();
        assert_eq!(got, want, "{f:?}");
    }

    // unknown facts are asked for, not guessed
    let r = evaluate(&rules, &facts(Some(2)));
    assert_eq!(
        of(&r, ChildSupport).eligibility,
        Eligibility::NeedsInformation
    );
    assert!(
        of(&r, ChildSupport)
            .reason_th
            .contains("ยังไม่ได้กรอกรายได้ครัวเรือน")
    );
    let r = evaluate(&rules, &facts(None));
    assert_eq!(
        of(&r, ElderlyAllowance).eligibility,
        Eligibility::NeedsInformation
    );
    // a scheme already received is shown as such
    let r = evaluate(
        &rules,
        &ScreeningFacts {
            receiving: vec![ElderlyAllowance],
            ..facts(Some(72))
        },
    );
    assert_eq!(
        of(&r, ElderlyAllowance).eligibility,
        Eligibility::AlreadyReceives
    );
    let r = evaluate(
        &rules,
        &ScreeningFacts {
            thai: false,
            ..facts(Some(72))
        },
    );
    assert_eq!(
        of(&r, ElderlyAllowance).eligibility,
        Eligibility::NotEligible
    );
    assert!(of(&r, ElderlyAllowance).reason_th.contains("สัญชาติไทย"));
}

fn elderly_case(s: &mut Session) -> CaseSummary {
    // born 5 March 1950: 76 on 23 November 2026
    let p = s
        .register_person(&person("บุญมี", "ทองใบ", "3100600182731"))
        .unwrap();
    s.open_case(&NewCase {
        person_id: p.id,
        summary: "ผู้สูงอายุอยู่ลำพัง ขาดรายได้".into(),
        target_groups: vec![TargetGroup::Elderly],
        problem_domains: vec![ProblemDomain::Income],
        ..intake_defaults()
    })
    .unwrap()
}

fn screenings(s: &Session, case: uuid::Uuid) -> Vec<WelfareScreening> {
    s.get_case(case)
        .unwrap()
        .events
        .into_iter()
        .filter_map(|e| match e.body {
            CaseEventBody::WelfareScreened { screening } => Some(screening),
            _ => None,
        })
        .collect()
}

#[test]
fn a_rule_change_applies_from_its_date_and_old_screenings_keep_theirs() {
    let (o, mut s, _) = new_office();
    let c = elderly_case(&mut s);
    let f = s.welfare_facts(c.id).unwrap();
    assert_eq!(
        (f.age, f.thai, f.hardship, f.household_size),
        (Some(76), true, true, 1)
    );
    let first = s.screen_welfare(c.id, &f).unwrap();
    assert_eq!(
        of(&first.results, Scheme::ElderlyAllowance).amount_th,
        "700 บาท/เดือน"
    );

    // A new rate for 70–79 from 1 January 2027 (the regulation changed).
    let new = NewWelfareRule {
        scheme: Scheme::ElderlyAllowance,
        band: "อายุ 70–79 ปี".into(),
        effective_from: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
        min_age: Some(70),
        max_age: Some(79),
        max_income_per_person_year: None,
        conditions: vec![Condition::Thai],
        amount: 750,
        unit: AmountUnit::Month,
        up_to: false,
        paying_body: "องค์กรปกครองส่วนท้องถิ่น (อบต./เทศบาล) ที่มีภูมิลำเนา".into(),
        legal_ref: "ระเบียบกระทรวงมหาดไทยว่าด้วยหลักเกณฑ์การจ่ายเงินเบี้ยยังชีพผู้สูงอายุ (ฉบับแก้ไข 2570)".into(),
        note: String::new(),
    };
    s.add_welfare_rule(&new).unwrap();
    let rules = s.welfare_rules().unwrap();
    assert_eq!(
        rules.iter().filter(|r| r.band == "อายุ 70–79 ปี").count(),
        2,
        "the old version stays"
    );
    // Today the old rate is still in force.
    let today = evaluate(&rules, &s.welfare_facts(c.id).unwrap());
    assert_eq!(of(&today, Scheme::ElderlyAllowance).amount, Some(700));
    // After 1 January 2027 the new one applies, with its own legal reference.
    o.clock.advance_secs(70 * 86_400);
    let later_facts = s.welfare_facts(c.id).unwrap();
    let later = s.screen_welfare(c.id, &later_facts).unwrap();
    let e = of(&later.results, Scheme::ElderlyAllowance);
    assert_eq!(
        (e.amount, e.effective_from),
        (Some(750), NaiveDate::from_ymd_opt(2027, 1, 1))
    );
    assert!(e.legal_ref.contains("ฉบับแก้ไข 2570"));
    // The screening recorded in November still reads 700, with its rule.
    let all = screenings(&s, c.id);
    assert_eq!(all.len(), 2);
    let nov = all
        .iter()
        .find(|x| x.facts.on.to_string() == "2026-11-23")
        .unwrap();
    assert_eq!(of(&nov.results, Scheme::ElderlyAllowance).amount, Some(700));
    assert_eq!(
        of(&nov.results, Scheme::ElderlyAllowance)
            .rule_id
            .as_deref(),
        Some(
            first
                .results
                .iter()
                .find(|r| r.scheme == Scheme::ElderlyAllowance)
                .unwrap()
                .rule_id
                .as_deref()
                .unwrap()
        )
    );

    // Only an administrator changes rules; a bad rule is refused field by field.
    s.add_user(&NewUser {
        username: "worker".into(),
        full_name: "นางสาวมาลี ศรีสุข".into(),
        position: "นักสังคมสงเคราะห์".into(),
        role: Role::CaseWorker,
        password: "worker-password".into(),
    })
    .unwrap();
    let e = s
        .add_welfare_rule(&NewWelfareRule {
            amount: 0,
            legal_ref: " ".into(),
            ..new.clone()
        })
        .unwrap_err();
    let fields: Vec<_> = e.field_errors().iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["legal_ref", "amount"]);
    let mut w =
        raksa_core::office::unlock(&o.dir, "worker", "worker-password", o.clock.clone()).unwrap();
    assert!(matches!(
        w.add_welfare_rule(&new),
        Err(CoreError::Forbidden)
    ));
    // …but a worker screens.
    let f = w.welfare_facts(c.id).unwrap();
    w.screen_welfare(c.id, &f).unwrap();
}

#[test]
fn refer_for_this_right_drafts_a_referral_to_the_paying_agency() {
    let (_o, mut s, _) = new_office();
    let c = elderly_case(&mut s);
    let agency = s
        .add_agency(&NewAgency {
            name: "องค์การบริหารส่วนตำบลบ้านกร่าง".into(),
            head_position: "นายกองค์การบริหารส่วนตำบลบ้านกร่าง".into(),
            address: "ตำบลบ้านกร่าง อำเภอเมืองพิษณุโลก จังหวัดพิษณุโลก 65000".into(),
            phone: "".into(),
            email: "".into(),
            kind: AgencyKind::Outside,
            runs_raksa: false,
            raksa_office: "".into(),
        })
        .unwrap();
    let e = s
        .refer_for_right(c.id, Scheme::ElderlyAllowance, agency.id)
        .unwrap_err();
    assert!(e.message_th().contains("ยังไม่ได้ตรวจสอบสิทธิ"));
    let f = s.welfare_facts(c.id).unwrap();
    s.screen_welfare(c.id, &f).unwrap();
    let e = s
        .refer_for_right(c.id, Scheme::ChildSupport, agency.id)
        .unwrap_err();
    assert!(e.message_th().contains("ไม่พบว่ามีสิทธินี้"));
    let r = s
        .refer_for_right(c.id, Scheme::ElderlyAllowance, agency.id)
        .unwrap();
    assert_eq!(r.status, ReferralStatus::Draft);
    assert!(
        r.requested.contains("เบี้ยยังชีพผู้สูงอายุ (700 บาท/เดือน)"),
        "{}",
        r.requested
    );
    assert!(r.requested.contains("อายุ 76 ปี"));
    assert_eq!(
        r.shared,
        [
            SharedPart::Identity,
            SharedPart::CitizenId,
            SharedPart::Address
        ]
    );
    assert_eq!(r.legal_basis, LegalBasis::ElderlyAct);
}
