//! The pipeline: sources → cluster → score → reconcile → act → verify → report. Each stage
//! is a module with a `run_*` entry point (`ingest::run_ingest`, `triage::run_triage` and
//! `run_verify`, `draft::run_drafts`, `hypotheses::run_hypotheses`); the jobs in `jobs/`
//! call those entry points in order, and stages reach the world only through the store and
//! the adapters' traits they are given.

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
