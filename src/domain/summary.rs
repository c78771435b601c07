//! The morning health summary of the last 24 hours: the numbers the store yields
//! (`HealthSummary`), the trend rule, the deterministic executive paragraph, the check a
//! model-written paragraph must pass, and the fact sheet a model is given.
//!
//! Pure: no I/O and no clock; the summary carries its own window.

mod check;
mod facts;
mod prose;

#[cfg(test)]
pub(crate) mod testing;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use check::{MODEL_PARAGRAPH_MAX_CHARS, check_model_paragraph};
pub use facts::summary_facts;
pub use prose::{group_thousands, shorten, template_paragraph};

/// Everything the morning summary reports, for the window `window_start..window_end`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthSummary {
    pub window_start: DateTime<Utc>,
    pub window_end: DateTime<Utc>,
    /// Events of all clusters in the window.
    pub events: u64,
    /// Events of all clusters in the 24 hours before the window.
    pub previous_events: u64,
    /// Clusters first seen in the window.
    pub new_clusters: Vec<ClusterLine>,
    /// Clusters reopened, or back after being quiet, in the window.
    pub regressions: Vec<ClusterLine>,
    /// Clusters whose ticket triaged closed in the window.
    pub auto_closed: Vec<ClusterLine>,
    /// The top clusters by score, highest first (at most 5).
    pub top: Vec<ClusterLine>,
    pub services: Vec<ServiceHealth>,
    pub open_tickets: u64,
    pub prs_drafted: u64,
    pub prs_merged: u64,
    /// triaged's own failed runs and unreadable sources in the window.
    pub failures: Vec<RunFailure>,
    pub dashboard_url: Option<String>,
}

/// One cluster as the summary lists it. `title` is the redacted template, never raw log text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterLine {
    pub fingerprint: String,
    pub title: String,
    pub service: String,
    /// `critical`, `high`, `medium` or `low`.
    pub level: String,
    pub score: f64,
    /// Events in the window.
    pub events: u64,
    /// Distinct users affected in the window.
    pub users: u64,
    pub ticket: Option<TicketRef>,
}

/// A link to a tracker ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketRef {
    /// The human key, e.g. `ENG-12`.
    pub key: String,
    pub url: String,
}

/// One service's events in the window against the previous 24 hours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceHealth {
    pub service: String,
    pub events: u64,
    pub previous_events: u64,
    /// Its highest-scoring cluster in the window.
    pub worst: Option<ClusterLine>,
}

/// A failed run or a source that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunFailure {
    /// What failed, e.g. `ingest: source sentry`.
    pub what: String,
    pub at: DateTime<Utc>,
    /// The error, as the daemon reported it (no secrets, no raw log text).
    pub detail: String,
}

/// Which way a count moved against the previous 24 hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Trend {
    Up,
    Down,
    /// Within ±20 %, or fewer than [`TREND_MIN_CHANGE`] events apart.
    Flat,
    /// Nothing the previous 24 hours, something now.
    New,
}

/// Smallest relative change that counts as a trend (20 %).
pub const TREND_MIN_RATIO: f64 = 0.20;
/// Smallest absolute change, in events, that counts as a trend.
pub const TREND_MIN_CHANGE: u64 = 10;

impl Trend {
    /// Up or down when the count moved by at least 20 % and at least 10 events; `New`
    /// when the previous count was 0 and this one is not; otherwise `Flat` (0 → 0 too).
    pub fn between(current: u64, previous: u64) -> Trend {
        if previous == 0 {
            return if current == 0 {
                Trend::Flat
            } else {
                Trend::New
            };
        }
        let change = current.abs_diff(previous);
        let ratio = change as f64 / previous as f64;
        if change < TREND_MIN_CHANGE || ratio < TREND_MIN_RATIO {
            Trend::Flat
        } else if current > previous {
            Trend::Up
        } else {
            Trend::Down
        }
    }

    /// `↑` (up or new), `↓` or `→`.
    pub fn arrow(self) -> &'static str {
        match self {
            Trend::Up | Trend::New => "↑",
            Trend::Down => "↓",
            Trend::Flat => "→",
        }
    }
}

/// The change from `previous` to `current` in whole percent (rounded half away from 0);
/// `None` when `previous` is 0.
pub fn percent_change(current: u64, previous: u64) -> Option<i64> {
    if previous == 0 {
        return None;
    }
    let change = (current as f64 - previous as f64) / previous as f64 * 100.0;
    Some(change.round() as i64)
}

/// `"↑ 25%"`, `"↓ 12%"`, `"→ 3%"`, `"↑ new"` or `"→"` (0 → 0).
pub fn trend_label(current: u64, previous: u64) -> String {
    let trend = Trend::between(current, previous);
    match (trend, percent_change(current, previous)) {
        (Trend::New, _) => format!("{} new", trend.arrow()),
        (_, Some(pct)) => format!("{} {}%", trend.arrow(), pct.unsigned_abs()),
        (_, None) => trend.arrow().to_owned(),
    }
}

impl HealthSummary {
    /// No events, nothing new or regressed, and none of triaged's runs failed.
    pub fn is_quiet(&self) -> bool {
        self.events == 0
            && self.new_clusters.is_empty()
            && self.regressions.is_empty()
            && self.failures.is_empty()
    }

    /// The total events' trend against the previous 24 hours.
    pub fn trend(&self) -> Trend {
        Trend::between(self.events, self.previous_events)
    }

    /// The highest-scoring cluster of the top list (the first on a tie).
    pub fn worst(&self) -> Option<&ClusterLine> {
        self.top.iter().reduce(
            |best, line| {
                if line.score > best.score { line } else { best }
            },
        )
    }
}

impl ServiceHealth {
    pub fn trend(&self) -> Trend {
        Trend::between(self.events, self.previous_events)
    }
}

/// The executive paragraph shown at the top of the summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paragraph {
    pub text: String,
    pub author: ParagraphAuthor,
}

/// Who wrote a [`Paragraph`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ParagraphAuthor {
    /// [`template_paragraph`].
    Template,
    /// A language model given [`summary_facts`], its text passed [`check_model_paragraph`].
    Model { model: String },
}
