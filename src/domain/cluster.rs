//! `Cluster`: what triaged keeps about one error, bounded however much traffic it sees —
//! counts, first/last seen, distinct users (a capped set), top endpoints, releases, hosts,
//! the source keys it merged and a few (already redacted) samples.
//!
//! Raw events are never kept. Every collection here has a cap (`ClusterLimits`), and
//! `ClusterStats::merge` is how both one occurrence and a whole batch fold into a cluster,
//! so an ingest run can aggregate in memory and the store merges once per cluster.
//!
//! Distinct users are a capped set of user hashes with their last-seen time: when it is
//! full the least recently seen user is evicted, so `users_since` is exact up to the cap
//! and a lower bound beyond it (`users_capped` says so). Sentry reports its own user count
//! per issue; the largest such count is kept too, and the users dimension takes the larger.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::event::{Endpoint, LogLevel, Service, StackFrame, UserHash};
use super::fingerprint::Fingerprint;

mod batch;

pub use batch::{ClusterDraft, ClusterIndex, HOUR_MS, Resolution, hour_of};

/// Caps on what one cluster keeps (`[clusters]` in config).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClusterLimits {
    pub max_users: usize,
    pub max_endpoints: usize,
    pub max_releases: usize,
    pub max_hosts: usize,
    pub max_source_keys: usize,
    pub max_samples: usize,
}

impl Default for ClusterLimits {
    fn default() -> Self {
        ClusterLimits {
            max_users: 1000,
            max_endpoints: 20,
            max_releases: 50,
            max_hosts: 100,
            max_source_keys: 100,
            max_samples: 5,
        }
    }
}

/// How the cluster's fingerprint was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClusterKind {
    /// Service + exception type + top in-app frames.
    Stack,
    /// Service + mined message template.
    Template,
}

impl ClusterKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ClusterKind::Stack => "stack",
            ClusterKind::Template => "template",
        }
    }
}

/// What identifies a cluster; fixed when it is first seen (the title and template may be
/// refreshed as the template generalises).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterIdentity {
    pub fingerprint: Fingerprint,
    pub service: Service,
    pub kind: ClusterKind,
    pub exception_type: Option<String>,
    /// Stack clusters: service + exception type + top in-app frame, the key on which an
    /// error seen in two sources with slightly different stacks still merges.
    pub merge_key: Option<String>,
    /// Redacted, variables masked, at most `TITLE_MAX` characters.
    pub title: String,
    /// The masked message template.
    pub template: String,
}

/// Longest title kept (Linear and chat headers truncate around here anyway).
pub const TITLE_MAX: usize = 120;

/// One redacted example occurrence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    pub at: DateTime<Utc>,
    pub source_key: String,
    /// Redacted before it got here; bounded.
    pub message: String,
    /// Innermost first, at most `SAMPLE_FRAMES`.
    pub frames: Vec<StackFrame>,
    pub release: Option<String>,
    pub link: Option<String>,
}

/// Frames kept with a sample.
pub const SAMPLE_FRAMES: usize = 12;

/// A release in which the cluster occurred.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseSeen {
    pub release: String,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub events: u64,
}

/// An endpoint the cluster occurred on, with its event count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointSeen {
    pub endpoint: Endpoint,
    pub events: u64,
    pub last_seen: DateTime<Utc>,
}

/// The bounded collections of a cluster (stored as one JSON document).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClusterStats {
    /// User hash → last seen.
    pub users: BTreeMap<UserHash, DateTime<Utc>>,
    /// Some user was evicted from `users` because the set was full.
    pub users_capped: bool,
    /// The largest per-issue user count a source reported (Sentry's `userCount`).
    pub reported_users: u64,
    pub endpoints: Vec<EndpointSeen>,
    pub releases: Vec<ReleaseSeen>,
    pub hosts: BTreeSet<String>,
    pub source_keys: BTreeSet<String>,
    /// Oldest first.
    pub samples: Vec<Sample>,
}

/// One occurrence (or, from Sentry's hourly stats, `events` of them) to fold in.
#[derive(Debug, Clone, PartialEq)]
pub struct Occurrence {
    pub at: DateTime<Utc>,
    pub events: u64,
    pub level: LogLevel,
    pub unhandled: bool,
    pub user: Option<UserHash>,
    pub reported_users: Option<u64>,
    pub endpoint: Option<Endpoint>,
    pub release: Option<String>,
    pub host: Option<String>,
    pub source_key: String,
    pub sample: Option<Sample>,
}

impl ClusterStats {
    /// Folds one occurrence in.
    pub fn record(&mut self, o: &Occurrence, limits: &ClusterLimits) {
        if let Some(user) = &o.user {
            self.see_user(user.clone(), o.at, limits);
        }
        if let Some(n) = o.reported_users {
            self.reported_users = self.reported_users.max(n);
        }
        if let Some(endpoint) = &o.endpoint {
            self.see_endpoint(endpoint.clone(), o.events, o.at, limits);
        }
        if let Some(release) = &o.release {
            self.see_release(release, o.events, o.at, o.at, limits);
        }
        if let Some(host) = &o.host {
            insert_capped(&mut self.hosts, host.clone(), limits.max_hosts);
        }
        insert_capped(
            &mut self.source_keys,
            o.source_key.clone(),
            limits.max_source_keys,
        );
        if let Some(sample) = &o.sample {
            self.keep_sample(sample.clone(), limits);
        }
    }

    /// Folds another cluster's stats (a batch, or a merged cluster) into this one.
    pub fn merge(&mut self, other: ClusterStats, limits: &ClusterLimits) {
        for (user, at) in other.users {
            self.see_user(user, at, limits);
        }
        self.users_capped |= other.users_capped;
        self.reported_users = self.reported_users.max(other.reported_users);
        for e in other.endpoints {
            self.see_endpoint(e.endpoint, e.events, e.last_seen, limits);
        }
        for r in other.releases {
            self.see_release(&r.release, r.events, r.first_seen, r.last_seen, limits);
        }
        for host in other.hosts {
            insert_capped(&mut self.hosts, host, limits.max_hosts);
        }
        for key in other.source_keys {
            insert_capped(&mut self.source_keys, key, limits.max_source_keys);
        }
        for sample in other.samples {
            self.keep_sample(sample, limits);
        }
    }

    /// Distinct users seen at or after `since` (a lower bound once `users_capped`), or
    /// the source-reported count when that is larger.
    pub fn users_since(&self, since: DateTime<Utc>) -> u64 {
        let seen = self.users.values().filter(|at| **at >= since).count() as u64;
        seen.max(self.reported_users)
    }

    /// The release first seen last (by first-seen time), if any.
    pub fn newest_release(&self) -> Option<&ReleaseSeen> {
        self.releases
            .iter()
            .max_by_key(|r| (r.first_seen, &r.release))
    }

    fn see_user(&mut self, user: UserHash, at: DateTime<Utc>, limits: &ClusterLimits) {
        let last = self.users.entry(user).or_insert(at);
        *last = (*last).max(at);
        while self.users.len() > limits.max_users {
            let stalest = self
                .users
                .iter()
                .min_by_key(|(hash, at)| (**at, (*hash).clone()))
                .map(|(hash, _)| hash.clone());
            match stalest {
                Some(hash) => {
                    self.users.remove(&hash);
                    self.users_capped = true;
                }
                None => break,
            }
        }
    }

    fn see_endpoint(
        &mut self,
        endpoint: Endpoint,
        events: u64,
        at: DateTime<Utc>,
        limits: &ClusterLimits,
    ) {
        match self.endpoints.iter_mut().find(|e| e.endpoint == endpoint) {
            Some(e) => {
                e.events = e.events.saturating_add(events);
                e.last_seen = e.last_seen.max(at);
            }
            None => self.endpoints.push(EndpointSeen {
                endpoint,
                events,
                last_seen: at,
            }),
        }
        // Busiest first; beyond the cap the quietest (then stalest) endpoint goes.
        self.endpoints.sort_by(|a, b| {
            (b.events, b.last_seen, &a.endpoint).cmp(&(a.events, a.last_seen, &b.endpoint))
        });
        self.endpoints.truncate(limits.max_endpoints);
    }

    fn see_release(
        &mut self,
        release: &str,
        events: u64,
        first: DateTime<Utc>,
        last: DateTime<Utc>,
        limits: &ClusterLimits,
    ) {
        match self.releases.iter_mut().find(|r| r.release == release) {
            Some(r) => {
                r.events = r.events.saturating_add(events);
                r.first_seen = r.first_seen.min(first);
                r.last_seen = r.last_seen.max(last);
            }
            None => self.releases.push(ReleaseSeen {
                release: release.to_owned(),
                first_seen: first,
                last_seen: last,
                events,
            }),
        }
        // Newest first; beyond the cap the release seen least recently goes.
        self.releases
            .sort_by(|a, b| (b.last_seen, &b.release).cmp(&(a.last_seen, &a.release)));
        self.releases.truncate(limits.max_releases);
    }

    /// Keeps the first sample ever seen (how it started) and the latest ones, one per
    /// distinct message.
    fn keep_sample(&mut self, mut sample: Sample, limits: &ClusterLimits) {
        if limits.max_samples == 0 {
            return;
        }
        sample.frames.truncate(SAMPLE_FRAMES);
        if let Some(same) = self
            .samples
            .iter()
            .position(|s| s.message == sample.message)
        {
            if same == 0 && self.samples.len() > 1 {
                return; // the first sample stays put
            }
            self.samples.remove(same);
        }
        self.samples.push(sample);
        self.samples.sort_by_key(|s| s.at);
        while self.samples.len() > limits.max_samples {
            // Drop the oldest after the first.
            let drop_at = if self.samples.len() > 1 { 1 } else { 0 };
            self.samples.remove(drop_at);
        }
    }
}

fn insert_capped(set: &mut BTreeSet<String>, value: String, cap: usize) {
    if set.len() < cap || set.contains(&value) {
        set.insert(value);
    }
}

#[cfg(test)]
mod tests;
