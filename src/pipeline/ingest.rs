//! The ingest stage: read every source from its cursor, cluster what it saw, write the
//! clusters and the cursors in one transaction, roll old counts up, and score the clusters
//! that moved.
//!
//! A source that fails is reported and skipped: what it handed over before failing is
//! dropped (its cursor does not move, so the next run reads it again) and the other
//! sources still complete. Bad input inside a source is counted by reason, never fatal.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::cluster::Clusterer;
use super::score::score_clusters;
use crate::domain::cluster::ClusterLimits;
use crate::domain::fingerprint::Fingerprint;
use crate::domain::score::{SeverityPolicy, TierRules};
use crate::mining::TemplateMiner;
use crate::redact::Redactor;
use crate::scheduler::RunContext;
use crate::sources::EventSource;
use crate::store::{CursorAdvance, IngestWrite, RollUp, Store, StoreError};

/// What ingest needs besides its sources.
pub struct IngestSettings {
    pub limits: ClusterLimits,
    pub severity: SeverityPolicy,
    pub tiers: TierRules,
    pub redactor: Redactor,
    /// Hourly counts older than this are rolled up into days.
    pub hourly_retention: Duration,
    /// Daily counts older than this are dropped.
    pub daily_retention: Duration,
}

/// What one ingest run did, written to the run ledger.
#[derive(Debug, Default, Serialize)]
pub struct IngestReport {
    pub sources_read: usize,
    pub events: u64,
    pub clusters_touched: usize,
    pub new_clusters: usize,
    pub merged_across_sources: usize,
    /// Bad input (skipped or degraded), by source and reason.
    pub bad_input: BTreeMap<String, BTreeMap<String, u64>>,
    pub failed_sources: Vec<String>,
    /// Why each failed source failed: `key: reason`, in the order of `failed_sources`.
    pub source_errors: Vec<String>,
    /// Parts of sources that could not be read (one log group, one page).
    pub partial_failures: Vec<String>,
    pub roll_up: RollUp,
    /// The highest-scoring clusters touched by this run: `(fingerprint, score, level)`.
    pub top_scores: Vec<(String, f64, String)>,
    /// Every touched cluster with its new score (for triage at ingest time).
    #[serde(skip)]
    pub touched_scores: Vec<(Fingerprint, f64)>,
    pub stopped_early: bool,
}

/// Reads every source, clusters, stores and scores (see the module doc).
pub async fn run_ingest(
    store: &Store,
    sources: &[Box<dyn EventSource>],
    settings: &IngestSettings,
    now: DateTime<Utc>,
    ctx: &RunContext,
) -> Result<IngestReport, StoreError> {
    let mut report = IngestReport::default();
    let loaded = store.templates().await?;
    let known: BTreeMap<u64, u64> = loaded.iter().map(|r| (r.id.0, r.count)).collect();
    let index = store.cluster_index().await?;
    let mut clusterer = Clusterer::new(
        TemplateMiner::restore(loaded),
        index,
        &settings.redactor,
        &settings.limits,
    );
    let mut cursors = Vec::new();
    for source in sources {
        if ctx.should_stop() {
            report.stopped_early = true;
            break;
        }
        let key = source.cursor_key();
        let cursor = store.cursor(&key).await?;
        let read_from = cursor.clone();
        let mut sink = |observed| {
            clusterer.add(&observed);
        };
        let outcome = source.read(cursor, now, &mut sink).await;
        match outcome {
            Ok(read) => {
                clusterer.commit();
                report.sources_read += 1;
                if !read.bad_input.is_empty() {
                    tracing::warn!(source = %key, bad_input = ?read.bad_input,
                        "bad input skipped or degraded");
                    report.bad_input.insert(key.clone(), read.bad_input);
                }
                for failure in read.partial_failures {
                    tracing::warn!(source = %key, %failure, "part of a source unreadable");
                    report.partial_failures.push(format!("{key}: {failure}"));
                }
                if let Some(position) = read.cursor {
                    cursors.push(CursorAdvance {
                        source: key,
                        read: read_from,
                        position,
                    });
                }
            }
            Err(e) => {
                let dropped = clusterer.rollback();
                tracing::warn!(source = %key, error = %e, dropped, retryable = e.is_retryable(),
                    "source failed; it is read again next run");
                report.source_errors.push(format!("{key}: {}", e.reason));
                report.failed_sources.push(key);
            }
        }
    }
    let batch = clusterer.take_batch();
    let exported = clusterer.miner.export();
    let templates = exported
        .iter()
        .enumerate()
        .filter(|(_, r)| known.get(&r.id.0) != Some(&r.count))
        .map(|(position, r)| (position as i64, r))
        .collect();
    store
        .apply_ingest(IngestWrite {
            drafts: batch.drafts.values().collect(),
            aliases: &batch.aliases,
            templates,
            cursors: &cursors,
            fence: ctx.fence.as_ref(),
            limits: &settings.limits,
            now,
        })
        .await?;
    report.events = batch.events;
    report.clusters_touched = batch.drafts.len();
    report.new_clusters = batch.new_clusters;
    report.merged_across_sources = batch.aliases.len();
    report.roll_up = store
        .roll_up_counts(
            now - settings.hourly_retention,
            now - settings.daily_retention,
        )
        .await?;
    let touched: Vec<Fingerprint> = batch.drafts.keys().copied().collect();
    if !touched.is_empty() {
        let scored = score_clusters(
            store,
            &settings.severity,
            &settings.tiers,
            now,
            Some(&touched),
        )
        .await?;
        report.top_scores = scored
            .iter()
            .take(5)
            .map(|(c, s)| {
                (
                    c.identity.fingerprint.to_string(),
                    (s.score * 10.0).round() / 10.0,
                    s.level.as_str().to_owned(),
                )
            })
            .collect();
        report.touched_scores = scored
            .iter()
            .map(|(c, s)| (c.identity.fingerprint, s.score))
            .collect();
    }
    Ok(report)
}
