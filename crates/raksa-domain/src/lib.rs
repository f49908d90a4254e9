//! Raksa's rules as pure code: the records and their enums, validation (citizen ID,
//! Buddhist-Era dates, official places, forms), the case lifecycle, deadline rules and the
//! one reading of a timeline for its deadlines, timeline entries, referral transitions,
//! welfare-rights evaluation and Thai name matching. No I/O, no SQL, no PDF: the office
//! PC (`raksa-core`) and the central server (`raksa-server`) both build on this crate, so
//! each rule is written once.

/// An enum with its stable code (`as_str`/`parse`) and its Thai label, for the classifications
/// several modules keep (welfare schemes, requests for help).
macro_rules! labelled_enum {
    ($(#[$m:meta])* $name:ident { $($v:ident = $s:literal / $th:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
        #[serde(rename_all = "snake_case")]
        #[ts(export)]
        pub enum $name { $($v),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),+];
            pub fn as_str(self) -> &'static str { match self { $($name::$v => $s),+ } }
            pub fn parse(s: &str) -> Option<Self> { match s { $($s => Some($name::$v),)+ _ => None } }
            pub fn label_th(self) -> &'static str { match self { $($name::$v => $th),+ } }
        }
    };
}

pub mod access;
pub mod audit_chain;
pub mod correction;
pub mod deadlines;
pub mod expedite;
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
