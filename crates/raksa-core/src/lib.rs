//! Raksa core: the domain (people, cases), validation, the encrypted office database,
//! key management, audit, backup and export. It knows nothing of Tauri or any UI; the
//! desktop shell and the headless CLI both call into it.

// Folders by domain; the old flat paths stay as aliases (`crate::casework`, …).
pub mod cases;
pub mod people;
pub mod store;
pub use cases::{access, casework, fact_finding, numbering, plan};
pub use people::{correction, duplicates, household, merge};
pub use store::{audit, db, migrations, write};

pub(crate) mod admin_signing;
pub mod backup;
pub mod crypto;
pub mod error;
pub mod expedite;
pub mod help_requests;
pub mod import;
pub mod keyslots;
pub mod office;
pub mod passwords;
pub mod pdpa;
pub mod referral;
pub mod report;
pub mod session;
pub mod sync;
pub mod table;
pub mod update;
pub mod volunteers;
pub mod welfare;
pub mod workstation;

// The rules live in raksa-domain; the core re-exports them under their old paths.
pub use raksa_domain::{
    deadlines, form, identity, lifecycle, model, name_match, places, thai_date, timeline, validate,
};

pub use error::{CoreError, ErrorReport, FieldError, FieldProblem, Result};
pub use office::DataDir;
pub use session::Session;
