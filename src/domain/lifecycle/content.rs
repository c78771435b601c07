//! What a ticket says: the title within Linear's limit and the markdown description —
//! severity table, counts, users, endpoints, releases, samples and frames (fenced as
//! data), links, rule-based places to look, and the fingerprint line find-before-create
//! searches for.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use super::ClusterFacts;
use crate::domain::cluster::Sample;

/// Linear's title limit.
pub const TITLE_LIMIT: usize = 255;

/// Where a ticket links to (built by the pipeline from config).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketLinks {
    /// The cluster's stable page (the attachment URL triaged searches for).
    pub cluster_url: String,
    /// Sentry issue pages of the merged Sentry issues.
    pub sentry: Vec<String>,
    /// A CloudWatch Logs Insights console query per log group, over the cluster's span.
    pub insights: Vec<(String, String)>,
}

/// The line in every description that identifies the cluster.
pub fn fingerprint_line(facts: &ClusterFacts) -> String {
    format!("triaged-fingerprint: {}", facts.fingerprint)
}

/// `[service] Type: message`, cut to Linear's limit on a character boundary.
pub fn ticket_title(facts: &ClusterFacts) -> String {
    let title = format!("[{}] {}", facts.service, one_line(&facts.title));
    truncate(&title, TITLE_LIMIT)
}

/// The ticket's markdown description.
pub fn ticket_content(facts: &ClusterFacts, links: &TicketLinks) -> String {
    let s = &facts.severity;
    let mut md = String::new();
    let _ = writeln!(
        md,
        "**{} severity** (score {:.0}/100): {} events in 24 h, {} in 7 days, {} users affected in 24 h.\n",
        s.level.as_str(),
        s.score,
        facts.events_24h,
        facts.events_7d,
        facts.users_24h
    );
    md.push_str("| Dimension | Value | Weight | Why |\n|---|---:|---:|---|\n");
    for d in &s.dimensions {
        let _ = writeln!(
            md,
            "| {} | {:.2} | {:.1} | {} |",
            d.kind.key(),
            d.normalized,
            d.weight,
            table_cell(&d.reason)
        );
    }
    if let Some(floor) = &s.floor {
        let _ = writeln!(md, "\nScore floor applied: {}", table_cell(floor));
    }
    let _ = writeln!(
        md,
        "\n**First seen** {} · **Last seen** {}",
        stamp(facts.first_seen),
        stamp(facts.last_seen)
    );
    if !facts.endpoints.is_empty() {
        let list: Vec<String> = facts
            .endpoints
            .iter()
            .take(5)
            .map(|e| format!("`{}` ({})", code_span(&e.endpoint.to_string()), e.events))
            .collect();
        let _ = writeln!(md, "\n**Endpoints**: {}", list.join(", "));
    }
    if !facts.releases.is_empty() {
        let list: Vec<String> = facts
            .releases
            .iter()
            .take(8)
            .map(|r| {
                format!(
                    "`{}` ({} events, since {})",
                    code_span(&r.release),
                    r.events,
                    stamp(r.first_seen)
                )
            })
            .collect();
        let _ = writeln!(md, "\n**Releases**: {}", list.join(", "));
    }
    samples_section(&mut md, &facts.samples);
    links_section(&mut md, links);
    let paths = investigation_paths(facts);
    if !paths.is_empty() {
        md.push_str("\n### Where to look\n");
        for p in paths {
            let _ = writeln!(md, "- {p}");
        }
    }
    let _ = write!(md, "\n---\n{}\n", fingerprint_line(facts));
    md
}

fn samples_section(md: &mut String, samples: &[Sample]) {
    if samples.is_empty() {
        return;
    }
    md.push_str("\n### Samples (redacted)\n");
    // The first sample (how it started) and the latest ones, three at most.
    let picked: Vec<&Sample> = match samples {
        [first, .., last] if samples.len() > 3 => vec![first, &samples[samples.len() - 2], last],
        _ => samples.iter().collect(),
    };
    for sample in &picked {
        let _ = writeln!(
            md,
            "\n{} · `{}`",
            stamp(sample.at),
            code_span(&sample.source_key)
        );
        fenced(md, &truncate(&sample.message, 1_500));
    }
    if let Some(sample) = samples.iter().rev().find(|s| !s.frames.is_empty()) {
        md.push_str("\n**Top frames** (innermost first)\n");
        let frames: Vec<String> = sample
            .frames
            .iter()
            .take(8)
            .map(|f| {
                let line = f.line.map(|l| format!(":{l}")).unwrap_or_default();
                let app = if f.in_app { "" } else { " (library)" };
                format!("{}{} in {}{}", f.file, line, f.function, app)
            })
            .collect();
        fenced(md, &frames.join("\n"));
    }
}

fn links_section(md: &mut String, links: &TicketLinks) {
    md.push_str("\n### Links\n");
    for url in &links.sentry {
        let _ = writeln!(md, "- [Sentry issue]({url})");
    }
    for (group, url) in &links.insights {
        let _ = writeln!(
            md,
            "- [CloudWatch Logs Insights: {}]({url})",
            table_cell(group)
        );
    }
    let _ = writeln!(md, "- [Cluster in triaged]({})", links.cluster_url);
}

/// Rule-based suggestions from the error's shape.
pub fn investigation_paths(facts: &ClusterFacts) -> Vec<String> {
    let text = format!(
        "{} {}",
        facts.exception_type.as_deref().unwrap_or(""),
        facts.title
    )
    .to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| text.contains(w));
    let top_frame = facts
        .samples
        .iter()
        .rev()
        .flat_map(|s| s.frames.iter())
        .find(|f| f.in_app && !f.file.is_empty());
    let mut out = Vec::new();
    if has(&["timeout", "timed out", "deadline", "gateway time"]) {
        out.push("A timeout: check the downstream this calls and its latency, and whether a connection or thread pool is saturated (pool size vs. concurrent requests).".to_owned());
    }
    if has(&[
        "connection refused",
        "econnrefused",
        "connection reset",
        "no route to host",
    ]) {
        out.push("A refused or reset connection: is the dependency up and reachable (DNS, service discovery, security groups)?".to_owned());
    }
    if has(&[
        "nonetype",
        "nullpointer",
        "null pointer",
        "nil pointer",
        "undefined is not",
        "cannot read propert",
        "null reference",
    ]) {
        match top_frame {
            Some(f) => out.push(format!(
                "A null dereference in `{}` ({}): look at recent changes to that file and at which input arrives without the value.",
                code_span(&f.file),
                code_span(&f.function)
            )),
            None => out.push("A null dereference: find which input arrives without the value.".to_owned()),
        }
    }
    if has(&["out of memory", "memoryerror", "oom", "heap space"]) {
        out.push(
            "Memory exhaustion: compare memory limits with usage around the first occurrence."
                .to_owned(),
        );
    }
    if has(&["throttl", "rate limit", "too many requests", "429"]) {
        out.push(
            "Throttling: check quotas and whether callers back off and retry with jitter."
                .to_owned(),
        );
    }
    let trend = facts
        .severity
        .dimension(crate::domain::score::DimensionKind::Trend);
    if trend.normalized >= 0.5 {
        out.push(format!(
            "It spiked ({}): check deploys and traffic changes at that time.",
            trend.reason
        ));
    }
    if let [only] = facts.releases.as_slice() {
        out.push(format!(
            "Only seen in release `{}`: compare it with the release before.",
            code_span(&only.release)
        ));
    }
    if out.is_empty()
        && let Some(f) = top_frame
    {
        out.push(format!(
            "Start from the top in-app frame `{}` in `{}`.",
            code_span(&f.file),
            code_span(&f.function)
        ));
    }
    out
}

/// A UTC timestamp to the minute.
pub fn stamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// Text fenced as a code block with a fence longer than any backtick run inside it, so
/// untrusted text cannot close the fence and turn into markdown.
fn fenced(md: &mut String, text: &str) {
    let clean: String = text
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect();
    let longest = clean.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let _ = writeln!(md, "{fence}text\n{clean}\n{fence}");
}

/// Text safe inside an inline code span (no backticks, one line).
fn code_span(text: &str) -> String {
    one_line(text).replace('`', "'")
}

/// Text safe in a table cell or a link label: one line, no pipes or brackets.
fn table_cell(text: &str) -> String {
    one_line(text).replace('|', "/").replace(['[', ']'], "")
}

fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// At most `max` characters, with `…` when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}
