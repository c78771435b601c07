//! The triage job: score, reconcile every recent cluster with the tracker and act, then add
//! hypotheses to new tickets and draft fixes. Without a tracker it only scores.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{Reported, detail};
use crate::agent::Provider;
use crate::clock::SharedClock;
use crate::forge::CodeHost;
use crate::pipeline::act::ActReport;
use crate::pipeline::draft::{DraftDeps, DraftReport, DraftSettings, draft_candidates, run_drafts};
use crate::pipeline::hypotheses::{
    HypothesesDeps, HypothesesReport, HypothesesSettings, run_hypotheses,
};
use crate::pipeline::ingest::IngestSettings;
use crate::pipeline::score::score_clusters;
use crate::pipeline::triage::{Effects, TriageReport, TriageSettings, run_triage};
use crate::scheduler::{Job, JobError, JobFuture, RunContext};
use crate::store::{Fence, Store};
use crate::tracker::Tracker;

pub struct TriageJob {
    pub store: Store,
    pub clock: SharedClock,
    pub tracker: Arc<dyn Tracker>,
    pub settings: TriageSettings,
    /// With a model and a code host: fixes are drafted.
    pub drafting: Option<Drafting>,
    /// With `agent.hypotheses` and a model: new tickets get hypotheses.
    pub hypotheses: Option<Hypothesizing>,
}

/// What hypotheses on new tickets need besides the tracker.
#[derive(Clone)]
pub struct Hypothesizing {
    pub model: Arc<dyn Provider>,
    pub settings: HypothesesSettings,
}

/// What fix drafting needs besides the tracker.
#[derive(Clone)]
pub struct Drafting {
    pub model: Arc<dyn Provider>,
    pub forge: Arc<dyn CodeHost>,
    pub settings: DraftSettings,
    /// `[github] release_ref`: a release name → its git ref.
    pub release_ref: String,
}

/// What one reconcile pass (triage or verify) decided and did.
#[derive(Debug, Serialize)]
pub struct ReconcileSummary {
    pub clusters: usize,
    pub planned: usize,
    pub act: ActReport,
    pub deferred: Vec<String>,
    pub unreadable: Vec<String>,
    pub pending: Vec<String>,
}

impl From<TriageReport> for ReconcileSummary {
    fn from(report: TriageReport) -> ReconcileSummary {
        ReconcileSummary {
            clusters: report.clusters_considered,
            planned: report.plan.len(),
            act: report.act,
            deferred: report.deferred,
            unreadable: report.unreadable,
            pending: report.pending,
        }
    }
}

impl ReconcileSummary {
    /// A failed action that will not be retried fails the run: someone must look.
    pub fn needs_a_look(&self) -> Result<(), JobError> {
        match self.act.failed.iter().find(|f| !f.retry) {
            Some(failure) => Err(format!(
                "{} for {} failed and needs a look: {}",
                failure.action, failure.fingerprint, failure.error
            )
            .into()),
            None => Ok(()),
        }
    }
}

/// What one triage run did.
#[derive(Debug, Serialize)]
pub struct TriageJobReport {
    #[serde(flatten)]
    pub reconcile: ReconcileSummary,
    pub drafts: Option<DraftReport>,
    /// Optional and model-written: trouble here is reported, never the run's failure.
    pub hypotheses: Option<Reported<HypothesesReport>>,
}

impl Job for TriageJob {
    fn run<'a>(&'a self, ctx: &'a RunContext) -> JobFuture<'a> {
        Box::pin(async move {
            let now = self.clock.now();
            let tracker = self.tracker.as_ref();
            let fence = ctx.fence.as_ref();
            let reconcile: ReconcileSummary = run_triage(
                &self.store,
                tracker,
                &self.settings,
                now,
                None,
                Effects::Act(fence),
            )
            .await?
            .into();
            let hypotheses = match &self.hypotheses {
                Some(h) => Some(self.hypothesize(h, fence, now).await),
                None => None,
            };
            let drafts = match &self.drafting {
                Some(d) => Some(self.draft(d, fence, now).await?),
                None => None,
            };
            reconcile.needs_a_look()?;
            detail(&TriageJobReport {
                reconcile,
                drafts,
                hypotheses,
            })
        })
    }
}

impl TriageJob {
    async fn hypothesize(
        &self,
        h: &Hypothesizing,
        fence: Option<&Fence>,
        now: DateTime<Utc>,
    ) -> Reported<HypothesesReport> {
        let deps = HypothesesDeps {
            store: &self.store,
            model: h.model.as_ref(),
            tracker: self.tracker.as_ref(),
            fence,
        };
        run_hypotheses(&deps, &h.settings, now).await.into()
    }

    async fn draft(
        &self,
        d: &Drafting,
        fence: Option<&Fence>,
        now: DateTime<Utc>,
    ) -> Result<DraftReport, JobError> {
        let deps = DraftDeps {
            store: &self.store,
            model: d.model.as_ref(),
            forge: d.forge.as_ref(),
            tracker: self.tracker.as_ref(),
            fence,
        };
        let candidates = draft_candidates(&self.store, now).await?;
        Ok(run_drafts(&deps, &d.settings, now, candidates).await?)
    }
}

/// Without a tracker, triage only scores: every recent cluster scored and recorded.
pub struct ScoreJob {
    pub store: Store,
    pub clock: SharedClock,
    pub settings: IngestSettings,
}

/// What a scoring-only run did.
#[derive(Debug, Serialize)]
pub struct ScoreJobReport {
    pub stages: [&'static str; 1],
    pub scored: usize,
    /// How many clusters at each level.
    pub levels: BTreeMap<String, u64>,
}

impl Job for ScoreJob {
    fn run<'a>(&'a self, _ctx: &'a RunContext) -> JobFuture<'a> {
        Box::pin(async move {
            let scored = score_clusters(
                &self.store,
                &self.settings.severity,
                &self.settings.tiers,
                self.clock.now(),
                None,
            )
            .await?;
            let mut levels = BTreeMap::<String, u64>::new();
            for (_, severity) in &scored {
                *levels
                    .entry(severity.level.as_str().to_owned())
                    .or_default() += 1;
            }
            detail(&ScoreJobReport {
                stages: ["score"],
                scored: scored.len(),
                levels,
            })
        })
    }
}
