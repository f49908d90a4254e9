//! Merging two records of one person (issue 6): every case and household link moves to the
//! kept record, the audit trail says what moved, and undoing from it puts everything back.

use raksa_core::CoreError;
use raksa_core::household::NewMembership;
use raksa_core::identity::{Identity, NoIdReason};
use raksa_core::merge::MergeDetail;

use crate::*;

fn no_id(first: &str, last: &str) -> NewPerson {
    NewPerson {
        identity: Identity::NoId {
            reason: NoIdReason::Unknown,
        },
        phone: "089-999-0000".into(),
        ..person(first, last, "")
    }
}

#[test]
fn a_merge_keeps_every_case_and_household_link_and_undoes_from_the_audit_trail() {
    let (_o, mut s, _) = new_office();
    let kept = s
        .register_person(&NewPerson {
            birth_date: None,
            phone: String::new(),
            ..person("มาลี", "วงศ์สุวรรณ", "3100600182731")
        })
        .unwrap();
    let dup = s.register_person(&no_id("มาลี", "วงสุวรรณ")).unwrap();
    let head = s
        .register_person(&person("บุญมี", "ทองใบ", "1101700203450"))
        .unwrap();
    let c = s
        .open_case(&NewCase {
            person_id: dup.id,
            summary: "ขาดรายได้".into(),
            ..intake_defaults()
        })
        .unwrap();
    let hh = s
        .create_household(head.id, "", nov_23().date_naive())
        .unwrap();
    s.add_household_member(
        hh.id,
        &NewMembership {
            person_id: dup.id,
            relationship: Relationship::Spouse,
            joined_on: nov_23().date_naive(),
        },
    )
    .unwrap();

    let d: MergeDetail = s.merge_people(kept.id, dup.id).unwrap();
    assert_eq!(d.cases, [c.id]);
    assert_eq!(d.memberships.len(), 1);
    assert_eq!(d.filled, ["birth_date", "phone"]);
    assert!(!d.moved_id);

    // Everything is on the kept record now.
    let k = s.get_person(kept.id).unwrap();
    assert_eq!(k.cases.iter().map(|c| c.id).collect::<Vec<_>>(), [c.id]);
    assert_eq!(
        k.person.birth_date,
        chrono::NaiveDate::from_ymd_opt(1950, 3, 5)
    );
    assert_eq!(k.person.phone, "089-999-0000");
    let h = s.person_household(kept.id).unwrap().unwrap();
    assert!(
        h.current()
            .any(|m| m.person_id == kept.id && m.relationship == Relationship::Spouse)
    );
    // The merged record stays, pointing at the kept one, out of searches and the check.
    assert_eq!(s.get_person(dup.id).unwrap().merged_into, Some(kept.id));
    assert_eq!(s.search_people("มาลี", 10).unwrap().len(), 1);
    let probe = raksa_core::duplicates::PersonProbe {
        first_name: "มาลี".into(),
        last_name: "วงสุวรรณ".into(),
        ..Default::default()
    };
    assert!(
        s.possible_duplicates(&probe)
            .unwrap()
            .iter()
            .all(|x| x.person_id != dup.id)
    );
    // The audit trail holds ids and field names, no personal data.
    let audit = s.audit_entries(20).unwrap();
    let entry = audit
        .iter()
        .find(|a| a.detail.starts_with("merge "))
        .unwrap();
    assert!(entry.detail.contains(&c.id.to_string()));
    assert!(!entry.detail.contains("มาลี") && !entry.detail.contains("089"));
    let merges = s.person_merges(kept.id).unwrap();
    assert_eq!(merges.len(), 1);
    assert!(!merges[0].undone);
    assert_eq!(merges[0].merged_name, "นางมาลี วงสุวรรณ");

    // Undo, from the audit entry.
    s.undo_merge(entry.seq).unwrap();
    let back = s.get_person(dup.id).unwrap();
    assert_eq!(back.merged_into, None);
    assert_eq!(back.cases.iter().map(|c| c.id).collect::<Vec<_>>(), [c.id]);
    let k = s.get_person(kept.id).unwrap();
    assert!(k.cases.is_empty());
    assert_eq!((k.person.birth_date, k.person.phone.as_str()), (None, ""));
    assert!(s.person_household(kept.id).unwrap().is_none());
    assert!(s.person_household(dup.id).unwrap().is_some());
    assert_eq!(s.search_people("มาลี", 10).unwrap().len(), 2);
    assert!(s.person_merges(kept.id).unwrap()[0].undone);
    let e = s.undo_merge(entry.seq).unwrap_err();
    assert!(e.message_th().contains("ถูกยกเลิกไปแล้ว"));
}

#[test]
fn the_id_number_moves_to_a_kept_record_without_one_and_back() {
    let (_o, mut s, _) = new_office();
    let kept = s.register_person(&no_id("มาลี", "วงศ์สุวรรณ")).unwrap();
    let other = s
        .register_person(&person("มาลี", "วงสุวรรณ", "3100600182731"))
        .unwrap();
    let d = s.merge_people(kept.id, other.id).unwrap();
    assert!(d.moved_id);
    let k = s.get_person(kept.id).unwrap().person;
    assert_eq!(
        k.identity,
        Identity::CitizenId {
            number: "3100600182731".into()
        }
    );
    let seq = s.person_merges(kept.id).unwrap()[0].audit_seq;
    s.undo_merge(seq).unwrap();
    assert_eq!(
        s.get_person(other.id).unwrap().person.identity,
        Identity::CitizenId {
            number: "3100600182731".into()
        }
    );
    assert!(matches!(
        s.get_person(kept.id).unwrap().person.identity,
        Identity::NoId { .. }
    ));
}

#[test]
fn merges_that_cannot_be_right_are_refused() {
    let (o, mut s, _) = new_office();
    let a = s
        .register_person(&person("มาลี", "ศรีสุข", "3100600182731"))
        .unwrap();
    let b = s
        .register_person(&person("มาลี", "ศรีสุข", "1101700203450"))
        .unwrap();
    let e = s.merge_people(a.id, b.id).unwrap_err();
    assert!(e.message_th().contains("เลขต่างกัน"), "{}", e.message_th());
    assert!(matches!(
        s.merge_people(a.id, a.id),
        Err(CoreError::Transition("merge_same"))
    ));
    let c = s.register_person(&no_id("มาลี", "ศรีสุก")).unwrap();
    s.merge_people(a.id, c.id).unwrap();
    assert!(matches!(
        s.merge_people(b.id, c.id),
        Err(CoreError::Transition("merge_already"))
    ));
    s.add_user(&NewUser {
        username: "worker".into(),
        full_name: "นางสาวมาลี ศรีสุข".into(),
        position: "นักสังคมสงเคราะห์".into(),
        role: Role::CaseWorker,
        password: "worker-password".into(),
    })
    .unwrap();
    let mut w =
        raksa_core::office::unlock(&o.dir, "worker", "worker-password", o.clock.clone()).unwrap();
    let d = w.register_person(&no_id("สมใจ", "ใจดี")).unwrap();
    assert!(matches!(
        w.merge_people(b.id, d.id),
        Err(CoreError::Forbidden)
    ));
}

/// Issue 12: a merge moved cases with a bare UPDATE that left the search index behind —
/// the kept person's name no longer found the moved cases, the merged name still did.
#[test]
fn after_a_merge_the_kept_persons_name_id_and_case_numbers_find_every_moved_case() {
    let (_o, mut s, _) = new_office();
    let kept = s
        .register_person(&NewPerson {
            birth_date: None,
            ..person("ประภา", "ศรีสุข", "3100600182731")
        })
        .unwrap();
    let dup = s.register_person(&no_id("ประภาพร", "สีสุก")).unwrap();
    let cases: Vec<_> = ["ขาดรายได้", "ถูกทอดทิ้ง"]
        .into_iter()
        .map(|summary| {
            s.open_case(&NewCase {
                person_id: dup.id,
                summary: summary.into(),
                ..intake_defaults()
            })
            .unwrap()
        })
        .collect();
    let found = |s: &raksa_core::Session, q: &str| {
        let mut v: Vec<_> = s
            .search_cases(q, 50)
            .unwrap()
            .iter()
            .map(|c| c.id)
            .collect();
        v.sort();
        v
    };
    let mut moved: Vec<_> = cases.iter().map(|c| c.id).collect();
    moved.sort();
    assert_eq!(found(&s, "สีสุก"), moved);

    s.merge_people(kept.id, dup.id).unwrap();
    assert_eq!(found(&s, "ศรีสุข"), moved, "the kept surname");
    assert_eq!(found(&s, "ประภา ศรีสุข"), moved, "the kept full name");
    assert_eq!(found(&s, "3100600182731"), moved, "the kept citizen ID");
    assert_eq!(found(&s, "0182731"), moved, "part of the ID");
    for c in &cases {
        assert_eq!(found(&s, &c.case_no), [c.id], "its case number");
    }
    assert!(
        found(&s, "สีสุก").is_empty(),
        "the merged surname finds nothing"
    );
    assert!(
        found(&s, "ประภาพร").is_empty(),
        "the merged first name finds nothing"
    );
}
