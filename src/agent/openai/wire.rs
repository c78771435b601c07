//! Chat completions on the wire (contract: `openai/chat.json`,
//! `CreateChatCompletionRequest` / `CreateChatCompletionResponse`): typed, and only the
//! fields triaged sends or reads. Reading is lenient where self-hosted servers differ
//! from OpenAI (no `usage`, `arguments` already an object, `tool_calls: null`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::agent::reply::{RawCall, RawReply};
use crate::agent::{ModelRequest, StopReason, Usage};

/// The body of `POST {base}/chat/completions`.
#[derive(Debug, Serialize)]
pub(super) struct ChatRequest<'a> {
    model: &'a str,
    messages: Vec<Message<'a>>,
    /// OpenAI's own API: `max_tokens` is deprecated there and refused by its reasoning
    /// models.
    #[serde(skip_serializing_if = "Option::is_none")]
    max_completion_tokens: Option<u32>,
    /// Other endpoints: the field every OpenAI-compatible server reads.
    #[serde(skip_serializing_if = "Option::is_none")]
    max_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tools: Vec<Tool<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tool_choice: Option<NamedToolChoice<'a>>,
}

#[derive(Debug, Serialize)]
struct Message<'a> {
    role: &'static str,
    content: &'a str,
}

/// `{"type":"function","function":{name, description, parameters}}`.
#[derive(Debug, Serialize)]
struct Tool<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    function: Function<'a>,
}

#[derive(Debug, Serialize)]
struct Function<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    parameters: &'a Value,
}

/// `{"type":"function","function":{"name":…}}`: the model must call that function.
#[derive(Debug, Serialize)]
struct NamedToolChoice<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    function: FunctionName<'a>,
}

#[derive(Debug, Serialize)]
struct FunctionName<'a> {
    name: &'a str,
}

impl<'a> ChatRequest<'a> {
    /// `completion_field`: send the limit as `max_completion_tokens` (OpenAI) rather than
    /// `max_tokens`.
    pub(super) fn new(
        model: &'a str,
        max_tokens: u32,
        completion_field: bool,
        req: &'a ModelRequest,
    ) -> Self {
        let mut messages = Vec::with_capacity(2);
        if !req.system.is_empty() {
            messages.push(Message {
                role: "system",
                content: &req.system,
            });
        }
        messages.push(Message {
            role: "user",
            content: &req.user,
        });
        ChatRequest {
            model,
            messages,
            max_completion_tokens: completion_field.then_some(max_tokens),
            max_tokens: (!completion_field).then_some(max_tokens),
            tools: req
                .tools
                .iter()
                .map(|tool| Tool {
                    kind: "function",
                    function: Function {
                        name: &tool.name,
                        description: &tool.description,
                        parameters: &tool.input_schema,
                    },
                })
                .collect(),
            tool_choice: req.force_tool.as_deref().map(|name| NamedToolChoice {
                kind: "function",
                function: FunctionName { name },
            }),
        }
    }
}

/// The answer: a `chat.completion`.
#[derive(Debug, Deserialize)]
pub(super) struct ChatCompletion {
    #[serde(default)]
    model: String,
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Option<WireUsage>,
}

#[derive(Debug, Deserialize)]
struct Choice {
    #[serde(default)]
    finish_reason: Option<String>,
    message: ResponseMessage,
}

#[derive(Debug, Deserialize)]
struct ResponseMessage {
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    refusal: Option<String>,
    #[serde(default)]
    tool_calls: Option<Vec<WireToolCall>>,
}

#[derive(Debug, Deserialize)]
struct WireToolCall {
    #[serde(default)]
    id: String,
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    function: Option<FunctionCall>,
}

#[derive(Debug, Deserialize)]
struct FunctionCall {
    name: String,
    /// A JSON string on OpenAI; some servers send the object itself.
    #[serde(default)]
    arguments: Value,
}

#[derive(Debug, Deserialize)]
struct WireUsage {
    #[serde(default)]
    prompt_tokens: u64,
    #[serde(default)]
    completion_tokens: u64,
}

impl ChatCompletion {
    /// The first choice as a raw reply; `None` when there is no choice at all.
    pub(super) fn into_raw(self) -> Option<RawReply> {
        let choice = self.choices.into_iter().next()?;
        let message = choice.message;
        let calls: Vec<RawCall> = message
            .tool_calls
            .unwrap_or_default()
            .into_iter()
            .filter(|call| call.kind.as_deref().is_none_or(|kind| kind == "function"))
            .filter_map(|call| {
                let function = call.function?;
                Some(RawCall {
                    id: call.id,
                    name: function.name,
                    input: arguments(function.arguments),
                })
            })
            .collect();
        let refusal = message.refusal.filter(|text| !text.is_empty());
        let stop = match (refusal.is_some(), choice.finish_reason.as_deref()) {
            (true, _) | (_, Some("content_filter")) => StopReason::Refusal,
            (_, Some("length")) => StopReason::MaxTokens,
            (_, Some("tool_calls")) => StopReason::ToolUse,
            // A forced function comes back with `stop`.
            (_, Some("stop") | None) if !calls.is_empty() => StopReason::ToolUse,
            (_, Some("stop")) => StopReason::EndTurn,
            (_, Some(other)) => StopReason::Other(other.to_owned()),
            (_, None) => StopReason::Other("none".to_owned()),
        };
        let usage = self.usage.map_or(Usage::default(), |usage| Usage {
            input_tokens: usage.prompt_tokens,
            output_tokens: usage.completion_tokens,
        });
        Some(RawReply {
            text: refusal.or(message.content),
            calls,
            stop,
            usage,
            model: self.model,
        })
    }
}

/// The call's input: `arguments` parsed when it is a string (empty = no arguments).
fn arguments(wire: Value) -> Result<Value, String> {
    match wire {
        Value::String(text) if text.trim().is_empty() => Ok(Value::Object(Default::default())),
        Value::String(text) => serde_json::from_str(&text).map_err(|e| e.to_string()),
        other => Ok(other),
    }
}

/// An error answer: `{"error":{"message":…,"type":…,"param":…,"code":…}}`.
#[derive(Debug, Deserialize)]
pub(super) struct ErrorBody {
    pub(super) error: ErrorDetail,
}

#[derive(Debug, Deserialize)]
pub(super) struct ErrorDetail {
    #[serde(default)]
    pub(super) message: String,
    #[serde(rename = "type", default)]
    pub(super) kind: Option<String>,
    #[serde(default)]
    pub(super) code: Option<Value>,
}
