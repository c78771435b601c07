//! The ticket lifecycle as pure decisions: what triaged remembers about each
//! cluster's ticket (`TicketRecord`), what it knows about the cluster now (`ClusterFacts`),
//! and the `Action`s `reconcile` (triage) and `verify` (auto-close, regression) return.
//!
//! Every action carries the evidence that justifies it and the record as it must be once
//! the action has landed in the tracker, so `act` only executes and stores; the decisions
//! all live here and can be printed by `--dry-run` without touching anything.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::cluster::{EndpointSeen, HOUR_MS, ReleaseSeen, Sample, hour_of};
use super::fingerprint::Fingerprint;
use super::score::{Level, Severity};
use super::ticket::{NewTicket, Ticket, TicketLink, TicketPhase};

mod content;
mod first_ticket;
mod fix_release;
mod human;
mod ids;
mod policy;
mod reconcile;
mod regression;
mod title_match;
mod verify;

pub use content::{TicketLinks, fingerprint_line, ticket_content, ticket_title, truncate};
pub use fix_release::{
    FixRelease, RELEASE_PLACEHOLDER, RefAnswer, first_release_with_fix, release_ref, releases_since,
};
pub use ids::stable_uuid;
pub use policy::{TriagePolicy, VerifyPolicy};
pub use reconcile::{Lookup, MatchedBy, reconcile, worth_a_ticket};
pub use regression::events_after_close;
pub use verify::{Traffic, verify};

/// What triaged knows about a cluster when it decides.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterFacts {
    pub fingerprint: Fingerprint,
    pub service: String,
    pub title: String,
    pub exception_type: Option<String>,
    pub severity: Severity,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub events_24h: u64,
    pub events_7d: u64,
    pub users_24h: u64,
    pub endpoints: Vec<EndpointSeen>,
    pub releases: Vec<ReleaseSeen>,
    pub samples: Vec<Sample>,
    pub source_keys: Vec<String>,
    /// Hourly counts `(hour start ms, events)` since the oldest close still relevant.
    pub hours: Vec<(i64, u64)>,
}

impl ClusterFacts {
    /// Events in the hour starting at `hour` (epoch ms).
    pub fn events_in_hour(&self, hour: i64) -> u64 {
        self.hours
            .iter()
            .find(|(h, _)| *h == hour)
            .map_or(0, |(_, n)| *n)
    }

    /// Events in hours that start after the hour containing `at`.
    pub fn events_in_hours_after(&self, at: DateTime<Utc>) -> u64 {
        let hour = hour_of(at);
        self.hours
            .iter()
            .filter(|(h, _)| *h >= hour + HOUR_MS)
            .map(|(_, n)| *n)
            .sum()
    }

    fn release_events(&self) -> BTreeMap<String, u64> {
        self.releases
            .iter()
            .map(|r| (r.release.clone(), r.events))
            .collect()
    }

    /// Endpoint names, busiest first.
    pub fn endpoint_names(&self) -> Vec<String> {
        self.endpoints
            .iter()
            .map(|e| e.endpoint.to_string())
            .collect()
    }
}

/// How a ticket came to belong to a cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// triaged created it.
    Created,
    /// An existing ticket (a human's, or one triaged made before its records were lost).
    Linked(MatchedBy),
}

/// What the last ticket or comment triaged posted said, to tell a material change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Posted {
    pub at: DateTime<Utc>,
    pub events_24h: u64,
    pub level: Level,
    pub endpoints: Vec<String>,
    pub releases: Vec<String>,
}

/// Who moved a ticket to done or canceled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Closer {
    Triaged,
    Human,
}

/// A close (or cancel), with the counts at that moment so only later events count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    pub at: DateTime<Utc>,
    pub by: Closer,
    pub phase: TicketPhase,
    /// Events already counted in the hour of the close.
    pub close_hour_events: u64,
    /// Events per release at the close.
    pub release_events: BTreeMap<String, u64>,
}

impl Closure {
    pub fn now(facts: &ClusterFacts, by: Closer, phase: TicketPhase, at: DateTime<Utc>) -> Self {
        Closure {
            at,
            by,
            phase,
            close_hour_events: facts.events_in_hour(hour_of(at)),
            release_events: facts.release_events(),
        }
    }
}

/// A fix merged for the cluster (a PR, recorded by the forge check or a human).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    /// e.g. `acme/shop#42` or a commit sha.
    pub reference: String,
    pub merged_at: DateTime<Utc>,
    /// The first release that contains the fix, when known.
    pub release: Option<String>,
}

/// The link between a cluster and its ticket, as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketRecord {
    pub ticket_id: String,
    /// `ENG-12`; empty until a create has landed.
    pub key: String,
    pub url: String,
    pub origin: Origin,
    /// The phase the ticket had when triaged last looked or acted.
    pub phase: TicketPhase,
    pub labels: Vec<String>,
    pub posted: Posted,
    /// Comments triaged has posted on it (numbers the next comment's id).
    pub comments: u32,
    pub closure: Option<Closure>,
    pub fix: Option<Fix>,
    pub reopens: u32,
    /// Reopened `max_reopens` times: labelled, and no longer auto-closed.
    pub flapping: bool,
    /// A human reopened the ticket after this fix: not auto-closed again for it.
    pub human_reopened_after_fix: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Why triaged closes a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CloseReason {
    /// A fix was merged and the error stayed away for the quiet window with traffic.
    FixQuiet,
    /// No occurrence at all for `stale_days`.
    Stale,
}

/// One thing to do in the tracker (or only in the store, for `Observe`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ActionKind {
    Create {
        ticket: NewTicket,
    },
    /// Adopt an existing ticket (attach the cluster link, then comment).
    Link {
        ticket: Ticket,
        link: TicketLink,
        matched_by: MatchedBy,
        comment_id: String,
        /// A note for a human-written ticket; none for triaged's own ticket found again.
        body: Option<String>,
    },
    Comment {
        ticket_id: String,
        comment_id: String,
        body: String,
        /// Raise the priority as well (1 = urgent).
        priority: Option<u8>,
    },
    Reopen {
        ticket_id: String,
        comment_id: String,
        body: String,
    },
    Close {
        ticket_id: String,
        comment_id: String,
        body: String,
        reason: CloseReason,
    },
    Label {
        ticket_id: String,
        label: String,
    },
    /// A human changed the ticket: remember it, touch nothing.
    Observe,
}

impl ActionKind {
    pub fn name(&self) -> &'static str {
        match self {
            ActionKind::Create { .. } => "create",
            ActionKind::Link { .. } => "link",
            ActionKind::Comment { .. } => "comment",
            ActionKind::Reopen { .. } => "reopen",
            ActionKind::Close { .. } => "close",
            ActionKind::Label { .. } => "label",
            ActionKind::Observe => "observe",
        }
    }
}

/// A decision: what to do, why, and the record once it is done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Action {
    pub fingerprint: Fingerprint,
    /// The cluster's title, for people reading a plan.
    pub title: String,
    /// `ENG-12`, or empty for a ticket not created yet.
    pub ticket_key: String,
    #[serde(flatten)]
    pub kind: ActionKind,
    /// Why, in one line a human can check.
    pub evidence: String,
    /// The store's record after the action has landed.
    pub record_after: TicketRecord,
}

impl Action {
    /// The id of the intent that carries this action: the tracker id of what it creates
    /// (ticket or comment), so a replay after a crash finds what already landed.
    pub fn intent_id(&self) -> String {
        match &self.kind {
            ActionKind::Create { ticket } => ticket.id.clone(),
            ActionKind::Link { ticket, .. } => stable_uuid(&["link", &ticket.id]),
            ActionKind::Comment { comment_id, .. }
            | ActionKind::Reopen { comment_id, .. }
            | ActionKind::Close { comment_id, .. } => comment_id.clone(),
            ActionKind::Label { ticket_id, label } => stable_uuid(&[
                "label",
                ticket_id,
                label,
                &self.record_after.reopens.to_string(),
            ]),
            ActionKind::Observe => stable_uuid(&[
                "observe",
                &self.fingerprint.to_string(),
                self.record_after.phase.as_str(),
            ]),
        }
    }
}

#[cfg(test)]
mod tests;
