//! Signed updates through Tauri's updater, from the office's own central server.
//!
//! Trust is compiled in: release builds trust the ministry's public key given at build
//! time (`RAKSA_UPDATE_PUBKEY`, see scripts/build-installers.sh) and nothing else — without
//! it they never update themselves; debug builds (the tests) trust the test key in
//! `tests/fixtures/test-release-key/`. Every package is verified before it is offered for
//! installation, and its signature must name the version the server announced (so an old,
//! validly signed package cannot be passed off as a new one). Checking is open to every
//! signed-in user; downloading and installing to administrators, audited in the core.

use std::sync::Mutex;
use std::time::Duration;

use raksa_core::update::{UpdateOffer, UpdateProblem, UpdateStatus};
use raksa_core::{CoreError, ErrorReport};
use tauri::{AppHandle, Manager, State};
use tauri_plugin_updater::{Update, UpdaterExt};

use crate::AppState;
use crate::commands::on_workstation;

/// The key updates must verify against, if this build has one.
/// (The test key is not even in a release binary.)
pub fn trusted_key() -> Option<&'static str> {
    #[cfg(debug_assertions)]
    {
        Some(include_str!("../tests/fixtures/test-release-key/raksa-release.pub").trim())
    }
    #[cfg(not(debug_assertions))]
    {
        option_env!("RAKSA_UPDATE_PUBKEY")
            .map(str::trim)
            .filter(|k| !k.is_empty())
    }
}

/// The offer found by the last check, and its verified package once downloaded.
#[derive(Default)]
pub struct Pending(Mutex<Option<(Update, Option<Vec<u8>>)>>);

fn problem(p: UpdateProblem) -> ErrorReport {
    ErrorReport::from(&CoreError::Update(p))
}

fn classify(e: &tauri_plugin_updater::Error) -> UpdateProblem {
    use tauri_plugin_updater::Error as E;
    match e {
        E::Minisign(_)
        | E::Base64(_)
        | E::SignatureUtf8(_)
        | E::SignedVersionMismatch { .. }
        | E::MissingSignedVersion => UpdateProblem::Signature,
        E::InvalidUpdaterFormat | E::PackageInstallFailed | E::TempDirNotFound => {
            UpdateProblem::Install
        }
        _ => UpdateProblem::Network,
    }
}

fn offer_of(u: &Update, verified: bool) -> UpdateOffer {
    let notes_en = u
        .raw_json
        .get("notes_en")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_owned();
    UpdateOffer {
        version: u.version.clone(),
        notes_th: u.body.clone().unwrap_or_default(),
        notes_en,
        published_at: u
            .raw_json
            .get("pub_date")
            .and_then(|v| v.as_str())
            .map(str::to_owned),
        verified,
    }
}

/// Asks the office's server whether a newer release exists.
#[tauri::command]
pub async fn update_status(
    app: AppHandle,
    state: State<'_, AppState>,
    pending: State<'_, Pending>,
    check: bool,
) -> Result<UpdateStatus, ErrorReport> {
    let current_version = app.package_info().version.to_string();
    let (source, can_install) = on_workstation(state.clone(), |w| {
        w.with_session_quiet(|s| Ok((s.update_source(), s.can_install_updates())))
    })
    .await?;
    let mut status = UpdateStatus {
        current_version,
        signed_updates: trusted_key().is_some(),
        can_install,
        offer: None,
    };
    {
        let held = pending.0.lock().unwrap_or_else(|p| p.into_inner());
        status.offer = held.as_ref().map(|(u, bytes)| offer_of(u, bytes.is_some()));
    }
    if !check || status.offer.as_ref().is_some_and(|o| o.verified) {
        return Ok(status);
    }
    let Some(key) = trusted_key() else {
        return Ok(status);
    };
    let source = source.map_err(|e| ErrorReport::from(&e))?;
    let endpoint = format!(
        "{}/v1/releases/{{{{target}}}}-{{{{arch}}}}/{{{{current_version}}}}",
        source.server_url.trim_end_matches('/')
    );
    let endpoint = endpoint
        .parse()
        .map_err(|_| problem(UpdateProblem::Network))?;
    let updater = app
        .updater_builder()
        .pubkey(key)
        .endpoints(vec![endpoint])
        .and_then(|b| b.header("Authorization", format!("Bearer {}", source.token)))
        .map(|b| b.timeout(Duration::from_secs(120)))
        .and_then(|b| b.build())
        .map_err(|e| problem(classify(&e)))?;
    let found = updater.check().await.map_err(|e| {
        tracing::warn!(error = %e, "update check failed");
        problem(classify(&e))
    })?;
    status.offer = found.as_ref().map(|u| offer_of(u, false));
    *pending.0.lock().unwrap_or_else(|p| p.into_inner()) = found.map(|u| (u, None));
    Ok(status)
}

/// Downloads the offered package and verifies its signature (administrators).
#[tauri::command]
pub async fn download_update(
    state: State<'_, AppState>,
    pending: State<'_, Pending>,
) -> Result<UpdateOffer, ErrorReport> {
    let update = pending
        .0
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .as_ref()
        .map(|(u, _)| u.clone())
        .ok_or_else(|| problem(UpdateProblem::NothingToInstall))?;
    let v = update.version.clone();
    on_workstation(state, move |w| {
        w.with_session_quiet(|s| s.authorise_update(&v, "download"))
    })
    .await?;
    let bytes = update.download(|_, _| {}, || {}).await.map_err(|e| {
        tracing::warn!(error = %e, version = %update.version, "update refused");
        problem(classify(&e))
    })?;
    tracing::info!(version = %update.version, bytes = bytes.len(), "update verified");
    let offer = offer_of(&update, true);
    *pending.0.lock().unwrap_or_else(|p| p.into_inner()) = Some((update, Some(bytes)));
    Ok(offer)
}

/// Installs the verified package and restarts (administrators).
#[tauri::command]
pub async fn install_update(
    app: AppHandle,
    state: State<'_, AppState>,
    pending: State<'_, Pending>,
) -> Result<(), ErrorReport> {
    let (update, bytes) = match pending.0.lock().unwrap_or_else(|p| p.into_inner()).take() {
        Some((u, Some(b))) => (u, b),
        other => {
            *pending.0.lock().unwrap_or_else(|p| p.into_inner()) = other;
            return Err(problem(UpdateProblem::NothingToInstall));
        }
    };
    let v = update.version.clone();
    on_workstation(state, move |w| {
        w.with_session_quiet(|s| s.authorise_update(&v, "install"))
    })
    .await?;
    // `install` verifies the bytes again before running the installer.
    let installed = tauri::async_runtime::spawn_blocking(move || update.install(bytes))
        .await
        .map_err(|_| problem(UpdateProblem::Install))?;
    installed.map_err(|e| {
        tracing::warn!(error = %e, "update install failed");
        problem(classify(&e))
    })?;
    // Close the database cleanly before the new version starts.
    app.state::<AppState>()
        .0
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .lock();
    app.restart();
}
