//! Finding a human's open ticket for a cluster by its title: the closest open ticket that
//! names the cluster's exception, compared without the service prefix or masked variables.

use super::{ClusterFacts, TriagePolicy};
use crate::domain::ticket::{Ticket, TicketPhase};

/// The open ticket whose title is closest to the cluster's, if close enough.
pub(super) fn best_title_match<'a>(
    facts: &ClusterFacts,
    open: &'a [Ticket],
    policy: &TriagePolicy,
) -> Option<(&'a Ticket, f64)> {
    let ours = normalize_title(&facts.title);
    let exception = facts.exception_type.as_deref().map(str::to_lowercase);
    open.iter()
        .filter(|t| t.phase == TicketPhase::Open)
        // A ticket that does not name the cluster's exception is not this error, however
        // alike the other words.
        .filter(|t| {
            exception
                .as_deref()
                .is_none_or(|e| t.title.to_lowercase().contains(e))
        })
        .map(|t| {
            let theirs = normalize_title(&t.title);
            let similarity =
                strsim::jaro_winkler(&ours, &theirs).max(strsim::sorensen_dice(&ours, &theirs));
            (t, similarity)
        })
        .filter(|(_, s)| *s >= policy.link_title_similarity)
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

/// Lower case, no `[service]` prefix, no masked variables, single spaces.
fn normalize_title(title: &str) -> String {
    let title = title.trim();
    let title = match title.strip_prefix('[').and_then(|t| t.split_once(']')) {
        Some((_, rest)) => rest,
        None => title,
    };
    title
        .replace("<*>", " ")
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
