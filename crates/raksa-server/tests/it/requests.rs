//! Requests for help through the partner API (issue 15): filed exactly once per
//! Idempotency-Key, routed by the routing table to the responsible office or the national
//! queue, refused with Thai and English messages and nothing stored when the input is bad,
//! delivered to the office by pull, and moved on only by the owning office's steps.

use raksa_protocol::{Entity, Mutation, Outcome, PROTOCOL_VERSION, PushRequest};
use raksa_server::store::Store;
use serde_json::{Value, json};

use crate::http::{Server, request_with, start};
use crate::*;

fn post(srv: &Server, key: &str, idem: Option<&str>, body: &Value) -> crate::http::Reply {
    let mut h = format!("Authorization: Bearer {key}\r\n");
    if let Some(i) = idem {
        h.push_str(&format!("Idempotency-Key: {i}\r\n"));
    }
    request_with(
        srv.addr,
        "POST",
        "/v1/requests",
        &h,
        body.to_string().as_bytes(),
    )
}

fn count(store: &Store) -> usize {
    store.all_records_of("help_requests").unwrap().len()
}

fn a_request() -> Value {
    json!({
        "reporter": {"name": "นางสมศรี ใจดี", "phone": "0812345678", "relation": "เพื่อนบ้าน"},
        "person": {"name": "ด.ช.เอ", "approx_age": 9, "sex": "male"},
        "subdistrict_code": "650101",
        "gps": {"lat": 16.8211, "lon": 100.2659},
        "address_text": "ซอยข้างตลาด",
        "core_issues": ["child_youth", "family_violence"],
        "urgency": "urgent",
        "details": "ได้ยินเสียงเด็กร้องและเสียงทำร้ายร่างกายทุกคืน"
    })
}

#[test]
fn a_partner_files_a_request_once_and_it_reaches_the_responsible_office() {
    let (srv, _code) = start(1000.0, 1000.0);
    let store = srv.store();
    let key = store.add_partner("ESS Help Me").unwrap();
    store
        .set_route(&raksa_domain::help_request::RouteRule {
            area: "65".into(),
            office: "พล".into(),
        })
        .unwrap();

    let r = post(&srv, &key, Some("line-123"), &a_request());
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    let first = r.json();
    assert_eq!(first["office"], "พล");
    assert_eq!(first["status"], "received");
    // the same key again (a partner retrying after a timeout): the same request
    let r = post(&srv, &key, Some("line-123"), &a_request());
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["id"], first["id"]);
    assert_eq!(r.json()["replayed"], true);
    assert_eq!(count(store), 1);
    // the same key with another body is a mistake, said so
    let mut other = a_request();
    other["details"] = json!("เรื่องอื่น");
    let r = post(&srv, &key, Some("line-123"), &other);
    assert_eq!(r.status, 409);
    assert!(!r.json()["message_th"].as_str().unwrap().is_empty());
    assert_eq!(count(store), 1);

    // Its status, for that partner only.
    let id = first["id"].as_str().unwrap();
    let status = |k: &str| {
        request_with(
            srv.addr,
            "GET",
            &format!("/v1/requests/{id}"),
            &format!("Authorization: Bearer {k}\r\n"),
            b"",
        )
    };
    let r = status(&key);
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["status_th"], "รับเรื่องแล้ว");
    let other_partner = store.add_partner("อีกระบบ").unwrap();
    assert_eq!(status(&other_partner).status, 404);

    // The office's PC pulls it: the reporter and the details travel to the office.
    let pl = device(store, "พล", "pc1");
    let page = store.pull(&reader(&pl), 0, 100).unwrap();
    let req = page
        .records
        .iter()
        .find(|r| r.entity == Entity::HelpRequests)
        .expect("the request reaches its office");
    assert_eq!(req.fields["details"], a_request()["details"]);
    assert_eq!(
        req.fields["sensitive"], 1,
        "family violence is need-to-know"
    );
    // another office's PC does not see it
    let cm = device(store, "ชม", "pc2");
    let page = store.pull(&reader(&cm), 0, 100).unwrap();
    assert!(
        page.records
            .iter()
            .all(|r| r.entity != Entity::HelpRequests)
    );

    // The office passes it on with a reason: it is Chiang Mai's now, received there.
    let mut step = req.fields.clone();
    step.insert("status".into(), "passed_on".into());
    step.insert("pass_to".into(), "ชม".into());
    step.insert("status_note".into(), "ครอบครัวย้ายไปอยู่เชียงใหม่แล้ว".into());
    let push = |d: &raksa_server::store::Device, seq, f| {
        store
            .push(
                d,
                &PushRequest {
                    protocol: PROTOCOL_VERSION,
                    mutations: vec![Mutation::new(seq, Entity::HelpRequests, id.into(), f, None)],
                },
            )
            .unwrap()
            .results[0]
            .outcome
            .clone()
    };
    assert_eq!(push(&pl, 1, step.clone()), Outcome::Applied);
    let page = store.pull(&reader(&cm), 0, 100).unwrap();
    let moved = page
        .records
        .iter()
        .find(|r| r.entity == Entity::HelpRequests)
        .expect("passed on to Chiang Mai");
    assert_eq!(moved.fields["status"], "received");
    assert_eq!(moved.fields["owner_office"], "ชม");
    let history: Vec<Value> =
        serde_json::from_str(moved.fields["history"].as_str().unwrap()).unwrap();
    assert_eq!(history.len(), 3, "{history:?}");
    // the first office cannot act on it any more
    let mut close = step.clone();
    close.insert("status".into(), "closed".into());
    assert!(matches!(
        push(&pl, 2, close.clone()),
        Outcome::Rejected { .. }
    ));
    // Chiang Mai closes it without a reason: refused; with one: closed
    close.insert("status_note".into(), "".into());
    assert!(matches!(
        push(&cm, 1, close.clone()),
        Outcome::Rejected { .. }
    ));
    close.insert("status_note".into(), "ตรวจสอบแล้วเป็นเรื่องซ้ำกับกรณีที่มีอยู่".into());
    assert_eq!(push(&cm, 2, close), Outcome::Applied);
    assert_eq!(status(&key).json()["status"], "closed");
    // an office cannot make up a request of its own
    let mut made_up = step;
    made_up.insert("id".into(), crate::id(77).into());
    let r = store
        .push(
            &cm,
            &PushRequest {
                protocol: PROTOCOL_VERSION,
                mutations: vec![Mutation::new(
                    3,
                    Entity::HelpRequests,
                    crate::id(77),
                    made_up,
                    None,
                )],
            },
        )
        .unwrap();
    assert!(matches!(r.results[0].outcome, Outcome::Rejected { .. }));
}

#[test]
fn bad_requests_are_refused_in_thai_and_english_and_nothing_is_stored() {
    let (srv, _code) = start(1000.0, 1000.0);
    let store = srv.store();
    let key = store.add_partner("ESS Help Me").unwrap();
    let with = |f: &dyn Fn(&mut Value)| {
        let mut v = a_request();
        f(&mut v);
        v
    };
    use base64::Engine;
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let cases: Vec<(&str, Value, u16, &str)> = vec![
        (
            "GPS outside Thailand",
            with(&|v| v["gps"] = json!({"lat": 48.85, "lon": 2.35})),
            422,
            "gps",
        ),
        (
            "unknown sub-district",
            with(&|v| v["subdistrict_code"] = json!("999999")),
            422,
            "subdistrict_code",
        ),
        (
            "markup in text",
            with(&|v| v["details"] = json!("<script>alert(1)</script> ช่วยด้วย")),
            422,
            "details",
        ),
        (
            "markup in a name",
            with(&|v| v["reporter"]["name"] = json!("<img src=x onerror=alert(1)>")),
            422,
            "reporter.name",
        ),
        (
            "wrong ID checksum",
            with(&|v| v["person"]["citizen_id"] = json!("1101700230706")),
            422,
            "person.citizen_id",
        ),
        (
            "no issue",
            with(&|v| v["core_issues"] = json!([])),
            422,
            "core_issues",
        ),
        (
            "not a photo",
            with(&|v| v["photos"] = json!([{"data_base64": b64(b"%PDF-1.7 not an image")}])),
            422,
            "photos[0]",
        ),
        (
            "a 5 MB photo",
            with(&|v| {
                let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0];
                jpeg.resize(5 * 1024 * 1024, 0);
                v["photos"] = json!([{"data_base64": b64(&jpeg)}]);
            }),
            422,
            "photos[0]",
        ),
    ];
    for (what, body, want, field) in cases {
        let r = post(&srv, &key, Some(&what.replace(" ", "-")), &body);
        assert_eq!(
            r.status,
            want,
            "{what}: {}",
            String::from_utf8_lossy(&r.body)
        );
        let j = r.json();
        assert!(!j["message_th"].as_str().unwrap().is_empty(), "{what}");
        assert!(!j["message_en"].as_str().unwrap().is_empty(), "{what}");
        let fields: Vec<&str> = j["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        assert!(fields.contains(&field), "{what}: {fields:?}");
    }
    // A 20 MB photo is refused before it is read whole.
    let mut big = a_request();
    big["photos"] = json!([{"data_base64": "A".repeat(20 * 1024 * 1024)}]);
    let r = post(&srv, &key, Some("big"), &big);
    assert_eq!(r.status, 413);
    assert!(!r.json()["message_th"].as_str().unwrap().is_empty());
    // A wrong key, no key, no Idempotency-Key, not JSON.
    assert_eq!(post(&srv, "rk_wrong", Some("x"), &a_request()).status, 401);
    let r = request_with(
        srv.addr,
        "POST",
        "/v1/requests",
        "Idempotency-Key: y\r\n",
        b"{}",
    );
    assert_eq!(r.status, 401);
    let r = post(&srv, &key, None, &a_request());
    assert_eq!(r.status, 400);
    assert!(
        r.json()["message_th"]
            .as_str()
            .unwrap()
            .contains("Idempotency-Key")
    );
    let r = request_with(
        srv.addr,
        "POST",
        "/v1/requests",
        &format!("Authorization: Bearer {key}\r\nIdempotency-Key: z\r\n"),
        b"not json",
    );
    assert_eq!(r.status, 400);
    // A revoked partner is refused at once.
    store.revoke_partner("ESS Help Me").unwrap();
    assert_eq!(post(&srv, &key, Some("late"), &a_request()).status, 401);
    assert_eq!(count(store), 0, "nothing was stored");
}

#[test]
fn a_request_without_a_usable_place_waits_in_the_national_queue_until_husec_routes_it() {
    for b in backends() {
        let store = &b.store;
        store.add_office("พล", "พมจ.พิษณุโลก").unwrap();
        store
            .set_route(&raksa_domain::help_request::RouteRule {
                area: "6501".into(),
                office: "พล".into(),
            })
            .unwrap();
        // a routing-table row for an unknown area or office is refused
        for (area, office) in [("99", "พล"), ("65", "ไม่มี"), ("650", "พล")] {
            assert!(
                store
                    .set_route(&raksa_domain::help_request::RouteRule {
                        area: area.into(),
                        office: office.into(),
                    })
                    .is_err(),
                "{area} {office}"
            );
        }
        let req = |sub: Option<&str>| {
            let mut v = a_request();
            v["subdistrict_code"] = json!(sub);
            let r: raksa_domain::help_request::NewHelpRequest = serde_json::from_value(v).unwrap();
            raksa_domain::help_request::check_new(&r, |_| None).unwrap()
        };
        let partner = raksa_domain::help_request::RequestChannel::Partner;
        // a district rule covers its sub-districts; the rest of the province is not covered
        let a = store
            .file_request(partner, "p", "1", "h1", &req(Some("650101")))
            .unwrap();
        assert_eq!(a.office.as_deref(), Some("พล"), "{}", b.name);
        let n = store
            .file_request(partner, "p", "2", "h2", &req(Some("650201")))
            .unwrap();
        assert_eq!(n.office, None);
        let none = store
            .file_request(partner, "p", "3", "h3", &req(None))
            .unwrap();
        assert_eq!(none.office, None);
        let queue = store.national_queue().unwrap();
        assert_eq!(queue.len(), 2);
        assert!(queue.iter().any(|(_, _, p)| p.as_deref() == Some("65")));
        store.route_request(&none.id, "พล", "ศรส. เวรดึก").unwrap();
        assert_eq!(store.national_queue().unwrap().len(), 1);
        let pl = device(store, "พล", "pc");
        let ids: Vec<String> = store
            .pull(&reader(&pl), 0, 100)
            .unwrap()
            .records
            .into_iter()
            .filter(|r| r.entity == Entity::HelpRequests)
            .map(|r| r.record_id)
            .collect();
        assert_eq!(ids.len(), 2, "{}", b.name);
        assert!(ids.contains(&none.id) && ids.contains(&a.id));
    }
}

#[test]
fn a_volunteers_code_activates_one_phone_once_and_a_new_code_stops_it() {
    for b in backends() {
        let store = &b.store;
        let pl = device(store, "พล", "pc");
        let code = "1234-5678-9012";
        let volunteer = |seq, hash: &str, active: i64| {
            Mutation::new(
                seq,
                Entity::Volunteers,
                crate::id(50),
                fields_of(&json!({
                    "id": crate::id(50), "full_name": "นางบุญเรือน อาสาดี", "phone": "0891234567",
                    "subdistrict_code": "650101", "code_hash": hash, "active": active,
                    "created_at": "2026-12-01T00:00:00Z", "created_by": null
                })),
                None,
            )
        };
        let push = |m| {
            store
                .push(
                    &pl,
                    &PushRequest {
                        protocol: PROTOCOL_VERSION,
                        mutations: vec![m],
                    },
                )
                .unwrap()
                .results[0]
                .outcome
                .clone()
        };
        assert_eq!(
            push(volunteer(1, &raksa_protocol::volunteer_code_hash(code), 1)),
            Outcome::Applied
        );
        assert!(store.field_enrol("0000-0000-0000").is_err(), "{}", b.name);
        let e = store.field_enrol(code).unwrap();
        assert_eq!(e.office, "พล");
        assert!(store.field_enrol(code).is_err(), "once only");
        let v = store.field_volunteer(&e.token).unwrap();
        assert_eq!(v.subdistrict_code.as_deref(), Some("650101"));
        // a new code at the office stops the phone activated with the old one
        assert!(matches!(
            push(volunteer(
                2,
                &raksa_protocol::volunteer_code_hash("9999-8888-7777"),
                1
            )),
            Outcome::Applied | Outcome::Conflict { .. }
        ));
        assert!(store.field_volunteer(&e.token).is_err(), "{}", b.name);
    }
}
