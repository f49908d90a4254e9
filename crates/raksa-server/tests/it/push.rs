//! Push and pull: once and in order (G2, G3), no silent loss (G4), liveness (G7), scope
//! (G8), restore safety (G9).

use raksa_protocol::{Entity, Mutation, Outcome, PROTOCOL_VERSION, PushRequest};
use raksa_server::store::StoreError;
use serde_json::json;

use crate::*;

fn req(m: Vec<Mutation>) -> PushRequest {
    PushRequest {
        protocol: PROTOCOL_VERSION,
        mutations: m,
    }
}

fn code(e: StoreError) -> (u16, String, Option<u64>) {
    match e {
        StoreError::Refused(s, b) => (s, b.code, b.expected_seq),
        StoreError::Db(m) => panic!("db error {m}"),
    }
}

#[test]
fn g3_each_mutation_once_in_order_gaps_refused() {
    for b in backends() {
        let d = device(&b.store, "พล", "pc1");
        let batch = vec![
            case(1, 1, "ก", None),
            case(2, 2, "ข", None),
            case(3, 3, "ค", None),
        ];
        let r = b.store.push(&d, &req(batch.clone())).unwrap();
        assert_eq!(r.acknowledged_through, 3, "{}", b.name);
        assert!(r.results.iter().all(|x| x.outcome == Outcome::Applied));
        // a lost reply: the same batch again is all duplicates, nothing changes
        let again = b.store.push(&d, &req(batch)).unwrap();
        assert_eq!(again.acknowledged_through, 3);
        assert!(
            again
                .results
                .iter()
                .all(|x| x.outcome == Outcome::Duplicate),
            "{}",
            b.name
        );
        // a gap is refused with the expected number
        let e = b
            .store
            .push(&d, &req(vec![case(5, 5, "จ", None)]))
            .unwrap_err();
        assert_eq!(code(e), (409, "gap".into(), Some(4)), "{}", b.name);
        let pulled = b.store.pull(&reader(&d), 0, 100).unwrap();
        assert_eq!(pulled.records.len(), 3);
        let positions: Vec<u64> = pulled.records.iter().map(|r| r.position).collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]));
    }
}

/// Issue 17: a PC is never sent back a change exactly as it sent it (a PC joining an
/// office or coming back from an outage would otherwise download its own work again); the
/// cursor still moves past those records, and other PCs of the office get everything.
#[test]
fn a_device_is_not_sent_its_own_changes_back_but_the_cursor_passes_them() {
    for b in backends() {
        let d = device(&b.store, "พล", "pc1");
        let batch: Vec<Mutation> = (1..=5u32)
            .map(|i| case(u64::from(i), i, "ก", None))
            .collect();
        b.store.push(&d, &req(batch)).unwrap();
        let own = b.store.pull(&d, 0, 2).unwrap();
        assert!(own.records.is_empty(), "{}", b.name);
        assert!(own.more, "pages of echoes still move on");
        let mut cursor = own.next_cursor;
        loop {
            let p = b.store.pull(&d, cursor, 2).unwrap();
            assert!(p.records.is_empty());
            cursor = p.next_cursor;
            if !p.more {
                break;
            }
        }
        let all = b.store.pull(&reader(&d), 0, 100).unwrap();
        assert_eq!(all.records.len(), 5, "{}", b.name);
        assert_eq!(
            cursor, all.next_cursor,
            "the device's cursor reached the end"
        );
        // a colleague changes one of them: that comes to the first PC
        let d2 = device(&b.store, "พล", "pc2");
        b.store
            .push(&d2, &req(vec![case(1, 3, "แก้โดยเครื่องที่สอง", Some("ก"))]))
            .unwrap();
        let p = b.store.pull(&d, cursor, 100).unwrap();
        assert_eq!(p.records.len(), 1, "{}", b.name);
        assert_eq!(p.records[0].fields["summary"], json!("แก้โดยเครื่องที่สอง"));
        assert!(b.store.pull(&d2, cursor, 100).unwrap().records.is_empty());
    }
}

#[test]
fn g9_a_restored_old_database_is_stopped_not_merged() {
    for b in backends() {
        let d = device(&b.store, "พล", "pc1");
        b.store
            .push(
                &d,
                &req(vec![case(1, 1, "ฉบับจริง", None), case(2, 2, "ข", None)]),
            )
            .unwrap();
        // the PC is restored from an old backup and reuses number 2 for different content
        let e = b
            .store
            .push(&d, &req(vec![case(2, 9, "จากไฟล์สำรองเก่า", None)]))
            .unwrap_err();
        assert_eq!(code(e).1, "diverged", "{}", b.name);
        // from now on every push is refused, and the server kept what it had
        let e = b
            .store
            .push(&d, &req(vec![case(3, 3, "ค", None)]))
            .unwrap_err();
        assert_eq!(code(e).1, "diverged");
        let recs = b.store.pull(&reader(&d), 0, 100).unwrap().records;
        assert_eq!(recs.len(), 2);
        assert!(recs.iter().all(|r| r.record_id != id(9)));
    }
}

#[test]
fn g4_concurrent_edits_merge_by_field_and_keep_both_values() {
    for b in backends() {
        let d1 = device(&b.store, "พล", "pc1");
        let d2 = device(&b.store, "พล", "pc2");
        b.store
            .push(&d1, &req(vec![case(1, 1, "เดิม", None)]))
            .unwrap();
        // both PCs edit the summary from the same starting value while offline
        let r1 = b
            .store
            .push(&d1, &req(vec![case(2, 1, "แก้จากเครื่อง 1", Some("เดิม"))]))
            .unwrap();
        assert_eq!(r1.results[0].outcome, Outcome::Applied);
        let r2 = b
            .store
            .push(&d2, &req(vec![case(1, 1, "แก้จากเครื่อง 2", Some("เดิม"))]))
            .unwrap();
        assert_eq!(
            r2.results[0].outcome,
            Outcome::Conflict {
                fields: vec!["summary".into()]
            },
            "{}",
            b.name
        );
        // the PC that lost the field is sent the server's value back (its own change, but
        // not as it sent it)
        let rec = b.store.pull(&d2, 0, 100).unwrap().records.pop().unwrap();
        assert_eq!(rec.fields["summary"], json!("แก้จากเครื่อง 1"));
        // a change to a different field merges without conflict
        let mut m = case(2, 1, "แก้จากเครื่อง 1", Some("แก้จากเครื่อง 1"));
        m.fields.insert("status".into(), json!("fact_finding"));
        let m = Mutation::new(
            m.seq,
            m.entity,
            m.record_id.clone(),
            m.fields.clone(),
            m.base.clone(),
        );
        let r = b.store.push(&d2, &req(vec![m])).unwrap();
        assert_eq!(r.results[0].outcome, Outcome::Applied, "{}", b.name);
        let rec = b.store.pull(&d1, 0, 100).unwrap().records.pop().unwrap();
        assert_eq!(rec.fields["status"], json!("fact_finding"));
        assert_eq!(rec.fields["summary"], json!("แก้จากเครื่อง 1"));
    }
}

#[test]
fn g7_a_bad_mutation_does_not_wedge_the_queue() {
    for b in backends() {
        let d = device(&b.store, "พล", "pc1");
        let bad_person = Mutation::new(
            1,
            Entity::People,
            id(1),
            fields_of(&json!({"id": id(1), "id_kind": "citizen_id", "id_number": "3100600182732"})),
            None,
        );
        let unknown_field = Mutation::new(
            2,
            Entity::Cases,
            id(2),
            fields_of(&json!({"id": id(2), "secret_column": "x"})),
            None,
        );
        let mut tampered = case(3, 3, "ค", None);
        tampered
            .fields
            .insert("summary".into(), json!("เปลี่ยนระหว่างทาง"));
        let good = case(4, 4, "ง", None);
        let r = b
            .store
            .push(&d, &req(vec![bad_person, unknown_field, tampered, good]))
            .unwrap();
        assert_eq!(r.acknowledged_through, 4, "{}", b.name);
        let kinds: Vec<bool> = r
            .results
            .iter()
            .map(|x| matches!(x.outcome, Outcome::Rejected { .. }))
            .collect();
        assert_eq!(kinds, [true, true, true, false]);
        match &r.results[0].outcome {
            Outcome::Rejected { reason } => assert!(reason.contains("เลขประจำตัวประชาชน")),
            o => panic!("{o:?}"),
        }
        assert_eq!(b.store.pull(&reader(&d), 0, 100).unwrap().records.len(), 1);
    }
}

#[test]
fn g8_a_device_sees_and_writes_only_its_own_office() {
    for b in backends() {
        let pl = device(&b.store, "พล", "phitsanulok");
        let cm = device(&b.store, "ชม", "chiang-mai");
        b.store
            .push(&pl, &req(vec![case(1, 1, "ของพิษณุโลก", None)]))
            .unwrap();
        // Chiang Mai cannot overwrite Phitsanulok's case, even knowing its id
        let r = b
            .store
            .push(&cm, &req(vec![case(1, 1, "เขียนทับ", Some("ของพิษณุโลก"))]))
            .unwrap();
        assert!(
            matches!(r.results[0].outcome, Outcome::Rejected { .. }),
            "{}",
            b.name
        );
        assert!(
            b.store
                .pull(&reader(&cm), 0, 100)
                .unwrap()
                .records
                .is_empty()
        );
        let pl_recs = b.store.pull(&reader(&pl), 0, 100).unwrap().records;
        assert_eq!(pl_recs[0].fields["summary"], json!("ของพิษณุโลก"));
        // letter register numbers are per office: both may have number 1
        for (d, office) in [(&pl, "พล"), (&cm, "ชม")] {
            let m = Mutation::new(
                2,
                Entity::LetterRegister,
                "2569/1".into(),
                fields_of(&json!({"be_year": 2569, "number": 1, "subject": office})),
                None,
            );
            let r = b.store.push(d, &req(vec![m])).unwrap();
            assert_eq!(
                r.results[0].outcome,
                Outcome::Applied,
                "{} {office}",
                b.name
            );
        }
    }
}

#[test]
fn revoking_a_device_stops_it_at_once_and_codes_work_once() {
    for b in backends() {
        b.store.add_office("พล", "พมจ.พิษณุโลก").unwrap();
        let code = b.store.new_enrolment_code("พล").unwrap();
        let r = b.store.enrol(&code, "pc1").unwrap();
        assert!(b.store.enrol(&code, "pc2").is_err(), "one use only");
        assert!(b.store.enrol("0000-0000-0000", "pc3").is_err());
        let d = b.store.authenticate(&r.token).unwrap();
        assert!(b.store.authenticate("not-a-token").is_err());
        assert!(b.store.revoke(&d.id).unwrap());
        let (status, c, _) = code_of(b.store.authenticate(&r.token).unwrap_err());
        assert_eq!((status, c.as_str()), (403, "revoked"), "{}", b.name);
        assert!(b.store.new_enrolment_code("ไม่มี").is_err());
    }
}

fn code_of(e: StoreError) -> (u16, String, Option<u64>) {
    code(e)
}

#[test]
fn pull_pages_follow_the_cursor_without_skipping() {
    for b in backends() {
        let d = device(&b.store, "พล", "pc1");
        let batch: Vec<Mutation> = (1..=25).map(|i| case(i, i as u32, "x", None)).collect();
        b.store.push(&d, &req(batch)).unwrap();
        let mut cursor = 0;
        let mut seen = Vec::new();
        loop {
            let page = b.store.pull(&reader(&d), cursor, 10).unwrap();
            seen.extend(page.records.iter().map(|r| r.record_id.clone()));
            cursor = page.next_cursor;
            if !page.more {
                break;
            }
        }
        assert_eq!(seen.len(), 25, "{}", b.name);
        assert_eq!(
            b.store.pull(&reader(&d), cursor, 10).unwrap().records.len(),
            0
        );
    }
}

#[test]
fn each_pc_of_an_office_gets_its_own_number_blocks() {
    for b in backends() {
        b.store.add_office("พล", "พมจ.พิษณุโลก").unwrap();
        b.store.add_office("ชม", "พมจ.เชียงใหม่").unwrap();
        let enrol = |office: &str| {
            let code = b.store.new_enrolment_code(office).unwrap();
            b.store.enrol(&code, "pc").unwrap().blocks
        };
        let first = enrol("พล");
        let second = enrol("พล");
        let other = enrol("ชม");
        let case = |v: &Vec<raksa_protocol::NumberBlockGrant>| {
            let g = v.iter().find(|g| g.series == "case").unwrap();
            (g.first_no, g.last_no)
        };
        assert_eq!(case(&first), (1, 100_000), "{}", b.name);
        assert_eq!(case(&second), (100_001, 200_000));
        assert_eq!(case(&other), (1, 100_000), "offices number independently");
        let letters = second.iter().find(|g| g.series == "letter").unwrap();
        assert_eq!((letters.first_no, letters.last_no), (10_001, 20_000));
    }
}

#[test]
fn g8_no_entity_can_be_overwritten_or_read_by_another_office() {
    let sha = "ab".repeat(32);
    for b in backends() {
        let pl = device(&b.store, "พล", "phitsanulok");
        let cm = device(&b.store, "ชม", "chiang-mai");
        let mut seq = 0;
        for (n, e) in Entity::ALL.into_iter().enumerate() {
            // (requests for help and expedite notices are the server's to make;
            // `requests::*`, `husec::an_expedite_notice…`)
            if e.key_columns() != ["id"]
                || e == Entity::ReferralReplies
                || e == Entity::HelpRequests
                || e == Entity::ExpediteNotices
            {
                continue;
            }
            let mut fields = json!({"id": id(900 + n as u32)});
            if e == Entity::Attachments {
                fields = json!({"id": id(900 + n as u32), "sha256": sha, "media_type": "image/png", "size": 10});
            }
            seq += 1;
            let m = |s, f: &serde_json::Value| {
                let mut f = fields_of(f);
                if raksa_protocol::signed::signs(e) {
                    f = admin_signed(e, &id(900 + n as u32), f);
                }
                Mutation::new(s, e, id(900 + n as u32), f, None)
            };
            let r = b.store.push(&pl, &req(vec![m(seq, &fields)])).unwrap();
            assert_eq!(r.results[0].outcome, Outcome::Applied, "{} {e:?}", b.name);
            let r = b.store.push(&cm, &req(vec![m(seq, &fields)])).unwrap();
            assert!(
                matches!(r.results[0].outcome, Outcome::Rejected { .. }),
                "{} {e:?}: another office wrote it",
                b.name
            );
        }
        // an answer to a referral never sent to this office is refused too
        let reply = Mutation::new(
            seq + 1,
            Entity::ReferralReplies,
            id(999),
            fields_of(&json!({"id": id(999), "referral_id": id(900 + 8), "status": "accepted"})),
            None,
        );
        let r = b.store.push(&cm, &req(vec![reply])).unwrap();
        assert!(
            matches!(r.results[0].outcome, Outcome::Rejected { .. }),
            "{}",
            b.name
        );
        assert!(
            b.store
                .pull(&reader(&cm), 0, 1000)
                .unwrap()
                .records
                .is_empty(),
            "{}",
            b.name
        );
        assert!(b.store.blob(&cm, &sha).is_err(), "{}", b.name);
    }
}

/// Issue 14 §7: a receiving office answers a referral. The rows the server writes into the
/// sender's history (referral event, case timeline entry) get ids of the server's own
/// making, so an answer whose id is one of the sender's existing records cannot overwrite
/// it; a reply to a referral that was never shared is refused; an office a sender names
/// as an agency's `raksa_office` sees the referral only when that office is in the
/// server's directory.
#[test]
fn a_reply_never_overwrites_the_senders_records_whatever_id_it_chooses() {
    for b in backends() {
        let pl = device(&b.store, "พล", "phitsanulok");
        let cm = device(&b.store, "ชม", "chiang-mai");
        let (case_id, event_id, agency, ghost, referral, referral2) =
            (id(1), id(2), id(3), id(4), id(5), id(6));
        let event = json!({"id": event_id, "case_id": case_id, "at": "2026-11-23T03:00:00Z",
            "user_id": id(7), "kind": "note", "body": "{\"kind\":\"note\",\"text\":\"บันทึกเดิม\"}",
            "corrects": null});
        let sent = |rid: &str, ag: &str| {
            json!({"id": rid, "case_id": case_id, "agency_id": ag, "status": "sent",
                "created_by": id(7), "sent_on": "2026-11-23"})
        };
        let muts = vec![
            case(1, 1, "ผู้สูงอายุถูกทอดทิ้ง", None),
            Mutation::new(
                2,
                Entity::CaseEvents,
                event_id.clone(),
                fields_of(&event),
                None,
            ),
            Mutation::new(
                3,
                Entity::Agencies,
                agency.clone(),
                fields_of(&json!({"id": agency,
                "name": "พมจ.เชียงใหม่", "runs_raksa": 1, "raksa_office": "ชม"})),
                None,
            ),
            // an agency naming an office the server does not know
            Mutation::new(
                4,
                Entity::Agencies,
                ghost.clone(),
                fields_of(&json!({"id": ghost,
                "name": "ไม่มีจริง", "runs_raksa": 1, "raksa_office": "ขก"})),
                None,
            ),
            Mutation::new(
                5,
                Entity::Referrals,
                referral.clone(),
                fields_of(&sent(&referral, &agency)),
                None,
            ),
            Mutation::new(
                6,
                Entity::Referrals,
                referral2.clone(),
                fields_of(&sent(&referral2, &ghost)),
                None,
            ),
        ];
        let r = b.store.push(&pl, &req(muts)).unwrap();
        assert!(
            r.results.iter().all(|x| x.outcome == Outcome::Applied),
            "{} {:?}",
            b.name,
            r.results
        );
        // ขก enrols later: the referral addressed to a made-up office was never shared with it
        let kk = device(&b.store, "ขก", "khon-kaen");
        assert!(
            b.store
                .pull(&reader(&kk), 0, 1000)
                .unwrap()
                .records
                .is_empty(),
            "{}",
            b.name
        );

        // ชม answers with the id of พล's existing timeline entry
        let reply = Mutation::new(
            1,
            Entity::ReferralReplies,
            event_id.clone(),
            fields_of(&json!({
            "id": event_id, "referral_id": referral, "status": "accepted", "on_date": "2026-11-24",
            "note": "รับเรื่องแล้ว", "by_name": "นางสาวเจ้าหน้าที่"})),
            None,
        );
        let r = b.store.push(&cm, &req(vec![reply])).unwrap();
        assert_eq!(r.results[0].outcome, Outcome::Applied, "{}", b.name);
        let mine = b.store.pull(&reader(&pl), 0, 1000).unwrap().records;
        let note = mine
            .iter()
            .find(|x| x.entity == Entity::CaseEvents && x.record_id == event_id)
            .unwrap();
        assert_eq!(
            note.fields["kind"], "note",
            "{}: the sender's entry was overwritten",
            b.name
        );
        assert!(note.fields["body"].as_str().unwrap().contains("บันทึกเดิม"));
        // the answer is still on the sender's timeline and referral history, under new ids
        assert!(
            mine.iter().any(|x| x.entity == Entity::CaseEvents
                && x.fields["kind"] == "referral_changed"
                && x.record_id != event_id),
            "{}",
            b.name
        );
        assert!(
            mine.iter()
                .any(|x| x.entity == Entity::ReferralEvents && x.fields["to_status"] == "accepted"),
            "{}",
            b.name
        );
        let moved = mine
            .iter()
            .find(|x| x.entity == Entity::Referrals && x.record_id == referral)
            .unwrap();
        assert_eq!(moved.fields["status"], "accepted");
    }
}

/// Issue 14 §10: the PCs' audit trails reach the server and stay as they were chained: an
/// entry that does not match its hash, or a second version of an entry, is refused; the
/// trail is never sent back down to the office's PCs.
#[test]
fn audit_entries_are_kept_append_only_and_checked_against_their_hash() {
    use raksa_domain::audit_chain::chain_hash;
    let entry = |prev: Option<&str>, detail: &str| {
        let parts = [
            prev.map(str::to_owned),
            Some("2026-11-23T03:00:00+00:00".to_owned()),
            Some(id(7)),
            Some("read".to_owned()),
            Some("person".to_owned()),
            Some(id(1)),
            Some(detail.to_owned()),
        ];
        let hash = chain_hash(&parts);
        (
            hash.clone(),
            json!({"hash": hash, "prev_hash": prev, "at": "2026-11-23T03:00:00+00:00",
                "user_id": id(7), "action": "read", "entity": "person", "entity_id": id(1),
                "detail": detail}),
        )
    };
    for b in backends() {
        let pl = device(&b.store, "พล", "phitsanulok");
        let (h1, e1) = entry(None, "record opened");
        let (h2, e2) = entry(Some(&h1), "record opened");
        let mut forged = e2.clone();
        forged["detail"] = json!("search");
        let muts = vec![
            Mutation::new(1, Entity::AuditLog, h1.clone(), fields_of(&e1), None),
            Mutation::new(2, Entity::AuditLog, h2.clone(), fields_of(&e2), None),
            // the same entry, rewritten after it was chained
            Mutation::new(3, Entity::AuditLog, h2.clone(), fields_of(&forged), None),
            // …or uploaded under a hash of its own choosing
            Mutation::new(
                4,
                Entity::AuditLog,
                "f".repeat(64),
                fields_of(&forged),
                None,
            ),
        ];
        let r = b.store.push(&pl, &req(muts)).unwrap();
        let outcomes: Vec<_> = r.results.iter().map(|x| &x.outcome).collect();
        assert_eq!(outcomes[0], &Outcome::Applied, "{}", b.name);
        assert_eq!(outcomes[1], &Outcome::Applied, "{}", b.name);
        assert!(
            matches!(outcomes[2], Outcome::Rejected { .. }),
            "{}",
            b.name
        );
        assert!(
            matches!(outcomes[3], Outcome::Rejected { .. }),
            "{}",
            b.name
        );
        let kept = b.store.all_records_of("audit_log").unwrap();
        assert_eq!(kept.len(), 2, "{}", b.name);
        assert!(
            kept.iter()
                .all(|(o, f)| o == "พล" && f.contains("record opened"))
        );
        // not sent back to the office's PCs
        let pl2 = device(&b.store, "พล", "phitsanulok-2");
        assert!(
            b.store
                .pull(&reader(&pl2), 0, 1000)
                .unwrap()
                .records
                .iter()
                .all(|x| x.entity != Entity::AuditLog),
            "{}",
            b.name
        );
    }
}
