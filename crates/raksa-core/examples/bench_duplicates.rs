//! The duplicate check at national-office scale: N people (default 1,000,000) in a real
//! SQLCipher file, then candidate searches for names written differently (phonetic index
//! look-ups plus scoring), timed one by one.
//!
//! cargo run --release -p raksa-core --example bench_duplicates -- 1000000

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use raksa_core::duplicates::PersonProbe;
use raksa_core::identity::{Identity, NoIdReason};
use raksa_core::model::*;
use raksa_core::office::{self, DataDir};
use raksa_core::thai_date::SystemClock;

const FIRST: &[&str] = &[
    "สมชาย",
    "สมศักดิ์",
    "สมพร",
    "สมหญิง",
    "สุนทร",
    "สุภาพ",
    "ประเสริฐ",
    "ประยุทธ",
    "วิชัย",
    "วิไล",
    "วรรณา",
    "ศิริพร",
    "กาญจนา",
    "ณัฐพล",
    "ธนพล",
    "บุญมี",
    "มาลี",
    "มานพ",
    "ทองใบ",
    "อำนาจ",
    "อรุณี",
    "เกษม",
    "นิตยา",
    "พรทิพย์",
    "รัตนา",
    "ลำดวน",
    "ไพโรจน์",
    "ชาญชัย",
    "ดวงใจ",
    "ปรีชา",
];
const LAST: &[&str] = &[
    "ใจดี",
    "ทองใบ",
    "ศรีสุข",
    "สุขสวัสดิ์",
    "แก้วมณี",
    "บุญมา",
    "จันทร์หอม",
    "พรหมมา",
    "อินทร์แก้ว",
    "วงศ์ใหญ่",
    "ศรีวงศ์",
    "สายทอง",
    "ทองคำ",
    "แสงอรุณ",
    "มณีรัตน์",
    "ชัยมงคล",
    "กาญจนวงศ์",
    "นาคสุข",
    "สมบูรณ์",
    "เจริญสุข",
    "ปัญญาดี",
    "คำมูล",
    "ยอดดี",
    "อ่อนศรี",
    "ภักดี",
    "สุวรรณรัตน์",
    "ทองสุข",
    "บุญยืน",
    "มีสุข",
    "วงศ์สวัสดิ์",
    "สิงห์ทอง",
    "อุดมสุข",
    "ธรรมวงศ์",
    "รุ่งเรือง",
    "หอมสมบัติ",
];

fn citizen_id(n: u64) -> String {
    let body = format!("{:012}", 160_000_000_000 + n);
    let d: Vec<u32> = body.chars().map(|c| c.to_digit(10).unwrap()).collect();
    let sum: u32 = (0..12).map(|i| d[i] * (13 - i as u32)).sum();
    format!("{body}{}", (11 - sum % 11) % 10)
}

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let tmp = tempfile::tempdir().unwrap();
    let dir = DataDir::new(tmp.path().join("office"));
    let (mut s, _) = office::init_office(
        &dir,
        &OfficeSetup {
            name: "สำนักงานทดสอบ".into(),
            address: "ศาลากลางจังหวัด".into(),
            letter_code: "พล".into(),
            phone: "055252222".into(),
        },
        &NewUser {
            username: "admin".into(),
            full_name: "ผู้ดูแล".into(),
            position: "ทดสอบ".into(),
            role: Role::Admin,
            password: "benchmark-pass".into(),
        },
        Arc::new(SystemClock),
    )
    .unwrap();
    // Many people share a name (as in life): the surname carries a number so the names
    // spread over ~n/20 distinct surnames.
    let t = Instant::now();
    for chunk in (0..n).collect::<Vec<_>>().chunks(50_000) {
        let batch: Vec<NewPerson> = chunk
            .iter()
            .map(|&i| NewPerson {
                title: "นาง".into(),
                first_name: FIRST[(i % FIRST.len() as u64) as usize].into(),
                last_name: format!(
                    "{}{}",
                    LAST[((i / 30) % LAST.len() as u64) as usize],
                    i / 600
                ),
                identity: if i % 4 == 0 {
                    Identity::NoId {
                        reason: NoIdReason::Unknown,
                    }
                } else {
                    Identity::CitizenId {
                        number: citizen_id(i),
                    }
                },
                birth_date: NaiveDate::from_ymd_opt(1930 + (i % 90) as i32, 1 + (i % 12) as u32, 1),
                sex: Sex::Female,
                phone: String::new(),
                address_text: String::new(),
                subdistrict_code: None,
                postcode: None,
            })
            .collect();
        s.register_people(&batch).unwrap();
    }
    let load = t.elapsed();
    let mut times: Vec<Duration> = Vec::new();
    let mut found = 0;
    for k in 0..200u64 {
        let i = (k * 4_999) % n;
        // written differently: ศ→ส, a tone mark dropped, the birth year kept
        let first = FIRST[(i % FIRST.len() as u64) as usize]
            .replace('ศ', "ส")
            .replace('่', "");
        let last = format!(
            "{}{}",
            LAST[((i / 30) % LAST.len() as u64) as usize],
            i / 600
        )
        .replace('ณ', "น");
        let probe = PersonProbe {
            first_name: first,
            last_name: last,
            citizen_id: None,
            birth_date: NaiveDate::from_ymd_opt(1930 + (i % 90) as i32, 6, 1),
            sex: Some(Sex::Female),
            subdistrict_code: None,
        };
        let t = Instant::now();
        let c = s.possible_duplicates(&probe).unwrap();
        times.push(t.elapsed());
        found += usize::from(!c.is_empty());
    }
    times.sort_unstable();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("| measure | result |\n|---|---|");
    println!(
        "| load {n} people (all-or-nothing batches of 50,000) | {:.1} s |",
        load.as_secs_f64()
    );
    println!(
        "| duplicate candidates for one name among {n} people (200 searches, {found} with candidates) | median {:.2} ms, p95 {:.2} ms, max {:.2} ms |",
        ms(times[times.len() / 2]),
        ms(times[times.len() * 95 / 100]),
        ms(*times.last().unwrap())
    );
}
