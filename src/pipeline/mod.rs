//! The pipeline: sources → cluster → score → reconcile → act → verify → report. Each stage
//! is a module; only the `run_*` functions here call stages in order.

pub mod act;
pub mod cluster;
pub mod draft;
pub mod facts;
pub mod fixes;
pub mod hypotheses;
pub mod ingest;
pub mod report;
pub mod score;
pub mod triage;

pub use ingest::{IngestReport, run_ingest};
