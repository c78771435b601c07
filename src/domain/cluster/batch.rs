//! `ClusterDraft` (what one run saw of one cluster, aggregated in memory) and
//! `ClusterIndex` (which clusters exist, by fingerprint, merge key and alias).

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};

use super::{ClusterIdentity, ClusterLimits, ClusterStats, Occurrence};
use crate::domain::event::LogLevel;
use crate::domain::fingerprint::Fingerprint;

/// One hour in epoch milliseconds: the bucket of hourly counts.
pub const HOUR_MS: i64 = 3_600_000;

/// The start of the hour containing `at`, in epoch milliseconds.
pub fn hour_of(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis().div_euclid(HOUR_MS) * HOUR_MS
}

/// A cluster as one batch of occurrences describes it; the store merges it into what it
/// already holds (counts add, bounded collections merge, first/last seen widen).
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterDraft {
    pub identity: ClusterIdentity,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub events: u64,
    pub worst_level: LogLevel,
    pub unhandled: bool,
    /// Hour start (epoch ms) → events in it.
    pub hours: BTreeMap<i64, u64>,
    pub stats: ClusterStats,
}

impl ClusterDraft {
    pub fn new(identity: ClusterIdentity, first: &Occurrence) -> ClusterDraft {
        ClusterDraft {
            identity,
            first_seen: first.at,
            last_seen: first.at,
            events: 0,
            worst_level: first.level,
            unhandled: false,
            hours: BTreeMap::new(),
            stats: ClusterStats::default(),
        }
    }

    /// Adds one occurrence (its `events` land in the hour of `at`).
    pub fn record(&mut self, o: &Occurrence, limits: &ClusterLimits) {
        self.first_seen = self.first_seen.min(o.at);
        self.last_seen = self.last_seen.max(o.at);
        self.events = self.events.saturating_add(o.events);
        self.worst_level = self.worst_level.max(o.level);
        self.unhandled |= o.unhandled;
        let hour = self.hours.entry(hour_of(o.at)).or_default();
        *hour = hour.saturating_add(o.events);
        self.stats.record(o, limits);
    }

    /// Adds another draft of the same cluster (a later part of the same run).
    pub fn merge(&mut self, other: ClusterDraft, limits: &ClusterLimits) {
        self.first_seen = self.first_seen.min(other.first_seen);
        self.last_seen = self.last_seen.max(other.last_seen);
        self.events = self.events.saturating_add(other.events);
        self.worst_level = self.worst_level.max(other.worst_level);
        self.unhandled |= other.unhandled;
        for (hour, n) in other.hours {
            let slot = self.hours.entry(hour).or_default();
            *slot = slot.saturating_add(n);
        }
        // The later draft's title and template reflect the template as it is now.
        self.identity.title = other.identity.title;
        self.identity.template = other.identity.template;
        self.stats.merge(other.stats, limits);
    }
}

/// Every known cluster, so a run can tell an existing cluster from a new one and merge an
/// error seen in a second source into the cluster the first source made.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClusterIndex {
    known: HashSet<Fingerprint>,
    by_merge_key: HashMap<String, Fingerprint>,
    aliases: HashMap<Fingerprint, Fingerprint>,
}

/// Where `ClusterIndex::resolve` placed an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// A cluster with exactly this fingerprint (or an alias of it) exists.
    Existing(Fingerprint),
    /// A different fingerprint, same service + exception type + top in-app frame:
    /// the event joins that cluster and its own fingerprint becomes an alias.
    Merged {
        alias: Fingerprint,
        into: Fingerprint,
    },
    /// A new cluster.
    New(Fingerprint),
}

impl Resolution {
    /// The cluster the event counts towards.
    pub fn cluster(self) -> Fingerprint {
        match self {
            Resolution::Existing(fp) | Resolution::New(fp) => fp,
            Resolution::Merged { into, .. } => into,
        }
    }
}

impl ClusterIndex {
    /// Registers an existing cluster (from the store).
    pub fn insert(&mut self, fingerprint: Fingerprint, merge_key: Option<String>) {
        self.known.insert(fingerprint);
        if let Some(key) = merge_key {
            self.by_merge_key.entry(key).or_insert(fingerprint);
        }
    }

    /// Registers an alias (from the store, or a merge made this run).
    pub fn alias(&mut self, alias: Fingerprint, into: Fingerprint) {
        if alias != into {
            self.aliases.insert(alias, into);
        }
    }

    pub fn len(&self) -> usize {
        self.known.len()
    }

    pub fn is_empty(&self) -> bool {
        self.known.is_empty()
    }

    /// Finds the cluster for `fingerprint` (with `merge_key` for stack clusters),
    /// registering a new cluster or alias so later events of the run agree.
    pub fn resolve(&mut self, fingerprint: Fingerprint, merge_key: Option<&str>) -> Resolution {
        if let Some(&into) = self.aliases.get(&fingerprint) {
            return Resolution::Existing(into);
        }
        if self.known.contains(&fingerprint) {
            return Resolution::Existing(fingerprint);
        }
        if let Some(&into) = merge_key.and_then(|k| self.by_merge_key.get(k)) {
            self.alias(fingerprint, into);
            return Resolution::Merged {
                alias: fingerprint,
                into,
            };
        }
        self.insert(fingerprint, merge_key.map(str::to_owned));
        Resolution::New(fingerprint)
    }
}
