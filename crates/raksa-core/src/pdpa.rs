//! A person's right of access and portability (PDPA §30, §31): everything held about them
//! as machine-readable JSON (`Session::export_person`) and as a readable A4 PDF in Thai,
//! made together and logged once in the audit trail.

use chrono::NaiveDate;
use uuid::Uuid;

use crate::casework::CaseEventBody;
use crate::error::{CoreError, Result};
use crate::identity::{Identity, format_citizen_id};
use crate::model::Sex;
use crate::session::Session;
use crate::thai_date::{format_be_long, format_be_short};
use raksa_letter::{Record, RecordSection};

pub use raksa_domain::pdpa::ExportScope;

/// The two files of an access request.
pub struct PersonExport {
    pub json: Vec<u8>,
    pub pdf: Vec<u8>,
    /// A file name without personal data: `ข้อมูลส่วนบุคคล-<first 8 of the record id>-<date>`.
    pub base_name: String,
}

fn day(at: &str) -> String {
    NaiveDate::parse_from_str(at.get(..10).unwrap_or(""), "%Y-%m-%d")
        .map(format_be_short)
        .unwrap_or_else(|_| at.to_owned())
}

/// One line of a case's timeline in Thai (staff names only when `others` are included).
fn event_th(body: &CaseEventBody, others: bool) -> String {
    use CaseEventBody::*;
    match body {
        Assigned { .. } if !others => "มอบหมายผู้รับผิดชอบ".into(),
        CentralAccess { .. } if !others => "ศรส. เปิดดูข้อมูลเพื่อติดตามกรณี".into(),
        CentralAccess { by, reason } => format!("ศรส. เปิดดูข้อมูล ({by}): {reason}"),
        Opened { channel } => format!("รับเรื่อง ({})", channel.label_th()),
        StageChanged { from, to, reason } => {
            format!(
                "เปลี่ยนขั้นตอน {} → {} {reason}",
                from.label_th(),
                to.label_th()
            )
        }
        Assigned { to_name, .. } => format!("มอบหมายผู้รับผิดชอบ: {to_name}"),
        Note { text } => format!("บันทึก: {text}"),
        HomeVisit {
            visited_on,
            findings,
            opinion,
            ..
        } => format!(
            "เยี่ยมบ้าน {}: {findings} {opinion}",
            format_be_short(*visited_on)
        ),
        Assistance {
            given_on,
            description,
            amount_baht,
            ..
        } => format!(
            "ให้ความช่วยเหลือ {}: {description}{}",
            format_be_short(*given_on),
            amount_baht.map(|a| format!(" {a} บาท")).unwrap_or_default()
        ),
        ApprovalRequested { reason, .. } => format!("ขออนุมัติ: {reason}"),
        ApprovalDecided {
            approved, comment, ..
        } => format!(
            "{} {comment}",
            if *approved {
                "อนุมัติ"
            } else {
                "ไม่อนุมัติ"
            }
        ),
        Reopened { reason } => format!("เปิดกรณีอีกครั้ง: {reason}"),
        Correction { text } => format!("แก้ไขบันทึก: {text}"),
        FactFindingSubmitted { .. } => "ส่งแบบสอบข้อเท็จจริง".into(),
        FactFindingReopened { reason } => format!("เปิดแก้ไขแบบสอบข้อเท็จจริง: {reason}"),
        AttachmentAdded { file_name, .. } => format!("แนบไฟล์ {file_name}"),
        AttachmentRemoved { file_name, reason } => format!("นำไฟล์ {file_name} ออก: {reason}"),
        PlanItemAdded { goal, due_on, .. } => {
            format!("เพิ่มแผน: {goal} (กำหนด {})", format_be_short(*due_on))
        }
        PlanItemUpdated { goal, status, note } => {
            format!("ปรับแผน: {goal} ({}) {note}", status.as_str())
        }
        ReferralChanged {
            agency, to, note, ..
        } => format!("ส่งต่อ {agency}: {} {note}", to.label_th()),
        WelfareScreened { screening } => {
            let got: Vec<String> = screening
                .results
                .iter()
                .filter(|r| r.eligibility == crate::welfare::Eligibility::Eligible)
                .map(|r| r.reason_th.clone())
                .collect();
            format!(
                "ตรวจสอบสิทธิสวัสดิการ: {}",
                if got.is_empty() {
                    "ไม่พบสิทธิเพิ่ม".into()
                } else {
                    got.join("; ")
                }
            )
        }
    }
}

impl Session {
    /// The JSON and the readable PDF of everything held about a person, for an access
    /// request; one audit entry for both.
    pub fn export_person_files(
        &self,
        id: Uuid,
        scope: &raksa_domain::pdpa::ExportScope,
    ) -> Result<PersonExport> {
        let value = self.scoped_person_export(id, scope)?;
        let others = scope.include_third_parties;
        let json = serde_json::to_vec_pretty(&value).expect("serialisable");
        let detail = self.get_person(id)?;
        let p = &detail.person;
        let today = self.today();
        let mut sections = Vec::new();

        let id_text = match &p.identity {
            Identity::CitizenId { number } => format_citizen_id(number),
            Identity::GCode { code } => code.clone(),
            Identity::NoId { .. } => "ไม่มีเลขประจำตัว".into(),
        };
        sections.push(RecordSection {
            title: "1. ข้อมูลบุคคล".into(),
            rows: vec![
                ("ชื่อ-นามสกุล".into(), p.display_name()),
                ("เลขประจำตัว".into(), id_text),
                (
                    "วันเกิด".into(),
                    p.birth_date
                        .map(format_be_long)
                        .unwrap_or_else(|| "-".into()),
                ),
                (
                    "เพศ".into(),
                    match p.sex {
                        Sex::Male => "ชาย",
                        Sex::Female => "หญิง",
                        Sex::Unspecified => "ไม่ระบุ",
                    }
                    .into(),
                ),
                (
                    "โทรศัพท์".into(),
                    if p.phone.is_empty() {
                        "-".into()
                    } else {
                        p.phone.clone()
                    },
                ),
                (
                    "ที่อยู่".into(),
                    [
                        p.address_text.as_str(),
                        p.place_label.as_deref().unwrap_or(""),
                        p.postcode.as_deref().unwrap_or(""),
                    ]
                    .iter()
                    .filter(|s| !s.is_empty())
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" "),
                ),
                ("บันทึกเมื่อ".into(), day(&p.created_at)),
            ],
            paragraphs: vec![],
        });

        if let Some(h) = self.person_household(id)? {
            sections.push(RecordSection {
                title: "2. ครัวเรือน".into(),
                rows: h
                    .members
                    .iter()
                    .map(|m| {
                        (
                            m.relationship.label_th().to_owned(),
                            format!(
                                "{}{}{}",
                                if others || m.person_id == id {
                                    m.name.clone()
                                } else {
                                    raksa_domain::pdpa::WITHHELD.to_owned()
                                },
                                m.age
                                    .filter(|_| others || m.person_id == id)
                                    .map(|a| format!(" อายุ {a} ปี"))
                                    .unwrap_or_default(),
                                m.ended_on
                                    .map(|d| format!(" (สิ้นสุด {})", format_be_short(d)))
                                    .unwrap_or_default()
                            ),
                        )
                    })
                    .collect(),
                paragraphs: vec![],
            });
        }

        for (i, c) in detail.cases.iter().enumerate() {
            let d = self.get_case(c.id)?;
            let mut rows = vec![
                ("วันที่รับเรื่อง".into(), format_be_long(c.intake_date)),
                ("ช่องทาง".into(), c.channel.label_th().into()),
                ("ขั้นตอน".into(), c.status.label_th().into()),
                ("สรุปเรื่อง".into(), c.summary.clone()),
            ];
            if !d.account.is_empty() {
                rows.push(("รายละเอียด".into(), d.account.clone()));
            }
            if !d.target_groups.is_empty() {
                rows.push((
                    "กลุ่มเป้าหมาย".into(),
                    d.target_groups
                        .iter()
                        .map(|t| t.label_th())
                        .collect::<Vec<_>>()
                        .join(", "),
                ));
            }
            if !d.problem_domains.is_empty() {
                rows.push((
                    "ประเด็นปัญหา".into(),
                    d.problem_domains
                        .iter()
                        .map(|t| t.label_th())
                        .collect::<Vec<_>>()
                        .join(", "),
                ));
            }
            for item in &d.plan_items {
                rows.push((
                    "แผน".into(),
                    format!(
                        "{} — {} (กำหนด {})",
                        item.goal,
                        item.activity,
                        format_be_short(item.due_on)
                    ),
                ));
            }
            for r in self.case_referrals(c.id)? {
                rows.push((
                    "ส่งต่อ".into(),
                    format!(
                        "{} — {}{}",
                        r.agency.name,
                        r.status.label_th(),
                        r.letter_no
                            .map(|n| format!(" หนังสือที่ {n}"))
                            .unwrap_or_default()
                    ),
                ));
            }
            sections.push(RecordSection {
                title: format!("{}. กรณี {}", i + 3, c.case_no),
                rows,
                paragraphs: d
                    .events
                    .iter()
                    .map(|e| format!("{} — {}", day(&e.at), event_th(&e.body, others)))
                    .collect(),
            });
        }

        let log = value["access_log"].as_array().cloned().unwrap_or_default();
        sections.push(RecordSection {
            title: format!(
                "{}. ประวัติการเข้าถึงข้อมูล ({} รายการ)",
                detail.cases.len() + 3,
                log.len()
            ),
            rows: vec![],
            paragraphs: log
                .iter()
                .map(|e| {
                    format!(
                        "{} — {} ({} {})",
                        day(e["at"].as_str().unwrap_or("")),
                        e["by"].as_str().unwrap_or("-"),
                        e["action"].as_str().unwrap_or(""),
                        e["entity"].as_str().unwrap_or("")
                    )
                })
                .collect(),
        });

        let office = self.office();
        sections.push(RecordSection {
            title: format!("{}. ข้อมูลของบุคคลอื่น", detail.cases.len() + 4),
            rows: vec![],
            paragraphs: vec![if others {
                format!(
                    "รวมข้อมูลของบุคคลอื่น (ผู้แจ้ง สมาชิกครัวเรือน เจ้าหน้าที่) ตามที่ผู้ควบคุมข้อมูลพิจารณา เหตุผล: {}",
                    value["disclosure"]["reason"].as_str().unwrap_or("")
                )
            } else {
                "ข้อมูลของบุคคลอื่น (ผู้แจ้ง สมาชิกครัวเรือน ผู้รับมอบอำนาจ และชื่อเจ้าหน้าที่) ปกปิดไว้เพื่อคุ้มครองบุคคลเหล่านั้น ตาม พ.ร.บ.คุ้มครองข้อมูลส่วนบุคคล มาตรา 30 วรรคสอง".into()
            }],
        });
        let record = Record {
            title: "ข้อมูลส่วนบุคคลที่สำนักงานเก็บรักษา".into(),
            heading: vec![
                ("เจ้าของข้อมูล".into(), p.display_name()),
                ("ผู้ควบคุมข้อมูล".into(), format!("{} {}", office.name, office.address)),
                ("วันที่จัดทำ".into(), format_be_long(today)),
                (
                    "ตามสิทธิ".into(),
                    "การขอเข้าถึงและขอรับสำเนาข้อมูลส่วนบุคคล (พ.ร.บ.คุ้มครองข้อมูลส่วนบุคคล พ.ศ. 2562 มาตรา 30 และ 31) ฉบับอ่านได้ของไฟล์ JSON ที่แนบ".into(),
                ),
            ],
            sections,
            thai_digits: false,
        };
        let pdf =
            raksa_letter::render_record(&record).map_err(|e| CoreError::Corrupt(e.to_string()))?;
        self.audit(
            crate::audit::Access::Export,
            "person",
            Some(&id.to_string()),
            &format!(
                "pdpa access request: json and pdf; {}",
                crate::session::disclosure_note(scope)
            ),
        )?;
        Ok(PersonExport {
            json,
            pdf,
            base_name: format!(
                "ข้อมูลส่วนบุคคล-{}-{}",
                &id.to_string()[..8],
                today.format("%Y%m%d")
            ),
        })
    }
}
