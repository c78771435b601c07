//! `SentryCursor`: what earlier runs already counted, so that each run hands on exactly
//! the events that are new — a bucket that grew is counted by its growth only, and a
//! bucket is never lost.
//!
//! Sentry reports an issue's events as hourly buckets, the current hour still growing.
//! The cursor keeps, per issue, the count of each bucket already handed on (only the
//! buckets inside the lookback window: older ones are pruned, as are issues left with
//! none), and when the last complete listing started. A listing cut short by
//! `max_issues_per_run` is resumed by the next run from the page where it stopped, with
//! the same search; it counts as complete only when its last page is read, and then as
//! of the time its first page was read.
//!
//! An issue that grew but whose latest event could not be read is not counted yet (its
//! counts need an event to find their cluster): it is kept as pending, and listings reach
//! back to its last-seen time until a run reads its event and counts the growth, whole
//! (or it leaves the window). The caller stores the deltas of a run first and saves the run's cursor
//! after, so a crash in between repeats the run rather than losing it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::SentryObservation;

/// Position of the Sentry source. Serialized as JSON in the store.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentryCursor {
    /// When the last complete listing ran; the next one asks for issues seen since then
    /// (less a margin for late events).
    #[serde(default)]
    listed_at: Option<DateTime<Utc>>,
    /// Issue id → hour start (epoch seconds) → events already counted.
    #[serde(default)]
    counted: BTreeMap<String, BTreeMap<i64, u64>>,
    /// A listing cut short, to be continued.
    #[serde(default)]
    resume: Option<Resume>,
    /// New issues not counted yet (no readable event) → their last-seen time.
    #[serde(default)]
    pending: BTreeMap<String, DateTime<Utc>>,
}

/// Where an unfinished listing stopped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resume {
    /// The `lastSeen` bound of the listing (kept, so its page cursor stays meaningful).
    pub since: DateTime<Utc>,
    /// Sentry's cursor of the next page.
    pub page_cursor: String,
    /// When the listing's first page was read.
    pub started_at: DateTime<Utc>,
}

/// How far a run's listing got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listing {
    /// Every page read; the listing started at `started_at`.
    Complete { started_at: DateTime<Utc> },
    /// Stopped before the end; continue from `resume`.
    Partial(Resume),
}

impl SentryCursor {
    pub fn from_json(text: &str) -> Result<SentryCursor, serde_json::Error> {
        serde_json::from_str(text)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_owned())
    }

    /// When the last complete listing ran.
    pub fn listed_at(&self) -> Option<DateTime<Utc>> {
        self.listed_at
    }

    /// The unfinished listing to continue, if any.
    pub fn resume(&self) -> Option<&Resume> {
        self.resume.as_ref()
    }

    /// The `lastSeen` bound of a new listing: the last complete listing less `margin`,
    /// or earlier to reach a pending issue; never before `window_start`.
    pub fn listing_since(
        &self,
        window_start: DateTime<Utc>,
        margin: chrono::Duration,
    ) -> DateTime<Utc> {
        let listed = self.listed_at.map(|t| t - margin);
        let pending = self.pending.values().min().copied();
        let since = match (listed, pending) {
            (Some(l), Some(p)) => l.min(p),
            (Some(l), None) => l,
            (None, _) => window_start,
        };
        since.max(window_start)
    }

    /// Whether an issue waits for a readable event before it is counted.
    pub fn is_pending(&self, issue_id: &str) -> bool {
        self.pending.contains_key(issue_id)
    }

    /// Whether an earlier run counted events of this issue (inside the window).
    pub fn knows(&self, issue_id: &str) -> bool {
        self.counted.contains_key(issue_id)
    }

    /// Issues the cursor remembers.
    pub fn issue_count(&self) -> usize {
        self.counted.len()
    }

    /// The events of `issue` to store now: per hour, how much the bucket grew since it
    /// was last counted. Empty for an issue without an event (it stays pending and is
    /// counted, whole, by the run that reads its event).
    pub fn new_counts(&self, issue: &SentryObservation) -> Vec<(DateTime<Utc>, u64)> {
        if issue.latest.is_none() {
            return Vec::new();
        }
        self.growth(issue)
    }

    /// Whether any of the issue's buckets grew since it was last counted (its latest
    /// event is then worth reading).
    pub fn has_grown(&self, issue: &SentryObservation) -> bool {
        !self.growth(issue).is_empty()
    }

    /// The hourly buckets that grew since they were last counted, by how much.
    fn growth(&self, issue: &SentryObservation) -> Vec<(DateTime<Utc>, u64)> {
        let known = self.counted.get(&issue.issue_id);
        issue
            .hourly
            .iter()
            .filter_map(|(hour, count)| {
                let before = known
                    .and_then(|k| k.get(&hour.timestamp()))
                    .copied()
                    .unwrap_or(0);
                (*count > before).then(|| (*hour, count - before))
            })
            .collect()
    }

    /// The cursor after this run: the buckets of `observed` counted (except issues that
    /// grew without a readable event, which become pending), buckets before `window_start` and
    /// issues left without buckets dropped, the listing recorded.
    pub fn advanced(
        &self,
        observed: &[SentryObservation],
        window_start: DateTime<Utc>,
        listing: Listing,
    ) -> SentryCursor {
        let mut next = self.clone();
        for issue in observed {
            if issue.latest.is_none() {
                if !self.growth(issue).is_empty() {
                    let seen = issue.last_seen.unwrap_or(window_start);
                    next.pending.insert(issue.issue_id.clone(), seen);
                }
                continue;
            }
            next.pending.remove(&issue.issue_id);
            let known = next.counted.entry(issue.issue_id.clone()).or_default();
            for (hour, count) in &issue.hourly {
                let slot = known.entry(hour.timestamp()).or_insert(0);
                *slot = (*slot).max(*count);
            }
        }
        let cutoff = window_start.timestamp();
        for hours in next.counted.values_mut() {
            hours.retain(|hour, count| *hour >= cutoff && *count > 0);
        }
        next.counted.retain(|_, hours| !hours.is_empty());
        next.pending.retain(|_, seen| *seen >= window_start);
        match listing {
            Listing::Complete { started_at } => {
                next.listed_at = Some(started_at);
                next.resume = None;
            }
            Listing::Partial(resume) => next.resume = Some(resume),
        }
        next
    }
}

#[cfg(test)]
mod tests;
