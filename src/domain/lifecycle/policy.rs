//! `TriagePolicy` and `VerifyPolicy`: the thresholds of the ticket lifecycle
//! (`[triage]` and `[verify]` in config).

use serde::{Deserialize, Serialize};

/// When to open, link, update and reopen tickets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TriagePolicy {
    /// A cluster needs at least this score …
    pub min_score: f64,
    /// … and at least this many events in 24 h for a ticket.
    pub min_events: u64,
    /// Tickets created per run at most (the highest scores first; the rest wait a run).
    pub max_new_tickets: usize,
    /// A cluster at or above this score is triaged at ingest, not at the next triage run.
    pub immediate_score: f64,
    /// An open ticket whose title is at least this similar (0–1, Jaro–Winkler on
    /// normalized titles) to the cluster's is linked instead of creating a new one.
    pub link_title_similarity: f64,
    /// Open tickets scanned for a close title.
    pub link_scan_limit: usize,
    /// An open ticket gets a comment when 24 h volume reaches this multiple of what the
    /// last post said (or a new release or endpoint shows up, or the level rises).
    pub volume_factor: f64,
    /// Events after a close (from releases at or after the fix) that reopen it.
    pub reopen_min_events: u64,
    /// Reopens after which the ticket is labelled flapping and no longer auto-closed.
    pub max_reopens: u32,
    /// A ticket a human canceled or labelled `ignore_label` is reopened only at or above
    /// this score.
    pub escalation_score: f64,
    /// Labels on every ticket triaged creates.
    pub labels: Vec<String>,
    /// The label that tells triaged to leave a ticket alone.
    pub ignore_label: String,
    /// The label put on a flapping ticket.
    pub flapping_label: String,
}

impl Default for TriagePolicy {
    fn default() -> Self {
        TriagePolicy {
            min_score: 35.0,
            min_events: 10,
            max_new_tickets: 10,
            immediate_score: 85.0,
            link_title_similarity: 0.9,
            link_scan_limit: 250,
            volume_factor: 3.0,
            reopen_min_events: 5,
            max_reopens: 3,
            escalation_score: 80.0,
            labels: vec!["triaged".into()],
            ignore_label: "triaged:ignore".into(),
            flapping_label: "triaged:flapping".into(),
        }
    }
}

impl TriagePolicy {
    /// Problems by key, for config validation.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        for (key, score) in [
            ("min_score", self.min_score),
            ("immediate_score", self.immediate_score),
            ("escalation_score", self.escalation_score),
        ] {
            if !(0.0..=100.0).contains(&score) {
                out.push((key, format!("must be between 0 and 100, got {score}")));
            }
        }
        if !(0.5..=1.0).contains(&self.link_title_similarity) {
            out.push((
                "link_title_similarity",
                format!(
                    "must be between 0.5 and 1, got {}",
                    self.link_title_similarity
                ),
            ));
        }
        if self.volume_factor < 1.0 || self.volume_factor.is_nan() {
            out.push((
                "volume_factor",
                format!("must be at least 1, got {}", self.volume_factor),
            ));
        }
        if self.reopen_min_events == 0 {
            out.push(("reopen_min_events", "must be at least 1".into()));
        }
        if self.ignore_label.trim().is_empty() {
            out.push(("ignore_label", "must not be empty".into()));
        }
        if self.flapping_label.trim().is_empty() {
            out.push(("flapping_label", "must not be empty".into()));
        }
        out
    }
}

/// When the verify job closes a ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VerifyPolicy {
    /// Hours without an occurrence after a fix was merged, while the service still logs.
    pub quiet_hours: u32,
    /// The service must log at least this many other events during the quiet window (so
    /// silence means fixed, not down or unread).
    pub min_service_events: u64,
    /// Days without any occurrence after which an open ticket is closed as stale.
    pub stale_days: u32,
}

impl Default for VerifyPolicy {
    fn default() -> Self {
        VerifyPolicy {
            quiet_hours: 24,
            min_service_events: 1,
            stale_days: 14,
        }
    }
}

impl VerifyPolicy {
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if self.quiet_hours == 0 {
            out.push(("quiet_hours", "must be at least 1".into()));
        }
        if self.stale_days == 0 {
            out.push(("stale_days", "must be at least 1".into()));
        }
        out
    }
}
