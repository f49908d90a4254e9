//! People beyond their record (registration and search are in `session`): "already
//! registered?" by Thai name sound (`duplicates`), merging duplicates (`merge`) and the
//! family handbook (`household`).

pub mod duplicates;
pub mod household;
pub mod merge;
