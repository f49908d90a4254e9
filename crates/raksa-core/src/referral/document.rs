//! The letter and the referral form as data for `raksa-letter` (only the shared parts).

#[allow(unused_imports)]
use super::*;

impl Session {
    // ---- the letter as a document ---------------------------------------------------

    /// The letter and referral form of a referral, ready to print (audited as an export:
    /// it carries personal data out of the system).
    pub fn referral_letter_pdf(&self, id: Uuid) -> Result<Vec<u8>> {
        let (letter, form, thai) = self.referral_document(id)?;
        let data = self.referral_data(id, &form)?;
        use chrono::{Datelike, Timelike};
        let now = chrono::DateTime::parse_from_rfc3339(&self.now())
            .map_err(|e| CoreError::Corrupt(e.to_string()))?;
        let attachment = raksa_letter::Attachment {
            file_name: "referral.json".into(),
            media_type: "application/json".into(),
            description: "ข้อมูลการส่งต่อ (Raksa referral, JSON)".into(),
            data: serde_json::to_vec_pretty(&data).expect("serialisable"),
            made: (
                now.year() as u16,
                now.month() as u8,
                now.day() as u8,
                now.hour() as u8,
                now.minute() as u8,
                now.second() as u8,
            ),
        };
        let pdf = raksa_letter::render_with(&letter, Some(&form), thai, Some(&attachment))
            .map_err(|e| match e {
                raksa_letter::LetterError::BadEmblem => {
                    CoreError::field("emblem", FieldProblem::FileTypeNotAllowed)
                }
                raksa_letter::LetterError::Pdf(m) => CoreError::Corrupt(m),
            })?;
        self.audit(
            crate::audit::Access::Export,
            "referral",
            Some(&id.to_string()),
            "letter pdf",
        )?;
        Ok(pdf)
    }

    /// The referral as the JSON carried inside its letter (PDF/A-3 associated file), so a
    /// receiving e-Saraban system can read what was referred: the letter's particulars and
    /// the form's sections exactly as printed — only the parts the referral shares.
    pub fn referral_data(
        &self,
        id: Uuid,
        form: &raksa_letter::ReferralForm,
    ) -> Result<serde_json::Value> {
        let r = self.referral(id)?;
        let office = self.office();
        Ok(serde_json::json!({
            "schema": "https://raksa.example.invalid/schema/referral/1",
            "referral_id": r.id,
            "case_no": r.case_no,
            "letter": {
                "number": r.letter_no,
                "date": r.letter_date,
                "subject": r.letter.subject,
                "urgency": r.urgency,
                "secrecy": r.secrecy,
            },
            "from": { "office": office.name, "letter_code": office.letter_code },
            "to": { "agency": r.agency.name, "head_position": r.agency.head_position },
            "requested": r.requested,
            "legal_basis": r.legal_basis,
            "shared": r.shared,
            "expected_reply_on": r.expected_reply_on,
            "form": form.sections.iter().map(|s| serde_json::json!({
                "title": s.title,
                "rows": s.rows.iter().map(|(label, value)| serde_json::json!({
                    "label": label, "value": value,
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        }))
    }

    /// Builds the letter and the referral form as data. Only the parts the referral chose
    /// to share appear in the form.
    pub fn referral_document(
        &self,
        id: Uuid,
    ) -> Result<(raksa_letter::Letter, raksa_letter::ReferralForm, bool)> {
        let r = self.referral(id)?;
        let s = self.letter_settings()?;
        let digits = |t: &str| {
            if s.thai_digits {
                thai_date::thai_digits(t)
            } else {
                t.to_owned()
            }
        };
        let case = self.get_case(r.case_id)?;
        let person = self.get_person(case.case.person_id)?.person;
        let date = r.letter_date.unwrap_or_else(|| self.today());
        let number = r
            .letter_no
            .clone()
            .unwrap_or_else(|| format!("{}/(ร่าง)", s.ref_prefix));
        let office = &self.office();
        let mut office_lines = vec![office.name.clone()];
        office_lines.extend(office.address.split('\n').map(str::to_owned));
        let shared = |p: SharedPart| r.shared.contains(&p);
        let mut enclosures = vec!["แบบส่งต่อผู้รับบริการ พร้อมแบบตอบกลับ จำนวน 1 ชุด".to_owned()];
        if shared(SharedPart::Household) {
            enclosures.push("ข้อมูลสมาชิกครัวเรือน (ในแบบส่งต่อ)".to_owned());
        }
        let mut footer = Vec::new();
        if !s.owning_unit.is_empty() {
            footer.push(s.owning_unit.clone());
        }
        if !s.phone.is_empty() {
            footer.push(format!("โทร. {}", s.phone));
        }
        if !s.fax.is_empty() {
            footer.push(format!("โทรสาร {}", s.fax));
        }
        if !s.email.is_empty() {
            footer.push(format!("ไปรษณีย์อิเล็กทรอนิกส์ {}", s.email));
        }
        let letter = raksa_letter::Letter {
            urgency: r.urgency.mark_th().map(str::to_owned),
            secrecy: r.secrecy.map(|x| x.mark_th().to_owned()),
            emblem: self.emblem()?,
            reference: digits(&format!("ที่ {number}")),
            office: office_lines.iter().map(|l| digits(l)).collect(),
            date: digits(&thai_date::format_be_long(date)),
            subject: digits(&r.letter.subject),
            recipient: r.agency.head_position.clone(),
            refer_to: (!r.letter.refer_to.is_empty()).then(|| digits(&r.letter.refer_to)),
            enclosures: enclosures.iter().map(|e| digits(e)).collect(),
            body: [&r.letter.cause, &r.letter.request, &r.letter.conclusion]
                .iter()
                .map(|p| digits(p))
                .collect(),
            closing: "ขอแสดงความนับถือ".into(),
            signer_name: if s.signer_name.is_empty() {
                self.user().full_name.clone()
            } else {
                s.signer_name.clone()
            },
            signer_position: vec![if s.signer_position.is_empty() {
                self.user().position.clone()
            } else {
                s.signer_position.clone()
            }],
            acting_for: (!s.acting_for.is_empty()).then(|| s.acting_for.clone()),
            footer: footer.iter().map(|f| digits(f)).collect(),
            copy_to: None,
        };

        // The referral form: the minimum needed, as chosen.
        let today = self.today();
        let mut client = Vec::new();
        if shared(SharedPart::Identity) {
            client.push((
                "ชื่อ–สกุล".to_owned(),
                format!("{}{} {}", person.title, person.first_name, person.last_name),
            ));
            if let Some(b) = person.birth_date {
                client.push((
                    "อายุ".to_owned(),
                    format!("{} ปี", thai_date::age_on(b, today)),
                ));
            }
            client.push((
                "เพศ".to_owned(),
                match person.sex {
                    Sex::Male => "ชาย",
                    Sex::Female => "หญิง",
                    Sex::Unspecified => "ไม่ระบุ",
                }
                .to_owned(),
            ));
        } else {
            client.push((
                "ผู้รับบริการ".to_owned(),
                "ไม่เปิดเผยชื่อ (ติดต่อผู้ส่งต่อเพื่อยืนยันตัวบุคคล)".to_owned(),
            ));
        }
        if shared(SharedPart::CitizenId) {
            client.push((
                "เลขประจำตัวประชาชน".to_owned(),
                match &person.identity {
                    crate::identity::Identity::CitizenId { number } => {
                        crate::identity::format_citizen_id(number)
                    }
                    crate::identity::Identity::GCode { code } => code.clone(),
                    crate::identity::Identity::NoId { .. } => "ไม่มีเลขประจำตัว".into(),
                },
            ));
        }
        let mut sections = vec![raksa_letter::FormSection {
            title: "ข้อมูลผู้รับบริการ".into(),
            rows: client,
        }];
        let mut contact = Vec::new();
        if shared(SharedPart::Address) {
            let place = person.place_label.clone().unwrap_or_default();
            contact.push((
                "ที่อยู่".to_owned(),
                format!(
                    "{} {} {}",
                    person.address_text,
                    place,
                    person.postcode.clone().unwrap_or_default()
                )
                .trim()
                .to_owned(),
            ));
        }
        if shared(SharedPart::Phone) && !person.phone.is_empty() {
            contact.push(("โทรศัพท์".to_owned(), person.phone.clone()));
        }
        if !contact.is_empty() {
            sections.push(raksa_letter::FormSection {
                title: "ที่อยู่และการติดต่อ".into(),
                rows: contact,
            });
        }
        let mut problem = Vec::new();
        if shared(SharedPart::Problems) {
            problem.push(("สภาพปัญหา".to_owned(), case.case.summary.clone()));
            problem.push((
                "ประเภทผู้รับบริการ".to_owned(),
                case.target_groups
                    .iter()
                    .map(|g| g.label_th())
                    .collect::<Vec<_>>()
                    .join(", "),
            ));
            problem.push((
                "ด้านของปัญหา".to_owned(),
                case.problem_domains
                    .iter()
                    .map(|d| d.label_th())
                    .collect::<Vec<_>>()
                    .join(", "),
            ));
        }
        if shared(SharedPart::Risk) {
            problem.push((
                "ระดับความเสี่ยง".to_owned(),
                case.case.urgency.label_th().to_owned(),
            ));
        }
        if !problem.is_empty() {
            sections.push(raksa_letter::FormSection {
                title: "สภาพปัญหาและระดับความเสี่ยง".into(),
                rows: problem,
            });
        }
        if shared(SharedPart::Household)
            && let Some(h) = self.person_household(person.id)?
        {
            let rows = h
                .current()
                .filter(|m| m.person_id != person.id)
                .map(|m| {
                    (
                        Relationship::label_th(m.relationship).to_owned(),
                        m.age.map(|a| format!("อายุ {a} ปี")).unwrap_or_default(),
                    )
                })
                .collect::<Vec<_>>();
            sections.push(raksa_letter::FormSection {
                title: "สมาชิกในครัวเรือน (ความสัมพันธ์และอายุ)".into(),
                rows: if rows.is_empty() {
                    vec![("สมาชิก".into(), "อยู่ลำพัง".into())]
                } else {
                    rows
                },
            });
        }
        if shared(SharedPart::Assistance) {
            let rows: Vec<(String, String)> = case
                .events
                .iter()
                .filter_map(|e| match &e.body {
                    CaseEventBody::Assistance {
                        given_on,
                        description,
                        amount_baht,
                        funding,
                        ..
                    } => Some((
                        thai_date::format_be_short(*given_on),
                        format!(
                            "{description}{}{}",
                            amount_baht.map(|a| format!(" {a} บาท")).unwrap_or_default(),
                            if funding.is_empty() {
                                String::new()
                            } else {
                                format!(" ({funding})")
                            }
                        ),
                    )),
                    _ => None,
                })
                .collect();
            sections.push(raksa_letter::FormSection {
                title: "ความช่วยเหลือที่ได้รับแล้ว".into(),
                rows: if rows.is_empty() {
                    vec![("รายการ".into(), "ยังไม่มี".into())]
                } else {
                    rows
                },
            });
        }
        sections.push(raksa_letter::FormSection {
            title: "ความช่วยเหลือที่ขอให้ดำเนินการ".into(),
            rows: vec![("รายการ".into(), r.requested.clone())],
        });
        sections.push(raksa_letter::FormSection {
            title: "ฐานในการเปิดเผยข้อมูลส่วนบุคคล".into(),
            rows: vec![("ฐาน".into(), r.legal_basis.label_th().to_owned())],
        });
        sections.push(raksa_letter::FormSection {
            title: "ผู้ส่งต่อ".into(),
            rows: vec![
                (
                    "เจ้าหน้าที่".into(),
                    format!("{} {}", self.user().full_name, self.user().position),
                ),
                ("หน่วยงาน".into(), office.name.clone()),
                ("โทร.".into(), s.phone.clone()),
            ],
        });
        // Numbered in the order they appear, whatever parts were shared (1, 2, 3 … never 1, 2, 6).
        for (i, sec) in sections.iter_mut().enumerate() {
            sec.title = digits(&format!("{}. {}", i + 1, sec.title));
            for row in &mut sec.rows {
                row.1 = digits(&row.1);
                row.0 = digits(&row.0);
            }
        }
        let form = raksa_letter::ReferralForm {
            title: "แบบส่งต่อผู้รับบริการ".into(),
            heading: vec![
                ("เลขที่กรณี".into(), digits(&r.case_no)),
                ("อ้างถึงหนังสือ".into(), digits(&format!("ที่ {number}"))),
                ("วันที่ส่งต่อ".into(), digits(&thai_date::format_be_long(date))),
                ("ถึง".into(), r.agency.name.clone()),
            ],
            sections,
            reply_slip: raksa_letter::ReplySlip {
                cut_line: "ตัดตามรอยประ แล้วส่งแบบตอบกลับคืนผู้ส่งต่อ".into(),
                title: "แบบตอบกลับการส่งต่อ".into(),
                reference: vec![
                    digits(&format!(
                        "อ้างถึงหนังสือ ที่ {number} ลงวันที่ {}",
                        thai_date::format_be_long(date)
                    )),
                    digits(&format!("เลขที่กรณี {}", r.case_no)),
                ],
                blanks: vec![
                    "วันที่รับเรื่อง".into(),
                    "ผลการดำเนินการ".into(),
                    " ".into(),
                    "ผู้รับผิดชอบ".into(),
                    "โทร.".into(),
                ],
                choices: vec!["ยุติการช่วยเหลือ".into(), "ต้องติดตามต่อ".into()],
                return_to: {
                    let mut v = vec!["ส่งกลับ".to_owned(), office.name.clone()];
                    v.extend(office.address.split('\n').map(&digits));
                    v
                },
            },
            thai_digits: s.thai_digits,
        };
        Ok((letter, form, s.thai_digits))
    }
}
