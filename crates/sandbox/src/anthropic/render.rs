//! Answers in the Messages API's shapes: a `Message` (contract:
//! `anthropic/message.json`) for each kind of scripted reply, and the error body
//! `{"type":"error","error":{"type":…,"message":…}}`.

use std::time::Duration;

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::super::llm::{Asked, CUT_TEXT, MALFORMED_INPUT, REFUSAL_TEXT, Scripted, echo, tokens};

/// What to send back.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Answer {
    Message(Value),
    Error {
        status: StatusCode,
        kind: &'static str,
        message: String,
        retry_after: Option<Duration>,
    },
}

/// The answer to a valid request: `scripted`, or the default reply when nothing is
/// scripted (a sample call of a forced tool, else an echo of the user's message).
/// `Timeout` is handled by the caller (it waits, then asks for the default).
pub(super) fn answer(serial: u64, asked: &Asked, scripted: Option<Scripted>) -> Answer {
    let tool_use = |name: String, input: Value| {
        json!({
            "type": "tool_use",
            "id": format!("toolu_sandbox_{serial:06}"),
            "name": name,
            "input": input,
        })
    };
    let text = |text: &str| json!({"type": "text", "text": text, "citations": null});
    let (content, stop, details) = match scripted {
        Some(Scripted::Text(t)) => (vec![text(&t)], "end_turn", Value::Null),
        Some(Scripted::ToolUse { name, input }) => {
            (vec![tool_use(name, input)], "tool_use", Value::Null)
        }
        Some(Scripted::MalformedToolUse) => (
            vec![tool_use(asked.target_tool(), json!(MALFORMED_INPUT))],
            "tool_use",
            Value::Null,
        ),
        Some(Scripted::Refusal) => (
            Vec::new(),
            "refusal",
            json!({"type": "refusal", "category": null, "explanation": REFUSAL_TEXT}),
        ),
        Some(Scripted::MaxTokens) => match &asked.forced {
            // The tool's input was cut before any field was complete.
            Some(tool) => (
                vec![tool_use(tool.clone(), json!({}))],
                "max_tokens",
                Value::Null,
            ),
            None => (vec![text(CUT_TEXT)], "max_tokens", Value::Null),
        },
        Some(Scripted::Overloaded) => {
            return error(
                StatusCode::from_u16(529).unwrap_or(StatusCode::SERVICE_UNAVAILABLE),
                "overloaded_error",
                "Overloaded",
                None,
            );
        }
        Some(Scripted::RateLimited { retry_after }) => {
            return error(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limit_error",
                "This request would exceed your organization's rate limit. Please try again later.",
                Some(retry_after),
            );
        }
        Some(Scripted::Timeout(_)) | None => match asked.forced_sample() {
            Some((name, input)) => (vec![tool_use(name, input)], "tool_use", Value::Null),
            None => (vec![text(&echo(&asked.user))], "end_turn", Value::Null),
        },
    };
    let output_bytes = serde_json::to_string(&content).map_or(0, |s| s.len());
    Answer::Message(json!({
        "id": format!("msg_sandbox_{serial:06}"),
        "type": "message",
        "role": "assistant",
        "model": asked.model,
        "content": content,
        "stop_reason": stop,
        "stop_sequence": null,
        "stop_details": details,
        "usage": {
            "input_tokens": tokens(asked.prompt_bytes),
            "output_tokens": tokens(output_bytes),
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
            "service_tier": "standard",
        },
    }))
}

pub(super) fn error(
    status: StatusCode,
    kind: &'static str,
    message: &str,
    retry_after: Option<Duration>,
) -> Answer {
    Answer::Error {
        status,
        kind,
        message: message.to_owned(),
        retry_after,
    }
}

/// `{"type":"error","error":{"type":kind,"message":message}}`.
pub(super) fn error_body(kind: &str, message: &str) -> Value {
    json!({"type": "error", "error": {"type": kind, "message": message}})
}
