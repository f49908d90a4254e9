//! Printing and saving letters. The app hands the PDF to the platform: CUPS `lp` on Linux
//! and macOS, the default PDF application's "print" verb on Windows; "open" shows it in the
//! system viewer (which has its own print dialog); "save" writes it, owner-only, to this
//! user's private application-data folder (not Documents, which Windows often syncs to
//! OneDrive). Files to print or view go to a private folder of this user — the per-user
//! runtime directory where there is one (`$XDG_RUNTIME_DIR`), else a per-user folder in
//! the temp directory — owner-only on Unix, refused if it is a symlink or someone else's,
//! and emptied when the app starts, locks and exits.

use std::path::{Path, PathBuf};

use raksa_core::CoreError;

fn print_dir() -> PathBuf {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_default();
    print_dir_from(
        std::env::var_os("XDG_RUNTIME_DIR").as_deref(),
        &user,
        &std::env::temp_dir(),
    )
}

/// The print folder for a runtime directory (if any), a user name and the temp directory.
/// (A shared `/tmp/raksa-print` let every account on the PC read the letters.)
fn print_dir_from(runtime: Option<&std::ffi::OsStr>, user: &str, tmp: &Path) -> PathBuf {
    match runtime.filter(|r| !r.is_empty()) {
        Some(r) => PathBuf::from(r).join("raksa-print"),
        None => tmp.join(format!("raksa-print-{}", safe_name(user))),
    }
}

/// Refuses a print folder that another account could have planted: a symlink, not a
/// folder, or (Linux) owned by someone else.
fn check_private(dir: &Path) -> Result<(), CoreError> {
    let meta = std::fs::symlink_metadata(dir)?;
    let planted = || {
        CoreError::Io(std::io::Error::other(
            "the print folder is not this user's own",
        ))
    };
    if meta.file_type().is_symlink() || !meta.is_dir() {
        return Err(planted());
    }
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.uid() != std::fs::metadata("/proc/self")?.uid() {
            return Err(planted());
        }
    }
    Ok(())
}

/// Deletes every file left in the print folder.
pub fn sweep() {
    if let Ok(entries) = std::fs::read_dir(print_dir()) {
        for e in entries.flatten() {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

fn safe_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || ('\u{0E00}'..='\u{0E7F}').contains(&c) {
                c
            } else {
                '-'
            }
        })
        .collect()
}

fn temp_file(name: &str, pdf: &[u8]) -> Result<PathBuf, CoreError> {
    let dir = print_dir();
    std::fs::create_dir_all(&dir)?;
    check_private(&dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))?;
    }
    let path = dir.join(format!("{}.pdf", safe_name(name)));
    std::fs::write(&path, pdf)?;
    Ok(path)
}

/// Writes the PDF and opens it in the system viewer (best effort: a machine without a
/// desktop has none). Returns the path either way.
pub fn write_and_open(name: &str, pdf: &[u8]) -> Result<PathBuf, CoreError> {
    let path = temp_file(name, pdf)?;
    if std::env::var_os("RAKSA_NO_OPEN").is_none() {
        open(&path);
    }
    tracing::info!("letter handed to the PDF viewer");
    Ok(path)
}

/// Sends the PDF to the default printer. Fails with `PrinterUnavailable` when the platform
/// has no print system to take it.
pub fn print(name: &str, pdf: &[u8]) -> Result<String, CoreError> {
    let path = temp_file(name, pdf)?;
    #[cfg(windows)]
    let out = std::process::Command::new("powershell")
        .args([
            "-NoProfile",
            "-Command",
            "Start-Process",
            "-Verb",
            "Print",
            "-FilePath",
        ])
        .arg(&path)
        .output();
    #[cfg(not(windows))]
    let out = std::process::Command::new(std::env::var("RAKSA_LP").unwrap_or_else(|_| "lp".into()))
        .arg("--")
        .arg(&path)
        .output();
    match out {
        Ok(o) if o.status.success() => {
            tracing::info!("letter sent to the printer");
            Ok(String::from_utf8_lossy(&o.stdout).trim().to_owned())
        }
        Ok(o) => {
            tracing::warn!(status = ?o.status, "the print system refused the letter");
            Err(CoreError::PrinterUnavailable)
        }
        Err(e) => {
            tracing::warn!(error = %e, "no print system");
            Err(CoreError::PrinterUnavailable)
        }
    }
}

/// The folder saved letters and exports go to: `RAKSA_SAVE_DIR`, else this user's private
/// application-data folder (see `save_dir_from`).
fn save_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("RAKSA_SAVE_DIR") {
        return PathBuf::from(d);
    }
    save_dir_from(
        std::env::var_os("LOCALAPPDATA").as_deref(),
        std::env::var_os("XDG_DATA_HOME").as_deref(),
        std::env::var_os("USERPROFILE")
            .or_else(|| std::env::var_os("HOME"))
            .as_deref(),
        &std::env::temp_dir(),
    )
}

/// `%LOCALAPPDATA%\Raksa\Exports` on Windows (never synced to OneDrive, unlike Documents),
/// `$XDG_DATA_HOME/raksa/exports` or `~/.local/share/raksa/exports` elsewhere. (Letters and
/// PDPA exports went to `Documents/Raksa` with default permissions.)
fn save_dir_from(
    local_app_data: Option<&std::ffi::OsStr>,
    xdg_data_home: Option<&std::ffi::OsStr>,
    home: Option<&std::ffi::OsStr>,
    tmp: &Path,
) -> PathBuf {
    let set = |v: Option<&std::ffi::OsStr>| v.filter(|v| !v.is_empty()).map(PathBuf::from);
    if cfg!(windows)
        && let Some(d) = set(local_app_data)
    {
        return d.join("Raksa").join("Exports");
    }
    match (set(xdg_data_home), set(home)) {
        (Some(x), _) => x.join("raksa").join("exports"),
        (None, Some(h)) => h.join(".local").join("share").join("raksa").join("exports"),
        (None, None) => tmp.join("raksa-exports"),
    }
}

/// Saves a PDF under a name that does not overwrite an earlier file.
pub fn save(name: &str, pdf: &[u8]) -> Result<PathBuf, CoreError> {
    save_as(name, "pdf", pdf)
}

/// Saves a file in the private export folder under a name that does not overwrite an
/// earlier one.
pub fn save_as(name: &str, ext: &str, bytes: &[u8]) -> Result<PathBuf, CoreError> {
    let path = save_in(&save_dir(), name, ext, bytes)?;
    tracing::info!(kind = ext, "file saved");
    Ok(path)
}

/// Writes into `dir`, made owner-only (0700, refused when planted by someone else); the
/// file itself is created owner-only (0600) and never replaces an existing one.
fn save_in(dir: &Path, name: &str, ext: &str, bytes: &[u8]) -> Result<PathBuf, CoreError> {
    std::fs::create_dir_all(dir)?;
    check_private(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    let base = safe_name(name);
    let mut n = 1;
    loop {
        let path = if n == 1 {
            dir.join(format!("{base}.{ext}"))
        } else {
            dir.join(format!("{base}-{n}.{ext}"))
        };
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(&path) {
            Ok(mut f) => {
                use std::io::Write;
                f.write_all(bytes)?;
                f.sync_all()?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => n += 1,
            Err(e) => return Err(e.into()),
        }
    }
}

/// What the export folder holds, newest first (the "delete after use" list).
pub fn saved_files() -> Result<raksa_core::office::SavedFiles, CoreError> {
    let dir = save_dir();
    Ok(raksa_core::office::SavedFiles {
        folder: dir.display().to_string(),
        files: list_in(&dir)?,
    })
}

fn list_in(dir: &Path) -> Result<Vec<raksa_core::office::SavedFile>, CoreError> {
    let mut out = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(e.into()),
    };
    for e in entries.flatten() {
        let meta = e.metadata()?;
        if !meta.is_file() {
            continue;
        }
        let at: chrono::DateTime<chrono::Utc> = meta.modified()?.into();
        out.push(raksa_core::office::SavedFile {
            name: e.file_name().to_string_lossy().into_owned(),
            size: meta.len(),
            saved_at: at.to_rfc3339(),
        });
    }
    out.sort_by(|a, b| b.saved_at.cmp(&a.saved_at).then(a.name.cmp(&b.name)));
    Ok(out)
}

/// Deletes one saved file by its name (only a file directly in the export folder).
pub fn delete_saved(name: &str) -> Result<(), CoreError> {
    delete_in(&save_dir(), name)
}

fn delete_in(dir: &Path, name: &str) -> Result<(), CoreError> {
    let plain = !name.is_empty()
        && !name.contains(['/', '\\', '\0'])
        && name != "."
        && name != ".."
        && Path::new(name).file_name().is_some_and(|f| f == name);
    let file = std::fs::symlink_metadata(dir.join(name)).is_ok_and(|m| m.is_file());
    if !plain || !file {
        return Err(CoreError::NotFound);
    }
    std::fs::remove_file(dir.join(name))?;
    tracing::info!("saved file deleted");
    Ok(())
}

fn open(path: &Path) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exports_go_to_a_private_folder_not_documents() {
        let os = |s: &str| Some(std::ffi::OsStr::new(s).to_owned());
        let tmp = Path::new("/tmp");
        let home = os("/home/somchai");
        assert_eq!(
            save_dir_from(None, None, home.as_deref(), tmp),
            PathBuf::from("/home/somchai/.local/share/raksa/exports")
        );
        assert_eq!(
            save_dir_from(None, os("/data/x").as_deref(), home.as_deref(), tmp),
            PathBuf::from("/data/x/raksa/exports")
        );
        assert_eq!(
            save_dir_from(None, None, None, tmp),
            PathBuf::from("/tmp/raksa-exports")
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_saved_export_is_readable_by_its_owner_only_and_never_overwritten() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("exports");
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        let a = save_in(&dir, "บุญมี ทองใบ", "json", b"{}").unwrap();
        let b = save_in(&dir, "บุญมี ทองใบ", "json", b"[]").unwrap();
        assert_ne!(a, b);
        assert_eq!(std::fs::read(&a).unwrap(), b"{}", "the first is kept");
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&a), 0o600);
        assert_eq!(mode(&b), 0o600);
        // a folder planted as a symlink is refused
        let link = tmp.path().join("planted");
        std::os::unix::fs::symlink(tmp.path(), &link).unwrap();
        assert!(save_in(&link, "x", "pdf", b"%PDF").is_err());
    }

    #[test]
    fn saved_files_are_listed_and_deleted_by_name_only_inside_the_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("exports");
        save_in(&dir, "จดหมาย", "pdf", b"%PDF").unwrap();
        std::fs::write(tmp.path().join("outside.txt"), b"keep").unwrap();
        let files = list_in(&dir).unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].name, "จดหมาย.pdf");
        assert_eq!(files[0].size, 4);
        for bad in ["../outside.txt", "/etc/passwd", "..", "", "nope.pdf"] {
            assert!(delete_in(&dir, bad).is_err(), "{bad}");
        }
        assert!(tmp.path().join("outside.txt").exists());
        delete_in(&dir, "จดหมาย.pdf").unwrap();
        assert!(list_in(&dir).unwrap().is_empty());
    }

    #[test]
    fn the_print_folder_is_per_user() {
        let tmp = Path::new("/tmp");
        assert_eq!(
            print_dir_from(Some(std::ffi::OsStr::new("/run/user/1000")), "somchai", tmp),
            PathBuf::from("/run/user/1000/raksa-print")
        );
        assert_eq!(
            print_dir_from(None, "somchai", tmp),
            PathBuf::from("/tmp/raksa-print-somchai")
        );
        assert_eq!(
            print_dir_from(Some(std::ffi::OsStr::new("")), "../x", tmp),
            PathBuf::from("/tmp/raksa-print----x"),
            "no path tricks in the user name"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_planted_print_folder_is_refused() {
        let t = tempfile::tempdir().unwrap();
        let elsewhere = t.path().join("attacker");
        std::fs::create_dir(&elsewhere).unwrap();
        let planted = t.path().join("raksa-print-somchai");
        std::os::unix::fs::symlink(&elsewhere, &planted).unwrap();
        assert!(check_private(&planted).is_err(), "a symlink");
        let file = t.path().join("a-file");
        std::fs::write(&file, b"x").unwrap();
        assert!(check_private(&file).is_err(), "not a folder");
        assert!(check_private(&elsewhere).is_ok(), "our own folder");
    }
}
