//! Where errors come from. Each adapter reads from its cursor and hands back raw records;
//! it knows the domain, not the pipeline.

pub mod file;
