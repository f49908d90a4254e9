//! The volunteers' field app (issue 15 §4): an installable, mobile-first web app (PWA)
//! raksa-server serves at `/field/`. It keeps drafts and unsent requests on the phone
//! encrypted (WebCrypto: AES-GCM under a key derived from the volunteer's PIN), sends them
//! when the phone is online with an idempotency key — resending never makes a second
//! request — and erases each once the server acknowledged it. The volunteer sees their own
//! requests' statuses, never the case file. The form is data (`assets/forms/`).

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use raksa_domain::help_request::RequestChannel;
use serde::Deserialize;

use crate::api::{ApiError, AppState, ClientAddr};

const INDEX: &str = include_str!("field/index.html");
const APP: &str = include_str!("field/app.js");
const WORKER: &str = include_str!("field/sw.js");
const STYLE: &str = include_str!("field/style.css");
const MANIFEST: &str = include_str!("field/manifest.webmanifest");
const ICON: &str = include_str!("field/icon.svg");
/// The volunteer's form, versioned data like the office's fact-finding form.
pub const FORM: &str = include_str!("../../../assets/forms/volunteer-request.v1.json");

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; font-src 'self'; \
                   img-src 'self' blob: data:; connect-src 'self'; manifest-src 'self'; \
                   worker-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

fn asset(kind: &'static str, body: &'static str) -> Response {
    let mut r = ([(header::CONTENT_TYPE, kind)], body).into_response();
    r.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    r
}

pub async fn index() -> Response {
    asset("text/html; charset=utf-8", INDEX)
}
pub async fn app() -> Response {
    asset("text/javascript; charset=utf-8", APP)
}
pub async fn worker() -> Response {
    let mut r = asset("text/javascript; charset=utf-8", WORKER);
    r.headers_mut().insert(
        "service-worker-allowed",
        HeaderValue::from_static("/field/"),
    );
    r
}
pub async fn style() -> Response {
    asset("text/css; charset=utf-8", STYLE)
}
pub async fn manifest() -> Response {
    asset("application/manifest+json", MANIFEST)
}
pub async fn icon() -> Response {
    asset("image/svg+xml", ICON)
}
pub async fn form() -> Response {
    asset("application/json", FORM)
}

#[derive(Deserialize)]
struct Enrol {
    code: String,
}

/// Activates a phone with the office's one-time code (failures limited per address).
pub async fn enrol(
    State(state): State<Arc<AppState>>,
    Extension(ClientAddr(addr)): Extension<ClientAddr>,
    body: axum::body::Body,
) -> Result<Response, ApiError> {
    if let Some(wait) = state.failures_exceeded(addr) {
        return Err(crate::api::too_many(wait));
    }
    let body = axum::body::to_bytes(body, 4096)
        .await
        .map_err(|_| crate::api::invalid("too long"))?;
    let req: Enrol =
        serde_json::from_slice(&body).map_err(|e| crate::api::invalid(&e.to_string()))?;
    if req.code.len() > 40 {
        return Err(crate::api::invalid("code"));
    }
    let st = state.clone();
    match crate::api::blocking(move || st.store.field_enrol(&req.code)).await {
        Ok(e) => Ok(Json(e).into_response()),
        Err(e) => {
            state.failed(addr);
            Err(e)
        }
    }
}

async fn volunteer(
    state: &Arc<AppState>,
    headers: &HeaderMap,
    addr: std::net::IpAddr,
) -> Result<crate::store::field::FieldVolunteer, ApiError> {
    let token = crate::api::bearer(state, headers, addr, "เครื่องนี้ยังไม่ได้เปิดใช้งาน")?;
    let st = state.clone();
    match crate::api::blocking(move || st.store.field_volunteer(&token)).await {
        Ok(v) => Ok(v),
        Err(e) => {
            state.failed(addr);
            Err(e)
        }
    }
}

/// A volunteer files a request (the place defaults to the volunteer's own sub-district).
pub async fn file(
    State(state): State<Arc<AppState>>,
    Extension(ClientAddr(addr)): Extension<ClientAddr>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Result<Response, ApiError> {
    let v = volunteer(&state, &headers, addr).await?;
    let body = axum::body::to_bytes(body, raksa_protocol::MAX_BODY_BYTES)
        .await
        .map_err(|_| crate::api::invalid("too large"))?;
    let mut json: serde_json::Value =
        serde_json::from_slice(&body).map_err(|e| crate::api::invalid(&e.to_string()))?;
    if let Some(obj) = json.as_object_mut() {
        let missing = obj
            .get("subdistrict_code")
            .is_none_or(|c| c.as_str().is_none_or(|s| s.trim().is_empty()));
        if missing && let Some(c) = &v.subdistrict_code {
            obj.insert(
                "subdistrict_code".into(),
                serde_json::Value::String(c.clone()),
            );
        }
    }
    let body = serde_json::to_vec(&json).expect("serialisable");
    let key = headers.get("idempotency-key").and_then(|h| h.to_str().ok());
    crate::api::file_help_request(&state, RequestChannel::Volunteer, v.id, key, &body).await
}

/// The volunteer's own requests and where each stands.
pub async fn mine(
    State(state): State<Arc<AppState>>,
    Extension(ClientAddr(addr)): Extension<ClientAddr>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let v = volunteer(&state, &headers, addr).await?;
    let st = state.clone();
    let id = v.id.clone();
    let list = crate::api::blocking(move || st.store.field_requests(&id)).await?;
    Ok(
        Json(serde_json::json!({"name": v.name, "office": v.office, "requests": list}))
            .into_response(),
    )
}

/// Sub-district search for the phone's form.
pub async fn places(
    State(state): State<Arc<AppState>>,
    Extension(ClientAddr(addr)): Extension<ClientAddr>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Result<Response, ApiError> {
    volunteer(&state, &headers, addr).await?;
    let text: String = q
        .get("q")
        .map(String::as_str)
        .unwrap_or("")
        .chars()
        .take(60)
        .collect();
    let found: Vec<serde_json::Value> = raksa_domain::places::places()
        .search(&text, 10)
        .into_iter()
        .map(|p| serde_json::json!({"code": p.subdistrict_code, "label": p.label_th}))
        .collect();
    Ok(Json(found).into_response())
}
