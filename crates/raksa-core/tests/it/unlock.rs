use std::time::Instant;

use raksa_core::CoreError;
use raksa_core::model::*;
use raksa_core::office;

use crate::*;

#[test]
fn set_up_then_unlock_as_the_administrator() {
    let (o, s, rk) = new_office();
    assert_eq!(s.user().role, Role::Admin);
    assert_eq!(s.office().letter_code, "พล");
    assert_eq!(rk.len(), 47, "8 groups of 5 with dashes: {rk}");
    s.lock();
    let s = office::unlock(&o.dir, "SomChai ", ADMIN_PW, o.clock.clone()).unwrap();
    assert_eq!(s.user().full_name, "นายสมชาย ใจดี");
}

#[test]
fn set_up_refuses_bad_input_with_field_messages_and_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = office::DataDir::new(tmp.path().join("o"));
    let mut setup = office_setup();
    setup.letter_code = "PL".into();
    let mut admin = admin_user();
    admin.password = "short".into();
    let err = office::init_office(&dir, &setup, &admin, TestClock::at(nov_23()))
        .err()
        .unwrap();
    let fields: Vec<_> = err
        .field_errors()
        .iter()
        .map(|e| e.field.as_str())
        .collect();
    assert_eq!(fields, ["letter_code", "password"]);
    assert!(err.field_errors()[0].message_th.contains("อักษรไทย"));
    assert!(!dir.is_initialised());
}

#[test]
fn a_second_set_up_is_refused() {
    let (o, _s, _) = new_office();
    let err = office::init_office(&o.dir, &office_setup(), &admin_user(), o.clock.clone());
    assert!(matches!(err, Err(CoreError::AlreadyInitialised)));
}

#[test]
fn wrong_password_and_unknown_user_look_the_same() {
    let (o, s, _) = new_office();
    drop(s);
    let a = office::unlock(&o.dir, "somchai", "wrong password", o.clock.clone())
        .err()
        .unwrap();
    let b = office::unlock(&o.dir, "nobody", ADMIN_PW, o.clock.clone())
        .err()
        .unwrap();
    assert_eq!(a.message_th(), b.message_th());
    assert_eq!(a.message_th(), "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง");
}

#[test]
fn repeated_failures_make_the_user_wait_longer_each_time() {
    let (o, s, _) = new_office();
    drop(s);
    for _ in 0..3 {
        let e = office::unlock(&o.dir, "somchai", "nope-nope", o.clock.clone())
            .err()
            .unwrap();
        assert!(matches!(e, CoreError::BadCredentials));
    }
    // now throttled, even with the right password
    let e = office::unlock(&o.dir, "somchai", ADMIN_PW, o.clock.clone())
        .err()
        .unwrap();
    let CoreError::Throttled { wait_secs } = e else {
        panic!("{e:?}")
    };
    assert_eq!(wait_secs, 5);
    assert!(e.message_th().contains("กรุณารอ 5 วินาที"));
    o.clock.advance_secs(5);
    let e = office::unlock(&o.dir, "somchai", "still wrong", o.clock.clone())
        .err()
        .unwrap();
    assert!(matches!(e, CoreError::BadCredentials));
    let e = office::unlock(&o.dir, "somchai", ADMIN_PW, o.clock.clone())
        .err()
        .unwrap();
    assert!(matches!(e, CoreError::Throttled { wait_secs: 10 }));
    o.clock.advance_secs(10);
    let s = office::unlock(&o.dir, "somchai", ADMIN_PW, o.clock.clone()).unwrap();
    let log = s.audit_entries(5).unwrap();
    assert!(
        log.iter()
            .any(|e| e.action == "login" && e.detail.contains("4 failed"))
    );
    drop(s);
    // success reset the counter
    assert!(office::unlock(&o.dir, "somchai", "x-wrong-1", o.clock.clone()).is_err());
    assert!(office::unlock(&o.dir, "somchai", ADMIN_PW, o.clock.clone()).is_ok());
}

#[test]
fn unlock_takes_well_under_a_second_with_argon2id_64mib() {
    let (o, s, _) = new_office();
    drop(s);
    let t = Instant::now();
    office::unlock(&o.dir, "somchai", ADMIN_PW, o.clock.clone()).unwrap();
    // Not a performance assertion (see docs/benchmarks.md): a sanity bound that catches an
    // unoptimised KDF build, which takes many seconds.
    assert!(t.elapsed().as_secs_f64() < 5.0);
    let slots = std::fs::read_to_string(o.dir.keyslots_path()).unwrap();
    assert!(slots.contains("\"m_kib\": 65536") && slots.contains("\"t\": 3"));
}

#[test]
fn users_added_by_the_admin_can_unlock_and_change_their_password() {
    let (o, mut s, _) = new_office();
    let db_header_before = std::fs::read(o.dir.db_path()).unwrap()[..16].to_vec();
    let u = s
        .add_user(&NewUser {
            username: "malee".into(),
            full_name: "นางสาวมาลี ศรีสุข".into(),
            position: "นักพัฒนาสังคม".into(),
            role: Role::CaseWorker,
            password: "initial-pass-1".into(),
        })
        .unwrap();
    assert_eq!(u.role, Role::CaseWorker);
    let dup = s.add_user(&NewUser {
        username: "Malee".into(),
        full_name: "x".into(),
        position: "x".into(),
        role: Role::CaseWorker,
        password: "initial-pass-1".into(),
    });
    assert_eq!(dup.err().unwrap().field_errors()[0].field, "username");
    drop(s);

    let mut m = office::unlock(&o.dir, "malee", "initial-pass-1", o.clock.clone()).unwrap();
    assert!(
        matches!(m.list_users(), Err(CoreError::Forbidden)),
        "case worker cannot list users"
    );
    assert!(matches!(
        m.add_user(&admin_user()),
        Err(CoreError::Forbidden)
    ));
    assert!(matches!(
        m.change_password("not-current", "new-pass-22"),
        Err(CoreError::BadCredentials)
    ));
    m.change_password("initial-pass-1", "new-pass-22").unwrap();
    drop(m);
    assert!(office::unlock(&o.dir, "malee", "initial-pass-1", o.clock.clone()).is_err());
    let m = office::unlock(&o.dir, "malee", "new-pass-22", o.clock.clone()).unwrap();
    drop(m);
    // The database key (and so the file's salt header) did not change: no re-encryption.
    let db_header_after = std::fs::read(o.dir.db_path()).unwrap()[..16].to_vec();
    assert_eq!(db_header_before, db_header_after);
    // The admin's password still works.
    office::unlock(&o.dir, "somchai", ADMIN_PW, o.clock.clone()).unwrap();
}

#[test]
fn a_deactivated_user_can_no_longer_unlock() {
    let (o, mut s, _) = new_office();
    let u = s
        .add_user(&NewUser {
            username: "leaver".into(),
            full_name: "นายลา ออก".into(),
            position: "นักพัฒนาสังคม".into(),
            role: Role::Supervisor,
            password: "leaver-pass-1".into(),
        })
        .unwrap();
    s.set_user_active(u.id, false, None).unwrap();
    assert!(matches!(
        office::unlock(&o.dir, "leaver", "leaver-pass-1", o.clock.clone()),
        Err(CoreError::BadCredentials)
    ));
}

/// Issue 14 §2: removing a user re-keys the database. Before, the removed user's old
/// key-slot file (or any copy of it) and their password still opened every later copy of
/// the database; now they open nothing, while every remaining user and the recovery key
/// go on working without anyone re-entering a password.
#[test]
fn removing_a_user_re_keys_so_their_old_slot_file_opens_nothing() {
    use raksa_core::keyslots::KeySlotsFile;
    let (o, mut s, _) = new_office();
    let u = s
        .add_user(&NewUser {
            username: "leaver".into(),
            full_name: "นายลา ออก".into(),
            position: "นักพัฒนาสังคม".into(),
            role: Role::CaseWorker,
            password: "leaver-pass-1".into(),
        })
        .unwrap();
    s.add_user(&NewUser {
        username: "stayer".into(),
        full_name: "นางอยู่ ต่อ".into(),
        position: "นักสังคมสงเคราะห์".into(),
        role: Role::CaseWorker,
        password: "stayer-pass-1".into(),
    })
    .unwrap();
    // the leaver keeps a copy of the key-slot file before leaving
    let old_slots = KeySlotsFile::load(&o.dir.keyslots_path()).unwrap();
    let lookup = raksa_core::keyslots::username_lookup(old_slots.office_id, "leaver");
    let old_key = old_slots
        .user_slot(&lookup)
        .unwrap()
        .open(old_slots.office_id, b"leaver-pass-1")
        .unwrap();
    assert!(raksa_core::db::open(&o.dir.db_path(), &old_key).is_ok());
    let report = s.set_user_active(u.id, false, None).unwrap();
    assert_eq!(report, Default::default(), "nobody needs a new password");
    drop(s);
    // the old key opens neither the database nor a later copy of it
    assert!(matches!(
        raksa_core::db::open(&o.dir.db_path(), &old_key),
        Err(CoreError::BadCredentials)
    ));
    // …and the old slot file put back opens nothing either
    old_slots.save(&o.dir.keyslots_path()).unwrap();
    assert!(office::unlock(&o.dir, "leaver", "leaver-pass-1", o.clock.clone()).is_err());
    assert!(office::unlock(&o.dir, "somchai", ADMIN_PW, o.clock.clone()).is_err());
}

/// Slots made before sealed slots: a user's is upgraded at their next unlock; at a re-key,
/// a legacy recovery slot is replaced by a new recovery key shown once, and a legacy user
/// slot's user needs a new password.
#[test]
fn legacy_slots_are_upgraded_at_unlock_and_reported_at_a_re_key() {
    use raksa_core::keyslots::{KeySlot, KeySlotsFile, SlotOwner};
    let (o, mut s, rk) = new_office();
    let w = s
        .add_user(&NewUser {
            username: "oldtimer".into(),
            full_name: "นางเก่า แก่".into(),
            position: "นักสังคมสงเคราะห์".into(),
            role: Role::CaseWorker,
            password: "oldtimer-pass-1".into(),
        })
        .unwrap();
    let l = s
        .add_user(&NewUser {
            username: "leaver".into(),
            full_name: "นายลา ออก".into(),
            position: "นักพัฒนาสังคม".into(),
            role: Role::CaseWorker,
            password: "leaver-pass-1".into(),
        })
        .unwrap();
    drop(s);
    // make every slot a legacy one, as an office set up by an older Raksa has
    let (key, _) = office::open_with_recovery_key(&o.dir, &rk, &*o.clock).unwrap();
    let mut slots = KeySlotsFile::load(&o.dir.keyslots_path()).unwrap();
    let id = slots.office_id;
    let legacy = |owner: SlotOwner, secret: &[u8]| KeySlot::seal_legacy(id, owner, secret, &key);
    let rk_secret = raksa_core::crypto::RecoveryKey::parse(&rk)
        .unwrap()
        .secret();
    let user = |uid, name: &str| SlotOwner::User {
        user_id: uid,
        lookup: raksa_core::keyslots::username_lookup(id, name),
    };
    let admin_id = slots
        .slots
        .iter()
        .find_map(|s| s.user_id().filter(|u| *u != w.id && *u != l.id))
        .unwrap();
    slots.slots = vec![
        legacy(SlotOwner::Recovery, &rk_secret),
        legacy(user(admin_id, "somchai"), ADMIN_PW.as_bytes()),
        legacy(user(w.id, "oldtimer"), b"oldtimer-pass-1"),
        legacy(user(l.id, "leaver"), b"leaver-pass-1"),
    ];
    slots.save(&o.dir.keyslots_path()).unwrap();
    // the administrator signs in: their slot is upgraded on the way
    let mut s = office::unlock(&o.dir, "somchai", ADMIN_PW, o.clock.clone()).unwrap();
    let now = KeySlotsFile::load(&o.dir.keyslots_path()).unwrap();
    let admin_lookup = raksa_core::keyslots::username_lookup(id, "somchai");
    assert!(!now.user_slot(&admin_lookup).unwrap().is_legacy());
    let report = s.set_user_active(l.id, false, None).unwrap();
    let new_rk = report.new_recovery_key.clone().expect("a new recovery key");
    assert_eq!(report.need_new_password, vec!["นางเก่า แก่".to_owned()]);
    drop(s);
    assert!(
        office::open_with_recovery_key(&o.dir, &rk, &*o.clock).is_err(),
        "old recovery key"
    );
    office::open_with_recovery_key(&o.dir, &new_rk, &*o.clock).unwrap();
    office::unlock(&o.dir, "somchai", ADMIN_PW, o.clock.clone()).unwrap();
    assert!(office::unlock(&o.dir, "oldtimer", "oldtimer-pass-1", o.clock.clone()).is_err());
}

#[test]
fn the_recovery_key_resets_a_forgotten_password() {
    let (o, s, rk) = new_office();
    drop(s);
    assert!(
        office::reset_password_with_recovery(
            &o.dir,
            "AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA",
            "somchai",
            "brand-new-pass",
            o.clock.clone()
        )
        .is_err()
    );
    // typed in lower case without dashes still works
    let typed = rk.replace('-', "").to_lowercase();
    let s = office::reset_password_with_recovery(
        &o.dir,
        &typed,
        "somchai",
        "brand-new-pass",
        o.clock.clone(),
    )
    .unwrap();
    drop(s);
    assert!(office::unlock(&o.dir, "somchai", ADMIN_PW, o.clock.clone()).is_err());
    office::unlock(&o.dir, "somchai", "brand-new-pass", o.clock.clone()).unwrap();
}

#[test]
fn idle_lock_setting_defaults_to_ten_minutes_and_only_admins_change_it() {
    let (_o, mut s, _) = new_office();
    assert_eq!(s.settings().unwrap().idle_lock_minutes, 10);
    s.update_settings(&OfficeSettings {
        idle_lock_minutes: 15,
    })
    .unwrap();
    assert_eq!(s.settings().unwrap().idle_lock_minutes, 15);
    assert!(
        s.update_settings(&OfficeSettings {
            idle_lock_minutes: 0
        })
        .is_err()
    );
}

#[test]
fn the_workstation_locks_itself_after_the_idle_period_and_drops_the_session() {
    use raksa_core::workstation::Workstation;
    let (o, s, _) = new_office();
    drop(s);
    let mut ws = Workstation::new(o.dir.clone(), o.clock.clone());
    assert!(ws.status().initialised && !ws.status().unlocked);
    assert!(matches!(
        ws.with_session(|s| s.search_cases("", 5)),
        Err(CoreError::Locked)
    ));
    ws.unlock("somchai", ADMIN_PW).unwrap();
    assert_eq!(ws.status().idle_lock_minutes, 10);
    o.clock.advance_secs(9 * 60);
    ws.with_session(|s| s.search_cases("", 5)).unwrap(); // activity
    o.clock.advance_secs(9 * 60);
    assert!(!ws.lock_if_idle());
    o.clock.advance_secs(60);
    assert!(ws.lock_if_idle());
    assert!(!ws.status().unlocked);
    let e = ws.with_session(|s| s.search_cases("", 5)).err().unwrap();
    assert_eq!(e.message_th(), "โปรแกรมล็อกอยู่ กรุณาเข้าสู่ระบบอีกครั้ง");
    // a shorter idle period applies at once
    ws.unlock("somchai", ADMIN_PW).unwrap();
    let saved = ws
        .update_settings(&OfficeSettings {
            idle_lock_minutes: 2,
        })
        .unwrap();
    assert_eq!(saved.idle_lock_minutes, 2);
    assert_eq!(ws.status().idle_lock_minutes, 2);
    o.clock.advance_secs(2 * 60);
    assert!(ws.lock_if_idle());
    // on demand
    ws.unlock("somchai", ADMIN_PW).unwrap();
    assert_eq!(
        ws.status().idle_lock_minutes,
        2,
        "read from the office settings at unlock"
    );
    ws.lock();
    assert!(!ws.status().unlocked);
}

/// Issue 14 §2: key-derivation costs are read from files an attacker may edit. Huge
/// values used to abort the app (or exhaust memory) on unlock; now the file is refused as
/// damaged, at once, and nothing is opened.
#[test]
fn a_key_slot_file_with_absurd_kdf_costs_is_refused_as_damaged() {
    let (o, s, _) = new_office();
    drop(s);
    let path = o.dir.keyslots_path();
    let good = std::fs::read_to_string(&path).unwrap();
    for (from, to) in [
        ("\"m_kib\": 65536", "\"m_kib\": 4000000000"),
        ("\"t\": 3", "\"t\": 4000000000"),
        ("\"p\": 1", "\"p\": 0"),
        ("\"m_kib\": 65536", "\"m_kib\": 8"),
    ] {
        std::fs::write(&path, good.replacen(from, to, 1)).unwrap();
        let t = Instant::now();
        let e = office::unlock(&o.dir, "somchai", ADMIN_PW, o.clock.clone())
            .err()
            .unwrap();
        assert!(matches!(e, CoreError::Corrupt(_)), "{to}: {e:?}");
        assert!(e.message_th().contains("เสียหาย"), "{to}");
        assert!(
            t.elapsed().as_secs() < 5,
            "{to}: refused before any key derivation"
        );
    }
    std::fs::write(&path, good).unwrap();
    assert!(office::unlock(&o.dir, "somchai", ADMIN_PW, o.clock.clone()).is_ok());
}

/// Issue 14 §3: deleting or damaging the throttle file reset the wait (a fresh counter);
/// now it means the longest wait from that moment.
#[test]
fn deleting_or_damaging_the_throttle_file_locks_instead_of_resetting() {
    let (o, s, _) = new_office();
    drop(s);
    for _ in 0..4 {
        assert!(office::unlock(&o.dir, "somchai", "nope-nope", o.clock.clone()).is_err());
    }
    for damage in [None, Some(&b"{not json"[..])] {
        match damage {
            None => std::fs::remove_file(o.dir.throttle_path()).unwrap(),
            Some(bytes) => std::fs::write(o.dir.throttle_path(), bytes).unwrap(),
        }
        let e = office::unlock(&o.dir, "somchai", ADMIN_PW, o.clock.clone())
            .err()
            .expect("still throttled");
        let CoreError::Throttled { wait_secs } = e else {
            panic!("{e:?}")
        };
        assert_eq!(wait_secs, 300, "the longest wait, not a fresh start");
        o.clock.advance_secs(300);
        // the wait passes like any other
        let s = office::unlock(&o.dir, "somchai", ADMIN_PW, o.clock.clone()).unwrap();
        drop(s);
    }
}

/// Issue 14 §3: attempts made at the same time (two commands, the app and a command)
/// were counted as one when they read the counter before either wrote it.
#[test]
fn attempts_made_at_the_same_time_are_all_counted() {
    let (o, s, _) = new_office();
    drop(s);
    let dir = o.dir.clone();
    let threads: Vec<_> = (0..3)
        .map(|_| {
            let (dir, clock) = (dir.clone(), o.clock.clone());
            std::thread::spawn(move || office::unlock(&dir, "somchai", "guess-guess", clock).err())
        })
        .collect();
    for t in threads {
        assert!(matches!(t.join().unwrap(), Some(CoreError::BadCredentials)));
    }
    let counter: serde_json::Value =
        serde_json::from_slice(&std::fs::read(o.dir.throttle_path()).unwrap()).unwrap();
    assert_eq!(counter["failures"], 3, "{counter}");
}

/// Issue 14 §10: the audit trail was only protected by triggers, which anyone holding the
/// database key can drop. Now each entry is chained to the one before it: an entry changed
/// or removed behind the triggers' back breaks the chain there.
#[test]
fn the_audit_trail_is_hash_chained_and_a_changed_or_removed_entry_is_found() {
    let (o, mut s, rk) = new_office();
    let p = s
        .register_person(&person("บุญมี", "ทองใบ", "3100600182731"))
        .unwrap();
    for _ in 0..3 {
        s.get_person(p.id).unwrap();
    }
    let ok = s.verify_audit().unwrap();
    assert_eq!(ok.broken_at, None, "{ok:?}");
    assert!(ok.entries >= 5 && ok.before_chain == 0, "{ok:?}");
    drop(s);
    let (key, _) = office::open_with_recovery_key(&o.dir, &rk, &*o.clock).unwrap();
    let raw = raksa_core::db::open(&o.dir.db_path(), &key).unwrap();
    let middle: i64 = raw
        .query_row(
            "SELECT seq FROM audit_log WHERE action = 'read' ORDER BY seq LIMIT 1 OFFSET 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    // someone with the key drops the trigger and rewrites who looked
    raw.execute_batch("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;")
        .unwrap();
    raw.execute(
        "UPDATE audit_log SET user_id = NULL WHERE seq = ?1",
        [middle],
    )
    .unwrap();
    drop(raw);
    let s = office::unlock(&o.dir, "somchai", ADMIN_PW, o.clock.clone()).unwrap();
    assert_eq!(
        s.verify_audit().unwrap().broken_at,
        Some(middle),
        "a changed entry"
    );
    drop(s);
    // removing the entry altogether is found too: the next one no longer chains
    let raw = raksa_core::db::open(&o.dir.db_path(), &key).unwrap();
    raw.execute("DELETE FROM audit_log WHERE seq = ?1", [middle])
        .unwrap();
    drop(raw);
    let s = office::unlock(&o.dir, "somchai", ADMIN_PW, o.clock.clone()).unwrap();
    let broken = s
        .verify_audit()
        .unwrap()
        .broken_at
        .expect("a removed entry");
    assert!(broken > middle, "{broken} after {middle}");
}
