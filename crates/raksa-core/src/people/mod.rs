//! People beyond their record (registration and search are in `session`): "already
//! registered?" by Thai name sound (`duplicates`), correcting a record with its history
//! (`correction`), merging duplicates (`merge`) and the family handbook (`household`).

pub mod correction;
pub mod duplicates;
pub mod household;
pub mod merge;
