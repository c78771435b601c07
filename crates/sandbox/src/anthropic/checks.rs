//! What the Messages API refuses before a model sees the request: a missing or wrong
//! `x-api-key` (401 `authentication_error`), a missing `anthropic-version`, a body that
//! is not JSON, and fields that are missing, of the wrong type or unknown (400
//! `invalid_request_error`, the message naming the field the way the API does).

use axum::http::{HeaderMap, StatusCode};
use serde_json::{Map, Value};

use super::super::llm::{Asked, valid_tool_name};

/// The versions the API accepts.
const VERSIONS: [&str; 2] = ["2023-06-01", "2023-01-01"];

/// Top-level fields of `create-params.json`.
const KNOWN_FIELDS: [&str; 19] = [
    "max_tokens",
    "messages",
    "model",
    "cache_control",
    "container",
    "diagnostics",
    "inference_geo",
    "metadata",
    "output_config",
    "service_tier",
    "speed",
    "stop_sequences",
    "system",
    "thinking",
    "tool_choice",
    "tools",
    "user_profile_id",
    "workspace_id",
    "stream",
];

/// A refused request: status, error type and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Rejection {
    pub(super) status: StatusCode,
    pub(super) kind: &'static str,
    pub(super) message: String,
}

fn invalid(message: impl Into<String>) -> Rejection {
    Rejection {
        status: StatusCode::BAD_REQUEST,
        kind: "invalid_request_error",
        message: message.into(),
    }
}

/// 401 unless `x-api-key` is exactly `key`.
pub(super) fn authenticate(headers: &HeaderMap, key: &str) -> Result<(), Rejection> {
    match headers.get("x-api-key").map(|v| v.as_bytes()) {
        Some(given) if given == key.as_bytes() => Ok(()),
        _ => Err(Rejection {
            status: StatusCode::UNAUTHORIZED,
            kind: "authentication_error",
            message: "invalid x-api-key".to_owned(),
        }),
    }
}

/// The request's headers and body as the API checks them.
pub(super) fn request(headers: &HeaderMap, body: &[u8]) -> Result<Asked, Rejection> {
    match headers
        .get("anthropic-version")
        .and_then(|v| v.to_str().ok())
    {
        None => return Err(invalid("anthropic-version: header is required")),
        Some(v) if !VERSIONS.contains(&v) => {
            return Err(invalid(format!("anthropic-version: invalid version {v:?}")));
        }
        Some(_) => {}
    }
    let json = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !json {
        return Err(invalid("Content-Type must be application/json"));
    }
    let Ok(Value::Object(params)) = serde_json::from_slice::<Value>(body) else {
        return Err(invalid(
            "There was an error parsing the body as a JSON object.",
        ));
    };
    if let Some(extra) = params.keys().find(|k| !KNOWN_FIELDS.contains(&k.as_str())) {
        return Err(invalid(format!("{extra}: Extra inputs are not permitted")));
    }
    let model = match params.get("model") {
        None => return Err(invalid("model: Field required")),
        Some(Value::String(m)) if !m.is_empty() => m.clone(),
        Some(_) => return Err(invalid("model: Input should be a valid string")),
    };
    match params.get("max_tokens") {
        None => return Err(invalid("max_tokens: Field required")),
        Some(v) if v.as_u64().is_some_and(|n| n >= 1) => {}
        Some(v) if v.is_i64() => {
            return Err(invalid(
                "max_tokens: Input should be greater than or equal to 1",
            ));
        }
        Some(_) => return Err(invalid("max_tokens: Input should be a valid integer")),
    }
    if params.get("stream").and_then(Value::as_bool) == Some(true) {
        return Err(invalid("stream: streaming is not emulated by the sandbox"));
    }
    if let Some(system) = params.get("system") {
        check_content("system", system)?;
    }
    let user = messages(params.get("messages"))?;
    let tools = tools(params.get("tools"))?;
    let forced = tool_choice(params.get("tool_choice"), &tools)?;
    Ok(Asked {
        model,
        user,
        prompt_bytes: body.len(),
        tools,
        forced,
    })
}

/// The messages alternate, start with the user and have content; returns the last
/// user message's text.
fn messages(messages: Option<&Value>) -> Result<String, Rejection> {
    let messages = match messages {
        None => return Err(invalid("messages: Field required")),
        Some(Value::Array(list)) if !list.is_empty() => list,
        Some(Value::Array(_)) => return Err(invalid("messages: at least one message is required")),
        Some(_) => return Err(invalid("messages: Input should be a valid list")),
    };
    let mut user = String::new();
    for (i, message) in messages.iter().enumerate() {
        let role = message.get("role").and_then(Value::as_str);
        if !matches!(role, Some("user" | "assistant")) {
            return Err(invalid(format!(
                "messages.{i}.role: Input should be 'user' or 'assistant'"
            )));
        }
        if i == 0 && role != Some("user") {
            return Err(invalid(
                "messages: first message must use the \"user\" role",
            ));
        }
        let content = message
            .get("content")
            .ok_or_else(|| invalid(format!("messages.{i}.content: Field required")))?;
        let text = check_content(&format!("messages.{i}.content"), content)?;
        if role == Some("user") {
            user = text;
        }
    }
    Ok(user)
}

/// A string, or a list of blocks each with a `type` (text blocks with non-empty text);
/// returns the text.
fn check_content(path: &str, content: &Value) -> Result<String, Rejection> {
    match content {
        Value::String(text) if text.is_empty() && path != "system" => Err(invalid(format!(
            "{path}: text content blocks must be non-empty"
        ))),
        Value::String(text) => Ok(text.clone()),
        Value::Array(blocks) => {
            let mut text = String::new();
            for (i, block) in blocks.iter().enumerate() {
                match block.get("type").and_then(Value::as_str) {
                    Some("text") => match block.get("text").and_then(Value::as_str) {
                        Some(t) if !t.is_empty() => text.push_str(t),
                        _ => {
                            return Err(invalid(format!(
                                "{path}.{i}.text: text content blocks must be non-empty"
                            )));
                        }
                    },
                    Some(_) => {}
                    None => return Err(invalid(format!("{path}.{i}.type: Field required"))),
                }
            }
            Ok(text)
        }
        _ => Err(invalid(format!(
            "{path}: Input should be a valid string or list"
        ))),
    }
}

/// Custom tools: a valid unique name and an object `input_schema`.
fn tools(tools: Option<&Value>) -> Result<Vec<(String, Value)>, Rejection> {
    let tools = match tools {
        None => return Ok(Vec::new()),
        Some(Value::Array(list)) => list,
        Some(_) => return Err(invalid("tools: Input should be a valid list")),
    };
    let mut out: Vec<(String, Value)> = Vec::with_capacity(tools.len());
    for (i, tool) in tools.iter().enumerate() {
        let empty = Map::new();
        let tool = tool.as_object().unwrap_or(&empty);
        let name = match tool.get("name").and_then(Value::as_str) {
            Some(name) if valid_tool_name(name) => name,
            Some(_) => {
                return Err(invalid(format!(
                    "tools.{i}.name: String should match pattern '^[a-zA-Z0-9_-]{{1,64}}$'"
                )));
            }
            None => return Err(invalid(format!("tools.{i}.name: Field required"))),
        };
        let schema = tool
            .get("input_schema")
            .ok_or_else(|| invalid(format!("tools.{i}.input_schema: Field required")))?;
        if schema.get("type").and_then(Value::as_str) != Some("object") {
            return Err(invalid(format!(
                "tools.{i}.input_schema.type: Input should be 'object'"
            )));
        }
        if tool.get("description").is_some_and(|d| !d.is_string()) {
            return Err(invalid(format!(
                "tools.{i}.description: Input should be a valid string"
            )));
        }
        if out.iter().any(|(seen, _)| seen == name) {
            return Err(invalid("tools: Tool names must be unique."));
        }
        out.push((name.to_owned(), schema.clone()));
    }
    Ok(out)
}

/// `auto`, `any`, `none`, or `tool` naming an offered tool; returns the forced tool.
fn tool_choice(
    choice: Option<&Value>,
    tools: &[(String, Value)],
) -> Result<Option<String>, Rejection> {
    let Some(choice) = choice else {
        return Ok(None);
    };
    if tools.is_empty() {
        return Err(invalid(
            "tool_choice: tool_choice may only be specified while providing tools",
        ));
    }
    match choice.get("type").and_then(Value::as_str) {
        Some("auto" | "any" | "none") => Ok(None),
        Some("tool") => match choice.get("name").and_then(Value::as_str) {
            Some(name) if tools.iter().any(|(tool, _)| tool == name) => Ok(Some(name.to_owned())),
            Some(name) => Err(invalid(format!(
                "tool_choice.name: tool {name:?} is not among the tools provided"
            ))),
            None => Err(invalid("tool_choice.name: Field required")),
        },
        _ => Err(invalid(
            "tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'",
        )),
    }
}
