use chrono::{NaiveDate, TimeZone, Utc};
use raksa_core::FieldProblem;
use raksa_core::thai_date::*;

#[test]
fn buddhist_era_dates_parse_and_format() {
    let d = parse_be_date("23/11/2569").unwrap();
    assert_eq!(d, NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
    assert_eq!(format_be_long(d), "23 พฤศจิกายน 2569");
    assert_eq!(thai_digits(&format_be_long(d)), "๒๓ พฤศจิกายน ๒๕๖๙");
    assert_eq!(format_be_short(d), "23/11/2569");
    assert_eq!(
        parse_be_date("๕-๓-๒๕๑๐").unwrap(),
        NaiveDate::from_ymd_opt(1967, 3, 5).unwrap()
    );
}

#[test]
fn impossible_dates_and_gregorian_years_are_refused() {
    assert_eq!(
        parse_be_date("31/2/2567").unwrap_err(),
        FieldProblem::DateInvalid
    );
    assert_eq!(
        parse_be_date("29/2/2566").unwrap_err(),
        FieldProblem::DateInvalid
    );
    assert!(parse_be_date("29/2/2567").is_ok()); // 2024 is a leap year
    assert_eq!(
        parse_be_date("5/3/1967").unwrap_err(),
        FieldProblem::DateInvalid
    );
    assert_eq!(
        parse_be_date("hello").unwrap_err(),
        FieldProblem::DateInvalid
    );
    assert_eq!(
        parse_be_date("1/13/2567").unwrap_err(),
        FieldProblem::DateInvalid
    );
}

#[test]
fn today_is_the_bangkok_calendar_date() {
    // 17:30 UTC on 31 Dec 2026 is already 1 Jan 2570 (BE) in Bangkok.
    let c = FixedClock(Utc.with_ymd_and_hms(2026, 12, 31, 17, 30, 0).unwrap());
    assert_eq!(c.today(), NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
    assert_eq!(be_year(c.today()), 2570);
    let c = FixedClock(Utc.with_ymd_and_hms(2026, 12, 31, 16, 59, 59).unwrap());
    assert_eq!(be_year(c.today()), 2569);
}

#[test]
fn birth_dates_must_be_past_and_plausible() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    assert_eq!(
        check_birth_date(NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(), today).unwrap_err(),
        FieldProblem::DateInFuture
    );
    assert_eq!(
        check_birth_date(NaiveDate::from_ymd_opt(1850, 1, 1).unwrap(), today).unwrap_err(),
        FieldProblem::DateTooOld
    );
    assert_eq!(
        age_on(NaiveDate::from_ymd_opt(1954, 11, 24).unwrap(), today),
        71
    );
    assert_eq!(
        age_on(NaiveDate::from_ymd_opt(1954, 11, 23).unwrap(), today),
        72
    );
}
