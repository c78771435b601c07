//! The Messages API on the wire (contracts: `anthropic/create-params.json` for
//! the request, `anthropic/message.json` for the answer): typed, and only the
//! fields triaged sends or reads.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::agent::reply::{RawCall, RawReply};
use crate::agent::{ModelRequest, StopReason, Usage};

/// The body of `POST /v1/messages` (not streamed).
#[derive(Debug, Serialize)]
pub(super) struct CreateParams<'a> {
    model: &'a str,
    max_tokens: u32,
    #[serde(skip_serializing_if = "str::is_empty")]
    system: &'a str,
    messages: [UserMessage<'a>; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tools: Vec<Tool<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tool_choice: Option<ToolChoice<'a>>,
}

#[derive(Debug, Serialize)]
struct UserMessage<'a> {
    role: &'static str,
    content: &'a str,
}

#[derive(Debug, Serialize)]
struct Tool<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    input_schema: &'a Value,
}

/// `{"type":"tool","name":…}`: the model must call that tool.
#[derive(Debug, Serialize)]
struct ToolChoice<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    name: &'a str,
}

impl<'a> CreateParams<'a> {
    pub(super) fn new(model: &'a str, max_tokens: u32, req: &'a ModelRequest) -> Self {
        CreateParams {
            model,
            max_tokens,
            system: &req.system,
            messages: [UserMessage {
                role: "user",
                content: &req.user,
            }],
            tools: req
                .tools
                .iter()
                .map(|tool| Tool {
                    name: &tool.name,
                    description: &tool.description,
                    input_schema: &tool.input_schema,
                })
                .collect(),
            tool_choice: req
                .force_tool
                .as_deref()
                .map(|name| ToolChoice { kind: "tool", name }),
        }
    }
}

/// The answer: a `Message`.
#[derive(Debug, Deserialize)]
pub(super) struct Message {
    model: String,
    content: Vec<Block>,
    #[serde(default)]
    stop_reason: Option<String>,
    /// With a `refusal` stop: why.
    #[serde(default)]
    stop_details: Option<StopDetails>,
    usage: WireUsage,
}

#[derive(Debug, Deserialize)]
struct StopDetails {
    #[serde(default)]
    explanation: Option<String>,
}

/// A content block; kinds triaged never asks for (thinking, server tools) are skipped.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Block {
    Text {
        text: String,
    },
    ToolUse {
        id: String,
        name: String,
        input: Value,
    },
    #[serde(other)]
    Other,
}

#[derive(Debug, Deserialize)]
struct WireUsage {
    input_tokens: u64,
    output_tokens: u64,
}

impl Message {
    pub(super) fn into_raw(self) -> RawReply {
        let mut texts = Vec::new();
        let mut calls = Vec::new();
        for block in self.content {
            match block {
                Block::Text { text } => texts.push(text),
                Block::ToolUse { id, name, input } => calls.push(RawCall {
                    id,
                    name,
                    input: Ok(input),
                }),
                Block::Other => {}
            }
        }
        // A refusal may come with no text but an explanation.
        let explanation = self.stop_details.and_then(|details| details.explanation);
        RawReply {
            text: (!texts.is_empty())
                .then(|| texts.join("\n"))
                .or(explanation),
            calls,
            stop: stop_reason(self.stop_reason.as_deref()),
            usage: Usage {
                input_tokens: self.usage.input_tokens,
                output_tokens: self.usage.output_tokens,
            },
            model: self.model,
        }
    }
}

fn stop_reason(wire: Option<&str>) -> StopReason {
    match wire {
        Some("end_turn") => StopReason::EndTurn,
        Some("max_tokens") => StopReason::MaxTokens,
        Some("tool_use") => StopReason::ToolUse,
        Some("refusal") => StopReason::Refusal,
        Some(other) => StopReason::Other(other.to_owned()),
        None => StopReason::Other("none".to_owned()),
    }
}

/// An error answer: `{"type":"error","error":{"type":…,"message":…}}`.
#[derive(Debug, Deserialize)]
pub(super) struct ErrorBody {
    pub(super) error: ErrorDetail,
}

#[derive(Debug, Deserialize)]
pub(super) struct ErrorDetail {
    #[serde(rename = "type")]
    pub(super) kind: String,
    #[serde(default)]
    pub(super) message: String,
}
