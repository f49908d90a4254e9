//! Raksa core: the domain (people, cases), validation, the encrypted office database,
//! key management, audit, backup and export. It knows nothing of Tauri or any UI; the
//! desktop shell and the headless CLI both call into it.

pub mod audit;
pub mod backup;
pub mod casework;
pub mod crypto;
pub mod db;
pub mod deadlines;
pub mod duplicates;
pub mod error;
pub mod fact_finding;
pub mod form;
pub mod household;
pub mod identity;
pub mod import;
pub mod keyslots;
pub mod lifecycle;
pub mod merge;
pub mod migrations;
pub mod model;
pub mod name_match;
pub mod numbering;
pub mod office;
pub mod pdpa;
pub mod places;
pub mod plan;
pub mod referral;
pub mod report;
pub mod session;
pub mod sync;
pub mod table;
pub mod thai_date;
pub mod validate;
pub mod welfare;
pub mod workstation;

pub use error::{CoreError, ErrorReport, FieldError, FieldProblem, Result};
pub use office::DataDir;
pub use session::Session;
