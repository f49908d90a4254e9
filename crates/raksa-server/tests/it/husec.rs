//! HuSEC's staff (issue 16 §1–2): scopes hold on both backends — provincial staff see only
//! their province, nobody sees a person without stating a reason, a sensitive case's
//! person is for national staff only — every access is audited, and the office gets the
//! access on the case's timeline. Over real HTTP: the session cookie, CSRF, the late list
//! holds no names, the CSV export.

use chrono::Duration;
use raksa_protocol::{Entity, Mutation, PROTOCOL_VERSION, PushRequest};
use raksa_server::store::tracking::{LateQuery, LateSort};
use raksa_server::store::{Device, Store};
use serde_json::json;

use crate::*;

const NAME: &str = "สมหญิง ทดสอบสิทธิ์";

fn push(store: &Store, d: &Device, mutations: Vec<Mutation>) {
    store
        .push(
            d,
            &PushRequest {
                protocol: PROTOCOL_VERSION,
                mutations,
            },
        )
        .unwrap();
}

/// A late urgent case about a named person (number `n`), sensitive or not.
fn late_case(seq: u64, n: u32, sensitive: bool) -> Vec<Mutation> {
    let intake = raksa_server::national::today() - Duration::days(20);
    let (first, last) = NAME.split_once(' ').unwrap();
    vec![
        Mutation::new(
            seq,
            Entity::People,
            id(n + 500),
            fields_of(
                &json!({"id": id(n + 500), "title": "นาง", "first_name": first,
                "last_name": last, "id_number": "1101700203451", "phone": "0899999999",
                "birth_date": "1980-05-01", "address_text": "12 หมู่ 3"}),
            ),
            None,
        ),
        Mutation::new(
            seq + 1,
            Entity::Cases,
            id(n),
            fields_of(
                &json!({"id": id(n), "case_no": format!("ทดสอบ-{n}"), "person_id": id(n + 500),
                "status": "intake", "urgency": "urgent", "channel": "hotline1300",
                "intake_date": intake.to_string(), "stage_since": intake.to_string(),
                "target_groups": "[\"woman\"]", "problem_domains": "[\"safety\"]",
                "created_by": id(0), "sensitive": i64::from(sensitive)}),
            ),
            None,
        ),
    ]
}

fn q() -> LateQuery {
    LateQuery {
        today: raksa_server::national::today(),
        offices: None,
        kind: String::new(),
        channel: String::new(),
        milestone: String::new(),
        min_days_late: 1,
        assigned: String::new(),
        sort: LateSort::DaysLate,
        limit: 50,
        offset: 0,
    }
}

fn session(store: &Store, user: &str) -> raksa_server::store::husec::HusecUser {
    let (token, _) = store
        .husec_sign_in(user, &format!("{user}-password-2569"))
        .unwrap()
        .expect("signed in");
    store.husec_session(&token).unwrap().unwrap()
}

#[test]
fn provincial_staff_see_their_province_only_and_identities_need_a_reason() {
    for b in backends() {
        let s = &b.store;
        let pl = device(s, "พล", "pc-pl");
        let cm = device(s, "ชม", "pc-cm");
        s.set_office_province("พล", "65").unwrap();
        s.set_office_province("ชม", "50").unwrap();
        push(s, &pl, late_case(1, 1, false));
        push(s, &pl, late_case(3, 2, true));
        push(s, &cm, late_case(1, 3, false));
        for (u, role, p) in [
            ("husec-nat", "national", ""),
            ("husec-pl", "provincial", "65"),
            ("husec-north", "regional", "50,65"),
        ] {
            s.add_husec_user(u, "เจ้าหน้าที่ ศรส.", role, p, &format!("{u}-password-2569"))
                .unwrap();
        }
        // a provincial account needs exactly one real province
        assert!(
            s.add_husec_user("x1", "x", "provincial", "", "x1-password-2569")
                .is_err()
        );
        assert!(
            s.add_husec_user("x2", "x", "provincial", "99", "x2-password-2569")
                .is_err()
        );
        let nat = session(s, "husec-nat");
        let prov = session(s, "husec-pl");
        let north = session(s, "husec-north");

        let offices_of = |u, province: Option<&str>| {
            let (rows, total) = s.husec_late(u, province, q(), "view_late").unwrap();
            assert_eq!(rows.len() as u64, total);
            let mut o: Vec<String> = rows.into_iter().map(|r| r.office).collect();
            o.sort();
            o.dedup();
            o
        };
        assert_eq!(offices_of(&nat, None), ["ชม", "พล"], "{}", b.name);
        assert_eq!(offices_of(&north, None), ["ชม", "พล"], "{}", b.name);
        assert_eq!(offices_of(&prov, None), ["พล"], "{}", b.name);
        // asking for another province gives nothing, not that province
        assert!(offices_of(&prov, Some("50")).is_empty(), "{}", b.name);
        assert_eq!(offices_of(&nat, Some("50")), ["ชม"]);
        // the figures too
        let n = s.husec_national(&prov, None, q().today).unwrap();
        assert_eq!(
            n.offices
                .iter()
                .map(|o| o.office.as_str())
                .collect::<Vec<_>>(),
            ["พล"]
        );
        assert_eq!((n.totals.open, n.totals.overdue), (2, 2), "{}", b.name);

        // Chiang Mai's case is not there for Phitsanulok's staff, even by its id
        let e = s.husec_item(&prov, "case", &id(3)).unwrap_err();
        assert!(matches!(
            e,
            raksa_server::store::StoreError::Refused(404, _)
        ));
        assert!(
            s.husec_identity(&prov, "case", &id(3), "ติดตามกรณีเร่งด่วนของจังหวัด")
                .is_err()
        );
        // no identity without a reason
        for reason in ["", "ดู", "<script>alert(1)</script> เหตุผลยาว"] {
            assert!(
                s.husec_identity(&prov, "case", &id(1), reason).is_err(),
                "{}: {reason:?}",
                b.name
            );
        }
        let reason = "โทรประสานทีมเยี่ยมบ้านเร่งด่วน";
        let (_, who) = s.husec_identity(&prov, "case", &id(1), reason).unwrap();
        assert_eq!(who.name, format!("นาง{NAME}"));
        assert_eq!(who.citizen_id, "1101700203451");
        // a sensitive case's person: national staff only
        let e = s
            .husec_identity(&prov, "case", &id(2), "ติดตามกรณีความรุนแรงเร่งด่วน")
            .unwrap_err();
        assert!(matches!(
            e,
            raksa_server::store::StoreError::Refused(403, _)
        ));
        s.husec_identity(&nat, "case", &id(2), "ติดตามกรณีความรุนแรงเร่งด่วน")
            .unwrap();

        // audited on the server, with the reason…
        let audit = s.server_audit(Some("พล"), 100).unwrap();
        assert!(
            audit.iter().any(|e| e.action == "view_identity"
                && e.username == "husec-pl"
                && e.reason == reason
                && e.target == format!("case:{}", id(1))),
            "{}: {audit:?}",
            b.name
        );
        assert!(
            s.server_audit(None, 100)
                .unwrap()
                .iter()
                .any(|e| e.action == "view_late" && e.username == "husec-pl")
        );
        // …and the office's PCs get it on the case's timeline
        let pulled = s.pull(&reader(&pl), 0, 1000).unwrap();
        let entry = pulled
            .records
            .iter()
            .find(|r| {
                r.entity == Entity::CaseEvents
                    && r.fields.get("kind").and_then(|v| v.as_str()) == Some("central_access")
            })
            .expect("the access is on the case's timeline");
        assert_eq!(entry.fields["case_id"], json!(id(1)));
        let body: raksa_domain::timeline::CaseEventBody =
            serde_json::from_str(entry.fields["body"].as_str().unwrap()).unwrap();
        match body {
            raksa_domain::timeline::CaseEventBody::CentralAccess { by, reason: r } => {
                assert!(by.contains("husec-pl"));
                assert_eq!(r, reason);
            }
            other => panic!("{other:?}"),
        }
        // Chiang Mai's PCs get nothing of it
        assert!(
            !s.pull(&reader(&cm), 0, 1000)
                .unwrap()
                .records
                .iter()
                .any(|r| r.fields.get("kind").and_then(|v| v.as_str()) == Some("central_access"))
        );
        // a 1300 console account is not HuSEC, and a HuSEC session does not open the console
        s.add_hotline_user(
            "officer1",
            "เจ้าหน้าที่ 1300",
            "officer",
            "officer1-password-2569",
        )
        .unwrap();
        assert!(
            s.husec_sign_in("officer1", "officer1-password-2569")
                .unwrap()
                .is_none()
        );
        let (t, _) = s
            .husec_sign_in("husec-nat", "husec-nat-password-2569")
            .unwrap()
            .unwrap();
        assert!(s.console_session(&t).unwrap().is_none(), "{}", b.name);
        // disabling the account ends its sessions
        s.disable_hotline_user("husec-nat").unwrap();
        assert!(s.husec_session(&t).unwrap().is_none());
    }
}

fn cookie_of(r: &crate::http::Reply) -> String {
    r.headers
        .lines()
        .find(|l| {
            l.to_ascii_lowercase()
                .starts_with("set-cookie: raksa_husec=")
        })
        .map(|l| {
            l["set-cookie: ".len()..]
                .split(';')
                .next()
                .unwrap()
                .to_owned()
        })
        .expect("a session cookie")
}

#[test]
fn the_husec_pages_over_http_no_names_in_lists_csrf_and_the_export() {
    use crate::http::{request_with, start};
    let (srv, code) = start(1000.0, 1000.0);
    let s = srv.store();
    s.set_office_province("พล", "65").unwrap();
    let token = s.enrol(&code, "pc").unwrap().token;
    let pc = s.authenticate(&token).unwrap();
    push(s, &pc, late_case(1, 1, false));
    s.add_husec_user(
        "husec-pl",
        "นางติดตาม เร่งรัด",
        "provincial",
        "65",
        "husec-pl-password-2569",
    )
    .unwrap();
    let form = |body: &str| body.as_bytes().to_vec();
    let post = |path: &str, cookie: &str, body: &[u8]| {
        request_with(
            srv.addr,
            "POST",
            path,
            &format!("Cookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\n"),
            body,
        )
    };
    let get = |path: &str, cookie: &str| {
        request_with(srv.addr, "GET", path, &format!("Cookie: {cookie}\r\n"), b"")
    };
    // not signed in: the sign-in page, and no JSON
    let r = get("/husec/late", "");
    assert_eq!(r.status, 303);
    assert_eq!(get("/husec/api/late", "").status, 401);
    let r = post(
        "/husec/login",
        "",
        &form("username=husec-pl&password=wrong-password-2569"),
    );
    assert_eq!(r.status, 401);
    let r = post(
        "/husec/login",
        "",
        &form("username=husec-pl&password=husec-pl-password-2569"),
    );
    assert_eq!(r.status, 303);
    let h = r.headers.to_ascii_lowercase();
    assert!(
        h.contains("httponly") && h.contains("secure") && h.contains("samesite=strict"),
        "{h}"
    );
    let cookie = cookie_of(&r);
    let page = get("/husec/late", &cookie);
    assert_eq!(page.status, 200);
    let html = String::from_utf8(page.body).unwrap();
    assert!(html.contains("ทดสอบ-1"), "{html}");
    assert!(!html.contains("สมหญิง") && !html.contains("1101700203451"));
    assert!(!html.contains("<script"));
    let h = page.headers.to_ascii_lowercase();
    assert!(h.contains("cache-control: no-store") && h.contains("content-security-policy"));
    // the JSON twin and the export say the same
    let j = get("/husec/api/late", &cookie);
    assert_eq!(j.status, 200);
    assert_eq!(j.json()["total"], json!(1));
    assert_eq!(j.json()["items"][0]["number"], json!("ทดสอบ-1"));
    let csv = get("/husec/late.csv", &cookie);
    assert_eq!(csv.status, 200);
    let text = String::from_utf8(csv.body).unwrap();
    assert!(text.starts_with('\u{feff}'));
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.contains("ทดสอบ-1") && !text.contains("สมหญิง"));
    // opening the identity needs the session's CSRF token
    let path = format!("/husec/items/case/{}/identity", id(1));
    let r = post(
        &path,
        &cookie,
        &form("reason=ติดตามกรณีเร่งด่วนของจังหวัด&csrf=forged"),
    );
    assert_eq!(r.status, 403);
    let item =
        String::from_utf8(get(&format!("/husec/items/case/{}", id(1)), &cookie).body).unwrap();
    let csrf = item
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_owned();
    let r = post(&path, &cookie, &form(&format!("reason=ดู&csrf={csrf}")));
    assert_eq!(r.status, 400, "too short a reason");
    let r = post(
        &path,
        &cookie,
        &form(&format!(
            "reason={}&csrf={csrf}",
            serde_urlencoded::to_string([("r", "ติดตามกรณีเร่งด่วนของจังหวัด")])
                .unwrap()
                .trim_start_matches("r=")
        )),
    );
    assert_eq!(r.status, 200);
    let shown = String::from_utf8(r.body).unwrap();
    assert!(shown.contains("สมหญิง") && shown.contains("1101700203451"));
    assert!(
        r.headers
            .to_ascii_lowercase()
            .contains("cache-control: no-store")
    );
    // a 1300 console session cookie is not a HuSEC one
    s.add_hotline_user(
        "officer1",
        "เจ้าหน้าที่ 1300",
        "officer",
        "officer1-password-2569",
    )
    .unwrap();
    let (t, _) = s
        .console_sign_in("officer1", "officer1-password-2569")
        .unwrap()
        .unwrap();
    assert_eq!(
        get("/husec/api/late", &format!("raksa_husec={t}")).status,
        401
    );
}

/// Phitsanulok's office (province 65) with one late case on the server, and a HuSEC
/// account of `role` signed in.
fn office_with_a_late_case(
    s: &Store,
    user: &str,
    role: &str,
    provinces: &str,
) -> (Device, raksa_server::store::husec::HusecUser) {
    let pl = device(s, "พล", "pc-pl");
    s.set_office_province("พล", "65").unwrap();
    push(s, &pl, late_case(1, 1, false));
    s.add_husec_user(
        user,
        "นางติดตาม เร่งรัด",
        role,
        provinces,
        &format!("{user}-password-2569"),
    )
    .unwrap();
    (pl, session(s, user))
}

/// Issue 16 §3: escalation periods are dated rules HuSEC sets on the server; a notice takes
/// the rule in force on its day; a rule cannot start in the past, replace a version or
/// give no time at all.
#[test]
fn escalation_periods_are_dated_rules_a_notice_takes_the_one_in_force() {
    use raksa_domain::expedite::{EscalationRule, ExpediteStep};
    for b in backends() {
        let s = &b.store;
        let (_, u) = office_with_a_late_case(s, "husec-n", "national", "");
        let today = raksa_server::national::today();
        let rule = |step, days, from| EscalationRule {
            step,
            days,
            effective_from: from,
        };
        let by = "ผอ.ศรส. ตามหนังสือ ที่ พม ๐๒๐๐/๒";
        // refused: in the past, no days, too many, nobody named
        for (r, who) in [
            (rule(ExpediteStep::First, 5, today - Duration::days(1)), by),
            (rule(ExpediteStep::First, 0, today), by),
            (rule(ExpediteStep::First, 31, today), by),
            (rule(ExpediteStep::First, 5, today), " "),
        ] {
            assert!(s.add_escalation_rule(&r, who).is_err(), "{}: {r:?}", b.name);
        }
        // five days to answer a first notice from today; a second version of the same day
        // is refused (rules are versions, never edits)
        s.add_escalation_rule(&rule(ExpediteStep::First, 5, today), by)
            .unwrap();
        assert!(
            s.add_escalation_rule(&rule(ExpediteStep::First, 9, today), by)
                .is_err()
        );
        // a later version waits for its day
        s.add_escalation_rule(
            &rule(ExpediteStep::First, 10, today + Duration::days(30)),
            by,
        )
        .unwrap();
        let rules = s.escalation_rules().unwrap();
        assert_eq!(
            rules.len(),
            5,
            "{}: three defaults and two versions",
            b.name
        );
        let item = [("case".to_owned(), id(1))];
        s.husec_expedite(&u, &item, "เร่งเยี่ยมบ้านภายในสัปดาห์นี้", None)
            .unwrap();
        s.husec_expedite(&u, &item, "ยังไม่ได้รับคำตอบ กรุณาเร่งดำเนินการ", None)
            .unwrap();
        let notices = s.husec_notices(&u, "case", &id(1)).unwrap();
        assert_eq!(
            notices[0].respond_by,
            (today + Duration::days(5)).to_string(),
            "{}: the first notice takes today's rule",
            b.name
        );
        assert_eq!(
            notices[1].respond_by,
            (today + Duration::days(2)).to_string(),
            "{}: the second step keeps its default",
            b.name
        );
    }
}

/// Issue 16 §3: a notice reaches the office by sync, the office answers through sync and
/// the answer is back on HuSEC's side; an office cannot rewrite HuSEC's note or make notices.
#[test]
fn an_expedite_notice_reaches_the_office_and_its_answer_comes_back() {
    for b in backends() {
        let s = &b.store;
        let (pl, u) = office_with_a_late_case(s, "husec-pl", "provincial", "65");
        let item = [("case".to_owned(), id(1))];
        // a note is required; a date before today is refused; outside the scope, nothing
        assert!(s.husec_expedite(&u, &item, "", None).is_err());
        let yesterday = raksa_server::national::today() - Duration::days(1);
        assert!(
            s.husec_expedite(&u, &item, "เร่งเยี่ยมบ้าน", Some(yesterday))
                .is_err()
        );
        let sent = s
            .husec_expedite(&u, &item, "เร่งเยี่ยมบ้านภายในสัปดาห์นี้", None)
            .unwrap();
        assert_eq!(sent.len(), 1);
        let again = s
            .husec_expedite(&u, &item, "ยังไม่ได้รับคำตอบ กรุณาเร่งดำเนินการ", None)
            .unwrap();
        let notices = s.husec_notices(&u, "case", &id(1)).unwrap();
        assert_eq!(
            notices.iter().map(|n| n.step.as_str()).collect::<Vec<_>>(),
            ["first", "second"],
            "{}: the second notice is the next step",
            b.name
        );
        // the office's PC pulls both
        let pulled = s.pull(&reader(&pl), 0, 1000).unwrap();
        let n = pulled
            .records
            .iter()
            .find(|r| r.entity == Entity::ExpediteNotices && r.record_id == sent[0])
            .expect("the notice reaches the office");
        assert_eq!(n.fields["case_id"], json!(id(1)));
        assert_eq!(n.fields["note"], json!("เร่งเยี่ยมบ้านภายในสัปดาห์นี้"));
        // the office may not rewrite HuSEC's note…
        let mut forged = n.fields.clone();
        forged.insert("note".into(), json!("ไม่มีการเร่งรัด"));
        forged.insert("status".into(), json!("answered"));
        forged.insert("answer".into(), json!("เยี่ยมบ้านแล้ว"));
        let r = s
            .push(
                &pl,
                &PushRequest {
                    protocol: PROTOCOL_VERSION,
                    mutations: vec![Mutation::new(
                        3,
                        Entity::ExpediteNotices,
                        sent[0].clone(),
                        forged,
                        Some(n.fields.clone()),
                    )],
                },
            )
            .unwrap();
        assert!(matches!(
            r.results[0].outcome,
            raksa_protocol::Outcome::Rejected { .. }
        ));
        // …nor make a notice of its own
        let mut own = n.fields.clone();
        own.insert("id".into(), json!(id(777)));
        let r = s
            .push(
                &pl,
                &PushRequest {
                    protocol: PROTOCOL_VERSION,
                    mutations: vec![Mutation::new(
                        4,
                        Entity::ExpediteNotices,
                        id(777),
                        own,
                        None,
                    )],
                },
            )
            .unwrap();
        assert!(matches!(
            r.results[0].outcome,
            raksa_protocol::Outcome::Rejected { .. }
        ));
        // the answer
        let mut answered = n.fields.clone();
        answered.insert("status".into(), json!("answered"));
        answered.insert("answer".into(), json!("ออกเยี่ยมบ้านแล้ว นัดประชุมทีมสหวิชาชีพ"));
        answered.insert("new_date".into(), json!("2027-01-15"));
        answered.insert("answered_by".into(), json!("นายทำงาน ตั้งใจ"));
        answered.insert("answered_at".into(), json!("2026-12-02T02:00:00Z"));
        push(
            s,
            &pl,
            vec![Mutation::new(
                5,
                Entity::ExpediteNotices,
                sent[0].clone(),
                answered,
                Some(n.fields.clone()),
            )],
        );
        let notices = s.husec_notices(&u, "case", &id(1)).unwrap();
        let first = notices.iter().find(|n| n.id == sent[0]).unwrap();
        assert_eq!(first.status, "answered", "{}", b.name);
        assert_eq!(first.answer, "ออกเยี่ยมบ้านแล้ว นัดประชุมทีมสหวิชาชีพ");
        assert_eq!(first.new_date, "2027-01-15");
        // the open one is tracked (figures and rows)
        let n = s
            .husec_national(&u, None, raksa_server::national::today())
            .unwrap();
        assert_eq!(n.totals.notices_open, 1, "{}", b.name);
        assert!(
            s.tracking_rows()
                .unwrap()
                .iter()
                .any(|r| r.kind == "notice" && r.id == again[0] && r.due_on.is_some())
        );
        assert!(
            s.server_audit(Some("พล"), 100)
                .unwrap()
                .iter()
                .any(|e| e.action == "send_expedite")
        );
    }
}
