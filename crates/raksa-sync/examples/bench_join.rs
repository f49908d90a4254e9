//! Joining an office (issue 17): the office's first PC has N people with a case each
//! (imported from its register in one transaction: person, case and the case's first
//! timeline entry — 3N records), pushes them to a real server over loopback HTTP, and a
//! second PC of the same office enrols and makes its first sync. Reported: the first PC's
//! push, the same PC's next pull (its own changes coming back), the second PC's whole first
//! sync until the office's records are searchable there, and a search on the second PC.
//! SQLite server by default; PostgreSQL when a URL is given.
//!
//! cargo run --release -p raksa-sync --example bench_join -- 100000 [postgres://postgres@127.0.0.1:5432]

mod common;

use std::sync::{Arc, Mutex};
use std::time::Instant;

use raksa_core::Session;
use raksa_core::model::*;
use raksa_core::office::{self, DataDir};
use raksa_core::thai_date::SystemClock;
use raksa_server::api::AppState;
use raksa_server::store::Store;

const PW: &str = "benchmark-password-2569";

fn citizen(n: u64) -> String {
    let body = format!("3{:011}", n);
    let sum: u32 = body
        .bytes()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * (13 - i as u32))
        .sum();
    format!("{body}{}", (11 - sum % 11) % 10)
}

const FIRST: &[&str] = &[
    "สมชาย",
    "สมศรี",
    "บุญมี",
    "มาลี",
    "ประเสริฐ",
    "วิไล",
    "ทองใบ",
    "จันทร์เพ็ญ",
    "สุนทร",
    "กาญจนา",
];
const LAST: &[&str] = &[
    "ใจดี",
    "ทองดี",
    "ศรีสุข",
    "วงศ์สุวรรณ",
    "มั่นคง",
    "แก้วมณี",
    "บุญมา",
    "สายทอง",
];

fn new_pc(dir: &DataDir, user: &str) -> Session {
    office::init_office(
        dir,
        &OfficeSetup {
            office_number: "0027".into(),
            name: "สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดพิษณุโลก".into(),
            address: "ศาลากลางจังหวัดพิษณุโลก".into(),
            letter_code: "พล".into(),
            phone: "055-252-222".into(),
        },
        &NewUser {
            username: user.into(),
            full_name: "นายสมชาย ใจดี".into(),
            position: "นักสังคมสงเคราะห์".into(),
            role: Role::Admin,
            password: PW.into(),
        },
        Arc::new(SystemClock),
    )
    .unwrap()
    .0
}

fn enrol(
    rt: &tokio::runtime::Runtime,
    store_url: &str,
    code: &str,
    s: Session,
    name: &str,
) -> Mutex<Session> {
    let grant = s.admin_key_grant();
    let local = Mutex::new(s);
    let r = rt
        .block_on(raksa_sync::enrol(store_url, code, name, grant))
        .unwrap();
    raksa_sync::Local::with(&local, |s| {
        s.set_sync_config(&raksa_core::sync::SyncConfig {
            server_url: store_url.into(),
            device_id: r.device_id.clone(),
            token: r.token.clone(),
            office: r.office.clone(),
        })
    })
    .unwrap();
    local
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let label = if args.get(2).is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let tmp = tempfile::tempdir().unwrap();
    let store = match args.get(2) {
        Some(pg) => {
            let db = "raksa_bench_join";
            let mut admin =
                postgres::Client::connect(&format!("{pg}/postgres"), postgres::NoTls).unwrap();
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {db}"));
            admin
                .batch_execute(&format!("CREATE DATABASE {db}"))
                .unwrap();
            Store::open(&format!("{pg}/{db}")).unwrap()
        }
        None => Store::open(&format!(
            "sqlite:{}",
            tmp.path().join("server.db").display()
        ))
        .unwrap(),
    };
    store.add_office("พล", "พมจ.พิษณุโลก").unwrap();
    let code_a = store.new_enrolment_code("พล").unwrap();
    let code_b = store.new_enrolment_code("พล").unwrap();
    let url = common::serve(AppState::new(store, 1e9, 1e9), false);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    // The first PC: the office's register, imported.
    let mut a = new_pc(&DataDir::new(tmp.path().join("pc-a")), "admin");
    let mut csv = String::from("คำนำหน้า,ชื่อ,นามสกุล,เลขประจำตัวประชาชน,วันเกิด,วันที่รับเรื่อง,สรุปเรื่อง\n");
    for i in 0..n {
        csv.push_str(&format!(
            "นาง,{}{},{},{},{}/{}/{},{}/{}/2569,ขาดรายได้ ต้องการความช่วยเหลือ\n",
            FIRST[i % FIRST.len()],
            i,
            LAST[(i / 7) % LAST.len()],
            citizen(200_000 + i as u64),
            1 + i % 28,
            1 + i % 12,
            2480 + i % 60,
            1 + i % 28,
            1 + i % 10,
        ));
    }
    let t = Instant::now();
    let preview = a.import_preview(csv.as_bytes()).unwrap();
    let decisions = preview.decide_all(false);
    let imported = a.import_commit(csv.as_bytes(), &decisions).unwrap();
    eprintln!(
        "imported {} people, {} cases in {:.1} s",
        imported.people_created,
        imported.cases_opened,
        t.elapsed().as_secs_f64()
    );
    let a = enrol(&rt, &url, &code_a, a, "pc-a");
    let queued = raksa_sync::Local::with(&a, |s| s.sync_status())
        .unwrap()
        .pending;

    let t = Instant::now();
    let pushed = rt.block_on(raksa_sync::push_all(&a)).unwrap().pushed;
    let push_t = t.elapsed();
    let t = Instant::now();
    let echoed = rt.block_on(raksa_sync::pull_all(&a)).unwrap();
    let echo_t = t.elapsed();

    // The second PC of the same office: set up, enrolled, first sync.
    let b = new_pc(&DataDir::new(tmp.path().join("pc-b")), "admin2");
    let b = enrol(&rt, &url, &code_b, b, "pc-b");
    let t = Instant::now();
    let first = rt.block_on(raksa_sync::sync_once(&b)).unwrap();
    let join_t = t.elapsed();
    let t = Instant::now();
    let found = raksa_sync::Local::with(&b, |s| s.search_cases("ใจดี", 200))
        .unwrap()
        .len();
    let search_t = t.elapsed();

    println!("| measure ({label} server, {n} people with a case each) | result |\n|---|---|");
    println!(
        "| first PC: push {queued} queued changes | {:.1} s ({:.0} changes/s) |",
        push_t.as_secs_f64(),
        pushed as f64 / push_t.as_secs_f64()
    );
    println!(
        "| first PC: next pull (its own changes, {echoed} applied) | {:.2} s |",
        echo_t.as_secs_f64()
    );
    println!(
        "| second PC joins: first sync, {} records applied | {:.1} s ({:.0} records/s) |",
        first.pulled,
        join_t.as_secs_f64(),
        f64::from(first.pulled) / join_t.as_secs_f64()
    );
    println!(
        "| second PC: search a surname ({found} rows) right after | {:.1} ms |",
        search_t.as_secs_f64() * 1e3
    );
}
