//! Where the office data lives: `--data-dir`, else `RAKSA_DATA_DIR`, else the platform's
//! per-user application-data folder.

use std::path::PathBuf;

use raksa_core::DataDir;

pub fn resolve(flag: Option<PathBuf>) -> DataDir {
    if let Some(p) = flag {
        return DataDir::new(p);
    }
    if let Some(p) = std::env::var_os("RAKSA_DATA_DIR").filter(|v| !v.is_empty()) {
        return DataDir::new(PathBuf::from(p));
    }
    DataDir::new(platform_default())
}

fn platform_default() -> PathBuf {
    #[cfg(windows)]
    {
        if let Some(a) = std::env::var_os("LOCALAPPDATA") {
            return PathBuf::from(a).join("Raksa");
        }
    }
    #[cfg(target_os = "macos")]
    {
        if let Some(h) = std::env::var_os("HOME") {
            return PathBuf::from(h).join("Library/Application Support/th.go.m-society.raksa");
        }
    }
    if let Some(x) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(x).join("raksa");
    }
    if let Some(h) = std::env::var_os("HOME") {
        return PathBuf::from(h).join(".local/share/raksa");
    }
    PathBuf::from("raksa-data")
}
