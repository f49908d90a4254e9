//! Importing an existing register (people, their households and open cases) from a CSV or
//! workbook. Two steps with the same rules: `import_preview` reads and checks every row
//! and writes nothing; `import_commit` re-reads the same bytes, requires every row to be
//! valid and every possible duplicate decided, and writes everything in one transaction —
//! all or nothing. The headless `raksa import FILE` runs both.
//!
//! Columns are found by their Thai (or English) header, in any order; unknown columns are
//! shown as "not imported". A cell Excel would run as a formula is refused, never stored.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::audit::AuditAction;
use crate::duplicates::{DuplicateCandidate, PersonProbe};
use crate::error::{CoreError, FieldErrors, FieldProblem, Result};
use crate::household::insert_member;
use crate::identity::{Identity, NoIdReason};
use crate::model::{IntakeChannel, NewCase, NewPerson, Relationship, Role, Sex, Urgency};
use crate::session::{Session, insert_case, insert_person};
use crate::table::{self, Cell, FileProblem, SourceFormat};
use crate::{thai_date, validate};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Col {
    Title,
    FirstName,
    LastName,
    FullName,
    CitizenId,
    BirthDate,
    Sex,
    Phone,
    Address,
    SubdistrictCode,
    Subdistrict,
    District,
    Province,
    Postcode,
    Household,
    HouseCode,
    Relationship,
    IntakeDate,
    Summary,
    Channel,
    Urgency,
}

/// Accepted headers per column (compared without spaces, case-insensitively). The first
/// is the name shown to the user.
const COLUMNS: &[(Col, &[&str])] = &[
    (Col::Title, &["คำนำหน้า", "คำนำหน้าชื่อ", "title"]),
    (Col::FirstName, &["ชื่อ", "ชื่อจริง", "first_name", "firstname"]),
    (
        Col::LastName,
        &["นามสกุล", "สกุล", "last_name", "lastname", "surname"],
    ),
    (
        Col::FullName,
        &[
            "ชื่อ-นามสกุล",
            "ชื่อ-สกุล",
            "ชื่อสกุล",
            "ชื่อและนามสกุล",
            "full_name",
            "name",
        ],
    ),
    (
        Col::CitizenId,
        &[
            "เลขประจำตัวประชาชน",
            "เลขบัตรประชาชน",
            "เลขบัตรประจำตัวประชาชน",
            "citizen_id",
            "id_number",
        ],
    ),
    (
        Col::BirthDate,
        &["วันเกิด", "วันเดือนปีเกิด", "birth_date", "date_of_birth"],
    ),
    (Col::Sex, &["เพศ", "sex"]),
    (Col::Phone, &["โทรศัพท์", "เบอร์โทร", "เบอร์โทรศัพท์", "phone"]),
    (Col::Address, &["ที่อยู่", "บ้านเลขที่", "address"]),
    (Col::SubdistrictCode, &["รหัสตำบล", "subdistrict_code"]),
    (
        Col::Subdistrict,
        &["ตำบล", "ตำบล/แขวง", "แขวง", "subdistrict"],
    ),
    (Col::District, &["อำเภอ", "อำเภอ/เขต", "เขต", "district"]),
    (Col::Province, &["จังหวัด", "province"]),
    (Col::Postcode, &["รหัสไปรษณีย์", "postcode"]),
    (Col::Household, &["ครัวเรือน", "รหัสครัวเรือน", "household"]),
    (Col::HouseCode, &["รหัสประจำบ้าน", "house_code"]),
    (
        Col::Relationship,
        &["ความสัมพันธ์", "ความสัมพันธ์กับหัวหน้าครัวเรือน", "relationship"],
    ),
    (Col::IntakeDate, &["วันที่รับเรื่อง", "intake_date"]),
    (Col::Summary, &["สรุปเรื่อง", "เรื่อง", "ปัญหา", "summary"]),
    (Col::Channel, &["ช่องทาง", "ช่องทางรับเรื่อง", "channel"]),
    (Col::Urgency, &["ความเร่งด่วน", "urgency"]),
];

fn header_key(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '*' && *c != '\u{200B}')
        .flat_map(char::to_lowercase)
        .collect()
}

fn col_name(c: Col) -> &'static str {
    COLUMNS
        .iter()
        .find(|(k, _)| *k == c)
        .map(|(_, n)| n[0])
        .unwrap_or("")
}

/// A header of the file and what it was taken as.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ImportColumn {
    pub header: String,
    /// The field's Thai name; `None` = not imported.
    pub field_th: Option<String>,
}

/// A problem with one cell of one row.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RowError {
    /// The column as the file names it (Thai name of the field if the file lacks it).
    pub column: String,
    pub message_th: String,
    pub message_en: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ImportRow {
    /// Line of the file (header = 1) or spreadsheet row.
    pub line: u32,
    pub display_name: String,
    pub masked_id: String,
    #[ts(type = "string | null")]
    pub birth_date: Option<NaiveDate>,
    pub place_label: Option<String>,
    pub household: Option<String>,
    pub opens_case: bool,
    pub errors: Vec<RowError>,
    /// People already registered who may be this one; a decision is needed to import.
    pub duplicates: Vec<DuplicateCandidate>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ImportPreview {
    pub format: SourceFormat,
    pub columns: Vec<ImportColumn>,
    pub rows: Vec<ImportRow>,
    pub rows_with_errors: u32,
    pub rows_with_duplicates: u32,
    pub households: u32,
    pub cases: u32,
}

/// What to do with a row that has possible duplicates: `use_existing` = that person's
/// record (the row's household and case attach to it); `None` = a new person.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportDecision {
    pub line: u32,
    pub use_existing: Option<Uuid>,
}

impl ImportPreview {
    /// A decision for every row with possible duplicates, the same for all: the first
    /// (most likely) registered person when `use_existing`, else a new person.
    pub fn decide_all(&self, use_existing: bool) -> Vec<ImportDecision> {
        self.rows
            .iter()
            .filter(|r| !r.duplicates.is_empty())
            .map(|r| ImportDecision {
                line: r.line,
                use_existing: use_existing.then(|| r.duplicates[0].person_id),
            })
            .collect()
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ImportResult {
    pub people_created: u32,
    pub people_linked: u32,
    pub households_created: u32,
    pub cases_opened: u32,
}

/// Why a commit was refused as a whole; nothing was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum ImportRefusal {
    File(FileProblem),
    /// Rows with errors (the preview lists them).
    RowsInvalid {
        rows: u32,
    },
    /// Rows with possible duplicates and no decision.
    Undecided {
        rows: u32,
    },
    /// A decision names a person who is not registered, or "new" where the ID is taken.
    BadDecision {
        line: u32,
    },
}

impl ImportRefusal {
    pub fn message_th(&self) -> String {
        match self {
            ImportRefusal::File(p) => p.message_th(),
            ImportRefusal::RowsInvalid { rows } => format!(
                "ยังนำเข้าไม่ได้: มี {rows} แถวที่ข้อมูลไม่ถูกต้อง กรุณาแก้ไขในไฟล์แล้วตรวจสอบอีกครั้ง (ยังไม่ได้บันทึกข้อมูลใด ๆ)"
            ),
            ImportRefusal::Undecided { rows } => format!(
                "ยังนำเข้าไม่ได้: มี {rows} แถวที่อาจซ้ำกับบุคคลในระบบ กรุณาเลือกว่าเป็นคนเดิมหรือคนใหม่ (ยังไม่ได้บันทึกข้อมูลใด ๆ)"
            ),
            ImportRefusal::BadDecision { line } => format!(
                "แถวที่ {line}: บุคคลที่เลือกไม่อยู่ในระบบ หรือเลขประจำตัวประชาชนมีผู้ใช้แล้ว (ยังไม่ได้บันทึกข้อมูลใด ๆ)"
            ),
        }
    }
    pub fn message_en(&self) -> String {
        match self {
            ImportRefusal::File(p) => p.message_en(),
            ImportRefusal::RowsInvalid { rows } => {
                format!("{rows} row(s) have errors; nothing was imported")
            }
            ImportRefusal::Undecided { rows } => {
                format!("{rows} possible duplicate(s) need a decision; nothing was imported")
            }
            ImportRefusal::BadDecision { line } => {
                format!("Row {line}: the chosen person does not exist or the ID is taken")
            }
        }
    }
}

const IMPORTERS: &[Role] = &[Role::Supervisor, Role::Admin];

/// One row, read and checked.
struct Parsed {
    line: u32,
    person: Option<NewPerson>,
    display_name: String,
    household: Option<(String, String, Relationship)>,
    case: Option<NewCase>,
    errors: Vec<RowError>,
}

fn err(column: &str, problem: FieldProblem) -> RowError {
    RowError {
        column: column.to_owned(),
        message_th: problem.message_th().to_owned(),
        message_en: problem.message_en().to_owned(),
    }
}

fn err_text(column: &str, th: String, en: String) -> RowError {
    RowError {
        column: column.to_owned(),
        message_th: th,
        message_en: en,
    }
}

/// Sub-districts by (sub-district, district, province) Thai names, without prefixes.
fn place_index() -> HashMap<(String, String, String), String> {
    let places = crate::places::places();
    let mut out = HashMap::new();
    for s in &places.subdistricts {
        let d = s.code.get(..4).and_then(|c| places.get(c));
        let p = s.code.get(..2).and_then(|c| places.get(c));
        if let (Some(d), Some(p)) = (d, p) {
            out.insert(
                (
                    place_key(&s.name_th),
                    place_key(&d.name_th),
                    place_key(&p.name_th),
                ),
                s.code.clone(),
            );
        }
    }
    out
}

fn place_key(s: &str) -> String {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    for prefix in ["ตำบล", "ต.", "แขวง", "อำเภอ", "อ.", "เขต", "จังหวัด", "จ."]
    {
        if let Some(rest) = s.strip_prefix(prefix)
            && !rest.is_empty()
        {
            return rest.to_owned();
        }
    }
    s
}

fn parse_sex(s: &str) -> Option<Sex> {
    Some(match s.to_lowercase().as_str() {
        "ชาย" | "ช" | "m" | "male" | "1" => Sex::Male,
        "หญิง" | "ญ" | "f" | "female" | "2" => Sex::Female,
        "ไม่ระบุ" | "" => Sex::Unspecified,
        _ => return None,
    })
}

fn sex_from_title(title: &str) -> Sex {
    let t: String = title.chars().filter(|c| !c.is_whitespace()).collect();
    match t.as_str() {
        "นาย" | "เด็กชาย" | "ด.ช." | "ดช." | "mr." | "mr" => Sex::Male,
        "นาง" | "นางสาว" | "น.ส." | "เด็กหญิง" | "ด.ญ." | "ดญ." | "mrs." | "ms." | "miss" => {
            Sex::Female
        }
        _ => Sex::Unspecified,
    }
}

fn parse_relationship(s: &str) -> Option<Relationship> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if let Some(r) = Relationship::parse(&s.to_lowercase()) {
        return Some(r);
    }
    Some(match s.as_str() {
        "หัวหน้าครัวเรือน" | "หัวหน้า" | "เจ้าบ้าน" => {
            Relationship::Head
        }
        "คู่สมรส" | "สามี" | "ภรรยา" | "ภริยา" => {
            Relationship::Spouse
        }
        "บุตร" | "ลูก" | "บุตรบุญธรรม" => Relationship::Child,
        "บิดา" | "มารดา" | "พ่อ" | "แม่" | "บิดา/มารดา" => {
            Relationship::Parent
        }
        "พี่" | "น้อง" | "พี่น้อง" | "พี่/น้อง" => {
            Relationship::Sibling
        }
        "หลาน" => Relationship::Grandchild,
        "ปู่" | "ย่า" | "ตา" | "ยาย" | "ปู่ย่าตายาย" => {
            Relationship::Grandparent
        }
        "ญาติ" => Relationship::Relative,
        "อื่นๆ" | "อื่น" | "ผู้อาศัย" | "ผู้อาศัยอื่น" => {
            Relationship::Other
        }
        _ => return None,
    })
}

fn parse_channel(s: &str) -> Option<IntakeChannel> {
    IntakeChannel::parse(&s.to_lowercase())
        .or_else(|| IntakeChannel::ALL.into_iter().find(|c| c.label_th() == s))
        .or(match s {
            "1300" | "สายด่วน" => Some(IntakeChannel::Hotline1300),
            "ศรส." | "ศรส" => Some(IntakeChannel::Husec),
            "walk-in" | "มาด้วยตนเอง" => Some(IntakeChannel::WalkIn),
            "อพม." | "อพม" => Some(IntakeChannel::Volunteer),
            "ส่งต่อ" => Some(IntakeChannel::ReferralIn),
            _ => None,
        })
}

fn parse_urgency(s: &str) -> Option<Urgency> {
    Urgency::parse(&s.to_lowercase()).or(match s {
        "เร่งด่วน" | "ด่วน" => Some(Urgency::Urgent),
        "สูง" => Some(Urgency::High),
        "ปกติ" => Some(Urgency::Normal),
        _ => None,
    })
}

/// A date cell: a workbook date, `d/m/พ.ศ.` (Thai digits too), or ISO `yyyy-mm-dd`
/// (a Buddhist-Era year above 2400 is taken as such).
fn parse_date(cell: &Cell) -> std::result::Result<NaiveDate, FieldProblem> {
    use chrono::Datelike;
    let be_fix = |d: NaiveDate| {
        if d.year() > 2400 {
            d.with_year(d.year() - 543).ok_or(FieldProblem::DateInvalid)
        } else {
            Ok(d)
        }
    };
    match cell {
        Cell::Date(d) => be_fix(*d),
        Cell::Text(s) => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) => be_fix(d),
            Err(_) => thai_date::parse_be_date(s),
        },
        Cell::Formula => Err(FieldProblem::WrongType),
    }
}

struct Reader {
    cols: HashMap<Col, usize>,
    places: HashMap<(String, String, String), String>,
    today: NaiveDate,
}

impl Reader {
    fn cell<'a>(&self, cells: &'a [Cell], c: Col) -> Option<&'a Cell> {
        let cell = cells.get(*self.cols.get(&c)?)?;
        match cell {
            Cell::Text(s) if s.is_empty() || s == "-" => None,
            other => Some(other),
        }
    }

    /// A text cell, refusing formulas.
    fn text(&self, cells: &[Cell], c: Col, errors: &mut Vec<RowError>) -> String {
        match self.cell(cells, c) {
            None => String::new(),
            Some(Cell::Text(s)) if !table::looks_like_formula(s) => s.clone(),
            Some(Cell::Date(d)) => thai_date::format_be_short(*d),
            Some(_) => {
                errors.push(err_text(
                    col_name(c),
                    "ช่องนี้เป็นสูตรของ Excel (ขึ้นต้นด้วย = + - หรือ @) จึงไม่นำเข้า กรุณาแก้เป็นข้อความธรรมดา"
                        .into(),
                    "This cell is a spreadsheet formula (starts with = + - @); it was not imported"
                        .into(),
                ));
                String::new()
            }
        }
    }

    fn row(&self, line: u32, cells: &[Cell]) -> Parsed {
        let mut errors = Vec::new();
        let mut title = self.text(cells, Col::Title, &mut errors);
        let mut first = self.text(cells, Col::FirstName, &mut errors);
        let mut last = self.text(cells, Col::LastName, &mut errors);
        let full = self.text(cells, Col::FullName, &mut errors);
        if !full.is_empty() && first.is_empty() && last.is_empty() {
            let rest = crate::name_match::strip_title(&full);
            if title.is_empty() {
                title = full.trim()[..full.trim().len() - rest.len()]
                    .trim()
                    .to_owned();
            }
            let mut parts = rest.splitn(2, char::is_whitespace);
            first = parts.next().unwrap_or("").trim().to_owned();
            last = parts.next().unwrap_or("").trim().to_owned();
        }
        let display_name = format!("{title}{first} {last}").trim().to_owned();

        let id_text = self.text(cells, Col::CitizenId, &mut errors);
        let identity = if id_text.is_empty() {
            Identity::NoId {
                reason: NoIdReason::Unknown,
            }
        } else if id_text.starts_with(['G', 'g']) {
            Identity::GCode { code: id_text }
        } else {
            Identity::CitizenId { number: id_text }
        };
        let birth_date = match self.cell(cells, Col::BirthDate) {
            None => None,
            Some(c) => match parse_date(c) {
                Ok(d) => Some(d),
                Err(p) => {
                    errors.push(err(col_name(Col::BirthDate), p));
                    None
                }
            },
        };
        let sex_text = self.text(cells, Col::Sex, &mut errors);
        let sex = match parse_sex(&sex_text) {
            Some(Sex::Unspecified) if sex_text.is_empty() => sex_from_title(&title),
            Some(s) => s,
            None => {
                errors.push(err(col_name(Col::Sex), FieldProblem::NotAChoice));
                Sex::Unspecified
            }
        };
        let code = self.text(cells, Col::SubdistrictCode, &mut errors);
        let sub = self.text(cells, Col::Subdistrict, &mut errors);
        let subdistrict_code = if !code.is_empty() {
            Some(code)
        } else if !sub.is_empty() {
            let key = (
                place_key(&sub),
                place_key(&self.text(cells, Col::District, &mut errors)),
                place_key(&self.text(cells, Col::Province, &mut errors)),
            );
            match self.places.get(&key) {
                Some(c) => Some(c.clone()),
                None => {
                    errors.push(err(col_name(Col::Subdistrict), FieldProblem::UnknownPlace));
                    None
                }
            }
        } else {
            None
        };
        let postcode = Some(self.text(cells, Col::Postcode, &mut errors)).filter(|s| !s.is_empty());
        let input = NewPerson {
            title,
            first_name: first,
            last_name: last,
            identity,
            birth_date,
            sex,
            phone: self.text(cells, Col::Phone, &mut errors),
            address_text: self.text(cells, Col::Address, &mut errors),
            subdistrict_code,
            postcode,
        };
        let mut fe = FieldErrors::default();
        let person = validate::new_person(&input, self.today, &mut fe);
        if let Err(raksa_domain::Invalid(list)) = fe.into_result() {
            for e in list {
                let column = match e.field.as_str() {
                    "title" => col_name(Col::Title),
                    "first_name" => col_name(Col::FirstName),
                    "last_name" => col_name(Col::LastName),
                    "identity" => col_name(Col::CitizenId),
                    "birth_date" => col_name(Col::BirthDate),
                    "phone" => col_name(Col::Phone),
                    "address_text" => col_name(Col::Address),
                    "subdistrict_code" => col_name(Col::SubdistrictCode),
                    "postcode" => col_name(Col::Postcode),
                    other => other,
                };
                errors.push(err(column, e.problem));
            }
        }

        let hh_key = self.text(cells, Col::Household, &mut errors);
        let household = if hh_key.is_empty() {
            None
        } else {
            let rel_text = self.text(cells, Col::Relationship, &mut errors);
            let rel = if rel_text.is_empty() {
                Some(Relationship::Other)
            } else {
                parse_relationship(&rel_text)
            };
            let house_code = self.text(cells, Col::HouseCode, &mut errors);
            let house_code_ok = house_code.is_empty()
                || (house_code.len() == 11 && house_code.bytes().all(|b| b.is_ascii_digit()));
            if !house_code_ok {
                errors.push(err(col_name(Col::HouseCode), FieldProblem::HouseCodeFormat));
            }
            match rel {
                Some(r) => Some((hh_key, house_code, r)),
                None => {
                    errors.push(err(col_name(Col::Relationship), FieldProblem::NotAChoice));
                    None
                }
            }
        };

        let intake = self.cell(cells, Col::IntakeDate).cloned();
        let summary = self.text(cells, Col::Summary, &mut errors);
        let case = if intake.is_none() && summary.is_empty() {
            None
        } else {
            let mut ok = true;
            let intake_date = match intake.as_ref().map(parse_date) {
                Some(Ok(d)) => Some(d),
                Some(Err(p)) => {
                    errors.push(err(col_name(Col::IntakeDate), p));
                    None
                }
                None => {
                    errors.push(err(col_name(Col::IntakeDate), FieldProblem::Required));
                    None
                }
            };
            let channel_text = self.text(cells, Col::Channel, &mut errors);
            let channel = if channel_text.is_empty() {
                IntakeChannel::WalkIn
            } else {
                parse_channel(&channel_text).unwrap_or_else(|| {
                    ok = false;
                    errors.push(err(col_name(Col::Channel), FieldProblem::NotAChoice));
                    IntakeChannel::WalkIn
                })
            };
            let urgency_text = self.text(cells, Col::Urgency, &mut errors);
            let urgency = if urgency_text.is_empty() {
                Urgency::Normal
            } else {
                parse_urgency(&urgency_text).unwrap_or_else(|| {
                    ok = false;
                    errors.push(err(col_name(Col::Urgency), FieldProblem::NotAChoice));
                    Urgency::Normal
                })
            };
            intake_date.filter(|_| ok).and_then(|d| {
                let c = NewCase {
                    person_id: Uuid::nil(),
                    channel,
                    intake_date: d,
                    summary,
                    urgency,
                    target_groups: vec![],
                    problem_domains: vec![],
                    reporter: None,
                    account: String::new(),
                };
                let mut fe = FieldErrors::default();
                let v = validate::new_case(&c, self.today, &mut fe);
                if let Err(raksa_domain::Invalid(list)) = fe.into_result() {
                    for e in list {
                        let column = match e.field.as_str() {
                            "summary" => col_name(Col::Summary),
                            "intake_date" => col_name(Col::IntakeDate),
                            other => other,
                        };
                        errors.push(err(column, e.problem));
                    }
                }
                v
            })
        };
        Parsed {
            line,
            person,
            display_name,
            household,
            case,
            errors,
        }
    }
}

/// Reads the file and checks each row on its own and against the others.
fn read(
    bytes: &[u8],
    today: NaiveDate,
) -> std::result::Result<(SourceFormat, Vec<ImportColumn>, Vec<Parsed>), FileProblem> {
    let t = table::read_table(bytes)?;
    let mut cols = HashMap::new();
    let mut columns = Vec::new();
    for (i, h) in t.header.iter().enumerate() {
        let key = header_key(h);
        let found = COLUMNS
            .iter()
            .find(|(_, names)| names.iter().any(|n| header_key(n) == key));
        match found {
            Some((c, names)) if !cols.contains_key(c) => {
                cols.insert(*c, i);
                columns.push(ImportColumn {
                    header: h.clone(),
                    field_th: Some(names[0].to_owned()),
                });
            }
            _ => columns.push(ImportColumn {
                header: h.clone(),
                field_th: None,
            }),
        }
    }
    let has_names = cols.contains_key(&Col::FullName)
        || (cols.contains_key(&Col::FirstName) && cols.contains_key(&Col::LastName));
    if !has_names {
        let mut missing = Vec::new();
        for c in [Col::FirstName, Col::LastName] {
            if !cols.contains_key(&c) {
                missing.push(col_name(c).to_owned());
            }
        }
        return Err(FileProblem::MissingColumns { columns: missing });
    }
    let reader = Reader {
        cols,
        places: place_index(),
        today,
    };
    let mut rows: Vec<Parsed> = t
        .rows
        .iter()
        .map(|(line, cells)| reader.row(*line, cells))
        .collect();

    // Within the file: the same ID, or the same name and birth date, twice.
    let mut seen_id: HashMap<String, u32> = HashMap::new();
    let mut seen_name: HashMap<(String, String, NaiveDate), u32> = HashMap::new();
    let mut heads: HashMap<String, u32> = HashMap::new();
    for r in &mut rows {
        let Some(p) = &r.person else { continue };
        let first_seen = match &p.identity {
            Identity::CitizenId { number } => {
                Some(*seen_id.entry(number.clone()).or_insert(r.line))
            }
            Identity::GCode { code } => Some(*seen_id.entry(code.clone()).or_insert(r.line)),
            Identity::NoId { .. } => p.birth_date.map(|b| {
                *seen_name
                    .entry((
                        crate::name_match::normalise(&p.first_name),
                        crate::name_match::normalise(&p.last_name),
                        b,
                    ))
                    .or_insert(r.line)
            }),
        };
        if let Some(first) = first_seen
            && first != r.line
        {
            r.errors.push(err_text(
                col_name(Col::CitizenId),
                format!("ซ้ำกับแถวที่ {first} ในไฟล์เดียวกัน (บุคคลเดียวกันอยู่ 2 แถว)"),
                format!("Same person as row {first} of this file"),
            ));
        }
        if let Some((key, _, Relationship::Head)) = &r.household {
            let first = *heads.entry(key.clone()).or_insert(r.line);
            if first != r.line {
                r.errors.push(err_text(
                    col_name(Col::Relationship),
                    format!("ครัวเรือน \"{key}\" มีหัวหน้าครัวเรือนแล้วที่แถว {first}"),
                    format!("Household \"{key}\" already has a head (row {first})"),
                ));
            }
        }
    }
    Ok((t.format, columns, rows))
}

impl Session {
    /// Reads and checks a register file; writes nothing (one audit entry).
    pub fn import_preview(&self, bytes: &[u8]) -> Result<ImportPreview> {
        self.require(IMPORTERS)?;
        let (format, columns, parsed) =
            read(bytes, self.today()).map_err(|p| CoreError::Import(ImportRefusal::File(p)))?;
        let mut rows = Vec::with_capacity(parsed.len());
        let mut households = std::collections::HashSet::new();
        for r in parsed {
            let duplicates = match &r.person {
                Some(p) => self.duplicate_candidates(&PersonProbe::of(p))?,
                None => vec![],
            };
            if let Some((k, _, _)) = &r.household {
                households.insert(k.clone());
            }
            rows.push(ImportRow {
                line: r.line,
                display_name: r.display_name,
                masked_id: r
                    .person
                    .as_ref()
                    .map(|p| validate::masked_id(&p.identity))
                    .unwrap_or_default(),
                birth_date: r.person.as_ref().and_then(|p| p.birth_date),
                place_label: r
                    .person
                    .as_ref()
                    .and_then(|p| p.subdistrict_code.as_deref())
                    .and_then(|c| crate::places::places().label(c))
                    .map(|m| m.label_th),
                household: r.household.map(|h| h.0),
                opens_case: r.case.is_some(),
                errors: r.errors,
                duplicates,
            });
        }
        self.audit(
            crate::audit::Access::Search,
            "import",
            None,
            &format!(
                "import preview: {} row(s), sha256 {}",
                rows.len(),
                raksa_protocol::sha256_hex(bytes)
            ),
        )?;
        Ok(ImportPreview {
            format,
            rows_with_errors: rows.iter().filter(|r| !r.errors.is_empty()).count() as u32,
            rows_with_duplicates: rows.iter().filter(|r| !r.duplicates.is_empty()).count() as u32,
            households: households.len() as u32,
            cases: rows.iter().filter(|r| r.opens_case).count() as u32,
            columns,
            rows,
        })
    }

    /// Imports the file, all or nothing: refused unless every row is valid and every
    /// possible duplicate has a decision.
    pub fn import_commit(
        &mut self,
        bytes: &[u8],
        decisions: &[ImportDecision],
    ) -> Result<ImportResult> {
        self.require(IMPORTERS)?;
        let refuse = |r| Err(CoreError::Import(r));
        let (_, _, parsed) = match read(bytes, self.today()) {
            Ok(x) => x,
            Err(p) => return refuse(ImportRefusal::File(p)),
        };
        let invalid = parsed
            .iter()
            .filter(|r| !r.errors.is_empty() || r.person.is_none())
            .count();
        if invalid > 0 {
            return refuse(ImportRefusal::RowsInvalid {
                rows: invalid as u32,
            });
        }
        let decided: HashMap<u32, Option<Uuid>> =
            decisions.iter().map(|d| (d.line, d.use_existing)).collect();
        let mut plan = Vec::with_capacity(parsed.len());
        let mut undecided = 0;
        for r in &parsed {
            let p = r.person.as_ref().expect("checked");
            let dups = self.duplicate_candidates(&PersonProbe::of(p))?;
            let choice = if dups.is_empty() {
                match decided.get(&r.line) {
                    Some(Some(_)) => return refuse(ImportRefusal::BadDecision { line: r.line }),
                    _ => None,
                }
            } else {
                match decided.get(&r.line) {
                    None => {
                        undecided += 1;
                        None
                    }
                    Some(Some(id)) => Some(*id),
                    Some(None) => {
                        // "New" cannot reuse a citizen ID that is already registered.
                        if dups.iter().any(|d| d.score == 100) {
                            return refuse(ImportRefusal::BadDecision { line: r.line });
                        }
                        None
                    }
                }
            };
            plan.push((
                choice,
                dups.iter()
                    .map(|d| d.person_id.to_string())
                    .collect::<Vec<_>>(),
            ));
        }
        if undecided > 0 {
            return refuse(ImportRefusal::Undecided { rows: undecided });
        }

        let now = self.now();
        let today = self.today();
        let user = self.user().id;
        let letter_code = self.office().letter_code.clone();
        let user_s = user.to_string();
        let mut tx = self.begin()?;
        let mut result = ImportResult {
            people_created: 0,
            people_linked: 0,
            households_created: 0,
            cases_opened: 0,
        };
        let mut households: HashMap<String, Uuid> = HashMap::new();
        // Heads first, so a household exists before its other members join.
        let mut order: Vec<usize> = (0..parsed.len()).collect();
        order.sort_by_key(|&i| !matches!(parsed[i].household, Some((_, _, Relationship::Head))));
        for i in order {
            let r = &parsed[i];
            let p = r.person.as_ref().expect("checked");
            let (choice, shown) = &plan[i];
            let person_id = match choice {
                Some(id) => {
                    let exists: bool = tx.query_row(
                        "SELECT EXISTS (SELECT 1 FROM people WHERE id = ?1)",
                        [id.to_string()],
                        |row| row.get(0),
                    )?;
                    if !exists {
                        return refuse(ImportRefusal::BadDecision { line: r.line });
                    }
                    result.people_linked += 1;
                    tx.audit(
                        AuditAction::Update,
                        "person",
                        Some(&id.to_string()),
                        &format!(
                            "import row {}: used the existing record (shown: {})",
                            r.line,
                            shown.join(" ")
                        ),
                    )?;
                    *id
                }
                None => {
                    let id = Uuid::now_v7();
                    insert_person(&tx, id, p, &user_s, &now)?;
                    result.people_created += 1;
                    if !shown.is_empty() {
                        tx.audit(
                            AuditAction::Update,
                            "person",
                            Some(&id.to_string()),
                            &format!(
                                "import row {}: confirmed a new person (shown: {})",
                                r.line,
                                shown.join(" ")
                            ),
                        )?;
                    }
                    id
                }
            };
            if let Some((key, house_code, rel)) = &r.household {
                let in_one: bool = tx.query_row(
                    "SELECT EXISTS (SELECT 1 FROM household_members WHERE person_id = ?1 AND ended_on IS NULL)",
                    [person_id.to_string()],
                    |row| row.get(0),
                )?;
                if in_one {
                    return Err(CoreError::field(
                        "person_id",
                        FieldProblem::AlreadyInHousehold,
                    ));
                }
                let hh = match households.get(key) {
                    Some(h) => *h,
                    None => {
                        let h = Uuid::now_v7();
                        tx.execute(
                            "INSERT INTO households (id, house_code, created_at, created_by)
                             VALUES (?1, ?2, ?3, ?4)",
                            rusqlite::params![h.to_string(), house_code, now, user_s],
                        )?;
                        households.insert(key.clone(), h);
                        result.households_created += 1;
                        h
                    }
                };
                // A household without a head row gets its first member as head.
                let rel = if *rel != Relationship::Head && !households_has_head(&tx, hh)? {
                    Relationship::Head
                } else {
                    *rel
                };
                insert_member(&tx, hh, person_id, rel, today, &now, &user_s)?;
            }
            if let Some(c) = &r.case {
                let c = NewCase {
                    person_id,
                    ..c.clone()
                };
                insert_case(&tx, &letter_code, user, &now, &c)?;
                result.cases_opened += 1;
            }
        }
        tx.audit(
            AuditAction::Create,
            "import",
            None,
            &format!(
                "imported sha256 {}: {} new, {} linked, {} household(s), {} case(s)",
                raksa_protocol::sha256_hex(bytes),
                result.people_created,
                result.people_linked,
                result.households_created,
                result.cases_opened
            ),
        )?;
        tx.commit()?;
        tracing::info!(
            created = result.people_created,
            linked = result.people_linked,
            "register imported"
        );
        Ok(result)
    }
}

fn households_has_head(tx: &rusqlite::Transaction, hh: Uuid) -> Result<bool> {
    Ok(tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM household_members WHERE household_id = ?1
             AND ended_on IS NULL AND relationship = 'head')",
        [hh.to_string()],
        |r| r.get(0),
    )?)
}

/// The headless import's report: one line per row with a problem, then the outcome.
pub fn report_text(
    preview: &ImportPreview,
    outcome: &std::result::Result<ImportResult, String>,
) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "รายงานการนำเข้าข้อมูล (Raksa import report)\nจำนวนแถว: {}\nแถวที่มีข้อผิดพลาด: {}\nแถวที่อาจซ้ำกับบุคคลในระบบ: {}\n\n",
        preview.rows.len(),
        preview.rows_with_errors,
        preview.rows_with_duplicates
    ));
    for r in &preview.rows {
        for e in &r.errors {
            out.push_str(&format!("แถว {}\t{}\t{}\n", r.line, e.column, e.message_th));
        }
        for d in &r.duplicates {
            out.push_str(&format!(
                "แถว {}\tอาจซ้ำ\t{} ({}) คะแนน {}\n",
                r.line, d.display_name, d.masked_id, d.score
            ));
        }
    }
    out.push('\n');
    match outcome {
        Ok(r) => out.push_str(&format!(
            "ผล: นำเข้าสำเร็จ — บุคคลใหม่ {} คน, ใช้ทะเบียนเดิม {} คน, ครัวเรือน {} ครัวเรือน, เปิดกรณี {} กรณี\n",
            r.people_created, r.people_linked, r.households_created, r.cases_opened
        )),
        Err(why) => out.push_str(&format!("ผล: ไม่ได้นำเข้า — {why}\n")),
    }
    out
}
