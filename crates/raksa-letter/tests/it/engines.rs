//! Issue 13 §2: a letter's text reads back exactly in six PDF engines nobody here wrote —
//! poppler (pdftotext), PDFium (Chrome/Edge), MuPDF (SumatraPDF), PDF.js (Firefox and most
//! web viewers), pypdf and pdfminer.six — with stacked marks, ำ, ฤ/ฦ, Thai digits, Latin
//! and whole sentences. `tests/pdf-engines/extract.py` runs the engines
//! (`scripts/setup-deps.sh` installs them).

use std::collections::BTreeMap;

use raksa_letter::*;

use crate::letter::sample;

/// Short strings, each on one line of the letter: they must come back with their spaces.
const STRINGS: &[&str] = &[
    "ผู้ใหญ่บ้านปั้นหม้อ กิ๊กก๋อย ป๊ะป๋า",
    "น้ำท่วมสำนักงาน ค่ำนี้ดำเนินการ ซ้ำ",
    "ญุ ฐุ ฎุ ฏุ ญาติ ฐานะ กฎหมาย ปฏิบัติ",
    "ฤดูกาล พฤศจิกายน ทฤษฎี ฦๅษี ฤๅษี",
    "๐๑๒๓๔๕๖๗๘๙ ที่ พล ๐๐๒๗/๑๒๓",
    "ผู้ดูแล (Caregiver) โทร 1300 ศูนย์ช่วยเหลือสังคม",
    "เด็กหญิงฐิติรัตน์ ศรีสุข์ อายุ ๑๒ ปี",
    "พระภิกษุ สามเณร แม่ชี ฯลฯ",
];

/// Whole sentences, wrapped over several lines: compared without line breaks.
const SENTENCES: &[&str] = &[
    "ด้วยสำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดพิษณุโลก ได้รับแจ้งว่ามีผู้สูงอายุติดเตียงอยู่ในพื้นที่ที่ท่านรับผิดชอบ ซึ่งอยู่กับคู่สมรสสูงอายุและหลานวัยเรียน ขาดผู้ดูแลในช่วงกลางวัน น้ำหนักลดลง และมีแผลกดทับ",
    "จึงเรียนมาเพื่อโปรดพิจารณาดำเนินการต่อไป ทั้งนี้ ขอความกรุณาแจ้งผลการดำเนินการตามแบบตอบกลับท้ายแบบส่งต่อ",
];

fn extract(pdf: &std::path::Path) -> BTreeMap<String, String> {
    let out = crate::python()
        .arg(crate::repo().join("tests/pdf-engines/extract.py"))
        .arg(pdf)
        .output()
        .expect("python3; scripts/setup-deps.sh installs the engines");
    assert!(
        out.status.success(),
        "the PDF engines did not run (scripts/setup-deps.sh installs them): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the engines' JSON")
}

fn spaced(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn squashed(s: &str) -> String {
    s.split_whitespace().collect()
}

#[test]
fn six_pdf_engines_read_the_letters_thai_exactly() {
    let (mut letter, mut form) = sample();
    letter.body = SENTENCES.iter().map(|s| (*s).to_owned()).collect();
    form.sections[0].rows = STRINGS
        .iter()
        .enumerate()
        .map(|(i, s)| (format!("ข้อ {}", i + 1), (*s).to_owned()))
        .collect();
    let pdf = render(&letter, Some(&form), true).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("letter.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let texts = extract(&path);
    assert_eq!(
        texts.keys().map(String::as_str).collect::<Vec<_>>(),
        ["mupdf", "pdfium", "pdfjs", "pdfminer", "poppler", "pypdf"]
    );
    let mut failures = Vec::new();
    for (engine, text) in &texts {
        let (sp, sq) = (spaced(text), squashed(text));
        for s in STRINGS {
            if !sp.contains(s) {
                failures.push(format!("{engine}: {s}"));
            }
        }
        for s in SENTENCES {
            if !sq.contains(&squashed(s)) {
                failures.push(format!("{engine}: {s}"));
            }
        }
        // nothing but what was written: no stray control characters or (cid:n) codes
        assert!(
            !text.chars().any(|c| c.is_control() && !c.is_whitespace()) && !text.contains("(cid:"),
            "{engine} read characters that are not in the letter"
        );
    }
    assert!(
        failures.is_empty(),
        "not read back exactly:\n{}",
        failures.join("\n")
    );
}
