//! Spreadsheets in and out. Reading: a CSV (UTF-8 with or without BOM, UTF-16, or the
//! TIS-620/Windows-874 that Thai Excel writes) or a workbook (.xlsx/.xls/.ods) becomes a
//! header and rows of text. Writing: an .xlsx workbook or a CSV that Excel opens with Thai
//! intact (UTF-8 with BOM), with every cell that Excel would read as a formula escaped.

use std::io::Cursor;

use chrono::NaiveDate;
use serde::Serialize;
use ts_rs::TS;

/// The largest file an import reads (a register of 100,000 people is about 30 MB as CSV).
pub const MAX_IMPORT_BYTES: u64 = 40 * 1024 * 1024;
/// The most data rows an import takes in one go.
pub const MAX_IMPORT_ROWS: usize = 100_000;

/// Why a whole file was refused (row problems are reported per row instead).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum FileProblem {
    TooLarge {
        limit_mb: u32,
    },
    Empty,
    /// Neither UTF-8, UTF-16 nor TIS-620 text, and not a workbook.
    NotText,
    UnreadableWorkbook,
    TooManyRows {
        limit: u32,
    },
    /// Required columns the header does not have (their Thai names).
    MissingColumns {
        columns: Vec<String>,
    },
}

impl FileProblem {
    pub fn message_th(&self) -> String {
        match self {
            FileProblem::TooLarge { limit_mb } => format!(
                "ไฟล์ใหญ่เกินกำหนด (ไม่เกิน {limit_mb} MB ต่อครั้ง) กรุณาแบ่งไฟล์เป็นหลายส่วนแล้วนำเข้าทีละส่วน"
            ),
            FileProblem::Empty => "ไฟล์ไม่มีข้อมูล (ต้องมีแถวหัวตารางและข้อมูลอย่างน้อย 1 แถว)".into(),
            FileProblem::NotText => "อ่านไฟล์ไม่ได้: ไม่ใช่ไฟล์ CSV (UTF-8 หรือ TIS-620) หรือไฟล์ Excel กรุณาบันทึกจาก Excel เป็น \"CSV UTF-8\" หรือ .xlsx แล้วลองใหม่".into(),
            FileProblem::UnreadableWorkbook => "เปิดไฟล์ Excel ไม่ได้ ไฟล์อาจเสียหายหรือมีรหัสผ่าน กรุณาบันทึกเป็น .xlsx ใหม่แล้วลองอีกครั้ง".into(),
            FileProblem::TooManyRows { limit } => format!(
                "ไฟล์มีข้อมูลเกิน {limit} แถว กรุณาแบ่งไฟล์แล้วนำเข้าทีละส่วน"
            ),
            FileProblem::MissingColumns { columns } => format!(
                "ไฟล์ไม่มีคอลัมน์ที่จำเป็น: {} (แถวแรกต้องเป็นหัวตาราง)",
                columns.join(", ")
            ),
        }
    }
    pub fn message_en(&self) -> String {
        match self {
            FileProblem::TooLarge { limit_mb } => {
                format!("File too large ({limit_mb} MB at most); split it")
            }
            FileProblem::Empty => "The file holds no data rows".into(),
            FileProblem::NotText => "Not a CSV (UTF-8 or TIS-620) or Excel file".into(),
            FileProblem::UnreadableWorkbook => {
                "The Excel file cannot be opened (damaged or password-protected)".into()
            }
            FileProblem::TooManyRows { limit } => format!("More than {limit} rows; split the file"),
            FileProblem::MissingColumns { columns } => {
                format!("Required columns missing: {}", columns.join(", "))
            }
        }
    }
}

/// What the file was, for the preview ("converted from TIS-620").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SourceFormat {
    Utf8,
    Utf16,
    Tis620,
    Workbook,
}

/// One cell as read. Workbook cells keep their type: a date stays a date, a formula is
/// flagged (never evaluated, never imported).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Date(NaiveDate),
    Formula,
}

impl Cell {
    pub fn text(&self) -> &str {
        match self {
            Cell::Text(s) => s,
            _ => "",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Table {
    pub format: SourceFormat,
    pub header: Vec<String>,
    /// (line number as the user sees it — header is line 1, cells)
    pub rows: Vec<(u32, Vec<Cell>)>,
}

/// A file sent by the UI as base64, refused by its size before it is decoded.
pub fn decode_upload(data_base64: &str) -> Result<Vec<u8>, FileProblem> {
    use base64::Engine;
    let too_large = FileProblem::TooLarge {
        limit_mb: (MAX_IMPORT_BYTES / (1024 * 1024)) as u32,
    };
    if data_base64.len() as u64 > MAX_IMPORT_BYTES / 3 * 4 + 8 {
        return Err(too_large);
    }
    base64::engine::general_purpose::STANDARD
        .decode(data_base64.trim())
        .map_err(|_| FileProblem::NotText)
}

/// Reads a CSV or workbook. Never panics on hostile bytes.
pub fn read_table(bytes: &[u8]) -> Result<Table, FileProblem> {
    if bytes.len() as u64 > MAX_IMPORT_BYTES {
        return Err(FileProblem::TooLarge {
            limit_mb: (MAX_IMPORT_BYTES / (1024 * 1024)) as u32,
        });
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(FileProblem::Empty);
    }
    let zip = bytes.starts_with(b"PK\x03\x04");
    let ole = bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
    let table = if zip || ole {
        read_workbook(bytes)?
    } else {
        let (text, format) = decode_text(bytes)?;
        read_csv(&text, format)?
    };
    if table.rows.is_empty() {
        return Err(FileProblem::Empty);
    }
    if table.rows.len() > MAX_IMPORT_ROWS {
        return Err(FileProblem::TooManyRows {
            limit: MAX_IMPORT_ROWS as u32,
        });
    }
    Ok(table)
}

/// Text from bytes: UTF-8 (BOM or not), UTF-16 with BOM, or TIS-620/Windows-874.
fn decode_text(bytes: &[u8]) -> Result<(String, SourceFormat), FileProblem> {
    let (text, format) = if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        (
            std::str::from_utf8(rest)
                .map_err(|_| FileProblem::NotText)?
                .to_owned(),
            SourceFormat::Utf8,
        )
    } else if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let enc = if bytes[0] == 0xFF {
            encoding_rs::UTF_16LE
        } else {
            encoding_rs::UTF_16BE
        };
        let (s, had_errors) = enc.decode_with_bom_removal(bytes);
        if had_errors {
            return Err(FileProblem::NotText);
        }
        (s.into_owned(), SourceFormat::Utf16)
    } else if let Ok(s) = std::str::from_utf8(bytes) {
        (s.to_owned(), SourceFormat::Utf8)
    } else {
        // Thai Excel's "CSV" is Windows-874 (a superset of TIS-620). Accept it only if it
        // decodes cleanly and actually has Thai in it; otherwise it is not text we know.
        let (s, _, had_errors) = encoding_rs::WINDOWS_874.decode(bytes);
        let thai = s.chars().any(|c| ('\u{0E01}'..='\u{0E5B}').contains(&c));
        if had_errors || !thai {
            return Err(FileProblem::NotText);
        }
        (s.into_owned(), SourceFormat::Tis620)
    };
    if text.contains('\0') {
        return Err(FileProblem::NotText);
    }
    Ok((text, format))
}

fn read_csv(text: &str, format: SourceFormat) -> Result<Table, FileProblem> {
    let first = text.lines().next().unwrap_or("");
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| first.bytes().filter(|b| b == d).count())
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut header = None;
    let mut rows = Vec::new();
    // Line numbers as an editor shows them, counted from byte offsets (the reader's own
    // line count is off by one with CRLF line ends).
    let (mut seen_byte, mut seen_line) = (0usize, 1u32);
    for record in reader.records() {
        let record = record.map_err(|_| FileProblem::NotText)?;
        let mut byte = record
            .position()
            .map(|p| p.byte() as usize)
            .unwrap_or(seen_byte);
        // The position may sit on the previous record's terminator.
        while matches!(text.as_bytes().get(byte), Some(b'\r' | b'\n')) {
            byte += 1;
        }
        if byte > seen_byte {
            seen_line += text.as_bytes()[seen_byte..byte]
                .iter()
                .filter(|b| **b == b'\n')
                .count() as u32;
            seen_byte = byte;
        }
        let line = seen_line;
        let cells: Vec<String> = record.iter().map(|c| c.trim().to_owned()).collect();
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        if header.is_none() {
            header = Some(cells);
            continue;
        }
        if rows.len() > MAX_IMPORT_ROWS {
            break;
        }
        rows.push((line, cells.into_iter().map(Cell::Text).collect()));
    }
    Ok(Table {
        format,
        header: header.ok_or(FileProblem::Empty)?,
        rows,
    })
}

fn read_workbook(bytes: &[u8]) -> Result<Table, FileProblem> {
    use calamine::{Data, Reader};
    let mut wb = calamine::open_workbook_auto_from_rs(Cursor::new(bytes.to_vec()))
        .map_err(|_| FileProblem::UnreadableWorkbook)?;
    let sheet = wb
        .sheet_names()
        .first()
        .cloned()
        .ok_or(FileProblem::Empty)?;
    let range = wb
        .worksheet_range(&sheet)
        .map_err(|_| FileProblem::UnreadableWorkbook)?;
    let formulas = wb.worksheet_formula(&sheet).ok();
    let has_formula = |r: u32, c: u32| {
        formulas
            .as_ref()
            .and_then(|f| f.get_value((r, c)))
            .is_some_and(|s| !s.trim().is_empty())
    };
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let mut header = None;
    let mut rows = Vec::new();
    for (i, row) in range.rows().enumerate() {
        let r = r0 + i as u32;
        let cells: Vec<Cell> = row
            .iter()
            .enumerate()
            .map(|(j, d)| {
                if has_formula(r, c0 + j as u32) {
                    return Cell::Formula;
                }
                match d {
                    Data::Empty => Cell::Text(String::new()),
                    Data::String(s) => Cell::Text(s.trim().to_owned()),
                    Data::Int(i) => Cell::Text(i.to_string()),
                    Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
                        Cell::Text(format!("{f:.0}"))
                    }
                    Data::Float(f) => Cell::Text(f.to_string()),
                    Data::Bool(b) => Cell::Text(b.to_string()),
                    Data::DateTime(d) => excel_date(d.as_f64())
                        .map(Cell::Date)
                        .unwrap_or_else(|| Cell::Text(String::new())),
                    Data::DateTimeIso(s) => {
                        NaiveDate::parse_from_str(s.get(..10).unwrap_or(""), "%Y-%m-%d")
                            .map(Cell::Date)
                            .unwrap_or_else(|_| Cell::Text(s.clone()))
                    }
                    Data::DurationIso(s) => Cell::Text(s.clone()),
                    Data::Error(_) => Cell::Formula,
                }
            })
            .collect();
        if cells.iter().all(|c| c == &Cell::Text(String::new())) {
            continue;
        }
        if header.is_none() {
            header = Some(cells.iter().map(|c| c.text().to_owned()).collect());
            continue;
        }
        if rows.len() > MAX_IMPORT_ROWS {
            break;
        }
        rows.push((r + 1, cells));
    }
    Ok(Table {
        format: SourceFormat::Workbook,
        header: header.ok_or(FileProblem::Empty)?,
        rows,
    })
}

/// An Excel serial day (1900 system) as a date.
fn excel_date(serial: f64) -> Option<NaiveDate> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(chrono::Days::new(serial as u64))
}

// ---- writing ----------------------------------------------------------------------------

// One writer for the PC's reports and the server's exports (raksa-sheet).
pub use raksa_sheet::{Sheet, Value, looks_like_formula, to_csv, to_xlsx};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_in_every_encoding_thai_excel_writes() {
        let utf8 = "ชื่อ,นามสกุล\nสมชาย,ใจดี\n";
        let t = read_table(utf8.as_bytes()).unwrap();
        let crlf = read_table("\r\nชื่อ,นามสกุล\r\nสมชาย,ใจดี\r\n\r\nมาลี,ศรีสุข\r\n".as_bytes()).unwrap();
        assert_eq!(
            crlf.rows.iter().map(|r| r.0).collect::<Vec<_>>(),
            [3, 5],
            "editor line numbers"
        );
        assert_eq!(t.header, ["ชื่อ", "นามสกุล"]);
        assert_eq!(t.rows[0].1[0], Cell::Text("สมชาย".into()));
        assert_eq!(t.rows[0].0, 2);

        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(utf8.as_bytes());
        assert_eq!(read_table(&bom).unwrap().header[0], "ชื่อ");

        let (tis, _, _) = encoding_rs::WINDOWS_874.encode(utf8);
        let t = read_table(&tis).unwrap();
        assert_eq!(t.format, SourceFormat::Tis620);
        assert_eq!(t.rows[0].1[1], Cell::Text("ใจดี".into()));

        let mut u16 = vec![0xFF, 0xFE];
        for unit in "ชื่อ\tนามสกุล\r\nสมชาย\tใจดี\r\n".encode_utf16()
        {
            u16.extend_from_slice(&unit.to_le_bytes());
        }
        let t = read_table(&u16).unwrap();
        assert_eq!(t.format, SourceFormat::Utf16);
        assert_eq!(t.rows[0].1[1], Cell::Text("ใจดี".into()));
    }

    #[test]
    fn binary_and_oversized_files_are_refused() {
        assert_eq!(
            read_table(&[0x89, b'P', b'N', b'G', 0, 0, 0xFF, 0x80]).unwrap_err(),
            FileProblem::NotText
        );
        assert_eq!(read_table(b"  \n").unwrap_err(), FileProblem::Empty);
        assert_eq!(
            read_table(b"PK\x03\x04garbage").unwrap_err(),
            FileProblem::UnreadableWorkbook
        );
        let big = vec![b'a'; MAX_IMPORT_BYTES as usize + 1];
        assert!(matches!(
            read_table(&big),
            Err(FileProblem::TooLarge { .. })
        ));
    }

    #[test]
    fn exported_formulas_are_escaped() {
        let sheet = Sheet {
            name: "s".into(),
            title: "t".into(),
            header: vec!["a".into(), "b".into()],
            rows: vec![
                vec!["=HYPERLINK(\"http://x\",\"y\")".into(), "+66".into()],
                vec!["@SUM(A1)".into(), Value::Number(3.0)],
            ],
        };
        let csv = String::from_utf8(to_csv(&sheet)).unwrap();
        assert!(csv.starts_with('\u{FEFF}'));
        assert!(csv.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",'+66\r\n"));
        assert!(csv.contains("'@SUM(A1),3\r\n"));

        // Read the workbook back: the cells are strings, not formulas.
        let bytes = to_xlsx(&[sheet]).unwrap();
        let t = read_table(&bytes).unwrap();
        assert_eq!(
            t.rows[1].1[0],
            Cell::Text("=HYPERLINK(\"http://x\",\"y\")".into())
        );
        assert_eq!(t.rows[2].1[1], Cell::Text("3".into()));
    }
}
