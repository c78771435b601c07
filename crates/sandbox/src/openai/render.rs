//! Answers in the chat-completions API's shapes (contract: `openai/chat.json`):
//! a `chat.completion` for each kind of scripted reply, and the error body
//! `{"error":{"message","type","param","code"}}`.

use std::time::Duration;

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::super::llm::{Asked, CUT_TEXT, MALFORMED_INPUT, REFUSAL_TEXT, Scripted, echo, tokens};

/// `created` of the first answer (2026-01-01T00:00:00Z); each answer adds a second.
const CREATED_BASE: u64 = 1_767_225_600;

/// What to send back.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Answer {
    Completion(Value),
    Error {
        status: StatusCode,
        body: Value,
        retry_after: Option<Duration>,
    },
}

/// The answer to a valid request: `scripted`, or the default reply when nothing is
/// scripted (a sample call of a forced tool, else an echo of the user's message).
/// `Timeout` is handled by the caller (it waits, then asks for the default).
pub(super) fn answer(serial: u64, asked: &Asked, scripted: Option<Scripted>) -> Answer {
    let call = |name: String, arguments: String| {
        json!([{
            "id": format!("call_sandbox_{serial:06}"),
            "type": "function",
            "function": {"name": name, "arguments": arguments},
        }])
    };
    // OpenAI ends a forced function call with `stop`, a chosen one with `tool_calls`.
    let called = if asked.forced.is_some() {
        "stop"
    } else {
        "tool_calls"
    };
    let (content, refusal, tool_calls, finish) = match scripted {
        Some(Scripted::Text(text)) => (json!(text), Value::Null, None, "stop"),
        Some(Scripted::ToolUse { name, input }) => (
            Value::Null,
            Value::Null,
            Some(call(name, input.to_string())),
            called,
        ),
        Some(Scripted::MalformedToolUse) => (
            Value::Null,
            Value::Null,
            Some(call(asked.target_tool(), MALFORMED_INPUT.to_owned())),
            called,
        ),
        Some(Scripted::Refusal) => (Value::Null, json!(REFUSAL_TEXT), None, "stop"),
        Some(Scripted::MaxTokens) => match &asked.forced {
            // The arguments are cut mid-string, as the token limit leaves them.
            Some(tool) => (
                Value::Null,
                Value::Null,
                Some(call(tool.clone(), MALFORMED_INPUT.to_owned())),
                "length",
            ),
            None => (json!(CUT_TEXT), Value::Null, None, "length"),
        },
        Some(Scripted::Overloaded) => {
            let message = "The engine is currently overloaded, please try again later.";
            return error(
                StatusCode::SERVICE_UNAVAILABLE,
                "server_error",
                message,
                None,
                None,
            );
        }
        Some(Scripted::RateLimited { retry_after }) => {
            let message = "Rate limit reached for requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again later.";
            return error(
                StatusCode::TOO_MANY_REQUESTS,
                "requests",
                message,
                Some("rate_limit_exceeded"),
                Some(retry_after),
            );
        }
        Some(Scripted::Timeout(_)) | None => match asked.forced_sample() {
            Some((name, input)) => (
                Value::Null,
                Value::Null,
                Some(call(name, input.to_string())),
                "stop",
            ),
            None => (json!(echo(&asked.user)), Value::Null, None, "stop"),
        },
    };
    let mut message = json!({
        "role": "assistant",
        "content": content,
        "refusal": refusal,
        "annotations": [],
    });
    if let Some(calls) = tool_calls {
        message["tool_calls"] = calls;
    }
    let output_bytes = message.to_string().len();
    let (prompt, completion) = (tokens(asked.prompt_bytes), tokens(output_bytes));
    Answer::Completion(json!({
        "id": format!("chatcmpl-sandbox{serial:06}"),
        "object": "chat.completion",
        "created": CREATED_BASE + serial,
        "model": asked.model,
        "choices": [{
            "index": 0,
            "message": message,
            "logprobs": null,
            "finish_reason": finish,
        }],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        },
        "service_tier": "default",
        "system_fingerprint": "fp_sandbox",
    }))
}

/// An error answer.
pub(super) fn error(
    status: StatusCode,
    kind: &str,
    message: &str,
    code: Option<&str>,
    retry_after: Option<Duration>,
) -> Answer {
    Answer::Error {
        status,
        body: error_body(kind, message, None, code),
        retry_after,
    }
}

/// `{"error":{"message","type","param","code"}}`.
pub(super) fn error_body(
    kind: &str,
    message: &str,
    param: Option<&str>,
    code: Option<&str>,
) -> Value {
    json!({"error": {"message": message, "type": kind, "param": param, "code": code}})
}
