//! Raksa core: the domain (people, cases), validation, the encrypted office database,
//! key management, audit, backup and export. It knows nothing of Tauri or any UI; the
//! desktop shell and the headless CLI both call into it.

pub mod audit;
pub mod backup;
pub mod casework;
pub mod crypto;
pub mod db;
pub mod duplicates;
pub mod error;
pub mod fact_finding;
pub mod household;
pub mod import;
pub mod keyslots;
pub mod merge;
pub mod migrations;
pub mod numbering;
pub mod office;
pub mod pdpa;
pub mod plan;
pub mod referral;
pub mod report;
pub mod session;
pub mod sync;
pub mod table;
pub mod welfare;
pub mod workstation;
pub mod write;

// The rules live in raksa-domain; the core re-exports them under their old paths.
pub use raksa_domain::{
    deadlines, form, identity, lifecycle, model, name_match, places, thai_date, timeline, validate,
};

pub use error::{CoreError, ErrorReport, FieldError, FieldProblem, Result};
pub use office::DataDir;
pub use session::Session;
