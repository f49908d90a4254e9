//! The one write path (issue 12): a change, its audit entry and its outbox rows commit or
//! roll back together. A fault injected after the change and its audit entry were written
//! but before the commit leaves none of the three.

use raksa_core::deadlines::{DeadlineRule, Milestone};
use raksa_core::referral::NewAgency;
use raksa_core::{CoreError, Session};

use crate::*;

/// What a failed write must leave exactly as it was.
fn footprint(s: &Session) -> (usize, usize, usize, usize, usize) {
    (
        s.audit_entries(100_000).unwrap().len(),
        s.outbox_batch(100_000).unwrap().len(),
        s.search_cases("", 500).unwrap().len(),
        s.agencies(true).unwrap().len(),
        s.deadline_rules().unwrap().len(),
    )
}

fn agency() -> NewAgency {
    NewAgency {
        name: "โรงพยาบาลพุทธชินราช พิษณุโลก".into(),
        head_position: "ผู้อำนวยการโรงพยาบาลพุทธชินราช".into(),
        address: "ถนนศรีธรรมไตรปิฎก อำเภอเมืองพิษณุโลก".into(),
        phone: String::new(),
        email: String::new(),
        kind: AgencyKind::Outside,
        runs_raksa: false,
        raksa_office: String::new(),
    }
}

#[test]
fn a_fault_before_commit_leaves_neither_the_change_nor_its_audit_entry() {
    let (_o, mut s, _) = new_office();
    let p = s
        .register_person(&person("มาลี", "ใจดี", "3100600182731"))
        .unwrap();
    let case = s
        .open_case(&NewCase {
            person_id: p.id,
            summary: "ขาดรายได้".into(),
            ..intake_defaults()
        })
        .unwrap();

    type Step = Box<dyn Fn(&mut Session) -> raksa_core::Result<()>>;
    let steps: Vec<(&str, Step)> = vec![
        (
            "register a person",
            Box::new(|s| {
                s.register_person(&person("บุญมี", "ทองใบ", "1101700203450"))
                    .map(drop)
            }),
        ),
        (
            "add an agency",
            Box::new(|s| s.add_agency(&agency()).map(drop)),
        ),
        (
            "set a deadline rule",
            Box::new(|s| {
                s.set_deadline_rule(&DeadlineRule {
                    milestone: Milestone::FirstContact,
                    urgency: Urgency::Normal,
                    days: 5,
                    effective_from: nov_23().date_naive(),
                    reference: "หนังสือสั่งการ".into(),
                })
            }),
        ),
        (
            "letter settings",
            Box::new(|s| {
                let mut l = s.letter_settings()?;
                l.signer_name = "นางสาวสุดา ดีมาก".into();
                s.set_letter_settings(&l)
            }),
        ),
        (
            "a note on the case timeline",
            Box::new(move |s| s.add_note(case.id, "โทรติดตามแล้ว").map(drop)),
        ),
        (
            "open a case",
            Box::new(move |s| {
                s.open_case(&NewCase {
                    person_id: p.id,
                    summary: "เรื่องใหม่".into(),
                    ..intake_defaults()
                })
                .map(drop)
            }),
        ),
    ];
    for (what, step) in &steps {
        let case_before = s.get_case(case.id).unwrap().events.len();
        let before = footprint(&s);
        s.fail_next_commit();
        let e = step(&mut s).expect_err(what);
        assert!(matches!(e, CoreError::Io(_)), "{what}: {e:?}");
        assert_eq!(footprint(&s), before, "{what}: something was left behind");
        assert_eq!(
            s.get_case(case.id).unwrap().events.len(),
            case_before,
            "{what}"
        );
        // (get_case audited its read: an access entry, not part of the failed write.)
        // …and the same step without the fault saves, with its audit entry.
        let audit = s.audit_entries(100_000).unwrap().len();
        step(&mut s).unwrap_or_else(|e| panic!("{what}: {e:?}"));
        assert!(
            s.audit_entries(100_000).unwrap().len() > audit,
            "{what}: not audited"
        );
    }
}
