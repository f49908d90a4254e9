//! Thai line breaking in the letter: never inside a word, and the closing block kept whole.

use std::process::Command;

use raksa_letter::*;

/// Common words the ICU4X Thai dictionary treats as single words (compounds such as
/// โรงพยาบาล = โรง|พยาบาล are legitimately breakable and are not listed).
const WORDS: [&str; 50] = [
    "ความ",
    "สังคม",
    "ครอบครัว",
    "สุขภาพ",
    "หนังสือ",
    "ราชการ",
    "จังหวัด",
    "อำเภอ",
    "ตำบล",
    "หมู่บ้าน",
    "ประชาชน",
    "อาชีพ",
    "บริการ",
    "พิจารณา",
    "เรียบร้อย",
    "ติดต่อ",
    "ประสาน",
    "สำนักงาน",
    "กระทรวง",
    "พัฒนา",
    "มนุษย์",
    "มั่นคง",
    "เด็ก",
    "เยาวชน",
    "สตรี",
    "อาศัย",
    "ปัญหา",
    "รุนแรง",
    "ปลอดภัย",
    "เงิน",
    "สิ่งของ",
    "เยี่ยม",
    "ติดตาม",
    "เอกสาร",
    "แนบ",
    "ขอบคุณ",
    "กรุณา",
    "โปรด",
    "แจ้ง",
    "ทราบ",
    "อนุเคราะห์",
    "สนับสนุน",
    "โครงการ",
    "กิจกรรม",
    "ชุมชน",
    "ทะเบียน",
    "บ้าน",
    "ประเทศ",
    "ภาษา",
    "สวัสดิการ",
];

#[test]
fn a_dictionary_of_common_words_is_never_split() {
    let font = include_bytes!("../../../../assets/fonts/Sarabun-Regular.ttf");
    let m = Measure::new(font).unwrap();
    let mut text = String::new();
    for k in 0..9 {
        for (i, w) in WORDS.iter().enumerate() {
            if (i * 7 + k) % 4 != 0 {
                text.push_str(w);
            }
        }
    }
    for width in (60..=460).step_by(25) {
        let lines = wrap(&m, &text, BODY_SIZE, width as f32, 0.0);
        assert_eq!(lines.concat(), text);
        let mut ends = Vec::new();
        let mut at = 0;
        for l in &lines[..lines.len() - 1] {
            at += l.len();
            ends.push(at);
        }
        for w in WORDS {
            for (start, _) in text.match_indices(w) {
                let end = start + w.len();
                assert!(
                    !ends.iter().any(|&e| e > start && e < end),
                    "{w} split at width {width}: {lines:?}"
                );
            }
        }
    }
}

fn pages_of(pdf: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("l.pdf");
    std::fs::write(&p, pdf).unwrap();
    let all = Command::new("pdftotext")
        .args([p.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext");
    String::from_utf8(all.stdout)
        .unwrap()
        .split('\u{c}')
        .map(|page| page.split_whitespace().collect())
        .collect()
}

#[test]
fn a_long_body_flows_on_and_the_closing_block_stays_together() {
    let (base, _) = crate::letter::sample();
    let mut saw_two_pages = false;
    for extra in 0..14 {
        let mut l = base.clone();
        l.body[1] = format!(
            "{} {}",
            l.body[1],
            "ขอความอนุเคราะห์ติดตามเยี่ยมบ้านอย่างต่อเนื่อง ".repeat(extra * 2)
        );
        let pages = pages_of(&render(&l, None, true).unwrap());
        let closing = pages
            .iter()
            .position(|p| p.contains("ขอแสดงความนับถือ"))
            .unwrap();
        let name = pages
            .iter()
            .position(|p| p.contains("(นายสมชายใจดี)"))
            .unwrap();
        let acting = pages
            .iter()
            .position(|p| p.contains("ปฏิบัติราชการแทน"))
            .unwrap();
        assert_eq!(
            closing, name,
            "closing and signature on one page (extra {extra})"
        );
        assert_eq!(name, acting);
        if pages.iter().filter(|p| !p.is_empty()).count() > 1 {
            saw_two_pages = true;
        }
    }
    assert!(saw_two_pages);
}
