//! Input validation for everything a person types. Returns cleaned values (trimmed, control
//! characters removed, lengths bounded) and collects every field error at once so the form
//! can show each message next to its field.

use chrono::NaiveDate;

use crate::field::{FieldErrors, FieldProblem};
use crate::identity::Identity;
use crate::model::{NewCase, NewPerson, NewUser, OfficeSetup};
use crate::thai_date;

pub const MAX_NAME: usize = 100;
pub const MAX_LINE: usize = 300;
pub const MAX_TEXT: usize = 5_000;

/// Cleans free text: trims, drops control characters (keeps newlines when `multiline`),
/// and refuses text longer than `max` characters. HTML is kept as typed: the UI renders
/// all text as text, never as markup.
pub fn text(value: &str, max: usize, multiline: bool) -> Result<String, FieldProblem> {
    let cleaned: String = value
        .trim()
        .chars()
        .filter(|&c| !c.is_control() || (multiline && (c == '\n' || c == '\t')))
        .filter(|&c| c != '\u{feff}')
        .collect();
    if cleaned.chars().count() > max {
        return Err(FieldProblem::TooLong);
    }
    Ok(cleaned)
}

pub fn required(value: &str, max: usize, multiline: bool) -> Result<String, FieldProblem> {
    let t = text(value, max, multiline)?;
    if t.is_empty() {
        Err(FieldProblem::Required)
    } else {
        Ok(t)
    }
}

pub fn password(p: &str) -> Result<(), FieldProblem> {
    if p.chars().count() < 8 {
        Err(FieldProblem::PasswordTooShort)
    } else if p.len() > 1024 {
        Err(FieldProblem::TooLong)
    } else {
        Ok(())
    }
}

pub fn username(u: &str) -> Result<String, FieldProblem> {
    let u = u.trim().to_lowercase();
    let ok = (3..=32).contains(&u.len())
        && u.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok {
        Ok(u)
    } else {
        Err(FieldProblem::UsernameFormat)
    }
}

/// Thai phone numbers: 9–10 digits, dashes and spaces allowed; empty is allowed.
pub fn phone(p: &str) -> Result<String, FieldProblem> {
    let p = text(p, 40, false)?;
    if p.is_empty() {
        return Ok(p);
    }
    let digits = p.chars().filter(|c| c.is_ascii_digit()).count();
    let only_allowed = p
        .chars()
        .all(|c| c.is_ascii_digit() || c == '-' || c == ' ');
    if only_allowed && (9..=10).contains(&digits) {
        Ok(p)
    } else {
        Err(FieldProblem::PhoneFormat)
    }
}

pub fn office_setup(s: &OfficeSetup, errs: &mut FieldErrors) -> Option<OfficeSetup> {
    let name = errs.check("name", required(&s.name, MAX_LINE, false));
    let address = errs.check("address", required(&s.address, MAX_LINE, true));
    let letter_code = errs.check(
        "letter_code",
        required(&s.letter_code, 10, false).and_then(|c| letter_code_ok(&c).map(|_| c)),
    );
    let phone = errs.check(
        "phone",
        required(&s.phone, 40, false).and_then(|p| phone(&p)),
    );
    let office_number = errs.check("office_number", office_number(&s.office_number));
    Some(OfficeSetup {
        name: name?,
        address: address?,
        letter_code: letter_code?,
        office_number: office_number?,
        phone: phone?,
    })
}

/// The office number of the ที่ line: 1–4 digits (Thai or Arabic), not all zero, kept as
/// four Arabic digits (`๒๗` → `0027`).
pub fn office_number(s: &str) -> Result<String, FieldProblem> {
    let digits: String = s
        .trim()
        .chars()
        .map(|c| match c {
            '\u{0E50}'..='\u{0E59}' => char::from(b'0' + (c as u32 - 0x0E50) as u8),
            c => c,
        })
        .collect();
    if digits.is_empty() {
        return Err(FieldProblem::Required);
    }
    if digits.len() > 4
        || !digits.chars().all(|c| c.is_ascii_digit())
        || digits.chars().all(|c| c == '0')
    {
        return Err(FieldProblem::OfficeNumberFormat);
    }
    Ok(format!("{digits:0>4}"))
}

pub fn new_user(u: &NewUser, errs: &mut FieldErrors) -> Option<NewUser> {
    let uname = errs.check("username", username(&u.username));
    let full_name = errs.check("full_name", required(&u.full_name, MAX_NAME, false));
    let position = errs.check("position", required(&u.position, MAX_LINE, false));
    let pw = errs.check("password", password(&u.password));
    pw?;
    Some(NewUser {
        username: uname?,
        full_name: full_name?,
        position: position?,
        role: u.role,
        password: u.password.clone(),
    })
}

pub fn new_person(p: &NewPerson, today: NaiveDate, errs: &mut FieldErrors) -> Option<NewPerson> {
    let title = errs.check("title", required(&p.title, 40, false));
    let first = errs.check("first_name", required(&p.first_name, MAX_NAME, false));
    let last = errs.check("last_name", required(&p.last_name, MAX_NAME, false));
    let identity = errs.check("identity", p.identity.normalised());
    let birth = match p.birth_date {
        Some(d) => errs
            .check("birth_date", thai_date::check_birth_date(d, today))
            .map(Some),
        None => Some(None),
    };
    let phone = errs.check("phone", phone(&p.phone));
    let address = errs.check("address_text", text(&p.address_text, MAX_LINE * 2, true));
    let (place, postcode) = match &p.subdistrict_code {
        None => (Some(None), Some(None)),
        Some(code) => match crate::places::places()
            .get(code.trim())
            .filter(|_| code.trim().len() == 6)
        {
            None => {
                errs.push("subdistrict_code", FieldProblem::UnknownPlace);
                (None, None)
            }
            Some(sub) => {
                let pc = match p
                    .postcode
                    .as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                {
                    None => Some(sub.postcodes.first().cloned()),
                    Some(pc) if sub.postcodes.iter().any(|x| x == pc) => Some(Some(pc.to_owned())),
                    Some(_) => {
                        errs.push("postcode", FieldProblem::PostcodeMismatch);
                        None
                    }
                };
                (Some(Some(sub.code.clone())), pc)
            }
        },
    };
    Some(NewPerson {
        title: title?,
        first_name: first?,
        last_name: last?,
        identity: identity?,
        birth_date: birth?,
        sex: p.sex,
        phone: phone?,
        address_text: address?,
        subdistrict_code: place?,
        postcode: postcode?,
    })
}

pub fn new_case(c: &NewCase, today: NaiveDate, errs: &mut FieldErrors) -> Option<NewCase> {
    let summary = errs.check("summary", required(&c.summary, MAX_TEXT, true));
    let date = if c.intake_date > today {
        errs.push("intake_date", FieldProblem::DateInFuture);
        None
    } else if today.signed_duration_since(c.intake_date).num_days() > 366 * 5 {
        errs.push("intake_date", FieldProblem::DateTooOld);
        None
    } else {
        Some(c.intake_date)
    };
    let account = errs.check("account", text(&c.account, MAX_TEXT, true));
    let reporter = match &c.reporter {
        None => Some(None),
        Some(r) => {
            let name = errs.check("reporter_name", text(&r.name, MAX_NAME, false));
            let rel = errs.check(
                "reporter_relationship",
                text(&r.relationship, MAX_NAME, false),
            );
            let contact = errs.check("reporter_contact", text(&r.contact, MAX_LINE, false));
            match (name, rel, contact) {
                (Some(n), Some(r), Some(c)) if n.is_empty() && r.is_empty() && c.is_empty() => {
                    Some(None)
                }
                (Some(name), Some(relationship), Some(contact)) => {
                    Some(Some(crate::model::Reporter {
                        name,
                        relationship,
                        contact,
                    }))
                }
                _ => None,
            }
        }
    };
    let mut groups = c.target_groups.clone();
    groups.sort();
    groups.dedup();
    let mut domains = c.problem_domains.clone();
    domains.sort();
    domains.dedup();
    Some(NewCase {
        person_id: c.person_id,
        channel: c.channel,
        intake_date: date?,
        summary: summary?,
        urgency: c.urgency,
        target_groups: groups,
        problem_domains: domains,
        reporter: reporter?,
        account: account?,
    })
}

/// Masks a person's ID for lists: only the last four digits of a citizen ID show.
pub fn masked_id(identity: &Identity) -> String {
    match identity {
        Identity::CitizenId { number } if number.len() == 13 => {
            format!("x-xxxx-xxxxx-{}-{}", &number[10..12], &number[12..13])
        }
        Identity::CitizenId { .. } => "x-xxxx-xxxxx-xx-x".into(),
        Identity::GCode { code } if code.len() == 13 => format!("Gxxxxxxxx{}", &code[9..]),
        Identity::GCode { .. } => "G…".into(),
        Identity::NoId { .. } => "ไม่มีเลขประจำตัว".into(),
    }
}

/// The province letter code of an office (`พล`): 1–3 Thai consonants.
pub fn letter_code_ok(code: &str) -> Result<(), FieldProblem> {
    let n = code.chars().count();
    if (1..=3).contains(&n) && code.chars().all(|c| ('\u{0E01}'..='\u{0E2E}').contains(&c)) {
        Ok(())
    } else {
        Err(FieldProblem::LetterCodeFormat)
    }
}

/// The central server's address: `https://` to any host, `http://` only to this machine
/// (127.0.0.0/8, `localhost`, `[::1]` — a test server or a local TLS proxy). No user name
/// or password in the address. Checked before anything is sent to it.
pub fn server_url(url: &str) -> Result<String, FieldProblem> {
    let url = url.trim();
    if url.is_empty() {
        return Err(FieldProblem::Required);
    }
    if url.len() > 300 || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(FieldProblem::WrongType);
    }
    let lower = url.to_ascii_lowercase();
    let (secure, rest) = if let Some(r) = lower.strip_prefix("https://") {
        (true, r)
    } else if let Some(r) = lower.strip_prefix("http://") {
        (false, r)
    } else {
        return Err(FieldProblem::InsecureServerUrl);
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.is_empty() || authority.contains('@') {
        return Err(FieldProblem::WrongType);
    }
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        authority.rsplit_once(':').map_or(authority, |(h, _)| h)
    };
    if host.is_empty() {
        return Err(FieldProblem::WrongType);
    }
    let loopback = host == "localhost"
        || host == "::1"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|a| a.is_loopback());
    if secure || loopback {
        Ok(url.trim_end_matches('/').to_owned())
    } else {
        Err(FieldProblem::InsecureServerUrl)
    }
}

#[cfg(test)]
mod server_url_tests {
    use super::*;

    #[test]
    fn https_anywhere_plain_http_only_to_this_machine() {
        for ok in [
            "https://raksa.m-society.go.th",
            "https://10.0.0.5:8443/",
            "http://127.0.0.1:8787",
            "http://127.5.0.1",
            "http://localhost:8787/",
            "http://[::1]:8787",
            "HTTPS://Raksa.example",
        ] {
            assert!(server_url(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            server_url("https://raksa.example/").unwrap(),
            "https://raksa.example"
        );
        for bad in [
            "http://raksa.m-society.go.th",
            "http://192.168.1.10:8787",
            "http://127.0.0.1.evil.example",
            "http://localhost.evil.example",
            "ftp://raksa.example",
            "raksa.example",
        ] {
            assert_eq!(
                server_url(bad).unwrap_err(),
                FieldProblem::InsecureServerUrl,
                "{bad}"
            );
        }
        assert_eq!(
            server_url("https://user:pw@raksa.example").unwrap_err(),
            FieldProblem::WrongType
        );
        assert_eq!(server_url("").unwrap_err(), FieldProblem::Required);
    }
}

#[cfg(test)]
mod office_number_tests {
    use super::*;

    #[test]
    fn the_office_number_is_one_to_four_digits_kept_as_four() {
        assert_eq!(office_number("27").unwrap(), "0027");
        assert_eq!(office_number(" ๐๐๒๗ ").unwrap(), "0027");
        assert_eq!(office_number("1234").unwrap(), "1234");
        assert_eq!(office_number("").unwrap_err(), FieldProblem::Required);
        for bad in ["12345", "00a7", "0000", "๐", "-27"] {
            assert_eq!(
                office_number(bad).unwrap_err(),
                FieldProblem::OfficeNumberFormat,
                "{bad}"
            );
        }
    }
}
