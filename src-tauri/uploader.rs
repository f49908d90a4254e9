//! The background uploader: whenever the app is unlocked and enrolled, one push-then-pull
//! cycle every minute; after a failure, jittered exponential backoff (or what the server
//! asked for with Retry-After). Everything it needs to resume is in the database, so a
//! restart loses nothing. It never holds the workstation lock while on the network, so
//! the UI never waits for it, and it is not user activity (the idle lock still applies).

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use raksa_core::Session;
use raksa_core::workstation::Workstation;
use tauri::Emitter;

/// The sync loop's view of the workstation.
pub struct WsLocal(pub Arc<Mutex<Workstation>>);

impl raksa_sync::Local for WsLocal {
    fn with<R>(
        &self,
        f: impl FnOnce(&mut Session) -> raksa_core::Result<R>,
    ) -> raksa_core::Result<R> {
        let mut w = self.0.lock().unwrap_or_else(|p| p.into_inner());
        w.with_session_quiet(f)
    }
}

/// Wakes the loop early ("sync now", enrolment, unlock).
#[derive(Default)]
pub struct Waker {
    flag: Mutex<bool>,
    cv: Condvar,
}

impl Waker {
    pub fn wake(&self) {
        *self.flag.lock().unwrap_or_else(|p| p.into_inner()) = true;
        self.cv.notify_all();
    }

    fn sleep(&self, d: Duration) {
        let g = self.flag.lock().unwrap_or_else(|p| p.into_inner());
        let (mut g, _) = self
            .cv
            .wait_timeout_while(g, d, |woken| !*woken)
            .unwrap_or_else(|p| p.into_inner());
        *g = false;
    }
}

pub fn spawn(ws: Arc<Mutex<Workstation>>, waker: Arc<Waker>, app: tauri::AppHandle) {
    let _ = std::thread::Builder::new()
        .name("uploader".into())
        .spawn(move || {
            let local = WsLocal(ws);
            let mut failures = 0u32;
            loop {
                // The status bar follows a long backlog batch by batch, and says so when
                // a busy server asks this PC to wait (the cycle goes on by itself).
                let progress = |p: raksa_sync::Progress| {
                    if let raksa_sync::Progress::Waiting { seconds } = p {
                        let msg = raksa_sync::SyncError::RetryAfter(seconds).message_th();
                        let _ = raksa_sync::Local::with(&local, |s| s.record_sync_error(&msg));
                    }
                    let _ = app.emit("sync", ());
                };
                let cycle = raksa_sync::sync_with_progress(&local, &progress);
                let wait = match tauri::async_runtime::block_on(cycle) {
                    Ok(_) => {
                        failures = 0;
                        Duration::from_secs(60)
                    }
                    // Locked or not enrolled: nothing to do until something changes.
                    Err(raksa_sync::SyncError::NotConfigured)
                    | Err(raksa_sync::SyncError::Local(raksa_core::CoreError::Locked)) => {
                        failures = 0;
                        Duration::from_secs(30)
                    }
                    Err(e) => {
                        failures += 1;
                        raksa_sync::wait_after(failures, &e)
                    }
                };
                let _ = app.emit("sync", ());
                waker.sleep(wait);
            }
        });
}
