//! The report stage: the morning `HealthSummary` of the 24 hours ending at the scheduled time
//! against the 24 hours before, computed from the store.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;

use crate::domain::fingerprint::Fingerprint;
use crate::domain::lifecycle::TicketRecord;
use crate::domain::summary::{ClusterLine, HealthSummary, RunFailure, ServiceHealth, TicketRef};
use crate::domain::ticket::TicketPhase;
use crate::store::{ClusterRecord, RunRecord, RunStatus, Store, StoreError};

mod paragraph;

pub use paragraph::{ParagraphChoice, write_paragraph};

/// How long the summary looks back (and how long the window it compares against is).
pub const SUMMARY_WINDOW_HOURS: i64 = 24;
/// Clusters in the summary's top list.
pub const TOP_CLUSTERS: usize = 5;

/// The summary of `[window_end − 24 h, window_end)` against the 24 hours before it. Hourly
/// counts belong to the window their hour starts in, so a window ending on the hour (09:00
/// by default) counts exactly 24 whole hours.
pub async fn health_summary(
    store: &Store,
    window_end: DateTime<Utc>,
    dashboard_url: Option<&str>,
) -> Result<HealthSummary, StoreError> {
    let window_start = window_end - Duration::hours(SUMMARY_WINDOW_HOURS);
    let previous_start = window_start - Duration::hours(SUMMARY_WINDOW_HOURS);
    let by_service = store
        .service_events_between(window_start, window_end)
        .await?;
    let before_by_service = store
        .service_events_between(previous_start, window_start)
        .await?;
    let tickets: BTreeMap<Fingerprint, TicketRecord> = store
        .tickets()
        .await?
        .into_iter()
        .map(|t| (t.fingerprint, t.record))
        .collect();
    let lines = Lines {
        window_start,
        events: store
            .cluster_events_between(window_start, window_end)
            .await?,
        tickets: &tickets,
    };
    let recent = store.clusters_seen_since(window_start).await?;
    let in_window = |at: DateTime<Utc>| window_start <= at && at < window_end;

    let active = lines.ranked(recent.iter().filter(|c| lines.has_events(c)));
    let new_clusters = lines.ranked(recent.iter().filter(|c| in_window(c.first_seen)));
    let known: BTreeMap<Fingerprint, ClusterRecord> = recent
        .into_iter()
        .map(|c| (c.identity.fingerprint, c))
        .collect();
    let window = (window_start, window_end);
    let reopened = ticket_clusters(store, "reopen", window, &known).await?;
    let closed = ticket_clusters(store, "close", window, &known).await?;
    let (regressions, auto_closed) = (lines.ranked(reopened.iter()), lines.ranked(closed.iter()));

    let services = service_lines(&by_service, &before_by_service, &active);
    let (prs_drafted, prs_merged) = fix_prs(store, window).await?;
    let troubled = store
        .troubled_runs_between(window_start, window_end)
        .await?;
    Ok(HealthSummary {
        window_start,
        window_end,
        events: by_service.values().sum(),
        previous_events: before_by_service.values().sum(),
        new_clusters,
        regressions,
        auto_closed,
        top: active.into_iter().take(TOP_CLUSTERS).collect(),
        services,
        open_tickets: tickets
            .values()
            .filter(|t| t.phase == TicketPhase::Open && !t.key.is_empty())
            .count() as u64,
        prs_drafted,
        prs_merged,
        failures: run_failures(&troubled),
        dashboard_url: dashboard_url.map(str::to_owned),
    })
}

/// Fix PRs drafted in the window (drafts that reached `opened` then) and fixes merged in
/// it (the merge time recorded on the cluster's ticket).
async fn fix_prs(
    store: &Store,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) -> Result<(u64, u64), StoreError> {
    let within = |at: DateTime<Utc>| at >= from && at < to;
    let drafted = store
        .drafts()
        .await?
        .iter()
        .filter(|d| d.state == crate::store::DraftState::Opened && within(d.updated_at))
        .count() as u64;
    let merged = store
        .tickets()
        .await?
        .iter()
        .filter(|t| t.record.fix.as_ref().is_some_and(|f| within(f.merged_at)))
        .count() as u64;
    Ok((drafted, merged))
}

/// What a `ClusterLine` needs besides its cluster.
struct Lines<'a> {
    window_start: DateTime<Utc>,
    /// Events per cluster in the window.
    events: BTreeMap<Fingerprint, u64>,
    tickets: &'a BTreeMap<Fingerprint, TicketRecord>,
}

impl Lines<'_> {
    fn has_events(&self, c: &ClusterRecord) -> bool {
        self.events.contains_key(&c.identity.fingerprint)
    }

    fn line(&self, c: &ClusterRecord) -> ClusterLine {
        let fp = c.identity.fingerprint;
        let (score, level) = c
            .severity
            .as_ref()
            .map_or((0.0, "low"), |s| (s.score, s.level.as_str()));
        ClusterLine {
            fingerprint: fp.to_string(),
            title: c.identity.title.clone(),
            service: c.identity.service.to_string(),
            level: level.to_owned(),
            score,
            events: self.events.get(&fp).copied().unwrap_or(0),
            users: c.stats.users_since(self.window_start),
            ticket: self
                .tickets
                .get(&fp)
                .filter(|t| !t.key.is_empty())
                .map(|t| TicketRef {
                    key: t.key.clone(),
                    url: t.url.clone(),
                }),
        }
    }

    /// Lines highest score first, then most events (an unscored cluster counts as 0).
    fn ranked<'c>(&self, clusters: impl Iterator<Item = &'c ClusterRecord>) -> Vec<ClusterLine> {
        let mut lines: Vec<ClusterLine> = clusters.map(|c| self.line(c)).collect();
        lines.sort_by(by_rank);
        lines
    }
}

fn by_rank(a: &ClusterLine, b: &ClusterLine) -> Ordering {
    b.score
        .total_cmp(&a.score)
        .then(b.events.cmp(&a.events))
        .then_with(|| a.fingerprint.cmp(&b.fingerprint))
}

/// The clusters whose ticket had a `kind` entry in the window, each once.
async fn ticket_clusters(
    store: &Store,
    kind: &str,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    known: &BTreeMap<Fingerprint, ClusterRecord>,
) -> Result<Vec<ClusterRecord>, StoreError> {
    let mut out: Vec<ClusterRecord> = Vec::new();
    for event in store.ticket_events_between(kind, from, to).await? {
        let Ok(fp) = event.fingerprint.parse::<Fingerprint>() else {
            continue;
        };
        if out.iter().any(|c| c.identity.fingerprint == fp) {
            continue;
        }
        let cluster = match known.get(&fp) {
            Some(c) => Some(c.clone()),
            None => store.cluster(fp).await?,
        };
        out.extend(cluster);
    }
    Ok(out)
}

/// One line per service with events in either window, busiest first; `active` is ranked.
fn service_lines(
    now: &BTreeMap<String, u64>,
    before: &BTreeMap<String, u64>,
    active: &[ClusterLine],
) -> Vec<ServiceHealth> {
    let mut names: Vec<&String> = now.keys().chain(before.keys()).collect();
    names.sort();
    names.dedup();
    let mut lines: Vec<ServiceHealth> = names
        .into_iter()
        .map(|service| ServiceHealth {
            service: service.clone(),
            events: now.get(service).copied().unwrap_or(0),
            previous_events: before.get(service).copied().unwrap_or(0),
            worst: active.iter().find(|l| &l.service == service).cloned(),
        })
        .collect();
    lines.sort_by(|a, b| {
        (b.events, b.previous_events)
            .cmp(&(a.events, a.previous_events))
            .then_with(|| a.service.cmp(&b.service))
    });
    lines
}

/// The part of an ingest report that names sources it could not read.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SourceTrouble {
    failed_sources: Vec<String>,
    /// `"<source>: <what failed>"`.
    partial_failures: Vec<String>,
}

/// Failed runs and unreadable sources, one entry per run kind or source (its latest
/// occurrence, with how many runs it spoiled), in order of first occurrence.
fn run_failures(runs: &[RunRecord]) -> Vec<RunFailure> {
    let mut out: Vec<(RunFailure, usize)> = Vec::new();
    for run in runs {
        let at = run.finished_at.unwrap_or(run.started_at);
        // What failed in this run → its detail (one entry per source, however many parts).
        let mut found: BTreeMap<String, String> = BTreeMap::new();
        if run.status == RunStatus::Failed {
            let error = run.error.as_deref().unwrap_or("no error recorded");
            found.insert(format!("{} run", run.job), error.to_owned());
        }
        let trouble: SourceTrouble = run
            .detail
            .as_deref()
            .and_then(|d| serde_json::from_str(d).ok())
            .unwrap_or_default();
        for source in trouble.failed_sources {
            let detail = "could not be read; it is read again next run".to_owned();
            found.insert(format!("{}: source {source}", run.job), detail);
        }
        for part in &trouble.partial_failures {
            let (source, detail) = part.split_once(": ").unwrap_or((part, "partly unreadable"));
            found
                .entry(format!("{}: source {source}", run.job))
                .or_insert_with(|| detail.to_owned());
        }
        for (what, detail) in found {
            match out.iter_mut().find(|(f, _)| f.what == what) {
                Some((failure, runs)) => {
                    (failure.at, failure.detail) = (at, detail);
                    *runs += 1;
                }
                None => out.push((RunFailure { what, at, detail }, 1)),
            }
        }
    }
    out.into_iter()
        .map(|(mut failure, runs)| {
            if runs > 1 {
                failure.detail = format!("{} (in {runs} runs)", failure.detail);
            }
            failure
        })
        .collect()
}

#[cfg(test)]
mod tests;
