//! Signed releases: publishing checks the signature as the PCs will, a published version
//! never changes, and enrolled PCs (only) are offered the newest newer release and its
//! bytes — on both backends, and over real HTTP in the format Tauri's updater reads.

use raksa_server::release::{generate_key, sign, verify};
use raksa_server::store::StoreError;

use crate::backends;
use crate::http::{request, start};

fn refusal(e: StoreError) -> (u16, String) {
    match e {
        StoreError::Refused(s, b) => (s, b.message_th),
        other => panic!("{other}"),
    }
}

#[test]
fn only_a_package_signed_by_the_ministry_key_for_that_version_is_published() {
    let (sk, pk) = generate_key(None).unwrap();
    let (other_sk, _) = generate_key(None).unwrap();
    let data = b"\x7fELF pretend package 0.2.0".to_vec();
    let sig = sign(&sk, None, &data, "raksa_0.2.0_amd64.deb", "0.2.0").unwrap();
    for b in backends() {
        let s = &b.store;
        // signed with another key
        let forged = sign(&other_sk, None, &data, "x.deb", "0.2.0").unwrap();
        let (st, th) = refusal(
            s.publish_release("linux-x86_64", "0.2.0", "แก้ไข", "", &forged, &pk, &data)
                .unwrap_err(),
        );
        assert_eq!(st, 400, "{}", b.name);
        assert!(th.contains("ลายเซ็นไม่ตรง"), "{th}");
        // the right key, but the bytes changed after signing
        let mut changed = data.clone();
        changed.push(0);
        assert!(
            s.publish_release("linux-x86_64", "0.2.0", "แก้ไข", "", &sig, &pk, &changed)
                .is_err()
        );
        // signed for 0.2.0, announced as 0.3.0
        let (_, th) = refusal(
            s.publish_release("linux-x86_64", "0.3.0", "แก้ไข", "", &sig, &pk, &data)
                .unwrap_err(),
        );
        assert!(th.contains("รุ่น"), "{th}");
        // no Thai notes
        assert!(
            s.publish_release("linux-x86_64", "0.2.0", "  ", "", &sig, &pk, &data)
                .is_err()
        );
        // a path-like target
        assert!(
            s.publish_release("../../etc", "0.2.0", "แก้ไข", "", &sig, &pk, &data)
                .is_err()
        );
        assert!(s.releases("linux-x86_64").unwrap().is_empty(), "{}", b.name);

        let r = s
            .publish_release(
                "linux-x86_64",
                "v0.2.0",
                "แก้ไขการพิมพ์หนังสือ",
                "Letter fix",
                &sig,
                &pk,
                &data,
            )
            .unwrap();
        assert_eq!(r.version, "0.2.0");
        // a published version never changes
        let (st, _) = refusal(
            s.publish_release("linux-x86_64", "0.2.0", "อีกครั้ง", "", &sig, &pk, &data)
                .unwrap_err(),
        );
        assert_eq!(st, 409);
        assert_eq!(s.release_package("linux-x86_64", "0.2.0").unwrap(), data);
        assert_eq!(
            s.release_offer("linux-x86_64", "0.1.0")
                .unwrap()
                .unwrap()
                .version,
            "0.2.0"
        );
        assert!(s.release_offer("linux-x86_64", "0.2.0").unwrap().is_none());
        assert!(
            s.release_offer("windows-x86_64", "0.1.0")
                .unwrap()
                .is_none()
        );
    }
}

#[test]
fn an_enrolled_pc_is_offered_the_release_in_the_updaters_format() {
    let (srv, code) = start(1000.0, 1000.0);
    let enrolled = request(
        srv.addr,
        "POST",
        "/v1/enrol",
        None,
        format!(r#"{{"code":"{code}","device_name":"pc1"}}"#).as_bytes(),
    );
    let token = enrolled.json()["token"].as_str().unwrap().to_owned();
    let (sk, pk) = generate_key(None).unwrap();
    let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    let sig = sign(&sk, None, &data, "raksa_0.2.0_amd64.deb", "0.2.0").unwrap();

    let r = request(
        srv.addr,
        "GET",
        "/v1/releases/linux-x86_64/0.1.0",
        Some(&token),
        b"",
    );
    assert_eq!(r.status, 204, "nothing published yet");
    srv.store()
        .publish_release(
            "linux-x86_64",
            "0.2.0",
            "แก้ไขการพิมพ์หนังสือส่งต่อ",
            "Fixes",
            &sig,
            &pk,
            &data,
        )
        .unwrap();

    // not enrolled: nothing, not even whether a release exists
    let r = request(
        srv.addr,
        "GET",
        "/v1/releases/linux-x86_64/0.1.0",
        None,
        b"",
    );
    assert_eq!(r.status, 401);
    let r = request(
        srv.addr,
        "GET",
        "/v1/releases/linux-x86_64/0.2.0/package",
        Some("forged"),
        b"",
    );
    assert_eq!(r.status, 401);

    let r = request(
        srv.addr,
        "GET",
        "/v1/releases/linux-x86_64/0.1.0",
        Some(&token),
        b"",
    );
    assert_eq!(r.status, 200);
    let offer = r.json();
    assert_eq!(offer["version"], "0.2.0");
    assert_eq!(offer["notes"], "แก้ไขการพิมพ์หนังสือส่งต่อ");
    assert_eq!(offer["signature"], sig.as_str());
    let url = offer["url"].as_str().unwrap();
    assert_eq!(url, "http://test/v1/releases/linux-x86_64/0.2.0/package");
    let r = request(
        srv.addr,
        "GET",
        "/v1/releases/linux-x86_64/0.2.0/package",
        Some(&token),
        b"",
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.body, data);
    // what the PC receives verifies against the key it trusts
    verify(&r.body, offer["signature"].as_str().unwrap(), &pk, "0.2.0").unwrap();

    let r = request(
        srv.addr,
        "GET",
        "/v1/releases/linux-x86_64/0.2.0",
        Some(&token),
        b"",
    );
    assert_eq!(r.status, 204, "up to date");
    let r = request(
        srv.addr,
        "GET",
        "/v1/releases/linux-x86_64/not-a-version",
        Some(&token),
        b"",
    );
    assert_eq!(r.status, 400);
    let r = request(
        srv.addr,
        "GET",
        "/v1/releases/linux-x86_64/0.9.0/package",
        Some(&token),
        b"",
    );
    assert_eq!(r.status, 404);
}
