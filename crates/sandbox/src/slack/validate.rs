//! What the Slack emulator accepts: a JSON object with `text` and/or `blocks`, blocks of
//! the kinds triaged sends, within the README's limits. Failures are Slack's error strings.

use serde::Deserialize;
use serde_json::Value;

/// The block limits checked (README: header ≤ 150 characters, section text ≤ 3000, ≤ 50
/// blocks). Section fields and context elements use Block Kit's own limits (10 each,
/// 2000 characters a field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlackLimits {
    pub header_chars: usize,
    pub section_chars: usize,
    pub blocks: usize,
}

impl Default for SlackLimits {
    fn default() -> Self {
        SlackLimits {
            header_chars: 150,
            section_chars: 3000,
            blocks: 50,
        }
    }
}

const FIELDS_MAX: usize = 10;
const FIELD_CHARS: usize = 2000;
const CONTEXT_ELEMENTS_MAX: usize = 10;

/// The message fields of the README's request table.
#[derive(Deserialize)]
struct WireMessage {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    blocks: Option<Vec<Value>>,
    /// Type-checked only.
    #[serde(default, rename = "thread_ts")]
    _thread_ts: Option<String>,
    #[serde(default, rename = "unfurl_links")]
    _unfurl_links: Option<bool>,
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum WireBlock {
    Header {
        text: WireText,
    },
    Section {
        #[serde(default)]
        text: Option<WireText>,
        #[serde(default)]
        fields: Option<Vec<WireText>>,
    },
    Context {
        elements: Vec<WireContextElement>,
    },
    Divider {},
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum WireText {
    PlainText {
        text: String,
        #[serde(default, rename = "emoji")]
        _emoji: Option<bool>,
    },
    Mrkdwn {
        text: String,
        #[serde(default, rename = "verbatim")]
        _verbatim: Option<bool>,
    },
}

impl WireText {
    fn text(&self) -> &str {
        match self {
            WireText::PlainText { text, .. } | WireText::Mrkdwn { text, .. } => text,
        }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum WireContextElement {
    Text(WireText),
    Image {
        #[serde(rename = "image_url")]
        _image_url: String,
        #[serde(rename = "alt_text")]
        _alt_text: String,
    },
}

/// The accepted message as JSON, or Slack's error string.
pub(super) fn message(body: &[u8], limits: &SlackLimits) -> Result<Value, &'static str> {
    let value: Value = serde_json::from_slice(body).map_err(|_| "invalid_payload")?;
    if !value.is_object() {
        return Err("invalid_payload");
    }
    let message: WireMessage =
        serde_json::from_value(value.clone()).map_err(|_| "invalid_payload")?;
    let has_text = message
        .text
        .as_deref()
        .is_some_and(|t| !t.trim().is_empty());
    let blocks = message.blocks.unwrap_or_default();
    if !has_text && blocks.is_empty() {
        return Err("no_text");
    }
    if blocks.len() > limits.blocks {
        return Err("invalid_blocks");
    }
    for block in blocks {
        let block: WireBlock = serde_json::from_value(block).map_err(|_| "invalid_blocks")?;
        check_block(&block, limits)?;
    }
    Ok(value)
}

fn check_block(block: &WireBlock, limits: &SlackLimits) -> Result<(), &'static str> {
    let fits = |text: &WireText, max: usize| {
        let chars = text.text().chars().count();
        (1..=max).contains(&chars)
    };
    let ok = match block {
        WireBlock::Header { text } => {
            matches!(text, WireText::PlainText { .. }) && fits(text, limits.header_chars)
        }
        WireBlock::Section { text, fields } => {
            let fields = fields.as_deref().unwrap_or_default();
            (text.is_some() || !fields.is_empty())
                && text.as_ref().is_none_or(|t| fits(t, limits.section_chars))
                && fields.len() <= FIELDS_MAX
                && fields.iter().all(|f| fits(f, FIELD_CHARS))
        }
        WireBlock::Context { elements } => {
            (1..=CONTEXT_ELEMENTS_MAX).contains(&elements.len())
                && elements.iter().all(|e| match e {
                    WireContextElement::Text(text) => fits(text, limits.section_chars),
                    WireContextElement::Image { .. } => true,
                })
        }
        WireBlock::Divider {} => true,
    };
    if ok { Ok(()) } else { Err("invalid_blocks") }
}
