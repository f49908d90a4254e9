//! Upload benchmark: an office PC with N queued changes (N people registered offline, each
//! its own transaction as in the app) pushes them all to a real server over loopback HTTP,
//! then pulls its records back. SQLite backend, then PostgreSQL when a URL is given, and
//! PostgreSQL's raw COPY of the same number of rows as the physical limit.
//!
//! cargo run --release -p raksa-sync --example bench_sync -- 100000 postgres://postgres@127.0.0.1:5432

use std::sync::{Arc, Mutex};
use std::time::Instant;

use raksa_core::model::*;
use raksa_core::office::{self, DataDir};
use raksa_core::thai_date::SystemClock;
use raksa_server::api::{AppState, router};
use raksa_server::store::Store;

const PW: &str = "benchmark-password-2569";

fn citizen_id(n: u64) -> String {
    let body = format!("{:012}", 130_000_000_000 + n);
    let d: Vec<u32> = body.chars().map(|c| c.to_digit(10).unwrap()).collect();
    let sum: u32 = (0..12).map(|i| d[i] * (13 - i as u32)).sum();
    format!("{body}{}", (11 - sum % 11) % 10)
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.path().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

fn serve(store: Store) -> (String, Arc<AppState>) {
    let state = Arc::new(AppState::new(store, 1e9, 1e9));
    let served = state.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async move {
            let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(l.local_addr().unwrap()).unwrap();
            axum::serve(l, router(served)).await.unwrap();
        });
    });
    (format!("http://{}", rx.recv().unwrap()), state)
}

fn run(label: &str, store: Store, office_dir: &std::path::Path, n: u64) {
    store.add_office("พล", "พมจ.พิษณุโลก").unwrap();
    let code = store.new_enrolment_code("พล").unwrap();
    let (url, _state) = serve(store);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = DataDir::new(office_dir);
    let s = office::unlock(&dir, "admin", PW, Arc::new(SystemClock)).unwrap();
    let grant = s.admin_key_grant();
    let local = Mutex::new(s);
    let r = rt
        .block_on(raksa_sync::enrol(&url, &code, "bench", grant))
        .unwrap();
    raksa_sync::Local::with(&local, |s| {
        s.set_sync_config(&raksa_core::sync::SyncConfig {
            server_url: url.clone(),
            device_id: r.device_id.clone(),
            token: r.token.clone(),
            office: r.office.clone(),
        })
    })
    .unwrap();
    let queued = raksa_sync::Local::with(&local, |s| s.sync_status())
        .unwrap()
        .pending;
    let t = Instant::now();
    let pushed = rt.block_on(raksa_sync::push_all(&local)).unwrap();
    let push_t = t.elapsed();
    let t = Instant::now();
    let pulled = rt.block_on(raksa_sync::pull_all(&local)).unwrap();
    let pull_t = t.elapsed();
    println!(
        "| {label}: upload {queued} queued changes ({n} people), loopback HTTP | {:.1} s ({:.0} changes/s) |",
        push_t.as_secs_f64(),
        pushed.pushed as f64 / push_t.as_secs_f64()
    );
    println!(
        "| {label}: pull the office's {pulled} records back | {:.1} s |",
        pull_t.as_secs_f64()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let pg = args.get(2).cloned();
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("office");
    let (mut s, _) = office::init_office(
        &DataDir::new(&base),
        &OfficeSetup {
            office_number: "0027".into(),
            name: "สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดพิษณุโลก".into(),
            address: "ศาลากลางจังหวัดพิษณุโลก".into(),
            letter_code: "พล".into(),
            phone: "055-252-222".into(),
        },
        &NewUser {
            username: "admin".into(),
            full_name: "นายสมชาย ใจดี".into(),
            position: "นักสังคมสงเคราะห์".into(),
            role: Role::Admin,
            password: PW.into(),
        },
        Arc::new(SystemClock),
    )
    .unwrap();
    let t = Instant::now();
    for i in 0..n {
        s.register_person(&NewPerson {
            title: "นาง".into(),
            first_name: format!("ทดสอบ{i}"),
            last_name: "สุวรรณศรี".into(),
            identity: raksa_core::identity::Identity::CitizenId {
                number: citizen_id(i),
            },
            birth_date: None,
            sex: Sex::Female,
            phone: String::new(),
            address_text: "12 หมู่ 3".into(),
            subdistrict_code: None,
            postcode: None,
        })
        .unwrap();
    }
    drop(s);
    eprintln!("queued {n} people in {:.1} s", t.elapsed().as_secs_f64());
    println!("| measure | result |\n|---|---|");

    let sqlite_office = tmp.path().join("office-sqlite");
    copy_dir(&base, &sqlite_office);
    let store = Store::open(&format!(
        "sqlite:{}",
        tmp.path().join("server.db").display()
    ))
    .unwrap();
    run("SQLite server", store, &sqlite_office, n);

    if let Some(pg) = pg {
        let db = "raksa_bench";
        let mut admin =
            postgres::Client::connect(&format!("{pg}/postgres"), postgres::NoTls).unwrap();
        let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {db}"));
        admin
            .batch_execute(&format!("CREATE DATABASE {db}"))
            .unwrap();
        let pg_office = tmp.path().join("office-pg");
        copy_dir(&base, &pg_office);
        run(
            "PostgreSQL server",
            Store::open(&format!("{pg}/{db}")).unwrap(),
            &pg_office,
            n,
        );

        // The physical limit: COPY of the same number of record rows into the same table shape.
        let mut c = postgres::Client::connect(&format!("{pg}/{db}"), postgres::NoTls).unwrap();
        c.batch_execute("CREATE TABLE copy_probe (LIKE records INCLUDING ALL)")
            .unwrap();
        let fields = r#"{"id":"x","title":"นาง","first_name":"ทดสอบ","last_name":"สุวรรณศรี","id_kind":"citizen_id","id_number":"1300000000001","sex":"female","phone":"","address_text":"12 หมู่ 3"}"#;
        let t = Instant::now();
        {
            use std::io::Write;
            let mut w = c
                .copy_in("COPY copy_probe (entity, record_key, record_id, office, fields, position, updated_at) FROM STDIN")
                .unwrap();
            for i in 0..n {
                writeln!(
                    w,
                    "people\t{i}\t{i}\tพล\t{fields}\t{i}\t2026-11-23T00:00:00Z"
                )
                .unwrap();
            }
            w.finish().unwrap();
        }
        let copy_t = t.elapsed();
        println!(
            "| PostgreSQL raw COPY of {n} record rows (physical limit) | {:.1} s ({:.0} rows/s) |",
            copy_t.as_secs_f64(),
            n as f64 / copy_t.as_secs_f64()
        );
        drop(c);
        let _ = admin.batch_execute(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{db}'; DROP DATABASE IF EXISTS {db}"
        ));
    }
}
