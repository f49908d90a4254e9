//! The fact-finding form as versioned data, autosave, submission, attachments, households
//! and plans.

use chrono::NaiveDate;
use raksa_core::casework::CaseEventBody;
use raksa_core::fact_finding::{FormStatus, MAX_ATTACHMENT};
use raksa_core::form::{Answers, DefinitionError, FormDefinition, Mode};
use raksa_core::household::{EndMembership, NewMembership};
use raksa_core::model::*;
use raksa_core::plan::{NewPlanItem, PlanItemUpdate};
use raksa_core::{CoreError, FieldProblem, Session};
use serde_json::json;

use crate::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn shipped_json() -> &'static str {
    raksa_core::form::SHIPPED[0]
}

fn open_case(s: &mut Session, first: &str, id: &str) -> CaseSummary {
    let mut p = person(first, "ทดสอบ", id);
    p.subdistrict_code = Some("650101".into());
    let p = s.register_person(&p).unwrap();
    s.open_case(&NewCase {
        person_id: p.id,
        target_groups: vec![TargetGroup::Elderly],
        problem_domains: vec![ProblemDomain::Income, ProblemDomain::Care],
        summary: "ผู้สูงอายุอยู่ลำพัง".into(),
        ..intake_defaults()
    })
    .unwrap()
}

/// Every required field of the shipped form answered, as the UI would send it.
fn complete_answers() -> Answers {
    let v = json!({
        "header.interview_date": "2026-11-23",
        "header.interview_place": "office",
        "header.officer": "นายสมชาย ใจดี นักสังคมสงเคราะห์ชำนาญการ",
        "applicant.kind": "self",
        "person.nationality": "ไทย",
        "person.marital_status": "widowed",
        "registered_address.address": {
            "house_code": "65010123456", "house_no": "12", "moo": "3",
            "subdistrict_code": "650101", "postcode": "65000"
        },
        "current_address.kind": "own",
        "current_address.same_as_registered": true,
        "current_address.gps": { "lat": 16.8211, "lon": 100.2659 },
        "livelihood.education": "primary",
        "livelihood.occupation": "ไม่ได้ประกอบอาชีพ",
        "livelihood.monthly_income": 600,
        "client_types.groups": ["elderly"],
        "problems.found": ["income", "care"],
        "problems.details": "อยู่ลำพัง รายได้ไม่พอ",
        "help_requested.kinds": ["money"],
        "welfare_received.schemes": ["elderly_allowance"],
        "home_visit.opinion": "ควรได้รับเงินสงเคราะห์และผู้ดูแล",
        "consent.acknowledged": true,
        "consent.signed_by": "ผู้รับบริการ",
        "consent.date": "2026-11-23"
    });
    serde_json::from_value(v).unwrap()
}

#[test]
fn shipped_form_covers_every_section_of_the_paper_form() {
    let def = FormDefinition::parse(shipped_json()).unwrap();
    let keys: Vec<&str> = def.sections.iter().map(|s| s.key.as_str()).collect();
    // §2 of the domain reference, in order, with the household members section after the
    // addresses (the paper form lists members with the household).
    assert_eq!(
        keys,
        [
            "header",
            "applicant",
            "person",
            "registered_address",
            "current_address",
            "household",
            "livelihood",
            "client_types",
            "problems",
            "help_requested",
            "welfare_received",
            "home_visit",
            "help_given",
            "consent",
            "documents"
        ]
    );
    let types: std::collections::HashSet<&str> =
        def.fields().map(|f| f.field_type.as_str()).collect();
    for t in [
        "address",
        "gps",
        "household",
        "attachments",
        "consent",
        "date",
    ] {
        assert!(types.contains(t), "{t}");
    }
    let marital = def.field("person.marital_status").unwrap();
    let th: Vec<&str> = marital.choices.iter().map(|c| c.th.as_str()).collect();
    assert_eq!(
        th,
        [
            "โสด",
            "สมรสอยู่ด้วยกัน",
            "สมรสแยกกันอยู่",
            "ไม่ได้สมรสแต่อยู่ด้วยกัน",
            "หม้าย",
            "หย่า"
        ]
    );
}

#[test]
fn definitions_with_unknown_types_or_broken_references_are_refused() {
    let bad_type = shipped_json().replacen("\"type\": \"gps\"", "\"type\": \"signature_pad\"", 1);
    let e = FormDefinition::parse(&bad_type).unwrap_err();
    assert_eq!(e, DefinitionError::UnknownFieldType("signature_pad".into()));
    let msg = CoreError::from(e).message_th();
    assert!(
        msg.contains("signature_pad") && msg.contains("ไม่รู้จัก"),
        "{msg}"
    );

    let dup = shipped_json().replacen(
        "\"key\": \"person.religion\"",
        "\"key\": \"person.ethnicity\"",
        1,
    );
    assert!(matches!(
        FormDefinition::parse(&dup),
        Err(DefinitionError::DuplicateKey(_))
    ));
    let dangling = shipped_json().replacen(
        "\"field\": \"applicant.kind\"",
        "\"field\": \"applicant.nobody\"",
        1,
    );
    assert!(matches!(
        FormDefinition::parse(&dangling),
        Err(DefinitionError::BadReference(_))
    ));
    assert!(matches!(
        FormDefinition::parse("{\"form_id\": 5}"),
        Err(DefinitionError::Malformed(_))
    ));
}

#[test]
fn answers_are_validated_by_type_with_thai_messages() {
    let def = FormDefinition::parse(shipped_json()).unwrap();
    let today = d(2026, 11, 23);
    let mut a = complete_answers();
    let mut errs = raksa_core::error::FieldErrors::default();
    def.validate(&a, Mode::Submit, today, &mut errs);
    assert!(errs.into_result().is_ok());

    a.insert("header.interview_date".into(), json!("2027-01-01"));
    a.insert("person.marital_status".into(), json!("complicated"));
    a.insert(
        "current_address.gps".into(),
        json!({"lat": 48.85, "lon": 2.35}),
    );
    a.insert("livelihood.monthly_income".into(), json!(-5));
    a.insert(
        "registered_address.address".into(),
        json!({"house_code": "12", "subdistrict_code": "650101"}),
    );
    a.insert("nonexistent.field".into(), json!("x"));
    a.insert("problems.details".into(), json!("ก".repeat(20_000)));
    let mut errs = raksa_core::error::FieldErrors::default();
    def.validate(&a, Mode::Draft, today, &mut errs);
    let e = errs.into_result().unwrap_err();
    let by_field: std::collections::HashMap<&str, FieldProblem> = e
        .field_errors()
        .iter()
        .map(|f| (f.field.as_str(), f.problem))
        .collect();
    assert_eq!(
        by_field["header.interview_date"],
        FieldProblem::DateInFuture
    );
    assert_eq!(by_field["person.marital_status"], FieldProblem::NotAChoice);
    assert_eq!(
        by_field["current_address.gps"],
        FieldProblem::OutsideThailand
    );
    assert_eq!(
        by_field["livelihood.monthly_income"],
        FieldProblem::OutOfRange
    );
    assert_eq!(
        by_field["registered_address.address"],
        FieldProblem::HouseCodeFormat
    );
    assert_eq!(by_field["nonexistent.field"], FieldProblem::UnknownField);
    assert_eq!(by_field["problems.details"], FieldProblem::TooLong);
    assert!(e.field_errors().iter().all(|f| !f.message_th.is_empty()));

    // Submission needs every required, visible field; a proxy's name only when a proxy
    // applies; the current address only when it differs from the registered one.
    let mut a = complete_answers();
    a.remove("problems.found");
    a.insert("applicant.kind".into(), json!("proxy"));
    a.insert("current_address.same_as_registered".into(), json!(false));
    let mut errs = raksa_core::error::FieldErrors::default();
    def.validate(&a, Mode::Submit, today, &mut errs);
    let missing: Vec<String> = errs
        .into_result()
        .unwrap_err()
        .field_errors()
        .iter()
        .map(|f| f.field.clone())
        .collect();
    assert_eq!(
        missing,
        [
            "applicant.proxy_name",
            "applicant.proxy_relationship",
            "current_address.address",
            "problems.found"
        ]
    );
}

#[test]
fn draft_autosaves_keep_good_values_and_report_bad_ones() {
    let (_o, mut s, _) = new_office();
    let c = open_case(&mut s, "บุญมี", "3100501234563");

    let fresh = s.fact_finding(c.id).unwrap();
    assert_eq!(fresh.status, FormStatus::New);
    assert_eq!(fresh.definition.version, 1);
    // prefilled from the case and the person record
    assert_eq!(fresh.answers["client_types.groups"], json!(["elderly"]));
    assert_eq!(fresh.answers["problems.found"], json!(["income", "care"]));
    assert_eq!(
        fresh.answers["registered_address.address"]["subdistrict_code"],
        json!("650101")
    );
    assert!(
        fresh.answers["header.officer"]
            .as_str()
            .unwrap()
            .contains("สมชาย")
    );

    let mut a = fresh.answers.clone();
    a.insert("person.marital_status".into(), json!("widowed"));
    let saved = s.save_fact_finding_draft(c.id, &a).unwrap();
    assert_eq!(saved.status, FormStatus::Draft);
    assert!(saved.problems.is_empty());
    let person = saved.progress.iter().find(|p| p.key == "person").unwrap();
    assert_eq!((person.filled, person.required), (2, 2));
    assert!(person.complete);

    // A bad date in one field: the other new value is still saved; the old good value of
    // the bad field stays.
    a.insert("header.interview_date".into(), json!("2026-11-20"));
    s.save_fact_finding_draft(c.id, &a).unwrap();
    a.insert("header.interview_date".into(), json!("2030-01-01"));
    a.insert("livelihood.occupation".into(), json!("รับจ้างทั่วไป"));
    let saved = s.save_fact_finding_draft(c.id, &a).unwrap();
    assert_eq!(saved.problems.len(), 1);
    assert_eq!(saved.problems[0].field, "header.interview_date");
    assert_eq!(saved.answers["header.interview_date"], json!("2026-11-20"));
    assert_eq!(saved.answers["livelihood.occupation"], json!("รับจ้างทั่วไป"));

    // Resume later: a new session sees the draft as left.
    drop(s);
    let s = raksa_core::office::unlock(&_o.dir, "somchai", ADMIN_PW, _o.clock.clone()).unwrap();
    let again = s.fact_finding(c.id).unwrap();
    assert_eq!(again.status, FormStatus::Draft);
    assert_eq!(again.answers["livelihood.occupation"], json!("รับจ้างทั่วไป"));
    assert_eq!(again.revision, 3);
}

#[test]
fn submit_requires_the_required_fields_then_freezes_the_form_with_the_household() {
    let (_o, mut s, _) = new_office();
    let c = open_case(&mut s, "บุญมี", "3100501234563");
    let head = s.get_case(c.id).unwrap().case.person_id;
    // household of three
    let today = s.today();
    let h = s
        .create_household(head, "65010123456", d(2000, 1, 1))
        .unwrap();
    let spouse = s
        .register_person(&person("ทองดี", "ทดสอบ", "1101700203450"))
        .unwrap();
    let grandchild = s
        .register_person(&NewPerson {
            title: "เด็กหญิง".into(),
            identity: raksa_core::identity::Identity::NoId {
                reason: raksa_core::identity::NoIdReason::Unknown,
            },
            birth_date: Some(d(2015, 6, 1)),
            ..person("น้ำผึ้ง", "ทดสอบ", "")
        })
        .unwrap();
    s.add_household_member(
        h.id,
        &NewMembership {
            person_id: spouse.id,
            relationship: Relationship::Spouse,
            joined_on: d(2000, 1, 1),
        },
    )
    .unwrap();
    s.add_household_member(
        h.id,
        &NewMembership {
            person_id: grandchild.id,
            relationship: Relationship::Grandchild,
            joined_on: today,
        },
    )
    .unwrap();

    let mut partial = complete_answers();
    partial.remove("home_visit.opinion");
    s.save_fact_finding_draft(c.id, &partial).unwrap();
    let e = s.submit_fact_finding(c.id).unwrap_err();
    assert_eq!(e.field_errors()[0].field, "home_visit.opinion");
    assert_eq!(e.message_th(), "กรุณากรอกข้อมูลช่องนี้");

    s.save_fact_finding_draft(c.id, &complete_answers())
        .unwrap();
    let done = s.submit_fact_finding(c.id).unwrap();
    assert_eq!(done.status, FormStatus::Submitted);
    let members = done.answers["household.members"].as_array().unwrap();
    assert_eq!(members.len(), 3);
    assert_eq!(members[0]["relationship"], json!("head"));
    assert_eq!(members[2]["age"], json!(11));
    assert!(done.progress.iter().all(|p| p.complete));

    // Frozen: a save is refused until reopened with a reason, which the timeline keeps.
    let e = s
        .save_fact_finding_draft(c.id, &complete_answers())
        .unwrap_err();
    assert!(matches!(e, CoreError::Transition("form_submitted")));
    assert!(s.reopen_fact_finding(c.id, "").is_err());
    s.reopen_fact_finding(c.id, "แก้ไขรายได้").unwrap();
    let detail = s.get_case(c.id).unwrap();
    assert_eq!(detail.fact_finding, FormStatus::Draft);
    let kinds: Vec<&str> = detail.events.iter().map(|e| e.body.kind()).collect();
    assert!(kinds.ends_with(&["fact_finding_submitted", "fact_finding_reopened"]));
}

#[test]
fn a_new_form_version_is_used_by_new_cases_and_old_cases_keep_theirs() {
    let (_o, mut s, _) = new_office();
    let old = open_case(&mut s, "บุญมี", "3100501234563");
    s.save_fact_finding_draft(old.id, &complete_answers())
        .unwrap();

    // v2 adds a required field to the livelihood section.
    let mut v2: serde_json::Value = serde_json::from_str(shipped_json()).unwrap();
    v2["version"] = json!(2);
    v2["sections"][6]["fields"].as_array_mut().unwrap().push(
        json!({"key": "livelihood.debts", "type": "money", "required": true,
                     "label_th": "หนี้สิน (บาท)", "label_en": "Debts (baht)"}),
    );
    let v2 = v2.to_string();

    // only an administrator installs; a version is never replaced
    let mut bad = serde_json::from_str::<serde_json::Value>(&v2).unwrap();
    bad["sections"][0]["fields"][0]["type"] = json!("hologram");
    let e = s.install_form_definition(&bad.to_string()).unwrap_err();
    assert_eq!(e.code(), "form_definition");
    s.install_form_definition(&v2).unwrap();
    assert!(s.install_form_definition(&v2).is_err());

    // the old case still validates and submits with v1
    let kept = s.submit_fact_finding(old.id).unwrap();
    assert_eq!(kept.definition.version, 1);
    assert!(kept.definition.field("livelihood.debts").is_none());

    // a new case starts on v2 and needs the new field
    let new = open_case(&mut s, "มาลี", "1101700203450");
    let f = s.fact_finding(new.id).unwrap();
    assert_eq!(f.definition.version, 2);
    s.save_fact_finding_draft(new.id, &complete_answers())
        .unwrap();
    let e = s.submit_fact_finding(new.id).unwrap_err();
    assert_eq!(e.field_errors()[0].field, "livelihood.debts");
}

#[test]
fn attachments_are_checked_by_content_and_kept_encrypted() {
    let (o, mut s, _) = new_office();
    let c = open_case(&mut s, "บุญมี", "3100501234563");
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(b"RAKSA-ATTACHMENT-MARKER-0001");
    let info = s
        .add_attachment(c.id, "documents.files", "บัตรประชาชน.png", &png)
        .unwrap();
    assert_eq!(info.media_type, "image/png");

    let e = s
        .add_attachment(
            c.id,
            "documents.files",
            "script.png",
            b"<script>alert(1)</script>",
        )
        .unwrap_err();
    assert_eq!(
        e.field_errors()[0].problem,
        FieldProblem::FileTypeNotAllowed
    );
    let huge = {
        let mut v = b"%PDF-1.7\n".to_vec();
        v.resize(MAX_ATTACHMENT + 1, b' ');
        v
    };
    let e = s
        .add_attachment(c.id, "documents.files", "big.pdf", &huge)
        .unwrap_err();
    assert_eq!(e.message_th(), "ไฟล์ใหญ่เกินกำหนด (ไม่เกิน 10 MB ต่อไฟล์)");
    assert!(
        s.add_attachment(c.id, "person.religion", "x.png", &png)
            .is_err()
    );

    let back = s.attachment(info.id).unwrap();
    use base64::Engine;
    assert_eq!(
        base64::engine::general_purpose::STANDARD
            .decode(back.data_base64)
            .unwrap(),
        png
    );
    assert_eq!(s.fact_finding(c.id).unwrap().attachments.len(), 1);

    // nothing in the data folder shows the bytes in the clear
    s.check().unwrap();
    for entry in std::fs::read_dir(o.dir.root()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap_or_default();
        assert!(
            !bytes
                .windows(b"RAKSA-ATTACHMENT-MARKER".len())
                .any(|w| w == b"RAKSA-ATTACHMENT-MARKER")
        );
    }

    s.remove_attachment(info.id, "แนบผิดไฟล์").unwrap();
    assert!(matches!(s.attachment(info.id), Err(CoreError::NotFound)));
    assert!(s.fact_finding(c.id).unwrap().attachments.is_empty());
}

#[test]
fn a_person_has_one_current_household_and_history_is_kept() {
    let (_o, mut s, _) = new_office();
    let a = s
        .register_person(&person("บุญมี", "ทดสอบ", "3100501234563"))
        .unwrap();
    let b = s
        .register_person(&person("ทองดี", "ทดสอบ", "1101700203450"))
        .unwrap();
    let h1 = s.create_household(a.id, "", d(2010, 1, 1)).unwrap();
    // a's one household: starting another is refused
    let e = s.create_household(a.id, "", d(2010, 1, 1)).unwrap_err();
    assert_eq!(
        e.field_errors()[0].problem,
        FieldProblem::AlreadyInHousehold
    );
    assert!(s.create_household(b.id, "123", d(2010, 1, 1)).is_err());
    let h2 = s
        .create_household(b.id, "65010123456", d(2010, 1, 1))
        .unwrap();
    let e = s
        .add_household_member(
            h1.id,
            &NewMembership {
                person_id: b.id,
                relationship: Relationship::Spouse,
                joined_on: d(2012, 1, 1),
            },
        )
        .unwrap_err();
    assert_eq!(
        e.field_errors()[0].problem,
        FieldProblem::AlreadyInHousehold
    );

    // b leaves h2 and joins h1
    let b_in_h2 = h2.members[0].id;
    assert!(
        s.end_household_membership(&EndMembership {
            member_id: b_in_h2,
            reason: MembershipEnd::Left,
            on: d(2009, 1, 1),
        })
        .is_err(),
        "cannot leave before joining"
    );
    s.end_household_membership(&EndMembership {
        member_id: b_in_h2,
        reason: MembershipEnd::Left,
        on: d(2012, 1, 1),
    })
    .unwrap();
    let h1 = s
        .add_household_member(
            h1.id,
            &NewMembership {
                person_id: b.id,
                relationship: Relationship::Spouse,
                joined_on: d(2012, 1, 1),
            },
        )
        .unwrap();
    assert_eq!(h1.current().count(), 2);
    // a second head is refused
    let c = s
        .register_person(&person("สมปอง", "ทดสอบ", "1234567890121"))
        .unwrap();
    assert!(
        s.add_household_member(
            h1.id,
            &NewMembership {
                person_id: c.id,
                relationship: Relationship::Head,
                joined_on: d(2012, 1, 1),
            },
        )
        .is_err()
    );
    // a death is recorded, not deleted
    let h1 = s
        .end_household_membership(&EndMembership {
            member_id: h1.members[1].id,
            reason: MembershipEnd::Died,
            on: s.today(),
        })
        .unwrap();
    assert_eq!(h1.current().count(), 1);
    assert_eq!(h1.members.len(), 2);
    assert_eq!(h1.members[1].end_reason, Some(MembershipEnd::Died));
    let old = s.household(h2.id).unwrap();
    assert_eq!(old.current().count(), 0);
    assert_eq!(old.members[0].end_reason, Some(MembershipEnd::Left));
    assert!(s.person_household(b.id).unwrap().is_none());
}

#[test]
fn plans_need_a_goal_before_approval_and_household_plans_need_a_household() {
    let (_o, mut s, _) = new_office();
    let c = open_case(&mut s, "บุญมี", "3100501234563");
    let goal = |plan| NewPlanItem {
        plan,
        goal: "มีรายได้พอเลี้ยงชีพ".into(),
        activity: "ยื่นขอเบี้ยยังชีพผู้สูงอายุที่ อบต.".into(),
        responsible: "อบต.บ้านกร่าง / นางสาวมาลี".into(),
        due_on: d(2026, 12, 15),
        review_on: Some(d(2026, 12, 1)),
    };
    let e = s
        .add_plan_item(c.id, &goal(PlanKind::Household))
        .unwrap_err();
    assert_eq!(e.field_errors()[0].problem, FieldProblem::NotInHousehold);
    let mut early = goal(PlanKind::Individual);
    early.due_on = d(2026, 1, 1);
    assert!(s.add_plan_item(c.id, &early).is_err());

    for to in [
        CaseStatus::FactFinding,
        CaseStatus::Assessment,
        CaseStatus::Planning,
    ] {
        s.change_stage(c.id, to, "").unwrap();
    }
    let plan_req = raksa_core::casework::ApprovalRequest {
        approval: raksa_core::lifecycle::ApprovalKind::Plan,
        outcome: None,
        reason: "แผนรายบุคคล".into(),
    };
    let e = s.request_approval(c.id, &plan_req).unwrap_err();
    assert_eq!(e.message_th(), "ต้องบันทึกแผนอย่างน้อย 1 เป้าหมายก่อนขออนุมัติแผน");

    let item = s.add_plan_item(c.id, &goal(PlanKind::Individual)).unwrap();
    let head = s.get_case(c.id).unwrap().case.person_id;
    s.create_household(head, "", d(2000, 1, 1)).unwrap();
    s.set_case_household(c.id, true).unwrap();
    s.add_plan_item(c.id, &goal(PlanKind::Household)).unwrap();
    s.update_plan_item(
        item.id,
        &PlanItemUpdate {
            status: PlanItemStatus::InProgress,
            review_on: Some(d(2026, 12, 8)),
            note: "ยื่นเอกสารแล้ว".into(),
        },
    )
    .unwrap();
    s.request_approval(c.id, &plan_req).unwrap();
    let detail = s.get_case(c.id).unwrap();
    assert!(detail.household_id.is_some());
    assert_eq!(detail.plan_items.len(), 2);
    assert_eq!(detail.plan_items[1].status, PlanItemStatus::InProgress);
    assert!(detail.events.iter().any(|e| matches!(
        &e.body,
        CaseEventBody::PlanItemUpdated {
            status: PlanItemStatus::InProgress,
            ..
        }
    )));
}
