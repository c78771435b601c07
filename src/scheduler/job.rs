//! What the scheduler runs: job names, the `Job` trait, and the context a run receives.

use std::fmt;
use std::pin::Pin;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use tokio_util::sync::CancellationToken;

use crate::clock::SharedClock;
use crate::store::{Fence, Store, StoreError, Trigger};

/// The jobs the scheduler runs: ingest, summary, triage, verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum JobName {
    Ingest,
    Summary,
    Triage,
    Verify,
}

impl JobName {
    pub const ALL: [JobName; 4] = [
        JobName::Ingest,
        JobName::Summary,
        JobName::Triage,
        JobName::Verify,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobName::Ingest => "ingest",
            JobName::Summary => "summary",
            JobName::Triage => "triage",
            JobName::Verify => "verify",
        }
    }
}

impl fmt::Display for JobName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for JobName {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        JobName::ALL
            .into_iter()
            .find(|j| j.as_str() == s)
            .ok_or_else(|| format!("unknown job {s:?} (jobs: ingest, summary, triage, verify)"))
    }
}

/// Whatever a job failed with; the text goes into the run ledger.
pub type JobError = Box<dyn std::error::Error + Send + Sync>;

/// A job's result: a JSON summary for the ledger (counts, what was skipped), or an error.
pub type JobResult = Result<serde_json::Value, JobError>;

/// The future a job returns.
pub type JobFuture<'a> = Pin<Box<dyn Future<Output = JobResult> + Send + 'a>>;

/// A job body. It should call [`RunContext::should_stop`] between units of work
/// (checkpoints) and return early when asked, leaving nothing half-written.
pub trait Job: Send + Sync + 'static {
    fn run<'a>(&'a self, ctx: &'a RunContext) -> JobFuture<'a>;
}

/// What one run knows about itself.
#[derive(Clone)]
pub struct RunContext {
    pub job: JobName,
    /// The tick this run is for (the start of a manual run).
    pub scheduled_for: DateTime<Utc>,
    pub trigger: Trigger,
    pub clock: SharedClock,
    /// The run's lock on its job, when the scheduler runs it: writes made for the run check
    /// it, so a run that lost its lock commits nothing. `None` for a body run directly.
    pub fence: Option<Fence>,
    pub(crate) stop: CancellationToken,
}

impl RunContext {
    /// A context for running a job body directly (tests, `once`).
    pub fn new(
        job: JobName,
        scheduled_for: DateTime<Utc>,
        trigger: Trigger,
        clock: SharedClock,
        stop: CancellationToken,
    ) -> Self {
        Self {
            job,
            scheduled_for,
            trigger,
            clock,
            fence: None,
            stop,
        }
    }

    /// The same context, holding `fence`.
    pub fn with_fence(self, fence: Fence) -> Self {
        Self {
            fence: Some(fence),
            ..self
        }
    }

    /// Fails with [`StoreError::LeaseLost`] when the run lost its job lock; call it before an
    /// effect outside the store (a tracker write, a post). Without a fence it passes.
    pub async fn hold_lock(&self, store: &Store) -> Result<(), StoreError> {
        store
            .check_fence(self.fence.as_ref(), self.clock.now())
            .await
    }

    /// True once the run must stop at its next checkpoint (shutdown grace over, lease lost).
    pub fn should_stop(&self) -> bool {
        self.stop.is_cancelled()
    }
}
