//! HuSEC's (ศรส.) pages (issue 16 §1, §2, §5, §6): server-rendered Thai pages for national,
//! regional and provincial tracking staff — the figures of the offices in the account's
//! scope, the list of every late case, referral and request (filter, sort, CSV), and a
//! person's identity behind a stated reason. No script; printable; each page has a JSON
//! twin under `/husec/api/` (in `/openapi.json`). Sign-in like the 1300 console: Argon2id,
//! an httpOnly Secure SameSite=Strict session cookie, a CSRF token on every form. Lists
//! hold no names or IDs; every access is written to the server's audit.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use raksa_domain::deadlines::Milestone;
use raksa_domain::expedite::{ExpediteStatus, ExpediteStep};
use raksa_domain::help_request::{RequestChannel, RequestStatus};
use raksa_domain::model::{
    CaseStatus, IntakeChannel, ProblemDomain, ReferralStatus, TargetGroup, Urgency,
};
use raksa_domain::thai_date;
use serde::{Deserialize, Serialize};

use raksa_sheet::{Sheet, Value};

use crate::api::{AppState, ClientAddr};
use crate::console::{be_time, cookie_value, esc, redirect, same};
use crate::store::StoreError;
use crate::store::expedite::NoticeView;
use crate::store::husec::{HusecUser, Identity, Scope};
use crate::store::tracking::{LateQuery, LateSort};
use crate::tracking::{self as t, TrackRow};

const COOKIE: &str = "raksa_husec";
const CSP: &str = "default-src 'none'; style-src 'self'; font-src 'self'; img-src 'self'; \
                   frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
pub const STYLE: &str = include_str!("husec.css");

/// Rows per page of the late list; an export takes up to `EXPORT_MAX`.
pub const PAGE: u32 = 50;
pub const EXPORT_MAX: u32 = 100_000;

fn secure_headers(r: &mut Response) {
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    // names and figures of named offices: never kept in a shared cache or history
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
}

fn page(
    status: StatusCode,
    title: &str,
    user: Option<&HusecUser>,
    active: &str,
    body: &str,
    cookie: Option<String>,
) -> Response {
    let top = user
        .map(|u| {
            let nav = [
                ("/husec", "overview", "ภาพรวม"),
                ("/husec/late", "late", "รายการเกินกำหนด"),
                ("/husec/audit", "audit", "บันทึกการเข้าถึง"),
            ]
            .iter()
            .filter(|(_, k, _)| *k != "audit" || u.role == crate::store::husec::NATIONAL)
            .map(|(href, k, label)| {
                format!(
                    "<a href=\"{href}\"{}>{label}</a>",
                    if *k == active {
                        " aria-current=\"page\""
                    } else {
                        ""
                    }
                )
            })
            .collect::<String>();
            format!(
                "<header class=\"top\"><div><strong>ศรส. · ศูนย์เร่งรัดจัดการสวัสดิภาพประชาชน</strong>\
                 <nav>{nav}</nav></div><div class=\"who\"><span id=\"who\">{} · {} · {}</span>\
                 <form method=\"post\" action=\"/husec/logout\" class=\"inline\">\
                 <input type=\"hidden\" name=\"csrf\" value=\"{}\"><button type=\"submit\">ออกจากระบบ</button></form></div></header>",
                esc(&u.full_name),
                u.role_th(),
                esc(&scope_th(&u.scope)),
                esc(&u.csrf)
            )
        })
        .unwrap_or_default();
    let html = format!(
        "<!doctype html><html lang=\"th\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} — ศรส. · รักษา</title><link rel=\"stylesheet\" href=\"/husec/style.css\"></head>\
         <body>{top}<main>{body}</main></body></html>",
        esc(title)
    );
    let mut r = (status, html).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    secure_headers(&mut r);
    if let Some(c) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        r.headers_mut().insert(header::SET_COOKIE, c);
    }
    r
}

fn province_th(code: &str) -> String {
    raksa_domain::places::places()
        .get(code)
        .map_or_else(|| "ไม่ระบุจังหวัด".to_owned(), |p| p.name_th.clone())
}

fn scope_th(s: &Scope) -> String {
    match s {
        Scope::National => "ทุกจังหวัด".into(),
        Scope::Provinces(p) => p
            .iter()
            .map(|c| province_th(c))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn channel_th(c: &str) -> &'static str {
    IntakeChannel::parse(c)
        .map(IntakeChannel::label_th)
        .or_else(|| RequestChannel::parse(c).map(RequestChannel::label_th))
        .unwrap_or("ไม่ระบุ")
}

fn kind_th(k: &str) -> &'static str {
    match k {
        t::CASE => "กรณี",
        t::REFERRAL => "การส่งต่อ",
        t::NOTICE => "หนังสือเร่งรัด",
        _ => "คำขอความช่วยเหลือ",
    }
}

fn status_label(kind: &str, status: &str) -> &'static str {
    match kind {
        t::CASE => CaseStatus::parse(status).map_or("—", CaseStatus::label_th),
        t::REFERRAL => ReferralStatus::parse(status).map_or("—", ReferralStatus::label_th),
        t::NOTICE => ExpediteStatus::parse(status).map_or("—", ExpediteStatus::label_th),
        _ => RequestStatus::parse(status).map_or("—", RequestStatus::label_th),
    }
}

fn milestone_th(m: Option<&str>) -> &'static str {
    match m {
        Some(t::EXPEDITE) => "ตอบหนังสือเร่งรัดของ ศรส.",
        m => m
            .and_then(Milestone::parse)
            .map_or("—", Milestone::label_th),
    }
}

fn urgency_th(u: &str) -> &'static str {
    Urgency::parse(u).map_or("ปกติ", Urgency::label_th)
}

fn be(d: Option<NaiveDate>) -> String {
    d.map(thai_date::format_be_short)
        .unwrap_or_else(|| "—".into())
}

async fn signed_in(state: &Arc<AppState>, headers: &HeaderMap) -> Option<(String, HusecUser)> {
    let token = cookie_value(headers, COOKIE)?;
    let st = state.clone();
    let t = token.clone();
    let user = tokio::task::spawn_blocking(move || st.store.husec_session(&t))
        .await
        .ok()?
        .ok()??;
    Some((token, user))
}

fn session_cookie(token: &str) -> String {
    format!(
        "{COOKIE}={token}; Path=/husec; HttpOnly; Secure; SameSite=Strict; Max-Age={}",
        crate::store::console::SESSION_HOURS * 3600
    )
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
        "เข้าสู่ระบบ ศรส.",
        None,
        "",
        &format!(
            "<section class=\"login\"><h1>ศูนย์เร่งรัดจัดการสวัสดิภาพประชาชน (ศรส.)</h1>\
             <p class=\"muted\">ติดตามและเร่งรัดทุกกรณีจนได้รับความช่วยเหลือ (ระบบรักษา)</p>{msg}\
             <form method=\"post\" action=\"/husec/login\" id=\"login-form\">\
             <label>ชื่อผู้ใช้ <input name=\"username\" autocomplete=\"username\" required autofocus maxlength=\"32\"></label>\
             <label>รหัสผ่าน <input name=\"password\" type=\"password\" autocomplete=\"current-password\" required maxlength=\"200\"></label>\
             <button type=\"submit\" class=\"primary\">เข้าสู่ระบบ</button></form></section>"
        ),
        None,
    )
}

fn refused(user: &HusecUser, e: StoreError) -> Response {
    let (status, msg) = match e {
        StoreError::Refused(s, b) => (s, b.message_th),
        StoreError::Db(m) => {
            tracing::error!(error = %m, "storage failure");
            (500, "เซิร์ฟเวอร์ขัดข้องชั่วคราว กรุณาลองใหม่".to_owned())
        }
    };
    page(
        StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
        "ทำรายการไม่ได้",
        Some(user),
        "",
        &format!(
            "<p class=\"error\" role=\"alert\">{}</p><p><a href=\"/husec/late\">กลับไปรายการเกินกำหนด</a></p>",
            esc(&msg)
        ),
        None,
    )
}

async fn run<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| StoreError::Db("worker stopped".into()))?
}

// ---- sign-in --------------------------------------------------------------------------

pub async fn login(
    State(state): State<Arc<AppState>>,
    axum::Extension(ClientAddr(addr)): axum::Extension<ClientAddr>,
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
    match run(move || st.store.husec_sign_in(&l.username, &l.password)).await {
        Ok(Some((token, _))) => redirect("/husec", Some(session_cookie(&token))),
        _ => {
            state.failed(addr);
            login_page(Some("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"), StatusCode::UNAUTHORIZED)
        }
    }
}

fn form_of(body: &[u8]) -> BTreeMap<String, String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .unwrap_or_default()
        .into_iter()
        .collect()
}

fn forbidden(user: Option<&HusecUser>) -> Response {
    page(
        StatusCode::FORBIDDEN,
        "ไม่ได้รับอนุญาต",
        user,
        "",
        "<p class=\"error\" role=\"alert\">คำขอนี้ไม่ได้มาจากหน้าจอของระบบ (รหัสป้องกันการปลอมแปลงไม่ถูกต้อง) จึงไม่ดำเนินการ กรุณาเปิดหน้าใหม่</p>",
        None,
    )
}

pub async fn logout(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Response {
    let Some((token, user)) = signed_in(&state, &headers).await else {
        return redirect("/husec", None);
    };
    let body = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    if !same(
        form_of(&body).get("csrf").map_or("", String::as_str),
        &user.csrf,
    ) {
        return forbidden(Some(&user));
    }
    let st = state.clone();
    let _ = run(move || st.store.console_sign_out(&token)).await;
    redirect(
        "/husec",
        Some(format!(
            "{COOKIE}=; Path=/husec; HttpOnly; Secure; SameSite=Strict; Max-Age=0"
        )),
    )
}

// ---- the overview ---------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
pub struct ProvinceParam {
    #[serde(default)]
    pub province: String,
}

fn province_param(p: &str) -> Option<String> {
    (p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.to_owned())
}

/// The provinces an account may pick from (those with offices, within its scope).
async fn scope_provinces(state: &Arc<AppState>, user: &HusecUser) -> Vec<String> {
    let st = state.clone();
    let map = run(move || st.store.province_map())
        .await
        .unwrap_or_default();
    let mut v: Vec<String> = map
        .into_values()
        .filter(|p| match &user.scope {
            Scope::National => true,
            Scope::Provinces(set) => set.contains(p),
        })
        .collect();
    if let Scope::Provinces(set) = &user.scope {
        v.extend(set.iter().cloned());
    }
    v.sort();
    v.dedup();
    v
}

fn province_select(options: &[String], chosen: &str, any: &str) -> String {
    let mut out = format!("<option value=\"\">{any}</option>");
    for p in options {
        out.push_str(&format!(
            "<option value=\"{p}\"{}>{}</option>",
            if p == chosen { " selected" } else { "" },
            esc(&province_th(p))
        ));
    }
    out
}

fn meter(v: u32, max: u32) -> String {
    format!(
        "<meter min=\"0\" max=\"{}\" value=\"{v}\"></meter>",
        max.max(1)
    )
}

fn figures_table(
    rows: &[crate::national::OfficeFigures],
    total: &crate::national::OfficeFigures,
    first: &str,
) -> String {
    let max = rows.iter().map(|o| o.overdue).max().unwrap_or(0);
    let mut body = String::new();
    for o in rows.iter().chain(std::iter::once(total)) {
        let is_total = std::ptr::eq(o, total);
        body.push_str(&format!(
            "<tr{}><td>{}</td><td class=\"n\">{}</td><td class=\"n late\">{} {}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n late\">{}</td><td class=\"n\">{}</td><td class=\"n late\">{}</td></tr>",
            if is_total { " class=\"total\"" } else { "" },
            esc(&o.name),
            o.open,
            o.overdue,
            if is_total { String::new() } else { meter(o.overdue, max) },
            o.closed_this_month,
            o.referrals_waiting,
            o.referrals_overdue,
            o.requests_open,
            o.requests_late,
        ));
    }
    format!(
        "<table class=\"figures\"><thead><tr><th>{first}</th><th class=\"n\">กรณีที่เปิดอยู่</th>\
         <th class=\"n\">เกินกำหนด</th><th class=\"n\">ปิดกรณีเดือนนี้</th><th class=\"n\">ส่งต่อรอตอบ</th>\
         <th class=\"n\">ส่งต่อเกินกำหนด</th><th class=\"n\">คำขอรอตอบรับ</th><th class=\"n\">คำขอเกินกำหนด</th></tr></thead>\
         <tbody>{body}</tbody></table>"
    )
}

fn days(v: Option<i64>) -> String {
    v.map_or_else(|| "—".into(), |d| format!("{d} วัน"))
}

fn overview_html(
    n: &crate::national::National,
    user: &HusecUser,
    provinces: &[String],
    chosen: &str,
) -> String {
    let by_office = !chosen.is_empty() || !matches!(user.scope, Scope::National);
    let table = if by_office {
        figures_table(&n.offices, &n.totals, "สำนักงาน")
    } else {
        figures_table(&n.provinces, &n.totals, "จังหวัด")
    };
    let times: String = n
        .times
        .iter()
        .map(|x| {
            format!(
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                esc(&province_th(&x.province)),
                channel_th(&x.channel),
                x.contacted,
                days(x.contact_median_days),
                days(x.contact_p90_days),
                x.closed,
                days(x.closed_median_days),
                days(x.closed_p90_days)
            )
        })
        .collect();
    let max = n
        .months
        .iter()
        .map(|m| {
            m.cases_received
                .max(m.cases_closed)
                .max(m.requests_received)
        })
        .max()
        .unwrap_or(0) as u32;
    let months: String = n
        .months
        .iter()
        .map(|m| {
            let label = m
                .month
                .split_once('-')
                .and_then(|(y, mo)| Some((y.parse::<i32>().ok()?, mo.parse::<usize>().ok()?)))
                .map(|(y, mo)| format!("{} {}", thai_date::MONTHS_TH_SHORT[mo - 1], y + 543))
                .unwrap_or_default();
            format!(
                "<tr><td>{label}</td><td class=\"n\">{} {}</td><td class=\"n\">{} {}</td><td class=\"n\">{}</td></tr>",
                m.cases_received,
                meter(m.cases_received as u32, max),
                m.cases_closed,
                meter(m.cases_closed as u32, max),
                m.requests_received
            )
        })
        .collect();
    let groups: String = {
        let mut v: Vec<(&String, &u32)> = n.totals.by_target_group.iter().collect();
        v.sort_by(|a, b| b.1.cmp(a.1));
        v.iter()
            .map(|(k, c)| {
                format!(
                    "<tr><td>{}</td><td class=\"n\">{c}</td></tr>",
                    TargetGroup::parse(k).map_or("อื่น ๆ", TargetGroup::label_th)
                )
            })
            .collect()
    };
    let domains: String = {
        let mut v: Vec<(&String, &u32)> = n.totals.by_problem_domain.iter().collect();
        v.sort_by(|a, b| b.1.cmp(a.1));
        v.iter()
            .map(|(k, c)| {
                format!(
                    "<tr><td>{}</td><td class=\"n\">{c}</td></tr>",
                    ProblemDomain::parse(k).map_or("อื่น ๆ", ProblemDomain::label_th)
                )
            })
            .collect()
    };
    let channels: String = n
        .totals
        .by_channel
        .iter()
        .map(|(k, c)| {
            format!(
                "<tr><td>{}</td><td class=\"n\">{c}</td></tr>",
                channel_th(k)
            )
        })
        .collect();
    format!(
        "<h1>ภาพรวมการติดตามกรณี{}</h1><p class=\"muted\">ข้อมูล ณ วันที่ {} · เกินกำหนดตามกฎกำหนดเวลาของแต่ละสำนักงาน (คำนวณเดียวกับ \"งานของฉัน\" ที่สำนักงาน)</p>\
         <form method=\"get\" action=\"/husec\" class=\"filters\"><label>จังหวัด <select name=\"province\" id=\"province\">{}</select></label>\
         <button type=\"submit\">แสดง</button> <a href=\"/husec/late{}\">ดูรายการที่เกินกำหนด →</a></form>\
         <section class=\"cards\"><div><b id=\"total-open\">{}</b> กรณีที่เปิดอยู่</div><div class=\"late\"><b id=\"total-overdue\">{}</b> กรณีเกินกำหนด</div>\
         <div class=\"late\"><b>{}</b> คำขอเกินกำหนด</div><div class=\"late\"><b>{}</b> ส่งต่อเกินกำหนด</div></section>\
         {table}\
         <div class=\"cols\"><section><h2>แนวโน้มรายเดือน</h2><table><thead><tr><th>เดือน</th><th class=\"n\">รับกรณี</th><th class=\"n\">ปิดกรณี</th><th class=\"n\">คำขอ</th></tr></thead><tbody>{months}</tbody></table></section>\
         <section><h2>กรณีที่เปิดอยู่ ตามกลุ่มเป้าหมาย</h2><table>{groups}</table><h2>ตามด้านของปัญหา</h2><table>{domains}</table><h2>ตามช่องทางที่รับเรื่อง</h2><table>{channels}</table></section></div>\
         <h2>ระยะเวลา (มัธยฐาน / เปอร์เซ็นไทล์ที่ 90)</h2><table><thead><tr><th>จังหวัด</th><th>ช่องทาง</th><th class=\"n\">ติดต่อแล้ว</th><th class=\"n\">รับเรื่อง→ติดต่อครั้งแรก</th><th class=\"n\">P90</th>\
         <th class=\"n\">ปิดแล้ว</th><th class=\"n\">รับเรื่อง→ปิดกรณี</th><th class=\"n\">P90</th></tr></thead><tbody>{times}</tbody></table>",
        if chosen.is_empty() {
            String::new()
        } else {
            format!(" — จังหวัด{}", esc(&province_th(chosen)))
        },
        thai_date::format_be_long(n.today),
        province_select(
            provinces,
            chosen,
            if matches!(user.scope, Scope::National) {
                "ทุกจังหวัด (รายจังหวัด)"
            } else {
                "ทุกจังหวัดในขอบเขต"
            }
        ),
        if chosen.is_empty() {
            String::new()
        } else {
            format!("?province={chosen}")
        },
        n.totals.open,
        n.totals.overdue,
        n.totals.requests_late,
        n.totals.referrals_overdue,
    )
}

pub async fn index(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<ProvinceParam>,
) -> Response {
    let Some((_, user)) = signed_in(&state, &headers).await else {
        return login_page(None, StatusCode::OK);
    };
    let province = province_param(&q.province);
    let st = state.clone();
    let (u, p) = (user.clone(), province.clone());
    let today = crate::national::today();
    match run(move || st.store.husec_national(&u, p.as_deref(), today)).await {
        Ok(n) => {
            let provinces = scope_provinces(&state, &user).await;
            let body = overview_html(&n, &user, &provinces, province.as_deref().unwrap_or(""));
            page(
                StatusCode::OK,
                "ภาพรวม",
                Some(&user),
                "overview",
                &body,
                None,
            )
        }
        Err(e) => refused(&user, e),
    }
}

// ---- the late list --------------------------------------------------------------------

/// The late list's filters, as the form and the JSON twin take them.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct LateParams {
    #[serde(default)]
    pub province: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub channel: String,
    #[serde(default)]
    pub milestone: String,
    #[serde(default)]
    pub min_days: String,
    #[serde(default)]
    pub assigned: String,
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub page: String,
    /// After sending notices from the list: how many were sent.
    #[serde(default)]
    pub sent: String,
}

impl LateParams {
    /// The query these filters ask for (unknown values are ignored).
    fn query(&self, today: NaiveDate, limit: u32, offset: u32) -> LateQuery {
        let known = |v: &str, ok: bool| if ok { v.to_owned() } else { String::new() };
        LateQuery {
            today,
            offices: None,
            kind: known(
                &self.kind,
                [t::CASE, t::REFERRAL, t::REQUEST, t::NOTICE].contains(&self.kind.as_str()),
            ),
            channel: known(
                &self.channel,
                IntakeChannel::parse(&self.channel).is_some()
                    || RequestChannel::parse(&self.channel).is_some(),
            ),
            milestone: known(
                &self.milestone,
                Milestone::parse(&self.milestone).is_some() || self.milestone == t::EXPEDITE,
            ),
            min_days_late: self.min_days.parse::<u32>().unwrap_or(1).clamp(1, 3650),
            assigned: known(
                &self.assigned,
                matches!(self.assigned.as_str(), "yes" | "no"),
            ),
            sort: LateSort::parse(&self.sort).unwrap_or_default(),
            limit,
            offset,
        }
    }
    fn page_no(&self) -> u32 {
        self.page.parse::<u32>().unwrap_or(1).clamp(1, 100_000)
    }
    fn encoded(&self, page: Option<u32>) -> String {
        let mut v: Vec<(&str, String)> = vec![
            ("province", self.province.clone()),
            ("kind", self.kind.clone()),
            ("channel", self.channel.clone()),
            ("milestone", self.milestone.clone()),
            ("min_days", self.min_days.clone()),
            ("assigned", self.assigned.clone()),
            ("sort", self.sort.clone()),
        ];
        if let Some(p) = page {
            v.push(("page", p.to_string()));
        }
        v.retain(|(_, x)| !x.is_empty());
        serde_urlencoded::to_string(v).unwrap_or_default()
    }
}

/// One late item as HuSEC's lists show it: no names, IDs, contacts or free text.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LateItem {
    pub kind: String,
    pub id: String,
    pub number: String,
    pub office: String,
    pub office_name: String,
    pub province: String,
    pub status: String,
    pub milestone: Option<String>,
    pub due_on: Option<NaiveDate>,
    pub days_late: i64,
    pub urgency: String,
    pub channel: String,
    pub assigned: bool,
    pub started_on: Option<NaiveDate>,
    pub target_groups: Vec<String>,
    pub sensitive: bool,
    /// The page of the item (a notice's: the item it is about).
    pub link: String,
}

fn item_of(r: &TrackRow, today: NaiveDate, names: &BTreeMap<String, (String, String)>) -> LateItem {
    let (name, province) = names.get(&r.office).cloned().unwrap_or_default();
    LateItem {
        kind: r.kind.clone(),
        id: r.id.clone(),
        number: r.number.clone(),
        office: r.office.clone(),
        office_name: name,
        province: r
            .facts
            .province
            .clone()
            .filter(|_| province.is_empty())
            .unwrap_or(province),
        status: r.status.clone(),
        milestone: r.due_milestone.clone(),
        due_on: r.due_on,
        days_late: r.days_late(today).unwrap_or(0),
        urgency: r.urgency.clone(),
        channel: r.channel.clone(),
        assigned: r.assigned,
        started_on: r.started_on,
        target_groups: r.facts.target_groups.clone(),
        sensitive: r.facts.sensitive,
        link: match (&r.facts.target_kind, &r.parent) {
            (Some(k), Some(p)) if r.kind == t::NOTICE => format!("/husec/items/{k}/{p}"),
            _ => format!("/husec/items/{}/{}", r.kind, r.id),
        },
    }
}

/// Office code → (name, province).
async fn office_names(state: &Arc<AppState>) -> BTreeMap<String, (String, String)> {
    let st = state.clone();
    run(move || {
        let provinces = st.store.province_map()?;
        let mut out: BTreeMap<String, (String, String)> = st
            .store
            .offices()?
            .into_iter()
            .map(|(c, n)| {
                let p = provinces.get(&c).cloned().unwrap_or_default();
                (c, (n, p))
            })
            .collect();
        out.insert(
            crate::store::requests::NATIONAL_QUEUE.into(),
            ("คิวส่วนกลาง".into(), String::new()),
        );
        Ok(out)
    })
    .await
    .unwrap_or_default()
}

/// One page of late items in the account's scope, with the total.
pub async fn late_items(
    state: &Arc<AppState>,
    user: &HusecUser,
    p: &LateParams,
    limit: u32,
    offset: u32,
    action: &'static str,
) -> Result<(Vec<LateItem>, u64, NaiveDate), StoreError> {
    let today = crate::national::today();
    let q = p.query(today, limit, offset);
    let st = state.clone();
    let (u, prov) = (user.clone(), province_param(&p.province));
    let (rows, total) = run(move || st.store.husec_late(&u, prov.as_deref(), q, action)).await?;
    let names = office_names(state).await;
    Ok((
        rows.iter().map(|r| item_of(r, today, &names)).collect(),
        total,
        today,
    ))
}

fn options(list: &[(&str, &str)], chosen: &str) -> String {
    list.iter()
        .map(|(v, l)| {
            format!(
                "<option value=\"{v}\"{}>{}</option>",
                if *v == chosen { " selected" } else { "" },
                esc(l)
            )
        })
        .collect()
}

fn late_html(
    items: &[LateItem],
    total: u64,
    p: &LateParams,
    provinces: &[String],
    today: NaiveDate,
    csrf: &str,
) -> String {
    let kinds = options(
        &[
            ("", "ทุกประเภท"),
            (t::CASE, "กรณี"),
            (t::REFERRAL, "การส่งต่อ"),
            (t::REQUEST, "คำขอความช่วยเหลือ"),
            (t::NOTICE, "หนังสือเร่งรัดที่สำนักงานยังไม่ตอบ"),
        ],
        &p.kind,
    );
    let mut ch: Vec<(&str, &str)> = vec![("", "ทุกช่องทาง")];
    for c in IntakeChannel::ALL {
        ch.push((c.as_str(), c.label_th()));
    }
    for c in [RequestChannel::Partner, RequestChannel::Office] {
        ch.push((c.as_str(), c.label_th()));
    }
    let channels = options(&ch, &p.channel);
    let mut ms: Vec<(&str, &str)> = vec![("", "ทุกขั้นตอน")];
    for m in Milestone::ALL
        .into_iter()
        .filter(|m| *m != Milestone::ReferralReminder)
    {
        ms.push((m.as_str(), m.label_th()));
    }
    ms.push((t::EXPEDITE, "ตอบหนังสือเร่งรัดของ ศรส."));
    let milestones = options(&ms, &p.milestone);
    let assigned = options(
        &[
            ("", "ทั้งหมด"),
            ("yes", "มีผู้รับผิดชอบแล้ว"),
            ("no", "ยังไม่มอบหมาย"),
        ],
        &p.assigned,
    );
    let sorts = options(
        &[
            ("days_late", "เกินกำหนดนานที่สุดก่อน"),
            ("urgency", "ความเร่งด่วน"),
            ("office", "สำนักงาน"),
            ("received", "วันที่รับเรื่อง"),
        ],
        &p.sort,
    );
    let rows: String = if items.is_empty() {
        "<tr><td colspan=\"11\" class=\"muted\" id=\"no-late\">ไม่มีรายการที่เกินกำหนดตามเงื่อนไขนี้</td></tr>".into()
    } else {
        items
            .iter()
            .map(|i| {
                format!(
                    "<tr class=\"u-{}\"><td>{}</td><td><a href=\"{}\">{} {}</a>{}</td><td>{}</td><td>{}</td><td>{}</td>\
                     <td>{}</td><td class=\"n late\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&i.urgency),
                    if i.kind == t::NOTICE {
                        String::new()
                    } else {
                        format!(
                            "<input type=\"checkbox\" name=\"item\" value=\"{}:{}\" form=\"expedite-form\" aria-label=\"เลือก {}\">",
                            esc(&i.kind),
                            esc(&i.id),
                            esc(&i.number)
                        )
                    },
                    esc(&i.link),
                    kind_th(&i.kind),
                    esc(if i.number.is_empty() { "(ไม่มีเลข)" } else { &i.number }),
                    if i.sensitive { " <span class=\"tag\">อ่อนไหว</span>" } else { "" },
                    esc(&i.office_name),
                    esc(&province_th(&i.province)),
                    milestone_th(i.milestone.as_deref()),
                    be(i.due_on),
                    i.days_late,
                    urgency_th(&i.urgency),
                    channel_th(&i.channel),
                    if i.assigned { "มอบหมายแล้ว" } else { "<b>ยังไม่มอบหมาย</b>" },
                    be(i.started_on),
                )
            })
            .collect()
    };
    let page_no = p.page_no();
    let pages = total.div_ceil(u64::from(PAGE)).max(1);
    let q = esc(&p.encoded(None));
    let prev = if page_no > 1 {
        format!(
            "<a href=\"/husec/late?{}\" rel=\"prev\">← ก่อนหน้า</a>",
            esc(&p.encoded(Some(page_no - 1)))
        )
    } else {
        String::new()
    };
    let next = if u64::from(page_no) < pages {
        format!(
            "<a href=\"/husec/late?{}\" rel=\"next\">ถัดไป →</a>",
            esc(&p.encoded(Some(page_no + 1)))
        )
    } else {
        String::new()
    };
    format!(
        "{}<h1>รายการที่เกินกำหนด</h1><p class=\"muted\">ณ วันที่ {} · ไม่แสดงชื่อหรือเลขประจำตัว — เปิดดูตัวบุคคลได้ในหน้ารายการ โดยต้องระบุเหตุผล</p>\
         <form method=\"get\" action=\"/husec/late\" class=\"filters\" id=\"late-filters\">\
         <label>จังหวัด <select name=\"province\" id=\"province\">{}</select></label>\
         <label>ประเภท <select name=\"kind\">{kinds}</select></label>\
         <label>ช่องทาง <select name=\"channel\">{channels}</select></label>\
         <label>ขั้นตอนที่เกินกำหนด <select name=\"milestone\">{milestones}</select></label>\
         <label>เกินกำหนดอย่างน้อย (วัน) <input name=\"min_days\" type=\"number\" min=\"1\" max=\"3650\" value=\"{}\"></label>\
         <label>การมอบหมาย <select name=\"assigned\">{assigned}</select></label>\
         <label>เรียงตาม <select name=\"sort\">{sorts}</select></label>\
         <button type=\"submit\" class=\"primary\">กรอง</button></form>\
         <p><span id=\"late-total\">{total}</span> รายการ · หน้า {page_no}/{pages} · <a href=\"/husec/late.csv?{q}\" id=\"export-csv\">ส่งออก CSV</a> · <a href=\"/husec/late.xlsx?{q}\" id=\"export-xlsx\">Excel (.xlsx)</a></p>\
         <table class=\"late-list\"><thead><tr><th>เลือก</th><th>รายการ</th><th>สำนักงาน</th><th>จังหวัด</th><th>ขั้นตอนที่เกินกำหนด</th><th>ครบกำหนด</th>\
         <th class=\"n\">เกิน (วัน)</th><th>ความเร่งด่วน</th><th>ช่องทาง</th><th>ผู้รับผิดชอบ</th><th>รับเรื่อง</th></tr></thead><tbody>{rows}</tbody></table>\
         <p class=\"pager\">{prev} {next}</p>{}",
        if p.sent.parse::<u32>().is_ok() {
            format!(
                "<p class=\"flash\" role=\"status\" id=\"expedite-sent\">ส่งหนังสือเร่งรัดแล้ว {} รายการ — ถึงสำนักงานเมื่อเครื่องของสำนักงานซิงก์</p>",
                esc(&p.sent)
            )
        } else {
            String::new()
        },
        thai_date::format_be_long(today),
        province_select(provinces, &p.province, "ทุกจังหวัดในขอบเขต"),
        esc(if p.min_days.is_empty() {
            "1"
        } else {
            &p.min_days
        }),
        expedite_form(csrf, None, today),
    )
}

/// The form that sends an expedite notice: for one item (`item`) or for the rows ticked
/// in the late list (their checkboxes belong to this form).
fn expedite_form(csrf: &str, item: Option<&str>, today: NaiveDate) -> String {
    let (title, hidden) = match item {
        Some(i) => (
            "ส่งหนังสือเร่งรัดรายการนี้",
            format!(
                "<input type=\"hidden\" name=\"item\" value=\"{}\"><input type=\"hidden\" name=\"back\" value=\"item\">",
                esc(i)
            ),
        ),
        None => ("เร่งรัดรายการที่เลือก", String::new()),
    };
    format!(
        "<section class=\"expedite\"><h2>{title}</h2>\
         <form method=\"post\" action=\"/husec/expedite\" id=\"expedite-form\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{}\">{hidden}\
         <label>ข้อความถึงสำนักงาน <textarea name=\"note\" id=\"expedite-note\" required minlength=\"5\" maxlength=\"2000\" rows=\"2\"></textarea></label>\
         <label>ขอให้ตอบภายในวันที่ (เว้นว่าง: ตามขั้นการเร่งรัด) <input type=\"date\" name=\"respond_by\" id=\"expedite-date\" min=\"{today}\"></label>\
         <button type=\"submit\" class=\"primary\" id=\"expedite-send\">ส่งหนังสือเร่งรัด</button></form>\
         <p class=\"muted\">ขั้นการเร่งรัด: ครั้งที่ 1 → ครั้งที่ 2 → แจ้งหัวหน้าส่วนราชการระดับจังหวัด ตามลำดับที่ส่ง หนังสือถึงเครื่องของสำนักงานเมื่อซิงก์ และคำตอบจะกลับมาที่หน้ารายการ</p></section>",
        esc(csrf)
    )
}

pub async fn late(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(p): Query<LateParams>,
) -> Response {
    let Some((_, user)) = signed_in(&state, &headers).await else {
        return redirect("/husec", None);
    };
    let offset = (p.page_no() - 1) * PAGE;
    match late_items(&state, &user, &p, PAGE, offset, "view_late").await {
        Ok((items, total, today)) => {
            let provinces = scope_provinces(&state, &user).await;
            let body = late_html(&items, total, &p, &provinces, today, &user.csrf);
            page(
                StatusCode::OK,
                "รายการเกินกำหนด",
                Some(&user),
                "late",
                &body,
                None,
            )
        }
        Err(e) => refused(&user, e),
    }
}

/// The late list as a sheet (the same columns in CSV and .xlsx; raksa-sheet escapes text
/// a spreadsheet would run as a formula).
pub fn late_sheet(items: &[LateItem], today: NaiveDate) -> Sheet {
    let header = [
        "ประเภท",
        "เลขที่",
        "สำนักงาน",
        "จังหวัด",
        "สถานะ",
        "ขั้นตอนที่เกินกำหนด",
        "ครบกำหนด",
        "เกิน (วัน)",
        "ความเร่งด่วน",
        "ช่องทาง",
        "มอบหมายแล้ว",
        "รับเรื่อง",
        "กลุ่มเป้าหมาย",
        "รหัสรายการ",
    ];
    let rows = items
        .iter()
        .map(|i| {
            let groups: Vec<&str> = i
                .target_groups
                .iter()
                .filter_map(|g| TargetGroup::parse(g).map(TargetGroup::label_th))
                .collect();
            vec![
                Value::from(kind_th(&i.kind)),
                i.number.clone().into(),
                i.office_name.clone().into(),
                province_th(&i.province).into(),
                status_label(&i.kind, &i.status).into(),
                milestone_th(i.milestone.as_deref()).into(),
                be(i.due_on).into(),
                i.days_late.into(),
                urgency_th(&i.urgency).into(),
                channel_th(&i.channel).into(),
                if i.assigned { "ใช่" } else { "ไม่" }.into(),
                be(i.started_on).into(),
                groups.join(" ").into(),
                i.id.clone().into(),
            ]
        })
        .collect();
    Sheet {
        name: "รายการเกินกำหนด".into(),
        title: format!(
            "รายการที่เกินกำหนด ณ วันที่ {} (ศรส.)",
            thai_date::format_be_long(today)
        ),
        header: header.iter().map(|h| (*h).to_owned()).collect(),
        rows,
    }
}

/// `GET /husec/late.csv` and `/husec/late.xlsx`: the whole filtered list (audited as an
/// export).
async fn export(state: Arc<AppState>, headers: HeaderMap, p: LateParams, xlsx: bool) -> Response {
    let Some((_, user)) = signed_in(&state, &headers).await else {
        return redirect("/husec", None);
    };
    match late_items(&state, &user, &p, EXPORT_MAX, 0, "export_late").await {
        Ok((items, _, today)) => {
            let sheet = late_sheet(&items, today);
            let (bytes, kind, ext) = if xlsx {
                match raksa_sheet::to_xlsx(&[sheet]) {
                    Ok(b) => (
                        b,
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        "xlsx",
                    ),
                    Err(e) => return refused(&user, StoreError::Db(e.to_string())),
                }
            } else {
                (
                    raksa_sheet::to_csv(&sheet),
                    "text/csv; charset=utf-8",
                    "csv",
                )
            };
            let mut r = bytes.into_response();
            let h = r.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
            if let Ok(v) = HeaderValue::from_str(&format!(
                "attachment; filename=\"husec-late-{today}.{ext}\""
            )) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            secure_headers(&mut r);
            r
        }
        Err(e) => refused(&user, e),
    }
}

pub async fn late_csv(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(p): Query<LateParams>,
) -> Response {
    export(state, headers, p, false).await
}

pub async fn late_xlsx(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(p): Query<LateParams>,
) -> Response {
    export(state, headers, p, true).await
}

// ---- one item, and its identity ------------------------------------------------------

fn notices_html(notices: &[NoticeView]) -> String {
    if notices.is_empty() {
        return "<p class=\"muted\" id=\"no-notices\">ยังไม่เคยส่งหนังสือเร่งรัดรายการนี้</p>".into();
    }
    let day = |d: &str| {
        NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map(thai_date::format_be_short)
            .unwrap_or_else(|_| "—".into())
    };
    let rows: String = notices
        .iter()
        .map(|n| {
            let answer = if n.status == "answered" {
                format!(
                    "<b>{}</b>{}<br><span class=\"muted\">{} · {}</span>",
                    esc(&n.answer),
                    if n.new_date.is_empty() {
                        String::new()
                    } else {
                        format!(" — กำหนดใหม่ {}", day(&n.new_date))
                    },
                    esc(&n.answered_by),
                    esc(&be_time(&n.answered_at))
                )
            } else {
                "<span class=\"late\">รอสำนักงานตอบ</span>".into()
            };
            format!(
                "<tr class=\"notice-{}\"><td>{}</td><td>{}<br><span class=\"muted\">{} · {}</span></td><td>{}</td><td>{answer}</td></tr>",
                esc(&n.status),
                ExpediteStep::parse(&n.step).map_or("—", ExpediteStep::label_th),
                esc(&n.note),
                esc(&n.sent_by),
                esc(&be_time(&n.sent_at)),
                day(&n.respond_by),
            )
        })
        .collect();
    format!(
        "<table id=\"notices\"><thead><tr><th>ขั้น</th><th>ข้อความ</th><th>ขอให้ตอบภายใน</th><th>คำตอบของสำนักงาน</th></tr></thead><tbody>{rows}</tbody></table>"
    )
}

fn item_html(
    i: &LateItem,
    user: &HusecUser,
    error: Option<&str>,
    reason: &str,
    notices: &[NoticeView],
) -> String {
    let groups: Vec<&str> = i
        .target_groups
        .iter()
        .filter_map(|g| TargetGroup::parse(g).map(TargetGroup::label_th))
        .collect();
    let late = if i.days_late > 0 {
        format!("<b class=\"late\">เกินกำหนด {} วัน</b>", i.days_late)
    } else {
        "ยังไม่เกินกำหนด".into()
    };
    let err = error
        .map(|e| {
            format!(
                "<p class=\"error\" role=\"alert\" id=\"reason-error\">{}</p>",
                esc(e)
            )
        })
        .unwrap_or_default();
    let sensitive_note = if i.sensitive && user.role != crate::store::husec::NATIONAL {
        "<p class=\"error\">เรื่องนี้เป็นข้อมูลอ่อนไหว — เปิดดูตัวบุคคลได้เฉพาะ ศรส. ส่วนกลาง</p>"
    } else if i.sensitive {
        "<p class=\"warn\">เรื่องนี้เป็นข้อมูลอ่อนไหว (เช่น ความรุนแรง การค้ามนุษย์) — เปิดดูเมื่อจำเป็นเท่านั้น</p>"
    } else {
        ""
    };
    format!(
        "<h1>{} {}</h1><dl class=\"facts\"><dt>สำนักงาน</dt><dd id=\"item-office\">{}</dd><dt>จังหวัด</dt><dd>{}</dd>\
         <dt>สถานะ</dt><dd>{}</dd><dt>ขั้นตอนที่ครบกำหนด</dt><dd>{} · {} · {late}</dd><dt>ความเร่งด่วน</dt><dd>{}</dd>\
         <dt>ช่องทาง</dt><dd>{}</dd><dt>ผู้รับผิดชอบ</dt><dd>{}</dd><dt>รับเรื่อง</dt><dd>{}</dd><dt>กลุ่มเป้าหมาย</dt><dd>{}</dd></dl>\
         <section class=\"identity\"><h2>เปิดดูข้อมูลบุคคล</h2>{sensitive_note}\
         <p>ระบุเหตุผลที่จำเป็นต้องทราบตัวบุคคล ระบบจะบันทึกชื่อท่านและเหตุผล และสำนักงานจะเห็นในไทม์ไลน์ของกรณี</p>{err}\
         <form method=\"post\" action=\"/husec/items/{}/{}/identity\" id=\"identity-form\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{}\">\
         <label>เหตุผล <textarea name=\"reason\" id=\"reason\" required minlength=\"10\" maxlength=\"500\" rows=\"3\">{}</textarea></label>\
         <button type=\"submit\" class=\"primary\">เปิดดูข้อมูลบุคคล</button></form></section>\
         <section><h2>การเร่งรัด</h2>{}</section>{}\
         <p><a href=\"/husec/late\">← กลับไปรายการเกินกำหนด</a></p>",
        kind_th(&i.kind),
        esc(&i.number),
        esc(&i.office_name),
        esc(&province_th(&i.province)),
        esc(status_label(&i.kind, &i.status)),
        milestone_th(i.milestone.as_deref()),
        be(i.due_on),
        urgency_th(&i.urgency),
        channel_th(&i.channel),
        if i.assigned {
            "มอบหมายแล้ว"
        } else {
            "ยังไม่มอบหมาย"
        },
        be(i.started_on),
        esc(&groups.join(", ")),
        esc(&i.kind),
        esc(&i.id),
        esc(&user.csrf),
        esc(reason),
        notices_html(notices),
        if i.kind == t::NOTICE {
            String::new()
        } else {
            expedite_form(
                &user.csrf,
                Some(&format!("{}:{}", i.kind, i.id)),
                crate::national::today(),
            )
        },
    )
}

fn known_kind(k: &str) -> bool {
    [t::CASE, t::REFERRAL, t::REQUEST].contains(&k)
}

async fn item_view(
    state: &Arc<AppState>,
    user: &HusecUser,
    kind: String,
    id: String,
) -> Result<LateItem, StoreError> {
    let st = state.clone();
    let u = user.clone();
    let row = run(move || st.store.husec_item(&u, &kind, &id)).await?;
    let names = office_names(state).await;
    Ok(item_of(&row, crate::national::today(), &names))
}

async fn notices_of(state: &Arc<AppState>, user: &HusecUser, i: &LateItem) -> Vec<NoticeView> {
    let st = state.clone();
    let (u, k, id) = (user.clone(), i.kind.clone(), i.id.clone());
    run(move || st.store.husec_notices(&u, &k, &id))
        .await
        .unwrap_or_default()
}

/// `POST /husec/expedite`: sends a notice for one item or the ticked rows of the list.
pub async fn expedite(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Response {
    let Some((_, user)) = signed_in(&state, &headers).await else {
        return redirect("/husec", None);
    };
    let body = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let one = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    if !same(&one("csrf"), &user.csrf) {
        return forbidden(Some(&user));
    }
    let items: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, _)| k == "item")
        .filter_map(|(_, v)| v.split_once(':'))
        .filter(|(k, id)| known_kind(k) && id.len() <= 64)
        .map(|(k, id)| (k.to_owned(), id.to_owned()))
        .collect();
    let respond_by = NaiveDate::parse_from_str(&one("respond_by"), "%Y-%m-%d").ok();
    let note = one("note");
    let st = state.clone();
    let (u, its) = (user.clone(), items.clone());
    match run(move || st.store.husec_expedite(&u, &its, &note, respond_by)).await {
        Ok(sent) => {
            let to = match (one("back").as_str(), items.first()) {
                ("item", Some((k, id))) => format!("/husec/items/{k}/{id}?sent={}", sent.len()),
                _ => format!("/husec/late?sent={}", sent.len()),
            };
            redirect(&to, None)
        }
        Err(e) => refused(&user, e),
    }
}

pub async fn item(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((kind, id)): Path<(String, String)>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let Some((_, user)) = signed_in(&state, &headers).await else {
        return redirect("/husec", None);
    };
    if !known_kind(&kind) || id.len() > 64 {
        return refused(
            &user,
            crate::store::StoreError::Refused(
                404,
                raksa_protocol::ErrorBody::new("not_found", "ไม่พบรายการนี้", "Not found"),
            ),
        );
    }
    match item_view(&state, &user, kind, id).await {
        Ok(i) => {
            let notices = notices_of(&state, &user, &i).await;
            let flash = match q.get("sent").map(String::as_str) {
                Some(n) => format!(
                    "<p class=\"flash\" role=\"status\" id=\"expedite-sent\">ส่งหนังสือเร่งรัดแล้ว {} รายการ — ถึงสำนักงานเมื่อเครื่องของสำนักงานซิงก์</p>",
                    esc(n)
                ),
                None => String::new(),
            };
            page(
                StatusCode::OK,
                "รายการ",
                Some(&user),
                "late",
                &format!("{flash}{}", item_html(&i, &user, None, "", &notices)),
                None,
            )
        }
        Err(e) => refused(&user, e),
    }
}

fn identity_html(i: &LateItem, who: &Identity) -> String {
    let row = |k: &str, v: &str, id: &str| {
        format!(
            "<dt>{k}</dt><dd id=\"{id}\">{}</dd>",
            if v.is_empty() {
                "—".to_owned()
            } else {
                esc(v)
            }
        )
    };
    let birth = NaiveDate::parse_from_str(&who.birth_date, "%Y-%m-%d")
        .map(thai_date::format_be_long)
        .unwrap_or_default();
    format!(
        "<h1>ข้อมูลบุคคล — {} {}</h1><p class=\"flash\" role=\"status\">บันทึกการเปิดดูและเหตุผลแล้ว สำนักงาน{}จะเห็นในไทม์ไลน์ของกรณี</p>\
         <dl class=\"facts\">{}{}{}{}{}{}</dl><p><a href=\"/husec/items/{}/{}\">← กลับไปหน้ารายการ</a></p>",
        kind_th(&i.kind),
        esc(&i.number),
        esc(&i.office_name),
        row("ชื่อ", &who.name, "identity-name"),
        row("เลขประจำตัวประชาชน", &who.citizen_id, "identity-id"),
        row("วันเกิด", &birth, "identity-birth"),
        row("โทรศัพท์", &who.phone, "identity-phone"),
        row("ที่อยู่", &who.address, "identity-address"),
        row("ผู้แจ้ง", &who.reporter, "identity-reporter"),
        esc(&i.kind),
        esc(&i.id),
    )
}

pub async fn identity(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((kind, id)): Path<(String, String)>,
    body: axum::body::Body,
) -> Response {
    let Some((_, user)) = signed_in(&state, &headers).await else {
        return redirect("/husec", None);
    };
    let body = axum::body::to_bytes(body, 8192).await.unwrap_or_default();
    let form = form_of(&body);
    if !same(form.get("csrf").map_or("", String::as_str), &user.csrf) {
        return forbidden(Some(&user));
    }
    if !known_kind(&kind) || id.len() > 64 {
        return forbidden(Some(&user));
    }
    let reason = form.get("reason").cloned().unwrap_or_default();
    let st = state.clone();
    let (u, k, i, r) = (user.clone(), kind.clone(), id.clone(), reason.clone());
    match run(move || st.store.husec_identity(&u, &k, &i, &r)).await {
        Ok((row, who)) => {
            let names = office_names(&state).await;
            let item = item_of(&row, crate::national::today(), &names);
            page(
                StatusCode::OK,
                "ข้อมูลบุคคล",
                Some(&user),
                "late",
                &identity_html(&item, &who),
                None,
            )
        }
        Err(StoreError::Refused(s, b)) if s == 400 || s == 403 => {
            match item_view(&state, &user, kind, id).await {
                Ok(item) => page(
                    StatusCode::from_u16(s).unwrap_or(StatusCode::BAD_REQUEST),
                    "รายการ",
                    Some(&user),
                    "late",
                    &item_html(
                        &item,
                        &user,
                        Some(&b.message_th),
                        &reason,
                        &notices_of(&state, &user, &item).await,
                    ),
                    None,
                ),
                Err(e) => refused(&user, e),
            }
        }
        Err(e) => refused(&user, e),
    }
}

// ---- the audit, for national staff -----------------------------------------------------

pub async fn audit(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let Some((_, user)) = signed_in(&state, &headers).await else {
        return redirect("/husec", None);
    };
    if user.role != crate::store::husec::NATIONAL {
        return refused(
            &user,
            StoreError::Refused(
                403,
                raksa_protocol::ErrorBody::new(
                    "forbidden",
                    "บันทึกการเข้าถึงดูได้เฉพาะ ศรส. ส่วนกลาง",
                    "National staff only",
                ),
            ),
        );
    }
    let st = state.clone();
    let entries = run(move || st.store.server_audit(None, 500))
        .await
        .unwrap_or_default();
    let action_th = |a: &str| match a {
        "sign_in" => "เข้าสู่ระบบ",
        "view_figures" => "ดูภาพรวม",
        "view_late" => "ดูรายการเกินกำหนด",
        "export_late" => "ส่งออกรายการเกินกำหนด",
        "view_identity" => "เปิดดูข้อมูลบุคคล",
        "send_expedite" => "ส่งหนังสือเร่งรัด",
        _ => "อื่น ๆ",
    };
    let rows: String = entries
        .iter()
        .map(|e| {
            format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&be_time(&e.at)),
                esc(&e.username),
                action_th(&e.action),
                esc(&e.office),
                esc(&e.target),
                esc(&e.reason)
            )
        })
        .collect();
    page(
        StatusCode::OK,
        "บันทึกการเข้าถึง",
        Some(&user),
        "audit",
        &format!(
            "<h1>บันทึกการเข้าถึงของเจ้าหน้าที่ ศรส. (500 รายการล่าสุด)</h1><table id=\"audit\"><thead><tr><th>เวลา</th><th>ผู้ใช้</th><th>การกระทำ</th><th>สำนักงาน</th><th>รายการ/เงื่อนไข</th><th>เหตุผล</th></tr></thead><tbody>{rows}</tbody></table>"
        ),
        None,
    )
}

// ---- JSON twins -------------------------------------------------------------------------

fn unauthorised() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        Json(raksa_protocol::ErrorBody::new(
            "unauthorised",
            "ต้องเข้าสู่ระบบ ศรส. ก่อน",
            "Sign in to HuSEC first",
        )),
    )
        .into_response()
}

fn json_refused(e: StoreError) -> Response {
    let (s, b) = match e {
        StoreError::Refused(s, b) => (s, b),
        StoreError::Db(_) => (
            500,
            raksa_protocol::ErrorBody::new("server", "เซิร์ฟเวอร์ขัดข้องชั่วคราว", "Server error"),
        ),
    };
    (
        StatusCode::from_u16(s).unwrap_or(StatusCode::BAD_REQUEST),
        Json(b),
    )
        .into_response()
}

/// `GET /husec/api/national`: the overview's figures in the account's scope.
pub async fn api_national(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<ProvinceParam>,
) -> Response {
    let Some((_, user)) = signed_in(&state, &headers).await else {
        return unauthorised();
    };
    let st = state.clone();
    let p = province_param(&q.province);
    let today = crate::national::today();
    match run(move || st.store.husec_national(&user, p.as_deref(), today)).await {
        Ok(n) => {
            let mut r = Json(n).into_response();
            secure_headers(&mut r);
            r
        }
        Err(e) => json_refused(e),
    }
}

/// The JSON twin of the late list.
#[derive(Debug, Serialize)]
pub struct LatePage {
    pub today: NaiveDate,
    pub total: u64,
    pub items: Vec<LateItem>,
}

/// `GET /husec/api/late`: one page (50) of the late list with the same filters.
pub async fn api_late(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(p): Query<LateParams>,
) -> Response {
    let Some((_, user)) = signed_in(&state, &headers).await else {
        return unauthorised();
    };
    let offset = (p.page_no() - 1) * PAGE;
    match late_items(&state, &user, &p, PAGE, offset, "view_late").await {
        Ok((items, total, today)) => {
            let mut r = Json(LatePage {
                today,
                total,
                items,
            })
            .into_response();
            secure_headers(&mut r);
            r
        }
        Err(e) => json_refused(e),
    }
}

pub async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLE,
    )
        .into_response()
}
