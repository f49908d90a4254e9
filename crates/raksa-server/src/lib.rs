//! The Raksa central server: every office's changes arrive exactly once (see `store`), each
//! office pulls its own records, and the API (`api`) is described by `openapi.json`.

pub mod api;
pub mod national;
pub mod release;
pub mod store;
pub mod tls;

/// The OpenAPI description served at `/openapi.json` (a test checks it against the routes).
pub const OPENAPI: &str = include_str!("../openapi.json");
