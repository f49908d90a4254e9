//! Need-to-know on sensitive cases (issue 14 §6): another worker sees that a violence case
//! exists but not who it is about, cannot read or change it, and opens it only by breaking
//! the glass with a reason — recorded, audited, synced and shown to supervisors. Before
//! the fix any signed-in user opened any case, and an empty search listed names.

use raksa_core::CoreError;
use raksa_core::FieldProblem;
use raksa_protocol::Entity;

use crate::*;

fn login(o: &Office, user: &str) -> Session {
    raksa_core::office::unlock(
        &o.dir,
        user,
        &format!("{user}-password-2569"),
        o.clock.clone(),
    )
    .unwrap()
}

#[test]
fn a_violence_case_is_need_to_know_and_opens_only_with_a_reason() {
    let (o, mut admin, _) = new_office();
    for (u, name, role) in [
        ("malee", "นางสาวมาลี ศรีสุข", Role::CaseWorker),
        ("somsak", "นายสมศักดิ์ ขยัน", Role::CaseWorker),
        ("wilai", "นางวิไล หัวหน้า", Role::Supervisor),
    ] {
        admin
            .add_user(&NewUser {
                username: u.into(),
                full_name: name.into(),
                position: "ตำแหน่ง".into(),
                role,
                password: format!("{u}-password-2569"),
            })
            .unwrap();
    }
    drop(admin);
    let mut malee = login(&o, "malee");
    let p = malee
        .register_person(&person("ดวงใจ", "รักษ์ดี", "3100600182731"))
        .unwrap();
    let violence = malee
        .open_case(&NewCase {
            person_id: p.id,
            summary: "ถูกสามีทำร้ายร่างกาย".into(),
            problem_domains: vec![ProblemDomain::Safety, ProblemDomain::Family],
            ..intake_defaults()
        })
        .unwrap();
    assert!(violence.sensitive && !violence.restricted);
    let q = malee
        .register_person(&person("บุญมี", "ทองใบ", "1101700203450"))
        .unwrap();
    let income = malee
        .open_case(&NewCase {
            person_id: q.id,
            summary: "ขาดรายได้".into(),
            problem_domains: vec![ProblemDomain::Income],
            ..intake_defaults()
        })
        .unwrap();
    malee.get_case(violence.id).unwrap();
    drop(malee);

    let mut somsak = login(&o, "somsak");
    // the list shows the case exists, not who it is about
    let all = somsak.search_cases("", 100).unwrap();
    let listed = all.iter().find(|c| c.id == violence.id).unwrap();
    assert!(listed.restricted);
    assert_eq!(listed.case_no, violence.case_no);
    assert_eq!(
        (
            listed.person_name.as_str(),
            listed.masked_id.as_str(),
            listed.summary.as_str()
        ),
        ("", "", "")
    );
    let plain = all.iter().find(|c| c.id == income.id).unwrap();
    assert!(!plain.restricted && plain.person_name.contains("บุญมี"));
    // a search by the victim's name finds the case (duplicates are still caught), redacted
    let found = somsak.search_cases("ดวงใจ", 10).unwrap();
    assert_eq!(found.len(), 1);
    assert!(found[0].restricted && found[0].person_name.is_empty());
    // nothing of the case reads or changes
    assert!(matches!(
        somsak.get_case(violence.id),
        Err(CoreError::NeedToKnow)
    ));
    assert!(matches!(
        somsak.fact_finding(violence.id),
        Err(CoreError::NeedToKnow)
    ));
    assert!(matches!(
        somsak.add_note(violence.id, "แอบดู"),
        Err(CoreError::NeedToKnow)
    ));
    assert!(matches!(
        somsak.case_referrals(violence.id),
        Err(CoreError::NeedToKnow)
    ));
    assert!(matches!(
        somsak.person_household(p.id),
        Err(CoreError::NeedToKnow)
    ));
    // the person's whereabouts stay hidden
    let person = somsak.get_person(p.id).unwrap();
    assert!(person.restricted);
    assert_eq!(
        (
            person.person.phone.as_str(),
            person.person.address_text.as_str()
        ),
        ("", "")
    );
    // not recorded without a real reason
    match somsak.break_glass(violence.id, "ดู") {
        Err(CoreError::Invalid(e)) => assert_eq!(e[0].problem, FieldProblem::ReasonTooShort),
        other => panic!("{other:?}"),
    }
    somsak
        .break_glass(violence.id, "ผู้หญิงโทรมาขอความช่วยเหลือด่วน ผู้รับผิดชอบลาป่วย")
        .unwrap();
    let detail = somsak.get_case(violence.id).unwrap();
    assert_eq!(detail.case.summary, "ถูกสามีทำร้ายร่างกาย");
    assert_eq!(detail.openings.len(), 1);
    assert!(
        somsak
            .get_person(p.id)
            .unwrap()
            .person
            .phone
            .starts_with("081")
    );
    // the opening is synced to the office's other PCs, with the reason
    let out = somsak.outbox_batch(500).unwrap();
    assert!(out.iter().any(|m| m.entity == Entity::AccessGrants
        && m.fields["reason"].as_str().unwrap().contains("ลาป่วย")));
    // it lasts 12 hours
    o.clock.advance_secs(13 * 3600);
    assert!(matches!(
        somsak.get_case(violence.id),
        Err(CoreError::NeedToKnow)
    ));
    // the supervisor sees who opened which case and why, and reads the case without a reason
    assert!(somsak.recent_openings().is_err());
    drop(somsak);
    let wilai = login(&o, "wilai");
    let seen = wilai.recent_openings().unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].case_no, violence.case_no);
    assert_eq!(seen[0].user_name, "นายสมศักดิ์ ขยัน");
    assert!(seen[0].reason.contains("ลาป่วย"));
    wilai.get_case(violence.id).unwrap();
    // the audit trail says the glass was broken, without the reason's free text
    let audit = wilai.audit_entries(500).unwrap();
    let glass: Vec<_> = audit
        .iter()
        .filter(|e| e.detail.starts_with("break-the-glass"))
        .collect();
    assert_eq!(glass.len(), 1);
    assert!(!glass[0].detail.contains("ลาป่วย"));
}

#[test]
fn a_case_marked_sensitive_by_hand_is_need_to_know_too() {
    let (o, mut admin, _) = new_office();
    for u in ["malee", "somsak"] {
        admin
            .add_user(&NewUser {
                username: u.into(),
                full_name: format!("ผู้ใช้ {u}"),
                position: "นักสังคมสงเคราะห์".into(),
                role: Role::CaseWorker,
                password: format!("{u}-password-2569"),
            })
            .unwrap();
    }
    drop(admin);
    let mut malee = login(&o, "malee");
    let p = malee
        .register_person(&person("สมหญิง", "ใจงาม", "3100600182731"))
        .unwrap();
    let c = malee
        .open_case(&NewCase {
            person_id: p.id,
            summary: "เด็กไม่ได้ไปโรงเรียน".into(),
            ..intake_defaults()
        })
        .unwrap();
    assert!(!c.sensitive);
    malee.set_case_sensitive(c.id, true).unwrap();
    // a worker may mark, not unmark
    assert!(matches!(
        malee.set_case_sensitive(c.id, false),
        Err(CoreError::Forbidden)
    ));
    drop(malee);
    let somsak = login(&o, "somsak");
    assert!(matches!(somsak.get_case(c.id), Err(CoreError::NeedToKnow)));
    let mut admin = login_admin(&o);
    admin.set_case_sensitive(c.id, false).unwrap();
    drop(admin);
    let somsak = login(&o, "somsak");
    somsak.get_case(c.id).unwrap();
}

fn login_admin(o: &Office) -> Session {
    raksa_core::office::unlock(&o.dir, "somchai", ADMIN_PW, o.clock.clone()).unwrap()
}
