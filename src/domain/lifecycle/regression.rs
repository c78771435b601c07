//! Counting what happened after a close: events in later hours (plus the close hour's
//! growth), minus those from releases older than the fix — the evidence for a reopen.

use std::cmp::Ordering;

use super::{Closure, ClusterFacts, Fix};
use crate::domain::cluster::ReleaseSeen;

/// Events after a close, and which of them count toward a regression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AfterClose {
    /// Every event after the close.
    pub events: u64,
    /// Of those, events from releases older than the fix (they do not count).
    pub old_release_events: u64,
    /// Releases with events after the close, at or after the fix, with their counts.
    pub releases: Vec<(String, u64)>,
}

impl AfterClose {
    /// Events that count as the error coming back.
    pub fn counted(&self) -> u64 {
        self.events.saturating_sub(self.old_release_events)
    }
}

/// What happened since `closure`, given the fix (if any) it was closed for.
pub fn events_after_close(
    facts: &ClusterFacts,
    closure: &Closure,
    fix: Option<&Fix>,
) -> AfterClose {
    let close_hour = crate::domain::cluster::hour_of(closure.at);
    let in_close_hour = facts
        .events_in_hour(close_hour)
        .saturating_sub(closure.close_hour_events);
    let events = in_close_hour + facts.events_in_hours_after(closure.at);
    let mut old_release_events = 0;
    let mut releases = Vec::new();
    for r in &facts.releases {
        let before = closure.release_events.get(&r.release).copied().unwrap_or(0);
        let grown = r.events.saturating_sub(before);
        if grown == 0 || r.last_seen <= closure.at {
            continue;
        }
        let old = fix
            .and_then(|f| f.release.as_deref())
            .is_some_and(|fixed_in| is_older(r, fixed_in, &facts.releases));
        if old {
            old_release_events += grown;
        } else {
            releases.push((r.release.clone(), grown));
        }
    }
    AfterClose {
        events,
        old_release_events: old_release_events.min(events),
        releases,
    }
}

/// Whether `release` is older than `fixed_in`: by version number when both read as
/// dotted numbers (`v1.4.2`, `1.4.10`), else by when the cluster first saw each. A fix
/// release the cluster never saw, with no comparable version, makes nothing older.
fn is_older(release: &ReleaseSeen, fixed_in: &str, seen: &[ReleaseSeen]) -> bool {
    if let (Some(a), Some(b)) = (version(&release.release), version(fixed_in)) {
        return a.cmp(&b) == Ordering::Less;
    }
    seen.iter()
        .find(|r| r.release == fixed_in)
        .is_some_and(|fix| release.first_seen < fix.first_seen)
}

/// `1.4.2` → [1, 4, 2]; a leading `v` and a build suffix (`+sha`, `-rc1`) are ignored.
fn version(release: &str) -> Option<Vec<u64>> {
    let core = release.trim().trim_start_matches(['v', 'V']);
    let core = core.split(['+', '-', ' ']).next().unwrap_or("");
    let parts: Option<Vec<u64>> = core.split('.').map(|p| p.parse().ok()).collect();
    parts.filter(|p| !p.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_numerically() {
        assert!(version("1.4.10") > version("1.4.9"));
        assert_eq!(version("v2.0.1+abc"), Some(vec![2, 0, 1]));
        assert_eq!(version("main-abcdef"), None);
    }
}
