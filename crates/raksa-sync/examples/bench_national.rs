//! HuSEC's national view at scale (issue 16): C cases per office with E timeline entries
//! each (and a referral for one case in five) across the 77 provincial offices, pushed
//! through the server's real push path (`Store::push`, sealed, tracked), then:
//!
//! - the national view from the tracking counters (`Store::national`, what `/husec` and
//!   `/v1/national` serve) — p50/p95 over 30 runs;
//! - the first page of the late list (`Store::husec_late`, national scope) — p50/p95;
//! - today's full recomputation from every record (`Store::national_full`, what
//!   `/v1/national` did before) — the reference, p50/p95 over 5 runs;
//! - the process's peak resident memory during each phase (VmHWM, reset between phases).
//!
//! Before timing, the counters are checked to give the same figures as the full
//! recomputation.
//!
//! cargo run --release -p raksa-sync --example bench_national -- sqlite [cases/office] [entries/case]
//! cargo run --release -p raksa-sync --example bench_national -- postgres://postgres@127.0.0.1:5432 1300 10

mod common;

use std::time::Instant;

use chrono::Duration as Days;
use raksa_protocol::{Entity, Mutation, PROTOCOL_VERSION, PushRequest};
use raksa_server::store::Store;
use raksa_server::store::tracking::{LateQuery, LateSort};
use serde_json::json;

fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Resets the peak resident size (Linux: `5` to clear_refs), so each phase has its own peak.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn uuid(n: u64) -> String {
    format!("0195f3a0-0000-7000-8000-{n:012}")
}

fn fields(v: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
    v.as_object().unwrap().clone()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let backend = args.get(1).cloned().unwrap_or_else(|| "sqlite".into());
    let per_office: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(1300);
    let entries: u64 = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(10);
    let tmp = tempfile::tempdir().unwrap();
    let (store, label) = if backend == "sqlite" {
        let url = format!("sqlite:{}", tmp.path().join("s.db").display());
        (Store::open(&url).unwrap(), "SQLite".to_owned())
    } else {
        let db = format!("raksa_bench_national_{}", std::process::id());
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
    let places = raksa_domain::places::places();
    let mut devices = Vec::new();
    for p in &places.provinces {
        let office = format!("จ{}", p.code);
        store.add_office(&office, &p.name_th).unwrap();
        store.set_office_province(&office, &p.code).unwrap();
        let code = store.new_enrolment_code(&office).unwrap();
        let token = store.enrol(&code, "pc").unwrap().token;
        devices.push(store.authenticate(&token).unwrap());
    }
    let today = raksa_server::national::today();
    let statuses = [
        "intake",
        "fact_finding",
        "assessment",
        "planning",
        "intervention",
        "follow_up",
        "closed",
        "closed",
        "closed",
        "closed",
    ];
    let urgencies = ["urgent", "high", "normal", "normal"];
    let channels = ["hotline1300", "walk_in", "volunteer", "husec"];
    let total_cases = per_office * devices.len() as u64;
    eprintln!(
        "{label}: seeding {total_cases} cases, {} timeline entries, 77 offices…",
        total_cases * entries
    );
    let seeding = Instant::now();
    let mut n: u64 = 0;
    let mut mutations: u64 = 0;
    for (o, d) in devices.iter().enumerate() {
        let mut seq = 0u64;
        let mut batch = Vec::new();
        let flush = |batch: &mut Vec<Mutation>| {
            if batch.is_empty() {
                return;
            }
            let r = store
                .push(
                    d,
                    &PushRequest {
                        protocol: PROTOCOL_VERSION,
                        mutations: std::mem::take(batch),
                    },
                )
                .unwrap();
            assert!(
                r.results
                    .iter()
                    .all(|x| matches!(x.outcome, raksa_protocol::Outcome::Applied))
            );
        };
        for c in 0..per_office {
            n += 1;
            let case = n;
            let intake = today - Days::days(((case * 7919) % 730) as i64);
            let status = statuses[(case % statuses.len() as u64) as usize];
            seq += 1;
            batch.push(Mutation::new(
                seq,
                Entity::Cases,
                uuid(case),
                fields(json!({
                    "id": uuid(case), "case_no": format!("{o}-{c}"), "status": status,
                    "urgency": urgencies[(case % 4) as usize], "channel": channels[(case / 3 % 4) as usize],
                    "intake_date": intake.to_string(),
                    "stage_since": (intake + Days::days((case % 60) as i64)).to_string(),
                    "target_groups": "[\"elderly\",\"bedridden\"]", "problem_domains": "[\"care\"]",
                    "assigned_to": if case.is_multiple_of(3) { json!(null) } else { json!(uuid(0)) },
                })),
                None,
            ));
            for e in 0..entries {
                seq += 1;
                let id = 10_000_000_000 + case * 100 + e;
                let at = intake + Days::days((e * 3) as i64);
                let body = if e % 2 == 0 {
                    json!({"kind": "home_visit", "visited_on": at.to_string(), "visitors": "",
                        "living_conditions": "", "findings": "", "opinion": ""})
                } else {
                    json!({"kind": "note", "text": "ติดตามอาการ"})
                };
                batch.push(Mutation::new(
                    seq,
                    Entity::CaseEvents,
                    uuid(id),
                    fields(json!({
                        "id": uuid(id), "case_id": uuid(case), "at": format!("{at}T03:00:00Z"),
                        "user_id": uuid(0), "kind": body["kind"], "body": body.to_string(),
                        "corrects": null,
                    })),
                    None,
                ));
            }
            if case.is_multiple_of(5) {
                seq += 1;
                let id = 20_000_000_000 + case;
                batch.push(Mutation::new(
                    seq,
                    Entity::Referrals,
                    uuid(id),
                    fields(
                        json!({"id": uuid(id), "case_id": uuid(case), "status": "sent",
                        "sent_on": (intake + Days::days(5)).to_string()}),
                    ),
                    None,
                ));
            }
            if batch.len() + entries as usize + 2 > raksa_protocol::MAX_BATCH {
                mutations += batch.len() as u64;
                flush(&mut batch);
            }
        }
        mutations += batch.len() as u64;
        flush(&mut batch);
    }
    let seeded = seeding.elapsed();
    eprintln!(
        "seeded {mutations} mutations in {:.0} s ({:.0}/s)",
        seeded.as_secs_f64(),
        mutations as f64 / seeded.as_secs_f64()
    );
    // the counters say what the full recomputation says
    let counted = store.national(today).unwrap();
    let full = store.national_full(today).unwrap();
    assert_eq!(
        (
            counted.totals.open,
            counted.totals.overdue,
            counted.totals.referrals_overdue
        ),
        (
            full.totals.open,
            full.totals.overdue,
            full.totals.referrals_overdue
        )
    );
    let rss_seeded = status_kb("VmRSS:");
    reset_peak();

    let mut t_counters = Vec::new();
    for _ in 0..30 {
        let t = Instant::now();
        std::hint::black_box(store.national(today).unwrap());
        t_counters.push(t.elapsed());
    }
    store
        .add_husec_user("bench", "bench", "national", "", "bench-password-2569")
        .unwrap();
    let (token, _) = store
        .husec_sign_in("bench", "bench-password-2569")
        .unwrap()
        .unwrap();
    let user = store.husec_session(&token).unwrap().unwrap();
    let mut t_late = Vec::new();
    let mut late_total = 0;
    for _ in 0..30 {
        let q = LateQuery {
            today,
            offices: None,
            kind: String::new(),
            channel: String::new(),
            milestone: String::new(),
            min_days_late: 1,
            assigned: String::new(),
            sort: LateSort::DaysLate,
            limit: 50,
            offset: 0,
        };
        let t = Instant::now();
        let (_, total) = store.husec_late(&user, None, q, "view_late").unwrap();
        t_late.push(t.elapsed());
        late_total = total;
    }
    let hwm_counters = status_kb("VmHWM:");
    reset_peak();
    let mut t_full = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        std::hint::black_box(store.national_full(today).unwrap());
        t_full.push(t.elapsed());
    }
    let hwm_full = status_kb("VmHWM:");
    println!(
        "| {label} | {total_cases} cases, {} entries | counters p50 {:.1} ms / p95 {:.1} ms | late list (of {late_total}) p50 {:.1} ms / p95 {:.1} ms | full recomputation p50 {:.0} ms / p95 {:.0} ms | ratio full/counters p50 {:.0}× | RSS after seeding {} MB; peak while serving counters+list {} MB, full recomputation {} MB |",
        total_cases * entries,
        common::pct(&mut t_counters, 0.5),
        common::pct(&mut t_counters, 0.95),
        common::pct(&mut t_late, 0.5),
        common::pct(&mut t_late, 0.95),
        common::pct(&mut t_full, 0.5),
        common::pct(&mut t_full, 0.95),
        common::pct(&mut t_full, 0.5) / common::pct(&mut t_counters, 0.5).max(0.001),
        rss_seeded / 1024,
        hwm_counters / 1024,
        hwm_full / 1024,
    );
}
