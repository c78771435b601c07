//! The ingest job: read every source into clusters, count what it read and what it could
//! not, and — with a tracker — triage at once the clusters scored as critical.

use std::sync::Arc;

use serde::Serialize;

use super::{Reported, detail};
use crate::clock::SharedClock;
use crate::domain::fingerprint::Fingerprint;
use crate::metrics::Metrics;
use crate::pipeline::act::ActReport;
use crate::pipeline::ingest::{IngestReport, IngestSettings, run_ingest};
use crate::pipeline::triage::{Effects, TriageSettings, run_triage};
use crate::scheduler::{Job, JobFuture, RunContext};
use crate::sources::EventSource;
use crate::store::Store;
use crate::tracker::Tracker;

pub struct IngestJob {
    pub metrics: Arc<Metrics>,
    pub store: Store,
    pub clock: SharedClock,
    pub sources: Arc<Vec<Box<dyn EventSource>>>,
    pub settings: IngestSettings,
    /// With a tracker: clusters at or above `triage.immediate_score` are triaged now.
    pub triage: Option<(Arc<dyn Tracker>, TriageSettings)>,
}

/// What one ingest run did.
#[derive(Debug, Serialize)]
pub struct IngestJobReport {
    #[serde(flatten)]
    pub ingest: IngestReport,
    /// The tickets acted on for critical clusters, when there were any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub immediate_triage: Option<Reported<ActReport>>,
}

impl Job for IngestJob {
    fn run<'a>(&'a self, ctx: &'a RunContext) -> JobFuture<'a> {
        Box::pin(async move {
            let now = self.clock.now();
            let ingest = run_ingest(&self.store, &self.sources, &self.settings, now, ctx).await?;
            self.count(&ingest);
            // A run that could read none of its sources did nothing: it failed.
            if ingest.sources_read == 0 && !ingest.failed_sources.is_empty() {
                return Err(format!(
                    "no source could be read ({}); each is read again next run",
                    ingest.source_errors.join("; ")
                )
                .into());
            }
            let immediate_triage = match &self.triage {
                Some((tracker, settings)) => {
                    self.triage_critical(tracker.as_ref(), settings, &ingest, ctx, now)
                        .await
                }
                None => None,
            };
            detail(&IngestJobReport {
                ingest,
                immediate_triage,
            })
        })
    }
}

impl IngestJob {
    /// Triages the critical clusters this run touched, if any. A failing tracker must not
    /// fail the ingest that already landed: its error is reported.
    async fn triage_critical(
        &self,
        tracker: &dyn Tracker,
        settings: &TriageSettings,
        ingest: &IngestReport,
        ctx: &RunContext,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Option<Reported<ActReport>> {
        let critical = critical(ingest, settings);
        if critical.is_empty() {
            return None;
        }
        let effects = Effects::Act(ctx.fence.as_ref());
        let triaged = run_triage(
            &self.store,
            tracker,
            settings,
            now,
            Some(&critical),
            effects,
        )
        .await;
        Some(triaged.map(|report| report.act).into())
    }

    /// Events read, sources that failed (whole or in part), bad input by reason.
    fn count(&self, report: &IngestReport) {
        let partial = report
            .partial_failures
            .iter()
            .filter_map(|f| f.split_once(": ").map(|(source, _)| source));
        self.metrics.ingested(
            report.events,
            report
                .failed_sources
                .iter()
                .map(String::as_str)
                .chain(partial),
            report.bad_input.iter().flat_map(|(source, reasons)| {
                reasons
                    .iter()
                    .map(move |(reason, n)| (source.as_str(), reason.as_str(), *n))
            }),
        );
    }
}

/// The clusters this run touched that score at or above `triage.immediate_score`.
fn critical(report: &IngestReport, settings: &TriageSettings) -> Vec<Fingerprint> {
    report
        .touched_scores
        .iter()
        .filter(|(_, score)| *score >= settings.triage.immediate_score)
        .map(|(fingerprint, _)| *fingerprint)
        .collect()
}
