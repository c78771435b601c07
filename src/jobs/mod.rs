//! The scheduled jobs, one module each: `ingest`, `triage` (or only scoring without a
//! tracker), `verify` and `summary`. Each holds the adapters and settings it runs with and
//! returns a typed report, stored as the run's detail. `app` builds them (`App::job`);
//! the scheduler runs them.

pub mod ingest;
pub mod summary;
pub mod triage;
pub mod verify;

use serde::Serialize;

use crate::scheduler::JobResult;

pub use ingest::IngestJob;
pub use summary::SummaryJob;
pub use triage::{Drafting, Hypothesizing, ScoreJob, TriageJob};
pub use verify::{PendingJob, VerifyJob};

/// A stage whose trouble is reported in the run's detail instead of failing the run.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Reported<T> {
    Done(T),
    Failed { error: String },
}

impl<T, E: std::fmt::Display> From<Result<T, E>> for Reported<T> {
    fn from(result: Result<T, E>) -> Reported<T> {
        match result {
            Ok(done) => Reported::Done(done),
            Err(e) => Reported::Failed {
                error: e.to_string(),
            },
        }
    }
}

/// A job's report as the run's detail.
fn detail(report: &impl Serialize) -> JobResult {
    Ok(serde_json::to_value(report)?)
}
