//! Issue 13 §2: no line of a letter ends inside a word, and no paragraph ends with a lone
//! syllable — over 200 generated letters with long, varied bodies, checked by PyThaiNLP
//! (`tests/pdf-engines/check_lines.py`: its `newmm` word tokenizer and syllable tokenizer).

use raksa_letter::body_lines;

/// Sentences of the kind a referral letter's body is made of; compounds ICU's dictionary
/// splits (ความเหมาะสม, โรงพยาบาล, ผู้สูงอายุ) among them.
const SENTENCES: &[&str] = &[
    "ด้วยสำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดพิษณุโลกได้รับแจ้งจากศูนย์ช่วยเหลือสังคมสายด่วน ๑๓๐๐",
    "ว่ามีผู้สูงอายุติดเตียงอาศัยอยู่ตามลำพังในพื้นที่ที่ท่านรับผิดชอบ",
    "ขาดผู้ดูแลในช่วงกลางวัน น้ำหนักลดลงอย่างต่อเนื่อง และมีแผลกดทับบริเวณสะโพก",
    "เจ้าหน้าที่ได้ลงพื้นที่เยี่ยมบ้านร่วมกับอาสาสมัครพัฒนาสังคมและความมั่นคงของมนุษย์แล้ว",
    "พบว่าครอบครัวมีรายได้ไม่เพียงพอต่อการดำรงชีพ และบุตรหลานทำงานต่างจังหวัด",
    "จึงขอส่งต่อเพื่อรับการดูแลสุขภาพที่บ้านตามความเหมาะสม",
    "และขอความอนุเคราะห์ประสานโรงพยาบาลส่งเสริมสุขภาพตำบลเพื่อจัดผู้ดูแลผู้สูงอายุ",
    "ทั้งนี้ ได้แนบแบบสอบข้อเท็จจริงและแผนการช่วยเหลือมาพร้อมหนังสือฉบับนี้",
    "เด็กหญิงอายุสิบสองปีถูกทำร้ายร่างกายโดยบุคคลในครอบครัว",
    "ปัจจุบันอยู่ในความดูแลของบ้านพักเด็กและครอบครัวจังหวัดเป็นการชั่วคราว",
    "ขอความร่วมมือสถานศึกษาติดตามการมาเรียนและสภาพจิตใจของเด็กอย่างใกล้ชิด",
    "หากพบเหตุที่อาจเป็นอันตรายขอให้แจ้งเจ้าหน้าที่ทันทีทางโทรศัพท์",
    "คนพิการทางการเคลื่อนไหวต้องการกายอุปกรณ์และการปรับสภาพที่อยู่อาศัย",
    "องค์การบริหารส่วนตำบลบ้านกร่างได้พิจารณาให้ความช่วยเหลือเบื้องต้นแล้ว",
    "จึงเรียนมาเพื่อโปรดพิจารณาดำเนินการต่อไป",
    "ขอความกรุณาแจ้งผลการดำเนินการตามแบบตอบกลับท้ายแบบส่งต่อภายในสิบห้าวัน",
    "ผู้ประสบปัญหาไม่มีเอกสารแสดงตนและไม่มีสถานะทางทะเบียน",
    "ได้ประสานที่ว่าการอำเภอเพื่อตรวจสอบสถานะทางทะเบียนและขอมีบัตรประจำตัวประชาชน",
    "ครัวเรือนนี้อยู่ในกลุ่มเปราะบางตามระบบบริหารจัดการข้อมูลการพัฒนาคน",
    "มีสมาชิกห้าคน ได้แก่ บิดา มารดา บุตรสองคน และยายซึ่งเป็นผู้สูงอายุ",
    "เจ้าหน้าที่ได้ให้คำปรึกษาด้านสวัสดิการสังคมและสิทธิประโยชน์ที่พึงได้รับ",
    "รวมถึงเงินอุดหนุนเพื่อการเลี้ยงดูเด็กแรกเกิดและเบี้ยยังชีพผู้สูงอายุ",
    "ผู้รับบริการประสงค์จะเข้ารับการฝึกอาชีพเพื่อสร้างรายได้ให้แก่ครอบครัว",
    "ขอความอนุเคราะห์ศูนย์พัฒนาฝีมือแรงงานพิจารณารับเข้าหลักสูตรที่เหมาะสม",
    "ผู้เสียหายจากการค้ามนุษย์ได้รับการคุ้มครองและฟื้นฟูสภาพร่างกายและจิตใจแล้ว",
    "เพื่อให้การช่วยเหลือเป็นไปอย่างต่อเนื่องและมีประสิทธิภาพ",
    "ตามพระราชบัญญัติคุ้มครองเด็ก พุทธศักราช ๒๕๔๖ และพระราชบัญญัติผู้สูงอายุ พุทธศักราช ๒๕๔๖",
    "ข้อมูลส่วนบุคคลในหนังสือนี้ใช้เพื่อการช่วยเหลือเท่านั้น ห้ามเปิดเผยแก่บุคคลอื่น",
    "ผู้ดูแลหลักคือหลานสาวซึ่งกำลังศึกษาอยู่ชั้นมัธยมศึกษาปีที่สาม",
    "คณะทำงานได้ประชุมหารือแนวทางการช่วยเหลือร่วมกับผู้นำชุมชนและผู้ใหญ่บ้าน",
    "ที่ประชุมเห็นควรส่งต่อให้หน่วยงานที่เกี่ยวข้องดำเนินการตามอำนาจหน้าที่",
    "โดยขอให้รายงานความก้าวหน้าทุกเดือนจนกว่าจะยุติการช่วยเหลือ",
];

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn no_line_ends_inside_a_word_and_no_paragraph_ends_with_a_lone_syllable() {
    let mut rng = Rng(0x5EED_2569);
    let mut items = Vec::new();
    for _letter in 0..200 {
        for _para in 0..3 + rng.below(3) {
            let n = 2 + rng.below(5);
            let para: Vec<&str> = (0..n)
                .map(|_| SENTENCES[rng.below(SENTENCES.len())])
                .collect();
            let para = para.join(" ");
            let lines = body_lines(&para);
            items.push((para, lines));
        }
    }
    let json = serde_json::to_string(
        &items
            .iter()
            .map(|(p, lines)| serde_json::json!({ "paragraph": p, "lines": lines }))
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lines.json");
    std::fs::write(&path, json).unwrap();
    if let Ok(keep) = std::env::var("RAKSA_LINES_JSON") {
        std::fs::copy(&path, keep).unwrap();
    }
    let out = crate::python()
        .arg(crate::repo().join("tests/pdf-engines/check_lines.py"))
        .arg(&path)
        .output()
        .expect("python3; scripts/setup-deps.sh installs PyThaiNLP");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "PyThaiNLP found line breaks inside words (scripts/setup-deps.sh installs it):\n{report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(report.contains("problems"), "{report}");
}
