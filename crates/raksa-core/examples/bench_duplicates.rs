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

/// Name parts: given names and surnames are built from them, so 1,000,000 people carry
/// ~6,000 given names and ~55,000 surnames — common names repeat, as in life, without
/// every "สมชาย" being born in the same year.
const GIVEN: &[&str] = &[
    "สม",
    "สุ",
    "ประ",
    "วิ",
    "ศิริ",
    "กาญ",
    "ณัฐ",
    "ธน",
    "บุญ",
    "มา",
    "ทอง",
    "อำ",
    "อรุณ",
    "เกษ",
    "นิต",
    "พร",
    "รัตน",
    "ลำ",
    "ไพ",
    "ชาญ",
    "ดวง",
    "ปรี",
    "กิต",
    "ยุ",
    "วัน",
    "จิ",
    "ทวี",
    "บัว",
    "เพ็ญ",
    "แสง",
    "จัน",
    "พิม",
    "สาย",
    "อุ",
    "เอื้อม",
    "คำ",
    "นง",
    "ดา",
    "ศักดิ์",
    "ชู",
    "หอม",
    "อัญ",
    "ภา",
    "อนุ",
    "กัญ",
    "เสาว",
    "ปรา",
    "ทิพ",
    "วร",
    "ชนิ",
    "อภิ",
    "สุร",
    "นิ",
    "ขวัญ",
    "เยาว",
    "รุ่ง",
    "บุษ",
    "ปัท",
    "ฐิ",
    "ภัทร",
    "เกศ",
    "จำ",
    "ธี",
    "ชัย",
    "วีร",
    "กมล",
    "พัช",
    "อร",
    "สุข",
    "เพชร",
    "ศรี",
    "ดุจ",
    "ลักษ",
    "มณี",
    "ยศ",
    "นพ",
    "ปิ่น",
    "พิ",
    "วล",
    "ภู",
];
const GIVEN_END: &[&str] = &[
    "ชาย",
    "ศักดิ์",
    "พร",
    "หญิง",
    "ภาพ",
    "ดา",
    "ไล",
    "พล",
    "มี",
    "ลี",
    "ใบ",
    "นาจ",
    "ณี",
    "ม",
    "ยา",
    "ทิพย์",
    "นา",
    "ดวน",
    "โรจน์",
    "ชัย",
    "ใจ",
    "ชา",
    "ติพงษ์",
    "พิน",
    "เพ็ญ",
    "ราพร",
    "ผัน",
    "ศรี",
    "เดือน",
    "ทร์",
    "สุนีย์",
    "ไรวรรณ",
    "แก้ว",
    "ลักษณ์",
    "รุณี",
    "จันทร์",
    "ชลี",
    "วดี",
    "ญา",
    "วรรณ",
    "ชาติ",
    "ตยา",
    "ภา",
    "มา",
    "ติมา",
    "รา",
    "นี",
    "เนียร",
    "ระ",
    "วัฒน์",
    "พงษ์",
    "ลา",
    "รี",
    "รดา",
    "รัตน์",
    "ดาว",
    "ดล",
    "มาศ",
    "ลภา",
    "พัฒน์",
];
const SURNAME: &[&str] = &[
    "ใจ",
    "ดี",
    "ทอง",
    "ใบ",
    "ศรี",
    "สุข",
    "แก้ว",
    "มณี",
    "บุญ",
    "มา",
    "จันทร์",
    "หอม",
    "พรหม",
    "อินทร์",
    "วงศ์",
    "ใหญ่",
    "สาย",
    "คำ",
    "แสง",
    "อรุณ",
    "รัตน์",
    "ประเสริฐ",
    "ชัย",
    "มงคล",
    "นาค",
    "เจริญ",
    "ปัญญา",
    "ยอด",
    "อ่อน",
    "ภักดี",
    "สุวรรณ",
    "ยืน",
    "มี",
    "สวัสดิ์",
    "สิงห์",
    "อุดม",
    "ธรรม",
    "รุ่ง",
];

fn mix(i: u64, salt: u64) -> usize {
    let mut x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ salt.wrapping_mul(0xD6E8_FEB8_6659_FD93);
    x ^= x >> 29;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    (x ^ (x >> 32)) as usize
}

fn given(i: u64) -> String {
    format!(
        "{}{}",
        GIVEN[mix(i, 1) % GIVEN.len()],
        GIVEN_END[mix(i, 2) % GIVEN_END.len()]
    )
}

fn surname(i: u64) -> String {
    let p = |salt| SURNAME[mix(i, salt) % SURNAME.len()];
    format!("{}{}{}", p(3), p(4), p(5))
}

fn birth(i: u64) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(
        1930 + (mix(i, 6) % 90) as i32,
        1 + (mix(i, 7) % 12) as u32,
        1 + (mix(i, 8) % 28) as u32,
    )
}

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
            office_number: "0027".into(),
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
            password: "benchmark-pass-2569".into(),
        },
        Arc::new(SystemClock),
    )
    .unwrap();
    let t = Instant::now();
    let mut ids = Vec::with_capacity(n as usize);
    for chunk in (0..n).collect::<Vec<_>>().chunks(50_000) {
        let batch: Vec<NewPerson> = chunk
            .iter()
            .map(|&i| NewPerson {
                title: "นาง".into(),
                first_name: given(i),
                last_name: surname(i),
                identity: if i % 4 == 0 {
                    Identity::NoId {
                        reason: NoIdReason::Unknown,
                    }
                } else {
                    Identity::CitizenId {
                        number: citizen_id(i),
                    }
                },
                birth_date: birth(i),
                sex: Sex::Female,
                phone: String::new(),
                address_text: String::new(),
                subdistrict_code: None,
                postcode: None,
            })
            .collect();
        ids.extend(s.register_people(&batch).unwrap());
    }
    let load = t.elapsed();
    let mut times: Vec<Duration> = Vec::new();
    let mut found = 0;
    for k in 0..200u64 {
        let i = (k * 4_999) % n;
        // the same person written differently: ศ→ส, a tone mark dropped, ณ→น; no ID at hand
        let probe = PersonProbe {
            first_name: given(i).replace('ศ', "ส").replace('่', ""),
            last_name: surname(i).replace('ณ', "น"),
            citizen_id: None,
            birth_date: birth(i),
            sex: Some(Sex::Female),
            subdistrict_code: None,
        };
        let t = Instant::now();
        let c = s.possible_duplicates(&probe).unwrap();
        times.push(t.elapsed());
        found += usize::from(c.iter().any(|x| x.person_id == ids[i as usize]));
    }
    times.sort_unstable();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("| measure | result |\n|---|---|");
    println!(
        "| load {n} people (all-or-nothing batches of 50,000) | {:.1} s |",
        load.as_secs_f64()
    );
    println!(
        "| duplicate candidates for one name among {n} people (200 searches, {found} found the person) | median {:.2} ms, p95 {:.2} ms, max {:.2} ms |",
        ms(times[times.len() / 2]),
        ms(times[times.len() * 95 / 100]),
        ms(*times.last().unwrap())
    );
}
