//! The dashboard's read models: plain serializable views of clusters, runs and summaries
//! that the HTML pages and the JSON API both render, so there is one query path. Every
//! window (the 24 h count, the 7-day hourly series) ends at the `now` the caller passes.

mod shape;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use sqlx::Row;

use super::{DraftRecord, DraftState, Store, StoreError, StoredTicket, TicketEvent, ms, time};
use crate::domain::cluster::{EndpointSeen, ReleaseSeen, Sample, hour_of};
use crate::domain::event::StackFrame;
use crate::domain::fingerprint::Fingerprint;
use crate::domain::score::{Level, Severity};

pub use shape::{ClusterSort, TicketStatus, hourly_series, sort_rows, ticket_status};

/// Hours in the hourly series: seven days.
pub const SERIES_HOURS: usize = 168;
/// Clusters last seen longer ago than this are not listed.
pub const LISTED_DAYS: i64 = 30;
/// Most clusters listed.
pub const LISTED_MAX: usize = 500;

/// One row of the clusters table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterRow {
    pub fingerprint: String,
    pub title: String,
    pub service: String,
    /// The severity level; `None` until the cluster is scored.
    pub level: Option<Level>,
    pub score: Option<f64>,
    /// The worst log level seen (`error`, `fatal`, …).
    pub worst_level: String,
    /// Events in the 24 hours ending with the hour of `now`.
    pub events_24h: u64,
    pub events_total: u64,
    /// Events per hour over the 7 days ending with the hour of `now`, oldest first.
    pub hourly_7d: Vec<u64>,
    /// Distinct users in the 24 h before `now`.
    pub users_24h: u64,
    pub status: TicketStatus,
    pub ticket: Option<TicketLink>,
    pub pr: Option<PullLink>,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
}

/// A cluster's ticket in the tracker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TicketLink {
    pub key: String,
    pub url: String,
}

/// A cluster's drafted fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PullLink {
    pub state: DraftState,
    pub number: Option<u64>,
    pub url: Option<String>,
}

/// Events in one hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HourCount {
    pub hour: DateTime<Utc>,
    pub events: u64,
}

/// One entry of a cluster's ticket and PR timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    /// A ticket event kind (`create`, `link`, `comment`, `reopen`, `close`, `label`,
    /// `observe`), or `fix_merged`, `pr_opened`, `pr_rejected`, `pr_pending`.
    pub kind: String,
    pub ticket_key: String,
    /// Why, as triaged wrote it (escaped when shown: it may quote production text).
    pub evidence: String,
    pub url: Option<String>,
}

/// Everything the cluster page shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterDetail {
    pub cluster: ClusterRow,
    pub kind: String,
    pub exception_type: Option<String>,
    pub template: String,
    pub unhandled: bool,
    pub regressed_at: Option<DateTime<Utc>>,
    pub severity: Option<Severity>,
    /// The same 7 days as `cluster.hourly_7d`, with each hour's start.
    pub hourly: Vec<HourCount>,
    /// Redacted at ingest; untrusted all the same.
    pub samples: Vec<Sample>,
    /// The stack of the newest sample that has one, innermost first.
    pub top_frames: Vec<StackFrame>,
    /// Most events first.
    pub endpoints: Vec<EndpointSeen>,
    /// Most recently seen first.
    pub releases: Vec<ReleaseSeen>,
    pub hosts: usize,
    pub timeline: Vec<TimelineEntry>,
}

/// One row of the job ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobRunRow {
    pub job: String,
    pub scheduled_for: DateTime<Utc>,
    pub trigger: String,
    pub status: String,
    pub attempt: i64,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub duration_ms: Option<u64>,
    pub error: Option<String>,
}

/// One model call, without its prompt and answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgentRunRow {
    pub at: DateTime<Utc>,
    pub purpose: String,
    pub fingerprint: Option<String>,
    pub provider: String,
    pub model: String,
    pub tokens_in: u64,
    pub tokens_out: u64,
    pub cost_usd: f64,
    pub latency_ms: u64,
    pub outcome: String,
}

/// The runs page: the job ledger and the model calls, newest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunsView {
    pub jobs: Vec<JobRunRow>,
    pub agent: Vec<AgentRunRow>,
}

/// The columns `clusters::record` reads, then a tail.
macro_rules! select_clusters {
    ($tail:literal) => {
        concat!(
            "SELECT fingerprint, service, kind, exception_type, merge_key, title, template, ",
            "first_seen, last_seen, events_total, worst_level, unhandled, stats, regressed_at, ",
            "severity FROM clusters ",
            $tail
        )
    };
}

impl Store {
    /// The clusters seen in the last `LISTED_DAYS` before `now` (an alias never listed
    /// apart from its cluster), in `sort` order, at most `LISTED_MAX`.
    pub async fn dashboard_clusters(
        &self,
        now: DateTime<Utc>,
        sort: ClusterSort,
    ) -> Result<Vec<ClusterRow>, StoreError> {
        let rows = sqlx::query(select_clusters!(
            "WHERE last_seen >= $1 AND fingerprint NOT IN (SELECT alias FROM cluster_aliases)"
        ))
        .bind(ms(now - Duration::days(LISTED_DAYS)))
        .fetch_all(&self.pool)
        .await?;
        let clusters = rows
            .iter()
            .map(super::clusters::record)
            .collect::<Result<Vec<_>, _>>()?;
        let end = hour_of(now);
        let hours = self.hours_between(series_start(end), end).await?;
        let tickets: HashMap<String, StoredTicket> = self
            .tickets()
            .await?
            .into_iter()
            .map(|t| (t.fingerprint.to_string(), t))
            .collect();
        let drafts: HashMap<String, DraftRecord> = self
            .drafts()
            .await?
            .into_iter()
            .map(|d| (d.fingerprint.to_string(), d))
            .collect();
        let mut out: Vec<ClusterRow> = clusters
            .iter()
            .map(|c| {
                let fp = c.identity.fingerprint.to_string();
                let counts = hours.get(&fp).map(Vec::as_slice).unwrap_or_default();
                shape::row(
                    c,
                    hourly_series(counts, end, SERIES_HOURS),
                    tickets.get(&fp),
                    drafts.get(&fp),
                    now,
                )
            })
            .collect();
        sort_rows(&mut out, sort);
        out.truncate(LISTED_MAX);
        Ok(out)
    }

    /// One cluster's page (an alias resolves to its cluster), or `None` when unknown.
    pub async fn dashboard_cluster(
        &self,
        fp: Fingerprint,
        now: DateTime<Utc>,
    ) -> Result<Option<ClusterDetail>, StoreError> {
        let Some(cluster) = self.cluster(fp).await? else {
            return Ok(None);
        };
        let canonical = cluster.identity.fingerprint;
        let end = hour_of(now);
        let counts: Vec<(i64, u64)> = self
            .hourly_counts(canonical, time(series_start(end)), time(end))
            .await?
            .into_iter()
            .map(|(hour, n)| (ms(hour), n))
            .collect();
        let ticket = self.ticket(canonical).await?;
        let draft = self.draft(canonical).await?;
        let events = self.ticket_events_of(canonical).await?;
        Ok(Some(shape::detail(
            &cluster,
            hourly_series(&counts, end, SERIES_HOURS),
            end,
            ticket.as_ref(),
            draft.as_ref(),
            events,
            now,
        )))
    }

    /// The newest `limit` runs of the ledger and the newest `limit` model calls.
    pub async fn dashboard_runs(&self, limit: i64) -> Result<RunsView, StoreError> {
        let jobs = self
            .recent_runs(limit)
            .await?
            .into_iter()
            .map(shape::job_run)
            .collect();
        let rows = sqlx::query(
            "SELECT created_at, purpose, fingerprint, provider, model, tokens_in, tokens_out, \
             cost_usd, latency_ms, outcome FROM agent_runs ORDER BY created_at DESC, id LIMIT $1",
        )
        .bind(limit.max(0))
        .fetch_all(&self.pool)
        .await?;
        let agent = rows
            .iter()
            .map(|r| {
                Ok(AgentRunRow {
                    at: time(r.try_get(0)?),
                    purpose: r.try_get(1)?,
                    fingerprint: r.try_get(2)?,
                    provider: r.try_get(3)?,
                    model: r.try_get(4)?,
                    tokens_in: r.try_get::<i64, _>(5)?.max(0) as u64,
                    tokens_out: r.try_get::<i64, _>(6)?.max(0) as u64,
                    cost_usd: r.try_get(7)?,
                    latency_ms: r.try_get::<i64, _>(8)?.max(0) as u64,
                    outcome: r.try_get(9)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(RunsView { jobs, agent })
    }

    /// Hourly counts of every cluster for hours starting in `[from, to]` (epoch ms), by
    /// fingerprint, oldest first.
    async fn hours_between(
        &self,
        from: i64,
        to: i64,
    ) -> Result<HashMap<String, Vec<(i64, u64)>>, StoreError> {
        let rows = sqlx::query(
            "SELECT fingerprint, hour, events FROM cluster_hours \
             WHERE hour >= $1 AND hour <= $2 ORDER BY fingerprint, hour",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        let mut out: HashMap<String, Vec<(i64, u64)>> = HashMap::new();
        for r in &rows {
            let events = r.try_get::<i64, _>(2)?.max(0) as u64;
            out.entry(r.try_get(0)?)
                .or_default()
                .push((r.try_get(1)?, events));
        }
        Ok(out)
    }

    /// A cluster's ticket timeline, oldest first.
    async fn ticket_events_of(&self, fp: Fingerprint) -> Result<Vec<TicketEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT fingerprint, at, kind, ticket_key, evidence FROM ticket_events \
             WHERE fingerprint = $1 ORDER BY at",
        )
        .bind(fp.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(super::tickets::ticket_event).collect()
    }
}

/// The start (epoch ms) of the first hour of the series ending with the hour `end`.
fn series_start(end: i64) -> i64 {
    end - (SERIES_HOURS as i64 - 1) * crate::domain::cluster::HOUR_MS
}
