use raksa_core::CoreError;
use raksa_core::backup::{self, RestoreCredentials};
use raksa_core::model::*;
use raksa_core::office::{self, DataDir};

use crate::*;

fn office_with_a_case() -> (Office, raksa_core::Session, String) {
    let (o, mut s, rk) = new_office();
    let p = s
        .register_person(&person("ประยูร", "ศรีสวัสดิ์", "1112034563562"))
        .unwrap();
    s.open_case(&NewCase {
        person_id: p.id,
        channel: IntakeChannel::WalkIn,
        intake_date: s.today(),
        summary: "สรุป".into(),
        ..crate::intake_defaults()
    })
    .unwrap();
    (o, s, rk)
}

#[test]
fn backup_then_restore_on_another_pc_brings_back_every_case() {
    let (o, s, _) = office_with_a_case();
    let file = o._tmp.path().join("office.raksa-backup");
    let h = s.backup_to(&file).unwrap();
    assert_eq!(h.schema_version, raksa_core::migrations::LATEST);
    let bytes = std::fs::read(&file).unwrap();
    assert!(
        !bytes
            .windows("ประยูร".len())
            .any(|w| w == "ประยูร".as_bytes())
    );
    backup::verify(&file).unwrap();

    let other = DataDir::new(o._tmp.path().join("other-pc"));
    let (s2, _) = backup::restore(
        &other,
        &file,
        RestoreCredentials::User {
            username: "somchai",
            password: ADMIN_PW,
        },
        o.clock.clone(),
    )
    .unwrap();
    let found = s2.search_cases("ประยูร", 10).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].case_no, "พล-2569-000001");
    drop(s2);
    office::unlock(&other, "somchai", ADMIN_PW, o.clock.clone()).unwrap();
}

#[test]
fn restore_keeps_the_replaced_files_aside() {
    let (o, mut s, rk) = office_with_a_case();
    let file = o._tmp.path().join("b.raksa-backup");
    s.backup_to(&file).unwrap();
    // work done after the backup
    let p = s
        .register_person(&person("มาลัย", "ทองดี", "3100600182731"))
        .unwrap();
    drop(s);
    let (s2, aside) = backup::restore(
        &o.dir,
        &file,
        RestoreCredentials::RecoveryKey(&rk),
        o.clock.clone(),
    )
    .unwrap();
    assert!(matches!(s2.get_person(p.id), Err(CoreError::NotFound)));
    assert!(aside.join("raksa.db").exists());
    assert!(aside.join("keyslots.json").exists());
}

#[test]
fn a_tampered_or_truncated_backup_is_refused_and_nothing_changes() {
    let (o, s, _) = office_with_a_case();
    let file = o._tmp.path().join("c.raksa-backup");
    s.backup_to(&file).unwrap();
    drop(s);
    let mut bytes = std::fs::read(&file).unwrap();
    let n = bytes.len();
    bytes[n - 100] ^= 0x55;
    let bad = o._tmp.path().join("bad.raksa-backup");
    std::fs::write(&bad, &bytes).unwrap();
    let before = std::fs::read(o.dir.db_path()).unwrap();
    let e = backup::restore(
        &o.dir,
        &bad,
        RestoreCredentials::User {
            username: "somchai",
            password: ADMIN_PW,
        },
        o.clock.clone(),
    )
    .err()
    .unwrap();
    assert!(matches!(e, CoreError::BackupInvalid(_)));
    assert!(e.message_th().contains("ไม่ได้เปลี่ยนแปลงข้อมูล"));
    std::fs::write(&bad, &bytes[..n / 2]).unwrap();
    assert!(backup::verify(&bad).is_err());
    std::fs::write(&bad, b"not a backup").unwrap();
    assert!(backup::verify(&bad).is_err());
    assert_eq!(std::fs::read(o.dir.db_path()).unwrap(), before);
}

#[test]
fn restore_with_a_wrong_password_is_refused_and_nothing_changes() {
    let (o, s, _) = office_with_a_case();
    let file = o._tmp.path().join("d.raksa-backup");
    s.backup_to(&file).unwrap();
    drop(s);
    let e = backup::restore(
        &o.dir,
        &file,
        RestoreCredentials::User {
            username: "somchai",
            password: "wrong",
        },
        o.clock.clone(),
    )
    .err()
    .unwrap();
    assert!(matches!(e, CoreError::BadCredentials));
    office::unlock(&o.dir, "somchai", ADMIN_PW, o.clock.clone()).unwrap();
}

/// Issue 14 §2: the backup header (with its key slots) is read before anything is
/// verified; an edited key-derivation cost is refused rather than run.
#[test]
fn a_backup_whose_key_slots_ask_for_absurd_kdf_costs_is_refused() {
    let (o, s, _) = office_with_a_case();
    let file = o._tmp.path().join("office.raksa-backup");
    s.backup_to(&file).unwrap();
    let bytes = std::fs::read(&file).unwrap();
    let pos = ["\"p\":1", "\"p\": 1"]
        .iter()
        .find_map(|pat| {
            bytes
                .windows(pat.len())
                .position(|w| w == pat.as_bytes())
                .map(|i| i + pat.len() - 1)
        })
        .expect("the header names its lanes");
    let mut bad = bytes.clone();
    bad[pos] = b'9'; // nine lanes: out of bounds, same length
    let path = o._tmp.path().join("edited.raksa-backup");
    std::fs::write(&path, &bad).unwrap();
    let e = backup::verify(&path).unwrap_err();
    assert!(matches!(e, CoreError::BackupInvalid(_)), "{e:?}");
    assert!(e.message_th().contains("ไม่ถูกต้องหรือเสียหาย"));
}

/// Issue 14 §2: the header (key slots, dates, checksum) is authenticated with a key derived
/// from the database key. A backup whose slots were swapped — here, another copy's slots
/// holding a password the attacker knows — is refused before anything is written, and the
/// old unauthenticated format is refused too.
#[test]
fn a_backup_whose_header_was_changed_is_refused() {
    let (o, s, _) = office_with_a_case();
    let file = o._tmp.path().join("h.raksa-backup");
    s.backup_to(&file).unwrap();
    drop(s);
    let bytes = std::fs::read(&file).unwrap();
    let magic = b"RAKSA-BACKUP-2\n".len();
    assert_eq!(&bytes[..magic], b"RAKSA-BACKUP-2\n");
    let hlen = u32::from_le_bytes(bytes[magic..magic + 4].try_into().unwrap()) as usize;
    let mut header: serde_json::Value =
        serde_json::from_slice(&bytes[magic + 4..magic + 4 + hlen]).unwrap();
    let db = bytes[magic + 4 + hlen..].to_vec();
    let write = |header: &serde_json::Value, magic_bytes: &[u8]| {
        let h = serde_json::to_vec(header).unwrap();
        let mut out = magic_bytes.to_vec();
        out.extend_from_slice(&(h.len() as u32).to_le_bytes());
        out.extend_from_slice(&h);
        out.extend_from_slice(&db);
        let p = o._tmp.path().join("edited.raksa-backup");
        std::fs::write(&p, out).unwrap();
        p
    };
    let before = std::fs::read(o.dir.db_path()).unwrap();
    let restore = |p: &std::path::Path| {
        backup::restore(
            &o.dir,
            p,
            RestoreCredentials::User {
                username: "somchai",
                password: ADMIN_PW,
            },
            o.clock.clone(),
        )
        .map(|_| ())
    };
    // an edited date: the slots still open, the header no longer matches its MAC
    header["created_at"] = serde_json::json!("2020-01-01T00:00:00+00:00");
    let edited = write(&header, b"RAKSA-BACKUP-2\n");
    match restore(&edited) {
        Err(CoreError::BackupInvalid(why)) => assert!(why.contains("changed"), "{why}"),
        other => panic!("{other:?}"),
    }
    // the MAC removed, or the file passed off as the old format
    header["mac"] = serde_json::json!("");
    assert!(matches!(
        restore(&write(&header, b"RAKSA-BACKUP-2\n")),
        Err(CoreError::BackupInvalid(_))
    ));
    assert!(matches!(
        restore(&write(&header, b"RAKSA-BACKUP-1\n")),
        Err(CoreError::BackupInvalid(_))
    ));
    assert_eq!(
        std::fs::read(o.dir.db_path()).unwrap(),
        before,
        "nothing changed"
    );
    // the untouched backup restores
    restore(&file).unwrap();
}
