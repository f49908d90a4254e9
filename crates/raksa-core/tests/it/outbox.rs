//! The outbox: every saved change is queued in the same transaction (G1's local half), in a
//! gap-free sequence, and nothing is queued for a change that was not saved.

use raksa_core::model::*;
use raksa_core::numbering::{NumberBlock, Series};
use raksa_core::referral::{NewAgency, NewReferral};
use raksa_protocol::{Entity, ItemResult, Outcome, PushResponse};

use crate::*;

#[test]
fn every_saved_change_is_queued_in_order_without_gaps() {
    let (o, mut s, _) = new_office();
    let before = s.outbox_batch(10_000).unwrap();
    // the office's first user is queued from the start
    assert!(before.iter().any(|m| m.entity == Entity::Users));
    let p = s
        .register_person(&person("บุญมี", "ทองใบ", "3100600182731"))
        .unwrap();
    let c = s
        .open_case(&NewCase {
            person_id: p.id,
            summary: "ผู้สูงอายุ".into(),
            ..intake_defaults()
        })
        .unwrap();
    o.clock.advance_secs(60);
    s.add_note(c.id, "โทรติดตามแล้ว").unwrap();
    let all = s.outbox_batch(10_000).unwrap();
    let seqs: Vec<u64> = all.iter().map(|m| m.seq).collect();
    assert!(seqs.windows(2).all(|w| w[1] == w[0] + 1), "{seqs:?}");
    let new: Vec<(Entity, &str)> = all[before.len()..]
        .iter()
        .map(|m| (m.entity, m.record_id.as_str()))
        .collect();
    assert_eq!(new[0], (Entity::People, p.id.to_string().as_str()));
    assert!(
        new.contains(&(Entity::Cases, c.id.to_string().as_str())),
        "{new:?}"
    );
    assert!(new.iter().filter(|(e, _)| *e == Entity::CaseEvents).count() >= 2);
    // every mutation validates as the server will check it
    for m in &all {
        raksa_protocol::validate(m).unwrap_or_else(|e| panic!("{:?}: {e}", m.entity));
    }
    // an update carries the values it replaced
    let upd = all
        .iter()
        .rev()
        .find(|m| m.entity == Entity::Cases && m.base.is_some())
        .expect("the note touched the case's updated_at");
    assert_eq!(upd.changed_fields(), ["updated_at"]);
}

#[test]
fn a_change_that_was_not_saved_queues_nothing() {
    let (_o, mut s, _) = new_office();
    s.set_number_block(&NumberBlock {
        series: Series::Letter,
        first_no: 1,
        last_no: 1,
        used_this_year: 0,
    })
    .unwrap();
    let p = s
        .register_person(&person("บุญมี", "ทองใบ", "3100600182731"))
        .unwrap();
    let c = s
        .open_case(&NewCase {
            person_id: p.id,
            summary: "x".into(),
            ..intake_defaults()
        })
        .unwrap();
    let a = s
        .add_agency(&NewAgency {
            name: "รพ.".into(),
            head_position: "ผู้อำนวยการ".into(),
            address: String::new(),
            phone: String::new(),
            email: String::new(),
            kind: AgencyKind::Outside,
            runs_raksa: false,
            raksa_office: String::new(),
        })
        .unwrap();
    let req = NewReferral {
        agency_id: a.id,
        urgency: LetterUrgency::Normal,
        secrecy: None,
        requested: "ช่วย".into(),
        legal_basis: LegalBasis::Consent,
        shared: vec![SharedPart::Identity],
    };
    let r1 = s.create_referral(c.id, &req).unwrap();
    let r2 = s.create_referral(c.id, &req).unwrap();
    let d = s.today();
    s.send_referral(r1.id, d).unwrap();
    let before = s.outbox_batch(10_000).unwrap().len();
    assert!(s.send_referral(r2.id, d).is_err(), "the block is used up");
    assert_eq!(s.outbox_batch(10_000).unwrap().len(), before);
}

#[test]
fn an_acknowledged_push_empties_the_queue_and_keeps_issues() {
    let (_o, mut s, _) = new_office();
    s.register_person(&person("บุญมี", "ทองใบ", "3100600182731"))
        .unwrap();
    let batch = s.outbox_batch(100).unwrap();
    let last = batch.last().unwrap().seq;
    let results = batch
        .iter()
        .map(|m| ItemResult {
            seq: m.seq,
            outcome: if m.entity == Entity::People {
                Outcome::Rejected {
                    reason: "ทดสอบ".into(),
                }
            } else {
                Outcome::Applied
            },
        })
        .collect();
    s.apply_push_response(
        &batch,
        &PushResponse {
            acknowledged_through: last,
            results,
        },
    )
    .unwrap();
    assert!(s.outbox_batch(100).unwrap().is_empty());
    let st = s.sync_status().unwrap();
    assert_eq!((st.pending, st.rejected), (0, 1));
    assert!(st.last_push_at.is_some());
    // the next change continues the sequence
    s.register_person(&person("มาลี", "ใจงาม", "1101700203450"))
        .unwrap();
    assert_eq!(s.outbox_batch(1).unwrap()[0].seq, last + 1);
}

/// Issue 14 §8: sync accepted `http://` to any host, so a PC's token and every record could
/// cross the network in the clear. Only https — or plain http to this machine — is kept.
#[test]
fn the_server_address_must_be_https_unless_it_is_this_machine() {
    let (_o, mut s, _) = new_office();
    let cfg = |url: &str| raksa_core::sync::SyncConfig {
        server_url: url.into(),
        device_id: "dev-1".into(),
        token: "secret-token".into(),
        office: "พล".into(),
    };
    for bad in [
        "http://raksa.m-society.go.th",
        "http://10.1.2.3:8787",
        "ftp://raksa.example",
    ] {
        let e = s.set_sync_config(&cfg(bad)).unwrap_err();
        assert_eq!(e.field_errors()[0].field, "server_url", "{bad}");
        assert!(e.message_th().contains("https://"), "{bad}");
        assert!(s.sync_config().unwrap().is_none(), "{bad}: nothing stored");
    }
    s.set_sync_config(&cfg("https://raksa.m-society.go.th"))
        .unwrap();
    s.set_sync_config(&cfg("http://127.0.0.1:8787")).unwrap();
}
