//! Lays out the summary as an Adaptive Card, shrinking the lists until the message fits
//! the size budget.

use super::lists::{self, data};
use super::{
    Action, AdaptiveCard, CARD_CONTENT_TYPE, CARD_VERSION, CardAttachment, Element, Fact, Inline,
    MESSAGE_BUDGET_BYTES, TeamsMessage,
};
use crate::domain::summary::{HealthSummary, Paragraph, ParagraphAuthor, group_thousands};
use crate::notify::text::{
    DETAIL_CHARS, NAME_CHARS, day_label, fallback_text, is_web_url, total_with_trend, window_label,
};

/// How much of each list a card shows.
pub(super) struct Caps {
    pub(super) items: usize,
    pub(super) services: usize,
    pub(super) title_chars: usize,
}

/// Tried in order until the message fits [`MESSAGE_BUDGET_BYTES`].
const CAPS: [Caps; 3] = [
    Caps {
        items: 10,
        services: 25,
        title_chars: 150,
    },
    Caps {
        items: 5,
        services: 10,
        title_chars: 80,
    },
    Caps {
        items: 3,
        services: 5,
        title_chars: 40,
    },
];

/// The workflow-webhook body for `summary` with `paragraph` on top.
pub fn teams_message(summary: &HealthSummary, paragraph: &Paragraph) -> TeamsMessage {
    let mut message = build(summary, paragraph, &CAPS[0]);
    for caps in &CAPS[1..] {
        let size = serde_json::to_vec(&message).map_or(usize::MAX, |body| body.len());
        if size <= MESSAGE_BUDGET_BYTES {
            break;
        }
        message = build(summary, paragraph, caps);
    }
    message
}

fn build(summary: &HealthSummary, paragraph: &Paragraph, caps: &Caps) -> TeamsMessage {
    let mut body = vec![
        Element::TextBlock {
            text: format!("Morning health summary · {}", day_label(summary)),
            wrap: true,
            size: Some("large"),
            weight: Some("bolder"),
            color: None,
            is_subtle: None,
            separator: None,
        },
        Element::subtle(format!("Window: {}", window_label(summary))),
    ];
    body.extend(failures(summary, caps));
    body.push(paragraph_block(summary, paragraph));
    body.push(Element::FactSet {
        facts: facts(summary),
    });
    if !summary.is_quiet() {
        body.extend(lists::list("New clusters", &summary.new_clusters, caps));
        body.extend(lists::list("Regressions", &summary.regressions, caps));
        body.extend(lists::list(
            "Closed automatically",
            &summary.auto_closed,
            caps,
        ));
        body.extend(lists::top(summary, caps));
        body.extend(lists::services(summary, caps));
    }
    body.push(Element::subtle(match &paragraph.author {
        ParagraphAuthor::Template => "Summary: triaged template",
        ParagraphAuthor::Model { .. } => "Summary written by a language model from these numbers",
    }));
    let actions = summary
        .dashboard_url
        .as_deref()
        .filter(|url| is_web_url(url))
        .map(|url| Action::OpenUrl {
            title: Some("Open the dashboard".to_owned()),
            url: url.trim().to_owned(),
        })
        .into_iter()
        .collect();
    TeamsMessage {
        kind: "message",
        attachments: vec![CardAttachment {
            content_type: CARD_CONTENT_TYPE,
            content_url: None,
            content: AdaptiveCard {
                kind: "AdaptiveCard",
                schema: "http://adaptivecards.io/schemas/adaptive-card.json",
                version: CARD_VERSION,
                fallback_text: fallback_text(summary),
                body,
                actions,
            },
        }],
    }
}

fn failures(summary: &HealthSummary, caps: &Caps) -> Option<Element> {
    let count = summary.failures.len();
    if count == 0 {
        return None;
    }
    let runs = if count == 1 {
        "run or source"
    } else {
        "runs or sources"
    };
    let mut items = vec![Element::TextBlock {
        text: format!("🚨 {count} failed {runs} of triaged: these numbers may be incomplete"),
        wrap: true,
        size: None,
        weight: Some("bolder"),
        color: Some("attention"),
        is_subtle: None,
        separator: None,
    }];
    items.extend(summary.failures.iter().take(caps.items).map(|failure| {
        Element::rich(vec![
            Inline::bold(data(&failure.what, NAME_CHARS), None),
            Inline::run(format!(" at {} UTC: ", failure.at.format("%H:%M"))),
            Inline::run(data(&failure.detail, DETAIL_CHARS)),
        ])
    }));
    items.extend(lists::more(count, caps.items, "failures"));
    Some(Element::Container {
        items,
        style: Some("attention"),
    })
}

fn paragraph_block(summary: &HealthSummary, paragraph: &Paragraph) -> Element {
    let text = data(&paragraph.text, 3000);
    let text = match (summary.is_quiet(), text.as_str()) {
        (_, "(none)") => fallback_text(summary),
        (true, _) => format!("✅ {text}"),
        (false, _) => text,
    };
    Element::rich(vec![Inline::run(text)])
}

fn facts(summary: &HealthSummary) -> Vec<Fact> {
    let fact = |title: &str, value: String| Fact {
        title: title.to_owned(),
        value,
    };
    let mut facts = Vec::new();
    if !summary.is_quiet() {
        facts.extend([
            fact(
                "Events",
                total_with_trend(summary.events, summary.previous_events),
            ),
            fact("New clusters", summary.new_clusters.len().to_string()),
            fact("Regressions", summary.regressions.len().to_string()),
            fact(
                "Closed automatically",
                summary.auto_closed.len().to_string(),
            ),
        ]);
    }
    if summary.is_quiet() && !summary.auto_closed.is_empty() {
        facts.push(fact(
            "Closed automatically",
            summary.auto_closed.len().to_string(),
        ));
    }
    facts.extend([
        fact("Open tickets", group_thousands(summary.open_tickets)),
        fact("PRs drafted", group_thousands(summary.prs_drafted)),
        fact("PRs merged", group_thousands(summary.prs_merged)),
    ]);
    facts
}
