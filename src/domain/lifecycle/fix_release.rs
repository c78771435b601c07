//! Which deployed release first contains a merged fix: the service's releases seen since
//! the merge, mapped to git refs by a template, and the code host's answer for each
//! ("does this ref contain the merge commit?") turned into one decision.
//!
//! Why it matters, and what is decided while it is unknown:
//! - A fix is recorded on the ticket as soon as its pull request is merged, with
//!   `release: None`. Auto-close does not wait for the release: it already needs
//!   `verify.quiet_hours` with no occurrence while the service kept reporting, so a ticket
//!   is never closed while the error still happens, and a service that reports no release
//!   at all can still be closed.
//! - The release is what keeps old deployments from reopening a fixed ticket: events after
//!   a close from releases older than the fix do not count as a regression. Until a release
//!   containing the fix has been seen, nothing is "older", so every event after a close
//!   counts — a regression is never missed because a release was guessed.
//! - The release is the *earliest* one (by when the service first showed it) proven to
//!   contain the merge commit, and only when every earlier candidate was proven not to:
//!   a candidate the code host could not be asked about now leaves the decision for the
//!   next run, rather than naming a later release and so treating a release that may
//!   carry the fix as old. A release with no such ref cannot carry the fix as far as
//!   anyone can tell, and is passed over.
//! - Once found, it is kept: later runs do not ask again.

use chrono::{DateTime, Utc};

use crate::domain::cluster::ReleaseSeen;

/// The placeholder a release-ref template must hold.
pub const RELEASE_PLACEHOLDER: &str = "{release}";

/// What the code host said about one candidate release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefAnswer {
    /// The release's ref is the merge commit or after it.
    Contains,
    /// The release's ref is before the merge commit, or beside it.
    Lacks,
    /// No such ref (the release was never tagged as the template says).
    Missing,
    /// The code host could not be asked (an outage, a rate limit): try again later.
    Unreachable,
}

/// The decision for one merged fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FixRelease {
    /// The earliest release that contains the fix.
    Found(String),
    /// No release seen so far contains it (not deployed yet).
    NotYet,
    /// An earlier candidate could not be checked: decide on a later run.
    Undecided { release: String },
}

/// The git ref `template` names for `release` (`"v{release}"` + `1.4.2` → `v1.4.2`).
pub fn release_ref(template: &str, release: &str) -> String {
    template.replace(RELEASE_PLACEHOLDER, release)
}

/// The service's releases shown since `since` (seen then or later), oldest first by when
/// the service first showed each, merged across its clusters.
pub fn releases_since<'a>(
    seen: impl IntoIterator<Item = &'a ReleaseSeen>,
    since: DateTime<Utc>,
) -> Vec<String> {
    let mut first: std::collections::BTreeMap<&str, (DateTime<Utc>, DateTime<Utc>)> =
        std::collections::BTreeMap::new();
    for r in seen {
        let entry = first
            .entry(r.release.as_str())
            .or_insert((r.first_seen, r.last_seen));
        entry.0 = entry.0.min(r.first_seen);
        entry.1 = entry.1.max(r.last_seen);
    }
    let mut out: Vec<(DateTime<Utc>, &str)> = first
        .into_iter()
        .filter(|(name, (_, last))| *last >= since && !name.trim().is_empty())
        .map(|(name, (first_seen, _))| (first_seen, name))
        .collect();
    out.sort();
    out.into_iter().map(|(_, name)| name.to_owned()).collect()
}

/// The decision, given the answers for the candidates in order (oldest first). Asking may
/// stop at the first `Contains` or `Unreachable`: later answers do not change it.
pub fn first_release_with_fix(answers: &[(String, RefAnswer)]) -> FixRelease {
    for (release, answer) in answers {
        match answer {
            RefAnswer::Contains => return FixRelease::Found(release.clone()),
            RefAnswer::Lacks | RefAnswer::Missing => {}
            RefAnswer::Unreachable => {
                return FixRelease::Undecided {
                    release: release.clone(),
                };
            }
        }
    }
    FixRelease::NotYet
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn at(hours: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 16, 0, 0, 0).unwrap() + Duration::hours(hours)
    }

    fn seen(release: &str, first: i64, last: i64) -> ReleaseSeen {
        ReleaseSeen {
            release: release.into(),
            first_seen: at(first),
            last_seen: at(last),
            events: 1,
        }
    }

    fn answers(list: &[(&str, RefAnswer)]) -> Vec<(String, RefAnswer)> {
        list.iter().map(|(r, a)| ((*r).to_owned(), *a)).collect()
    }

    #[test]
    fn the_template_names_the_ref() {
        assert_eq!(release_ref("v{release}", "1.4.2"), "v1.4.2");
        assert_eq!(release_ref("{release}", "shop@2.0"), "shop@2.0");
        assert_eq!(
            release_ref("release/{release}", "2026.11"),
            "release/2026.11"
        );
    }

    #[test]
    fn candidates_are_releases_still_seen_since_the_merge_oldest_first() {
        let clusters = [
            seen("2.1", 30, 40),
            seen("2.0", 0, 9),
            seen("2.0.1", 12, 20),
            seen("1.9", 0, 5),
            // The same release seen by another cluster: earliest first-seen wins.
            seen("2.1", 11, 11),
            seen(" ", 12, 40),
        ];
        assert_eq!(
            releases_since(&clusters, at(8)),
            vec!["2.0", "2.1", "2.0.1"],
            "1.9 was last seen before the merge; 2.1 was first shown at hour 11"
        );
        assert!(releases_since(&clusters, at(41)).is_empty());
    }

    #[test]
    fn the_earliest_release_containing_the_fix_is_chosen() {
        use RefAnswer::*;
        let found = first_release_with_fix(&answers(&[
            ("2.0", Lacks),
            ("2.0.1", Missing),
            ("2.1", Contains),
            ("2.2", Contains),
        ]));
        assert_eq!(found, FixRelease::Found("2.1".into()));
        assert_eq!(
            first_release_with_fix(&answers(&[("2.0", Lacks), ("2.0.1", Missing)])),
            FixRelease::NotYet
        );
        assert_eq!(first_release_with_fix(&[]), FixRelease::NotYet);
    }

    #[test]
    fn an_unanswered_earlier_release_defers_the_decision() {
        use RefAnswer::*;
        assert_eq!(
            first_release_with_fix(&answers(&[
                ("2.0", Lacks),
                ("2.0.1", Unreachable),
                ("2.1", Contains),
            ])),
            FixRelease::Undecided {
                release: "2.0.1".into()
            }
        );
        // One after the containing release does not matter.
        assert_eq!(
            first_release_with_fix(&answers(&[("2.1", Contains), ("2.2", Unreachable)])),
            FixRelease::Found("2.1".into())
        );
    }
}
