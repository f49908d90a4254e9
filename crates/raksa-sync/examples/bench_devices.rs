//! Many devices against one server: D simulated office PCs (one process, one tokio task
//! each, real HTTP over loopback to the real server router) across 76 provincial offices.
//!
//! 1. Steady state for S seconds: each device syncs about every 30 s (jittered) — a push of
//!    1–3 new changes, then a pull of its office's news. Push and pull latency p50/p99.
//! 2. Outage over: every device gets a backlog of B changes and all reconnect at once.
//!    Drain time until the last device has everything acknowledged, and push latency.
//!
//! cargo run --release -p raksa-sync --example bench_devices -- sqlite [devices] [seconds] [backlog]
//! cargo run --release -p raksa-sync --example bench_devices -- postgres://postgres@127.0.0.1:5432 1500 300 1000

mod common;

use std::time::{Duration, Instant};

use raksa_protocol::{Entity, Mutation, PROTOCOL_VERSION, PullResponse, PushRequest, PushResponse};
use raksa_server::api::AppState;
use raksa_server::store::Store;
use serde_json::json;

/// Requests turned away (429/503) and retried after the Retry-After the server gave.
static BUSY: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

struct Device {
    office: String,
    token: String,
    seq: u64,
    cursor: u64,
    n: u64,
}

fn change(d: &mut Device) -> Mutation {
    d.seq += 1;
    d.n += 1;
    let id = uuid::Uuid::now_v7().to_string();
    let fields = json!({
        "id": id, "case_no": format!("{}-2569-{:06}", d.office, d.n),
        "summary": "ผู้สูงอายุติดเตียง ขาดผู้ดูแล ต้องการเบี้ยยังชีพและกายอุปกรณ์", "status": "intake",
        "urgency": "normal", "intake_date": "2026-11-23",
    });
    Mutation::new(
        d.seq,
        Entity::Cases,
        id,
        fields.as_object().unwrap().clone(),
        None,
    )
}

async fn push(c: &reqwest::Client, url: &str, d: &Device, m: Vec<Mutation>) -> (Duration, u64) {
    let body = serde_json::to_vec(&PushRequest {
        protocol: PROTOCOL_VERSION,
        mutations: m,
    })
    .unwrap();
    loop {
        let t = Instant::now();
        let r = c
            .post(format!("{url}/v1/push"))
            .header("authorization", format!("Bearer {}", d.token))
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .expect("push");
        if r.status() == 429 || r.status() == 503 {
            // what a PC does: wait as told, then send the same batch again
            let wait: u64 = r
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse().ok())
                .unwrap_or(1);
            BUSY.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            tokio::time::sleep(Duration::from_secs(wait)).await;
            continue;
        }
        assert!(r.status().is_success(), "push: {}", r.status());
        let r: PushResponse = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
        return (t.elapsed(), r.acknowledged_through);
    }
}

async fn pull(c: &reqwest::Client, url: &str, d: &mut Device) -> Duration {
    let t = Instant::now();
    loop {
        let r = c
            .get(format!("{url}/v1/pull?cursor={}&limit=1000", d.cursor))
            .header("authorization", format!("Bearer {}", d.token))
            .send()
            .await
            .expect("pull");
        assert!(r.status().is_success(), "pull: {}", r.status());
        let p: PullResponse = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
        d.cursor = p.next_cursor;
        if !p.more {
            return t.elapsed();
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let backend = args.get(1).cloned().unwrap_or_else(|| "sqlite".into());
    let devices: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(1500);
    let seconds: u64 = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(300);
    let backlog: usize = args.get(4).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let tmp = tempfile::tempdir().unwrap();
    let (store, label) = if backend == "sqlite" {
        (
            Store::open(&format!("sqlite:{}", tmp.path().join("s.db").display())).unwrap(),
            "SQLite".to_owned(),
        )
    } else {
        let db = format!("raksa_bench_devices_{}", std::process::id());
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
    let offices: Vec<String> = (0..76).map(|i| format!("จ{i:02}")).collect();
    for o in &offices {
        store.add_office(o, &format!("พมจ. {o}")).unwrap();
    }
    let t = Instant::now();
    let mut devs = Vec::new();
    for i in 0..devices {
        let office = offices[i % offices.len()].clone();
        let code = store.new_enrolment_code(&office).unwrap();
        let r = store.enrol(&code, &format!("pc{i}")).unwrap();
        devs.push(Device {
            office,
            token: r.token,
            seq: 0,
            cursor: 0,
            n: 0,
        });
    }
    eprintln!(
        "enrolled {devices} devices in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let url = common::serve(AppState::new(store, 20.0, 100.0), false);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(devices)
        .build()
        .unwrap();

    // 1. steady state
    let until = Instant::now() + Duration::from_secs(seconds);
    let t = Instant::now();
    let results = rt.block_on(async {
        let mut tasks = Vec::new();
        for (i, mut d) in devs.into_iter().enumerate() {
            let (c, url) = (client.clone(), url.clone());
            tasks.push(tokio::spawn(async move {
                let (mut pushes, mut pulls) = (Vec::new(), Vec::new());
                let mut jitter = (i as u64).wrapping_mul(2_654_435_761) % 30_000;
                let until = tokio::time::Instant::from_std(until);
                let nap = |ms: u64| {
                    tokio::time::sleep_until(
                        (tokio::time::Instant::now() + Duration::from_millis(ms)).min(until),
                    )
                };
                nap(jitter).await;
                while tokio::time::Instant::now() < until {
                    let n = 1 + (d.seq % 3) as usize;
                    let batch: Vec<Mutation> = (0..n).map(|_| change(&mut d)).collect();
                    let (lat, ack) = push(&c, &url, &d, batch).await;
                    assert_eq!(ack, d.seq);
                    pushes.push(lat);
                    pulls.push(pull(&c, &url, &mut d).await);
                    jitter = jitter
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1)
                        >> 33;
                    nap(20_000 + jitter % 20_000).await;
                }
                (d, pushes, pulls)
            }));
        }
        let mut out = Vec::new();
        for t in tasks {
            out.push(t.await.unwrap());
        }
        out
    });
    let steady = t.elapsed();
    let mut pushes: Vec<Duration> = results.iter().flat_map(|r| r.1.clone()).collect();
    let mut pulls: Vec<Duration> = results.iter().flat_map(|r| r.2.clone()).collect();
    let changes: u64 = results.iter().map(|r| r.0.seq).sum();
    println!("| measure | {label} |\n|---|---|");
    println!(
        "| steady state: {devices} devices, {:.0} s, {} pushes ({changes} changes) | push p50 {:.1} ms, p99 {:.1} ms; pull p50 {:.1} ms, p99 {:.1} ms |",
        steady.as_secs_f64(),
        pushes.len(),
        common::pct(&mut pushes, 0.5),
        common::pct(&mut pushes, 0.99),
        common::pct(&mut pulls, 0.5),
        common::pct(&mut pulls, 0.99),
    );

    // 2. everyone reconnects with a backlog
    let mut devs: Vec<Device> = results.into_iter().map(|r| r.0).collect();
    let backlogs: Vec<Vec<Mutation>> = devs
        .iter_mut()
        .map(|d| (0..backlog).map(|_| change(d)).collect())
        .collect();
    BUSY.store(0, std::sync::atomic::Ordering::Relaxed);
    let t = Instant::now();
    let mut lat = rt.block_on(async {
        let mut tasks = Vec::new();
        for (d, queue) in devs.into_iter().zip(backlogs) {
            let (c, url) = (client.clone(), url.clone());
            tasks.push(tokio::spawn(async move {
                let mut lat = Vec::new();
                for chunk in queue.chunks(raksa_protocol::MAX_BATCH) {
                    let (l, ack) = push(&c, &url, &d, chunk.to_vec()).await;
                    assert_eq!(ack, chunk.last().unwrap().seq);
                    lat.push(l);
                }
                lat
            }));
        }
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        all
    });
    let drain = t.elapsed();
    let total = devices * backlog;
    let turned_away = BUSY.load(std::sync::atomic::Ordering::Relaxed);
    println!(
        "| drain: {devices} devices reconnect at once with {backlog} changes each ({total} changes) | {:.1} s ({:.0} changes/s); admitted push of {} p50 {:.0} ms, p99 {:.0} ms; {turned_away} pushes told to come back later |",
        drain.as_secs_f64(),
        total as f64 / drain.as_secs_f64(),
        raksa_protocol::MAX_BATCH,
        common::pct(&mut lat, 0.5),
        common::pct(&mut lat, 0.99),
    );
    if backend != "sqlite" {
        drop(rt);
        let db = format!("raksa_bench_devices_{}", std::process::id());
        if let Ok(mut admin) =
            postgres::Client::connect(&format!("{backend}/postgres"), postgres::NoTls)
        {
            let _ = admin.batch_execute(&format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{db}'"
            ));
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {db}"));
        }
    }
}
