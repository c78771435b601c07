//! The checks every reply passes, whatever the provider: tool inputs are JSON objects,
//! tools are ones that were offered, and a forced tool was called.

use serde_json::Value;

use super::{AgentError, ModelReply, ModelRequest, StopReason, ToolCall, Usage};

/// A tool call as the wire gave it: the input, or why it could not be read.
pub(super) struct RawCall {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) input: Result<Value, String>,
}

/// A reply decoded from the wire, before the checks.
pub(super) struct RawReply {
    pub(super) text: Option<String>,
    pub(super) calls: Vec<RawCall>,
    pub(super) stop: StopReason,
    pub(super) usage: Usage,
    pub(super) model: String,
}

/// The checked reply. A call whose input is not an object is a [`AgentError::BadToolCall`],
/// except after a `max_tokens` stop, where it was cut off and is dropped. A call to a tool
/// not offered is a `BadToolCall`. A forced tool that was not called is a
/// [`AgentError::NoToolCall`] unless the model refused or ran out of tokens (the stop
/// reason says so).
pub(super) fn finish(
    provider: &'static str,
    req: &ModelRequest,
    raw: RawReply,
) -> Result<ModelReply, AgentError> {
    let usage = raw.usage;
    let bad = |tool: &str, reason: String| AgentError::BadToolCall {
        provider,
        tool: tool.to_owned(),
        reason,
        usage,
    };
    let mut tool_calls = Vec::with_capacity(raw.calls.len());
    for call in raw.calls {
        let input = match call.input {
            Ok(input) if input.is_object() => Ok(input),
            Ok(other) => Err(format!(
                "its input is {}, not a JSON object",
                kind_of(&other)
            )),
            Err(reason) => Err(format!("its input is not JSON: {reason}")),
        };
        let input = match input {
            Ok(input) => input,
            Err(_) if raw.stop == StopReason::MaxTokens => continue,
            Err(reason) => return Err(bad(&call.name, reason)),
        };
        if !req.tools.iter().any(|tool| tool.name == call.name) {
            return Err(bad(&call.name, "no tool of that name was offered".into()));
        }
        tool_calls.push(ToolCall {
            id: call.id,
            name: call.name,
            input,
        });
    }
    if let Some(forced) = &req.force_tool
        && !matches!(raw.stop, StopReason::Refusal | StopReason::MaxTokens)
        && !tool_calls.iter().any(|call| &call.name == forced)
    {
        return Err(AgentError::NoToolCall {
            provider,
            expected: forced.clone(),
            stop: raw.stop,
            usage,
        });
    }
    Ok(ModelReply {
        text: raw.text.filter(|text| !text.is_empty()),
        tool_calls,
        stop: raw.stop,
        usage,
        model: raw.model,
    })
}

/// The output-token limit of one call: what the request asks (0 = no wish), at most the
/// configured ceiling.
pub(super) fn max_tokens(requested: u32, ceiling: u32) -> u32 {
    if requested == 0 {
        ceiling
    } else {
        requested.min(ceiling)
    }
}

/// Logs the outcome of one call (tokens, stop), never its content.
pub(super) fn trace(provider: &'static str, model: &str, reply: &Result<ModelReply, AgentError>) {
    match reply {
        Ok(reply) => tracing::debug!(
            provider,
            model,
            input_tokens = reply.usage.input_tokens,
            output_tokens = reply.usage.output_tokens,
            stop = ?reply.stop,
            tool_calls = reply.tool_calls.len(),
            "model answered"
        ),
        // The caller decides what a failure means and logs it.
        Err(error) => tracing::debug!(provider, model, %error, "model call failed"),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::agent::ToolSpec;

    fn request(force: Option<&str>) -> ModelRequest {
        ModelRequest {
            system: "s".into(),
            user: "u".into(),
            tools: vec![ToolSpec {
                name: "report".into(),
                description: "d".into(),
                input_schema: json!({"type": "object"}),
            }],
            force_tool: force.map(str::to_owned),
            max_tokens: 100,
        }
    }

    fn raw(stop: StopReason, calls: Vec<RawCall>) -> RawReply {
        RawReply {
            text: Some(String::new()),
            calls,
            stop,
            usage: Usage {
                input_tokens: 10,
                output_tokens: 5,
            },
            model: "m".into(),
        }
    }

    fn call(name: &str, input: Result<Value, String>) -> RawCall {
        RawCall {
            id: "c1".into(),
            name: name.into(),
            input,
        }
    }

    #[test]
    fn object_inputs_pass_and_empty_text_is_none() {
        let reply = finish(
            "p",
            &request(Some("report")),
            raw(
                StopReason::ToolUse,
                vec![call("report", Ok(json!({"a": 1})))],
            ),
        )
        .expect("valid");
        assert_eq!(reply.text, None);
        assert_eq!(reply.tool_input("report"), Some(&json!({"a": 1})));
    }

    #[test]
    fn non_objects_unknown_tools_and_missing_forced_calls_are_errors() {
        let err = finish(
            "p",
            &request(None),
            raw(StopReason::ToolUse, vec![call("report", Ok(json!("{")))]),
        )
        .unwrap_err();
        assert!(
            matches!(&err, AgentError::BadToolCall { reason, .. } if reason.contains("a string"))
        );
        assert_eq!(err.usage().map(|u| u.output_tokens), Some(5));
        let err = finish(
            "p",
            &request(None),
            raw(StopReason::ToolUse, vec![call("rm_rf", Ok(json!({})))]),
        )
        .unwrap_err();
        assert!(matches!(err, AgentError::BadToolCall { tool, .. } if tool == "rm_rf"));
        let err = finish(
            "p",
            &request(Some("report")),
            raw(StopReason::EndTurn, vec![]),
        )
        .unwrap_err();
        assert!(matches!(err, AgentError::NoToolCall { expected, .. } if expected == "report"));
    }

    #[test]
    fn refusals_and_cut_off_calls_are_replies() {
        let refused = finish(
            "p",
            &request(Some("report")),
            raw(StopReason::Refusal, vec![]),
        )
        .expect("a refusal is a reply");
        assert_eq!(refused.stop, StopReason::Refusal);
        let cut = finish(
            "p",
            &request(Some("report")),
            raw(
                StopReason::MaxTokens,
                vec![call("report", Err("EOF while parsing".into()))],
            ),
        )
        .expect("a max_tokens stop is a reply");
        assert!(cut.tool_calls.is_empty());
    }
}
