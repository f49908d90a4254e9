//! The Raksa desktop shell. `main_entry` decides between the headless administration CLI
//! (`raksa --data-dir DIR <command>`) and the window. Everything of substance lives in
//! `raksa-core`; this crate only translates between IPC/CLI and the core.

mod cli;
mod commands;
mod data_dir;
mod logging;
mod print;
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
        .invoke_handler(commands::handler())
        .setup(move |app| {
            // The idle lock runs in the core; this only polls it and tells the window.
            let handle = app.handle().clone();
            std::thread::Builder::new()
                .name("idle-lock".into())
                .spawn(move || {
                    loop {
                        std::thread::sleep(Duration::from_secs(5));
                        let locked = idle.lock().map(|mut w| w.lock_if_idle()).unwrap_or(false);
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
                if let Ok(mut w) = app.state::<AppState>().0.lock() {
                    w.lock();
                }
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
