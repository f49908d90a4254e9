//! Importing a register (issue 6): preview with per-row Thai errors, nothing written until
//! confirmed, all or nothing, duplicates routed to the duplicate check, hostile files.

use raksa_core::CoreError;
use raksa_core::import::{ImportDecision, ImportRefusal};
use raksa_core::table::{FileProblem, MAX_IMPORT_BYTES};

use crate::*;

const HEADER: &str = "คำนำหน้า,ชื่อ,นามสกุล,เลขประจำตัวประชาชน,วันเกิด,เพศ,ที่อยู่,ตำบล,อำเภอ,จังหวัด,ครัวเรือน,ความสัมพันธ์,วันที่รับเรื่อง,สรุปเรื่อง,หมายเหตุ";

fn counts(s: &Session) -> (u32, u32, u32) {
    let c = s.check().unwrap();
    (c.people, c.cases, c.audit_entries)
}

fn people_and_cases(s: &Session) -> (u32, u32) {
    let (p, c, _) = counts(s);
    (p, c)
}

#[test]
fn a_clean_register_imports_people_households_and_cases_at_once() {
    let (_o, mut s, _) = new_office();
    let csv = format!(
        "{HEADER}\n\
         นาง,บุญเรือน,ทองดี,3100600182731,5/3/2493,หญิง,12 หมู่ 3,บ้านกร่าง,เมืองพิษณุโลก,พิษณุโลก,บ้าน-1,หัวหน้าครัวเรือน,1/11/2569,ผู้สูงอายุอยู่ลำพัง ขาดรายได้,โทรแล้ว\n\
         เด็กชาย,ต้นกล้า,ทองดี,,12/6/2560,,12 หมู่ 3,ต.บ้านกร่าง,อ.เมืองพิษณุโลก,จ.พิษณุโลก,บ้าน-1,หลาน,,,\n\
         นาย,สมศักดิ์,มั่นคง,1101700203450,2510-01-15,ชาย,-,,,,,,,,\n"
    );
    let preview = s.import_preview(csv.as_bytes()).unwrap();
    assert_eq!(preview.rows.len(), 3);
    assert_eq!(preview.rows_with_errors, 0, "{:?}", preview.rows);
    assert_eq!(preview.rows_with_duplicates, 0);
    assert_eq!((preview.households, preview.cases), (1, 1));
    assert_eq!(preview.rows[0].line, 2);
    assert_eq!(
        preview.rows[1].place_label.as_deref(),
        Some("ต.บ้านกร่าง อ.เมืองพิษณุโลก จ.พิษณุโลก")
    );
    let unknown: Vec<_> = preview
        .columns
        .iter()
        .filter(|c| c.field_th.is_none())
        .map(|c| c.header.as_str())
        .collect();
    assert_eq!(
        unknown,
        ["หมายเหตุ"],
        "a column we do not know is shown as not imported"
    );
    // The preview wrote nothing.
    assert_eq!(people_and_cases(&s), (0, 0));

    let r = s.import_commit(csv.as_bytes(), &[]).unwrap();
    assert_eq!(
        (
            r.people_created,
            r.people_linked,
            r.households_created,
            r.cases_opened
        ),
        (3, 0, 1, 1)
    );
    assert_eq!(people_and_cases(&s), (3, 1));

    let found = s.search_people("ต้นกล้า", 5).unwrap();
    let boy = s.get_person(found[0].id).unwrap();
    assert_eq!(boy.person.sex, Sex::Male, "sex from the title เด็กชาย");
    assert_eq!(boy.person.subdistrict_code.as_deref(), Some("650113"));
    let hh = s
        .person_household(found[0].id)
        .unwrap()
        .expect("in the household");
    let members: Vec<_> = hh.current().map(|m| m.relationship).collect();
    assert!(members.contains(&Relationship::Head) && members.contains(&Relationship::Grandchild));
    let cases = s.search_cases("บุญเรือน", 5).unwrap();
    assert_eq!(cases.len(), 1);
    assert_eq!(
        cases[0].intake_date,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
    );
    assert!(cases[0].case_no.starts_with("พล-2569-"));
}

#[test]
fn bad_rows_get_thai_messages_and_nothing_is_written() {
    let (_o, mut s, _) = new_office();
    let csv = format!(
        "{HEADER}\n\
         นาง,บุญเรือน,ทองดี,3100600182732,5/3/2493,หญิง,,,,,,,,,\n\
         นาง,มาลี,ศรีสุข,,31/2/2510,หญิง,,บ้านไม่มีจริง,เมืองพิษณุโลก,พิษณุโลก,,,,,\n\
         นาย,=HYPERLINK(\"http://evil.example\",\"คลิก\"),ใจดี,,,,,,,,,,,,\n\
         นาย,สมปอง,ดีมาก,3100501234563,1/1/2500,ไม่รู้,,,,,,,,,\n\
         นาง,ใจงาม,ดีมาก,3100501234563,1/1/2501,หญิง,,,,,,,,,\n\
         นาย,มานพ,สุขใจ,,,,,,,,,,1/1/2570,เรื่องในอนาคต,\n"
    );
    let p = s.import_preview(csv.as_bytes()).unwrap();
    let msgs = |line: u32| -> Vec<String> {
        p.rows
            .iter()
            .find(|r| r.line == line)
            .unwrap()
            .errors
            .iter()
            .map(|e| format!("{}: {}", e.column, e.message_th))
            .collect()
    };
    assert!(
        msgs(2)[0].contains("เลขตรวจสอบหลักสุดท้ายไม่ตรง"),
        "{:?}",
        msgs(2)
    );
    assert!(
        msgs(3)
            .iter()
            .any(|m| m.starts_with("วันเกิด") && m.contains("วันที่ไม่ถูกต้อง")),
        "{:?}",
        msgs(3)
    );
    assert!(
        msgs(3)
            .iter()
            .any(|m| m.starts_with("ตำบล") && m.contains("ไม่พบตำบล")),
        "{:?}",
        msgs(3)
    );
    assert!(
        msgs(4)
            .iter()
            .any(|m| m.starts_with("ชื่อ") && m.contains("สูตรของ Excel")),
        "{:?}",
        msgs(4)
    );
    assert!(
        msgs(5).iter().any(|m| m.starts_with("เพศ")),
        "{:?}",
        msgs(5)
    );
    assert!(
        msgs(6).iter().any(|m| m.contains("ซ้ำกับแถวที่ 5")),
        "{:?}",
        msgs(6)
    );
    assert!(
        msgs(7).iter().any(|m| m.starts_with("วันที่รับเรื่อง")),
        "{:?}",
        msgs(7)
    );
    assert_eq!(p.rows_with_errors, 6);

    let before = counts(&s);
    let e = s.import_commit(csv.as_bytes(), &[]).unwrap_err();
    assert!(matches!(
        e,
        CoreError::Import(ImportRefusal::RowsInvalid { rows: 6 })
    ));
    assert!(e.message_th().contains("ยังไม่ได้บันทึกข้อมูลใด ๆ"));
    assert_eq!(people_and_cases(&s), (before.0, before.1));
}

#[test]
fn a_row_that_may_be_someone_registered_needs_a_decision() {
    let (_o, mut s, _) = new_office();
    let known = s
        .register_person(&person("บุญเรือน", "ทองดี", "3100600182731"))
        .unwrap();
    let csv = format!(
        "{HEADER}\n\
         นาง,บุญเรือน,ทองดี,3100600182731,5/3/2493,หญิง,,,,,,,1/11/2569,ขาดรายได้,\n\
         นาง,มาลี,วงศ์สุวรรณ,,5/3/2493,หญิง,,,,,,,,,\n"
    );
    let _ = s
        .register_person(&NewPerson {
            identity: raksa_core::identity::Identity::NoId {
                reason: raksa_core::identity::NoIdReason::Unknown,
            },
            ..person("มาลี", "วงสุวรรณ", "")
        })
        .unwrap();
    let p = s.import_preview(csv.as_bytes()).unwrap();
    assert_eq!(p.rows_with_duplicates, 2);
    assert_eq!(p.rows[0].duplicates[0].person_id, known.id);
    assert_eq!(p.rows[0].duplicates[0].score, 100);
    assert!(
        p.rows[1].duplicates[0].score >= 50,
        "spelled differently, sounds the same"
    );

    let e = s.import_commit(csv.as_bytes(), &[]).unwrap_err();
    assert!(matches!(
        e,
        CoreError::Import(ImportRefusal::Undecided { rows: 2 })
    ));
    // "New" is impossible where the ID is already registered.
    let e = s
        .import_commit(
            csv.as_bytes(),
            &[
                ImportDecision {
                    line: 2,
                    use_existing: None,
                },
                ImportDecision {
                    line: 3,
                    use_existing: None,
                },
            ],
        )
        .unwrap_err();
    assert!(matches!(
        e,
        CoreError::Import(ImportRefusal::BadDecision { line: 2 })
    ));

    let r = s
        .import_commit(
            csv.as_bytes(),
            &[
                ImportDecision {
                    line: 2,
                    use_existing: Some(known.id),
                },
                ImportDecision {
                    line: 3,
                    use_existing: None,
                },
            ],
        )
        .unwrap();
    assert_eq!(
        (r.people_created, r.people_linked, r.cases_opened),
        (1, 1, 1)
    );
    let cases = s.search_cases("บุญเรือน", 5).unwrap();
    assert_eq!(
        cases[0].person_id, known.id,
        "the imported case is opened on the existing record"
    );
    let audit = s.audit_entries(50).unwrap();
    assert!(
        audit
            .iter()
            .any(|a| a.detail.contains("import row 2: used the existing record"))
    );
    assert!(
        audit
            .iter()
            .any(|a| a.detail.contains("import row 3: confirmed a new person"))
    );
}

#[test]
fn hostile_and_malformed_files_are_refused_with_clear_messages() {
    let (_o, s, _) = new_office();
    let refusal = |bytes: &[u8]| match s.import_preview(bytes).unwrap_err() {
        CoreError::Import(ImportRefusal::File(p)) => p,
        other => panic!("{other:?}"),
    };
    // A file of random bytes.
    let noise: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    assert_eq!(refusal(&noise), FileProblem::NotText);
    // Over the size limit (checked before anything is parsed).
    let big = vec![b'x'; MAX_IMPORT_BYTES as usize + 10];
    let p = refusal(&big);
    assert!(matches!(p, FileProblem::TooLarge { limit_mb: 40 }));
    assert!(p.message_th().contains("ไฟล์ใหญ่เกินกำหนด"));
    // No name columns.
    let p = refusal("เลขประจำตัวประชาชน,วันเกิด\n3100600182731,5/3/2493\n".as_bytes());
    assert_eq!(
        p,
        FileProblem::MissingColumns {
            columns: vec!["ชื่อ".into(), "นามสกุล".into()]
        }
    );
    assert!(p.message_th().contains("ไม่มีคอลัมน์ที่จำเป็น: ชื่อ, นามสกุล"));
    // Header only.
    assert_eq!(refusal("ชื่อ,นามสกุล\n".as_bytes()), FileProblem::Empty);

    // TIS-620 from Thai Excel is read (and said so), not garbled.
    let (tis, _, _) = encoding_rs::WINDOWS_874.encode("คำนำหน้า,ชื่อ,นามสกุล\nนาง,มาลี,ศรีสุข\n");
    let p = s.import_preview(&tis).unwrap();
    assert_eq!(p.format, raksa_core::table::SourceFormat::Tis620);
    assert_eq!(p.rows[0].display_name, "นางมาลี ศรีสุข");

    // Huge hostile text in a cell is a row error, not a crash.
    let long = "ก".repeat(100_000);
    let p = s
        .import_preview(format!("คำนำหน้า,ชื่อ,นามสกุล\nนาง,{long},ศรีสุข\n").as_bytes())
        .unwrap();
    assert!(
        p.rows[0]
            .errors
            .iter()
            .any(|e| e.message_th.contains("ยาวเกินกำหนด"))
    );
}

#[test]
fn a_workbook_imports_with_dates_and_formulas_refused() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
    let (_o, mut s, _) = new_office();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["คำนำหน้า", "ชื่อ", "นามสกุล", "เลขประจำตัวประชาชน", "วันเกิด"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let date = Format::new().set_num_format("d/m/yyyy");
    ws.write_string(1, 0, "นาง").unwrap();
    ws.write_string(1, 1, "บุญเรือน").unwrap();
    ws.write_string(1, 2, "ทองดี").unwrap();
    ws.write_number(1, 3, 3100600182731.0).unwrap(); // Excel keeps long numbers as numbers
    ws.write_datetime_with_format(1, 4, ExcelDateTime::from_ymd(1950, 3, 5).unwrap(), &date)
        .unwrap();
    ws.write_string(2, 0, "นาย").unwrap();
    ws.write_formula(
        2,
        1,
        Formula::new("=HYPERLINK(\"http://evil.example\",\"สมชาย\")").set_result("สมชาย"),
    )
    .unwrap();
    ws.write_string(2, 2, "ใจดี").unwrap();
    let bytes = wb.save_to_buffer().unwrap();

    let p = s.import_preview(&bytes).unwrap();
    assert_eq!(p.format, raksa_core::table::SourceFormat::Workbook);
    assert!(p.rows[0].errors.is_empty(), "{:?}", p.rows[0].errors);
    assert_eq!(
        p.rows[0].birth_date,
        chrono::NaiveDate::from_ymd_opt(1950, 3, 5)
    );
    assert_eq!(p.rows[0].masked_id, "x-xxxx-xxxxx-73-1");
    assert!(
        p.rows[1]
            .errors
            .iter()
            .any(|e| e.column == "ชื่อ" && e.message_th.contains("สูตรของ Excel"))
    );
    assert!(s.import_commit(&bytes, &[]).is_err());
}
