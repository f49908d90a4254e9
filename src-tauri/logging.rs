//! Diagnostics: daily-rotated files under `<data dir>/logs` (14 kept) for the app, stderr
//! for headless commands. The core logs ids and counts only, never personal data.

use raksa_core::DataDir;
use tracing_subscriber::EnvFilter;

pub fn init(dir: &DataDir, headless: bool) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let filter = EnvFilter::try_from_env("RAKSA_LOG")
        .unwrap_or_else(|_| EnvFilter::new(if headless { "warn" } else { "info" }));
    if headless {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .with_target(false)
            .try_init();
        return None;
    }
    std::fs::create_dir_all(dir.logs_dir()).ok()?;
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("raksa")
        .filename_suffix("log")
        .max_log_files(14)
        .build(dir.logs_dir())
        .ok()?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init();
    Some(guard)
}
