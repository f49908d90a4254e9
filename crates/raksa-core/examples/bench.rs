//! Core benchmark: `cargo run --release -p raksa-core --example bench [-- PEOPLE]`.
//! Measures on a real SQLCipher file: office set-up, unlock (Argon2id 64 MiB × 3),
//! registering people with a case each, and case search by partial Thai name, citizen ID
//! and case number. Prints a Markdown table for docs/benchmarks.md.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use raksa_core::identity::Identity;
use raksa_core::model::*;
use raksa_core::office::{self, DataDir};
use raksa_core::thai_date::SystemClock;

const FIRST: &[&str] = &[
    "สมชาย",
    "สมศรี",
    "ประยูร",
    "มาลัย",
    "วิชัย",
    "สุดา",
    "บุญมี",
    "ทองใบ",
    "ณัฐพล",
    "พรรณี",
    "กมล",
    "จันทร์เพ็ญ",
    "อำนาจ",
    "ละเอียด",
    "สมหมาย",
    "วันเพ็ญ",
    "ประสิทธิ์",
    "บัวผัน",
    "เสาวลักษณ์",
    "ธนากร",
];
const LAST: &[&str] = &[
    "ใจดี",
    "ศรีสุข",
    "ทองดี",
    "วงศ์สุวรรณ",
    "แก้วมณี",
    "บุญมา",
    "สายทอง",
    "พรหมมา",
    "อินทร์แก้ว",
    "ชัยมงคล",
    "สุขสวัสดิ์",
    "ปัญญาดี",
    "รักษาวงศ์",
    "มีสุข",
    "เพชรรัตน์",
    "คงเจริญ",
    "ทองคำ",
    "จันทร์หอม",
    "ศรีวงศ์",
    "นาคสวัสดิ์",
];

/// A valid citizen ID from a running number.
fn citizen_id(n: u64) -> String {
    let body = format!("3{:011}", 10_000_000 + n);
    let d: Vec<u32> = body.bytes().map(|b| u32::from(b - b'0')).collect();
    let sum: u32 = (0..12).map(|i| d[i] * (13 - i as u32)).sum();
    format!("{body}{}", (11 - sum % 11) % 10)
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let tmp = tempfile::tempdir().unwrap();
    let dir = DataDir::new(tmp.path().join("office"));
    let clock = Arc::new(SystemClock);
    let t = Instant::now();
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
        clock.clone(),
    )
    .unwrap();
    let init = t.elapsed();

    let t = Instant::now();
    let mut per_write = Vec::new();
    for i in 0..n {
        let w = Instant::now();
        let p = s
            .register_person(&NewPerson {
                title: "นาง".into(),
                first_name: FIRST[(i % 20) as usize].into(),
                last_name: format!("{}{}", LAST[((i / 20) % 20) as usize], i),
                identity: Identity::CitizenId {
                    number: citizen_id(i),
                },
                birth_date: NaiveDate::from_ymd_opt(1950 + (i % 60) as i32, 1 + (i % 12) as u32, 1),
                sex: Sex::Female,
                phone: "0812345678".into(),
                address_text: "หมู่ 3 ตำบลบ้านกร่าง".into(),
                subdistrict_code: None,
                postcode: None,
            })
            .unwrap();
        s.open_case(&NewCase {
            person_id: p.id,
            channel: IntakeChannel::Hotline1300,
            intake_date: NaiveDate::from_ymd_opt(2026, 1 + (i % 10) as u32, 1).unwrap(),
            summary: "ผู้สูงอายุอยู่ลำพัง ขาดรายได้".into(),
            urgency: if i % 10 == 0 {
                Urgency::Urgent
            } else {
                Urgency::Normal
            },
            target_groups: vec![TargetGroup::Elderly],
            problem_domains: vec![ProblemDomain::Income, ProblemDomain::Care],
            reporter: None,
            account: String::new(),
        })
        .unwrap();
        if i % 97 == 0 {
            per_write.push(w.elapsed());
        }
    }
    let load = t.elapsed();
    drop(s);

    let mut unlocks = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let s = office::unlock(&dir, "admin", "benchmark-pass-2569", clock.clone()).unwrap();
        unlocks.push(t.elapsed());
        drop(s);
    }
    let mut s = office::unlock(&dir, "admin", "benchmark-pass-2569", clock.clone()).unwrap();

    // A referral letter: create, register and send, then render letter + form as PDF.
    let agency = s
        .add_agency(&raksa_core::referral::NewAgency {
            name: "โรงพยาบาลส่งเสริมสุขภาพตำบลบ้านกร่าง".into(),
            head_position: "ผู้อำนวยการโรงพยาบาลส่งเสริมสุขภาพตำบลบ้านกร่าง".into(),
            address: String::new(),
            phone: String::new(),
            email: String::new(),
            kind: AgencyKind::Outside,
            runs_raksa: false,
            raksa_office: String::new(),
        })
        .unwrap();
    let some_case = s.search_cases("พล-2569-000042", 1).unwrap()[0].id;
    let t = Instant::now();
    let r = s
        .create_referral(
            some_case,
            &raksa_core::referral::NewReferral {
                agency_id: agency.id,
                urgency: LetterUrgency::Urgent,
                secrecy: None,
                requested: "การดูแลสุขภาพที่บ้าน".into(),
                legal_basis: LegalBasis::ElderlyAct,
                shared: vec![
                    SharedPart::Identity,
                    SharedPart::Problems,
                    SharedPart::Address,
                ],
            },
        )
        .unwrap();
    let today = s.today();
    s.send_referral(r.id, today).unwrap();
    let send_t = t.elapsed();
    let mut renders = Vec::new();
    let mut pdf_len = 0;
    for _ in 0..7 {
        let t = Instant::now();
        pdf_len = s.referral_letter_pdf(r.id).unwrap().len();
        renders.push(t.elapsed());
    }
    let t = Instant::now();
    for _ in 0..1000 {
        s.referral_letter_pdf(r.id).unwrap();
    }
    let thousand = t.elapsed();

    let time_search = |q: &str| {
        let mut v = Vec::new();
        let mut hits = 0;
        for _ in 0..7 {
            let t = Instant::now();
            hits = s.search_cases(q, 200).unwrap().len();
            v.push(t.elapsed());
        }
        (median(v), hits)
    };
    let mid = n / 2;
    let (name_t, name_hits) = time_search(&format!("{}{}", LAST[((mid / 20) % 20) as usize], mid));
    let (part_t, part_hits) = time_search("สุวรรณ");
    let (short_t, short_hits) = time_search("มี");
    let (id_t, id_hits) = time_search(&citizen_id(n / 3));
    let (no_t, no_hits) = time_search("พล-2569-000042");
    let (recent_t, _) = time_search("");
    let size: u64 = dir
        .db_files()
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();

    println!("| measure ({n} people, {n} cases, SQLCipher) | result |");
    println!("|---|---|");
    println!(
        "| office set-up (new database, 2 key slots) | {} |",
        ms(init)
    );
    println!(
        "| unlock (Argon2id 64 MiB × 3 + open + migrate), median of 5 | {} |",
        ms(median(unlocks))
    );
    println!(
        "| register person + open case (2 transactions, FULL sync), median | {} |",
        ms(median(per_write))
    );
    println!(
        "| load {n} people + cases, total | {:.1} s |",
        load.as_secs_f64()
    );
    println!(
        "| search: full surname, median of 7 ({name_hits} hit) | {} |",
        ms(name_t)
    );
    println!(
        "| search: part of a surname, 200-row page ({part_hits} rows) | {} |",
        ms(part_t)
    );
    println!(
        "| search: two-letter word, scan fallback ({short_hits} rows) | {} |",
        ms(short_t)
    );
    println!("| search: citizen ID ({id_hits} hit) | {} |", ms(id_t));
    println!("| search: case number ({no_hits} hit) | {} |", ms(no_t));
    println!("| newest 200 cases (empty search) | {} |", ms(recent_t));
    println!(
        "| database size on disk | {:.1} MiB |",
        size as f64 / 1048576.0
    );
    println!(
        "| referral: create draft + register number + send | {} |",
        ms(send_t)
    );
    println!(
        "| referral letter + form PDF (shaped, wrapped, font subset), median of 7 | {} ({:.0} KiB) |",
        ms(median(renders)),
        pdf_len as f64 / 1024.0
    );
    println!(
        "| 1,000 letters + forms, one after another (one thread) | {:.1} s |",
        thousand.as_secs_f64()
    );
}
