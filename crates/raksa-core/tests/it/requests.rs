//! The office inbox of requests for help (issue 15 §6): requests arrive by pull; accepting
//! one opens a pre-filled case in the same unit of work, and every step is queued for the
//! server after the case it names. Sensitive requests are need-to-know in the inbox too.

use raksa_core::model::*;
use raksa_domain::help_request::RequestStatus;
use raksa_protocol::{Entity, PullResponse, RecordState};
use serde_json::json;

use crate::*;

fn pulled(id: &str, issues: &[&str], urgency: &str, received_at: &str) -> RecordState {
    let fields = json!({
        "id": id, "channel": "hotline1300", "source": "1300", "received_at": received_at,
        "reporter": json!({"name": "นางสมศรี ใจดี", "phone": "0812345678", "relation": "เพื่อนบ้าน"}).to_string(),
        "person_name": "นายเอ บีซี", "person_citizen_id": "", "person_age": 70, "person_sex": "male",
        "subdistrict_code": "650101", "gps_lat": 16.82, "gps_lon": 100.26,
        "address_text": "ซอยข้างตลาด", "core_issues": serde_json::to_string(issues).unwrap(),
        "urgency": urgency, "details": "ผู้สูงอายุอยู่ลำพัง ไม่มีคนดูแล", "photos": "[]",
        "sensitive": i64::from(issues.contains(&"family_violence")),
        "status": "received", "owner_office": "พล", "case_id": null, "status_note": "",
        "pass_to": null, "history": "[]", "updated_at": received_at,
    });
    RecordState {
        entity: Entity::HelpRequests,
        record_id: id.into(),
        office: "พล".into(),
        fields: fields.as_object().unwrap().clone(),
        position: 1,
    }
}

fn page(records: Vec<RecordState>) -> PullResponse {
    PullResponse {
        next_cursor: records.len() as u64,
        records,
        more: false,
        admin_keys: Vec::new(),
    }
}

const A: &str = "0195f3a0-0000-7000-8000-000000000001";
const B: &str = "0195f3a0-0000-7000-8000-000000000002";
const C: &str = "0195f3a0-0000-7000-8000-000000000003";

#[test]
fn a_request_is_accepted_into_a_prefilled_case_and_the_step_goes_back_after_the_case() {
    let (_o, mut s, _) = new_office();
    s.apply_pull(&page(vec![
        pulled(A, &["elderly"], "normal", "2026-11-19T02:00:00Z"),
        pulled(B, &["family_violence"], "urgent", "2026-11-23T01:00:00Z"),
        pulled(C, &["begging"], "normal", "2026-11-23T01:30:00Z"),
    ]))
    .unwrap();
    let inbox = s.help_requests().unwrap();
    assert_eq!(inbox.len(), 3);
    assert_eq!(inbox[0].id.to_string(), B, "urgent first");
    assert!(
        inbox[0].sensitive && !inbox[0].restricted,
        "an administrator sees it"
    );
    let a = inbox.iter().find(|r| r.id.to_string() == A).unwrap();
    assert!(
        a.late,
        "received 19 Nov, normal: due on the 22nd, it is the 23rd"
    );
    assert_eq!(a.place, "ในเมือง เมืองพิษณุโลก พิษณุโลก");
    assert_eq!(s.help_requests_waiting().unwrap(), (3, 1));

    let p = s
        .register_person(&person("เอ", "บีซี", "3100600182731"))
        .unwrap();
    s.outbox_batch(500).unwrap(); // (what is queued so far)
    let before = s.outbox_batch(500).unwrap().len();
    let case = s.accept_help_request(A.parse().unwrap(), p.id).unwrap();
    assert_eq!(case.channel, IntakeChannel::Hotline1300);
    assert_eq!(case.urgency, Urgency::Normal);
    let detail = s.get_case(case.id).unwrap();
    assert!(detail.target_groups.contains(&TargetGroup::Elderly));
    assert!(detail.problem_domains.contains(&ProblemDomain::Care));
    assert_eq!(detail.reporter.as_ref().unwrap().name, "นางสมศรี ใจดี");
    assert!(detail.account.contains("ผู้สูงอายุอยู่ลำพัง"));
    let batch = s.outbox_batch(500).unwrap();
    let new: Vec<_> = batch[before..].iter().map(|m| m.entity).collect();
    let case_at = new.iter().position(|e| *e == Entity::Cases).unwrap();
    let step_at = new.iter().position(|e| *e == Entity::HelpRequests).unwrap();
    assert!(
        case_at < step_at,
        "the case goes up before the step naming it: {new:?}"
    );
    let step = batch[before..]
        .iter()
        .find(|m| m.entity == Entity::HelpRequests)
        .unwrap();
    assert_eq!(step.fields["status"], "case_opened");
    assert_eq!(step.fields["case_id"], case.id.to_string());
    // answered once
    assert!(s.accept_help_request(A.parse().unwrap(), p.id).is_err());
    let a = s
        .help_requests()
        .unwrap()
        .into_iter()
        .find(|r| r.id.to_string() == A)
        .unwrap();
    assert_eq!(a.status, RequestStatus::CaseOpened);
    assert!(!a.late);
    assert_eq!(
        s.request_of_case(case.id)
            .unwrap()
            .map(|u| u.to_string())
            .as_deref(),
        Some(A)
    );

    // A violence request becomes a sensitive case.
    let q = s
        .register_person(&person("บี", "ซีดี", "1101700203450"))
        .unwrap();
    let v = s.accept_help_request(B.parse().unwrap(), q.id).unwrap();
    assert!(v.sensitive);

    // Pass on and close need a reason; passing on to this office itself is refused.
    let c = C.parse().unwrap();
    assert!(s.close_help_request(c, "สั้น").is_err());
    assert!(
        s.pass_on_help_request(c, "พล", "ย้ายไปอยู่จังหวัดอื่นแล้ว")
            .is_err()
    );
    s.pass_on_help_request(c, "ชม", "ครอบครัวย้ายไปอยู่เชียงใหม่แล้ว")
        .unwrap();
    let step = s
        .outbox_batch(500)
        .unwrap()
        .into_iter()
        .rfind(|m| m.entity == Entity::HelpRequests)
        .unwrap();
    assert_eq!(step.fields["status"], "passed_on");
    assert_eq!(step.fields["pass_to"], "ชม");
    assert_eq!(s.help_requests_waiting().unwrap(), (0, 0));
}

#[test]
fn a_sensitive_request_shows_a_case_worker_only_that_it_exists() {
    let (o, mut admin, _) = new_office();
    admin
        .add_user(&NewUser {
            username: "malee".into(),
            full_name: "นางสาวมาลี ศรีสุข".into(),
            position: "นักสังคมสงเคราะห์".into(),
            role: Role::CaseWorker,
            password: "malee-password-2569".into(),
        })
        .unwrap();
    admin
        .apply_pull(&page(vec![pulled(
            B,
            &["family_violence"],
            "urgent",
            "2026-11-23T01:00:00Z",
        )]))
        .unwrap();
    drop(admin);
    let mut malee =
        raksa_core::office::unlock(&o.dir, "malee", "malee-password-2569", o.clock.clone())
            .unwrap();
    let r = malee.help_requests().unwrap().pop().unwrap();
    assert!(r.restricted);
    assert!(r.person_name.is_empty() && r.details.is_empty() && r.reporter.is_none());
    assert_eq!(r.urgency, Urgency::Urgent);
    let p = malee
        .register_person(&person("บี", "ซีดี", "1101700203450"))
        .unwrap();
    assert!(matches!(
        malee.accept_help_request(B.parse().unwrap(), p.id),
        Err(raksa_core::CoreError::NeedToKnow)
    ));
}

#[test]
fn a_volunteer_gets_a_one_time_code_and_only_its_hash_is_kept_and_synced() {
    let (_o, mut s, _) = new_office();
    let v = s
        .register_volunteer(&raksa_core::volunteers::NewVolunteer {
            full_name: "นางบุญเรือน อาสาดี".into(),
            phone: "089-123-4567".into(),
            subdistrict_code: Some("650101".into()),
        })
        .unwrap();
    assert_eq!(v.code.len(), 14);
    assert_eq!(v.volunteer.place, "ต.ในเมือง อ.เมืองพิษณุโลก จ.พิษณุโลก");
    let queued = s
        .outbox_batch(500)
        .unwrap()
        .into_iter()
        .find(|m| m.entity == Entity::Volunteers)
        .unwrap();
    let text = serde_json::to_string(&queued.fields).unwrap();
    assert!(!text.contains(&v.code) && !text.contains(&v.code.replace('-', "")));
    assert_eq!(
        queued.fields["code_hash"],
        raksa_protocol::volunteer_code_hash(&v.code)
    );
    // a new code replaces the old one
    let again = s.new_volunteer_code(v.volunteer.id).unwrap();
    assert_ne!(again.code, v.code);
    // an unknown sub-district is refused
    assert!(
        s.register_volunteer(&raksa_core::volunteers::NewVolunteer {
            full_name: "ผู้ทดสอบ".into(),
            phone: String::new(),
            subdistrict_code: Some("999999".into()),
        })
        .is_err()
    );
}

/// Issue 16 §3: an expedite notice from HuSEC arrives by pull, shows among the office's
/// open notices and on its case, and the worker's answer is queued for the server with
/// only the answer changed; a bad answer is refused with a Thai message.
#[test]
fn an_expedite_notice_is_answered_and_the_answer_is_queued_for_husec() {
    let (_o, mut s, _) = new_office();
    let p = s
        .register_person(&person("เอ", "บีซี", "3100600182731"))
        .unwrap();
    let case = s
        .open_case(&NewCase {
            person_id: p.id,
            summary: "ผู้สูงอายุอยู่ลำพัง".into(),
            ..intake_defaults()
        })
        .unwrap();
    let id = "0195f3a0-0000-7000-8000-0000000000e1";
    let fields = json!({
        "id": id, "target_kind": "case", "target_id": case.id.to_string(),
        "case_id": case.id.to_string(), "number": case.case_no, "step": "first",
        "note": "เร่งเยี่ยมบ้านภายในสัปดาห์นี้", "respond_by": "2026-11-20",
        "sent_by": "นางติดตาม เร่งรัด (husec-pl, ศรส. จังหวัด)", "sent_at": "2026-11-17T03:00:00Z",
        "status": "open", "answer": null, "new_date": null, "answered_by": null,
        "answered_at": null, "updated_at": "2026-11-17T03:00:00Z",
    });
    s.apply_pull(&page(vec![RecordState {
        entity: Entity::ExpediteNotices,
        record_id: id.into(),
        office: "พล".into(),
        fields: fields.as_object().unwrap().clone(),
        position: 1,
    }]))
    .unwrap();
    let open = s.open_expedite_notices().unwrap();
    assert_eq!(open.len(), 1);
    assert!(open[0].late, "answer was due on 20 Nov");
    assert_eq!(s.expedite_notices_of_case(case.id).unwrap().len(), 1);
    let nid = id.parse().unwrap();
    let e = s.answer_expedite_notice(nid, "ok", None).unwrap_err();
    assert!(!e.field_errors().is_empty(), "too short an answer");
    let e = s
        .answer_expedite_notice(nid, "<b>ตอบ</b> แล้วนะครับ", None)
        .unwrap_err();
    assert!(!e.field_errors().is_empty(), "markup");
    let before = s.outbox_batch(500).unwrap().len();
    s.answer_expedite_notice(nid, "ออกเยี่ยมบ้านแล้ว นัดทีมสหวิชาชีพ", None)
        .unwrap();
    let queued = s.outbox_batch(500).unwrap();
    let answers: Vec<_> = queued[before..]
        .iter()
        .filter(|m| m.entity == Entity::ExpediteNotices)
        .collect();
    assert_eq!(
        answers.len(),
        1,
        "one answer queued (beside its audit entry)"
    );
    let m = answers[0];
    assert_eq!(m.fields["status"], json!("answered"));
    assert_eq!(m.fields["answer"], json!("ออกเยี่ยมบ้านแล้ว นัดทีมสหวิชาชีพ"));
    assert_eq!(m.fields["note"], fields["note"], "HuSEC's note as it was");
    assert!(s.open_expedite_notices().unwrap().is_empty());
}
