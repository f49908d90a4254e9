//! The national view: figures per office from what the offices uploaded, overdue by each
//! office's own rules, and only for central staff.

use chrono::{Duration, NaiveDate};
use raksa_protocol::{Entity, Mutation, PROTOCOL_VERSION, PushRequest};
use raksa_server::national;
use serde_json::json;

use crate::*;

fn case_with(
    seq: u64,
    n: u32,
    status: &str,
    intake: NaiveDate,
    extra: serde_json::Value,
) -> Mutation {
    let mut f = fields_of(&json!({
        "id": id(n), "case_no": format!("x-{n}"), "status": status, "urgency": "urgent",
        "intake_date": intake.to_string(), "stage_since": intake.to_string(),
        "target_groups": "[\"elderly\",\"bedridden\"]", "problem_domains": "[\"care\"]",
    }));
    for (k, v) in extra.as_object().unwrap() {
        f.insert(k.clone(), v.clone());
    }
    Mutation::new(seq, Entity::Cases, id(n), f, None)
}

#[test]
fn national_figures_per_office_follow_each_offices_rules() {
    for b in backends() {
        let today = (chrono::Utc::now() + Duration::hours(7)).date_naive();
        let pl = device(&b.store, "พล", "pc1");
        let cm = device(&b.store, "ชม", "pc2");
        let push = |d: &raksa_server::store::Device, m: Vec<Mutation>| {
            b.store
                .push(
                    d,
                    &PushRequest {
                        protocol: PROTOCOL_VERSION,
                        mutations: m,
                    },
                )
                .unwrap()
        };
        let referral = |seq, n: u32, case: u32, status: &str, sent: NaiveDate| {
            Mutation::new(
                seq,
                Entity::Referrals,
                id(n),
                fields_of(
                    &json!({"id": id(n), "case_id": id(case), "status": status, "sent_on": sent.to_string()}),
                ),
                None,
            )
        };
        push(
            &pl,
            vec![
                // urgent, taken in 30 days ago, never contacted: overdue
                case_with(1, 1, "intake", today - Duration::days(30), json!({})),
                // taken in today: not yet overdue
                case_with(2, 2, "intake", today, json!({})),
                // closed this month
                case_with(3, 3, "closed", today, json!({})),
                referral(4, 10, 1, "sent", today - Duration::days(40)),
                referral(5, 11, 2, "sent", today),
                referral(6, 12, 2, "accepted", today - Duration::days(40)),
            ],
        );
        // Chiang Mai gives urgent first contact 60 days: its 30-day-old case is not overdue.
        push(
            &cm,
            vec![
                Mutation::new(
                    1,
                    Entity::DeadlineRules,
                    "first_contact/urgent/2000-01-01".into(),
                    admin_signed(
                        Entity::DeadlineRules,
                        "first_contact/urgent/2000-01-01",
                        fields_of(
                            &json!({"milestone": "first_contact", "urgency": "urgent", "days": 60, "effective_from": "2000-01-01"}),
                        ),
                    ),
                    None,
                ),
                Mutation::new(
                    2,
                    Entity::DeadlineRules,
                    "fact_finding/urgent/2000-01-01".into(),
                    admin_signed(
                        Entity::DeadlineRules,
                        "fact_finding/urgent/2000-01-01",
                        fields_of(
                            &json!({"milestone": "fact_finding", "urgency": "urgent", "days": 60, "effective_from": "2000-01-01"}),
                        ),
                    ),
                    None,
                ),
                Mutation::new(
                    3,
                    Entity::DeadlineRules,
                    "plan/urgent/2000-01-01".into(),
                    admin_signed(
                        Entity::DeadlineRules,
                        "plan/urgent/2000-01-01",
                        fields_of(
                            &json!({"milestone": "plan", "urgency": "urgent", "days": 60, "effective_from": "2000-01-01"}),
                        ),
                    ),
                    None,
                ),
                case_with(4, 20, "intake", today - Duration::days(30), json!({})),
            ],
        );
        let n = national::compute(&b.store.national_input().unwrap(), today);
        let pl_f = n.offices.iter().find(|o| o.office == "พล").unwrap();
        assert_eq!(
            (
                pl_f.open,
                pl_f.overdue,
                pl_f.closed_this_month,
                pl_f.referrals_waiting,
                pl_f.referrals_overdue
            ),
            (2, 1, 1, 2, 1),
            "{}",
            b.name
        );
        assert_eq!(pl_f.by_target_group["elderly"], 2);
        assert_eq!(pl_f.by_problem_domain["care"], 2);
        let cm_f = n.offices.iter().find(|o| o.office == "ชม").unwrap();
        assert_eq!(
            (cm_f.open, cm_f.overdue),
            (1, 0),
            "{}: Chiang Mai's own rules",
            b.name
        );
        assert_eq!((n.totals.open, n.totals.overdue), (3, 1));
        let page = national::html(&n);
        assert!(page.contains("ภาพรวมการช่วยเหลือรายกรณีระดับประเทศ"));
        assert!(page.contains("ผู้สูงอายุ") && page.contains("การดูแลผู้พึ่งพิง"));
    }
}

#[test]
fn only_central_staff_see_the_national_view() {
    let (srv, code) = crate::http::start(1000.0, 1000.0);
    let r = crate::http::request(
        srv.addr,
        "POST",
        "/v1/enrol",
        None,
        format!(r#"{{"code":"{code}","device_name":"pc"}}"#).as_bytes(),
    );
    let device_token = r.json()["token"].as_str().unwrap().to_owned();
    let r = crate::http::request(srv.addr, "GET", "/v1/national", None, b"");
    assert_eq!(r.status, 401);
    let r = crate::http::request(srv.addr, "GET", "/v1/national", Some(&device_token), b"");
    assert_eq!(r.status, 401, "an office PC is not central staff");
    let r = crate::http::request(srv.addr, "GET", "/national", None, b"");
    assert_eq!(r.status, 401);
    assert!(
        r.headers
            .to_ascii_lowercase()
            .contains("www-authenticate: basic")
    );
    let staff = srv.store().add_staff("เจ้าหน้าที่ ศรส.", 30).unwrap();
    let r = crate::http::request(srv.addr, "GET", "/v1/national", Some(&staff), b"");
    assert_eq!(r.status, 200);
    assert!(r.json()["offices"].as_array().is_some());
    use base64::Engine;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("husec:{staff}"));
    let r = crate::http::request_with(
        srv.addr,
        "GET",
        "/national",
        &format!("Authorization: Basic {basic}\r\n"),
        b"",
    );
    assert_eq!(r.status, 200);
    let html = String::from_utf8(r.body).unwrap();
    assert!(
        html.contains("<meta charset=utf-8>") && html.contains("พมจ.พิษณุโลก"),
        "{html}"
    );
    assert!(!html.contains("<script"));
    // The page carries its own Thai font (issue 13): a browser without Thai fonts installed
    // still shows Thai, not boxes. The font is served, whole, without a credential.
    assert!(html.contains("url(/fonts/sarabun-regular.ttf)"), "{html}");
    // …which the page's own Content-Security-Policy must let it load; and the page is
    // neither cached nor framed.
    let h = r.headers.to_ascii_lowercase();
    assert!(h.contains("font-src 'self'"), "{h}");
    assert!(h.contains("cache-control: no-store"), "{h}");
    assert!(
        h.contains("x-frame-options: deny") && h.contains("x-content-type-options: nosniff"),
        "{h}"
    );
    for (path, file) in [
        ("/fonts/sarabun-regular.ttf", "Sarabun-Regular.ttf"),
        ("/fonts/sarabun-bold.ttf", "Sarabun-Bold.ttf"),
    ] {
        let r = crate::http::request(srv.addr, "GET", path, None, b"");
        assert_eq!(r.status, 200, "{path}");
        let shipped = std::fs::read(format!(
            "{}/../../assets/fonts/{file}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        assert_eq!(r.body, shipped, "{path}");
    }
}

/// Issue 14 §8: staff credentials expire and can be revoked at once, on both backends.
#[test]
fn staff_credentials_expire_and_are_revoked_at_once() {
    for b in crate::backends() {
        assert!(b.store.add_staff("ศรส.", 0).is_err(), "{}", b.name);
        assert!(b.store.add_staff("ศรส.", 366).is_err(), "{}", b.name);
        let t = b.store.add_staff("นางสาวติดตาม ศรส.", 30).unwrap();
        assert_eq!(b.store.authenticate_staff(&t).unwrap(), "นางสาวติดตาม ศรส.");
        assert_eq!(b.store.revoke_staff("นางสาวติดตาม ศรส.").unwrap(), 1);
        assert!(
            b.store.authenticate_staff(&t).is_err(),
            "{}: revoked",
            b.name
        );
        assert_eq!(b.store.revoke_staff("นางสาวติดตาม ศรส.").unwrap(), 0);
    }
    // an expired credential (the clock moved past its end) is refused
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("s.db");
    let store = raksa_server::store::Store::open(&format!("sqlite:{}", path.display())).unwrap();
    let t = store.add_staff("ศรส. ชั่วคราว", 1).unwrap();
    store.authenticate_staff(&t).unwrap();
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute(
            "UPDATE staff SET expires_at = '2020-01-01T00:00:00+00:00'",
            [],
        )
        .unwrap();
    assert!(store.authenticate_staff(&t).is_err());
}
