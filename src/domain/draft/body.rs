//! What a drafted pull request says: a one-line title, and a body with the model's
//! analysis (already neutralised), the evidence, the ticket, the test plan, and the
//! provenance block that tells a reviewer where it came from and that a human merges.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::domain::lifecycle::{ClusterFacts, truncate};

/// The model's analysis, as text already stripped, redacted and bounded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftEvidence {
    pub summary: String,
    pub root_cause: String,
    pub test_plan: String,
    pub risk: String,
    pub confidence: f64,
    pub ticket_key: String,
    pub ticket_url: String,
}

/// Where the draft came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    pub provider: String,
    pub model: String,
    pub agent_run_id: String,
    /// SHA-256 of the exact prompt (system + user) the model saw.
    pub prompt_digest: String,
    /// Names of the patch checks passed.
    pub checks: Vec<String>,
    pub changed_lines: usize,
}

/// `fix(<service>): <summary>`, one line, at most 72 characters.
pub fn pull_title(facts: &ClusterFacts, summary: &str) -> String {
    let one_line: String = summary.split_whitespace().collect::<Vec<_>>().join(" ");
    truncate(&format!("fix({}): {}", facts.service, one_line), 72)
}

/// The pull request's markdown body.
pub fn pull_body(facts: &ClusterFacts, e: &DraftEvidence, p: &Provenance) -> String {
    let mut md = String::new();
    let _ = writeln!(
        md,
        "Drafted by triaged for [{}]({}): **{}**\n",
        e.ticket_key,
        e.ticket_url,
        quote(&facts.title)
    );
    let _ = writeln!(md, "## Root cause\n\n{}\n", e.root_cause.trim());
    let _ = writeln!(md, "## Change\n\n{}\n", e.summary.trim());
    let _ = writeln!(
        md,
        "## Evidence\n\n- {} events in the last 24 h, {} in 7 days; {} users affected in 24 h\n- first seen {}, last seen {}\n- severity {} (score {:.0}/100)\n",
        facts.events_24h,
        facts.events_7d,
        facts.users_24h,
        facts.first_seen.format("%Y-%m-%d %H:%M UTC"),
        facts.last_seen.format("%Y-%m-%d %H:%M UTC"),
        facts.severity.level.as_str(),
        facts.severity.score
    );
    let _ = writeln!(md, "## Test plan\n\n{}\n", e.test_plan.trim());
    let _ = writeln!(
        md,
        "## Risk\n\n{} (model confidence {:.0} %)\n",
        e.risk.trim(),
        e.confidence * 100.0
    );
    let _ = writeln!(
        md,
        "## Provenance\n\n| | |\n|---|---|\n| provider | {} |\n| model | `{}` |\n| agent run | `{}` |\n| prompt digest | `sha256:{}` |\n| checks passed | {} |\n| lines changed | {} |\n",
        p.provider,
        p.model.replace('`', "'"),
        p.agent_run_id,
        p.prompt_digest,
        p.checks.join(", "),
        p.changed_lines
    );
    md.push_str(
        "**This is a draft written by a model. A human must review, test and merge it; triaged never approves or merges a pull request.**\n",
    );
    md
}

/// A title safe inside bold markdown on one line.
fn quote(text: &str) -> String {
    truncate(&text.replace(['*', '[', ']', '`', '\n', '\r'], " "), 200)
}
