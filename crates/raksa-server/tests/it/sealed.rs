//! Issue 14 §4, like the PC's privacy test: after an office's PC has synced a person, a case
//! with notes and a photo, no name, citizen ID, note or photo byte pattern is anywhere in
//! the server's database — the SQLite file and its WAL, or PostgreSQL's tables — while the
//! office's PCs get everything back intact and the national figures still count the case.

use raksa_protocol::{Entity, Mutation, Outcome, PROTOCOL_VERSION, PushRequest};
use raksa_server::store::Db;
use serde_json::json;

use crate::{backends, device, fields_of, id};

const NAME: &str = "ดวงใจรักษ์ดีลับเฉพาะ";
const CID: &str = "3100600182731";
const NOTE: &str = "ถูกทำร้ายที่บ้านเลขที่ลับ";

fn photo() -> Vec<u8> {
    let mut p = b"\x89PNG\r\n\x1a\n".to_vec();
    p.extend((0..4000u32).map(|i| (i * 7 % 251) as u8));
    p
}

fn raw_contains(b: &crate::Backend, needle: &[u8]) -> bool {
    match &b.store.db {
        Db::Sqlite(m) => {
            let c = m.lock().unwrap();
            c.execute_batch("PRAGMA wal_checkpoint(FULL)").unwrap();
            let path: String = c
                .query_row("PRAGMA database_list", [], |r| r.get(2))
                .unwrap();
            drop(c);
            [path.clone(), format!("{path}-wal")]
                .iter()
                .filter_map(|p| std::fs::read(p).ok())
                .any(|bytes| bytes.windows(needle.len()).any(|w| w == needle))
        }
        Db::Postgres(_) => {
            let mut c = postgres::Client::connect(
                &crate::pg_url(b.pg_db.as_ref().unwrap()),
                postgres::NoTls,
            )
            .unwrap();
            let in_records = match std::str::from_utf8(needle) {
                Ok(text) if !text.contains('\0') => c
                    .query_one(
                        "SELECT EXISTS (SELECT 1 FROM records WHERE position($1 in fields) > 0)",
                        &[&text],
                    )
                    .unwrap()
                    .get(0),
                _ => false,
            };
            let in_blobs: bool = c
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM blobs WHERE position($1 in data) > 0)",
                    &[&needle],
                )
                .unwrap()
                .get(0);
            in_records || in_blobs
        }
    }
}

#[test]
fn no_name_id_note_or_photo_is_readable_in_the_server_database() {
    let sha = raksa_protocol::sha256_hex(photo());
    for b in backends() {
        let pl = device(&b.store, "พล", "phitsanulok");
        let person = json!({"id": id(1), "title": "นาง", "first_name": NAME, "last_name": "ใจดี",
            "id_kind": "citizen_id", "id_number": CID, "phone": "081-234-5678",
            "address_text": "12 หมู่ 3"});
        let case = json!({"id": id(2), "case_no": "พล-2569-000001", "person_id": id(1),
            "summary": NOTE, "status": "intake", "channel": "hotline1300", "urgency": "urgent",
            "intake_date": "2026-11-23", "problem_domains": "[\"safety\"]", "target_groups": "[\"woman\"]"});
        let event = json!({"id": id(3), "case_id": id(2), "at": "2026-11-23T03:00:00Z",
            "user_id": id(9), "kind": "note", "body": format!("{{\"kind\":\"note\",\"text\":\"{NOTE}\"}}")});
        let attachment = json!({"id": id(4), "case_id": id(2), "field_key": "documents.files",
            "file_name": "หลักฐาน.png", "media_type": "image/png", "size": photo().len(), "sha256": sha});
        let muts = vec![
            Mutation::new(1, Entity::People, id(1), fields_of(&person), None),
            Mutation::new(2, Entity::Cases, id(2), fields_of(&case), None),
            Mutation::new(3, Entity::CaseEvents, id(3), fields_of(&event), None),
            Mutation::new(4, Entity::Attachments, id(4), fields_of(&attachment), None),
        ];
        let r = b
            .store
            .push(
                &pl,
                &PushRequest {
                    protocol: PROTOCOL_VERSION,
                    mutations: muts,
                },
            )
            .unwrap();
        assert!(
            r.results.iter().all(|x| x.outcome == Outcome::Applied),
            "{} {:?}",
            b.name,
            r.results
        );
        b.store.put_blob(&pl, &sha, &photo()).unwrap();

        for needle in [
            NAME.as_bytes(),
            CID.as_bytes(),
            NOTE.as_bytes(),
            &photo()[8..72],
            "081-234-5678".as_bytes(),
        ] {
            assert!(
                !raw_contains(&b, needle),
                "{}: readable in the database: {}",
                b.name,
                String::from_utf8_lossy(needle)
            );
        }
        // the office gets it all back
        let pulled = b.store.pull(&crate::reader(&pl), 0, 1000).unwrap().records;
        let p = pulled.iter().find(|x| x.entity == Entity::People).unwrap();
        assert_eq!(p.fields["first_name"], NAME);
        assert_eq!(p.fields["id_number"], CID);
        let c = pulled.iter().find(|x| x.entity == Entity::Cases).unwrap();
        assert_eq!(c.fields["summary"], NOTE);
        assert_eq!(b.store.blob(&pl, &sha).unwrap(), photo());
        // an edit merges as before (the server opens, merges, seals)
        let edit = Mutation::new(
            5,
            Entity::People,
            id(1),
            fields_of(&json!({"phone": "089-999-0000"})),
            Some(fields_of(&json!({"phone": "081-234-5678"}))),
        );
        let r = b
            .store
            .push(
                &pl,
                &PushRequest {
                    protocol: PROTOCOL_VERSION,
                    mutations: vec![edit],
                },
            )
            .unwrap();
        assert_eq!(r.results[0].outcome, Outcome::Applied, "{}", b.name);
        let pulled = b.store.pull(&crate::reader(&pl), 0, 1000).unwrap().records;
        let p = pulled.iter().find(|x| x.entity == Entity::People).unwrap();
        assert_eq!(
            (p.fields["phone"].as_str(), p.fields["first_name"].as_str()),
            (Some("089-999-0000"), Some(NAME))
        );
        // the national figures still count it
        assert!(
            b.store.national_input().unwrap().cases.len() == 1,
            "{}",
            b.name
        );
    }
}

/// The master key can be rotated: every office key is re-wrapped under a new one; the old
/// master key file opens nothing afterwards, the new one opens everything.
#[test]
fn the_master_key_rotates_without_touching_the_records() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("s.db");
    let url = format!("sqlite:{}", db.display());
    let store = raksa_server::store::Store::open(&url).unwrap();
    let pl = device(&store, "พล", "phitsanulok");
    let person = json!({"id": id(1), "first_name": NAME, "id_number": CID});
    store
        .push(
            &pl,
            &PushRequest {
                protocol: PROTOCOL_VERSION,
                mutations: vec![Mutation::new(
                    1,
                    Entity::People,
                    id(1),
                    fields_of(&person),
                    None,
                )],
            },
        )
        .unwrap();
    let new = tmp.path().join("new.master-key");
    assert_eq!(store.rotate_master_key(&new).unwrap(), 1);
    drop(store);
    // the old key no longer opens the office's records
    let old = raksa_server::store::Store::open(&url).unwrap();
    assert!(old.pull(&crate::reader(&pl), 0, 100).is_err());
    drop(old);
    std::fs::rename(&new, tmp.path().join("s.db.master-key")).unwrap();
    let rotated = raksa_server::store::Store::open(&url).unwrap();
    let pulled = rotated.pull(&crate::reader(&pl), 0, 100).unwrap().records;
    assert_eq!(pulled[0].fields["first_name"], NAME);
}
