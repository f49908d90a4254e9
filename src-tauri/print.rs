//! Printing: a letter is handed to the system's PDF viewer, which prints it. The file goes
//! to a private folder under the system temp directory (owner-only on Unix) and the folder
//! is emptied when the app starts, locks and exits, so letters do not pile up on disk.

use std::path::PathBuf;

use raksa_core::CoreError;

fn print_dir() -> PathBuf {
    std::env::temp_dir().join("raksa-print")
}

/// Deletes every file left in the print folder.
pub fn sweep() {
    if let Ok(entries) = std::fs::read_dir(print_dir()) {
        for e in entries.flatten() {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Writes `pdf` as `<name>.pdf` and asks the OS to open it. Opening is best effort (a
/// server without a desktop has no viewer); the path is returned either way.
pub fn write_and_open(name: &str, pdf: &[u8]) -> Result<PathBuf, CoreError> {
    let dir = print_dir();
    std::fs::create_dir_all(&dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))?;
    }
    let safe: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let path = dir.join(format!("{safe}.pdf"));
    std::fs::write(&path, pdf)?;
    if std::env::var_os("RAKSA_NO_OPEN").is_none() {
        open(&path);
    }
    tracing::info!("letter handed to the PDF viewer");
    Ok(path)
}

fn open(path: &std::path::Path) {
    #[cfg(windows)]
    let r = std::process::Command::new("explorer").arg(path).spawn();
    #[cfg(target_os = "macos")]
    let r = std::process::Command::new("open").arg(path).spawn();
    #[cfg(all(unix, not(target_os = "macos")))]
    let r = std::process::Command::new("xdg-open").arg(path).spawn();
    if let Err(e) = r {
        tracing::warn!(error = %e, "no PDF viewer could be started");
    }
}
