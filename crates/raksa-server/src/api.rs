//! The HTTP API (axum). Every request but enrolment and health carries the device's bearer
//! token; every body is size-limited and parsed strictly; every refusal is a JSON
//! `ErrorBody` with Thai and English text; a device sending too fast gets 429 with
//! Retry-After. Storage work runs on blocking threads.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use raksa_protocol::{EnrolRequest, ErrorBody, PushRequest};
use serde::Deserialize;

use crate::store::{Device, Store, StoreError};

pub struct AppState {
    pub store: Store,
    /// Requests per second per device, with bursts up to `burst`.
    rate: f64,
    burst: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
    /// Requests per client address, before any credential is looked at.
    addresses: Mutex<HashMap<IpAddr, (f64, Instant)>>,
    /// Failed credential checks (device or staff token, enrolment code) per address.
    failures: Mutex<HashMap<IpAddr, (f64, Instant)>>,
    /// Requests being served; beyond `MAX_IN_FLIGHT` the rest are turned away at once.
    in_flight: tokio::sync::Semaphore,
    /// Pushes in progress or queued for the store. When every PC reconnects at once after
    /// an outage, the rest are told to come back later (503 + Retry-After) instead of
    /// waiting past their timeout and sending the same batch again.
    push_slots: tokio::sync::Semaphore,
    slots: usize,
    /// The address PCs reach this server at (`--public-url`), for the links in release
    /// offers; without it, the request's own scheme and Host.
    public_url: Option<String>,
    https: bool,
    /// Reverse proxies whose `X-Forwarded-For` names the real client (`--trusted-proxy`):
    /// behind one, every request would otherwise share the proxy's address and its limits.
    trusted_proxies: Vec<IpAddr>,
}

/// Pushes admitted at once by default (`RAKSA_PUSH_SLOTS` overrides it). The store applies
/// them one after another, so more slots mostly lengthen the queue; measured (see
/// docs/benchmarks.md): PostgreSQL drains a reconnect storm faster and with p99 waits of
/// ~7 s instead of ~40 s at 4 slots, SQLite (fast per push) best at 32.
pub const PUSH_SLOTS: usize = 32;
pub const PUSH_SLOTS_POSTGRES: usize = 4;
/// How long a push may wait for a slot before it is turned away.
const PUSH_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

impl AppState {
    pub fn new(store: Store, rate: f64, burst: f64) -> AppState {
        let slots = std::env::var("RAKSA_PUSH_SLOTS")
            .ok()
            .and_then(|v| v.parse().ok())
            .filter(|n| *n > 0)
            .unwrap_or(match store.backend() {
                "postgres" => PUSH_SLOTS_POSTGRES,
                _ => PUSH_SLOTS,
            });
        AppState {
            store,
            rate,
            burst,
            buckets: Mutex::new(HashMap::new()),
            addresses: Mutex::new(HashMap::new()),
            failures: Mutex::new(HashMap::new()),
            in_flight: tokio::sync::Semaphore::new(MAX_IN_FLIGHT),
            push_slots: tokio::sync::Semaphore::new(slots),
            slots,
            public_url: None,
            https: false,
            trusted_proxies: Vec::new(),
        }
    }

    /// Proxies trusted to say who the client is (`X-Forwarded-For`, the last entry).
    pub fn with_trusted_proxies(mut self, proxies: Vec<IpAddr>) -> AppState {
        self.trusted_proxies = proxies;
        self
    }

    /// Where PCs reach this server (used in release offers' download links).
    pub fn with_public_url(mut self, url: Option<String>, https: bool) -> AppState {
        self.public_url = url.map(|u| u.trim_end_matches('/').to_owned());
        self.https = https;
        self
    }

    fn base_url(&self, headers: &HeaderMap) -> String {
        if let Some(u) = &self.public_url {
            return u.clone();
        }
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .filter(|h| {
                h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
            })
            .unwrap_or("localhost");
        let scheme = if self.https { "https" } else { "http" };
        format!("{scheme}://{host}")
    }

    /// Occupies every push slot (as a maintenance pause would): pushes are turned away
    /// with 503 until the permit is dropped. Used by the load-shedding test.
    #[doc(hidden)]
    pub fn hold_all_push_slots(&self) -> Option<tokio::sync::SemaphorePermit<'_>> {
        self.push_slots.try_acquire_many(self.slots as u32).ok()
    }

    /// Token bucket per device: `None` to go ahead, or seconds to wait.
    fn throttle(&self, key: &str) -> Option<u64> {
        take(&self.buckets, key.to_owned(), self.rate, self.burst, 1.0)
    }

    /// A client address that failed too many credential checks waits (`Some(seconds)`).
    pub(crate) fn failures_exceeded(&self, addr: IpAddr) -> Option<u64> {
        take(&self.failures, addr, FAIL_RATE, FAIL_BURST, 0.0)
    }

    pub(crate) fn failed(&self, addr: IpAddr) {
        let _ = take(&self.failures, addr, FAIL_RATE, FAIL_BURST, 1.0);
    }
}

/// Requests per second per client address before authentication (bursts to
/// `ADDRESS_BURST`): enough for every PC of an office behind one NAT address.
const ADDRESS_RATE: f64 = 50.0;
const ADDRESS_BURST: f64 = 200.0;
/// Failed credential checks per address: 10, then one every 6 s.
const FAIL_RATE: f64 = 10.0 / 60.0;
const FAIL_BURST: f64 = 10.0;
/// Requests served at once; more are turned away (503) instead of queueing without bound.
const MAX_IN_FLIGHT: usize = 512;
/// The longest a request may take, body included (a slow sender is cut off).
const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);
/// An enrolment request is a code and a name.
const MAX_ENROL_BYTES: usize = 4096;

/// A token bucket in `map`: takes `cost` tokens when there is one to take (`cost` 0 only
/// looks). `None` to go ahead, or seconds to wait. Old entries are dropped as the map grows.
fn take<K: std::hash::Hash + Eq>(
    map: &Mutex<HashMap<K, (f64, Instant)>>,
    key: K,
    rate: f64,
    burst: f64,
    cost: f64,
) -> Option<u64> {
    let mut b = map.lock().unwrap_or_else(|p| p.into_inner());
    let now = Instant::now();
    if b.len() > 100_000 {
        b.retain(|_, (_, last)| now.duration_since(*last).as_secs() < 600);
    }
    let (tokens, last) = b.entry(key).or_insert((burst, now));
    *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * rate).min(burst);
    *last = now;
    if *tokens >= 1.0 {
        *tokens -= cost;
        None
    } else {
        Some(((1.0 - *tokens) / rate).ceil().max(1.0) as u64)
    }
}

/// The connection's remote address, for every listener this server uses (plain TCP and
/// `tls::TlsListener`): serve with `into_make_service_with_connect_info::<Peer>()`.
#[derive(Clone, Copy, Debug)]
pub struct Peer(pub std::net::SocketAddr);

impl<'a>
    axum::extract::connect_info::Connected<axum::serve::IncomingStream<'a, tokio::net::TcpListener>>
    for Peer
{
    fn connect_info(stream: axum::serve::IncomingStream<'a, tokio::net::TcpListener>) -> Self {
        Peer(*stream.remote_addr())
    }
}

impl<'a>
    axum::extract::connect_info::Connected<axum::serve::IncomingStream<'a, crate::tls::TlsListener>>
    for Peer
{
    fn connect_info(stream: axum::serve::IncomingStream<'a, crate::tls::TlsListener>) -> Self {
        Peer(*stream.remote_addr())
    }
}

/// The client's address, put on every request by `guard` (0.0.0.0 when the server was
/// started without connection info, as in-process tests may be).
#[derive(Clone, Copy, Debug)]
pub struct ClientAddr(pub IpAddr);

pub(crate) fn too_many(wait: u64) -> ApiError {
    ApiError(
        429,
        ErrorBody::new(
            "rate_limited",
            "ส่งคำขอถี่เกินไป ระบบจะลองใหม่อัตโนมัติ",
            "Too many requests",
        ),
        Some(wait),
    )
}

/// Before any route: a per-address limit, a bound on requests in flight and a time limit
/// for the whole request; after it, security headers on every answer.
async fn guard(
    State(state): State<Arc<AppState>>,
    mut req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let peer = req
        .extensions()
        .get::<axum::extract::ConnectInfo<Peer>>()
        .map(|c| c.0.0.ip())
        .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
    // Behind a trusted reverse proxy the client is the last address it appended.
    let addr = if state.trusted_proxies.contains(&peer) {
        req.headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|a| a.trim().parse::<IpAddr>().ok())
            .unwrap_or(peer)
    } else {
        peer
    };
    req.extensions_mut().insert(ClientAddr(addr));
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let mut r = if let Some(wait) = take(&state.addresses, addr, ADDRESS_RATE, ADDRESS_BURST, 1.0) {
        too_many(wait).into_response()
    } else if declared.is_some_and(|n| n > raksa_protocol::MAX_BODY_BYTES) {
        // refused before a byte of it is read, in the API's own JSON
        ApiError(
            413,
            ErrorBody::new(
                "too_large",
                "ข้อมูลที่ส่งมีขนาดใหญ่เกินกำหนด (ไม่เกิน 16 MB ต่อครั้ง รูปภาพไม่เกิน 4 MB ต่อรูป)",
                "Body too large (16 MB at most; photos 4 MB each)",
            ),
            None,
        )
        .into_response()
    } else if let Ok(_permit) = state.in_flight.try_acquire() {
        match tokio::time::timeout(REQUEST_TIMEOUT, next.run(req)).await {
            Ok(r) => r,
            Err(_) => ApiError(
                408,
                ErrorBody::new(
                    "timeout",
                    "คำขอใช้เวลานานเกินไป ระบบจะลองใหม่อัตโนมัติ",
                    "Request timed out",
                ),
                Some(10),
            )
            .into_response(),
        }
    } else {
        ApiError(
            503,
            ErrorBody::new(
                "busy",
                "เซิร์ฟเวอร์มีผู้ใช้งานพร้อมกันมาก ระบบจะลองใหม่อัตโนมัติ",
                "Server busy",
            ),
            Some(5),
        )
        .into_response()
    };
    let h = r.headers_mut();
    for (name, value) in [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ] {
        h.entry(name).or_insert(HeaderValue::from_static(value));
    }
    // Answers carry offices' records: never kept by a cache (fonts say otherwise).
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    if state.https {
        h.entry(header::STRICT_TRANSPORT_SECURITY)
            .or_insert(HeaderValue::from_static("max-age=31536000"));
    }
    r
}

/// Reads a body only after its sender was authenticated, up to `limit` bytes.
async fn read_body(body: axum::body::Body, limit: usize) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(body, limit).await.map_err(|_| {
        ApiError(
            413,
            ErrorBody::new("too_large", "ข้อมูลที่ส่งมีขนาดใหญ่เกินกำหนด", "Body too large"),
            None,
        )
    })
}

pub struct ApiError(u16, ErrorBody, Option<u64>);

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Refused(s, b) => ApiError(s, b, None),
            StoreError::Db(m) => {
                tracing::error!(error = %m, "storage failure");
                ApiError(
                    500,
                    ErrorBody::new(
                        "server",
                        "เซิร์ฟเวอร์ขัดข้องชั่วคราว ข้อมูลในเครื่องยังอยู่ครบและจะส่งใหม่อัตโนมัติ",
                        "Server error; the data stays queued on the PC and will be resent",
                    ),
                    Some(30),
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = (
            StatusCode::from_u16(self.0).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            Json(self.1),
        )
            .into_response();
        if let Some(s) = self.2 {
            r.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from_str(&s.to_string()).expect("digits"),
            );
        }
        r
    }
}

pub(crate) fn invalid(what: &str) -> ApiError {
    ApiError(
        400,
        ErrorBody::new(
            "invalid",
            "รูปแบบคำขอไม่ถูกต้อง",
            &format!(
                "Malformed request: {}",
                what.chars().take(200).collect::<String>()
            ),
        ),
        None,
    )
}

fn parse<T: serde::de::DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| invalid(&e.to_string()))
}

pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| ApiError::from(StoreError::Db("worker stopped".into())))?
        .map_err(ApiError::from)
}

/// The credential of `Authorization: Bearer …`, once the address is not locked out for
/// failures; `missing_th` says in Thai what was expected.
pub(crate) fn bearer(
    state: &Arc<AppState>,
    headers: &HeaderMap,
    addr: IpAddr,
    missing_th: &str,
) -> Result<String, ApiError> {
    if let Some(wait) = state.failures_exceeded(addr) {
        return Err(too_many(wait));
    }
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned)
        .ok_or_else(|| {
            ApiError(
                401,
                ErrorBody::new("unauthorised", missing_th, "Missing bearer token"),
                None,
            )
        })?;
    if token.len() > 200 {
        return Err(invalid("token"));
    }
    Ok(token)
}

async fn device(
    state: &Arc<AppState>,
    headers: &HeaderMap,
    addr: IpAddr,
) -> Result<Device, ApiError> {
    let token = bearer(state, headers, addr, "ไม่ได้รับอนุญาต")?;
    let st = state.clone();
    let d = match blocking(move || st.store.authenticate(&token)).await {
        Ok(d) => d,
        Err(e) => {
            if e.0 == 401 {
                state.failed(addr);
            }
            return Err(e);
        }
    };
    if let Some(wait) = state.throttle(&d.id) {
        return Err(too_many(wait));
    }
    Ok(d)
}

/// A partner system's key from `Authorization: Bearer <key>` (failures limited per
/// address like every credential).
async fn partner(
    state: &Arc<AppState>,
    headers: &HeaderMap,
    addr: IpAddr,
) -> Result<String, ApiError> {
    let key = bearer(state, headers, addr, "ไม่ได้รับอนุญาต กรุณาส่งคีย์ของระบบพันธมิตร")?;
    let st = state.clone();
    match blocking(move || st.store.authenticate_partner(&key)).await {
        Ok(name) => Ok(name),
        Err(e) => {
            if e.0 == 401 {
                state.failed(addr);
            }
            Err(e)
        }
    }
}

/// The refused fields of a request body: 422 with each field's Thai and English message.
fn invalid_fields(inv: &raksa_domain::field::Invalid) -> ApiError {
    let fields: Vec<raksa_protocol::FieldMessage> = inv
        .field_errors()
        .iter()
        .map(|f| raksa_protocol::FieldMessage {
            field: f.field.clone(),
            message_th: f.message_th.clone(),
            message_en: f.message_en.clone(),
        })
        .collect();
    let first = &fields[0];
    let mut body = ErrorBody::new(
        "invalid_fields",
        &format!("ข้อมูลไม่ถูกต้อง: {} ({})", first.message_th, first.field),
        &format!("Invalid input: {} ({})", first.message_en, first.field),
    );
    body.fields = Some(Box::new(fields));
    ApiError(422, body, None)
}

/// Checks and files a request for help from any channel: the same key and body again
/// answer with the first filing, never a second request.
pub(crate) async fn file_help_request(
    state: &Arc<AppState>,
    channel: raksa_domain::help_request::RequestChannel,
    source: String,
    idempotency_key: Option<&str>,
    body: &[u8],
) -> Result<Response, ApiError> {
    let key = idempotency_key
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 100 && k.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or_else(|| {
            ApiError(
                400,
                ErrorBody::new(
                    "idempotency_key",
                    "ต้องส่งหัวข้อ Idempotency-Key (1–100 ตัวอักษร) เพื่อไม่ให้คำขอซ้ำเมื่อส่งใหม่",
                    "An Idempotency-Key header (1-100 visible characters) is required",
                ),
                None,
            )
        })?
        .to_owned();
    let req: raksa_domain::help_request::NewHelpRequest =
        serde_json::from_slice(body).map_err(|e| invalid(&e.to_string()))?;
    use base64::Engine;
    let checked = raksa_domain::help_request::check_new(&req, |s| {
        base64::engine::general_purpose::STANDARD
            .decode(s.trim())
            .ok()
    })
    .map_err(|inv| invalid_fields(&inv))?;
    let hash = raksa_protocol::sha256_hex(serde_json::to_vec(&req).expect("serialisable"));
    let st = state.clone();
    let filed = blocking(move || {
        st.store
            .file_request(channel, &source, &key, &hash, &checked)
    })
    .await?;
    let status = if filed.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(filed)).into_response())
}

async fn post_request(
    State(state): State<Arc<AppState>>,
    Extension(ClientAddr(addr)): Extension<ClientAddr>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Result<Response, ApiError> {
    let name = partner(&state, &headers, addr).await?;
    let body = read_body(body, raksa_protocol::MAX_BODY_BYTES).await?;
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok());
    file_help_request(
        &state,
        raksa_domain::help_request::RequestChannel::Partner,
        name,
        key,
        &body,
    )
    .await
}

async fn get_request(
    State(state): State<Arc<AppState>>,
    Extension(ClientAddr(addr)): Extension<ClientAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let name = partner(&state, &headers, addr).await?;
    if id.len() > 40 {
        return Err(invalid("id"));
    }
    let st = state.clone();
    let v = blocking(move || {
        st.store.request_status(
            raksa_domain::help_request::RequestChannel::Partner,
            &name,
            &id,
        )
    })
    .await?;
    Ok(Json(v).into_response())
}

async fn get_request_photo(
    State(state): State<Arc<AppState>>,
    Extension(ClientAddr(addr)): Extension<ClientAddr>,
    headers: HeaderMap,
    Path((id, sha256)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let d = device(&state, &headers, addr).await?;
    if id.len() > 40 || !raksa_protocol::is_sha256_hex(&sha256) {
        return Err(invalid("id"));
    }
    let st = state.clone();
    let (media, data) = blocking(move || st.store.request_photo(&d, &id, &sha256)).await?;
    Ok(([(header::CONTENT_TYPE, media)], data).into_response())
}

async fn health(State(state): State<Arc<AppState>>) -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "ok": true,
        "protocol": raksa_protocol::PROTOCOL_VERSION,
        "backend": state.store.backend(),
    }))
}

/// Guessing codes is limited per address (`failures`), so one client cannot lock the other
/// offices out of enrolling.
async fn enrol(
    State(state): State<Arc<AppState>>,
    Extension(ClientAddr(addr)): Extension<ClientAddr>,
    body: axum::body::Body,
) -> Result<Response, ApiError> {
    if let Some(wait) = state.failures_exceeded(addr) {
        return Err(too_many(wait));
    }
    let body = read_body(body, MAX_ENROL_BYTES).await?;
    let req: EnrolRequest = parse(&body)?;
    if req.code.len() > 40
        || req.device_name.len() > 400
        || req
            .admin
            .as_ref()
            .is_some_and(|a| a.user_id.len() > 40 || a.key.len() > 64)
    {
        return Err(invalid("too long"));
    }
    let st = state.clone();
    let r = match blocking(move || {
        st.store
            .enrol_with_admin(&req.code, &req.device_name, req.admin.as_ref())
    })
    .await
    {
        Ok(r) => r,
        Err(e) => {
            if e.0 == 401 {
                state.failed(addr);
            }
            return Err(e);
        }
    };
    tracing::info!(device = %r.device_id, office = %r.office, "device enrolled");
    Ok(Json(r).into_response())
}

async fn push(
    State(state): State<Arc<AppState>>,
    Extension(ClientAddr(addr)): Extension<ClientAddr>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Result<Response, ApiError> {
    let d = device(&state, &headers, addr).await?;
    let body = read_body(body, raksa_protocol::MAX_BODY_BYTES).await?;
    let req: PushRequest = parse(&body)?;
    let Ok(Ok(_slot)) = tokio::time::timeout(PUSH_WAIT, state.push_slots.acquire()).await else {
        // Spread the returns: 10–29 s, by device.
        let wait = 10
            + d.id
                .bytes()
                .fold(0u64, |a, b| a.wrapping_mul(31) + u64::from(b))
                % 20;
        return Err(ApiError(
            503,
            ErrorBody::new(
                "busy",
                "เซิร์ฟเวอร์กำลังรับข้อมูลจากหลายสำนักงานพร้อมกัน ระบบจะส่งอีกครั้งอัตโนมัติ",
                "The server is busy; retry later",
            ),
            Some(wait),
        ));
    };
    let st = state.clone();
    let n = req.mutations.len();
    let r = blocking(move || st.store.push(&d, &req)).await?;
    tracing::info!(mutations = n, through = r.acknowledged_through, "push");
    Ok(Json(r).into_response())
}

#[derive(Deserialize)]
struct PullQuery {
    #[serde(default)]
    cursor: u64,
    #[serde(default = "default_limit")]
    limit: u32,
}

fn default_limit() -> u32 {
    500
}

async fn pull(
    State(state): State<Arc<AppState>>,
    Extension(ClientAddr(addr)): Extension<ClientAddr>,
    headers: HeaderMap,
    q: Result<Query<PullQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let d = device(&state, &headers, addr).await?;
    let Query(q) = q.map_err(|e| invalid(&e.to_string()))?;
    let st = state.clone();
    let r = blocking(move || st.store.pull(&d, q.cursor, q.limit)).await?;
    Ok(Json(r).into_response())
}

async fn put_blob(
    State(state): State<Arc<AppState>>,
    Extension(ClientAddr(addr)): Extension<ClientAddr>,
    headers: HeaderMap,
    Path(sha256): Path<String>,
    body: axum::body::Body,
) -> Result<Response, ApiError> {
    let d = device(&state, &headers, addr).await?;
    let body = read_body(body, raksa_protocol::MAX_BLOB_BYTES)
        .await
        .map_err(|_| {
            ApiError(
                413,
                ErrorBody::new("too_large", "ไฟล์แนบใหญ่เกินกำหนด", "Attachment too large"),
                None,
            )
        })?;
    let st = state.clone();
    blocking(move || st.store.put_blob(&d, &sha256, &body)).await?;
    Ok(Json(serde_json::json!({"stored": true})).into_response())
}

async fn get_blob(
    State(state): State<Arc<AppState>>,
    Extension(ClientAddr(addr)): Extension<ClientAddr>,
    headers: HeaderMap,
    Path(sha256): Path<String>,
) -> Result<Response, ApiError> {
    let d = device(&state, &headers, addr).await?;
    let st = state.clone();
    let data = blocking(move || st.store.blob(&d, &sha256)).await?;
    Ok(([(header::CONTENT_TYPE, "application/octet-stream")], data).into_response())
}

fn release_target(target: &str) -> Result<(), ApiError> {
    crate::release::check_target(target).map_err(|e| invalid(&e.to_string()))
}

/// Tauri's updater asks here (as the enrolled PC, with its bearer token): 204 when it runs
/// the newest release, else the newest release's notes, signature and download link.
async fn release_offer(
    State(state): State<Arc<AppState>>,
    Extension(ClientAddr(addr)): Extension<ClientAddr>,
    headers: HeaderMap,
    Path((target, current)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    device(&state, &headers, addr).await?;
    release_target(&target)?;
    if crate::release::parse_version(&current).is_err() {
        return Err(invalid("version"));
    }
    let st = state.clone();
    let t = target.clone();
    let Some(r) = blocking(move || st.store.release_offer(&t, &current)).await? else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    let url = format!(
        "{}/v1/releases/{}/{}/package",
        state.base_url(&headers),
        target,
        r.version
    );
    Ok(Json(crate::release::Offer {
        version: r.version,
        notes: r.notes_th,
        notes_en: r.notes_en,
        pub_date: r.published_at,
        url,
        signature: r.signature,
        sha256: r.sha256,
        size: r.size,
    })
    .into_response())
}

/// A release's package bytes, to enrolled PCs. The PC verifies the signature itself.
async fn release_package(
    State(state): State<Arc<AppState>>,
    Extension(ClientAddr(addr)): Extension<ClientAddr>,
    headers: HeaderMap,
    Path((target, version)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    device(&state, &headers, addr).await?;
    release_target(&target)?;
    let version = crate::release::parse_version(&version)
        .map_err(|_| invalid("version"))?
        .to_string();
    let st = state.clone();
    let data = blocking(move || st.store.release_package(&target, &version)).await?;
    Ok(([(header::CONTENT_TYPE, "application/octet-stream")], data).into_response())
}

/// Staff credential from `Authorization: Bearer <token>` or, for the browser page, HTTP
/// Basic with the token as the password.
async fn staff(
    state: &Arc<AppState>,
    headers: &HeaderMap,
    addr: IpAddr,
) -> Result<String, ApiError> {
    use base64::Engine;
    if let Some(wait) = state.failures_exceeded(addr) {
        return Err(too_many(wait));
    }
    let h = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let token = if let Some(t) = h.strip_prefix("Bearer ") {
        Some(t.to_owned())
    } else if let Some(b) = h.strip_prefix("Basic ") {
        base64::engine::general_purpose::STANDARD
            .decode(b.trim())
            .ok()
            .and_then(|v| String::from_utf8(v).ok())
            .and_then(|s| s.split_once(':').map(|(_, p)| p.to_owned()))
    } else {
        None
    };
    let Some(token) = token.filter(|t| !t.is_empty() && t.len() <= 200) else {
        return Err(ApiError(
            401,
            ErrorBody::new(
                "unauthorised",
                "ต้องใช้บัญชีเจ้าหน้าที่ส่วนกลาง (ศรส.) เพื่อดูภาพรวมระดับประเทศ",
                "A central staff credential is required",
            ),
            None,
        ));
    };
    let st = state.clone();
    let r = blocking(move || st.store.authenticate_staff(&token)).await;
    if r.as_ref().is_err_and(|e| e.0 == 401) {
        state.failed(addr);
    }
    r
}

async fn national_figures(state: &Arc<AppState>) -> Result<crate::national::National, ApiError> {
    let st = state.clone();
    let today = crate::national::today();
    blocking(move || st.store.national(today)).await
}

async fn national_json(
    State(state): State<Arc<AppState>>,
    Extension(ClientAddr(addr)): Extension<ClientAddr>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    staff(&state, &headers, addr).await?;
    Ok(Json(national_figures(&state).await?).into_response())
}

async fn national_page(
    State(state): State<Arc<AppState>>,
    Extension(ClientAddr(addr)): Extension<ClientAddr>,
    headers: HeaderMap,
) -> Response {
    match staff(&state, &headers, addr).await {
        Ok(_) => match national_figures(&state).await {
            Ok(n) => (
                [
                    (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                    (
                        header::CONTENT_SECURITY_POLICY,
                        "default-src 'none'; style-src 'unsafe-inline'; font-src 'self'; \
                         frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
                    ),
                    // Figures of named offices: never kept in a shared cache or history.
                    (header::CACHE_CONTROL, "no-store"),
                    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
                    (header::REFERRER_POLICY, "no-referrer"),
                    (header::X_FRAME_OPTIONS, "DENY"),
                ],
                crate::national::html(&n),
            )
                .into_response(),
            Err(e) => e.into_response(),
        },
        Err(e) => {
            let mut r = e.into_response();
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"Raksa national view\", charset=\"UTF-8\""),
            );
            r
        }
    }
}

/// Sarabun (SIL OFL, `assets/fonts/`), served so the Thai pages read right in a browser on
/// a machine without Thai fonts. Public, no personal data; cached for a year.
const SARABUN_REGULAR: &[u8] = include_bytes!("../../../assets/fonts/Sarabun-Regular.ttf");
const SARABUN_BOLD: &[u8] = include_bytes!("../../../assets/fonts/Sarabun-Bold.ttf");

fn font(bytes: &'static [u8]) -> Response {
    (
        [
            (header::CONTENT_TYPE, "font/ttf"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        bytes,
    )
        .into_response()
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], crate::OPENAPI).into_response()
}

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/v1/health", get(health))
        .route("/v1/enrol", post(enrol))
        .route("/v1/push", post(push))
        .route("/v1/pull", get(pull))
        .route("/v1/blobs/{sha256}", get(get_blob).put(put_blob))
        .route(
            "/field",
            get(|| async { axum::response::Redirect::permanent("/field/") }),
        )
        .route("/field/", get(crate::field::index))
        .route("/field/app.js", get(crate::field::app))
        .route("/field/sw.js", get(crate::field::worker))
        .route("/field/style.css", get(crate::field::style))
        .route("/field/manifest.webmanifest", get(crate::field::manifest))
        .route("/field/icon.svg", get(crate::field::icon))
        .route("/field/form.json", get(crate::field::form))
        .route("/v1/field/enrol", post(crate::field::enrol))
        .route(
            "/v1/field/requests",
            post(crate::field::file).get(crate::field::mine),
        )
        .route("/v1/field/places", get(crate::field::places))
        .route("/console", get(crate::console::index))
        .route("/console/login", post(crate::console::login))
        .route("/console/logout", post(crate::console::logout))
        .route("/console/requests", post(crate::console::file))
        .route("/console/places", get(crate::console::places))
        .route("/console/similar", get(crate::console::similar))
        .route("/console/style.css", get(crate::console::style))
        .route("/console/app.js", get(crate::console::script))
        .route("/husec", get(crate::husec::index))
        .route("/husec/login", post(crate::husec::login))
        .route("/husec/logout", post(crate::husec::logout))
        .route("/husec/late", get(crate::husec::late))
        .route("/husec/late.csv", get(crate::husec::late_csv))
        .route("/husec/late.xlsx", get(crate::husec::late_xlsx))
        .route("/husec/items/{kind}/{id}", get(crate::husec::item))
        .route(
            "/husec/items/{kind}/{id}/identity",
            post(crate::husec::identity),
        )
        .route("/husec/audit", get(crate::husec::audit))
        .route("/husec/expedite", post(crate::husec::expedite))
        .route("/husec/api/national", get(crate::husec::api_national))
        .route("/husec/api/late", get(crate::husec::api_late))
        .route("/husec/style.css", get(crate::husec::style))
        .route("/v1/requests", post(post_request))
        .route("/v1/requests/{id}", get(get_request))
        .route("/v1/requests/{id}/photos/{sha256}", get(get_request_photo))
        .route("/v1/releases/{target}/{current}", get(release_offer))
        .route(
            "/v1/releases/{target}/{version}/package",
            get(release_package),
        )
        .route("/v1/national", get(national_json))
        .route("/national", get(national_page))
        .route("/openapi.json", get(openapi))
        .route(
            "/fonts/sarabun-regular.ttf",
            get(|| async { font(SARABUN_REGULAR) }),
        )
        .route(
            "/fonts/sarabun-bold.ttf",
            get(|| async { font(SARABUN_BOLD) }),
        )
        // One limit for every body (axum's own 2 MB default would cut pushes and files).
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            raksa_protocol::MAX_BODY_BYTES,
        ))
        .layer(axum::middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}
