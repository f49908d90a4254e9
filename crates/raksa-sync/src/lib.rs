//! The office PC's side of the network: enrolment with a one-time code, then cycles of
//! push (every queued change, in order, in batches) and pull (the office's records after the
//! cursor). All state lives in the encrypted database (`raksa_core::sync`), so a restart
//! loses nothing; this crate only moves bytes and decides when to try again.

use std::time::Duration;

use raksa_core::Session;
use raksa_protocol::{
    EnrolRequest, EnrolResponse, ErrorBody, MAX_BATCH, PROTOCOL_VERSION, PullResponse, PushRequest,
    PushResponse,
};

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("not enrolled with a server")]
    NotConfigured,
    /// No connection, DNS, TLS, timeout: try again later.
    #[error("server unreachable: {0}")]
    Offline(String),
    /// The server refused; its message is for the user.
    #[error("refused ({status}): {}", .body.code)]
    Refused { status: u16, body: ErrorBody },
    #[error("server asked to wait {0} s")]
    RetryAfter(u64),
    #[error("unexpected reply: {0}")]
    Protocol(String),
    #[error(transparent)]
    Local(#[from] raksa_core::CoreError),
}

impl SyncError {
    /// What the status bar says.
    pub fn message_th(&self) -> String {
        match self {
            SyncError::NotConfigured => "ยังไม่ได้ลงทะเบียนเครื่องกับเซิร์ฟเวอร์ส่วนกลาง".into(),
            SyncError::Offline(_) => {
                "ติดต่อเซิร์ฟเวอร์ส่วนกลางไม่ได้ (ออฟไลน์) ข้อมูลยังอยู่ในเครื่องครบและจะส่งเมื่อเชื่อมต่อได้".into()
            }
            SyncError::Refused { body, .. } => body.message_th.clone(),
            SyncError::RetryAfter(s) => format!("เซิร์ฟเวอร์ขอให้รอ {s} วินาที แล้วจะส่งต่ออัตโนมัติ"),
            SyncError::Protocol(_) => "เซิร์ฟเวอร์ตอบกลับผิดรูปแบบ จะลองใหม่ภายหลัง".into(),
            SyncError::Local(e) => e.message_th(),
        }
    }

    /// Whether trying again later can help (as opposed to needing a person).
    pub fn transient(&self) -> bool {
        match self {
            SyncError::Offline(_) | SyncError::RetryAfter(_) | SyncError::Protocol(_) => true,
            SyncError::Refused { status, .. } => *status >= 500 || *status == 429,
            _ => false,
        }
    }
}

/// Access to this PC's session from the sync loop (the CLI holds a session; the app holds
/// one inside its workstation).
pub trait Local {
    fn with<R>(
        &self,
        f: impl FnOnce(&mut Session) -> raksa_core::Result<R>,
    ) -> raksa_core::Result<R>;
}

impl Local for std::sync::Mutex<Session> {
    fn with<R>(
        &self,
        f: impl FnOnce(&mut Session) -> raksa_core::Result<R>,
    ) -> raksa_core::Result<R> {
        let mut s = self.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut s)
    }
}

fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(120))
        .user_agent(concat!("raksa/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("HTTP client")
}

async fn send<T: serde::de::DeserializeOwned>(
    req: reqwest::RequestBuilder,
) -> Result<T, SyncError> {
    let bytes = send_raw(req).await?;
    serde_json::from_slice(&bytes).map_err(|e| SyncError::Protocol(e.to_string()))
}

/// The body of a 200 reply, or the error the reply means.
async fn send_raw(req: reqwest::RequestBuilder) -> Result<Vec<u8>, SyncError> {
    let resp = req
        .send()
        .await
        .map_err(|e| SyncError::Offline(e.to_string()))?;
    let status = resp.status().as_u16();
    let retry = resp
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let bytes = resp
        .bytes()
        .await
        .map_err(|e| SyncError::Offline(e.to_string()))?;
    if status == 200 {
        return Ok(bytes.to_vec());
    }
    if status == 429 || status == 503 {
        return Err(SyncError::RetryAfter(retry.unwrap_or(30)));
    }
    match serde_json::from_slice::<ErrorBody>(&bytes) {
        Ok(body) => Err(SyncError::Refused { status, body }),
        Err(_) => Err(SyncError::Protocol(format!("HTTP {status}"))),
    }
}

fn url(base: &str, path: &str) -> String {
    format!("{}{path}", base.trim_end_matches('/'))
}

/// Exchanges a one-time enrolment code for this PC's credential.
/// `admin` is the enrolling administrator's signing key (`Session::admin_key_grant`): the
/// office trusts it from now on for account and rule changes.
pub async fn enrol(
    server: &str,
    code: &str,
    device_name: &str,
    admin: Option<raksa_protocol::AdminKeyGrant>,
) -> Result<EnrolResponse, SyncError> {
    // Nothing (the one-time code least of all) goes to an address that is not https.
    let server = &raksa_core::validate::server_url(server)
        .map_err(|p| raksa_core::CoreError::field("server_url", p))?;
    let body = serde_json::to_vec(&EnrolRequest {
        code: code.trim().into(),
        device_name: device_name.into(),
        admin,
    })
    .expect("serialisable");
    send(
        http()
            .post(url(server, "/v1/enrol"))
            .header("content-type", "application/json")
            .body(body),
    )
    .await
}

pub use raksa_core::sync::SyncReport as CycleReport;

/// What a running cycle is doing: for the CLI's progress line and the status bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Changes the server has answered so far in this cycle, of those queued when it began
    /// (more may be queued meanwhile).
    Pushed { done: u64, queued: u64 },
    /// Records taken in from the server so far in this cycle.
    Pulled { records: u32 },
    /// The server is busy and asked this PC to wait (429/503 with Retry-After); the cycle
    /// goes on by itself after the wait.
    Waiting { seconds: u64 },
}

/// Waits the server asks for in a row, within one cycle, before the cycle gives up and
/// leaves the rest to the next one (the backlog is safe in the outbox either way).
const MAX_WAITS_IN_A_ROW: u32 = 30;
/// A longer wait than this ends the cycle instead (the next one comes at its own time).
const LONGEST_WAIT: u64 = 120;

/// Sends one request again after every wait the server asks for (429, 503 + Retry-After),
/// so a cycle finishes a whole backlog through a busy server instead of stopping part-way.
async fn patiently<T, F, Fut>(progress: &dyn Fn(Progress), mut attempt: F) -> Result<T, SyncError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, SyncError>>,
{
    let mut waits = 0;
    loop {
        match attempt().await {
            Err(SyncError::RetryAfter(s)) if waits < MAX_WAITS_IN_A_ROW && s <= LONGEST_WAIT => {
                waits += 1;
                progress(Progress::Waiting { seconds: s });
                tracing::info!(seconds = s, "server busy: waiting as asked");
                tokio::time::sleep(Duration::from_secs(s.max(1))).await;
            }
            r => return r,
        }
    }
}

/// One push-then-pull cycle. Failures are recorded in the database for the status bar.
pub async fn sync_once<L: Local>(local: &L) -> Result<CycleReport, SyncError> {
    sync_with_progress(local, &|_| {}).await
}

/// One push-then-pull cycle that reports its progress as it goes and waits out the
/// server's "come back in n seconds" answers instead of stopping at them.
pub async fn sync_with_progress<L: Local>(
    local: &L,
    progress: &dyn Fn(Progress),
) -> Result<CycleReport, SyncError> {
    let r = cycle(local, progress).await;
    if let Err(e) = &r {
        let msg = e.message_th();
        let _ = local.with(|s| s.record_sync_error(&msg));
        tracing::warn!(error = %e, "sync cycle failed");
    }
    r
}

async fn cycle<L: Local>(local: &L, progress: &dyn Fn(Progress)) -> Result<CycleReport, SyncError> {
    let mut report = push_with_progress(local, progress).await?;
    upload_blobs(local).await?;
    report.pulled = pull_with_progress(local, progress).await?;
    download_blobs(local).await?;
    tracing::info!(
        pushed = report.pushed,
        pulled = report.pulled,
        "sync cycle done"
    );
    Ok(report)
}

fn config<L: Local>(local: &L) -> Result<raksa_core::sync::SyncConfig, SyncError> {
    let cfg = local
        .with(|s| s.sync_config())?
        .ok_or(SyncError::NotConfigured)?;
    // A stored address from before the rule (or edited in the file) is refused too: the
    // PC's token and records never travel in the clear.
    raksa_core::validate::server_url(&cfg.server_url)
        .map_err(|p| raksa_core::CoreError::field("server_url", p))?;
    Ok(cfg)
}

/// Pushes every queued change, batch by batch, settling each reply locally.
pub async fn push_all<L: Local>(local: &L) -> Result<CycleReport, SyncError> {
    push_with_progress(local, &|_| {}).await
}

/// [`push_all`], reporting each answered batch and waiting as the server asks.
pub async fn push_with_progress<L: Local>(
    local: &L,
    progress: &dyn Fn(Progress),
) -> Result<CycleReport, SyncError> {
    let cfg = config(local)?;
    let client = http();
    let auth = format!("Bearer {}", cfg.token);
    let mut report = CycleReport::default();
    let queued = local.with(|s| s.queued_changes())?;
    loop {
        let batch = local.with(|s| s.outbox_batch(MAX_BATCH))?;
        if batch.is_empty() {
            break;
        }
        let body = serde_json::to_vec(&PushRequest {
            protocol: PROTOCOL_VERSION,
            mutations: batch.clone(),
        })
        .expect("serialisable");
        let resp: PushResponse = patiently(progress, || {
            send(
                client
                    .post(url(&cfg.server_url, "/v1/push"))
                    .header("authorization", &auth)
                    .header("content-type", "application/json")
                    .body(body.clone()),
            )
        })
        .await?;
        if resp.acknowledged_through < batch[0].seq && !resp.results.is_empty() {
            return Err(SyncError::Protocol(
                "acknowledgement behind the batch".into(),
            ));
        }
        report.pushed += resp.results.len() as u64;
        for r in &resp.results {
            match r.outcome {
                raksa_protocol::Outcome::Conflict { .. } => report.conflicts += 1,
                raksa_protocol::Outcome::Rejected { .. } => report.rejected += 1,
                _ => {}
            }
        }
        local.with(|s| s.apply_push_response(&batch, &resp))?;
        progress(Progress::Pushed {
            done: report.pushed,
            queued: queued.max(report.pushed),
        });
        if resp.results.is_empty() {
            break;
        }
    }
    Ok(report)
}

/// Sends the bytes of attachments whose records the server has acknowledged, one file
/// per request (content-addressed: a repeat is harmless).
pub async fn upload_blobs<L: Local>(local: &L) -> Result<u32, SyncError> {
    let cfg = config(local)?;
    let client = http();
    let auth = format!("Bearer {}", cfg.token);
    let mut sent = 0;
    loop {
        let blobs = local.with(|s| s.blobs_to_upload(8))?;
        if blobs.is_empty() {
            return Ok(sent);
        }
        for (sha, data) in blobs {
            let r = patiently(&|_| {}, || {
                send_raw(
                    client
                        .put(url(&cfg.server_url, &format!("/v1/blobs/{sha}")))
                        .header("authorization", &auth)
                        .header("content-type", "application/octet-stream")
                        .body(data.clone()),
                )
            })
            .await;
            match r {
                Ok(_) => {
                    local.with(|s| s.blob_uploaded(&sha, false))?;
                    sent += 1;
                }
                // The server will never take these bytes (the record was refused or
                // removed): stop offering them.
                Err(SyncError::Refused { status, body }) if (400..500).contains(&status) => {
                    tracing::warn!(code = %body.code, "attachment bytes refused");
                    local.with(|s| s.blob_uploaded(&sha, true))?;
                }
                Err(e) => return Err(e),
            }
        }
    }
}

/// Fetches the bytes of attachments made on the office's other PCs. Bytes the server
/// does not have yet are tried again next cycle.
pub async fn download_blobs<L: Local>(local: &L) -> Result<u32, SyncError> {
    let cfg = config(local)?;
    let client = http();
    let auth = format!("Bearer {}", cfg.token);
    let mut got = 0;
    for sha in local.with(|s| s.missing_blobs())? {
        let r = patiently(&|_| {}, || {
            send_raw(
                client
                    .get(url(&cfg.server_url, &format!("/v1/blobs/{sha}")))
                    .header("authorization", &auth),
            )
        })
        .await;
        match r {
            Ok(data) => {
                if local.with(|s| s.store_blob(&sha, &data))? {
                    got += 1;
                }
            }
            Err(SyncError::Refused { status: 404, .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// Pulls every page after the stored cursor.
pub async fn pull_all<L: Local>(local: &L) -> Result<u32, SyncError> {
    pull_with_progress(local, &|_| {}).await
}

/// [`pull_all`], reporting each applied page and waiting as the server asks.
pub async fn pull_with_progress<L: Local>(
    local: &L,
    progress: &dyn Fn(Progress),
) -> Result<u32, SyncError> {
    let cfg = config(local)?;
    let client = http();
    let auth = format!("Bearer {}", cfg.token);
    let mut pulled = 0;
    loop {
        let cursor = local.with(|s| s.pull_cursor())?;
        let page: PullResponse = patiently(progress, || {
            send(
                client
                    .get(url(
                        &cfg.server_url,
                        &format!("/v1/pull?cursor={cursor}&limit=500"),
                    ))
                    .header("authorization", &auth),
            )
        })
        .await?;
        pulled += local.with(|s| s.apply_pull(&page))?;
        progress(Progress::Pulled { records: pulled });
        if !page.more {
            return Ok(pulled);
        }
    }
}

/// The wait after the `failures`-th failure in a row ending with `e`: what the server asked
/// for, or jittered exponential backoff (seeded from the clock's sub-second part).
pub fn wait_after(failures: u32, e: &SyncError) -> Duration {
    let asked = match e {
        SyncError::RetryAfter(s) => Some(*s),
        _ => None,
    };
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::from(d.subsec_nanos()))
        .unwrap_or(0);
    backoff(failures, asked, seed)
}

/// The wait before the next attempt after `failures` failures in a row: exponential from
/// 5 s to 15 min with ±20 % jitter, or what the server asked for.
pub fn backoff(failures: u32, asked: Option<u64>, jitter_seed: u64) -> Duration {
    if let Some(s) = asked {
        return Duration::from_secs(s.clamp(1, 3600));
    }
    let base = (5u64 << failures.min(8)).min(900) as f64;
    let jitter = ((jitter_seed % 400) as f64 / 1000.0) - 0.2;
    Duration::from_secs_f64(base * (1.0 + jitter))
}
