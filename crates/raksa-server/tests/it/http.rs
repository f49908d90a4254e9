//! The API over real HTTP on loopback: the OpenAPI description matches the routes, every
//! refusal is a JSON body with Thai text, and size and rate limits hold.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;

use raksa_server::api::{AppState, router};
use raksa_server::store::Store;
use serde_json::Value;

pub struct Server {
    pub addr: SocketAddr,
    state: Arc<AppState>,
    _tmp: tempfile::TempDir,
}

impl Server {
    pub fn store(&self) -> &Store {
        &self.state.store
    }
}

pub fn start(rate: f64, burst: f64) -> (Server, String) {
    start_with(rate, burst, |s| s)
}

pub fn start_with(
    rate: f64,
    burst: f64,
    configure: impl FnOnce(AppState) -> AppState,
) -> (Server, String) {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite:{}", tmp.path().join("s.db").display())).unwrap();
    store.add_office("พล", "พมจ.พิษณุโลก").unwrap();
    let code = store.new_enrolment_code("พล").unwrap();
    let state = Arc::new(configure(AppState::new(store, rate, burst)));
    let served = state.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(l.local_addr().unwrap()).unwrap();
            axum::serve(
                l,
                router(served).into_make_service_with_connect_info::<raksa_server::api::Peer>(),
            )
            .await
            .unwrap();
        });
    });
    let addr = rx.recv().unwrap();
    (
        Server {
            addr,
            state,
            _tmp: tmp,
        },
        code,
    )
}

pub struct Reply {
    pub status: u16,
    pub headers: String,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&self.body)))
    }
}

pub fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &[u8],
) -> Reply {
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    request_with(addr, method, path, &auth, body)
}

/// A request with raw extra header lines (`auth` ends with CRLF).
pub fn request_with(addr: SocketAddr, method: &str, path: &str, auth: &str, body: &[u8]) -> Reply {
    exchange(TcpStream::connect(addr).unwrap(), method, path, auth, body)
}

/// A request from another loopback address (127.0.0.x), as a different client would.
pub fn request_from(
    src: &str,
    addr: SocketAddr,
    method: &str,
    path: &str,
    auth: &str,
    body: &[u8],
) -> Reply {
    exchange(connect_from(src, addr), method, path, auth, body)
}

pub fn connect_from(src: &str, addr: SocketAddr) -> TcpStream {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let s = rt.block_on(async {
        let sock = tokio::net::TcpSocket::new_v4().unwrap();
        sock.bind(format!("{src}:0").parse().unwrap()).unwrap();
        sock.connect(addr).await.unwrap().into_std().unwrap()
    });
    s.set_nonblocking(false).unwrap();
    s
}

fn exchange(mut s: TcpStream, method: &str, path: &str, auth: &str, body: &[u8]) -> Reply {
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n{auth}\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    let _ = s.write_all(body);
    read_reply(&mut s)
}

fn read_reply(s: &mut TcpStream) -> Reply {
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("HTTP head");
    let headers = String::from_utf8_lossy(&buf[..split]).into_owned();
    let status = headers[9..12].parse().unwrap();
    let mut body = buf[split + 4..].to_vec();
    if headers
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = b.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let n = usize::from_str_radix(std::str::from_utf8(&b[..eol]).unwrap().trim(), 16).unwrap();
        if n == 0 {
            return out;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + n]);
        b = &b[eol + 2 + n + 2..];
    }
}

fn enrol(addr: SocketAddr, code: &str) -> String {
    let r = request(
        addr,
        "POST",
        "/v1/enrol",
        None,
        format!(r#"{{"code":"{code}","device_name":"pc1"}}"#).as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    r.json()["token"].as_str().unwrap().to_owned()
}

#[test]
fn the_openapi_description_and_the_running_server_agree() {
    let (srv, code) = start(1000.0, 1000.0);
    let token = enrol(srv.addr, &code);
    let doc: Value = serde_json::from_str(raksa_server::OPENAPI).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    for (path, ops) in paths {
        for method in ops.as_object().unwrap().keys() {
            let concrete = path
                .replace("{sha256}", &"0".repeat(64))
                .replace("{target}", "linux-x86_64")
                .replace("{current}", "0.1.0")
                .replace("{version}", "0.1.0");
            let r = request(
                srv.addr,
                &method.to_uppercase(),
                &concrete,
                Some(&token),
                b"{}",
            );
            // the router's own 404/405 has no body; the API's refusals are JSON
            let routed =
                !matches!(r.status, 404 | 405) || serde_json::from_slice::<Value>(&r.body).is_ok();
            assert!(
                routed,
                "{method} {path} is described but answers {}",
                r.status
            );
            let declared: Vec<u16> = ops[method]["responses"]
                .as_object()
                .unwrap()
                .keys()
                .map(|k| k.parse().unwrap())
                .collect();
            assert!(
                declared.contains(&r.status),
                "{method} {path} answered {} which is not described",
                r.status
            );
        }
    }
    for (method, path) in [
        ("GET", "/v1/push"),
        ("POST", "/v1/pull"),
        ("GET", "/v1/secret"),
    ] {
        let r = request(srv.addr, method, path, Some(&token), b"");
        assert!(
            r.status == 404 || r.status == 405,
            "{method} {path}: {}",
            r.status
        );
    }
}

#[test]
fn refusals_are_json_with_thai_messages() {
    let (srv, code) = start(1000.0, 1000.0);
    let r = request(srv.addr, "POST", "/v1/push", None, b"{}");
    assert_eq!(r.status, 401);
    assert!(r.json()["message_th"].as_str().unwrap().contains("อนุญาต"));
    let token = enrol(srv.addr, &code);
    let r = request(srv.addr, "POST", "/v1/push", Some(&token), b"{not json");
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["code"], "invalid");
    let r = request(
        srv.addr,
        "POST",
        "/v1/push",
        Some(&token),
        br#"{"protocol":99,"mutations":[]}"#,
    );
    assert_eq!(
        (r.status, r.json()["code"].as_str()),
        (400, Some("protocol"))
    );
    let r = request(
        srv.addr,
        "POST",
        "/v1/enrol",
        None,
        format!(r#"{{"code":"{code}","device_name":"again"}}"#).as_bytes(),
    );
    assert_eq!(r.status, 401);
    assert!(r.json()["message_th"].as_str().unwrap().contains("ใช้ไปแล้ว"));
    let huge = vec![b' '; raksa_protocol::MAX_BODY_BYTES + 10];
    let r = request(srv.addr, "POST", "/v1/push", Some(&token), &huge);
    assert_eq!(r.status, 413);
}

#[test]
fn a_device_sending_too_fast_is_told_when_to_retry() {
    let (srv, code) = start(0.5, 2.0);
    let token = enrol(srv.addr, &code);
    let statuses: Vec<u16> = (0..4)
        .map(|_| request(srv.addr, "GET", "/v1/pull?cursor=0", Some(&token), b"").status)
        .collect();
    assert_eq!(&statuses[..2], [200, 200]);
    assert!(statuses[2..].contains(&429), "{statuses:?}");
    let r = request(srv.addr, "GET", "/v1/pull?cursor=0", Some(&token), b"");
    assert_eq!(r.status, 429);
    assert!(
        r.headers.to_ascii_lowercase().contains("retry-after:"),
        "{}",
        r.headers
    );
    assert_eq!(r.json()["code"], "rate_limited");
}

#[test]
fn when_every_push_slot_is_taken_a_push_is_told_to_come_back_later() {
    let (srv, code) = start(1000.0, 1000.0);
    let token = enrol(srv.addr, &code);
    let body = serde_json::to_vec(&raksa_protocol::PushRequest {
        protocol: raksa_protocol::PROTOCOL_VERSION,
        mutations: vec![crate::case(1, 1, "ก", None)],
    })
    .unwrap();
    let held = srv.state.hold_all_push_slots().expect("slots free");
    let t = std::time::Instant::now();
    let r = request(srv.addr, "POST", "/v1/push", Some(&token), &body);
    assert_eq!(r.status, 503);
    assert!(
        t.elapsed() >= std::time::Duration::from_secs(4),
        "it waited for a slot first"
    );
    assert_eq!(r.json()["code"], "busy");
    assert!(
        r.json()["message_th"]
            .as_str()
            .unwrap()
            .contains("ส่งอีกครั้งอัตโนมัติ")
    );
    let wait: u64 = r
        .headers
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("retry-after:")
                .map(|v| v.trim().parse().unwrap())
        })
        .expect("Retry-After");
    assert!((10..30).contains(&wait), "{wait}");
    // nothing was applied; once slots free up the same batch goes through
    drop(held);
    let r = request(srv.addr, "POST", "/v1/push", Some(&token), &body);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json()["acknowledged_through"], 1);
}

/// Issue 14 §8: a client that sends no credential is answered before its (announced 15 MB)
/// body is read — the server does not wait for, buffer or parse it.
#[test]
fn a_body_is_not_read_before_its_sender_is_authenticated() {
    let (srv, _) = start(1000.0, 1000.0);
    let mut s = TcpStream::connect(srv.addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    s.write_all(
        b"POST /v1/push HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 15000000\r\n\r\n",
    )
    .unwrap();
    let mut buf = [0u8; 12];
    s.read_exact(&mut buf)
        .expect("an answer without sending the body");
    assert_eq!(&buf[9..12], b"401");
}

/// Issue 14 §8: guessing tokens or enrolment codes from one address locks out that address
/// only; other offices keep working and enrolling.
#[test]
fn failed_credentials_are_limited_per_address_not_for_everyone() {
    let (srv, code) = start(1000.0, 1000.0);
    let token = enrol(srv.addr, &code);
    let bearer = |t: &str| format!("Authorization: Bearer {t}\r\n");
    let mut limited = false;
    for i in 0..15 {
        let r = request_from(
            "127.0.0.2",
            srv.addr,
            "GET",
            "/v1/pull",
            &bearer(&format!("guess-{i}")),
            b"",
        );
        if r.status == 429 {
            limited = true;
            assert!(r.headers.to_ascii_lowercase().contains("retry-after"));
            break;
        }
        assert_eq!(r.status, 401);
    }
    assert!(limited, "guessing was never slowed down");
    // the guessing address waits even with a good token…
    let r = request_from(
        "127.0.0.2",
        srv.addr,
        "GET",
        "/v1/pull",
        &bearer(&token),
        b"",
    );
    assert_eq!(r.status, 429);
    // …while another office's PC goes on, and can still enrol
    let r = request_from(
        "127.0.0.3",
        srv.addr,
        "GET",
        "/v1/pull",
        &bearer(&token),
        b"",
    );
    assert_eq!(r.status, 200);
    for i in 0..15 {
        let r = request_from(
            "127.0.0.4",
            srv.addr,
            "POST",
            "/v1/enrol",
            "",
            format!(r#"{{"code":"{:08}","device_name":"x"}}"#, i).as_bytes(),
        );
        if r.status == 429 {
            break;
        }
        assert_eq!(r.status, 401, "{i}");
    }
    let fresh = srv.store().new_enrolment_code("พล").unwrap();
    let r = request_from(
        "127.0.0.5",
        srv.addr,
        "POST",
        "/v1/enrol",
        "",
        format!(r#"{{"code":"{fresh}","device_name":"pc2"}}"#).as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
}

/// Issue 14 §8: every answer says not to sniff, frame or cache it.
#[test]
fn every_answer_carries_security_headers() {
    let (srv, _) = start(1000.0, 1000.0);
    for path in ["/v1/health", "/v1/pull", "/openapi.json", "/national"] {
        let r = request(srv.addr, "GET", path, None, b"");
        let h = r.headers.to_ascii_lowercase();
        assert!(h.contains("x-content-type-options: nosniff"), "{path}");
        assert!(h.contains("x-frame-options: deny"), "{path}");
        assert!(h.contains("cache-control: no-store"), "{path}");
        assert!(h.contains("referrer-policy: no-referrer"), "{path}");
    }
    let r = request(srv.addr, "GET", "/fonts/sarabun-regular.ttf", None, b"");
    assert!(r.headers.to_ascii_lowercase().contains("max-age=31536000"));
}

/// Behind a reverse proxy every request comes from the proxy's address: with
/// `--trusted-proxy` the limits apply to the client it names, so one guessing client does
/// not lock out every office; a client that is not the proxy cannot choose its own address.
#[test]
fn behind_a_trusted_proxy_limits_apply_to_the_client_it_names() {
    let (srv, code) = start_with(1000.0, 1000.0, |s| {
        s.with_trusted_proxies(vec!["127.0.0.9".parse().unwrap()])
    });
    let token = enrol(srv.addr, &code);
    let via = |client: &str, t: &str| {
        format!("Authorization: Bearer {t}\r\nX-Forwarded-For: 203.0.113.7, {client}\r\n")
    };
    let mut limited = false;
    for i in 0..15 {
        let r = request_from(
            "127.0.0.9",
            srv.addr,
            "GET",
            "/v1/pull",
            &via("10.0.0.1", &format!("guess-{i}")),
            b"",
        );
        if r.status == 429 {
            limited = true;
            break;
        }
    }
    assert!(limited);
    let r = request_from(
        "127.0.0.9",
        srv.addr,
        "GET",
        "/v1/pull",
        &via("10.0.0.2", &token),
        b"",
    );
    assert_eq!(
        r.status, 200,
        "another client behind the same proxy goes on"
    );
    // a client talking directly cannot pick an address to escape its limit
    let mut limited = false;
    for i in 0..15 {
        let spoof = format!("10.1.0.{i}");
        let r = request_from(
            "127.0.0.8",
            srv.addr,
            "GET",
            "/v1/pull",
            &via(&spoof, &format!("guess-{i}")),
            b"",
        );
        if r.status == 429 {
            limited = true;
            break;
        }
    }
    assert!(limited, "a spoofed X-Forwarded-For was believed");
}
