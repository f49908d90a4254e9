use std::process::Command;

use raksa_letter::*;

pub fn sample() -> (Letter, ReferralForm) {
    let letter = Letter {
        urgency: Some("ด่วนที่สุด".into()),
        secrecy: None,
        emblem: None,
        reference: "ที่ พล ๐๐๒๗/๑๒๓".into(),
        office: vec![
            "สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดพิษณุโลก".into(),
            "ศาลากลางจังหวัดพิษณุโลก ถนนวังจันทน์".into(),
            "อำเภอเมืองพิษณุโลก จังหวัดพิษณุโลก ๖๕๐๐๐".into(),
        ],
        date: "๒๓ พฤศจิกายน ๒๕๖๙".into(),
        subject: "ขอส่งต่อผู้สูงอายุเพื่อรับการช่วยเหลือ".into(),
        recipient: "ผู้อำนวยการโรงพยาบาลส่งเสริมสุขภาพตำบลบ้านกร่าง".into(),
        refer_to: None,
        enclosures: vec!["แบบส่งต่อผู้รับบริการ จำนวน ๑ ฉบับ".into()],
        body: vec![
            "ด้วยสำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดพิษณุโลก ได้รับแจ้งว่ามีผู้สูงอายุติดเตียงอยู่ในพื้นที่ที่ท่านรับผิดชอบ ซึ่งอยู่กับคู่สมรสสูงอายุและหลานวัยเรียน ขาดผู้ดูแลในช่วงกลางวัน น้ำหนักลดลง และมีแผลกดทับ".into(),
            "ในการนี้ จึงขอส่งต่อผู้สูงอายุดังกล่าวเพื่อรับการดูแลสุขภาพที่บ้าน และประสานผู้ดูแลผู้สูงอายุ (Caregiver) ตามรายละเอียดในสิ่งที่ส่งมาด้วย".into(),
            "จึงเรียนมาเพื่อโปรดพิจารณาดำเนินการต่อไป ทั้งนี้ ขอความกรุณาแจ้งผลการดำเนินการตามแบบตอบกลับท้ายแบบส่งต่อ".into(),
        ],
        closing: "ขอแสดงความนับถือ".into(),
        signer_name: "นายสมชาย ใจดี".into(),
        signer_position: vec!["นักสังคมสงเคราะห์ชำนาญการ".into()],
        acting_for: Some("ปฏิบัติราชการแทนพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดพิษณุโลก".into()),
        footer: vec![
            "กลุ่มการพัฒนาสังคมและสวัสดิการ".into(),
            "โทร. ๐ ๕๕๒๕ ๒๒๒๒".into(),
            "โทรสาร ๐ ๕๕๒๕ ๒๒๒๓".into(),
        ],
        copy_to: None,
    };
    let form = ReferralForm {
        title: "แบบส่งต่อผู้รับบริการ".into(),
        heading: vec![("เลขที่กรณี".into(), "พล-๒๕๖๙-๐๐๐๐๔๒".into())],
        sections: vec![FormSection {
            title: "๑. ข้อมูลผู้รับบริการ".into(),
            rows: vec![
                ("ชื่อ–สกุล".into(), "นางบุญมี ทองใบ".into()),
                ("สภาพปัญหา".into(), "ผู้ใหญ่บ้านแจ้งว่าน้ำท่วมบ้านที่ปั้นไว้ ญุ ฐุ".into()),
            ],
        }],
        reply_slip: ReplySlip {
            cut_line: "ตัดตามรอยประและส่งกลับ".into(),
            title: "แบบตอบกลับการส่งต่อ".into(),
            reference: vec!["อ้างถึงหนังสือ ที่ พล ๐๐๒๗/๑๒๓".into()],
            blanks: vec!["วันที่รับเรื่อง".into(), "ผลการดำเนินการ".into()],
            choices: vec!["ยุติการช่วยเหลือ".into(), "ต้องติดตามต่อ".into()],
            return_to: vec!["ส่งกลับ".into(), "สำนักงาน พมจ.พิษณุโลก".into()],
        },
        thai_digits: true,
    };
    (letter, form)
}

fn tool(name: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(name).args(args).output().ok()?;
    assert!(
        out.status.success(),
        "{name} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).unwrap())
}

fn write(pdf: &[u8]) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("letter.pdf");
    std::fs::write(&path, pdf).unwrap();
    let p = path.to_str().unwrap().to_owned();
    (dir, p)
}

#[test]
fn text_extracts_as_the_exact_thai() {
    let (letter, form) = sample();
    let pdf = render(&letter, Some(&form), true).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    // `RAKSA_LETTER_SAMPLE=path` keeps the sample for a look (docs/letter-sample.pdf).
    if let Ok(p) = std::env::var("RAKSA_LETTER_SAMPLE") {
        std::fs::write(p, &pdf).unwrap();
    }
    let (_d, path) = write(&pdf);
    let Some(text) = tool("pdftotext", &["-layout", &path, "-"]) else {
        panic!("pdftotext (poppler-utils) is needed: scripts/setup-deps.sh installs it");
    };
    let squashed: String = text.split_whitespace().collect::<Vec<_>>().join("");
    for s in [
        "ที่พล๐๐๒๗/๑๒๓",
        "๒๓พฤศจิกายน๒๕๖๙",
        "เรื่องขอส่งต่อผู้สูงอายุเพื่อรับการช่วยเหลือ",
        "เรียนผู้อำนวยการโรงพยาบาลส่งเสริมสุขภาพตำบลบ้านกร่าง",
        "ขอแสดงความนับถือ",
        "(นายสมชายใจดี)",
        "ด่วนที่สุด",
        // stacked marks and descender forms survive the round trip
        "ผู้ใหญ่บ้านแจ้งว่าน้ำท่วมบ้านที่ปั้นไว้ญุฐุ",
        "จึงเรียนมาเพื่อโปรดพิจารณาดำเนินการต่อไป",
        "แบบตอบกลับการส่งต่อ",
    ] {
        assert!(squashed.contains(s), "missing {s:?} in:\n{text}");
    }
    assert!(!text.contains('\u{FFFD}'));
}

#[test]
fn the_font_is_embedded_subset_and_unicode_mapped() {
    let (letter, form) = sample();
    let pdf = render(&letter, Some(&form), true).unwrap();
    let (_d, path) = write(&pdf);
    let fonts = tool("pdffonts", &[&path]).expect("pdffonts");
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for r in rows {
        assert!(r.contains("Sarabun"), "{r}");
        // emb sub uni
        assert!(r.contains("yes yes yes"), "{fonts}");
    }
}

#[test]
fn layout_follows_the_regulation() {
    let (letter, form) = sample();
    let pdf = render(&letter, Some(&form), true).unwrap();
    let (_d, path) = write(&pdf);
    // Word positions (points, A4 595×842, origin top left).
    let html = tool("pdftotext", &["-bbox", "-f", "1", "-l", "1", &path, "-"]).unwrap();
    let word = |w: &str| -> (f32, f32) {
        let line = html
            .lines()
            .find(|l| l.ends_with(&format!(">{w}</word>")))
            .unwrap_or_else(|| panic!("{w} not found"));
        let num = |k: &str| -> f32 {
            let i = line.find(&format!("{k}=\"")).unwrap() + k.len() + 2;
            line[i..].split('"').next().unwrap().parse().unwrap()
        };
        (num("xMin"), num("yMin"))
    };
    let cm = 28.3465;
    let (x, _) = word("ที่");
    assert!(
        (x - 3.0 * cm).abs() < 1.0,
        "ที่ starts at the 3 cm left margin: {x}"
    );
    let (x, _) = word("๒๓");
    assert!(
        (x - 595.28 / 2.0).abs() < 1.0,
        "the date starts at the page centre: {x}"
    );
    let (x, _) = word("ขอแสดงความนับถือ");
    assert!(
        (x - 595.28 / 2.0).abs() < 1.0,
        "the closing starts at the page centre: {x}"
    );
    let (_, y_emblem_gap) = word("ที่");
    assert!(
        y_emblem_gap > 4.5 * cm,
        "the emblem's 3 cm from 1.5 cm is kept free: {y_emblem_gap}"
    );
    // the body's first line is indented 2.5 cm
    let first_body = html.lines().find(|l| l.contains(">ด้วย")).expect("body");
    let i = first_body.find("xMin=\"").unwrap() + 6;
    let bx: f32 = first_body[i..].split('"').next().unwrap().parse().unwrap();
    assert!((bx - 5.5 * cm).abs() < 1.0, "paragraph indent: {bx}");
    // nothing crosses the 2 cm right margin
    for l in html.lines().filter(|l| l.contains("<word")) {
        let i = l.find("xMax=\"").unwrap() + 6;
        let xmax: f32 = l[i..].split('"').next().unwrap().parse().unwrap();
        assert!(xmax <= 595.28 - 2.0 * cm + 1.0, "{l}");
    }
}

#[test]
fn a_bad_emblem_is_refused_and_a_good_one_is_drawn() {
    let (mut letter, _) = sample();
    letter.emblem = Some(b"not an image".to_vec());
    assert!(matches!(
        render(&letter, None, true),
        Err(LetterError::BadEmblem)
    ));
}

#[test]
fn a_long_body_flows_onto_numbered_pages() {
    let (mut letter, _) = sample();
    letter.body[1] = letter.body[1].repeat(20);
    let pdf = render(&letter, None, true).unwrap();
    let (_d, path) = write(&pdf);
    let info = tool("pdfinfo", &[&path]).unwrap();
    let pages: u32 = info
        .lines()
        .find(|l| l.starts_with("Pages:"))
        .unwrap()
        .split_whitespace()
        .last()
        .unwrap()
        .parse()
        .unwrap();
    assert!(pages >= 2);
    let p2 = tool("pdftotext", &["-layout", "-f", "2", "-l", "2", &path, "-"]).unwrap();
    let first = p2.lines().find(|l| !l.trim().is_empty()).unwrap();
    assert_eq!(first.split_whitespace().collect::<String>(), "-๒-", "{p2}");
}
