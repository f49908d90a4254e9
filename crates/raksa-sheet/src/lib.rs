//! Raksa's exports, written once for the office PC's reports and the central server's
//! HuSEC lists: a [`Sheet`] as CSV that Excel opens with Thai intact (UTF-8 with a BOM,
//! CRLF) or as an .xlsx workbook. Text that Excel, LibreOffice or Google Sheets would take
//! for a formula is escaped (CSV: a leading apostrophe, OWASP's advice; xlsx: written as a
//! string with the quote prefix). Nothing here reads a spreadsheet.

/// Whether Excel (or LibreOffice, or Google Sheets) would take the text for a formula.
pub fn looks_like_formula(s: &str) -> bool {
    matches!(
        s.chars().next(),
        Some(
            '=' | '+' | '-' | '@' | '\t' | '\r' | '\u{FF1D}' | '\u{FF0B}' | '\u{FF0D}' | '\u{FF20}'
        )
    )
}

/// A cell value of an exported sheet.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Number(f64),
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_owned())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(s)
    }
}
impl From<u32> for Value {
    fn from(n: u32) -> Self {
        Value::Number(n.into())
    }
}
impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Number(n as f64)
    }
}

/// A sheet to export: a title, a header, rows.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub name: String,
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

/// CSV that Excel opens with Thai intact: UTF-8 with a BOM, CRLF line ends, and a leading
/// apostrophe on any text Excel would run as a formula (OWASP's advice).
pub fn to_csv(sheet: &Sheet) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(vec![0xEF, 0xBB, 0xBF]);
    let esc = |s: &str| {
        if looks_like_formula(s) {
            format!("'{s}")
        } else {
            s.to_owned()
        }
    };
    let _ = w.write_record(sheet.header.iter().map(|h| esc(h)));
    for row in &sheet.rows {
        let _ = w.write_record(row.iter().map(|v| match v {
            Value::Text(s) => esc(s),
            Value::Number(n) => format_number(*n),
        }));
    }
    w.into_inner().unwrap_or_default()
}

fn format_number(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{n:.0}")
    } else {
        n.to_string()
    }
}

/// An .xlsx workbook, one worksheet per sheet. Text is always written as text (never a
/// formula); text that looks like one also gets Excel's quote prefix, so retyping or
/// re-saving it as CSV does not turn it into a formula either.
pub fn to_xlsx(sheets: &[Sheet]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let font = "Tahoma";
    let title = Format::new()
        .set_bold()
        .set_font_size(14)
        .set_font_name(font);
    let head = Format::new()
        .set_bold()
        .set_font_name(font)
        .set_background_color("#DDEBF7")
        .set_border(rust_xlsxwriter::FormatBorder::Thin);
    let plain = Format::new().set_font_name(font);
    let quoted = Format::new().set_font_name(font).set_quote_prefix();
    for s in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&s.name)?;
        ws.write_string_with_format(0, 0, &s.title, &title)?;
        for (c, h) in s.header.iter().enumerate() {
            ws.write_string_with_format(2, c as u16, h, &head)?;
            ws.set_column_width(c as u16, (h.chars().count() as f64 * 1.4).clamp(10.0, 45.0))?;
        }
        for (r, row) in s.rows.iter().enumerate() {
            let r = 3 + r as u32;
            for (c, v) in row.iter().enumerate() {
                let c = c as u16;
                match v {
                    Value::Text(t) if looks_like_formula(t) => {
                        ws.write_string_with_format(r, c, t, &quoted)?
                    }
                    Value::Text(t) => ws.write_string_with_format(r, c, t, &plain)?,
                    Value::Number(n) => ws.write_number_with_format(r, c, *n, &plain)?,
                };
            }
        }
        if !s.header.is_empty() {
            ws.set_freeze_panes(3, 0)?;
        }
    }
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_opens_in_excel_with_thai_and_runs_no_formula() {
        let sheet = Sheet {
            name: "s".into(),
            title: "t".into(),
            header: vec!["เลขที่".into(), "เกิน (วัน)".into()],
            rows: vec![
                vec!["=cmd|' /C calc'!A0".into(), Value::Number(29.0)],
                vec!["พล-2569-000001".into(), Value::Number(1.5)],
            ],
        };
        let csv = String::from_utf8(to_csv(&sheet)).unwrap();
        assert!(csv.starts_with('\u{FEFF}'));
        assert!(csv.contains("'=cmd|' /C calc'!A0,29\r\n"), "{csv}");
        assert!(csv.contains("พล-2569-000001,1.5\r\n"));
        assert!(to_xlsx(&[sheet]).unwrap().starts_with(b"PK"));
    }
}
