//! What the two LLM emulators (`anthropic`, `openai`) share: the replies a test scripts,
//! the request and answer logs, and the deterministic default reply given when nothing
//! is scripted (so `triaged demo` runs without a model).

use std::collections::VecDeque;
use std::time::Duration;

use serde_json::{Map, Value, json};

/// One scripted answer, taken by the next valid request (requests refused for auth or
/// shape take none). Each emulator renders it in its vendor's shape.
#[derive(Debug, Clone, PartialEq)]
pub enum Scripted {
    /// A plain text answer (`end_turn` / `stop`).
    Text(String),
    /// A call of tool `name` with `input`.
    ToolUse { name: String, input: Value },
    /// A call of the forced (else the first) tool whose input is not a JSON object:
    /// Anthropic gets a string `input`, OpenAI `arguments` that are not JSON.
    MalformedToolUse,
    /// The model declines (Anthropic `refusal`, OpenAI `message.refusal`).
    Refusal,
    /// The answer is cut by the token limit (`max_tokens` / `length`).
    MaxTokens,
    /// Anthropic 529 `overloaded_error`, OpenAI 503.
    Overloaded,
    /// 429 with `retry-after` (whole seconds, rounded up).
    RateLimited { retry_after: Duration },
    /// The answer (the default reply) is held this long first.
    Timeout(Duration),
}

/// One answer an emulator gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LlmAnswer {
    pub status: u16,
    pub body: String,
}

/// What a valid request asked, in the terms the answer needs.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Asked {
    pub(super) model: String,
    /// The last user message's text.
    pub(super) user: String,
    /// Size of the prompt (system, messages, tools), for the token estimate.
    pub(super) prompt_bytes: usize,
    /// Each offered tool's name and input schema.
    pub(super) tools: Vec<(String, Value)>,
    /// The tool the request forces, if any.
    pub(super) forced: Option<String>,
}

impl Asked {
    /// The tool a malformed or cut call names: the forced one, else the first offered.
    pub(super) fn target_tool(&self) -> String {
        self.forced
            .clone()
            .or_else(|| self.tools.first().map(|(name, _)| name.clone()))
            .unwrap_or_else(|| "unknown_tool".to_owned())
    }

    /// The default reply's tool call, when a tool is forced: a sample of its schema.
    pub(super) fn forced_sample(&self) -> Option<(String, Value)> {
        let forced = self.forced.as_ref()?;
        let schema = self
            .tools
            .iter()
            .find(|(name, _)| name == forced)
            .map_or(&Value::Null, |(_, schema)| schema);
        Some((forced.clone(), sample_input(schema)))
    }
}

/// Requests and answers kept; older ones are dropped.
const LOG_MAX: usize = 10_000;

/// The script queue and the logs of one emulator.
#[derive(Debug, Default)]
pub(super) struct Script {
    queue: VecDeque<Scripted>,
    /// Answers kept for requests that force a given tool; they go before `queue`.
    by_tool: std::collections::BTreeMap<String, VecDeque<Scripted>>,
    requests: VecDeque<Value>,
    answers: VecDeque<LlmAnswer>,
    serial: u64,
}

impl Script {
    pub(super) fn push(&mut self, reply: Scripted) {
        self.queue.push_back(reply);
    }

    /// Queues `reply` for the next request that forces `tool`, whatever else is queued.
    pub(super) fn push_for_tool(&mut self, tool: &str, reply: Scripted) {
        self.by_tool
            .entry(tool.to_owned())
            .or_default()
            .push_back(reply);
    }

    /// The answer for `asked`: the first kept for its forced tool, else the next in line.
    pub(super) fn take(&mut self, asked: &Asked) -> Option<Scripted> {
        asked
            .forced
            .as_ref()
            .and_then(|tool| self.by_tool.get_mut(tool))
            .and_then(VecDeque::pop_front)
            .or_else(|| self.queue.pop_front())
    }

    pub(super) fn pending(&self) -> usize {
        self.queue.len() + self.by_tool.values().map(VecDeque::len).sum::<usize>()
    }

    /// Logs a request body (JSON, or the raw text as a JSON string) and returns its serial.
    pub(super) fn record_request(&mut self, body: &[u8]) -> u64 {
        let value = serde_json::from_slice(body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(body).into_owned()));
        push_bounded(&mut self.requests, value);
        self.serial += 1;
        self.serial
    }

    pub(super) fn record_answer(&mut self, status: u16, body: &[u8]) {
        let body = String::from_utf8_lossy(body).into_owned();
        push_bounded(&mut self.answers, LlmAnswer { status, body });
    }

    pub(super) fn requests(&self) -> Vec<Value> {
        self.requests.iter().cloned().collect()
    }

    pub(super) fn answers(&self) -> Vec<LlmAnswer> {
        self.answers.iter().cloned().collect()
    }
}

fn push_bounded<T>(log: &mut VecDeque<T>, item: T) {
    if log.len() == LOG_MAX {
        log.pop_front();
    }
    log.push_back(item);
}

/// A tool input that fits `schema` well enough for a demo: each required property (all
/// properties when none is required) with a placeholder of its type.
pub(super) fn sample_input(schema: &Value) -> Value {
    sample(schema, 0)
}

fn sample(schema: &Value, depth: usize) -> Value {
    let kind = schema
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("object");
    match kind {
        "object" if depth < 4 => {
            let properties = schema.get("properties").and_then(Value::as_object);
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|names| names.iter().filter_map(Value::as_str).collect())
                .unwrap_or_else(|| {
                    properties
                        .map(|p| p.keys().map(String::as_str).collect())
                        .unwrap_or_default()
                });
            let mut object = Map::new();
            for name in required {
                let property = properties.and_then(|p| p.get(name)).unwrap_or(&Value::Null);
                object.insert(name.to_owned(), sample(property, depth + 1));
            }
            Value::Object(object)
        }
        "object" => json!({}),
        "string" => match schema
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|e| e.first())
        {
            Some(first) => first.clone(),
            None => json!("sandbox answer"),
        },
        "integer" | "number" => json!(0),
        "boolean" => json!(false),
        "array" => json!([]),
        _ => Value::Null,
    }
}

/// The default text answer: a short echo of the user's message.
pub(super) fn echo(user: &str) -> String {
    let head: String = user.chars().take(80).collect();
    format!("Sandbox model reply to: {}", head.trim())
}

/// The start of an answer, as a token limit cuts it.
pub(super) const CUT_TEXT: &str = "The most likely root cause is that the";

/// What a refusing model says.
pub(super) const REFUSAL_TEXT: &str = "I'm sorry, but I can't help with that request.";

/// Tool input that is not an object: a JSON text cut in the middle of a string.
pub(super) const MALFORMED_INPUT: &str = "{\"summary\": \"the handler derefere";

/// Token counts the way a tokenizer roughly would: 4 bytes a token, at least one.
pub(super) fn tokens(bytes: usize) -> u64 {
    u64::try_from(bytes.div_ceil(4).max(1)).unwrap_or(u64::MAX)
}

/// Whether `name` is a valid tool/function name for both APIs.
pub(super) fn valid_tool_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_inputs_follow_the_schema() {
        let schema = json!({
            "type": "object",
            "properties": {
                "summary": {"type": "string"},
                "risk": {"type": "string", "enum": ["low", "high"]},
                "lines": {"type": "integer"},
                "files": {"type": "array", "items": {"type": "string"}},
                "extra": {"type": "boolean"}
            },
            "required": ["summary", "risk", "lines", "files"]
        });
        assert_eq!(
            sample_input(&schema),
            json!({"summary": "sandbox answer", "risk": "low", "lines": 0, "files": []})
        );
        assert_eq!(sample_input(&json!({})), json!({}));
    }

    #[test]
    fn tool_names_follow_the_shared_rule() {
        assert!(valid_tool_name("report_fix-2"));
        assert!(
            !valid_tool_name("report fix")
                && !valid_tool_name("")
                && !valid_tool_name(&"a".repeat(65))
        );
    }
}
