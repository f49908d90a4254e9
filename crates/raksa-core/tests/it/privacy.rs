//! The database on disk holds no readable personal data, and nothing opens it without the key.

use raksa_core::CoreError;
use raksa_core::office;

use crate::*;

const NAME: &str = "ประภัสสรณ์ทดสอบ";
const SURNAME: &str = "วงศ์สุวรรณเลิศฤทธิ์";
const ID: &str = "1101700203123";

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// UTF-16 forms too, in case anything stored text in another encoding.
fn needles() -> Vec<Vec<u8>> {
    let mut v = Vec::new();
    for s in [
        NAME,
        SURNAME,
        ID,
        "1-1017-00203-12-3",
        "Phitsanulok-secret-note",
    ] {
        v.push(s.as_bytes().to_vec());
        v.push(s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect());
    }
    v
}

#[test]
fn no_personal_data_in_the_database_wal_or_journal_files() {
    let (o, mut s, _) = new_office();
    let p = s.register_person(&person(NAME, SURNAME, ID)).unwrap();
    s.open_case(&NewCase {
        person_id: p.id,
        channel: IntakeChannel::WalkIn,
        intake_date: s.today(),
        summary: "Phitsanulok-secret-note: ผู้สูงอายุติดเตียง".into(),
        ..crate::intake_defaults()
    })
    .unwrap();
    s.search_cases(NAME, 10).unwrap();
    s.get_person(p.id).unwrap();

    // Check while the session is open (the WAL holds the fresh writes) and after closing.
    let scan = |when: &str| {
        let mut scanned = 0;
        for entry in std::fs::read_dir(o.dir.root()).unwrap() {
            let path = entry.unwrap().path();
            if !path.is_file() {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            scanned += bytes.len();
            for n in needles() {
                assert!(
                    !contains(&bytes, &n),
                    "{when}: personal data found in {}",
                    path.display()
                );
            }
        }
        assert!(
            scanned > 4096,
            "{when}: expected data files, scanned {scanned} bytes"
        );
    };
    let wal = o.dir.db_files()[1].clone();
    assert!(wal.exists(), "WAL file should exist while open");
    assert!(std::fs::metadata(&wal).unwrap().len() > 0);
    scan("open");
    drop(s);
    scan("closed");
}

#[test]
fn the_database_does_not_open_without_the_key() {
    let (o, s, _) = new_office();
    drop(s);
    // Not a plain SQLite file: the header is not "SQLite format 3".
    let head = std::fs::read(o.dir.db_path()).unwrap();
    assert!(!head.starts_with(b"SQLite format 3\0"));
    // Opening without a key fails on first read.
    let conn = rusqlite::Connection::open(o.dir.db_path()).unwrap();
    let r = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    });
    assert!(r.is_err());
    // A random key fails too.
    let k = raksa_core::crypto::DbKey::generate();
    assert!(matches!(
        raksa_core::db::open(&o.dir.db_path(), &k),
        Err(raksa_core::CoreError::BadCredentials)
    ));
}

#[test]
fn the_key_slot_file_names_no_staff_and_holds_no_key_in_clear() {
    let (o, s, _) = new_office();
    drop(s);
    let slots = std::fs::read_to_string(o.dir.keyslots_path()).unwrap();
    assert!(!slots.contains("somchai"));
    assert!(!slots.contains("สมชาย"));
    assert!(!slots.contains(ADMIN_PW));
}

#[test]
fn logs_never_contain_personal_data() {
    // Every test in this binary logs into the same capture (installed by `new_office`).
    let (o, mut s, _) = new_office();
    let p = s.register_person(&person(NAME, SURNAME, ID)).unwrap();
    s.open_case(&NewCase {
        person_id: p.id,
        channel: IntakeChannel::Hotline1300,
        intake_date: s.today(),
        summary: "Phitsanulok-secret-note".into(),
        ..crate::intake_defaults()
    })
    .unwrap();
    let _ = s.register_person(&person(NAME, SURNAME, "1101700203124"));
    s.search_cases(SURNAME, 5).unwrap();
    drop(s);
    let _ = office::unlock(&o.dir, "somchai", "wrong-password", o.clock.clone());
    let logged = crate::captured_logs();
    for expected in [
        "office initialised",
        "person registered",
        "case opened",
        "unlock refused",
    ] {
        assert!(
            logged.contains(expected),
            "expected {expected:?} in the log"
        );
    }
    for n in [
        NAME,
        SURNAME,
        ID,
        "Phitsanulok-secret-note",
        "somchai",
        ADMIN_PW,
        "wrong-password",
    ] {
        assert!(!logged.contains(n), "log contains personal data {n}");
    }
}

#[test]
fn an_access_request_gives_json_and_a_readable_thai_pdf_logged_once() {
    let (_o, mut s, _) = new_office();
    let p = s
        .register_person(&person("บุญเรือน", "ทองดี", "3100600182731"))
        .unwrap();
    let c = s
        .open_case(&NewCase {
            person_id: p.id,
            summary: "ผู้สูงอายุอยู่ลำพัง ขาดรายได้".into(),
            target_groups: vec![TargetGroup::Elderly],
            ..intake_defaults()
        })
        .unwrap();
    s.add_note(c.id, "โทรติดตามแล้ว ญาติจะมารับ").unwrap();
    let before = s.audit_entries(1000).unwrap().len();
    let files = s.export_person_files(p.id, &Default::default()).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&files.json).unwrap();
    assert_eq!(v["person"]["first_name"], "บุญเรือน");
    assert_eq!(v["cases"][0]["case"]["case"]["case_no"], c.case_no.as_str());
    assert!(files.pdf.starts_with(b"%PDF"));
    assert!(
        !files.base_name.contains("บุญเรือน"),
        "the file name carries no personal data"
    );
    let text = crate::referrals::pdf_text(&files.pdf);
    for needle in [
        "ข้อมูลส่วนบุคคลที่สำนักงานเก็บรักษา",
        "นางบุญเรือนทองดี",
        "3-1006-00182-73-1",
        "มาตรา30และ31",
        &c.case_no,
        "โทรติดตามแล้วญาติจะมารับ",
        "ประวัติการเข้าถึงข้อมูล",
    ] {
        assert!(text.contains(needle), "{needle} missing from the PDF text");
    }
    let audit = s.audit_entries(1000).unwrap();
    let exports: Vec<_> = audit[..audit.len() - before]
        .iter()
        .filter(|a| a.action == "export")
        .collect();
    assert_eq!(exports.len(), 1, "one entry for the request, both files");
    assert_eq!(
        exports[0].detail,
        "pdpa access request: json and pdf; third parties withheld"
    );
}

/// Issue 14 §5: an abusive parent's access request must not reveal the neighbour who
/// reported, the other household members or the staff. Only supervisors and
/// administrators export; other people's data is withheld unless included with a reason,
/// and the decision is audited.
#[test]
fn an_access_request_withholds_the_reporter_household_and_staff_unless_a_reason_is_given() {
    let (o, mut admin, _) = new_office();
    admin
        .add_user(&NewUser {
            username: "malee".into(),
            full_name: "นางสาวมาลี ศรีสุข".into(),
            position: "นักสังคมสงเคราะห์".into(),
            role: Role::CaseWorker,
            password: "malee-password".into(),
        })
        .unwrap();
    let father = admin
        .register_person(&person("สมชาย", "ใจร้าย", "3100600182731"))
        .unwrap();
    let child = admin
        .register_person(&person("น้องเมย์", "ใจร้าย", "1101700203450"))
        .unwrap();
    let today = admin.today();
    let h = admin.create_household(father.id, "", today).unwrap();
    admin
        .add_household_member(
            h.id,
            &raksa_core::household::NewMembership {
                person_id: child.id,
                relationship: raksa_core::model::Relationship::Child,
                joined_on: today,
            },
        )
        .unwrap();
    admin
        .open_case(&NewCase {
            person_id: father.id,
            summary: "บิดาทำร้ายบุตร".into(),
            reporter: Some(Reporter {
                name: "นางสมศรี บ้านติดกัน".into(),
                relationship: "เพื่อนบ้าน".into(),
                contact: "089-111-2222".into(),
            }),
            ..intake_defaults()
        })
        .unwrap();
    // a case worker cannot hand out anyone's data
    let worker =
        raksa_core::office::unlock(&o.dir, "malee", "malee-password", o.clock.clone()).unwrap();
    assert!(matches!(
        worker.export_person_files(father.id, &Default::default()),
        Err(CoreError::Forbidden)
    ));
    drop(worker);
    // by default: nothing of the others
    let files = admin
        .export_person_files(father.id, &Default::default())
        .unwrap();
    let json = String::from_utf8(files.json.clone()).unwrap();
    let pdf = crate::referrals::pdf_text(&files.pdf);
    for other in ["สมศรี", "089-111-2222", "น้องเมย์", "สมชาย ใจดี"]
    {
        assert!(!json.contains(other), "{other} in the JSON");
        assert!(!pdf.contains(&other.replace(' ', "")), "{other} in the PDF");
    }
    assert!(json.contains("สมชาย"), "the subject's own data is there");
    assert!(pdf.contains("ปกปิด"));
    // including them needs a reason, which the export carries; the audit says so
    let include = |reason: &str| raksa_core::pdpa::ExportScope {
        include_third_parties: true,
        reason: reason.into(),
    };
    assert!(matches!(
        admin.export_person_files(father.id, &include("ขอ")),
        Err(CoreError::Invalid(_))
    ));
    let files = admin
        .export_person_files(father.id, &include("ศาลมีหมายเรียกเอกสารฉบับเต็ม คดีที่ 123/2569"))
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&files.json).unwrap();
    assert!(v.to_string().contains("สมศรี"));
    assert_eq!(v["disclosure"]["third_parties"], "included");
    let audit = admin.audit_entries(1000).unwrap();
    assert!(audit.iter().any(|a| {
        a.action == "export"
            && a.detail
                .ends_with("third parties included with a stated reason")
            && !a.detail.contains("ศาล")
    }));
}
