//! The mrkdwn sections of the Slack summary, each kept within the section limit: lists
//! stop at a line budget and say how many more there are.

use super::{Block, SECTION_MAX_CHARS, Text, code, escape_mrkdwn, link_target, ticket_link};
use crate::domain::summary::group_thousands;
use crate::domain::summary::{ClusterLine, HealthSummary, Paragraph, ParagraphAuthor};
use crate::notify::text::{
    DETAIL_CHARS, NAME_CHARS, TITLE_CHARS, WORST_TITLE_CHARS, events_with_trend,
    services_by_events, total_with_trend, users, window_label,
};

/// Items listed under "new", "regressed" and "closed automatically".
const LIST_ITEMS: usize = 10;
/// Services listed.
const SERVICE_ITEMS: usize = 25;
/// Failures listed.
const FAILURE_ITEMS: usize = 10;

/// The failures, on top and loud: a source that could not be read is news.
pub(super) fn failures(summary: &HealthSummary) -> Option<Block> {
    let count = summary.failures.len();
    if count == 0 {
        return None;
    }
    let runs = if count == 1 {
        "run or source"
    } else {
        "runs or sources"
    };
    let heading = format!(
        ":rotating_light: *{count} failed {runs} of triaged — these numbers may be incomplete*"
    );
    let lines = summary.failures.iter().map(|failure| {
        format!(
            "• {} at {} UTC: {}",
            code(&failure.what, NAME_CHARS),
            failure.at.format("%H:%M"),
            code(&failure.detail, DETAIL_CHARS)
        )
    });
    Some(section(fit(
        &heading,
        lines,
        count,
        FAILURE_ITEMS,
        "failures",
    )))
}

/// Events and trend, the change counts, tickets and PRs.
pub(super) fn totals(summary: &HealthSummary) -> Block {
    let text = format!(
        "*Events:* {}\n\
         *New clusters:* {}   *Regressions:* {}   *Closed automatically:* {}\n\
         *Open tickets:* {}   *PRs drafted:* {}   *PRs merged:* {}",
        total_with_trend(summary.events, summary.previous_events),
        summary.new_clusters.len(),
        summary.regressions.len(),
        summary.auto_closed.len(),
        group_thousands(summary.open_tickets),
        summary.prs_drafted,
        summary.prs_merged,
    );
    section(text)
}

/// The counts a quiet day still reports.
pub(super) fn quiet_counts(summary: &HealthSummary) -> Block {
    let mut text = format!(
        "*Open tickets:* {}   *PRs drafted:* {}   *PRs merged:* {}",
        group_thousands(summary.open_tickets),
        summary.prs_drafted,
        summary.prs_merged,
    );
    if !summary.auto_closed.is_empty() {
        text.push_str(&format!(
            "   *Closed automatically:* {}",
            summary.auto_closed.len()
        ));
    }
    section(text)
}

/// New clusters, regressions and tickets closed automatically, one section each.
pub(super) fn changes(summary: &HealthSummary) -> Vec<Block> {
    let lists = [
        ("New clusters", &summary.new_clusters),
        ("Regressions", &summary.regressions),
        ("Closed automatically", &summary.auto_closed),
    ];
    lists
        .into_iter()
        .filter(|(_, lines)| !lines.is_empty())
        .map(|(heading, lines)| {
            let heading = format!("*{heading} ({})*", lines.len());
            let items = lines.iter().map(|line| format!("• {}", cluster_line(line)));
            section(fit(&heading, items, lines.len(), LIST_ITEMS, "clusters"))
        })
        .collect()
}

/// The top clusters by score, one section each under a heading.
pub(super) fn top(summary: &HealthSummary) -> Vec<Block> {
    if summary.top.is_empty() {
        return Vec::new();
    }
    let mut blocks = vec![
        Block::Divider,
        section("*Top clusters by score*".to_owned()),
    ];
    blocks.extend(summary.top.iter().take(5).enumerate().map(|(rank, line)| {
        let ticket = line
            .ticket
            .as_ref()
            .map_or_else(|| "no ticket".to_owned(), ticket_link);
        section(format!(
            "*{}.* {} {}\n{} · {} events · {} · score {:.1} · {ticket}",
            rank + 1,
            level_label(&line.level),
            code(&line.title, TITLE_CHARS),
            code(&line.service, NAME_CHARS),
            group_thousands(line.events),
            users(line.users),
            line.score,
        ))
    }));
    blocks
}

/// Per-service health, most events first.
pub(super) fn services(summary: &HealthSummary) -> Vec<Block> {
    if summary.services.is_empty() {
        return Vec::new();
    }
    let ordered = services_by_events(summary);
    let lines = ordered.iter().map(|service| {
        let worst = service.worst.as_ref().map_or_else(String::new, |worst| {
            format!(
                " · worst: {} {}",
                level_label(&worst.level),
                code(&worst.title, WORST_TITLE_CHARS)
            )
        });
        format!(
            "• {} {}{worst}",
            code(&service.service, NAME_CHARS),
            events_with_trend(service.events, service.previous_events),
        )
    });
    let heading = format!("*Services ({})*", ordered.len());
    vec![
        Block::Divider,
        section(fit(
            &heading,
            lines,
            ordered.len(),
            SERVICE_ITEMS,
            "services",
        )),
    ]
}

/// Window, who wrote the paragraph, and the dashboard link.
pub(super) fn footer(summary: &HealthSummary, paragraph: &Paragraph) -> Block {
    let mut elements = vec![Text::mrkdwn(format!("Window: {}", window_label(summary)))];
    elements.push(Text::mrkdwn(match &paragraph.author {
        ParagraphAuthor::Template => "Summary: triaged template".to_owned(),
        ParagraphAuthor::Model { model } => {
            format!("Summary written by {}", code(model, NAME_CHARS))
        }
    }));
    if let Some(url) = summary.dashboard_url.as_deref().and_then(link_target) {
        elements.push(Text::mrkdwn(format!("<{url}|Open the dashboard>")));
    }
    Block::Context { elements }
}

/// `• :red_circle: *critical* `title` in `service` · 655 events · 88 users · <url|ENG-1>`.
fn cluster_line(line: &ClusterLine) -> String {
    let ticket = line
        .ticket
        .as_ref()
        .map_or_else(String::new, |t| format!(" · {}", ticket_link(t)));
    format!(
        "{} {} in {} · {} events · {}{ticket}",
        level_label(&line.level),
        code(&line.title, TITLE_CHARS),
        code(&line.service, NAME_CHARS),
        group_thousands(line.events),
        users(line.users),
    )
}

/// An emoji and the level; an unknown level is shown as code.
fn level_label(level: &str) -> String {
    let emoji = match level {
        "critical" => ":red_circle:",
        "high" => ":large_orange_circle:",
        "medium" => ":large_yellow_circle:",
        "low" => ":white_circle:",
        other => return format!(":white_circle: {}", code(other, 20)),
    };
    format!("{emoji} *{}*", escape_mrkdwn(level))
}

fn section(text: String) -> Block {
    Block::Section {
        text: Text::mrkdwn(text),
    }
}

/// `heading` and as many `lines` as fit in a section (at most `max_lines`), then
/// `…and N more <noun>` when some were left out.
fn fit(
    heading: &str,
    lines: impl Iterator<Item = String>,
    total: usize,
    max_lines: usize,
    noun: &str,
) -> String {
    /// Room kept for the "and N more" line.
    const RESERVE: usize = 40;
    let mut text = heading.to_owned();
    let mut used = text.chars().count();
    let mut shown = 0;
    for line in lines.take(max_lines) {
        let len = line.chars().count() + 1;
        if used + len + RESERVE > SECTION_MAX_CHARS {
            break;
        }
        text.push('\n');
        text.push_str(&line);
        used += len;
        shown += 1;
    }
    if shown < total {
        text.push_str(&format!("\n…and {} more {noun}", total - shown));
    }
    text
}
