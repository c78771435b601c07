//! The score stage: a cluster as the store holds it → `ScoreInput` → `Severity`.
//!
//! `score_input` is pure: the 24 h window and the 7-day hourly baseline end at the hour
//! containing `now`; users come from the cluster's capped set (or a source's own count);
//! breadth counts endpoints and hosts (a cluster belongs to one service); the tier is the
//! highest of the service's and the endpoints' (`TierRules`); "new in the latest release"
//! means the cluster's earliest release is the newest release its service has shown.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use crate::domain::cluster::{HOUR_MS, hour_of};
use crate::domain::fingerprint::Fingerprint;
use crate::domain::score::{ScoreInput, Severity, SeverityPolicy, TierRules};
use crate::store::{ClusterRecord, Store, StoreError};

/// Hours of history handed to scoring: the 7-day baseline plus the current hour.
pub const HISTORY_HOURS: usize = 169;

/// What scoring needs besides the cluster itself.
pub struct ScoreContext<'a> {
    pub policy: &'a SeverityPolicy,
    pub tiers: &'a TierRules,
    /// Service → its newest release (by first appearance).
    pub latest_releases: &'a HashMap<String, String>,
    pub now: DateTime<Utc>,
}

/// Builds the scoring snapshot of `cluster` from its hourly counts `(hour, events)`.
pub fn score_input(
    cluster: &ClusterRecord,
    hourly: &[(DateTime<Utc>, u64)],
    ctx: &ScoreContext<'_>,
) -> ScoreInput {
    let current = hour_of(ctx.now);
    let first = current - (HISTORY_HOURS as i64 - 1) * HOUR_MS;
    let mut dense = vec![0u64; HISTORY_HOURS];
    for (hour, events) in hourly {
        let at = hour_of(*hour);
        if (first..=current).contains(&at) {
            let slot = ((at - first) / HOUR_MS) as usize;
            dense[slot] = dense[slot].saturating_add(*events);
        }
    }
    let events_24h = dense[HISTORY_HOURS - 24..]
        .iter()
        .fold(0u64, |a, b| a.saturating_add(*b));
    let stats = &cluster.stats;
    let id = &cluster.identity;
    let earliest_release = stats
        .releases
        .iter()
        .min_by_key(|r| (r.first_seen, &r.release))
        .map(|r| r.release.as_str());
    let new_in_latest_release = match (
        earliest_release,
        ctx.latest_releases.get(id.service.as_str()),
    ) {
        (Some(ours), Some(latest)) => ours == latest,
        _ => false,
    };
    ScoreInput {
        events_24h,
        hourly_counts: dense,
        users_24h: stats.users_since(ctx.now - Duration::hours(24)),
        endpoints: stats.endpoints.len() as u64,
        services: 1,
        hosts: stats.hosts.len() as u64,
        tier: ctx
            .tiers
            .tier_of(&id.service, stats.endpoints.iter().map(|e| &e.endpoint)),
        worst_level: cluster.worst_level,
        unhandled: cluster.unhandled,
        first_seen: cluster.first_seen,
        new_in_latest_release,
        regressed: cluster.regressed_at.is_some(),
    }
}

/// The newest release of each service among `clusters` (by first appearance).
pub fn latest_releases(clusters: &[ClusterRecord]) -> HashMap<String, String> {
    let mut newest: HashMap<String, (DateTime<Utc>, String)> = HashMap::new();
    for c in clusters {
        for r in &c.stats.releases {
            let entry = newest
                .entry(c.identity.service.as_str().to_owned())
                .or_insert_with(|| (r.first_seen, r.release.clone()));
            if (r.first_seen, &r.release) > (entry.0, &entry.1) {
                *entry = (r.first_seen, r.release.clone());
            }
        }
    }
    newest.into_iter().map(|(s, (_, r))| (s, r)).collect()
}

/// Scores every cluster seen in the last `HISTORY_HOURS` (or only `only`, when given) and
/// records each severity. Returns them, highest score first.
pub async fn score_clusters(
    store: &Store,
    policy: &SeverityPolicy,
    tiers: &TierRules,
    now: DateTime<Utc>,
    only: Option<&[Fingerprint]>,
) -> Result<Vec<(ClusterRecord, Severity)>, StoreError> {
    let scored = assess_clusters(store, policy, tiers, now, only).await?;
    for (cluster, severity) in &scored {
        store
            .save_severity(cluster.identity.fingerprint, severity, now)
            .await?;
    }
    Ok(scored)
}

/// Like `score_clusters`, but writes nothing (for dry runs).
pub async fn assess_clusters(
    store: &Store,
    policy: &SeverityPolicy,
    tiers: &TierRules,
    now: DateTime<Utc>,
    only: Option<&[Fingerprint]>,
) -> Result<Vec<(ClusterRecord, Severity)>, StoreError> {
    let since = now - Duration::hours(HISTORY_HOURS as i64);
    let clusters = store.clusters_seen_since(since).await?;
    let latest = latest_releases(&clusters);
    let ctx = ScoreContext {
        policy,
        tiers,
        latest_releases: &latest,
        now,
    };
    let mut scored = Vec::new();
    for cluster in clusters {
        let fp = cluster.identity.fingerprint;
        if only.is_some_and(|only| !only.contains(&fp)) {
            continue;
        }
        let hourly = store.hourly_counts(fp, since, now).await?;
        let severity = Severity::assess(&score_input(&cluster, &hourly, &ctx), now, ctx.policy);
        scored.push((cluster, severity));
    }
    scored.sort_by(|a, b| b.1.score.total_cmp(&a.1.score));
    Ok(scored)
}

#[cfg(test)]
mod tests;
