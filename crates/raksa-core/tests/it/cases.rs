use chrono::NaiveDate;
use raksa_core::identity::{Identity, NoIdReason};
use raksa_core::model::*;
use raksa_core::{CoreError, FieldProblem};

use crate::*;

#[test]
fn register_a_person_and_open_a_case_with_an_office_case_number() {
    let (_o, mut s, _) = new_office();
    let p = s
        .register_person(&person("สมศรี", "ใจงาม", "1112034563562"))
        .unwrap();
    assert_eq!(
        p.identity,
        Identity::CitizenId {
            number: "1112034563562".into()
        }
    );
    let c = s
        .open_case(&NewCase {
            person_id: p.id,
            channel: IntakeChannel::WalkIn,
            intake_date: s.today(),
            summary: "ผู้สูงอายุอยู่ลำพัง ขาดรายได้".into(),
            ..crate::intake_defaults()
        })
        .unwrap();
    assert_eq!(c.case_no, "พล-2569-000001");
    assert_eq!(c.status, CaseStatus::Intake);
    assert_eq!(c.person_name, "นางสมศรี ใจงาม");
    assert_eq!(c.masked_id, "x-xxxx-xxxxx-56-2");
    assert_eq!(c.assigned_to.as_deref(), Some("นายสมชาย ใจดี"));
    let c2 = s
        .open_case(&NewCase {
            person_id: p.id,
            channel: IntakeChannel::Hotline1300,
            intake_date: s.today(),
            summary: "แจ้งซ้ำ".into(),
            ..crate::intake_defaults()
        })
        .unwrap();
    assert_eq!(c2.case_no, "พล-2569-000002");
}

#[test]
fn case_numbers_restart_with_the_buddhist_era_year() {
    let (_o, mut s, _) = new_office();
    let p = s
        .register_person(&person("สมศรี", "ใจงาม", "1112034563562"))
        .unwrap();
    let open = |s: &mut raksa_core::Session, d: NaiveDate| {
        s.open_case(&NewCase {
            person_id: p.id,
            channel: IntakeChannel::News,
            intake_date: d,
            summary: "ข่าว".into(),
            ..crate::intake_defaults()
        })
        .unwrap()
        .case_no
    };
    assert_eq!(
        open(&mut s, NaiveDate::from_ymd_opt(2025, 12, 31).unwrap()),
        "พล-2568-000001"
    );
    assert_eq!(
        open(&mut s, NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()),
        "พล-2569-000001"
    );
    assert_eq!(
        open(&mut s, NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()),
        "พล-2568-000002"
    );
}

#[test]
fn a_wrong_id_checksum_is_refused_in_thai_and_nothing_is_saved() {
    let (_o, mut s, _) = new_office();
    let err = s
        .register_person(&person("สมศรี", "ใจงาม", "1112034563563"))
        .unwrap_err();
    let fe = err.field_errors();
    assert_eq!(fe.len(), 1);
    assert_eq!(fe[0].field, "identity");
    assert_eq!(fe[0].problem, FieldProblem::CitizenIdChecksum);
    assert!(err.message_th().contains("เลขตรวจสอบ"));
    assert!(s.search_people("สมศรี", 10).unwrap().is_empty());
}

#[test]
fn the_same_citizen_id_cannot_be_registered_twice() {
    let (_o, mut s, _) = new_office();
    s.register_person(&person("สมศรี", "ใจงาม", "1112034563562"))
        .unwrap();
    let err = s
        .register_person(&person("สมศรี", "ใจงาม", "1-1120-34563-56-2"))
        .unwrap_err();
    assert_eq!(err.field_errors()[0].problem, FieldProblem::CitizenIdTaken);
}

#[test]
fn people_without_an_id_record_the_reason() {
    let (_o, mut s, _) = new_office();
    let mut np = person("ไม่ทราบ", "นามสกุล", "");
    np.identity = Identity::NoId {
        reason: NoIdReason::Stateless,
    };
    np.birth_date = None;
    let p = s.register_person(&np).unwrap();
    let d = s.get_person(p.id).unwrap();
    assert_eq!(
        d.person.identity,
        Identity::NoId {
            reason: NoIdReason::Stateless
        }
    );
    // two people without ID do not collide
    s.register_person(&np).unwrap();
}

#[test]
fn every_invalid_field_is_reported_at_once() {
    let (_o, mut s, _) = new_office();
    let np = NewPerson {
        title: "".into(),
        first_name: " ".into(),
        last_name: "ก".repeat(101),
        identity: Identity::GCode { code: "G1".into() },
        birth_date: NaiveDate::from_ymd_opt(2030, 1, 1),
        sex: Sex::Male,
        phone: "12".into(),
        address_text: "".into(),
        subdistrict_code: None,
        postcode: None,
    };
    let err = s.register_person(&np).unwrap_err();
    let fields: Vec<_> = err
        .field_errors()
        .iter()
        .map(|e| (e.field.as_str(), e.problem))
        .collect();
    assert_eq!(
        fields,
        [
            ("title", FieldProblem::Required),
            ("first_name", FieldProblem::Required),
            ("last_name", FieldProblem::TooLong),
            ("identity", FieldProblem::GCodeFormat),
            ("birth_date", FieldProblem::DateInFuture),
            ("phone", FieldProblem::PhoneFormat),
        ]
    );
    assert!(err.field_errors().iter().all(|e| !e.message_th.is_empty()));
}

#[test]
fn hostile_text_is_stored_as_text_and_control_characters_dropped() {
    let (_o, mut s, _) = new_office();
    let p = s
        .register_person(&person("สมศรี", "ใจงาม", "1112034563562"))
        .unwrap();
    let c = s
        .open_case(&NewCase {
            person_id: p.id,
            channel: IntakeChannel::SocialMedia,
            intake_date: s.today(),
            summary: "<script>alert(1)</script>\u{0}\u{7} ข้อความ'; DROP TABLE cases;--".into(),
            ..crate::intake_defaults()
        })
        .unwrap();
    assert_eq!(
        c.summary,
        "<script>alert(1)</script> ข้อความ'; DROP TABLE cases;--"
    );
    assert_eq!(s.search_cases("", 10).unwrap().len(), 1);
    let huge = "ก".repeat(5_001);
    let err = s
        .open_case(&NewCase {
            person_id: p.id,
            channel: IntakeChannel::SocialMedia,
            intake_date: s.today(),
            summary: huge,
            ..crate::intake_defaults()
        })
        .unwrap_err();
    assert_eq!(err.field_errors()[0].problem, FieldProblem::TooLong);
}

#[test]
fn intake_in_the_future_is_refused() {
    let (_o, mut s, _) = new_office();
    let p = s
        .register_person(&person("สมศรี", "ใจงาม", "1112034563562"))
        .unwrap();
    let err = s
        .open_case(&NewCase {
            person_id: p.id,
            channel: IntakeChannel::WalkIn,
            intake_date: s.today().succ_opt().unwrap(),
            summary: "x".into(),
            ..crate::intake_defaults()
        })
        .unwrap_err();
    assert_eq!(err.field_errors()[0].field, "intake_date");
}

#[test]
fn search_finds_cases_by_case_number_id_or_any_part_of_a_thai_name() {
    let (_o, mut s, _) = new_office();
    let a = s
        .register_person(&person("ประยูร", "ศรีสวัสดิ์", "1112034563562"))
        .unwrap();
    let b = s
        .register_person(&person("มาลัย", "ทองดี", "3100600182731"))
        .unwrap();
    for p in [&a, &b] {
        s.open_case(&NewCase {
            person_id: p.id,
            channel: IntakeChannel::Volunteer,
            intake_date: s.today(),
            summary: "อพม. แจ้ง".into(),
            ..crate::intake_defaults()
        })
        .unwrap();
    }
    let names = |q: &str| -> Vec<String> {
        s.search_cases(q, 50)
            .unwrap()
            .into_iter()
            .map(|c| c.person_name)
            .collect()
    };
    assert_eq!(names("ยูร"), ["นางประยูร ศรีสวัสดิ์"]); // middle of a first name
    assert_eq!(names("สวัสดิ์"), ["นางประยูร ศรีสวัสดิ์"]); // part of a surname
    assert_eq!(names("มาลัย ทอง"), ["นางมาลัย ทองดี"]); // two words
    assert_eq!(names("3-1006-00182-73-1"), ["นางมาลัย ทองดี"]); // printed ID
    assert_eq!(names("00182"), ["นางมาลัย ทองดี"]); // part of an ID
    assert_eq!(names("พล-2569-000001"), ["นางประยูร ศรีสวัสดิ์"]);
    assert_eq!(names("").len(), 2);
    assert!(names("ไม่มีใคร").is_empty());
    // Thai text with SQL/LIKE wildcards or full-text syntax is literal
    assert!(names("%").is_empty());
    assert!(names("_").is_empty());
    assert!(names("ประยูร OR *").is_empty());
    assert!(names("\"ประยูร\" NEAR(x)").is_empty());
    assert_eq!(
        names("\"ประยูร\"").len(),
        0,
        "quotes are part of the text, not syntax"
    );
    // short words (under three characters) still match, by scanning
    assert_eq!(names("ดี"), ["นางมาลัย ทองดี"]);
}

#[test]
fn reads_searches_creates_and_logins_are_audited_without_personal_data() {
    let (o, mut s, _) = new_office();
    let p = s
        .register_person(&person("ประยูร", "ศรีสวัสดิ์", "1112034563562"))
        .unwrap();
    s.open_case(&NewCase {
        person_id: p.id,
        channel: IntakeChannel::WalkIn,
        intake_date: s.today(),
        summary: "x".into(),
        ..crate::intake_defaults()
    })
    .unwrap();
    s.get_person(p.id).unwrap();
    s.search_cases("ประยูร", 10).unwrap();
    s.export_person(p.id, &Default::default()).unwrap();
    drop(s);
    let s = raksa_core::office::unlock(&o.dir, "somchai", ADMIN_PW, o.clock.clone()).unwrap();
    let log = s.audit_entries(100).unwrap();
    let actions: Vec<(&str, &str)> = log
        .iter()
        .rev()
        .map(|e| (e.action.as_str(), e.entity.as_str()))
        .collect();
    for expected in [
        ("create", "office"),
        ("create", "person"),
        ("create", "case"),
        ("read", "person"),
        ("search", "case"),
        ("export", "person"),
        ("login", "user"),
    ] {
        assert!(
            actions.contains(&expected),
            "missing {expected:?} in {actions:?}"
        );
    }
    assert!(log.iter().all(|e| e.user.as_deref() == Some("somchai")));
    for e in &log {
        assert!(!e.detail.contains("ประยูร") && !e.detail.contains("1112034563562"));
    }
}

#[test]
fn the_pdpa_export_holds_the_persons_record_cases_and_access_log() {
    let (_o, mut s, _) = new_office();
    let p = s
        .register_person(&person("ประยูร", "ศรีสวัสดิ์", "1112034563562"))
        .unwrap();
    s.open_case(&NewCase {
        person_id: p.id,
        channel: IntakeChannel::WalkIn,
        intake_date: s.today(),
        summary: "สรุปปัญหา".into(),
        ..crate::intake_defaults()
    })
    .unwrap();
    let v = s.export_person(p.id, &Default::default()).unwrap();
    assert_eq!(v["person"]["first_name"], "ประยูร");
    assert_eq!(v["person"]["identity"]["number"], "1112034563562");
    assert_eq!(v["cases"][0]["case"]["case"]["summary"], "สรุปปัญหา");
    assert!(v["access_log"].as_array().unwrap().len() >= 2);
    assert!(matches!(
        s.export_person(uuid::Uuid::now_v7(), &Default::default()),
        Err(CoreError::NotFound)
    ));
}

#[test]
fn check_reports_a_healthy_database() {
    let (_o, s, _) = new_office();
    let r = s.check().unwrap();
    assert!(r.integrity_ok, "{:?}", r.problems);
    assert_eq!(r.schema_version, raksa_core::migrations::LATEST);
    assert_eq!(r.users, 1);
}

#[test]
fn addresses_use_official_subdistrict_codes_and_matching_postcodes() {
    let (_o, mut s, _) = new_office();
    let place = raksa_core::places::places()
        .search("บ้านกร่าง พิษณุโลก", 1)
        .remove(0);
    let mut np = person("ประยูร", "ศรีสวัสดิ์", "1112034563562");
    np.subdistrict_code = Some(place.subdistrict_code.clone());
    let p = s.register_person(&np).unwrap();
    assert_eq!(
        p.place_label.as_deref(),
        Some("ต.บ้านกร่าง อ.เมืองพิษณุโลก จ.พิษณุโลก")
    );
    assert_eq!(
        p.postcode.as_deref(),
        Some(place.postcodes[0].as_str()),
        "defaults to the first postcode"
    );
    let read = s.get_person(p.id).unwrap().person;
    assert_eq!(read.subdistrict_code, Some(place.subdistrict_code.clone()));
    assert_eq!(read.place_label, p.place_label);

    let mut bad = person("มาลัย", "ทองดี", "3100600182731");
    bad.subdistrict_code = Some("999999".into());
    let e = s.register_person(&bad).unwrap_err();
    assert_eq!(e.field_errors()[0].field, "subdistrict_code");
    assert!(e.message_th().contains("ไม่พบตำบล"));
    bad.subdistrict_code = Some(place.subdistrict_code.clone());
    bad.postcode = Some("10200".into());
    let e = s.register_person(&bad).unwrap_err();
    assert_eq!(e.field_errors()[0].problem, FieldProblem::PostcodeMismatch);
    // a district or province code is not a sub-district
    bad.postcode = None;
    bad.subdistrict_code = Some(place.subdistrict_code[..4].to_owned());
    assert!(s.register_person(&bad).is_err());
}
