//! Log clustering: variable masking and the online template miner behind cluster ids for
//! messages without a stack trace, and the `triaged cluster` stream.

pub mod mask;
pub mod stream;
pub mod template;

pub use stream::cluster_stream;
pub use template::{Observation, TemplateId, TemplateMiner, TemplateRecord, mask_variables};
