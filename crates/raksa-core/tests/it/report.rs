//! The office dashboard, the list behind each number, and period reports as .xlsx and CSV
//! read back the way a spreadsheet would (issue 6).

use raksa_core::report::{CaseFilter, fiscal_year_range};
use raksa_core::table::{Cell, read_table};

use crate::*;

fn office_with_cases() -> (Office, Session) {
    let (o, mut s, _) = new_office();
    let csv = "คำนำหน้า,ชื่อ,นามสกุล,เลขประจำตัวประชาชน,ตำบล,อำเภอ,จังหวัด,วันที่รับเรื่อง,สรุปเรื่อง,ความเร่งด่วน\n\
               นาง,บุญเรือน,ทองดี,3100600182731,บ้านกร่าง,เมืองพิษณุโลก,พิษณุโลก,1/11/2569,ขาดรายได้,เร่งด่วน\n\
               นาย,สมศักดิ์,มั่นคง,1101700203450,ในเมือง,เมืองพิษณุโลก,พิษณุโลก,20/11/2569,=cmd|' /C calc'!A0,\n\
               นาง,มาลี,ศรีสุข,,,,,5/9/2569,ไร้ที่พึ่ง,\n";
    // The formula in a summary is refused at import…
    let p = s.import_preview(csv.as_bytes()).unwrap();
    assert_eq!(p.rows_with_errors, 1);
    // …so the register is fixed, then imported.
    let csv = csv.replace("=cmd|' /C calc'!A0", "ผู้สูงอายุถูกทอดทิ้ง");
    s.import_commit(csv.as_bytes(), &[]).unwrap();
    let p = s
        .register_person(&person("ทองใบ", "ใจงาม", "3100501234563"))
        .unwrap();
    s.open_case(&NewCase {
        person_id: p.id,
        summary: "=HYPERLINK(\"http://evil.example\",\"ดูรายละเอียด\")".into(),
        target_groups: vec![TargetGroup::Elderly, TargetGroup::Disabled],
        problem_domains: vec![ProblemDomain::Care],
        ..intake_defaults()
    })
    .unwrap();
    (o, s)
}

#[test]
fn the_dashboard_counts_open_cases_and_every_number_opens_its_list() {
    let (o, s) = office_with_cases();
    // Ten days on, fact-finding (7 days) is overdue for the cases still at intake.
    o.clock.advance_secs(10 * 86_400);
    let d = s.dashboard().unwrap();
    assert_eq!(d.open_cases, 4);
    assert_eq!(d.fiscal_year, 2570);
    assert_eq!(
        d.opened_this_fiscal_year, 3,
        "5/9/2569 belongs to fiscal year 2569"
    );
    assert!(d.overdue_cases >= 3, "{}", d.overdue_cases);
    let elderly = d
        .by_target_group
        .iter()
        .find(|t| t.key == "elderly")
        .unwrap();
    assert_eq!((elderly.count, elderly.label_th.as_str()), (1, "ผู้สูงอายุ"));
    let urgent = d.by_urgency.iter().find(|t| t.key == "urgent").unwrap();
    assert_eq!(urgent.count, 1);
    let mueang = d.by_district.iter().find(|t| t.key == "6501").unwrap();
    assert_eq!((mueang.count, mueang.label_th.as_str()), (2, "เมืองพิษณุโลก"));
    let krang = d.areas.iter().find(|a| a.code == "650113").unwrap();
    assert_eq!((krang.open, krang.urgent, krang.is_district), (1, 1, false));
    assert_eq!(d.months.len(), 12);
    let nov = d.months.iter().find(|m| m.month == "2026-11").unwrap();
    assert_eq!((nov.opened, nov.label_th.as_str()), (3, "พ.ย. 69"));

    // Clicking a number: the same count of cases comes back.
    let list = s
        .dashboard_cases(&CaseFilter {
            area: Some("6501".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(list.len() as u32, mueang.count);
    let list = s
        .dashboard_cases(&CaseFilter {
            urgency: Some(Urgency::Urgent),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(list[0].person_name, "นางบุญเรือน ทองดี");
    let list = s
        .dashboard_cases(&CaseFilter {
            opened_in: Some("2026-09".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(list.len(), 1);
    let list = s
        .dashboard_cases(&CaseFilter {
            overdue: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(list.len() as u32, d.overdue_cases);
    let list = s
        .dashboard_cases(&CaseFilter {
            area: Some("none".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(list.len(), 2);
}

#[test]
fn a_worker_cannot_see_the_office_figures() {
    let (o, mut s) = office_with_cases();
    s.add_user(&NewUser {
        username: "worker".into(),
        full_name: "นางสาวมาลี ศรีสุข".into(),
        position: "นักสังคมสงเคราะห์".into(),
        role: Role::CaseWorker,
        password: "worker-password".into(),
    })
    .unwrap();
    let w =
        raksa_core::office::unlock(&o.dir, "worker", "worker-password", o.clock.clone()).unwrap();
    assert!(matches!(
        w.dashboard(),
        Err(raksa_core::CoreError::Forbidden)
    ));
    let (a, b) = fiscal_year_range(2570);
    assert!(matches!(
        w.period_report_xlsx(a, b),
        Err(raksa_core::CoreError::Forbidden)
    ));
}

#[test]
fn the_fiscal_year_report_reads_back_from_xlsx_and_csv_with_formulas_escaped() {
    let (_o, s) = office_with_cases();
    let (from, to) = fiscal_year_range(2570);
    let view = s.period_report(from, to).unwrap();
    assert!(
        view.title
            .starts_with("รายงานผลการดำเนินงาน ปีงบประมาณ พ.ศ. 2570"),
        "{}",
        view.title
    );
    assert_eq!(
        view.sheets
            .iter()
            .map(|x| x.name.as_str())
            .collect::<Vec<_>>(),
        ["สรุป", "รายกรณี", "พื้นที่", "รายเดือน"]
    );

    let xlsx = s.period_report_xlsx(from, to).unwrap();
    let t = read_table(&xlsx).unwrap(); // the first sheet: the summary
    let row = |label: &str| {
        t.rows
            .iter()
            .find(|r| r.1[0].text() == label)
            .map(|r| r.1[1].clone())
    };
    assert_eq!(row("รับเรื่องใหม่ในช่วงนี้"), Some(Cell::Text("3".into())));
    assert_eq!(
        row("เร่งด่วน (อันตรายต่อชีวิต/ความรุนแรง)"),
        Some(Cell::Text("1".into()))
    );

    // The case list as CSV: BOM, case numbers, no names or IDs.
    let csv = s.period_report_csv(from, to).unwrap();
    assert!(csv.starts_with(&[0xEF, 0xBB, 0xBF]));
    let text = String::from_utf8(csv).unwrap();
    assert!(text.contains("เลขที่กรณี,วันที่รับเรื่อง"));
    assert_eq!(
        text.matches("พล-2569-").count() + text.matches("พล-2570-").count(),
        3
    );
    assert!(!text.contains("บุญเรือน") && !text.contains("3100600182731"));

    // A month's report is a date range too.
    let nov = s
        .period_report(
            chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
        )
        .unwrap();
    assert!(
        nov.title.contains("1 พฤศจิกายน 2569 ถึง 30 พฤศจิกายน 2569"),
        "{}",
        nov.title
    );
    assert_eq!(nov.sheets[1].rows.len(), 3);
    let audit = s.audit_entries(20).unwrap();
    assert!(audit.iter().any(|a| a.detail.contains("as xlsx")));
}

/// Issue 17: the dashboard counts late cases from kept due dates; whatever changes a
/// case's deadlines (a new rule, a home visit, a stage change, time passing) it agrees
/// with the office's work list, which computes them afresh. Each step turns one case from
/// late to on time or back, so a kept date that was not renewed shows as a disagreement.
#[test]
fn kept_due_dates_agree_with_the_work_list_after_every_kind_of_change() {
    use raksa_core::deadlines::{DeadlineRule, DueState, Milestone};
    let (o, mut s) = office_with_cases();
    let late_in_list = |s: &Session, case: uuid::Uuid| {
        s.work_list(false)
            .unwrap()
            .items
            .iter()
            .any(|i| i.case_id == case && i.state == DueState::Overdue)
    };
    let agree = |s: &Session, when: &str| {
        let list = s.work_list(false).unwrap();
        let late: std::collections::HashSet<_> = list
            .items
            .iter()
            .filter(|i| i.state == DueState::Overdue)
            .map(|i| i.case_id)
            .collect();
        assert_eq!(
            s.dashboard().unwrap().overdue_cases as usize,
            late.len(),
            "{when}"
        );
    };
    let p = s
        .register_person(&person("ประยูร", "ศรีสวัสดิ์", "3100400156788"))
        .unwrap();
    let case = s
        .open_case(&NewCase {
            person_id: p.id,
            summary: "ผู้สูงอายุอยู่ลำพัง ขาดผู้ดูแล".into(),
            ..intake_defaults()
        })
        .unwrap()
        .id;
    agree(&s, "the new case, its due dates kept");
    // from today: first contact within 2 days, fact-finding 60, a plan 90
    let today = s.today();
    for (m, days) in [
        (Milestone::FirstContact, 2),
        (Milestone::FactFinding, 60),
        (Milestone::Plan, 90),
    ] {
        s.set_deadline_rule(&DeadlineRule {
            milestone: m,
            urgency: Urgency::Normal,
            days,
            effective_from: today,
            reference: "หนังสือสั่งการ ที่ พม ๐๒๐๐/๑".into(),
        })
        .unwrap();
    }
    o.clock.advance_secs(3 * 86_400);
    assert!(late_in_list(&s, case), "late by the new first-contact rule");
    agree(&s, "after new rules");
    s.add_home_visit(
        case,
        &raksa_core::casework::NewHomeVisit {
            visited_on: s.today(),
            visitors: "นักสังคมสงเคราะห์".into(),
            living_conditions: "บ้านไม้ชั้นเดียว".into(),
            findings: "อยู่ลำพัง".into(),
            opinion: "ควรได้รับความช่วยเหลือ".into(),
        },
    )
    .unwrap();
    assert!(!late_in_list(&s, case), "the visit was the first contact");
    agree(&s, "after a home visit");
    o.clock.advance_secs(60 * 86_400);
    assert!(late_in_list(&s, case), "fact-finding is late now");
    agree(&s, "two months on");
    s.change_stage(case, CaseStatus::FactFinding, "เริ่มสอบข้อเท็จจริง")
        .unwrap();
    s.change_stage(case, CaseStatus::Assessment, "สอบข้อเท็จจริงแล้ว")
        .unwrap();
    assert!(!late_in_list(&s, case), "only the plan is due, in 90 days");
    agree(&s, "after stage changes");
}

/// The trigger that unlists a case's kept due dates names the timeline kinds the deadline
/// reading uses (SQL cannot call raksa-domain): the two lists must be the same.
#[test]
fn the_due_date_trigger_watches_exactly_the_kinds_the_deadline_reading_uses() {
    let m = raksa_core::migrations::MIGRATIONS
        .iter()
        .find(|m| m.sql.contains("CREATE TRIGGER case_due_event"))
        .unwrap();
    let watched = m
        .sql
        .split("WHEN NEW.kind IN (")
        .nth(1)
        .and_then(|r| r.split(')').next())
        .unwrap();
    let kinds: Vec<String> = raksa_core::deadlines::CaseFacts::KINDS
        .iter()
        .map(|k| format!("'{k}'"))
        .collect();
    assert_eq!(watched, kinds.join(", "));
}
