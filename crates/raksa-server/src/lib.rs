//! The Raksa central server: every office's changes arrive exactly once (see `store`), each
//! office pulls its own records, and the API (`api`) is described by `openapi.json`.

pub mod api;
pub mod console;
pub mod field;
pub mod husec;
pub mod national;
pub mod release;
pub mod store;
pub mod tls;
pub mod tracking;

/// The OpenAPI description served at `/openapi.json` (a test checks it against the routes).
pub const OPENAPI: &str = include_str!("../openapi.json");

/// Writes a new file (refusing to replace one) readable as `mode` says (keys: 0600).
pub fn write_new_file(path: &std::path::Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    use std::io::Write;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, mode);
    #[cfg(not(unix))]
    let _ = mode;
    o.open(path)?.write_all(bytes)
}
