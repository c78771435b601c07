//! The cluster lists of the card: new / regressed / closed, the top clusters as
//! ColumnSets, and per-service health, with data strings in `TextRun`s only.

use super::card::Caps;
use super::{Column, Element, Inline};
use crate::domain::summary::{ClusterLine, HealthSummary, TicketRef, group_thousands, shorten};
use crate::notify::text::{NAME_CHARS, events_with_trend, is_web_url, services_by_events, users};

pub(super) fn list(heading: &str, lines: &[ClusterLine], caps: &Caps) -> Vec<Element> {
    if lines.is_empty() {
        return Vec::new();
    }
    let mut out = vec![Element::heading(format!("{heading} ({})", lines.len()))];
    out.extend(lines.iter().take(caps.items).map(|line| {
        let mut inlines = level(&line.level);
        inlines.extend([
            Inline::run(format!(" {} · ", data(&line.title, caps.title_chars))),
            Inline::bold(data(&line.service, NAME_CHARS), None),
            Inline::run(format!(
                " · {} events · {}",
                group_thousands(line.events),
                users(line.users)
            )),
        ]);
        if let Some(ticket) = &line.ticket {
            inlines.push(Inline::run(" · "));
            inlines.push(ticket_run(ticket));
        }
        Element::rich(inlines)
    }));
    out.extend(more(lines.len(), caps.items, "clusters"));
    out
}

pub(super) fn top(summary: &HealthSummary, caps: &Caps) -> Vec<Element> {
    if summary.top.is_empty() {
        return Vec::new();
    }
    let mut out = vec![Element::heading("Top clusters by score")];
    out.extend(summary.top.iter().take(5).enumerate().map(|(rank, line)| {
        let mut headline = level(&line.level);
        headline.push(Inline::run(format!(
            " {}",
            data(&line.title, caps.title_chars)
        )));
        let details = Element::rich(vec![
            Inline::bold(data(&line.service, NAME_CHARS), None),
            Inline::run(format!(
                " · {} events · {} · score {:.1}",
                group_thousands(line.events),
                users(line.users),
                line.score
            )),
        ]);
        let ticket = match &line.ticket {
            Some(ticket) => Element::rich(vec![ticket_run(ticket)]),
            None => Element::subtle("no ticket"),
        };
        let column = |width, items| Column {
            kind: "Column",
            width,
            items,
        };
        Element::ColumnSet {
            columns: vec![
                column("auto", vec![Element::text(format!("**{}.**", rank + 1))]),
                column("stretch", vec![Element::rich(headline), details]),
                column("auto", vec![ticket]),
            ],
            separator: (rank > 0).then_some(true),
        }
    }));
    out
}

pub(super) fn services(summary: &HealthSummary, caps: &Caps) -> Vec<Element> {
    if summary.services.is_empty() {
        return Vec::new();
    }
    let ordered = services_by_events(summary);
    let mut out = vec![Element::heading(format!("Services ({})", ordered.len()))];
    out.extend(ordered.iter().take(caps.services).map(|service| {
        let mut inlines = vec![
            Inline::bold(data(&service.service, NAME_CHARS), None),
            Inline::run(format!(
                " {}",
                events_with_trend(service.events, service.previous_events)
            )),
        ];
        if let Some(worst) = &service.worst {
            inlines.push(Inline::run(" · worst: "));
            inlines.extend(level(&worst.level));
            let title = data(&worst.title, caps.title_chars.min(80));
            inlines.push(Inline::run(format!(" {title}")));
        }
        Element::rich(inlines)
    }));
    out.extend(more(ordered.len(), caps.services, "services"));
    out
}

/// The level as a coloured bold run.
fn level(level: &str) -> Vec<Inline> {
    let color = match level {
        "critical" => Some("attention"),
        "high" => Some("warning"),
        "medium" => Some("accent"),
        _ => None,
    };
    vec![Inline::bold(data(level, 20).to_uppercase(), color)]
}

fn ticket_run(ticket: &TicketRef) -> Inline {
    let key = data(&ticket.key, NAME_CHARS);
    if is_web_url(&ticket.url) {
        Inline::link(key, &ticket.url)
    } else {
        Inline::run(key)
    }
}

/// `…and N more <noun>` when `shown` of `total` were listed.
pub(super) fn more(total: usize, shown: usize, noun: &str) -> Option<Element> {
    (total > shown).then(|| Element::subtle(format!("…and {} more {noun}", total - shown)))
}

/// A data string for a `TextRun`: one line, cut to `max_chars`, never empty.
pub(super) fn data(text: &str, max_chars: usize) -> String {
    let short = shorten(text.trim(), max_chars);
    if short.trim().is_empty() {
        "(none)".to_owned()
    } else {
        short
    }
}
