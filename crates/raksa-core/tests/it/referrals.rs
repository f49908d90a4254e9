//! Referrals, the letter register and its numbering across PCs, and the letter itself.

use chrono::NaiveDate;
use raksa_core::deadlines::{DueState, Milestone};
use raksa_core::model::*;
use raksa_core::numbering::{NumberBlock, Series};
use raksa_core::referral::*;
use raksa_core::{CoreError, FieldProblem, Session};

use crate::*;

fn agency(s: &mut Session) -> Agency {
    s.add_agency(&NewAgency {
        name: "โรงพยาบาลส่งเสริมสุขภาพตำบลบ้านกร่าง".into(),
        head_position: "ผู้อำนวยการโรงพยาบาลส่งเสริมสุขภาพตำบลบ้านกร่าง".into(),
        address: "หมู่ 3 ตำบลบ้านกร่าง อำเภอเมืองพิษณุโลก จังหวัดพิษณุโลก 65000".into(),
        phone: "055-000-111".into(),
        email: "".into(),
        kind: AgencyKind::Outside,
        runs_raksa: false,
        raksa_office: "".into(),
    })
    .unwrap()
}

fn case(s: &mut Session, id: &str) -> CaseSummary {
    let p = s.register_person(&person("บุญมี", "ทองใบ", id)).unwrap();
    s.open_case(&NewCase {
        person_id: p.id,
        summary: "ผู้สูงอายุติดเตียง ขาดผู้ดูแลกลางวัน".into(),
        target_groups: vec![TargetGroup::Elderly, TargetGroup::Bedridden],
        problem_domains: vec![ProblemDomain::Care, ProblemDomain::Health],
        ..intake_defaults()
    })
    .unwrap()
}

fn request(a: &Agency, shared: Vec<SharedPart>) -> NewReferral {
    NewReferral {
        agency_id: a.id,
        urgency: LetterUrgency::Urgent,
        secrecy: None,
        requested: "การดูแลสุขภาพที่บ้านและผู้ดูแลผู้สูงอายุ".into(),
        legal_basis: LegalBasis::ElderlyAct,
        shared,
    }
}

fn today(s: &Session) -> NaiveDate {
    s.today()
}

#[test]
fn two_pcs_with_their_own_blocks_never_issue_the_same_number() {
    // Two PCs of one office: each its own encrypted database, each its own block.
    let (_o1, mut pc1, _) = new_office();
    let (_o2, mut pc2, _) = new_office();
    pc2.set_number_block(&NumberBlock {
        series: Series::Letter,
        first_no: 5001,
        last_no: 9999,
        used_this_year: 0,
    })
    .unwrap();
    pc2.set_number_block(&NumberBlock {
        series: Series::Case,
        first_no: 500_001,
        last_no: 999_999,
        used_this_year: 0,
    })
    .unwrap();
    pc1.set_number_block(&NumberBlock {
        series: Series::Case,
        first_no: 1,
        last_no: 500_000,
        used_this_year: 0,
    })
    .unwrap();
    let mut numbers = std::collections::HashSet::new();
    let mut case_nos = std::collections::HashSet::new();
    for (i, s) in [&mut pc1, &mut pc2].into_iter().enumerate() {
        let a = agency(s);
        for k in 0..3 {
            let id = ["3100600182731", "1101700203450", "3100501234563"][k];
            let c = case(s, id);
            assert!(case_nos.insert(c.case_no.clone()), "{}", c.case_no);
            let r = s
                .create_referral(c.id, &request(&a, vec![SharedPart::Identity]))
                .unwrap();
            let d = today(s);
            let r = s.send_referral(r.id, d).unwrap();
            assert!(numbers.insert(r.letter_no.clone().unwrap()), "pc{i}");
        }
    }
    assert_eq!(numbers.len(), 6);
    assert!(numbers.contains("พล ๐๐๒๗/๕๐๐๑"), "{numbers:?}");
    assert!(case_nos.contains("พล-2569-500001"), "{case_nos:?}");
    let blocks = pc2.number_blocks().unwrap();
    let letters = blocks.iter().find(|b| b.series == Series::Letter).unwrap();
    assert_eq!(letters.used_this_year, 3);

    // A block that overlaps numbers already issued this year is refused.
    let e = pc2
        .set_number_block(&NumberBlock {
            series: Series::Letter,
            first_no: 5002,
            last_no: 6000,
            used_this_year: 0,
        })
        .unwrap_err();
    assert_eq!(e.field_errors()[0].problem, FieldProblem::BlockOverlaps);
}

#[test]
fn an_exhausted_block_refuses_with_a_thai_message_and_saves_nothing() {
    let (_o, mut s, _) = new_office();
    s.set_number_block(&NumberBlock {
        series: Series::Letter,
        first_no: 1,
        last_no: 1,
        used_this_year: 0,
    })
    .unwrap();
    let a = agency(&mut s);
    let c = case(&mut s, "3100600182731");
    let r1 = s
        .create_referral(c.id, &request(&a, vec![SharedPart::Identity]))
        .unwrap();
    let r2 = s
        .create_referral(c.id, &request(&a, vec![SharedPart::Identity]))
        .unwrap();
    let d = today(&s);
    s.send_referral(r1.id, d).unwrap();
    let e = s.send_referral(r2.id, d).unwrap_err();
    assert!(matches!(e, CoreError::NumbersExhausted("letter")));
    assert!(e.message_th().contains("ช่วงเลขใหม่"), "{}", e.message_th());
    assert_eq!(s.referral(r2.id).unwrap().status, ReferralStatus::Draft);
    let year = raksa_core::thai_date::be_year(d);
    assert_eq!(s.letter_register(year).unwrap().len(), 1);
}

#[test]
fn a_referral_moves_through_its_lifecycle_and_the_register_is_append_only() {
    let (o, mut s, _) = new_office();
    let a = agency(&mut s);
    let c = case(&mut s, "3100600182731");
    assert!(matches!(
        s.create_referral(c.id, &request(&a, vec![])),
        Err(CoreError::Invalid(_))
    ));
    let r = s
        .create_referral(
            c.id,
            &request(&a, vec![SharedPart::Identity, SharedPart::Problems]),
        )
        .unwrap();
    assert_eq!(r.status, ReferralStatus::Draft);
    assert!(
        r.letter.cause.contains("นางบุญมี ทองใบ"),
        "{}",
        r.letter.cause
    );
    assert!(r.letter.cause.contains("การดูแลผู้พึ่งพิง"));
    assert!(r.letter.request.contains("การดูแลสุขภาพที่บ้าน"));
    // a recorded change cannot skip sending
    let d = today(&s);
    let e = s
        .change_referral(
            r.id,
            &ReferralChange {
                to: ReferralStatus::Accepted,
                on: d,
                note: "".into(),
            },
        )
        .unwrap_err();
    assert!(matches!(e, CoreError::Transition("referral_step")));

    let mut text = r.letter.clone();
    text.request = "ขอความอนุเคราะห์ส่งผู้ดูแลผู้สูงอายุเยี่ยมบ้านสัปดาห์ละ ๒ ครั้ง".into();
    s.update_referral_draft(r.id, &request(&a, r.shared.clone()), &text)
        .unwrap();
    let sent = s.send_referral(r.id, d).unwrap();
    assert_eq!(sent.status, ReferralStatus::Sent);
    assert_eq!(sent.letter_no.as_deref(), Some("พล ๐๐๒๗/๑"));
    assert_eq!(
        sent.expected_reply_on,
        Some(d + chrono::Duration::days(15)),
        "normal urgency: 15 days"
    );
    assert!(
        s.update_referral_draft(r.id, &request(&a, r.shared.clone()), &text)
            .is_err()
    );
    assert!(s.send_referral(r.id, d).is_err(), "never sent twice");

    // the reply: declined needs a reason; received then accepted then closed
    let e = s
        .change_referral(
            r.id,
            &ReferralChange {
                to: ReferralStatus::Declined,
                on: d,
                note: "".into(),
            },
        )
        .unwrap_err();
    assert_eq!(e.field_errors()[0].field, "note");
    for (to, note) in [
        (ReferralStatus::Received, "รับเรื่องแล้ว"),
        (ReferralStatus::Accepted, "รับดูแล"),
        (ReferralStatus::ServiceDelivered, "เยี่ยมบ้านแล้ว"),
        (ReferralStatus::Closed, ""),
    ] {
        s.change_referral(
            r.id,
            &ReferralChange {
                to,
                on: d,
                note: note.into(),
            },
        )
        .unwrap();
    }
    let done = s.referral(r.id).unwrap();
    assert_eq!(done.replied_on, Some(d));
    assert_eq!(done.events.len(), 6);
    assert!(done.next.is_empty());
    let kinds: Vec<&str> = s
        .get_case(c.id)
        .unwrap()
        .events
        .iter()
        .map(|e| e.body.kind())
        .filter(|k| *k == "referral_changed")
        .collect();
    assert_eq!(kinds.len(), 6);

    let year = raksa_core::thai_date::be_year(d);
    let reg = s.letter_register(year).unwrap();
    assert_eq!(reg.len(), 1);
    assert_eq!(reg[0].recipient, a.head_position);
    drop(o);
}

#[test]
fn the_letter_register_and_referral_history_are_append_only() {
    use raksa_core::{crypto::DbKey, db, migrations};
    let tmp = tempfile::tempdir().unwrap();
    let mut conn = db::open(&tmp.path().join("a.db"), &DbKey::generate()).unwrap();
    migrations::migrate(&mut conn).unwrap();
    conn.execute_batch(
        "INSERT INTO users (id, username, full_name, position, role, created_at,
             password_changed_at) VALUES ('u', 'u', 'u', 'p', 'admin', 't', 't');
         INSERT INTO letter_register (be_year, number, letter_date, issued_at, issued_by,
             recipient, subject) VALUES (2569, 1, '2026-11-23', 't', 'u', 'r', 's');",
    )
    .unwrap();
    assert!(conn.execute("DELETE FROM letter_register", []).is_err());
    assert!(
        conn.execute("UPDATE letter_register SET number = 2", [])
            .is_err()
    );
    assert!(
        conn.execute(
            "INSERT INTO letter_register (be_year, number, letter_date, issued_at, issued_by,
                 recipient, subject) VALUES (2569, 1, '2026-11-24', 't', 'u', 'x', 'y')",
            []
        )
        .is_err(),
        "a number is never issued twice"
    );
}

#[test]
fn unanswered_referrals_come_up_for_a_reminder_then_overdue() {
    let (o, mut s, _) = new_office();
    let a = agency(&mut s);
    let c = case(&mut s, "3100600182731");
    let r = s
        .create_referral(c.id, &request(&a, vec![SharedPart::Identity]))
        .unwrap();
    let d = today(&s);
    s.send_referral(r.id, d).unwrap();
    let item = |s: &Session| {
        s.work_list(false)
            .unwrap()
            .items
            .into_iter()
            .find(|i| i.referral_id == Some(r.id))
    };
    let first = item(&s).unwrap();
    assert_eq!(first.milestone, Milestone::ReferralReminder);
    assert_eq!(first.note.as_deref(), Some(a.name.as_str()));
    // normal urgency: remind after 15 days, overdue after 30
    o.clock.advance_secs(16 * 86_400);
    let mid = item(&s).unwrap();
    assert_eq!(mid.milestone, Milestone::ReferralReply);
    assert_ne!(mid.state, DueState::Overdue);
    o.clock.advance_secs(15 * 86_400);
    let late = item(&s).unwrap();
    assert_eq!(late.state, DueState::Overdue);
    // the reply takes it off the list
    let on = s.today();
    s.change_referral(
        r.id,
        &ReferralChange {
            to: ReferralStatus::Accepted,
            on,
            note: "".into(),
        },
    )
    .unwrap();
    assert!(item(&s).is_none());
}

pub fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("l.pdf");
    std::fs::write(&p, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args([p.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils)");
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .collect()
}

#[test]
fn the_letter_discloses_only_what_the_referral_shares() {
    let (_o, mut s, _) = new_office();
    s.set_letter_settings(&LetterSettings {
        ref_prefix: "พม 0027".into(),
        owning_unit: "กลุ่มการพัฒนาสังคมและสวัสดิการ".into(),
        phone: "0 5525 2222".into(),
        fax: "".into(),
        email: "".into(),
        signer_name: "นางสาวมาลี ศรีสุข".into(),
        signer_position: "พัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดพิษณุโลก".into(),
        acting_for: "".into(),
        thai_digits: true,
        has_emblem: false,
    })
    .unwrap();
    let a = agency(&mut s);
    let c = case(&mut s, "3100600182731");
    let minimal = s
        .create_referral(c.id, &request(&a, vec![SharedPart::Problems]))
        .unwrap();
    let d = today(&s);
    s.send_referral(minimal.id, d).unwrap();
    let text = pdf_text(&s.referral_letter_pdf(minimal.id).unwrap());
    assert!(text.contains("ที่พม๐๐๒๗/๑"), "{text}");
    assert!(text.contains("เรียนผู้อำนวยการโรงพยาบาลส่งเสริมสุขภาพตำบลบ้านกร่าง"));
    assert!(text.contains("(นางสาวมาลีศรีสุข)"));
    assert!(text.contains("แบบตอบกลับการส่งต่อ"));
    assert!(text.contains("ผู้สูงอายุติดเตียง"), "problems were shared");
    assert!(!text.contains("บุญมี"), "the name was not shared");
    assert!(!text.contains("3100600182731") && !text.contains("๓๑๐๐๖๐๐๑๘๒๗๓๑"));
    assert!(!text.contains("๓๑๐๐๖"), "no ID in any layout");

    let full = s
        .create_referral(
            c.id,
            &request(&a, vec![SharedPart::Identity, SharedPart::CitizenId]),
        )
        .unwrap();
    let text = pdf_text(&s.referral_letter_pdf(full.id).unwrap());
    assert!(text.contains("นางบุญมีทองใบ"));
    assert!(
        text.contains("3-1006-00182-73-1") || text.contains("๓-๑๐๐๖-๐๐๑๘๒-๗๓-๑"),
        "{text}"
    );
    assert!(text.contains("(ร่าง)"), "an unsent draft says so");
    assert!(!text.contains("ผู้สูงอายุติดเตียง"), "problems were not shared");
}

/// Issue 13: the referral form numbered its sections by their place in the full form, so a
/// referral sharing only some parts printed 1, 2, 3, 6, 7, 8.
#[test]
fn the_referral_form_numbers_its_sections_consecutively_whatever_is_shared() {
    let (_o, mut s, _) = new_office();
    let a = agency(&mut s);
    let c = case(&mut s, "3100600182731");
    for shared in [
        vec![SharedPart::Problems],
        vec![SharedPart::Identity],
        vec![
            SharedPart::Identity,
            SharedPart::CitizenId,
            SharedPart::Problems,
        ],
    ] {
        let r = s
            .create_referral(c.id, &request(&a, shared.clone()))
            .unwrap();
        let (_, form, thai) = s.referral_document(r.id).unwrap();
        let numbers: Vec<String> = form
            .sections
            .iter()
            .map(|sec| sec.title.split('.').next().unwrap().to_owned())
            .collect();
        let expected: Vec<String> = (1..=form.sections.len())
            .map(|i| {
                let n = i.to_string();
                if thai {
                    raksa_core::thai_date::thai_digits(&n)
                } else {
                    n
                }
            })
            .collect();
        assert_eq!(numbers, expected, "{shared:?}");
    }
}

#[test]
fn the_office_template_shapes_new_referrals() {
    let (_o, mut s, _) = new_office();
    let mut t = s.letter_template().unwrap();
    t.subject = "ขอส่งต่อ{client} (กรณี {case_no})".into();
    s.set_letter_template(&t).unwrap();
    let a = agency(&mut s);
    let c = case(&mut s, "3100600182731");
    let r = s
        .create_referral(c.id, &request(&a, vec![SharedPart::Identity]))
        .unwrap();
    assert_eq!(
        r.letter.subject,
        format!("ขอส่งต่อนางบุญมี ทองใบ (กรณี {})", c.case_no)
    );
    t.cause = String::new();
    assert!(s.set_letter_template(&t).is_err());
}

#[test]
fn numbering_restarts_with_the_thai_year() {
    let (o, mut s, _) = new_office();
    let a = agency(&mut s);
    let c = case(&mut s, "3100600182731");
    for _ in 0..2 {
        let r = s
            .create_referral(c.id, &request(&a, vec![SharedPart::Identity]))
            .unwrap();
        let d = today(&s);
        s.send_referral(r.id, d).unwrap();
    }
    // 23 Nov 2569 → 1 Jan 2570 at 00:30 Bangkok (still 31 Dec in UTC)
    o.clock.advance_secs((38 * 24 * 3600) + (14 * 3600) + 1800);
    assert_eq!(raksa_core::thai_date::be_year(s.today()), 2570);
    let r = s
        .create_referral(c.id, &request(&a, vec![SharedPart::Identity]))
        .unwrap();
    let d = today(&s);
    let sent = s.send_referral(r.id, d).unwrap();
    assert_eq!(sent.letter_no.as_deref(), Some("พล ๐๐๒๗/๑"));
    assert_eq!(s.letter_register(2569).unwrap().len(), 2);
    assert_eq!(s.letter_register(2570).unwrap().len(), 1);
    let p = s
        .register_person(&person("มาลี", "ใจงาม", "1101700203450"))
        .unwrap();
    let c2 = s
        .open_case(&NewCase {
            person_id: p.id,
            intake_date: d,
            summary: "ปีใหม่".into(),
            ..intake_defaults()
        })
        .unwrap();
    assert_eq!(c2.case_no, "พล-2570-000001");
}

/// Issue 13: the ที่ line's office number is asked at set-up; a new office printed
/// `ที่ พล ๐๐๐๐/๑` before anyone found the letter settings.
#[test]
fn a_new_office_letters_carry_the_office_number_given_at_set_up() {
    let (_o, mut s, _) = new_office();
    assert_eq!(s.letter_settings().unwrap().ref_prefix, "พล 0027");
    let a = agency(&mut s);
    let c = case(&mut s, "3100600182731");
    let r = s
        .create_referral(c.id, &request(&a, vec![SharedPart::Identity]))
        .unwrap();
    let d = today(&s);
    s.send_referral(r.id, d).unwrap();
    let text = pdf_text(&s.referral_letter_pdf(r.id).unwrap());
    assert!(text.contains("ที่พล๐๐๒๗/๑"), "{text}");
    // and set-up refuses a number that is not one
    let tmp = tempfile::tempdir().unwrap();
    let e = raksa_core::office::init_office(
        &raksa_core::office::DataDir::new(tmp.path().join("x")),
        &OfficeSetup {
            office_number: "27ก".into(),
            ..office_setup()
        },
        &admin_user(),
        TestClock::at(nov_23()),
    )
    .err()
    .unwrap();
    assert_eq!(e.field_errors()[0].field, "office_number");
    assert!(e.message_th().contains("เลขประจำของสำนักงาน"));
}

/// What pypdf finds in a PDF's archival parts (tests/pdf-engines/pdf_facts.py).
fn pdf_facts(pdf: &[u8]) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("l.pdf");
    std::fs::write(&p, pdf).unwrap();
    let repo = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let venv = repo.join("tests/pdf-engines/.venv/bin/python");
    let python = if venv.exists() {
        venv
    } else {
        "python3".into()
    };
    let out = std::process::Command::new(&python)
        .arg(repo.join("tests/pdf-engines/pdf_facts.py"))
        .arg(&p)
        .output()
        .expect("python with pypdf (scripts/setup-deps.sh)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Issue 13 §2: the letter is PDF/A-3b and carries the referral's data as a JSON file
/// (associated as its data), so a receiving e-Saraban system can read what was referred
/// — with only the parts the referral shares, like the printed form.
#[test]
fn the_letter_is_pdf_a_3b_and_carries_the_referral_as_json() {
    use base64::Engine as _;
    let (_o, mut s, _) = new_office();
    let a = agency(&mut s);
    let c = case(&mut s, "3100600182731");
    let r = s
        .create_referral(c.id, &request(&a, vec![SharedPart::Problems]))
        .unwrap();
    let d = today(&s);
    s.send_referral(r.id, d).unwrap();
    let facts = pdf_facts(&s.referral_letter_pdf(r.id).unwrap());
    assert_eq!(facts["pdfa_part"], "3", "{facts}");
    assert_eq!(facts["pdfa_conformance"], "B");
    assert!(
        facts["output_intents"].as_u64().unwrap() >= 1,
        "an output intent"
    );
    assert_eq!(
        facts["catalog_af"], 1,
        "the file is associated with the document"
    );
    let files = facts["files"].as_array().unwrap();
    assert_eq!(files.len(), 1);
    let f = &files[0];
    assert_eq!(f["name"], "referral.json");
    assert_eq!(f["relationship"], "/Data");
    assert_eq!(f["subtype"], "/application/json");
    assert_eq!(f["has_mod_date"], true);
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(f["data"].as_str().unwrap())
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(json["case_no"], c.case_no);
    assert_eq!(json["referral_id"], r.id.to_string());
    assert_eq!(json["to"]["agency"], a.name);
    assert!(json["letter"]["number"].as_str().unwrap().contains('/'));
    assert_eq!(json["shared"], serde_json::json!(["problems"]));
    let text = String::from_utf8(bytes).unwrap();
    assert!(
        text.contains("ผู้สูงอายุติดเตียง"),
        "the shared problem is in the data"
    );
    assert!(
        !text.contains("บุญมี"),
        "the name was not shared: not in the data either"
    );
    assert!(!text.contains("3100600182731"), "nor the ID");
}
