//! `Observed`: one thing a source saw — an event and how many times it happened.

use chrono::{DateTime, Utc};

use super::ErrorEvent;

/// One thing a source saw: an event, how many times (Sentry reports hourly counts for
/// an issue; a log line is one event at its timestamp) and what else the source knows.
#[derive(Debug, Clone, PartialEq)]
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
