//! Pure shaping of store records into the dashboard's read models: the hourly series,
//! a ticket's status, the sort orders and the timeline.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::{ClusterDetail, ClusterRow, HourCount, JobRunRow, PullLink, TicketLink, TimelineEntry};
use crate::domain::cluster::HOUR_MS;
use crate::domain::lifecycle::TicketRecord;
use crate::domain::ticket::TicketPhase;
use crate::store::{ClusterRecord, DraftRecord, DraftState, RunRecord, StoredTicket, TicketEvent};

/// The orders the clusters table can be sorted in (each highest or newest first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClusterSort {
    #[default]
    Score,
    Events,
    LastSeen,
    FirstSeen,
    Users,
}

impl ClusterSort {
    pub const ALL: [ClusterSort; 5] = [
        ClusterSort::Score,
        ClusterSort::Events,
        ClusterSort::LastSeen,
        ClusterSort::FirstSeen,
        ClusterSort::Users,
    ];

    /// The `?sort=` value.
    pub fn key(self) -> &'static str {
        match self {
            ClusterSort::Score => "score",
            ClusterSort::Events => "events",
            ClusterSort::LastSeen => "last_seen",
            ClusterSort::FirstSeen => "first_seen",
            ClusterSort::Users => "users",
        }
    }

    /// A `?sort=` value back; unknown values are `None`.
    pub fn parse(raw: &str) -> Option<ClusterSort> {
        Self::ALL.into_iter().find(|s| s.key() == raw)
    }
}

/// Where a cluster's ticket stands, as the dashboard says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    /// No ticket.
    None,
    /// A create is claimed but has not landed.
    Pending,
    Open,
    /// Open again after triaged closed it.
    Reopened,
    /// Reopened too often: labelled, no longer auto-closed.
    Flapping,
    Closed,
    Canceled,
}

impl TicketStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TicketStatus::None => "none",
            TicketStatus::Pending => "pending",
            TicketStatus::Open => "open",
            TicketStatus::Reopened => "reopened",
            TicketStatus::Flapping => "flapping",
            TicketStatus::Closed => "closed",
            TicketStatus::Canceled => "canceled",
        }
    }
}

/// The status of a cluster with this ticket record (or none).
pub fn ticket_status(record: Option<&TicketRecord>) -> TicketStatus {
    let Some(r) = record else {
        return TicketStatus::None;
    };
    if r.key.is_empty() {
        return TicketStatus::Pending;
    }
    match r.phase {
        TicketPhase::Done => TicketStatus::Closed,
        TicketPhase::Canceled => TicketStatus::Canceled,
        TicketPhase::Open if r.flapping => TicketStatus::Flapping,
        TicketPhase::Open if r.reopens > 0 => TicketStatus::Reopened,
        TicketPhase::Open => TicketStatus::Open,
    }
}

/// `hours` hourly counts ending with the hour starting at `end` (epoch ms), oldest first,
/// from sparse `(hour start, events)` pairs; hours outside the range are ignored.
pub fn hourly_series(counts: &[(i64, u64)], end: i64, hours: usize) -> Vec<u64> {
    let mut series = vec![0u64; hours];
    let start = end - (hours as i64 - 1) * HOUR_MS;
    for &(hour, n) in counts {
        if hour < start || hour > end {
            continue;
        }
        let i = ((hour - start) / HOUR_MS) as usize;
        if let Some(slot) = series.get_mut(i) {
            *slot = slot.saturating_add(n);
        }
    }
    series
}

/// Sorts rows in `sort` order, highest or newest first; ties by fingerprint.
pub fn sort_rows(rows: &mut [ClusterRow], sort: ClusterSort) {
    rows.sort_by(|a, b| {
        let order = match sort {
            ClusterSort::Score => b.score.unwrap_or(-1.0).total_cmp(&a.score.unwrap_or(-1.0)),
            ClusterSort::Events => b.events_24h.cmp(&a.events_24h),
            ClusterSort::LastSeen => b.last_seen.cmp(&a.last_seen),
            ClusterSort::FirstSeen => b.first_seen.cmp(&a.first_seen),
            ClusterSort::Users => b.users_24h.cmp(&a.users_24h),
        };
        order.then_with(|| a.fingerprint.cmp(&b.fingerprint))
    });
}

/// A cluster's row, given its 7-day series (ending with the hour of `now`).
pub(super) fn row(
    c: &ClusterRecord,
    hourly_7d: Vec<u64>,
    ticket: Option<&StoredTicket>,
    draft: Option<&DraftRecord>,
    now: DateTime<Utc>,
) -> ClusterRow {
    let record = ticket.map(|t| &t.record);
    let last_day = hourly_7d.len().saturating_sub(24);
    ClusterRow {
        fingerprint: c.identity.fingerprint.to_string(),
        title: c.identity.title.clone(),
        service: c.identity.service.as_str().to_owned(),
        level: c.severity.as_ref().map(|s| s.level),
        score: c.severity.as_ref().map(|s| s.score),
        worst_level: c.worst_level.as_str().to_owned(),
        events_24h: hourly_7d[last_day..].iter().sum(),
        events_total: c.events_total,
        hourly_7d,
        users_24h: c.stats.users_since(now - Duration::hours(24)),
        status: ticket_status(record),
        ticket: record.filter(|r| !r.key.is_empty()).map(|r| TicketLink {
            key: r.key.clone(),
            url: r.url.clone(),
        }),
        pr: draft.map(|d| PullLink {
            state: d.state,
            number: d.pr_number,
            url: d.pr_url.clone(),
        }),
        first_seen: c.first_seen,
        last_seen: c.last_seen,
    }
}

/// A cluster's page, given its 7-day series ending with the hour starting at `end`.
pub(super) fn detail(
    c: &ClusterRecord,
    series: Vec<u64>,
    end: i64,
    ticket: Option<&StoredTicket>,
    draft: Option<&DraftRecord>,
    events: Vec<TicketEvent>,
    now: DateTime<Utc>,
) -> ClusterDetail {
    let start = end - (series.len() as i64 - 1) * HOUR_MS;
    let hourly = series
        .iter()
        .enumerate()
        .map(|(i, &events)| HourCount {
            hour: super::time(start + i as i64 * HOUR_MS),
            events,
        })
        .collect();
    let stats = &c.stats;
    let mut endpoints = stats.endpoints.clone();
    endpoints.sort_by(|a, b| b.events.cmp(&a.events).then(a.endpoint.cmp(&b.endpoint)));
    let mut releases = stats.releases.clone();
    releases.sort_by_key(|r| std::cmp::Reverse(r.last_seen));
    let mut samples = stats.samples.clone();
    samples.sort_by_key(|s| std::cmp::Reverse(s.at));
    let top_frames = samples
        .iter()
        .find(|s| !s.frames.is_empty())
        .map(|s| s.frames.clone())
        .unwrap_or_default();
    ClusterDetail {
        cluster: row(c, series, ticket, draft, now),
        kind: c.identity.kind.as_str().to_owned(),
        exception_type: c.identity.exception_type.clone(),
        template: c.identity.template.clone(),
        unhandled: c.unhandled,
        regressed_at: c.regressed_at,
        severity: c.severity.clone(),
        hourly,
        samples,
        top_frames,
        endpoints,
        releases,
        hosts: stats.hosts.len(),
        timeline: timeline(events, ticket.map(|t| &t.record), draft),
    }
}

/// The ticket events, the merged fix and the drafted PR, oldest first.
pub(super) fn timeline(
    events: Vec<TicketEvent>,
    record: Option<&TicketRecord>,
    draft: Option<&DraftRecord>,
) -> Vec<TimelineEntry> {
    let key = record.map(|r| r.key.clone()).unwrap_or_default();
    let mut out: Vec<TimelineEntry> = events
        .into_iter()
        .map(|e| TimelineEntry {
            at: e.at,
            kind: e.kind,
            ticket_key: e.ticket_key,
            evidence: e.evidence,
            url: None,
        })
        .collect();
    if let Some(fix) = record.and_then(|r| r.fix.as_ref()) {
        out.push(TimelineEntry {
            at: fix.merged_at,
            kind: "fix_merged".into(),
            ticket_key: key.clone(),
            evidence: match &fix.release {
                Some(release) => format!("{} merged, first in release {release}", fix.reference),
                None => format!("{} merged", fix.reference),
            },
            url: None,
        });
    }
    if let Some(d) = draft {
        let (kind, evidence) = match d.state {
            DraftState::Opened => (
                "pr_opened",
                format!(
                    "draft PR{} opened on {} from {}",
                    d.pr_number.map(|n| format!(" #{n}")).unwrap_or_default(),
                    d.repo,
                    d.branch
                ),
            ),
            DraftState::Rejected => (
                "pr_rejected",
                format!(
                    "no PR: {}",
                    d.reason.as_deref().unwrap_or("the draft failed a check")
                ),
            ),
            DraftState::Pending => ("pr_pending", format!("drafting on {}", d.branch)),
        };
        out.push(TimelineEntry {
            at: d.updated_at,
            kind: kind.into(),
            ticket_key: key,
            evidence,
            url: d.pr_url.clone(),
        });
    }
    out.sort_by_key(|e| e.at);
    out
}

/// A ledger row as the runs page shows it.
pub(super) fn job_run(r: RunRecord) -> JobRunRow {
    JobRunRow {
        duration_ms: r
            .finished_at
            .map(|f| (f - r.started_at).num_milliseconds().max(0) as u64),
        job: r.job,
        scheduled_for: r.scheduled_for,
        trigger: match r.trigger {
            crate::store::Trigger::Schedule => "schedule".into(),
            crate::store::Trigger::Manual => "manual".into(),
        },
        status: r.status.as_str().to_owned(),
        attempt: r.attempt,
        started_at: r.started_at,
        finished_at: r.finished_at,
        error: r.error,
    }
}
