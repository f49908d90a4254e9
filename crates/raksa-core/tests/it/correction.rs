//! Correcting a person's record (issue 13 §1): every field with a reason, history that a
//! supervisor can read, the search and duplicate check following the new values, a field
//! change in the outbox, a data subject's request with its decision, and a death shown on
//! the person's cases and household.

use chrono::NaiveDate;
use raksa_core::CoreError;
use raksa_core::FieldProblem;
use raksa_core::correction::{
    CorrectionBasis, PersonCorrection, RectificationDecision, RectificationRequest,
};
use raksa_core::duplicates::PersonProbe;
use raksa_core::household::NewMembership;
use raksa_core::identity::{Identity, NoIdReason};
use raksa_protocol::Entity;

use crate::*;

fn as_now(p: &Person) -> NewPerson {
    NewPerson {
        title: p.title.clone(),
        first_name: p.first_name.clone(),
        last_name: p.last_name.clone(),
        identity: p.identity.clone(),
        birth_date: p.birth_date,
        sex: p.sex,
        phone: p.phone.clone(),
        address_text: p.address_text.clone(),
        subdistrict_code: p.subdistrict_code.clone(),
        postcode: p.postcode.clone(),
    }
}

fn staff(person: NewPerson, reason: &str) -> PersonCorrection {
    PersonCorrection {
        person,
        death_date: None,
        reason: reason.into(),
        basis: CorrectionBasis::Staff,
        request: None,
    }
}

fn problem(e: CoreError) -> (String, FieldProblem) {
    match e {
        CoreError::Invalid(errs) => (errs[0].field.clone(), errs[0].problem),
        other => panic!("expected a field error, got {other:?}"),
    }
}

#[test]
fn a_corrected_surname_and_sub_district_are_found_by_the_new_name_and_kept_as_history() {
    let (o, mut s, _) = new_office();
    let p = s
        .register_person(&person("มาลี", "วงสุวรรณ", "3100600182731"))
        .unwrap();
    let c = s
        .open_case(&NewCase {
            person_id: p.id,
            summary: "ขาดรายได้".into(),
            ..intake_defaults()
        })
        .unwrap();
    let before = s.outbox_batch(10_000).unwrap().len();
    o.clock.advance_secs(3600);
    let mut new = as_now(&p);
    new.last_name = "วงศ์สุวรรณ".into();
    new.subdistrict_code = Some("650101".into());
    let out = s
        .correct_person(
            p.id,
            &staff(new, "นามสกุลสะกดผิด ตรวจกับบัตรประชาชนแล้ว; ย้ายบ้าน"),
        )
        .unwrap();
    assert_eq!(out.changed, ["last_name", "subdistrict_code", "postcode"]);
    assert_eq!(out.person.last_name, "วงศ์สุวรรณ");
    assert_eq!(
        out.person.postcode.as_deref(),
        Some("65000"),
        "the sub-district's postcode"
    );

    // search follows: the new name finds the person and the case, the old one does not
    let found = s.search_people("วงศ์สุวรรณ", 20).unwrap();
    assert_eq!(found.iter().map(|f| f.id).collect::<Vec<_>>(), [p.id]);
    assert!(s.search_people("วงสุวรรณ", 20).unwrap().is_empty());
    let cases = s.search_cases("มาลี วงศ์สุวรรณ", 20).unwrap();
    assert_eq!(cases.iter().map(|c| c.id).collect::<Vec<_>>(), [c.id]);
    assert!(s.search_cases("วงสุวรรณ", 20).unwrap().is_empty());
    // and so does the phonetic duplicate check
    let dups = s
        .possible_duplicates(&PersonProbe {
            first_name: "มาลี".into(),
            last_name: "วงศ์สุวรรน".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(dups.first().map(|d| d.person_id), Some(p.id));

    // synced as a field change: the record with its previous values, and the history entry
    let queued = s.outbox_batch(10_000).unwrap();
    let new_muts = &queued[before..];
    let people = new_muts
        .iter()
        .find(|m| m.entity == Entity::People)
        .expect("the record's change is queued");
    assert_eq!(
        people.changed_fields(),
        ["last_name", "postcode", "subdistrict_code", "updated_at"]
    );
    assert!(
        new_muts
            .iter()
            .any(|m| m.entity == Entity::PersonCorrections && m.base.is_none())
    );
    for m in new_muts {
        raksa_protocol::validate(m).unwrap_or_else(|e| panic!("{:?}: {e}", m.entity));
    }

    // the history: who, when, why and — for the admin here — the values
    let h = s.person_corrections(p.id).unwrap();
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].by, admin_user().full_name);
    assert_eq!(h[0].reason, "นามสกุลสะกดผิด ตรวจกับบัตรประชาชนแล้ว; ย้ายบ้าน");
    let ch = h[0]
        .changes
        .as_ref()
        .expect("an administrator reads the values");
    assert_eq!(ch[0].before.as_deref(), Some("วงสุวรรณ"));
    assert_eq!(ch[0].after.as_deref(), Some("วงศ์สุวรรณ"));

    // audited without personal data
    let audit = s.audit_entries(50).unwrap();
    let entry = audit
        .iter()
        .find(|a| a.detail.starts_with("correction ("))
        .expect("the correction is audited");
    assert!(entry.detail.contains("last_name"));
    assert!(!entry.detail.contains("วงศ์"), "{}", entry.detail);
    assert!(
        audit
            .iter()
            .any(|a| a.detail == "correction history with previous values"),
        "reading previous values is audited"
    );

    // a case worker sees who, when, why and which fields — not the values
    s.add_user(&NewUser {
        username: "worker".into(),
        full_name: "นางสาวมาลี ศรีสุข".into(),
        position: "นักสังคมสงเคราะห์".into(),
        role: Role::CaseWorker,
        password: "worker-password".into(),
    })
    .unwrap();
    let w =
        raksa_core::office::unlock(&o.dir, "worker", "worker-password", o.clock.clone()).unwrap();
    let h = w.person_corrections(p.id).unwrap();
    assert_eq!(h[0].fields, ["last_name", "subdistrict_code", "postcode"]);
    assert!(h[0].changes.is_none());
}

#[test]
fn a_correction_needs_a_reason_a_change_and_an_id_nobody_else_has() {
    let (_o, mut s, _) = new_office();
    let p = s
        .register_person(&NewPerson {
            identity: Identity::NoId {
                reason: NoIdReason::Unknown,
            },
            ..person("บุญมี", "ทองใบ", "")
        })
        .unwrap();
    let other = s
        .register_person(&person("สมศรี", "ใจดี", "3100600182731"))
        .unwrap();
    let e = s.correct_person(p.id, &staff(as_now(&p), "")).unwrap_err();
    assert_eq!(problem(e), ("reason".into(), FieldProblem::Required));
    let e = s
        .correct_person(p.id, &staff(as_now(&p), "ตรวจแล้ว"))
        .unwrap_err();
    assert_eq!(problem(e).1, FieldProblem::NothingChanged);
    // the ID found later belongs to someone else: refused, the supervisor merges instead
    let mut new = as_now(&p);
    new.identity = other.identity.clone();
    let e = s.correct_person(p.id, &staff(new, "พบบัตร")).unwrap_err();
    assert_eq!(
        problem(e),
        ("identity".into(), FieldProblem::CitizenIdTaken)
    );
    // a wrong check digit is refused like at registration
    let mut new = as_now(&p);
    new.identity = Identity::CitizenId {
        number: "1101700203451".into(),
    };
    let e = s.correct_person(p.id, &staff(new, "พบบัตร")).unwrap_err();
    assert_eq!(problem(e).1, FieldProblem::CitizenIdChecksum);
    // the ID found later, valid and free: saved, and the duplicate check ran
    let mut new = as_now(&p);
    new.identity = Identity::CitizenId {
        number: "1101700203450".into(),
    };
    let out = s
        .correct_person(p.id, &staff(new, "ญาตินำบัตรมาแสดง"))
        .unwrap();
    assert_eq!(out.changed, ["id_kind", "id_number", "no_id_reason"]);
    assert!(out.duplicates.iter().all(|d| d.person_id != p.id));
    // nothing saved by the refusals: one history entry only
    assert_eq!(s.person_corrections(p.id).unwrap().len(), 1);
}

#[test]
fn a_data_subject_request_is_recorded_with_its_decision_even_when_refused() {
    let (_o, mut s, _) = new_office();
    let p = s
        .register_person(&person("สมชาย", "รักดี", "3100600182731"))
        .unwrap();
    let today = s.today();
    let d = |days: i64| today - chrono::Duration::days(days);
    let mut new = as_now(&p);
    new.phone = "089-111-2222".into();
    let request = |decision| RectificationRequest {
        received_on: d(5),
        decision,
        decided_on: d(1),
    };
    let granted = PersonCorrection {
        person: new.clone(),
        death_date: None,
        reason: "เจ้าของข้อมูลแจ้งเบอร์โทรศัพท์ใหม่".into(),
        basis: CorrectionBasis::DataSubjectRequest,
        request: Some(request(RectificationDecision::Granted)),
    };
    s.correct_person(p.id, &granted).unwrap();
    // a refusal changes nothing and is recorded all the same
    let refused = PersonCorrection {
        person: as_now(&s.get_person(p.id).unwrap().person),
        reason: "ขอให้ลบประวัติการรับบริการ แต่ต้องเก็บไว้ตามหน้าที่ตามกฎหมาย".into(),
        request: Some(request(RectificationDecision::Refused)),
        ..granted.clone()
    };
    let out = s.correct_person(p.id, &refused).unwrap();
    assert!(out.changed.is_empty());
    let mut wrong = refused.clone();
    wrong.person.phone = "02-000-0000".into();
    let e = s.correct_person(p.id, &wrong).unwrap_err();
    assert_eq!(problem(e).1, FieldProblem::RefusalChangesNothing);
    let h = s.person_corrections(p.id).unwrap();
    assert_eq!(h.len(), 2);
    assert_eq!(
        h.iter()
            .map(|c| c.request.as_ref().unwrap().decision)
            .collect::<Vec<_>>(),
        [
            RectificationDecision::Refused,
            RectificationDecision::Granted
        ],
        "newest first"
    );
    assert!(
        h.iter()
            .all(|c| c.basis == CorrectionBasis::DataSubjectRequest)
    );
}

#[test]
fn a_death_closes_nothing_but_shows_on_the_persons_cases_and_household() {
    let (_o, mut s, _) = new_office();
    let p = s
        .register_person(&person("ทองดี", "มีสุข", "3100600182731"))
        .unwrap();
    let head = s
        .register_person(&person("บุญมี", "มีสุข", "1101700203450"))
        .unwrap();
    let c = s
        .open_case(&NewCase {
            person_id: p.id,
            summary: "ผู้สูงอายุติดเตียง".into(),
            ..intake_defaults()
        })
        .unwrap();
    let today = s.today();
    let hh = s.create_household(head.id, "", today).unwrap();
    s.add_household_member(
        hh.id,
        &NewMembership {
            person_id: p.id,
            relationship: Relationship::Parent,
            joined_on: today,
        },
    )
    .unwrap();
    let died = today - chrono::Duration::days(2);
    let mut corr = staff(as_now(&p), "ญาติแจ้งการเสียชีวิต มีใบมรณบัตร");
    corr.death_date = Some(NaiveDate::from_ymd_opt(1949, 1, 1).unwrap());
    let e = s.correct_person(p.id, &corr).unwrap_err();
    assert_eq!(
        problem(e),
        ("death_date".into(), FieldProblem::DeathBeforeBirth)
    );
    corr.death_date = Some(died);
    assert_eq!(
        s.correct_person(p.id, &corr).unwrap().changed,
        ["death_date"]
    );
    let case = s.get_case(c.id).unwrap();
    assert_eq!(case.person_death_date, Some(died));
    assert_ne!(
        case.case.status,
        CaseStatus::Closed,
        "a death closes nothing by itself"
    );
    let member = s
        .person_household(head.id)
        .unwrap()
        .unwrap()
        .members
        .into_iter()
        .find(|m| m.person_id == p.id)
        .unwrap();
    assert_eq!(member.death_date, Some(died));
    assert!(member.ended_on.is_none());
    assert_eq!(s.get_person(p.id).unwrap().person.death_date, Some(died));
}
