//! Importing a provincial register and reporting on it, in a real SQLCipher file: a CSV of
//! N people (default 10,000; a household for every three, a case for every second person)
//! is previewed (every row checked, each against the duplicate check) and committed in one
//! transaction; then the dashboard and the fiscal-year .xlsx are made from the result.
//!
//! cargo run --release -p raksa-core --example bench_import -- 10000

use std::sync::Arc;
use std::time::Instant;

use raksa_core::model::*;
use raksa_core::office::{self, DataDir};
use raksa_core::report::fiscal_year_range;
use raksa_core::thai_date::SystemClock;

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
    "ณัฐพล",
    "ธนพร",
    "อำนวย",
    "ลำดวน",
    "เพ็ญศรี",
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
    "พรหมมา",
    "จันทร์แก้ว",
    "ชัยมงคล",
    "ดวงดี",
    "อินทร์แก้ว",
];
const PLACES: &[(&str, &str)] = &[
    ("บ้านกร่าง", "เมืองพิษณุโลก"),
    ("ในเมือง", "เมืองพิษณุโลก"),
    ("วังทอง", "วังทอง"),
    ("บางระกำ", "บางระกำ"),
];

/// A valid 13-digit citizen ID from a running number (the check digit computed).
fn citizen(n: u64) -> String {
    let body = format!("3{:011}", n);
    let sum: u32 = body
        .bytes()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * (13 - i as u32))
        .sum();
    format!("{body}{}", (11 - sum % 11) % 10)
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let tmp = tempfile::tempdir().unwrap();
    let dir = DataDir::new(tmp.path().join("office"));
    let (mut s, _) = office::init_office(
        &dir,
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
            position: "ผู้ดูแลระบบ".into(),
            role: Role::Admin,
            password: "bench-password-2569".into(),
        },
        Arc::new(SystemClock),
    )
    .unwrap();

    let mut csv = String::from(
        "คำนำหน้า,ชื่อ,นามสกุล,เลขประจำตัวประชาชน,วันเกิด,ตำบล,อำเภอ,จังหวัด,ครัวเรือน,ความสัมพันธ์,วันที่รับเรื่อง,สรุปเรื่อง\n",
    );
    for i in 0..n {
        let (sub, dis) = PLACES[i % PLACES.len()];
        let hh = i / 3;
        let rel = if i % 3 == 0 {
            "หัวหน้าครัวเรือน"
        } else {
            "บุตร"
        };
        let case = if i % 2 == 0 {
            format!(
                "{}/{}/2569,ขาดรายได้ ต้องการความช่วยเหลือ",
                1 + i % 28,
                1 + i % 10
            )
        } else {
            ",".into()
        };
        csv.push_str(&format!(
            "นาง,{}{},{},{},{}/{}/{},{sub},{dis},พิษณุโลก,บ้าน-{hh},{rel},{case}\n",
            FIRST[i % FIRST.len()],
            // make names distinct enough that the duplicate check has real work, not a hit
            ["", "า", "ี", "ุ", "ร", "น"][i / FIRST.len() % 6],
            LAST[(i / 7) % LAST.len()],
            citizen(100_000 + i as u64),
            1 + i % 28,
            1 + i % 12,
            2480 + i % 60,
        ));
    }
    let bytes = csv.into_bytes();
    println!("register: {n} rows, {:.1} MB", bytes.len() as f64 / 1e6);

    let t = Instant::now();
    let preview = s.import_preview(&bytes).unwrap();
    let preview_time = t.elapsed();
    println!(
        "preview: {:.2} s ({:.0} rows/s), {} error rows, {} possible duplicates, {} households, {} cases",
        preview_time.as_secs_f64(),
        n as f64 / preview_time.as_secs_f64(),
        preview.rows_with_errors,
        preview.rows_with_duplicates,
        preview.households,
        preview.cases
    );
    let decisions = preview.decide_all(false);
    let t = Instant::now();
    let r = s.import_commit(&bytes, &decisions).unwrap();
    let commit_time = t.elapsed();
    println!(
        "commit (re-read, re-check, one transaction): {:.2} s — {} people, {} households, {} cases",
        commit_time.as_secs_f64(),
        r.people_created,
        r.households_created,
        r.cases_opened
    );

    // The same register again: now every row is someone already registered.
    let t = Instant::now();
    let again = s.import_preview(&bytes).unwrap();
    let again_time = t.elapsed();
    println!(
        "preview of the same file again: {:.2} s ({:.0} rows/s), {} rows flagged as possible duplicates",
        again_time.as_secs_f64(),
        n as f64 / again_time.as_secs_f64(),
        again.rows_with_duplicates
    );

    // The dashboard: the first view computes and keeps every open case's due dates; later
    // views read them (issue 17). The reference in the same run is the office work list,
    // which reads every open case's timeline afresh — what each dashboard view did before.
    let t = Instant::now();
    let d = s.dashboard().unwrap();
    println!(
        "dashboard, first view (every due date computed and kept): {:.0} ms ({} open cases, {} overdue)",
        t.elapsed().as_secs_f64() * 1e3,
        d.open_cases,
        d.overdue_cases
    );
    let mut views = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        let d2 = s.dashboard().unwrap();
        views.push(t.elapsed().as_secs_f64() * 1e3);
        assert_eq!(d2.overdue_cases, d.overdue_cases);
    }
    views.sort_by(f64::total_cmp);
    let mut lists = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let w = s.work_list(false).unwrap();
        lists.push(t.elapsed().as_secs_f64() * 1e3);
        std::hint::black_box(w);
    }
    lists.sort_by(f64::total_cmp);
    println!(
        "dashboard, later views: median {:.0} ms of 7 — the office work list (deadlines recomputed from every timeline) median {:.0} ms of 3: {:.1}×",
        views[3],
        lists[1],
        lists[1] / views[3]
    );
    let (from, _) = fiscal_year_range(2569);
    let (_, to) = fiscal_year_range(2570);
    let rows = s.period_report(from, to).unwrap().sheets[1].rows.len();
    let t = Instant::now();
    let xlsx = s.period_report_xlsx(from, to).unwrap();
    println!(
        "report for fiscal years 2569–2570 as .xlsx ({rows} case rows): {:.0} ms, {:.2} MB",
        t.elapsed().as_secs_f64() * 1e3,
        xlsx.len() as f64 / 1e6
    );
}
