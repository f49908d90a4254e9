//! Case work: the case and its timeline (`casework`), plans (`plan`), the fact-finding
//! form and attachments (`fact_finding`), and case/letter numbers (`numbering`).

pub mod access;
pub mod casework;
pub mod fact_finding;
pub mod numbering;
pub mod plan;
