//! Raksa's rules as pure code: the records and their enums, validation (citizen ID,
//! Buddhist-Era dates, official places, forms), the case lifecycle, deadline rules and the
//! one reading of a timeline for its deadlines, timeline entries, referral transitions,
//! welfare-rights evaluation and Thai name matching. No I/O, no SQL, no PDF: the office
//! PC (`raksa-core`) and the central server (`raksa-server`) both build on this crate, so
//! each rule is written once.

pub mod access;
pub mod audit_chain;
pub mod correction;
pub mod deadlines;
pub mod field;
pub mod form;
pub mod help_request;
pub mod identity;
pub mod lifecycle;
pub mod model;
pub mod name_match;
pub mod pdpa;
pub mod places;
pub mod referral;
pub mod thai_date;
pub mod timeline;
pub mod validate;
pub mod welfare;

pub use field::{FieldError, FieldErrors, FieldProblem, Invalid};
