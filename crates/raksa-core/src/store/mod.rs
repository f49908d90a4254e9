//! The encrypted office database: opening it (`db`), its schema (`migrations`), the one
//! write path (`write`) and the append-only audit trail (`audit`).

pub mod audit;
pub mod db;
pub mod migrations;
pub mod write;
