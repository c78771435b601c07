//! The pipeline: sources → cluster → score → reconcile → act → verify → report. Each stage
//! is a module; only the `run_*` functions here call stages in order.

pub mod cluster;
pub mod ingest;
pub mod score;

pub use ingest::{IngestReport, run_ingest};
