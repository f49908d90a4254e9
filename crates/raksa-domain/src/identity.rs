//! Thai identity documents: the 13-digit citizen ID (with its check digit), the school
//! G-code for children without an ID, and "no ID" with a recorded reason.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::field::FieldProblem;

/// How a person is identified. Exactly one applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum Identity {
    /// 13-digit citizen ID, stored as digits only.
    CitizenId { number: String },
    /// "G" + 12 digits, issued by schools to children without an ID.
    GCode { code: String },
    /// No document; the reason is recorded.
    NoId { reason: NoIdReason },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum NoIdReason {
    /// ไร้สัญชาติ / ไม่มีสถานะทางทะเบียน
    Stateless,
    /// ยังไม่ได้แจ้งเกิด / ไม่ได้ลงทะเบียน
    Unregistered,
    /// ไม่ทราบ (เช่น ผู้ป่วยไม่รู้สึกตัว คนไร้บ้านจำเลขไม่ได้)
    Unknown,
}

impl NoIdReason {
    pub fn as_str(self) -> &'static str {
        match self {
            NoIdReason::Stateless => "stateless",
            NoIdReason::Unregistered => "unregistered",
            NoIdReason::Unknown => "unknown",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "stateless" => NoIdReason::Stateless,
            "unregistered" => NoIdReason::Unregistered,
            "unknown" => NoIdReason::Unknown,
            _ => return None,
        })
    }
}

/// Normalises and validates a citizen ID. Accepts the printed layout `X-XXXX-XXXXX-XX-X`
/// (dashes and spaces are dropped) and Thai digits. Returns the 13 ASCII digits.
pub fn parse_citizen_id(input: &str) -> Result<String, FieldProblem> {
    let mut digits = String::with_capacity(13);
    for ch in input.chars() {
        match ch {
            '-' | ' ' | '\u{00a0}' => continue,
            '0'..='9' => digits.push(ch),
            '๐'..='๙' => {
                let v = ch as u32 - '๐' as u32;
                digits.push(char::from(b'0' + v as u8));
            }
            _ => return Err(FieldProblem::CitizenIdNotDigits),
        }
    }
    if digits.len() != 13 {
        return Err(FieldProblem::CitizenIdLength);
    }
    let d: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
    let sum: u32 = (0..12).map(|i| d[i] * (13 - i as u32)).sum();
    let check = (11 - sum % 11) % 10;
    if check != d[12] {
        return Err(FieldProblem::CitizenIdChecksum);
    }
    // Degenerate numbers that pass the checksum: all zeros, one digit repeated, or a first
    // digit outside the person categories 0–8.
    if d[0] == 9 || d[..12].iter().all(|&x| x == d[0]) {
        return Err(FieldProblem::CitizenIdInvalid);
    }
    Ok(digits)
}

/// Validates a G-code: `G` (Latin, either case) followed by 12 digits.
pub fn parse_g_code(input: &str) -> Result<String, FieldProblem> {
    let s: String = input.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
    let mut chars = s.chars();
    match chars.next() {
        Some('G' | 'g') => {}
        _ => return Err(FieldProblem::GCodeFormat),
    }
    let rest: String = chars.collect();
    if rest.len() == 12 && rest.bytes().all(|b| b.is_ascii_digit()) {
        Ok(format!("G{rest}"))
    } else {
        Err(FieldProblem::GCodeFormat)
    }
}

/// Formats 13 digits as `X-XXXX-XXXXX-XX-X`.
pub fn format_citizen_id(digits: &str) -> String {
    if digits.len() != 13 || !digits.is_ascii() {
        return digits.to_owned();
    }
    format!(
        "{}-{}-{}-{}-{}",
        &digits[0..1],
        &digits[1..5],
        &digits[5..10],
        &digits[10..12],
        &digits[12..13]
    )
}

impl Identity {
    /// The three columns a person's identity is stored in: (id_kind, id_number, no_id_reason).
    pub fn columns(&self) -> (&'static str, Option<String>, Option<&'static str>) {
        match self {
            Identity::CitizenId { number } => ("citizen_id", Some(number.clone()), None),
            Identity::GCode { code } => ("g_code", Some(code.clone()), None),
            Identity::NoId { reason } => ("no_id", None, Some(reason.as_str())),
        }
    }

    /// Validates and normalises the identity (digits only, upper-case G).
    pub fn normalised(&self) -> Result<Identity, FieldProblem> {
        Ok(match self {
            Identity::CitizenId { number } => Identity::CitizenId {
                number: parse_citizen_id(number)?,
            },
            Identity::GCode { code } => Identity::GCode {
                code: parse_g_code(code)?,
            },
            Identity::NoId { reason } => Identity::NoId { reason: *reason },
        })
    }
}
