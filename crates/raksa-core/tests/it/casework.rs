use chrono::NaiveDate;
use raksa_core::casework::*;
use raksa_core::deadlines::{self, CaseFacts, DueState, Milestone};
use raksa_core::lifecycle::{self, ApprovalKind, TransitionError};
use raksa_core::model::*;
use raksa_core::{CoreError, FieldProblem, Session, office};

use crate::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn every_transition_rule() {
    use CaseStatus::*;
    let all = CaseStatus::ALL;
    let allowed = [
        (Intake, FactFinding),
        (FactFinding, Assessment),
        (Assessment, Planning),
        (Assessment, FactFinding),
        (Planning, Assessment),
        (Intervention, FollowUp),
        (FollowUp, Intervention),
    ];
    for &from in all {
        for &to in all {
            let r = lifecycle::check_stage_change(from, to);
            if from == Closed {
                assert_eq!(r, Err(TransitionError::Closed), "{from:?}→{to:?}");
            } else if to == Closed {
                assert_eq!(
                    r,
                    Err(TransitionError::NeedsApproval(ApprovalKind::Closure))
                );
            } else if (from, to) == (Planning, Intervention) {
                assert_eq!(r, Err(TransitionError::NeedsApproval(ApprovalKind::Plan)));
            } else if allowed.contains(&(from, to)) {
                assert_eq!(r, Ok(()), "{from:?}→{to:?}");
            } else {
                assert_eq!(r, Err(TransitionError::NotAllowed), "{from:?}→{to:?}");
            }
        }
    }
    assert!(lifecycle::can_request(Planning, ApprovalKind::Plan));
    assert!(!lifecycle::can_request(Assessment, ApprovalKind::Plan));
    assert!(lifecycle::can_request(FollowUp, ApprovalKind::Closure));
    assert!(!lifecycle::can_request(Closed, ApprovalKind::Closure));
}

struct Team {
    o: Office,
    admin: Session,
    worker: uuid::Uuid,
    supervisor: uuid::Uuid,
}

fn team() -> Team {
    let (o, mut admin, _) = new_office();
    let mut add = |u: &str, name: &str, role| {
        admin
            .add_user(&NewUser {
                username: u.into(),
                full_name: name.into(),
                position: "ตำแหน่ง".into(),
                role,
                password: format!("{u}-password-2569"),
            })
            .unwrap()
            .id
    };
    let worker = add("worker", "นางสาวมาลี ศรีสุข", Role::CaseWorker);
    let supervisor = add("boss", "นางวิไล หัวหน้า", Role::Supervisor);
    Team {
        o,
        admin,
        worker,
        supervisor,
    }
}

fn login(o: &Office, user: &str) -> Session {
    office::unlock(
        &o.dir,
        user,
        &format!("{user}-password-2569"),
        o.clock.clone(),
    )
    .unwrap()
}

fn elderly_case(s: &mut Session, urgency: Urgency) -> CaseSummary {
    let p = s
        .register_person(&person("บุญมี", "ทองใบ", "3100600182731"))
        .unwrap();
    s.open_case(&NewCase {
        person_id: p.id,
        summary: "ผู้สูงอายุติดเตียง อยู่ลำพัง".into(),
        urgency,
        target_groups: vec![
            TargetGroup::Elderly,
            TargetGroup::Bedridden,
            TargetGroup::Elderly,
        ],
        problem_domains: vec![ProblemDomain::Care, ProblemDomain::Income],
        reporter: Some(Reporter {
            name: "นายสมหมาย".into(),
            relationship: "อพม.".into(),
            contact: "089-000-0000".into(),
        }),
        account: "อพม. แจ้งว่าไม่มีผู้ดูแล".into(),
        ..crate::intake_defaults()
    })
    .unwrap()
}

#[test]
fn a_case_moves_through_its_lifecycle_with_supervisor_approvals() {
    let mut t = team();
    let c = elderly_case(&mut t.admin, Urgency::Normal);
    t.admin.assign_case(c.id, t.worker).unwrap();
    drop(t.admin);

    let mut w = login(&t.o, "worker");
    let detail = w.get_case(c.id).unwrap();
    assert_eq!(detail.case.assigned_to.as_deref(), Some("นางสาวมาลี ศรีสุข"));
    assert_eq!(
        detail.target_groups,
        [TargetGroup::Elderly, TargetGroup::Bedridden]
    );
    assert_eq!(detail.reporter.as_ref().unwrap().relationship, "อพม.");
    assert_eq!(detail.next_stages, [CaseStatus::FactFinding]);

    // skipping ahead or closing directly is refused in the core
    let e = w.change_stage(c.id, CaseStatus::Planning, "").unwrap_err();
    assert!(matches!(e, CoreError::Transition("not_allowed")));
    let e = w.change_stage(c.id, CaseStatus::Closed, "").unwrap_err();
    assert_eq!(e.message_th(), "การปิดกรณีต้องขออนุมัติจากหัวหน้างาน");

    w.change_stage(c.id, CaseStatus::FactFinding, "รับเรื่องแล้ว")
        .unwrap();
    w.add_home_visit(
        c.id,
        &NewHomeVisit {
            visited_on: w.today(),
            visitors: "นางสาวมาลี, อพม.สมหมาย".into(),
            living_conditions: "บ้านไม้ชั้นเดียว หลังคารั่ว".into(),
            findings: "ติดเตียง ไม่มีผู้ดูแลกลางวัน".into(),
            opinion: "ควรได้รับเบี้ยยังชีพและผู้ดูแล".into(),
        },
    )
    .unwrap();
    w.change_stage(c.id, CaseStatus::Assessment, "").unwrap();
    w.change_stage(c.id, CaseStatus::Planning, "").unwrap();
    let e = w
        .change_stage(c.id, CaseStatus::Intervention, "")
        .unwrap_err();
    assert_eq!(e.message_th(), "ต้องให้หัวหน้างานอนุมัติแผนก่อนเริ่มดำเนินการช่วยเหลือ");
    w.add_plan_item(
        c.id,
        &raksa_core::plan::NewPlanItem {
            plan: PlanKind::Individual,
            goal: "มีผู้ดูแลกลางวัน".into(),
            activity: "ประสานผู้ดูแลผู้สูงอายุ (CG) ของ รพ.สต.".into(),
            responsible: "รพ.สต.บ้านกร่าง".into(),
            due_on: w.today() + chrono::Duration::days(14),
            review_on: None,
        },
    )
    .unwrap();
    w.request_approval(
        c.id,
        &ApprovalRequest {
            approval: ApprovalKind::Plan,
            outcome: None,
            reason: "แผนดูแลรายบุคคล".into(),
        },
    )
    .unwrap();
    // a second request while one waits is refused; the worker cannot decide
    assert!(
        w.request_approval(
            c.id,
            &ApprovalRequest {
                approval: ApprovalKind::Closure,
                outcome: Some(ClosureOutcome::Resolved),
                reason: "x".into()
            }
        )
        .is_err()
    );
    assert!(matches!(
        w.decide_approval(c.id, true, ""),
        Err(CoreError::Forbidden)
    ));
    drop(w);

    let mut s = login(&t.o, "boss");
    let detail = s.get_case(c.id).unwrap();
    assert!(detail.can_decide);
    assert_eq!(
        detail.pending.as_ref().unwrap().requested_by_name,
        "นางสาวมาลี ศรีสุข"
    );
    // returning needs a comment
    assert!(s.decide_approval(c.id, false, "").is_err());
    s.decide_approval(c.id, false, "เพิ่มกิจกรรมผู้ดูแล").unwrap();
    assert_eq!(s.get_case(c.id).unwrap().case.status, CaseStatus::Planning);
    drop(s);

    let mut w = login(&t.o, "worker");
    w.request_approval(
        c.id,
        &ApprovalRequest {
            approval: ApprovalKind::Plan,
            outcome: None,
            reason: "แก้ไขแล้ว".into(),
        },
    )
    .unwrap();
    drop(w);
    let mut s = login(&t.o, "boss");
    s.decide_approval(c.id, true, "").unwrap();
    assert_eq!(
        s.get_case(c.id).unwrap().case.status,
        CaseStatus::Intervention
    );
    drop(s);

    let mut w = login(&t.o, "worker");
    w.add_assistance(
        c.id,
        &NewAssistance {
            given_on: w.today(),
            form: AssistanceForm::Money,
            description: "เงินสงเคราะห์ครอบครัวผู้มีรายได้น้อย".into(),
            amount_baht: Some(3000),
            funding: "กองทุนคุ้มครองเด็ก".into(),
        },
    )
    .unwrap();
    // money without an amount is refused, field by field
    let e = w
        .add_assistance(
            c.id,
            &NewAssistance {
                given_on: w.today(),
                form: AssistanceForm::Money,
                description: "x".into(),
                amount_baht: None,
                funding: "".into(),
            },
        )
        .unwrap_err();
    assert_eq!(e.field_errors()[0].field, "amount_baht");
    w.change_stage(c.id, CaseStatus::FollowUp, "").unwrap();
    w.request_approval(
        c.id,
        &ApprovalRequest {
            approval: ApprovalKind::Closure,
            outcome: Some(ClosureOutcome::Resolved),
            reason: "ได้รับเบี้ยยังชีพแล้ว".into(),
        },
    )
    .unwrap();
    drop(w);

    // a supervisor cannot approve their own request (four eyes)
    let mut s = login(&t.o, "boss");
    s.decide_approval(c.id, true, "").unwrap();
    let done = s.get_case(c.id).unwrap();
    assert_eq!(done.case.status, CaseStatus::Closed);
    assert_eq!(done.outcome, Some(ClosureOutcome::Resolved));
    assert!(done.deadlines.is_empty());
    assert!(
        s.add_note(c.id, "หลังปิด").is_ok(),
        "notes are still allowed on closed cases"
    );
    assert!(matches!(
        s.change_stage(c.id, CaseStatus::Assessment, ""),
        Err(CoreError::Transition("closed"))
    ));
    s.reopen_case(c.id, "กลับมาขอความช่วยเหลือใหม่").unwrap();
    let reopened = s.get_case(c.id).unwrap();
    assert_eq!(reopened.case.status, CaseStatus::Assessment);

    // the timeline holds everything, in order
    let kinds: Vec<&str> = reopened.events.iter().map(|e| e.body.kind()).collect();
    assert_eq!(
        kinds,
        [
            "opened",
            "assigned",
            "stage_changed",
            "home_visit",
            "stage_changed",
            "stage_changed",
            "plan_item_added",
            "approval_requested",
            "approval_decided",
            "approval_requested",
            "approval_decided",
            "stage_changed",
            "assistance",
            "stage_changed",
            "approval_requested",
            "approval_decided",
            "stage_changed",
            "note",
            "reopened"
        ]
    );
}

#[test]
fn nobody_approves_their_own_request() {
    let mut t = team();
    let c = elderly_case(&mut t.admin, Urgency::Normal);
    t.admin
        .request_approval(
            c.id,
            &ApprovalRequest {
                approval: ApprovalKind::Closure,
                outcome: Some(ClosureOutcome::Unreachable),
                reason: "ติดต่อไม่ได้".into(),
            },
        )
        .unwrap();
    let e = t.admin.decide_approval(c.id, true, "").unwrap_err();
    assert_eq!(e.message_th(), "ผู้ขออนุมัติไม่สามารถอนุมัติคำขอของตนเองได้");
    let _ = t.supervisor;
}

#[test]
fn entries_are_append_only_and_corrections_point_at_the_original() {
    let mut t = team();
    let c = elderly_case(&mut t.admin, Urgency::Normal);
    let note = t.admin.add_note(c.id, "โทรติดต่อญาติไม่ได้").unwrap();
    t.admin
        .add_correction(c.id, &note, "โทรติดต่อได้แล้วในวันเดียวกัน")
        .unwrap();
    let detail = t.admin.get_case(c.id).unwrap();
    let corr = detail.events.last().unwrap();
    assert_eq!(corr.corrects.as_deref(), Some(note.as_str()));
    assert!(
        detail.events.iter().any(|e| e.id == note),
        "the original stays"
    );
    assert!(t.admin.add_correction(c.id, "no-such-entry", "x").is_err());
    assert!(t.admin.add_note(c.id, "  ").is_err());
}

#[test]
fn deadlines_follow_the_rules_in_force_at_intake() {
    let rules = deadlines::default_rules();
    let facts = CaseFacts {
        intake_date: d(2026, 11, 23),
        urgency: Urgency::Urgent,
        stage: CaseStatus::Intake,
        first_contact: None,
        intervention_since: None,
        last_visit: None,
    };
    let due = deadlines::due_dates(&facts, &rules);
    assert_eq!(
        due,
        [
            (Milestone::FirstContact, d(2026, 11, 24)),
            (Milestone::FactFinding, d(2026, 11, 26)),
            (Milestone::Plan, d(2026, 12, 8)),
        ]
    );
    // a rule change from a date applies to cases taken in from then on, not before
    let mut changed = rules.clone();
    changed.push(deadlines::DeadlineRule {
        milestone: Milestone::Plan,
        urgency: Urgency::Urgent,
        days: 10,
        effective_from: d(2026, 12, 1),
        reference: "หนังสือสั่งการ".into(),
    });
    assert_eq!(deadlines::due_dates(&facts, &changed)[2].1, d(2026, 12, 8));
    let later = CaseFacts {
        intake_date: d(2026, 12, 2),
        ..facts.clone()
    };
    assert_eq!(deadlines::due_dates(&later, &changed)[2].1, d(2026, 12, 12));
    // follow-up repeats from the last visit after intervention started
    let following = CaseFacts {
        stage: CaseStatus::FollowUp,
        first_contact: Some(d(2026, 11, 24)),
        intervention_since: Some(d(2026, 12, 1)),
        last_visit: Some(d(2027, 1, 10)),
        ..facts
    };
    assert_eq!(
        deadlines::due_dates(&following, &rules),
        [(Milestone::FollowUp, d(2027, 2, 9))]
    );
    assert_eq!(
        deadlines::due_state(d(2026, 11, 22), d(2026, 11, 23)),
        DueState::Overdue
    );
    assert_eq!(
        deadlines::due_state(d(2026, 11, 23), d(2026, 11, 23)),
        DueState::Today
    );
    assert_eq!(
        deadlines::due_state(d(2026, 11, 29), d(2026, 11, 23)),
        DueState::ThisWeek
    );
    assert_eq!(
        deadlines::due_state(d(2026, 11, 30), d(2026, 11, 23)),
        DueState::Later
    );
}

#[test]
fn my_work_shows_overdue_cases_when_the_clock_passes_the_follow_up_date() {
    let mut t = team();
    let c = elderly_case(&mut t.admin, Urgency::Urgent);
    t.admin.assign_case(c.id, t.worker).unwrap();
    drop(t.admin);
    let w = login(&t.o, "worker");
    let list = w.work_list(true).unwrap();
    assert_eq!(list.overdue, 0);
    assert!(
        list.items
            .iter()
            .any(|i| i.milestone == Milestone::FirstContact && i.state == DueState::ThisWeek)
    );
    drop(w);
    // two days later (Bangkok) the urgent first contact (24 h) is overdue
    t.o.clock.advance_secs(2 * 86_400);
    let w = login(&t.o, "worker");
    let list = w.work_list(true).unwrap();
    let first = list
        .items
        .iter()
        .find(|i| i.milestone == Milestone::FirstContact)
        .unwrap();
    assert_eq!(first.state, DueState::Overdue);
    assert_eq!(first.days_late, 1);
    assert!(list.overdue >= 1);
    // the worker's view is theirs alone; the office view is for supervisors
    assert!(matches!(w.work_list(false), Err(CoreError::Forbidden)));
    drop(w);
    let s = login(&t.o, "boss");
    assert!(s.work_list(true).unwrap().items.is_empty());
    assert_eq!(s.work_list(false).unwrap().overdue, list.overdue);
}

#[test]
fn an_administrator_changes_a_rule_from_a_date() {
    let mut t = team();
    t.admin
        .set_deadline_rule(&deadlines::DeadlineRule {
            milestone: Milestone::FirstContact,
            urgency: Urgency::Normal,
            days: 2,
            effective_from: d(2026, 11, 23),
            reference: "คำสั่ง พม. ที่ ๑/๒๕๖๙".into(),
        })
        .unwrap();
    let c = elderly_case(&mut t.admin, Urgency::Normal);
    let detail = t.admin.get_case(c.id).unwrap();
    let first = detail
        .deadlines
        .iter()
        .find(|i| i.milestone == Milestone::FirstContact)
        .unwrap();
    assert_eq!(first.due_date, d(2026, 11, 25));
    assert!(
        t.admin
            .set_deadline_rule(&deadlines::DeadlineRule {
                days: 0,
                ..deadlines::default_rules()[0].clone()
            })
            .is_err()
    );
    // Issue 13: rules are versions. A rule cannot start in the past (it would rewrite the
    // deadlines of cases already received), nor replace the version of the same date, nor
    // be changed behind the app's back.
    let from_past = deadlines::DeadlineRule {
        milestone: Milestone::FirstContact,
        urgency: Urgency::Normal,
        days: 9,
        effective_from: d(2026, 11, 1),
        reference: "ย้อนหลัง".into(),
    };
    let e = t.admin.set_deadline_rule(&from_past).unwrap_err();
    assert_eq!(e.field_errors()[0].problem, FieldProblem::RuleInPast);
    let e = t
        .admin
        .set_deadline_rule(&deadlines::DeadlineRule {
            effective_from: d(2026, 11, 23),
            ..from_past.clone()
        })
        .unwrap_err();
    assert_eq!(e.field_errors()[0].problem, FieldProblem::RuleVersionExists);
    assert!(e.message_th().contains("แก้ไขไม่ได้"));
    let due = |s: &Session| -> Vec<(Milestone, NaiveDate)> {
        s.get_case(c.id)
            .unwrap()
            .deadlines
            .iter()
            .map(|i| (i.milestone, i.due_date))
            .collect()
    };
    let first_again = due(&t.admin);
    assert!(first_again.contains(&(Milestone::FirstContact, d(2026, 11, 25))));
    t.admin
        .set_deadline_rule(&deadlines::DeadlineRule {
            effective_from: d(2026, 12, 1),
            ..from_past
        })
        .unwrap();
    assert_eq!(
        due(&t.admin),
        first_again,
        "a later version leaves this case alone"
    );
    drop(t.admin);
    let mut w = login(&t.o, "worker");
    assert!(matches!(
        w.set_deadline_rule(&deadlines::default_rules()[0]),
        Err(CoreError::Forbidden)
    ));
}
