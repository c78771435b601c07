//! The Teams workflow-webhook body of the morning summary: the `message` envelope around
//! one Adaptive Card 1.5 (TextBlocks, a FactSet, ColumnSets for the top clusters,
//! `Action.OpenUrl` for the dashboard), kept under Teams' 28 KB message limit.
//!
//! Strings that come from data (titles, services, ticket keys, failure names, the
//! paragraph) go only into `TextRun`s of `RichTextBlock`s, which Adaptive Cards render
//! without markdown, so they cannot format or link; they are cut on character boundaries
//! with `…`. TextBlocks and Facts, which do render markdown, carry only our own wording
//! and numbers.

mod card;
mod lists;

use serde::Serialize;

pub use card::teams_message;

/// The Adaptive Card version the card declares.
pub const CARD_VERSION: &str = "1.5";
/// The attachment content type of an Adaptive Card.
pub const CARD_CONTENT_TYPE: &str = "application/vnd.microsoft.card.adaptive";
/// Largest serialized message the builder produces (Teams refuses more than 28 KB).
pub const MESSAGE_BUDGET_BYTES: usize = 27 * 1024;

/// The workflow-webhook body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeamsMessage {
    /// Always `message`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub attachments: Vec<CardAttachment>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CardAttachment {
    pub content_type: &'static str,
    /// Always `null`: the card is inline.
    pub content_url: Option<String>,
    pub content: AdaptiveCard,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AdaptiveCard {
    /// Always `AdaptiveCard`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    pub version: &'static str,
    pub fallback_text: String,
    pub body: Vec<Element>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<Action>,
}

/// The card elements the summary uses.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all_fields = "camelCase")]
pub enum Element {
    /// Our own wording only: it renders markdown.
    TextBlock {
        text: String,
        wrap: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        size: Option<&'static str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        weight: Option<&'static str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        color: Option<&'static str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        is_subtle: Option<bool>,
        #[serde(skip_serializing_if = "Option::is_none")]
        separator: Option<bool>,
    },
    /// Data strings, as `TextRun`s (no markdown).
    RichTextBlock { inlines: Vec<Inline> },
    /// Numbers only: facts render markdown.
    FactSet { facts: Vec<Fact> },
    ColumnSet {
        columns: Vec<Column>,
        #[serde(skip_serializing_if = "Option::is_none")]
        separator: Option<bool>,
    },
    Container {
        items: Vec<Element>,
        #[serde(skip_serializing_if = "Option::is_none")]
        style: Option<&'static str>,
    },
}

/// A run of text inside a `RichTextBlock`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all_fields = "camelCase")]
pub enum Inline {
    TextRun {
        text: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        weight: Option<&'static str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        color: Option<&'static str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        is_subtle: Option<bool>,
        #[serde(skip_serializing_if = "Option::is_none")]
        select_action: Option<Action>,
    },
}

/// A column of a `ColumnSet`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    /// Always `Column`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// `auto` or `stretch`.
    pub width: &'static str,
    pub items: Vec<Element>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fact {
    pub title: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type")]
pub enum Action {
    #[serde(rename = "Action.OpenUrl")]
    OpenUrl {
        #[serde(skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        url: String,
    },
}

impl Element {
    /// A wrapping TextBlock with no styling.
    pub(crate) fn text(text: impl Into<String>) -> Element {
        Element::TextBlock {
            text: text.into(),
            wrap: true,
            size: None,
            weight: None,
            color: None,
            is_subtle: None,
            separator: None,
        }
    }

    /// A bold heading with a separator line above it.
    pub(crate) fn heading(text: impl Into<String>) -> Element {
        Element::TextBlock {
            text: text.into(),
            wrap: true,
            size: Some("medium"),
            weight: Some("bolder"),
            color: None,
            is_subtle: None,
            separator: Some(true),
        }
    }

    /// A subtle (greyed) TextBlock.
    pub(crate) fn subtle(text: impl Into<String>) -> Element {
        Element::TextBlock {
            text: text.into(),
            wrap: true,
            size: None,
            weight: None,
            color: None,
            is_subtle: Some(true),
            separator: None,
        }
    }

    pub(crate) fn rich(inlines: Vec<Inline>) -> Element {
        Element::RichTextBlock { inlines }
    }
}

impl Inline {
    pub(crate) fn run(text: impl Into<String>) -> Inline {
        Inline::TextRun {
            text: text.into(),
            weight: None,
            color: None,
            is_subtle: None,
            select_action: None,
        }
    }

    pub(crate) fn bold(text: impl Into<String>, color: Option<&'static str>) -> Inline {
        Inline::TextRun {
            text: text.into(),
            weight: Some("bolder"),
            color,
            is_subtle: None,
            select_action: None,
        }
    }

    /// A run that opens `url` when clicked.
    pub(crate) fn link(text: impl Into<String>, url: &str) -> Inline {
        Inline::TextRun {
            text: text.into(),
            weight: None,
            color: Some("accent"),
            is_subtle: None,
            select_action: Some(Action::OpenUrl {
                title: None,
                url: url.trim().to_owned(),
            }),
        }
    }
}
