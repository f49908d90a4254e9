//! The 1300 console (issue 15 §3): pages raksa-server serves to hotline staff. A phone
//! call becomes a request for help in one keyboard-first Thai form — the place from the
//! official DOPA list, the centre's ten core issues, urgency — routed to the responsible
//! office like any request (`store::requests`). Sign-in by password; the session lives in
//! an httpOnly, Secure, SameSite=Strict cookie and every form carries the session's CSRF
//! token. A hint shows open requests in the same province with the same phone or ID.
//! Everything shown is escaped; the pages load no script or style but their own.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use raksa_domain::help_request::{
    self, CoreIssue, NewHelpRequest, PersonInNeed, Reporter, RequestChannel, RequestStatus,
};
use raksa_domain::model::{Sex, Urgency};
use serde::Deserialize;

use crate::api::{AppState, ClientAddr};
use crate::store::console::ConsoleUser;

const COOKIE: &str = "raksa_console";
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; font-src 'self'; \
                   img-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; \
                   form-action 'self'";

pub const STYLE: &str = include_str!("console.css");
pub const SCRIPT: &str = include_str!("console.js");

pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn page(status: StatusCode, title: &str, body: &str, cookie: Option<String>) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"th\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} — ศูนย์ช่วยเหลือสังคม 1300 · รักษา</title>\
         <link rel=\"stylesheet\" href=\"/console/style.css\"></head><body>{body}\
         <script src=\"/console/app.js\"></script></body></html>",
        esc(title)
    );
    let mut r = (status, html).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    if let Some(c) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        h.insert(header::SET_COOKIE, c);
    }
    r
}

pub(crate) fn redirect(to: &str, cookie: Option<String>) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    r.headers_mut().insert(
        header::LOCATION,
        HeaderValue::from_str(to).unwrap_or(HeaderValue::from_static("/console")),
    );
    if let Some(c) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        r.headers_mut().insert(header::SET_COOKIE, c);
    }
    r
}

fn session_cookie(token: &str) -> String {
    format!(
        "{COOKIE}={token}; Path=/console; HttpOnly; Secure; SameSite=Strict; Max-Age={}",
        crate::store::console::SESSION_HOURS * 3600
    )
}

fn cookie_token(headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, COOKIE)
}

/// A cookie's value from the request (at most 100 characters: a session token).
pub(crate) fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
        .filter(|v| v.len() <= 100)
}

async fn signed_in(state: &Arc<AppState>, headers: &HeaderMap) -> Option<(String, ConsoleUser)> {
    let token = cookie_token(headers)?;
    let st = state.clone();
    let t = token.clone();
    let user = tokio::task::spawn_blocking(move || st.store.console_session(&t))
        .await
        .ok()?
        .ok()??;
    Some((token, user))
}

pub(crate) fn same(a: &str, b: &str) -> bool {
    // compared through their hashes: no early exit on the first different byte
    raksa_protocol::sha256_hex(a) == raksa_protocol::sha256_hex(b)
}

fn login_page(message: Option<&str>, status: StatusCode) -> Response {
    let msg = message
        .map(|m| {
            format!(
                "<p class=\"error\" role=\"alert\" id=\"login-error\">{}</p>",
                esc(m)
            )
        })
        .unwrap_or_default();
    page(
        status,
        "เข้าสู่ระบบ",
        &format!(
            "<main class=\"login\"><h1>ศูนย์ช่วยเหลือสังคม สายด่วน 1300</h1>\
             <p class=\"muted\">รับแจ้งเรื่องและส่งต่อให้สำนักงานที่รับผิดชอบ (ระบบรักษา)</p>{msg}\
             <form method=\"post\" action=\"/console/login\" id=\"login-form\">\
             <label>ชื่อผู้ใช้ <input name=\"username\" autocomplete=\"username\" required autofocus maxlength=\"32\"></label>\
             <label>รหัสผ่าน <input name=\"password\" type=\"password\" autocomplete=\"current-password\" required maxlength=\"200\"></label>\
             <button type=\"submit\" class=\"primary\">เข้าสู่ระบบ</button></form></main>"
        ),
        None,
    )
}

/// What the intake form was filled with (to show it again with its errors).
#[derive(Default)]
struct Filled {
    values: Vec<(String, String)>,
}

impl Filled {
    fn get(&self, k: &str) -> &str {
        self.values
            .iter()
            .find(|(n, _)| n == k)
            .map_or("", |(_, v)| v.as_str())
    }
    fn all(&self, k: &str) -> Vec<&str> {
        self.values
            .iter()
            .filter(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

fn form_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

fn status_th(s: &str) -> &'static str {
    RequestStatus::parse(s).map_or("—", |s| s.label_th())
}

pub(crate) fn be_time(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|d| {
            let local = d.with_timezone(&raksa_domain::thai_date::bangkok());
            format!(
                "{} {}",
                raksa_domain::thai_date::format_be_short(local.date_naive()),
                local.format("%H:%M")
            )
        })
        .unwrap_or_default()
}

async fn console_page(
    state: &Arc<AppState>,
    user: &ConsoleUser,
    filled: &Filled,
    errors: &[(String, String)],
    flash: Option<String>,
    status: StatusCode,
) -> Response {
    let st = state.clone();
    let name = user.username.clone();
    let mine = tokio::task::spawn_blocking(move || st.store.filed_by(&name))
        .await
        .ok()
        .and_then(Result::ok)
        .unwrap_or_default();
    let err = |k: &str| {
        errors
            .iter()
            .filter(|(f, _)| f == k || f.starts_with(&format!("{k}.")))
            .map(|(_, m)| format!("<span class=\"field-error\">{}</span>", esc(m)))
            .collect::<String>()
    };
    let v = |k: &str| esc(filled.get(k));
    let issues_checked = filled.all("issue");
    let issues: String = CoreIssue::ALL
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let key = (i + 1) % 10;
            format!(
                "<label class=\"issue\"><input type=\"checkbox\" name=\"issue\" value=\"{}\" data-key=\"{key}\"{}> <kbd>{key}</kbd> {}</label>",
                c.as_str(),
                if issues_checked.contains(&c.as_str()) { " checked" } else { "" },
                esc(c.label_th())
            )
        })
        .collect();
    let urgency = filled.get("urgency");
    let urgencies: String = [
        (Urgency::Urgent, "เร่งด่วน (อันตรายต่อชีวิต/ความรุนแรง)"),
        (Urgency::High, "สูง"),
        (Urgency::Normal, "ปกติ"),
    ]
    .iter()
    .map(|(u, label)| {
        let checked = urgency == u.as_str() || (urgency.is_empty() && *u == Urgency::Normal);
        format!(
            "<label><input type=\"radio\" name=\"urgency\" value=\"{}\"{}> {label}</label>",
            u.as_str(),
            if checked { " checked" } else { "" }
        )
    })
    .collect();
    let sexes: String = [("", "ไม่ทราบ"), ("male", "ชาย"), ("female", "หญิง")]
        .iter()
        .map(|(k, l)| {
            format!(
                "<option value=\"{k}\"{}>{l}</option>",
                if filled.get("person_sex") == *k {
                    " selected"
                } else {
                    ""
                }
            )
        })
        .collect();
    let rows: String = if mine.is_empty() {
        "<tr><td colspan=\"5\" class=\"muted\">ยังไม่มีเรื่องที่รับแจ้ง</td></tr>".into()
    } else {
        mine.iter()
            .map(|r| {
                let issues: Vec<&str> = r
                    .issues
                    .iter()
                    .filter_map(|i| CoreIssue::parse(i).map(|c| c.label_th()))
                    .collect();
                let place = r
                    .place
                    .as_deref()
                    .and_then(|c| raksa_domain::places::places().get(&c[..2.min(c.len())]))
                    .map(|p| p.name_th.clone())
                    .unwrap_or_else(|| "—".into());
                format!(
                    "<tr data-request=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"status-{}\">{}</td></tr>",
                    esc(&r.id),
                    esc(&be_time(&r.received_at)),
                    esc(&issues.join(", ")),
                    esc(&place),
                    esc(r.office.as_deref().unwrap_or("รอ ศรส. ส่งต่อ")),
                    esc(&r.status),
                    status_th(&r.status)
                )
            })
            .collect()
    };
    let flash = flash
        .map(|f| {
            format!(
                "<p class=\"flash\" role=\"status\" id=\"flash\">{}</p>",
                esc(&f)
            )
        })
        .unwrap_or_default();
    let general = if errors.is_empty() {
        String::new()
    } else {
        "<p class=\"error\" role=\"alert\" id=\"form-error\">ข้อมูลบางช่องไม่ถูกต้อง กรุณาแก้ไขช่องที่มีข้อความสีแดง</p>".into()
    };
    let anonymous = if filled.get("anonymous") == "1" {
        " checked"
    } else {
        ""
    };
    let body = format!(
        "<header class=\"top\"><strong>♥ รักษา · ศูนย์ช่วยเหลือสังคม 1300</strong>\
         <span class=\"who\">{name} ({role})\
         <form method=\"post\" action=\"/console/logout\" class=\"inline\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <button type=\"submit\" id=\"logout\">ออกจากระบบ</button></form></span></header>\
         <main>{flash}<h1>รับแจ้งเรื่องทางโทรศัพท์</h1>{general}\
         <form method=\"post\" action=\"/console/requests\" id=\"intake\" novalidate>\
         <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><input type=\"hidden\" name=\"form_id\" value=\"{fid}\">\
         <fieldset><legend>ผู้แจ้ง</legend>\
         <label>ชื่อผู้แจ้ง <input name=\"reporter_name\" value=\"{rn}\" maxlength=\"100\" autofocus>{e_rn}</label>\
         <label>โทรศัพท์ <input name=\"reporter_phone\" id=\"reporter_phone\" value=\"{rp}\" maxlength=\"20\" inputmode=\"tel\">{e_rp}</label>\
         <label>เกี่ยวข้องเป็น <input name=\"reporter_relation\" value=\"{rr}\" maxlength=\"100\" placeholder=\"เพื่อนบ้าน ญาติ ครู ตนเอง\"></label>\
         <label class=\"check\"><input type=\"checkbox\" name=\"anonymous\" value=\"1\"{anonymous}> ไม่ประสงค์ออกนาม</label></fieldset>\
         <fieldset><legend>ผู้ประสบปัญหา</legend>\
         <label>ชื่อ–สกุล (ถ้าทราบ) <input name=\"person_name\" value=\"{pn}\" maxlength=\"100\">{e_pn}</label>\
         <label>เลขประจำตัวประชาชน <input name=\"person_citizen_id\" id=\"person_citizen_id\" value=\"{pc}\" maxlength=\"17\" inputmode=\"numeric\">{e_pc}</label>\
         <label>อายุประมาณ (ปี) <input name=\"person_age\" value=\"{pa}\" maxlength=\"3\" inputmode=\"numeric\">{e_pa}</label>\
         <label>เพศ <select name=\"person_sex\">{sexes}</select></label></fieldset>\
         <fieldset><legend>สถานที่</legend>\
         <label>ตำบล/อำเภอ/จังหวัด (พิมพ์เพื่อค้นหา) <input id=\"place_q\" name=\"place_label\" value=\"{pl}\" autocomplete=\"off\" role=\"combobox\" aria-controls=\"place_pick\">{e_sd}</label>\
         <select id=\"place_pick\" size=\"5\" aria-label=\"ผลการค้นหาสถานที่\" hidden></select>\
         <input type=\"hidden\" name=\"subdistrict_code\" id=\"subdistrict_code\" value=\"{sd}\">\
         <label>ที่อยู่/จุดสังเกต <input name=\"address_text\" value=\"{at}\" maxlength=\"300\">{e_at}</label>\
         <div class=\"row\"><label>ละติจูด <input name=\"gps_lat\" value=\"{la}\" maxlength=\"12\" inputmode=\"decimal\"></label>\
         <label>ลองจิจูด <input name=\"gps_lon\" value=\"{lo}\" maxlength=\"12\" inputmode=\"decimal\"></label>{e_gps}</div></fieldset>\
         <fieldset><legend>ประเด็นปัญหา (กด Alt+ตัวเลข)</legend><div class=\"issues\">{issues}</div>{e_ci}</fieldset>\
         <fieldset><legend>ความเร่งด่วน</legend><div class=\"urgency\">{urgencies}</div></fieldset>\
         <label>รายละเอียดที่ได้รับแจ้ง <textarea name=\"details\" rows=\"4\" maxlength=\"5000\">{dt}</textarea>{e_dt}</label>\
         <div id=\"similar\" role=\"status\" aria-live=\"polite\"></div>\
         <button type=\"submit\" class=\"primary\" id=\"file-request\">บันทึกและส่งต่อ (Ctrl+Enter)</button></form>\
         <h2>เรื่องที่ฉันรับแจ้ง</h2><table id=\"my-requests\"><thead><tr><th>รับเมื่อ</th><th>ประเด็น</th><th>จังหวัด</th><th>สำนักงาน</th><th>สถานะ</th></tr></thead>\
         <tbody>{rows}</tbody></table></main>",
        name = esc(&user.full_name),
        role = if user.role == "supervisor" {
            "หัวหน้าเวร"
        } else {
            "เจ้าหน้าที่รับแจ้ง"
        },
        csrf = esc(&user.csrf),
        fid = if filled.get("form_id").is_empty() {
            form_id()
        } else {
            v("form_id")
        },
        rn = v("reporter_name"),
        rp = v("reporter_phone"),
        rr = v("reporter_relation"),
        pn = v("person_name"),
        pc = v("person_citizen_id"),
        pa = v("person_age"),
        pl = v("place_label"),
        sd = v("subdistrict_code"),
        at = v("address_text"),
        la = v("gps_lat"),
        lo = v("gps_lon"),
        dt = v("details"),
        e_rn = err("reporter.name"),
        e_rp = err("reporter.phone"),
        e_pn = err("person.name"),
        e_pc = err("person.citizen_id"),
        e_pa = err("person.approx_age"),
        e_sd = err("subdistrict_code"),
        e_at = err("address_text"),
        e_gps = err("gps"),
        e_ci = err("core_issues"),
        e_dt = err("details"),
    );
    page(status, "รับแจ้งเรื่อง", &body, None)
}

pub async fn index(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> Response {
    let Some((_, user)) = signed_in(&state, &headers).await else {
        return login_page(None, StatusCode::OK);
    };
    let flash = match q.get("filed").map(String::as_str) {
        Some("national") => {
            Some("บันทึกแล้ว — ไม่พบสำนักงานที่รับผิดชอบพื้นที่นี้ เรื่องอยู่ในคิวของ ศรส. เพื่อส่งต่อ".to_owned())
        }
        Some(office) if !office.is_empty() => Some(format!("บันทึกแล้ว ส่งให้สำนักงาน {office} แล้ว")),
        _ => None,
    };
    console_page(
        &state,
        &user,
        &Filled::default(),
        &[],
        flash,
        StatusCode::OK,
    )
    .await
}

pub async fn login(
    State(state): State<Arc<AppState>>,
    Extension(ClientAddr(addr)): Extension<ClientAddr>,
    body: axum::body::Body,
) -> Response {
    if state.failures_exceeded(addr).is_some() {
        return login_page(
            Some("ใส่รหัสผ่านผิดหลายครั้ง กรุณารอสักครู่แล้วลองใหม่"),
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    let Ok(body) = axum::body::to_bytes(body, 4096).await else {
        return login_page(
            Some("ข้อมูลที่ส่งมีขนาดใหญ่เกินกำหนด"),
            StatusCode::PAYLOAD_TOO_LARGE,
        );
    };
    #[derive(Deserialize)]
    struct Login {
        username: String,
        password: String,
    }
    let Ok(l) = serde_urlencoded::from_bytes::<Login>(&body) else {
        return login_page(Some("กรุณากรอกชื่อผู้ใช้และรหัสผ่าน"), StatusCode::BAD_REQUEST);
    };
    let st = state.clone();
    let r = tokio::task::spawn_blocking(move || st.store.console_sign_in(&l.username, &l.password))
        .await
        .ok()
        .and_then(Result::ok)
        .flatten();
    match r {
        Some((token, _)) => redirect("/console", Some(session_cookie(&token))),
        None => {
            state.failed(addr);
            login_page(Some("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"), StatusCode::UNAUTHORIZED)
        }
    }
}

fn forbidden() -> Response {
    page(
        StatusCode::FORBIDDEN,
        "ไม่ได้รับอนุญาต",
        "<main><p class=\"error\" role=\"alert\">คำขอนี้ไม่ได้มาจากหน้าจอของระบบ (รหัสป้องกันการปลอมแปลงไม่ถูกต้อง) จึงไม่ดำเนินการ กรุณาเปิดหน้ารับแจ้งใหม่</p>\
         <p><a href=\"/console\">กลับไปหน้ารับแจ้ง</a></p></main>",
        None,
    )
}

pub async fn logout(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Response {
    let Some((token, user)) = signed_in(&state, &headers).await else {
        return redirect("/console", None);
    };
    let body = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    let form: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let csrf = form
        .iter()
        .find(|(k, _)| k == "csrf")
        .map_or("", |(_, v)| v.as_str());
    if !same(csrf, &user.csrf) {
        return forbidden();
    }
    let st = state.clone();
    let _ = tokio::task::spawn_blocking(move || st.store.console_sign_out(&token)).await;
    redirect(
        "/console",
        Some(format!(
            "{COOKIE}=; Path=/console; HttpOnly; Secure; SameSite=Strict; Max-Age=0"
        )),
    )
}

/// The intake form as a request for help (the same checks as every channel's).
fn request_of(f: &Filled) -> NewHelpRequest {
    let opt = |k: &str| Some(f.get(k).trim().to_owned()).filter(|s| !s.is_empty());
    let anonymous = f.get("anonymous") == "1";
    NewHelpRequest {
        reporter: (!anonymous).then(|| Reporter {
            name: f.get("reporter_name").into(),
            phone: f.get("reporter_phone").into(),
            relation: f.get("reporter_relation").into(),
        }),
        person: PersonInNeed {
            name: f.get("person_name").into(),
            citizen_id: f.get("person_citizen_id").into(),
            approx_age: opt("person_age")
                .and_then(|a| a.parse::<u16>().ok())
                .map(|a| a.min(255) as u8),
            sex: match f.get("person_sex") {
                "male" => Some(Sex::Male),
                "female" => Some(Sex::Female),
                _ => None,
            },
        },
        subdistrict_code: opt("subdistrict_code"),
        gps: match (
            opt("gps_lat").and_then(|v| v.parse::<f64>().ok()),
            opt("gps_lon").and_then(|v| v.parse::<f64>().ok()),
        ) {
            (Some(lat), Some(lon)) => Some(raksa_domain::form::GpsPoint { lat, lon }),
            _ => None,
        },
        address_text: f.get("address_text").into(),
        core_issues: f
            .all("issue")
            .iter()
            .filter_map(|i| CoreIssue::parse(i))
            .collect(),
        urgency: Urgency::parse(f.get("urgency")).unwrap_or(Urgency::Normal),
        details: f.get("details").into(),
        photos: Vec::new(),
    }
}

pub async fn file(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Response {
    let Some((_, user)) = signed_in(&state, &headers).await else {
        return login_page(
            Some("หมดเวลาการใช้งาน กรุณาเข้าสู่ระบบใหม่"),
            StatusCode::UNAUTHORIZED,
        );
    };
    let Ok(body) = axum::body::to_bytes(body, 64 * 1024).await else {
        return forbidden();
    };
    let values: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let filled = Filled { values };
    if !same(filled.get("csrf"), &user.csrf) {
        return forbidden();
    }
    let req = request_of(&filled);
    let checked = match help_request::check_new(&req, |_| None) {
        Ok(c) => c,
        Err(inv) => {
            let errors: Vec<(String, String)> = inv
                .field_errors()
                .iter()
                .map(|e| (e.field.clone(), e.message_th.clone()))
                .collect();
            return console_page(
                &state,
                &user,
                &filled,
                &errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let key = filled.get("form_id").chars().take(100).collect::<String>();
    let hash = raksa_protocol::sha256_hex(serde_json::to_vec(&req).expect("serialisable"));
    let st = state.clone();
    let who = user.username.clone();
    let filed = tokio::task::spawn_blocking(move || {
        st.store
            .file_request(RequestChannel::Hotline1300, &who, &key, &hash, &checked)
    })
    .await;
    match filed {
        Ok(Ok(f)) => {
            let to = f.office.unwrap_or_else(|| "national".into());
            let q: String = url_escape(&to);
            redirect(&format!("/console?filed={q}"), None)
        }
        Ok(Err(crate::store::StoreError::Refused(_, b))) => {
            console_page(
                &state,
                &user,
                &filled,
                &[("form".into(), b.message_th)],
                None,
                StatusCode::CONFLICT,
            )
            .await
        }
        _ => {
            console_page(
                &state,
                &user,
                &filled,
                &[(
                    "form".into(),
                    "เซิร์ฟเวอร์ขัดข้องชั่วคราว กรุณากดบันทึกอีกครั้ง (จะไม่เกิดเรื่องซ้ำ)".into(),
                )],
                None,
                StatusCode::INTERNAL_SERVER_ERROR,
            )
            .await
        }
    }
}

fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[derive(Deserialize)]
pub struct PlaceQuery {
    #[serde(default)]
    q: String,
}

/// Type-to-search over the official sub-districts (signed-in staff only).
pub async fn places(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<PlaceQuery>,
) -> Response {
    if signed_in(&state, &headers).await.is_none() {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let q: String = q.q.chars().take(60).collect();
    let found: Vec<serde_json::Value> = raksa_domain::places::places()
        .search(&q, 12)
        .into_iter()
        .map(|p| serde_json::json!({"code": p.subdistrict_code, "label": p.label_th}))
        .collect();
    Json(found).into_response()
}

#[derive(Deserialize)]
pub struct SimilarQuery {
    #[serde(default)]
    province: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    cid: String,
}

/// Open requests in the same province with the same phone or ID: the officer may be taking
/// a second call about the same person.
pub async fn similar(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<SimilarQuery>,
) -> Response {
    if signed_in(&state, &headers).await.is_none() {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let st = state.clone();
    let found = tokio::task::spawn_blocking(move || {
        let province: String = q.province.chars().take(2).collect();
        st.store.similar_requests(&province, &q.phone, &q.cid)
    })
    .await
    .ok()
    .and_then(Result::ok)
    .unwrap_or_default();
    let v: Vec<serde_json::Value> = found
        .into_iter()
        .map(|(id, at, office)| serde_json::json!({"id": id, "received": be_time(&at), "office": office}))
        .collect();
    Json(v).into_response()
}

pub async fn style() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLE).into_response()
}

pub async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        SCRIPT,
    )
        .into_response()
}
