//! Fix drafts as pure rules: which cluster may get a drafted fix (score,
//! events, an in-app top frame that maps into a configured repository, not an
//! infrastructure error, budget left, not drafted before), and what the draft pull
//! request says (evidence, ticket link, test plan, provenance, the human-merge statement).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::event::StackFrame;
use super::lifecycle::ClusterFacts;

mod body;

pub use body::{DraftEvidence, Provenance, pull_body, pull_title};

/// A repository triaged may draft fixes in, and how frame paths map into it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepoMapping {
    /// `owner/name`.
    pub repo: String,
    /// Services whose errors may be fixed here; empty = any service.
    #[serde(default)]
    pub services: Vec<String>,
    /// Frame path prefix → repository path prefix, tried in order (`/app/` → `src/`).
    #[serde(default)]
    pub path_mappings: Vec<PathMapping>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathMapping {
    pub from: String,
    pub to: String,
}

/// When a cluster is worth a drafted fix, and how many a day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DraftPolicy {
    pub min_score: f64,
    pub min_events: u64,
    /// Draft pull requests opened per UTC day at most.
    pub max_prs_per_day: u32,
    /// Model spend per UTC day at most, in USD (`agent.prices`).
    pub max_spend_per_day_usd: f64,
    pub repos: Vec<RepoMapping>,
    /// Bytes of each source file shown to the model at most.
    pub max_file_bytes: usize,
    /// Labels on every drafted pull request.
    pub labels: Vec<String>,
}

impl Default for DraftPolicy {
    fn default() -> Self {
        DraftPolicy {
            min_score: 60.0,
            min_events: 20,
            max_prs_per_day: 3,
            max_spend_per_day_usd: 5.0,
            repos: Vec::new(),
            max_file_bytes: 60_000,
            labels: vec!["triaged".into(), "ai-drafted".into()],
        }
    }
}

/// What has been spent today.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Budget {
    pub prs_today: u32,
    pub spend_today_usd: f64,
}

/// Where the fix would go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub repo: String,
    /// The file in the repository the top in-app frame maps to.
    pub path: String,
    pub frame: StackFrame,
}

/// Why a cluster gets no drafted fix (shown in the run ledger).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotEligible {
    BelowThreshold(String),
    NoMappedFrame,
    Infrastructure(String),
    /// The day's budget is used up: stops drafting for every cluster.
    Budget(String),
}

impl std::fmt::Display for NotEligible {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotEligible::BelowThreshold(why) => write!(f, "below the draft thresholds: {why}"),
            NotEligible::NoMappedFrame => {
                f.write_str("no in-app frame maps to a file in a configured repository")
            }
            NotEligible::Infrastructure(why) => {
                write!(f, "an infrastructure error ({why}): no code fix to draft")
            }
            NotEligible::Budget(why) => write!(f, "budget used up: {why}"),
        }
    }
}

/// Words of error classes a code change does not fix.
const INFRASTRUCTURE: &[&str] = &[
    "timeout",
    "timed out",
    "deadline exceeded",
    "connection refused",
    "econnrefused",
    "connection reset",
    "out of memory",
    "oom",
    "memoryerror",
    "throttl",
    "rate limit",
    "too many requests",
    "service unavailable",
    "no route to host",
    "dns",
    "disk full",
    "no space left",
];

/// Whether `facts` may get a drafted fix now, and where it would go.
pub fn eligibility(
    facts: &ClusterFacts,
    policy: &DraftPolicy,
    budget: Budget,
) -> Result<Target, NotEligible> {
    if budget.prs_today >= policy.max_prs_per_day {
        return Err(NotEligible::Budget(format!(
            "{} draft PRs today (max_prs_per_day {})",
            budget.prs_today, policy.max_prs_per_day
        )));
    }
    if budget.spend_today_usd >= policy.max_spend_per_day_usd {
        return Err(NotEligible::Budget(format!(
            "${:.2} spent today (max_spend_per_day_usd {:.2})",
            budget.spend_today_usd, policy.max_spend_per_day_usd
        )));
    }
    if facts.severity.score < policy.min_score || facts.events_24h < policy.min_events {
        return Err(NotEligible::BelowThreshold(format!(
            "score {:.0} (min {:.0}), {} events in 24 h (min {})",
            facts.severity.score, policy.min_score, facts.events_24h, policy.min_events
        )));
    }
    let text = format!(
        "{} {}",
        facts.exception_type.as_deref().unwrap_or(""),
        facts.title
    )
    .to_lowercase();
    if let Some(word) = INFRASTRUCTURE.iter().find(|w| contains_word(&text, w)) {
        return Err(NotEligible::Infrastructure((*word).to_owned()));
    }
    top_target(facts, policy).ok_or(NotEligible::NoMappedFrame)
}

/// The first in-app frame (innermost first) of the latest sample with frames that maps
/// into a repository serving the cluster's service.
fn top_target(facts: &ClusterFacts, policy: &DraftPolicy) -> Option<Target> {
    let frames = facts.samples.iter().rev().find(|s| !s.frames.is_empty())?;
    let frame = frames
        .frames
        .iter()
        .find(|f| f.in_app && !f.file.is_empty())?;
    policy
        .repos
        .iter()
        .filter(|r| r.services.is_empty() || r.services.iter().any(|s| s == &facts.service))
        .find_map(|r| {
            r.path_mappings.iter().find_map(|m| {
                let rest = frame.file.strip_prefix(&m.from)?;
                let path = format!("{}{}", m.to, rest.trim_start_matches('/'));
                safe_relative(&path).then(|| Target {
                    repo: r.repo.clone(),
                    path,
                    frame: frame.clone(),
                })
            })
        })
}

/// A repository-relative path without `..`, absolute parts or backslashes.
fn safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && path
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

fn contains_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// `triaged/fix-<first 8 hex of the fingerprint>`.
pub fn branch_name(facts: &ClusterFacts) -> String {
    let fp = facts.fingerprint.to_string();
    format!("triaged/fix-{}", &fp[..8.min(fp.len())])
}

/// The start of the UTC day containing `at` (budgets reset then).
pub fn day_start(at: DateTime<Utc>) -> DateTime<Utc> {
    at.date_naive()
        .and_hms_opt(0, 0, 0)
        .map_or(at, |d| d.and_utc())
}

#[cfg(test)]
mod tests;
