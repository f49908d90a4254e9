//! G5: down-sync is complete and in order — pushes from many devices commit out of order
//! (PostgreSQL: a pool of connections and transactions of random length), while each
//! office pulls page by page at the same time; no puller may skip a row.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use raksa_protocol::{PROTOCOL_VERSION, PushRequest};
use serde_json::Value;

use crate::*;

const DEVICES_PER_OFFICE: usize = 2;
const BATCHES: u32 = 25;

#[test]
fn g5_concurrent_pushes_committing_out_of_order_are_pulled_without_skips() {
    for b in backends() {
        if b.name == "postgres" {
            // Every record write sleeps 0–15 ms inside its transaction: long and short
            // pushes overlap and would commit out of position order without the sequencer.
            let db = b.pg_db.clone().unwrap();
            let mut c = postgres::Client::connect(&pg_url(&db), postgres::NoTls).unwrap();
            c.batch_execute(
                "CREATE FUNCTION test_jitter() RETURNS trigger LANGUAGE plpgsql AS
                   $$ BEGIN PERFORM pg_sleep(random() * 0.015); RETURN NEW; END $$;
                 CREATE TRIGGER test_jitter BEFORE INSERT OR UPDATE ON records
                   FOR EACH ROW EXECUTE FUNCTION test_jitter();",
            )
            .unwrap();
        }
        let store = b.store.clone();
        let offices = ["พล", "ชม"];
        let mut devices = Vec::new();
        for office in offices {
            for i in 0..DEVICES_PER_OFFICE {
                devices.push(device(&store, office, &format!("{office}-{i}")));
            }
        }
        let done = Arc::new(AtomicBool::new(false));
        let pullers: Vec<_> = offices
            .iter()
            .map(|office| {
                let reader = devices
                    .iter()
                    .find(|d| d.office == *office)
                    .unwrap()
                    .clone();
                let (store, done) = (store.clone(), done.clone());
                std::thread::spawn(move || {
                    let mut cursor = 0;
                    let mut seen: BTreeMap<String, Value> = BTreeMap::new();
                    loop {
                        // read the flag before pulling: the last pass starts after every push
                        let finished = done.load(Ordering::SeqCst);
                        loop {
                            let page = store.pull(&crate::reader(&reader), cursor, 7).unwrap();
                            for r in &page.records {
                                assert!(r.position > cursor, "positions go forward");
                                cursor = r.position;
                                seen.insert(r.record_id.clone(), Value::Object(r.fields.clone()));
                            }
                            cursor = page.next_cursor.max(cursor);
                            if !page.more {
                                break;
                            }
                        }
                        if finished {
                            return seen;
                        }
                        std::thread::sleep(std::time::Duration::from_millis(3));
                    }
                })
            })
            .collect();
        let pushers: Vec<_> = devices
            .iter()
            .enumerate()
            .map(|(k, d)| {
                let (store, d) = (store.clone(), d.clone());
                std::thread::spawn(move || {
                    let mut seq = 0;
                    let mut ids = Vec::new();
                    for batch in 0..BATCHES {
                        let n = 1 + (batch as usize + k) % 4;
                        let mutations = (0..n)
                            .map(|_| {
                                seq += 1;
                                let n = (k as u32 + 1) * 100_000 + seq as u32;
                                ids.push(id(n));
                                case(seq, n, &format!("เครื่อง {k} ชุด {batch}"), None)
                            })
                            .collect();
                        let r = store
                            .push(
                                &d,
                                &PushRequest {
                                    protocol: PROTOCOL_VERSION,
                                    mutations,
                                },
                            )
                            .unwrap();
                        assert_eq!(r.acknowledged_through, seq);
                    }
                    (d.office.clone(), ids)
                })
            })
            .collect();
        let mut pushed: BTreeMap<String, HashSet<String>> = BTreeMap::new();
        for p in pushers {
            let (office, ids) = p.join().unwrap();
            pushed.entry(office).or_default().extend(ids);
        }
        done.store(true, Ordering::SeqCst);
        for (office, puller) in offices.iter().zip(pullers) {
            let seen = puller.join().unwrap();
            let expected = &pushed[*office];
            let got: HashSet<String> = seen.keys().cloned().collect();
            let missing: Vec<_> = expected.difference(&got).collect();
            assert!(
                missing.is_empty(),
                "{}: office {office} skipped {} of {} records",
                b.name,
                missing.len(),
                expected.len()
            );
            // and nothing from the other office leaked in
            assert_eq!(got.len(), expected.len(), "{}: scope", b.name);
        }
    }
}
