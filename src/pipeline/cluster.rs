//! The cluster stage: each event → its cluster (the stack fingerprint, else the mined
//! template of its message), merged across sources, with the run's occurrences
//! aggregated per cluster so the store merges once per cluster, not once per event.
//!
//! Cross-source merge: a stack event whose exact fingerprint is unknown joins an existing
//! cluster with the same service, exception type and top in-app frame (its fingerprint
//! becomes an alias of that cluster); a message without a stack gets the same template
//! id whichever source carried it, so within a service it lands in the same cluster.
//! Titles and samples are redacted here, before anything reaches the store.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::cluster::{TemplateMiner, mask_variables};
use crate::domain::cluster::{
    ClusterDraft, ClusterIdentity, ClusterIndex, ClusterKind, ClusterLimits, Occurrence,
    Resolution, Sample, TITLE_MAX,
};
use crate::domain::event::ErrorEvent;
use crate::domain::fingerprint::{Fingerprint, normalize_exception_type};
use crate::redact::Redactor;

/// Longest sample message kept, in bytes.
pub const SAMPLE_MAX: usize = 2048;

/// One thing a source saw: an event, how many times (Sentry reports hourly counts for
/// an issue; a log line is one event at its timestamp) and what else the source knows.
#[derive(Debug, Clone)]
pub struct Observed {
    pub event: ErrorEvent,
    /// `(hour, events)`; empty means one event at `event.timestamp`.
    pub counts: Vec<(DateTime<Utc>, u64)>,
    /// Distinct users the source itself counted (Sentry's `userCount`).
    pub reported_users: Option<u64>,
    /// The host, task or stream that emitted it, for the breadth dimension.
    pub host: Option<String>,
}

impl Observed {
    /// A single event (a log line).
    pub fn one(event: ErrorEvent, host: Option<String>) -> Observed {
        Observed {
            event,
            counts: Vec::new(),
            reported_users: None,
            host,
        }
    }
}

/// What one run's clustering produced.
#[derive(Debug, Default)]
pub struct ClusterBatch {
    pub drafts: BTreeMap<Fingerprint, ClusterDraft>,
    /// `(alias, cluster)` pairs made by cross-source merges this run.
    pub aliases: Vec<(Fingerprint, Fingerprint)>,
    pub new_clusters: usize,
    pub events: u64,
}

/// Assigns events to clusters; holds the template miner and the cluster index for a run.
pub struct Clusterer<'a> {
    pub miner: TemplateMiner,
    pub index: ClusterIndex,
    redactor: &'a Redactor,
    limits: &'a ClusterLimits,
    batch: ClusterBatch,
}

impl<'a> Clusterer<'a> {
    pub fn new(
        miner: TemplateMiner,
        index: ClusterIndex,
        redactor: &'a Redactor,
        limits: &'a ClusterLimits,
    ) -> Self {
        Clusterer {
            miner,
            index,
            redactor,
            limits,
            batch: ClusterBatch::default(),
        }
    }

    /// Adds one observation; returns the cluster it counted towards (`None` when it
    /// carried no events, e.g. a Sentry issue whose counts did not change).
    pub fn add(&mut self, observed: &Observed) -> Option<Fingerprint> {
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

    /// The batch so far (drafts, aliases, counts); the miner and index stay for reuse.
    pub fn take_batch(&mut self) -> ClusterBatch {
        std::mem::take(&mut self.batch)
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
            message: truncate_bytes(&self.redactor.redact(&event.message), SAMPLE_MAX),
            frames: event.frames.clone(),
            release: event.release.clone(),
            link: event
                .link
                .as_deref()
                .map(|l| self.redactor.redact(l).into_owned()),
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
