//! The verify job: record the merges of drafted fixes, then close tickets whose errors
//! stopped and reopen those that came back. Without a tracker there is nothing to verify.

use std::sync::Arc;

use serde::Serialize;

use super::detail;
use super::triage::ReconcileSummary;
use crate::clock::SharedClock;
use crate::forge::CodeHost;
use crate::pipeline::fixes::{FixReport, record_merged_fixes};
use crate::pipeline::triage::{Effects, TriageSettings, run_verify};
use crate::scheduler::{Job, JobFuture, RunContext};
use crate::store::Store;
use crate::tracker::Tracker;

pub struct VerifyJob {
    pub store: Store,
    pub clock: SharedClock,
    pub tracker: Arc<dyn Tracker>,
    pub settings: TriageSettings,
    /// With a code host: the code host and `[github] release_ref`, to find merged fixes
    /// and the release that first holds each.
    pub fixes: Option<(Arc<dyn CodeHost>, String)>,
}

/// What one verify run did.
#[derive(Debug, Serialize)]
pub struct VerifyJobReport {
    #[serde(flatten)]
    pub reconcile: ReconcileSummary,
    pub fixes: Option<FixReport>,
}

impl Job for VerifyJob {
    fn run<'a>(&'a self, ctx: &'a RunContext) -> JobFuture<'a> {
        Box::pin(async move {
            let now = self.clock.now();
            let fixes = match &self.fixes {
                Some((forge, release_ref)) => {
                    Some(record_merged_fixes(&self.store, forge.as_ref(), release_ref, now).await?)
                }
                None => None,
            };
            let reconcile: ReconcileSummary = run_verify(
                &self.store,
                self.tracker.as_ref(),
                &self.settings,
                now,
                Effects::Act(ctx.fence.as_ref()),
            )
            .await?
            .into();
            reconcile.needs_a_look()?;
            detail(&VerifyJobReport { reconcile, fixes })
        })
    }
}

/// A job with nothing to do in this configuration (verify without a tracker): it claims
/// its tick and says so.
pub struct PendingJob;

/// What a job with nothing to do reports.
#[derive(Debug, Serialize)]
pub struct PendingReport {
    pub job: &'static str,
    pub stages: &'static str,
}

impl Job for PendingJob {
    fn run<'a>(&'a self, ctx: &'a RunContext) -> JobFuture<'a> {
        Box::pin(async move {
            detail(&PendingReport {
                job: ctx.job.as_str(),
                stages: "none configured",
            })
        })
    }
}
