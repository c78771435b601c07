//! The cluster stage: each event → its cluster (the stack fingerprint, else the mined
//! template of its message), merged across sources, with the run's occurrences
//! aggregated per cluster so the store merges once per cluster, not once per event.
//!
//! Cross-source merge: a stack event whose exact fingerprint is unknown joins an existing
//! cluster with the same service, exception type and top in-app frame (its fingerprint
//! becomes an alias of that cluster); a message without a stack gets the same template
//! id whichever source carried it, so within a service it lands in the same cluster.
//! Every event is redacted here first (`Redactor::observed`), before it is masked, mined,
//! fingerprinted or sampled; titles and templates, derived text, are redacted again.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::domain::cluster::{
    ClusterDraft, ClusterIdentity, ClusterIndex, ClusterKind, ClusterLimits, Occurrence,
    Resolution, Sample, TITLE_MAX,
};
use crate::domain::event::ErrorEvent;
pub use crate::domain::event::Observed;
use crate::domain::fingerprint::{Fingerprint, normalize_exception_type};
use crate::mining::{TemplateMiner, mask_variables};
use crate::redact::Redactor;

/// Longest sample message kept, in bytes.
pub const SAMPLE_MAX: usize = 2048;

/// What one run's clustering produced.
#[derive(Debug, Default)]
pub struct ClusterBatch {
    pub drafts: BTreeMap<Fingerprint, ClusterDraft>,
    /// `(alias, cluster)` pairs made by cross-source merges this run.
    pub aliases: Vec<(Fingerprint, Fingerprint)>,
    pub new_clusters: usize,
    pub events: u64,
}

impl ClusterBatch {
    /// Adds `other` (a later part of the same run) to this batch.
    pub fn merge(&mut self, other: ClusterBatch, limits: &ClusterLimits) {
        for (fp, draft) in other.drafts {
            match self.drafts.entry(fp) {
                std::collections::btree_map::Entry::Vacant(v) => {
                    v.insert(draft);
                }
                std::collections::btree_map::Entry::Occupied(mut o) => {
                    o.get_mut().merge(draft, limits);
                }
            }
        }
        self.aliases.extend(other.aliases);
        self.new_clusters += other.new_clusters;
        self.events = self.events.saturating_add(other.events);
    }
}

/// Assigns events to clusters; holds the template miner and the cluster index for a run.
pub struct Clusterer<'a> {
    pub miner: TemplateMiner,
    pub index: ClusterIndex,
    redactor: &'a Redactor,
    limits: &'a ClusterLimits,
    /// Everything since the last `commit` (one source's read).
    batch: ClusterBatch,
    committed: ClusterBatch,
    /// The index as of the last commit, restored by `rollback` so clusters and merges
    /// seen only in a dropped read are new again (and recorded) when read again.
    committed_index: ClusterIndex,
}

impl<'a> Clusterer<'a> {
    pub fn new(
        miner: TemplateMiner,
        index: ClusterIndex,
        redactor: &'a Redactor,
        limits: &'a ClusterLimits,
    ) -> Self {
        let committed_index = index.clone();
        Clusterer {
            miner,
            index,
            redactor,
            limits,
            batch: ClusterBatch::default(),
            committed: ClusterBatch::default(),
            committed_index,
        }
    }

    /// Keeps what was added since the last commit (a source finished its read).
    pub fn commit(&mut self) {
        let pending = std::mem::take(&mut self.batch);
        self.committed.merge(pending, self.limits);
        self.committed_index = self.index.clone();
    }

    /// Forgets what was added since the last commit (a source failed part-way: its cursor
    /// does not move, so those events will be read again).
    pub fn rollback(&mut self) -> u64 {
        self.index = self.committed_index.clone();
        std::mem::take(&mut self.batch).events
    }

    /// Adds one observation; returns the cluster it counted towards (`None` when it
    /// carried no events, e.g. a Sentry issue whose counts did not change).
    pub fn add(&mut self, observed: &Observed) -> Option<Fingerprint> {
        // The choke point: nothing below (masking, mining, fingerprints, samples) sees a
        // production string before the redactor did.
        let redacted = self.redactor.observed(observed);
        let observed = redacted.as_ref().unwrap_or(observed);
        let counts: Vec<(DateTime<Utc>, u64)> = if observed.counts.is_empty() {
            vec![(observed.event.timestamp, 1)]
        } else {
            observed
                .counts
                .iter()
                .copied()
                .filter(|c| c.1 > 0)
                .collect()
        };
        if counts.is_empty() {
            return None;
        }
        let identity = self.identify(&observed.event);
        let resolution = self
            .index
            .resolve(identity.fingerprint, identity.merge_key.as_deref());
        match resolution {
            Resolution::New(_) => self.batch.new_clusters += 1,
            Resolution::Merged { alias, into } => self.batch.aliases.push((alias, into)),
            Resolution::Existing(_) => {}
        }
        let fingerprint = resolution.cluster();
        let identity = ClusterIdentity {
            fingerprint,
            ..identity
        };
        let latest = counts
            .iter()
            .map(|c| c.0)
            .max()
            .unwrap_or(observed.event.timestamp);
        for (at, events) in counts {
            let o = self.occurrence(observed, at, events, at == latest);
            let draft = self
                .batch
                .drafts
                .entry(fingerprint)
                .or_insert_with(|| ClusterDraft::new(identity.clone(), &o));
            draft.record(&o, self.limits);
            self.batch.events = self.batch.events.saturating_add(events);
        }
        Some(fingerprint)
    }

    /// Commits, then hands over everything committed (drafts, aliases, counts); the miner
    /// and index stay for reuse.
    pub fn take_batch(&mut self) -> ClusterBatch {
        self.commit();
        std::mem::take(&mut self.committed)
    }

    fn identify(&mut self, event: &ErrorEvent) -> ClusterIdentity {
        let first_line = event.message.lines().next().unwrap_or_default();
        let stack = Fingerprint::from_stack(
            &event.service,
            event.exception_type.as_deref(),
            &event.frames,
        );
        let (fingerprint, kind, template, merge_key) = match stack {
            Some(fp) => (
                fp,
                ClusterKind::Stack,
                mask_variables(first_line),
                Fingerprint::merge_key(
                    &event.service,
                    event.exception_type.as_deref(),
                    &event.frames,
                ),
            ),
            None => {
                let seen = self.miner.observe(&event.message);
                let fp = Fingerprint::from_template(&event.service, &seen.id.to_string());
                (fp, ClusterKind::Template, seen.template.to_owned(), None)
            }
        };
        let exception_type = event
            .exception_type
            .as_deref()
            .map(normalize_exception_type)
            .filter(|e| !e.is_empty());
        let title = self.title(exception_type.as_deref(), &template);
        ClusterIdentity {
            fingerprint,
            service: event.service.clone(),
            kind,
            exception_type,
            merge_key,
            title,
            template: self.redactor.redact(&template).into_owned(),
        }
    }

    /// `Exception: masked message`, redacted and cut to `TITLE_MAX` characters.
    fn title(&self, exception_type: Option<&str>, template: &str) -> String {
        let template = template.trim();
        let raw = match exception_type {
            Some(exc) if !template.starts_with(exc) && !template.is_empty() => {
                format!("{exc}: {template}")
            }
            Some(exc) if template.is_empty() => exc.to_owned(),
            _ if template.is_empty() => "(empty message)".to_owned(),
            _ => template.to_owned(),
        };
        truncate_chars(&self.redactor.redact(&raw), TITLE_MAX)
    }

    fn occurrence(
        &self,
        observed: &Observed,
        at: DateTime<Utc>,
        events: u64,
        latest: bool,
    ) -> Occurrence {
        let event = &observed.event;
        let source_key = event.source.merge_key();
        // Per-event details ride on the latest bucket only (they describe that event).
        let sample = latest.then(|| Sample {
            at: event.timestamp,
            source_key: source_key.clone(),
            message: truncate_bytes(&event.message, SAMPLE_MAX),
            frames: event.frames.clone(),
            release: event.release.clone(),
            link: event.link.clone(),
        });
        Occurrence {
            at,
            events,
            level: event.level,
            unhandled: event.is_unhandled(),
            user: event.user.clone().filter(|_| latest),
            reported_users: observed.reported_users.filter(|_| latest),
            endpoint: event.endpoint.clone().filter(|_| latest),
            release: event.release.clone(),
            host: observed.host.clone(),
            source_key,
            sample,
        }
    }
}

fn truncate_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.to_owned(),
    }
}

fn truncate_bytes(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut cut = max;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}…", &s[..cut])
}

#[cfg(test)]
mod tests;
