//! Case work: the case and its timeline (`casework`), plans (`plan`), the fact-finding
//! form and attachments (`fact_finding`), case/letter numbers (`numbering`), and the kept
//! due dates of open cases (`due`).

pub mod access;
pub mod casework;
pub mod due;
pub mod fact_finding;
pub mod numbering;
pub mod plan;
