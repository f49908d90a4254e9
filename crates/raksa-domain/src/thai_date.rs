//! Buddhist-Era dates and the office clock. Thailand keeps one offset (UTC+7, no daylight
//! saving), so "today" for an office is the calendar date in Asia/Bangkok.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};

use crate::field::FieldProblem;

pub const BE_OFFSET: i32 = 543;

pub const MONTHS_TH: [&str; 12] = [
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
];

pub const MONTHS_TH_SHORT: [&str; 12] = [
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
];

/// Asia/Bangkok: UTC+07:00 all year.
pub fn bangkok() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("valid offset")
}

/// The Asia/Bangkok calendar day of a recorded instant (`2026-11-30T18:00:00+00:00` is
/// 1 December in Thailand). A bare `YYYY-MM-DD…` without an offset is taken as it is.
pub fn day_of(at: &str) -> Option<NaiveDate> {
    if let Ok(t) = DateTime::parse_from_rfc3339(at) {
        return Some(t.with_timezone(&bangkok()).date_naive());
    }
    NaiveDate::parse_from_str(at.get(..10)?, "%Y-%m-%d").ok()
}

/// Where "now" comes from. Injected so deadlines and tests do not depend on the machine.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
    fn today(&self) -> NaiveDate {
        self.now().with_timezone(&bangkok()).date_naive()
    }
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that always says the same instant (tests, simulations).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

pub fn be_year(date: NaiveDate) -> i32 {
    date.year() + BE_OFFSET
}

/// `23/11/2569`
pub fn format_be_short(date: NaiveDate) -> String {
    format!("{}/{}/{}", date.day(), date.month(), be_year(date))
}

/// `23 พฤศจิกายน 2569` — the official style, without "วันที่" and "พ.ศ.".
pub fn format_be_long(date: NaiveDate) -> String {
    format!(
        "{} {} {}",
        date.day(),
        MONTHS_TH[date.month0() as usize],
        be_year(date)
    )
}

/// Replaces ASCII digits with Thai digits (๐–๙).
pub fn thai_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32('๐' as u32 + (c as u32 - '0' as u32)).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// Parses a date typed as day/month/Buddhist-Era year (`5/3/2510`, `05-03-2510`,
/// `5.3.2510`, Thai digits allowed). Gregorian years are refused rather than guessed.
pub fn parse_be_date(input: &str) -> Result<NaiveDate, FieldProblem> {
    let ascii: String = input
        .trim()
        .chars()
        .map(|c| match c {
            '๐'..='๙' => char::from_u32('0' as u32 + (c as u32 - '๐' as u32)).unwrap_or(c),
            '-' | '.' => '/',
            _ => c,
        })
        .collect();
    let parts: Vec<&str> = ascii.split('/').collect();
    if parts.len() != 3 {
        return Err(FieldProblem::DateInvalid);
    }
    let num = |s: &str| -> Result<u32, FieldProblem> {
        if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FieldProblem::DateInvalid);
        }
        s.parse().map_err(|_| FieldProblem::DateInvalid)
    };
    let (d, m, y) = (num(parts[0])?, num(parts[1])?, num(parts[2])?);
    if !(2400..=2700).contains(&y) {
        return Err(FieldProblem::DateInvalid);
    }
    NaiveDate::from_ymd_opt(y as i32 - BE_OFFSET, m, d).ok_or(FieldProblem::DateInvalid)
}

/// A birth date must be a real past date within a plausible human lifetime.
pub fn check_birth_date(date: NaiveDate, today: NaiveDate) -> Result<NaiveDate, FieldProblem> {
    if date > today {
        return Err(FieldProblem::DateInFuture);
    }
    if today.year() - date.year() > 130 {
        return Err(FieldProblem::DateTooOld);
    }
    Ok(date)
}

/// Age in completed years on `on`.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> u32 {
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age.max(0) as u32
}
