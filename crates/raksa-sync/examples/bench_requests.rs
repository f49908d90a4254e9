//! Requests for help under load (issue 15): a partner system posts R requests a second
//! for S seconds through `POST /v1/requests` (one in ten re-sent with the same
//! Idempotency-Key, as after a lost answer) while one PC of each of the 77 provincial
//! offices pulls every second. Real HTTP over loopback to the real router; each client
//! from its own loopback address, as separate machines would be.
//!
//! Reported: p50/p99 of the posts and of the pulls, against `GET /v1/health` measured in the
//! same run (the reference); then the check that nothing was lost or duplicated — every
//! request filed reached exactly its province's office, once.
//!
//! cargo run --release -p raksa-sync --example bench_requests -- sqlite [rate] [seconds]
//! cargo run --release -p raksa-sync --example bench_requests -- postgres://postgres@127.0.0.1:5432 50 60

mod common;

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use raksa_protocol::{Entity, PullResponse};
use raksa_server::api::AppState;
use raksa_server::store::Store;
use serde_json::json;

fn client(from: Ipv4Addr) -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .local_address(IpAddr::V4(from))
        .build()
        .unwrap()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let backend = args.get(1).cloned().unwrap_or_else(|| "sqlite".into());
    let rate: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(50);
    let seconds: u64 = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(60);
    let tmp = tempfile::tempdir().unwrap();
    let (store, label) = if backend == "sqlite" {
        let url = format!("sqlite:{}", tmp.path().join("s.db").display());
        (Store::open(&url).unwrap(), "SQLite".to_owned())
    } else {
        let db = format!("raksa_bench_requests_{}", std::process::id());
        let mut admin =
            postgres::Client::connect(&format!("{backend}/postgres"), postgres::NoTls).unwrap();
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {db}"))
            .unwrap();
        admin
            .batch_execute(&format!("CREATE DATABASE {db}"))
            .unwrap();
        (
            Store::open(&format!("{backend}/{db}")).unwrap(),
            "PostgreSQL".to_owned(),
        )
    };
    // One office per province, answering that province; one sub-district per province to
    // file requests for.
    let places = raksa_domain::places::places();
    let mut provinces = Vec::new();
    for p in &places.provinces {
        let office = format!("จ{}", p.code);
        store.add_office(&office, &p.name_th).unwrap();
        store
            .set_route(&raksa_domain::help_request::RouteRule {
                area: p.code.clone(),
                office: office.clone(),
            })
            .unwrap();
        let sub = places
            .subdistricts
            .iter()
            .find(|s| s.code.starts_with(&p.code))
            .unwrap()
            .code
            .clone();
        let code = store.new_enrolment_code(&office).unwrap();
        let token = store.enrol(&code, "pc").unwrap().token;
        provinces.push((office, sub, token));
    }
    let key = store.add_partner("bench partner").unwrap();
    let url = common::serve(AppState::new(store, 20.0, 100.0), true);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let filed: Arc<Mutex<HashMap<String, String>>> = Arc::default(); // id → office
    let received: Arc<Mutex<Vec<(String, String)>>> = Arc::default(); // (office, id)
    let post_lat: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let pull_lat: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let health_lat: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let mismatched_replays = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let refused = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let retried = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    eprintln!(
        "{label}: {} offices pulling every second, a partner posting {rate}/s for {seconds} s",
        provinces.len()
    );
    rt.block_on(async {
        let mut pullers = Vec::new();
        for (i, (office, _, token)) in provinces.iter().cloned().enumerate() {
            let c = client(Ipv4Addr::new(127, 0, 1, (i + 1) as u8));
            let (url, received, pull_lat, stop) = (
                url.clone(),
                received.clone(),
                pull_lat.clone(),
                stop.clone(),
            );
            pullers.push(tokio::spawn(async move {
                let mut cursor = 0u64;
                let mut idle_after_stop = 0;
                loop {
                    let t = Instant::now();
                    let r = c
                        .get(format!("{url}/v1/pull?cursor={cursor}&limit=500"))
                        .bearer_auth(&token)
                        .send()
                        .await
                        .unwrap();
                    if r.status() != 200 {
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        continue;
                    }
                    let page: PullResponse =
                        serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
                    pull_lat.lock().unwrap().push(t.elapsed());
                    cursor = page.next_cursor;
                    let got = page.records.len();
                    for rec in page.records {
                        if rec.entity == Entity::HelpRequests {
                            received
                                .lock()
                                .unwrap()
                                .push((office.clone(), rec.record_id));
                        }
                    }
                    if stop.load(std::sync::atomic::Ordering::Relaxed) {
                        idle_after_stop = if got == 0 { idle_after_stop + 1 } else { 0 };
                        if idle_after_stop >= 2 {
                            break;
                        }
                    }
                    if !page.more {
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
            }));
        }
        // the reference: the health endpoint, from its own address, in the same run
        let hc = client(Ipv4Addr::new(127, 0, 3, 1));
        let (hurl, hlat, hstop) = (url.clone(), health_lat.clone(), stop.clone());
        let health = tokio::spawn(async move {
            while !hstop.load(std::sync::atomic::Ordering::Relaxed) {
                let t = Instant::now();
                let _ = hc.get(format!("{hurl}/v1/health")).send().await;
                hlat.lock().unwrap().push(t.elapsed());
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        });
        let pc = client(Ipv4Addr::new(127, 0, 2, 1));
        let mut ticker = tokio::time::interval(Duration::from_micros(1_000_000 / rate));
        let total = rate * seconds;
        let mut posts = Vec::new();
        for n in 0..total {
            ticker.tick().await;
            let (office, sub, _) = provinces[n as usize % provinces.len()].clone();
            let body = json!({
                "reporter": null, "person": {"name": format!("ผู้ประสบปัญหา {n}")},
                "subdistrict_code": sub, "core_issues": ["elderly"], "urgency": "normal",
                "details": format!("ผู้สูงอายุต้องการความช่วยเหลือ รายที่ {n}")
            })
            .to_string();
            let (c, url, key, filed, post_lat, replays, refused, retried) = (
                pc.clone(),
                url.clone(),
                key.clone(),
                filed.clone(),
                post_lat.clone(),
                mismatched_replays.clone(),
                refused.clone(),
                retried.clone(),
            );
            posts.push(tokio::spawn(async move {
                let idem = format!("bench-{n}");
                // a well-behaved partner: told to wait (429/503), it waits and sends the
                // same request again with the same key
                let send = || async {
                    loop {
                        let r = c
                            .post(format!("{url}/v1/requests"))
                            .bearer_auth(&key)
                            .header("idempotency-key", &idem)
                            .header("content-type", "application/json")
                            .body(body.clone())
                            .send()
                            .await
                            .unwrap();
                        if r.status() == 429 || r.status() == 503 {
                            let wait = r
                                .headers()
                                .get("retry-after")
                                .and_then(|v| v.to_str().ok())
                                .and_then(|v| v.parse::<u64>().ok())
                                .unwrap_or(1)
                                .min(5);
                            retried.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            tokio::time::sleep(Duration::from_secs(wait)).await;
                            continue;
                        }
                        return r;
                    }
                };
                let t = Instant::now();
                let r = send().await;
                post_lat.lock().unwrap().push(t.elapsed());
                if !r.status().is_success() {
                    refused.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    return;
                }
                let v: serde_json::Value =
                    serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
                let id = v["id"].as_str().unwrap().to_owned();
                if n % 10 == 0 {
                    let again: serde_json::Value =
                        serde_json::from_slice(&send().await.bytes().await.unwrap()).unwrap();
                    if again["id"] != v["id"] || again["replayed"] != true {
                        replays.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                }
                filed.lock().unwrap().insert(id, office);
            }));
        }
        for p in posts {
            p.await.unwrap();
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        for p in pullers {
            p.await.unwrap();
        }
        health.await.unwrap();
    });
    let filed = filed.lock().unwrap().clone();
    let received = received.lock().unwrap().clone();
    let unique: HashSet<&String> = received.iter().map(|(_, id)| id).collect();
    let wrong_office = received
        .iter()
        .filter(|(office, id)| filed.get(id) != Some(office))
        .count();
    let (mut post, mut pull, mut health) = (
        post_lat.lock().unwrap().clone(),
        pull_lat.lock().unwrap().clone(),
        health_lat.lock().unwrap().clone(),
    );
    let h50 = common::pct(&mut health, 0.5);
    println!("backend {label}, {rate} requests/s for {seconds} s, 77 offices pulling every second");
    println!(
        "post  p50 {:.1} ms p99 {:.1} ms ({} posts, {} refused, {} told to wait and resent)",
        common::pct(&mut post, 0.5),
        common::pct(&mut post, 0.99),
        post.len(),
        refused.load(std::sync::atomic::Ordering::Relaxed),
        retried.load(std::sync::atomic::Ordering::Relaxed)
    );
    println!(
        "pull  p50 {:.1} ms p99 {:.1} ms ({} pulls)",
        common::pct(&mut pull, 0.5),
        common::pct(&mut pull, 0.99),
        pull.len()
    );
    println!(
        "health (reference) p50 {h50:.2} ms p99 {:.2} ms; post p50 = {:.1}× health",
        common::pct(&mut health, 0.99),
        common::pct(&mut post, 0.5) / h50.max(0.001)
    );
    println!(
        "filed {} distinct, received {} ({} distinct), in the wrong office {wrong_office}, replays answered with another id {}",
        filed.len(),
        received.len(),
        unique.len(),
        mismatched_replays.load(std::sync::atomic::Ordering::Relaxed)
    );
    assert_eq!(
        received.len(),
        filed.len(),
        "each request reached one office once"
    );
    assert_eq!(unique.len(), filed.len());
    assert_eq!(wrong_office, 0);
    assert_eq!(
        mismatched_replays.load(std::sync::atomic::Ordering::Relaxed),
        0
    );
}
