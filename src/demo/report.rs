//! The demo's final report (`--json`): what triaged did over the three days, counted from
//! the store and from what the emulated vendors hold — the duplicate count comes from the
//! Linear workspace itself, not from triaged's own records.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;

use super::vendors::Vendors;
use super::world;
use crate::domain::fingerprint::Fingerprint;
use crate::store::{DraftState, Store};

#[derive(Debug, Clone, Serialize)]
pub struct DemoReport {
    /// Simulated time covered.
    pub simulated_from: chrono::DateTime<chrono::Utc>,
    pub simulated_to: chrono::DateTime<chrono::Utc>,
    pub wall_time_ms: u64,
    pub dashboard: String,
    /// Clusters in the store.
    pub clusters: usize,
    /// Titles of the clusters fed by both CloudWatch and Sentry.
    pub merged_across_sources: Vec<String>,
    /// Ticket actions, from triaged's ticket timeline.
    pub tickets: TicketCounts,
    /// Issues in the Linear workspace at the end, the hand-filed one included.
    pub linear_issues: usize,
    pub human_ticket: HumanTicket,
    /// Issues beyond the first for the same cluster, in Linear (must be 0).
    pub duplicate_tickets: usize,
    pub prs_drafted: usize,
    pub prs_merged: usize,
    /// Model calls recorded in the store (the fix draft and the tickets' hypotheses).
    pub agent_runs: usize,
    /// Scripted model answers nobody asked for (0: every scripted answer was used where
    /// the story meant it).
    pub model_answers_unused: usize,
    pub summaries_posted: Posted,
    pub job_runs: Runs,
    pub note: &'static str,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct TicketCounts {
    pub created: usize,
    pub linked: usize,
    pub updated: usize,
    pub reopened: usize,
    pub closed: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct HumanTicket {
    pub identifier: String,
    /// triaged attached its cluster to it instead of opening another ticket.
    pub linked: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Posted {
    pub slack: usize,
    pub teams: usize,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Runs {
    pub succeeded: usize,
    pub failed: usize,
}

pub async fn build(
    store: &Store,
    vendors: &Vendors,
    dashboard: &str,
    wall: Duration,
) -> anyhow::Result<DemoReport> {
    let from = world::start();
    let clusters = store
        .clusters_seen_since(from - chrono::Duration::days(1))
        .await?;
    let merged_across_sources = clusters
        .iter()
        .filter(|c| {
            let keys = &c.stats.source_keys;
            keys.iter().any(|k| k.starts_with("cloudwatch:"))
                && keys.iter().any(|k| k.starts_with("sentry:"))
        })
        .map(|c| format!("[{}] {}", c.identity.service, c.identity.title))
        .collect();
    let mut tickets = TicketCounts::default();
    for event in store
        .ticket_events_since(from - chrono::Duration::days(1))
        .await?
    {
        match event.kind.as_str() {
            "create" => tickets.created += 1,
            "link" => tickets.linked += 1,
            "comment" => tickets.updated += 1,
            "reopen" => tickets.reopened += 1,
            "close" => tickets.closed += 1,
            _ => {}
        }
    }
    let issues = vendors.linear.issues();
    // The cluster each issue is about: the dashboard URL triaged attached to it, resolved
    // to the cluster it belongs to now (a fingerprint may since have merged into another).
    let mut per_cluster: BTreeMap<String, usize> = BTreeMap::new();
    for issue in &issues {
        let mut clusters = std::collections::BTreeSet::new();
        for url in issue.attachments.iter().map(|a| a.url.as_str()) {
            let Some(named) = url.split("/clusters/").nth(1) else {
                continue;
            };
            let canonical = match named.parse::<Fingerprint>() {
                Ok(fp) => store
                    .cluster(fp)
                    .await?
                    .map_or_else(|| named.to_owned(), |c| c.identity.fingerprint.to_string()),
                Err(_) => named.to_owned(),
            };
            clusters.insert(canonical);
        }
        for fingerprint in clusters {
            *per_cluster.entry(fingerprint).or_default() += 1;
        }
    }
    let duplicate_tickets = per_cluster.values().map(|n| n.saturating_sub(1)).sum();
    let human = issues.iter().find(|i| i.identifier == vendors.human_ticket);
    let human_ticket = HumanTicket {
        identifier: vendors.human_ticket.clone(),
        linked: human.is_some_and(|i| i.attachments.iter().any(|a| a.url.contains("/clusters/"))),
    };
    let drafts = store.drafts().await?;
    let pulls = vendors.github.pulls(world::REPO);
    let mut job_runs = Runs::default();
    for run in store.recent_runs(100_000).await? {
        match run.status {
            crate::store::RunStatus::Succeeded => job_runs.succeeded += 1,
            crate::store::RunStatus::Failed => job_runs.failed += 1,
            _ => {}
        }
    }
    Ok(DemoReport {
        simulated_from: from,
        simulated_to: world::end(),
        wall_time_ms: u64::try_from(wall.as_millis()).unwrap_or(u64::MAX),
        dashboard: dashboard.to_owned(),
        clusters: clusters.len(),
        merged_across_sources,
        tickets,
        linear_issues: issues.len(),
        human_ticket,
        duplicate_tickets,
        prs_drafted: drafts
            .iter()
            .filter(|d| d.state == DraftState::Opened)
            .count(),
        prs_merged: pulls.iter().filter(|p| p.merged).count(),
        agent_runs: store
            .agent_runs_since(from - chrono::Duration::days(1))
            .await?
            .len(),
        model_answers_unused: vendors.model.pending(),
        summaries_posted: Posted {
            slack: vendors.slack.posted().len(),
            teams: vendors.teams.posted().len(),
        },
        job_runs,
        note: "every vendor was an emulator on 127.0.0.1; triaged's daemon, store, clients and jobs were real",
    })
}
