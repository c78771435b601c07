//! The Slack incoming-webhook body of the morning summary: a `text` fallback and Block
//! Kit blocks (header, section, context, divider) within the limits recorded in
//! `contracts/slack/README.md` (header ≤ 150 characters, section text ≤ 3000, ≤ 50 blocks).
//!
//! Strings that come from data (titles, services, ticket keys, failure names) are shown
//! as inline code with `&`, `<` and `>` escaped, so they can neither format, link nor
//! mention; they are cut on character boundaries with `…`, never rejected. The paragraph
//! is a `plain_text` section: Slack renders it literally.

mod sections;

use serde::Serialize;

use super::text::{day_label, fallback_text};
use crate::domain::summary::{HealthSummary, Paragraph, TicketRef, shorten};

/// Longest `header` text, in characters.
pub const HEADER_MAX_CHARS: usize = 150;
/// Longest `section` text, in characters.
pub const SECTION_MAX_CHARS: usize = 3000;
/// Most blocks in one message.
pub const MAX_BLOCKS: usize = 50;

/// An incoming-webhook message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SlackMessage {
    /// Shown in notifications; numbers only.
    pub text: String,
    pub blocks: Vec<Block>,
    /// No link previews for the ticket and dashboard links.
    pub unfurl_links: bool,
}

/// The Block Kit layout blocks the summary uses.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    Header { text: Text },
    Section { text: Text },
    Context { elements: Vec<Text> },
    Divider,
}

/// A Block Kit text object.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Text {
    PlainText { text: String, emoji: bool },
    Mrkdwn { text: String },
}

impl Text {
    fn plain(text: impl Into<String>) -> Text {
        Text::PlainText {
            text: text.into(),
            emoji: true,
        }
    }

    fn mrkdwn(text: impl Into<String>) -> Text {
        Text::Mrkdwn { text: text.into() }
    }
}

/// The webhook body for `summary` with `paragraph` on top.
pub fn slack_message(summary: &HealthSummary, paragraph: &Paragraph) -> SlackMessage {
    let header = Block::Header {
        text: Text::plain(shorten(
            &format!("Morning health summary · {}", day_label(summary)),
            HEADER_MAX_CHARS,
        )),
    };
    let mut blocks = vec![header];
    let paragraph_block = Block::Section {
        text: Text::plain(paragraph_text(summary, paragraph)),
    };
    if summary.is_quiet() {
        blocks.push(paragraph_block);
        blocks.push(sections::quiet_counts(summary));
    } else {
        blocks.extend(sections::failures(summary));
        blocks.push(paragraph_block);
        blocks.push(sections::totals(summary));
        blocks.push(Block::Divider);
        blocks.extend(sections::changes(summary));
        blocks.extend(sections::top(summary));
        blocks.extend(sections::services(summary));
        blocks.push(Block::Divider);
    }
    blocks.push(sections::footer(summary, paragraph));
    if blocks.len() > MAX_BLOCKS {
        // Not reachable with the sections above; keep the footer if it ever is.
        let footer = blocks.pop();
        blocks.truncate(MAX_BLOCKS - 1);
        blocks.extend(footer);
    }
    SlackMessage {
        text: fallback_text(summary),
        blocks,
        unfurl_links: false,
    }
}

fn paragraph_text(summary: &HealthSummary, paragraph: &Paragraph) -> String {
    let text = paragraph.text.trim();
    let text = if text.is_empty() {
        fallback_text(summary)
    } else {
        text.to_owned()
    };
    let text = if summary.is_quiet() {
        format!(":white_check_mark: {text}")
    } else {
        text
    };
    shorten(&text, SECTION_MAX_CHARS)
}

/// `&`, `<` and `>` as Slack's mrkdwn requires.
pub fn escape_mrkdwn(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// A data string as inline code: one line, at most `max_chars` characters, backticks
/// replaced, escaped. Inside code, `*bold*`, `_italic_` and `~strike~` do not format.
pub fn code(text: &str, max_chars: usize) -> String {
    let short = shorten(text.trim(), max_chars).replace('`', "ˋ");
    if short.trim().is_empty() {
        return "`(none)`".to_owned();
    }
    format!("`{}`", escape_mrkdwn(&short))
}

/// `<url|ENG-12>` when the URL is a web URL, else the key as code.
pub fn ticket_link(ticket: &TicketRef) -> String {
    let key = code(&ticket.key, super::text::NAME_CHARS);
    match link_target(&ticket.url) {
        Some(url) => format!("<{url}|{}>", key.trim_matches('`')),
        None => key,
    }
}

/// The URL escaped for `<url|text>`: `&<>` as entities, `|` percent-encoded; `None` when
/// it is not an http(s) URL.
pub(crate) fn link_target(url: &str) -> Option<String> {
    super::text::is_web_url(url).then(|| escape_mrkdwn(url.trim()).replace('|', "%7C"))
}
