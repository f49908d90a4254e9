//! Integration tests of raksa-core, one binary (see DEVELOPERS notes in ARCHITECTURE.md).

mod access;
mod backup;
mod cases;
mod casework;
mod correction;
mod duplicates;
mod forms;
mod identity;
mod import;
mod merge;
mod migrations;
mod outbox;
mod places;
mod privacy;
mod referrals;
mod report;
mod requests;
mod thai_date;
mod unlock;
mod welfare;
mod write;

use std::sync::{Arc, Mutex};

use chrono::{DateTime, TimeZone, Utc};
use raksa_core::Session;
use raksa_core::model::*;
use raksa_core::office::DataDir;
use raksa_core::thai_date::Clock;

/// A clock the test moves by hand.
pub struct TestClock(Mutex<DateTime<Utc>>);

impl TestClock {
    pub fn at(t: DateTime<Utc>) -> Arc<TestClock> {
        Arc::new(TestClock(Mutex::new(t)))
    }
    pub fn advance_secs(&self, s: i64) {
        let mut g = self.0.lock().unwrap();
        *g += chrono::Duration::seconds(s);
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

/// 23 Nov 2026 (๒๓ พฤศจิกายน ๒๕๖๙), 10:00 in Bangkok.
pub fn nov_23() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 3, 0, 0).unwrap()
}

pub const ADMIN_PW: &str = "รหัสผ่านยาวพอ-2569";

pub fn office_setup() -> OfficeSetup {
    OfficeSetup {
        office_number: "0027".into(),
        name: "สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดพิษณุโลก".into(),
        address: "ศาลากลางจังหวัดพิษณุโลก ถนนวังจันทน์ อำเภอเมืองพิษณุโลก จังหวัดพิษณุโลก 65000".into(),
        letter_code: "พล".into(),
        phone: "055-252-222".into(),
    }
}

pub fn admin_user() -> NewUser {
    NewUser {
        username: "somchai".into(),
        full_name: "นายสมชาย ใจดี".into(),
        position: "นักสังคมสงเคราะห์ชำนาญการ".into(),
        role: Role::Admin,
        password: ADMIN_PW.into(),
    }
}

pub struct Office {
    pub _tmp: tempfile::TempDir,
    pub dir: DataDir,
    pub clock: Arc<TestClock>,
}

#[derive(Clone, Default)]
struct LogBuf(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogBuf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

static LOGS: std::sync::OnceLock<LogBuf> = std::sync::OnceLock::new();

/// Installs (once) a global TRACE-level subscriber that captures all log output.
pub fn capture_logs() {
    LOGS.get_or_init(|| {
        let buf = LogBuf::default();
        let w = buf.clone();
        let sub = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || w.clone())
            .finish();
        tracing::subscriber::set_global_default(sub).unwrap();
        buf
    });
}

pub fn captured_logs() -> String {
    capture_logs();
    String::from_utf8_lossy(&LOGS.get().unwrap().0.lock().unwrap()).into_owned()
}

pub fn new_office() -> (Office, Session, String) {
    capture_logs();
    let tmp = tempfile::tempdir().unwrap();
    let dir = DataDir::new(tmp.path().join("office"));
    let clock = TestClock::at(nov_23());
    let (session, rk) =
        raksa_core::office::init_office(&dir, &office_setup(), &admin_user(), clock.clone())
            .unwrap();
    (
        Office {
            _tmp: tmp,
            dir,
            clock,
        },
        session,
        rk.display().to_owned(),
    )
}

pub fn person(first: &str, last: &str, id: &str) -> NewPerson {
    NewPerson {
        title: "นาง".into(),
        first_name: first.into(),
        last_name: last.into(),
        identity: raksa_core::identity::Identity::CitizenId { number: id.into() },
        birth_date: chrono::NaiveDate::from_ymd_opt(1950, 3, 5),
        sex: Sex::Female,
        phone: "081-234-5678".into(),
        address_text: "12 หมู่ 3 ตำบลบ้านกร่าง".into(),
        subdistrict_code: None,
        postcode: None,
    }
}

/// A walk-in intake with nothing but the required fields; tests override what they need.
pub fn intake_defaults() -> NewCase {
    NewCase {
        person_id: uuid::Uuid::nil(),
        channel: IntakeChannel::WalkIn,
        intake_date: nov_23().date_naive(),
        summary: String::new(),
        urgency: Urgency::Normal,
        target_groups: vec![],
        problem_domains: vec![],
        reporter: None,
        account: String::new(),
    }
}
