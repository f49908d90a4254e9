use raksa_core::crypto::DbKey;
use raksa_core::{db, migrations};

/// Every earlier schema version (including an empty file) upgrades to the latest, and data
/// written under the old version survives.
#[test]
fn upgrades_from_every_earlier_version() {
    const { assert!(migrations::LATEST >= 2) };
    for from in 0..migrations::LATEST {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("raksa.db");
        let key = DbKey::generate();
        let mut conn = db::open(&path, &key).unwrap();
        assert_eq!(migrations::migrate_to(&mut conn, from).unwrap(), from);
        if from >= 1 {
            conn.execute_batch(
                "INSERT INTO office VALUES ('o1', 'สำนักงาน', 'ที่อยู่', 'พล', '055000000', 'x');
                 INSERT INTO users (id, username, full_name, position, role, created_at, password_changed_at)
                   VALUES ('u1', 'admin', 'ผู้ดูแล', 'ตำแหน่ง', 'admin', 'x', 'x');
                 INSERT INTO people (id, title, first_name, last_name, id_kind, id_number, sex,
                   created_by, created_at, updated_at)
                   VALUES ('p1', 'นาย', 'ทดสอบ', 'ระบบ', 'citizen_id', '1112034563562', 'male', 'u1', 'x', 'x');",
            )
            .unwrap();
        }
        drop(conn);
        let mut conn = db::open(&path, &key).unwrap();
        assert_eq!(
            migrations::migrate(&mut conn).unwrap(),
            migrations::LATEST,
            "from {from}"
        );
        if from >= 1 {
            let n: String = conn
                .query_row("SELECT first_name FROM people WHERE id = 'p1'", [], |r| {
                    r.get(0)
                })
                .unwrap();
            assert_eq!(n, "ทดสอบ");
        }
        let idle: String = conn
            .query_row(
                "SELECT value FROM settings WHERE key = 'idle_lock_minutes'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(idle, "10");
        assert!(db::integrity_problems(&conn).unwrap().is_empty());
    }
}

#[test]
fn a_newer_schema_is_refused_not_downgraded() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("raksa.db");
    let key = DbKey::generate();
    let mut conn = db::open(&path, &key).unwrap();
    conn.pragma_update(None, "user_version", migrations::LATEST + 1)
        .unwrap();
    assert!(matches!(
        migrations::migrate(&mut conn),
        Err(raksa_core::CoreError::SchemaTooNew { .. })
    ));
}

#[test]
fn migration_versions_are_contiguous() {
    for (i, m) in migrations::MIGRATIONS.iter().enumerate() {
        assert_eq!(m.version as usize, i + 1);
    }
}

#[test]
fn the_audit_log_is_append_only() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("a.db");
    let key = DbKey::generate();
    let mut conn = db::open(&path, &key).unwrap();
    migrations::migrate(&mut conn).unwrap();
    conn.execute(
        "INSERT INTO audit_log (at, action, entity, detail) VALUES ('t', 'read', 'person', '')",
        [],
    )
    .unwrap();
    assert!(
        conn.execute("UPDATE audit_log SET action = 'x'", [])
            .is_err()
    );
    assert!(conn.execute("DELETE FROM audit_log", []).is_err());
}
