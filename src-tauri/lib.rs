//! The Raksa desktop shell. `main_entry` decides between the headless administration CLI
//! (`raksa --data-dir DIR <command>`) and the window. Everything of substance lives in
//! `raksa-core`; this crate only translates between IPC/CLI and the core.

mod cli;
mod commands;
mod data_dir;
mod logging;
mod print;
mod update;
mod uploader;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use clap::Parser;
use raksa_core::thai_date::SystemClock;
use raksa_core::workstation::Workstation;
use tauri::{Emitter, Manager};

pub use cli::Cli;

/// The shared state: this PC's workstation, and the handle that wakes the uploader.
pub struct AppState(pub Arc<Mutex<Workstation>>, pub Arc<uploader::Waker>);

pub fn main_entry() -> i32 {
    // Any argument means a terminal user (a command, --help, --version): let them see output.
    if std::env::args_os().len() > 1 {
        attach_parent_console();
    }
    let cli = Cli::parse();
    let dir = data_dir::resolve(cli.data_dir.clone());
    let _log_guard = logging::init(&dir, cli.command.is_some());
    match cli.command {
        Some(cmd) => cli::run(&dir, cmd),
        None => {
            run_gui(dir);
            0
        }
    }
}

/// The clock of the app. Debug builds (used by the end-to-end tests) may run days ahead
/// with `RAKSA_TEST_CLOCK_OFFSET_DAYS`, to see deadlines pass; release builds ignore it.
fn app_clock() -> Arc<dyn raksa_core::thai_date::Clock> {
    #[cfg(debug_assertions)]
    {
        if let Some(days) = std::env::var("RAKSA_TEST_CLOCK_OFFSET_DAYS")
            .ok()
            .and_then(|v| v.parse::<i64>().ok())
        {
            struct Ahead(chrono::Duration);
            impl raksa_core::thai_date::Clock for Ahead {
                fn now(&self) -> chrono::DateTime<chrono::Utc> {
                    chrono::Utc::now() + self.0
                }
            }
            return Arc::new(Ahead(chrono::Duration::days(days)));
        }
    }
    Arc::new(SystemClock)
}

fn run_gui(dir: raksa_core::DataDir) {
    print::sweep();
    let ws = Arc::new(Mutex::new(Workstation::new(dir, app_clock())));
    let idle = ws.clone();
    let waker = Arc::new(uploader::Waker::default());
    let (up_ws, up_waker) = (ws.clone(), waker.clone());
    tauri::Builder::default()
        .manage(AppState(ws, waker))
        .manage(update::Pending::default())
        // Rust-side only: the window has no updater permission (capabilities/default.json).
        .plugin(tauri_plugin_updater::Builder::new().build())
        .invoke_handler(commands::handler())
        .setup(move |app| {
            // The idle lock runs in the core; this only polls it and tells the window.
            let handle = app.handle().clone();
            std::thread::Builder::new()
                .name("idle-lock".into())
                .spawn(move || {
                    loop {
                        std::thread::sleep(Duration::from_secs(5));
                        let locked = poll_idle_lock(&idle);
                        if locked {
                            let _ = handle.emit("locked", "idle");
                        }
                    }
                })?;
            uploader::spawn(up_ws, up_waker, app.handle().clone());
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.set_focus();
            }
            Ok(())
        })
        .build(tauri::generate_context!())
        .expect("Raksa could not start its window")
        .run(|app, event| {
            if let tauri::RunEvent::Exit = event {
                // Close the database and drop the key on the way out.
                app.state::<AppState>()
                    .0
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .lock();
                print::sweep();
            }
        });
}

/// Release builds on Windows use the GUI subsystem (no console window for the app). A
/// headless command started from a console attaches to it so its output is seen.
#[cfg(windows)]
fn attach_parent_console() {
    use windows_sys::Win32::System::Console::{ATTACH_PARENT_PROCESS, AttachConsole};
    // SAFETY: plain Win32 call without pointers; failure (no parent console) is harmless.
    unsafe {
        AttachConsole(ATTACH_PARENT_PROCESS);
    }
}

#[cfg(not(windows))]
fn attach_parent_console() {}

/// One poll of the idle lock. A panic elsewhere that poisoned the workstation's mutex must
/// not switch the idle lock off for good (it did: a poisoned lock read as "not idle"): the
/// workstation is taken back from the poison and still locks.
fn poll_idle_lock(ws: &Mutex<Workstation>) -> bool {
    ws.lock().unwrap_or_else(|p| p.into_inner()).lock_if_idle()
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicI64, Ordering};

    use chrono::{DateTime, TimeZone, Utc};
    use raksa_core::model::{NewUser, OfficeSetup, Role};
    use raksa_core::office::DataDir;
    use raksa_core::thai_date::Clock;

    use super::*;

    struct Moving(AtomicI64);
    impl Clock for Moving {
        fn now(&self) -> DateTime<Utc> {
            Utc.with_ymd_and_hms(2026, 11, 23, 3, 0, 0).unwrap()
                + chrono::Duration::seconds(self.0.load(Ordering::Relaxed))
        }
    }

    /// Issue 14 §9: after one panic while the workstation was held, the idle lock still locks.
    #[test]
    fn the_idle_lock_survives_a_panic_that_poisoned_the_workstation() {
        let tmp = tempfile::tempdir().unwrap();
        let clock = Arc::new(Moving(AtomicI64::new(0)));
        let mut w = Workstation::new(DataDir::new(tmp.path().join("office")), clock.clone());
        w.set_up(
            &OfficeSetup {
                name: "สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดพิษณุโลก".into(),
                address: "ศาลากลางจังหวัดพิษณุโลก".into(),
                letter_code: "พล".into(),
                office_number: "0027".into(),
                phone: "055-252-222".into(),
            },
            &NewUser {
                username: "somchai".into(),
                full_name: "นายสมชาย ใจดี".into(),
                position: "นักสังคมสงเคราะห์".into(),
                role: Role::Admin,
                password: "รหัสผ่านยาวพอ-2569".into(),
            },
        )
        .unwrap();
        assert!(w.status().unlocked);
        let ws = Arc::new(Mutex::new(w));
        let held = ws.clone();
        let _ = std::thread::spawn(move || {
            let _g = held.lock().unwrap();
            panic!("a command failed while holding the workstation");
        })
        .join();
        assert!(ws.is_poisoned());
        assert!(!poll_idle_lock(&ws), "not idle yet");
        clock.0.store(11 * 60, Ordering::Relaxed);
        assert!(poll_idle_lock(&ws), "idle for 11 minutes: locked");
        assert!(
            !ws.lock()
                .unwrap_or_else(|p| p.into_inner())
                .status()
                .unlocked
        );
    }
}
