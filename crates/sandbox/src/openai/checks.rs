//! What the chat-completions API refuses before a model sees the request: a missing or
//! wrong bearer key (401, with OpenAI's masked echo of a wrong key), a body that is not
//! JSON, a missing `model` or `messages`, malformed messages, tools or `tool_choice`
//! (400 `invalid_request_error` naming the parameter).

use axum::http::{HeaderMap, StatusCode};
use serde_json::Value;

use super::super::llm::{Asked, valid_tool_name};

/// A refused request: status and the `error` object's fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Rejection {
    pub(super) status: StatusCode,
    pub(super) kind: &'static str,
    pub(super) message: String,
    pub(super) param: Option<String>,
    pub(super) code: Option<&'static str>,
}

fn invalid(message: impl Into<String>, param: &str, code: Option<&'static str>) -> Rejection {
    Rejection {
        status: StatusCode::BAD_REQUEST,
        kind: "invalid_request_error",
        message: message.into(),
        param: (!param.is_empty()).then(|| param.to_owned()),
        code,
    }
}

/// 401 unless `Authorization: Bearer <key>`; no check when `key` is `None` (a
/// self-hosted server without auth).
pub(super) fn authenticate(headers: &HeaderMap, key: Option<&str>) -> Result<(), Rejection> {
    let Some(key) = key else {
        return Ok(());
    };
    let given = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let unauthorized = |message: String, code| Rejection {
        status: StatusCode::UNAUTHORIZED,
        kind: "invalid_request_error",
        message,
        param: None,
        code,
    };
    match given {
        Some(given) if given == key => Ok(()),
        Some(given) => Err(unauthorized(
            format!(
                "Incorrect API key provided: {}. You can find your API key at \
                 https://platform.openai.com/account/api-keys.",
                masked(given)
            ),
            Some("invalid_api_key"),
        )),
        None => Err(unauthorized(
            "You didn't provide an API key. You need to provide your API key in an \
             Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
                .to_owned(),
            None,
        )),
    }
}

/// The way OpenAI echoes a wrong key: its first 3 and last 4 characters.
fn masked(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

/// The request body as the API checks it.
pub(super) fn request(body: &[u8]) -> Result<Asked, Rejection> {
    let Ok(Value::Object(params)) = serde_json::from_slice::<Value>(body) else {
        return Err(invalid(
            "We could not parse the JSON body of your request. (HINT: This likely means you \
             aren't using your HTTP library correctly.)",
            "",
            None,
        ));
    };
    let model = match params.get("model") {
        Some(Value::String(m)) if !m.is_empty() => m.clone(),
        Some(_) => {
            return Err(invalid(
                "Invalid type for 'model': expected a string.",
                "model",
                None,
            ));
        }
        None => return Err(invalid("you must provide a model parameter", "", None)),
    };
    for field in ["max_tokens", "max_completion_tokens"] {
        if let Some(v) = params.get(field)
            && !v.is_null()
            && v.as_u64().is_none_or(|n| n < 1)
        {
            let message = format!("Invalid '{field}': expected an integer of at least 1.");
            return Err(invalid(message, field, Some("invalid_value")));
        }
    }
    if params.get("stream").and_then(Value::as_bool) == Some(true) {
        return Err(invalid(
            "stream: streaming is not emulated by the sandbox",
            "stream",
            None,
        ));
    }
    let (user, _) = messages(params.get("messages"))?;
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

/// Returns the last user message's text and the number of messages.
fn messages(messages: Option<&Value>) -> Result<(String, usize), Rejection> {
    let messages = match messages {
        None => {
            let message = "Missing required parameter: 'messages'.";
            return Err(invalid(
                message,
                "messages",
                Some("missing_required_parameter"),
            ));
        }
        Some(Value::Array(list)) if !list.is_empty() => list,
        Some(Value::Array(_)) => {
            let message =
                "Invalid 'messages': empty array. Expected an array with minimum length 1.";
            return Err(invalid(message, "messages", Some("empty_array")));
        }
        Some(_) => {
            let message = "Invalid type for 'messages': expected an array of objects.";
            return Err(invalid(message, "messages", Some("invalid_type")));
        }
    };
    let mut user = String::new();
    for (i, message) in messages.iter().enumerate() {
        let role = message.get("role").and_then(Value::as_str);
        let param = format!("messages.[{i}].role");
        match role {
            Some("system" | "developer" | "user" | "assistant" | "tool") => {}
            Some(other) => {
                let message = format!(
                    "Invalid value: '{other}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'."
                );
                return Err(invalid(message, &param, Some("invalid_value")));
            }
            None => {
                let message = format!("Missing required parameter: '{param}'.");
                return Err(invalid(message, &param, Some("missing_required_parameter")));
            }
        }
        match message.get("content") {
            Some(Value::String(text)) => {
                if role == Some("user") {
                    user.clone_from(text);
                }
            }
            Some(Value::Array(parts)) if !parts.is_empty() => {}
            Some(Value::Null) | None if role == Some("assistant") => {}
            _ => {
                let param = format!("messages.[{i}].content");
                let message = format!(
                    "Invalid value for '{param}': expected a string or an array of content parts."
                );
                return Err(invalid(message, &param, Some("invalid_type")));
            }
        }
    }
    Ok((user, messages.len()))
}

/// Function tools with a valid, unique name and an object `parameters`.
fn tools(tools: Option<&Value>) -> Result<Vec<(String, Value)>, Rejection> {
    let tools = match tools {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(list)) => list,
        Some(_) => {
            return Err(invalid(
                "Invalid type for 'tools': expected an array.",
                "tools",
                Some("invalid_type"),
            ));
        }
    };
    let mut out: Vec<(String, Value)> = Vec::with_capacity(tools.len());
    for (i, tool) in tools.iter().enumerate() {
        if tool.get("type").and_then(Value::as_str) != Some("function") {
            let param = format!("tools[{i}].type");
            return Err(invalid(
                format!("Invalid value for '{param}': expected 'function'."),
                &param,
                Some("invalid_value"),
            ));
        }
        let function = tool.get("function");
        let name = function.and_then(|f| f.get("name")).and_then(Value::as_str);
        let param = format!("tools[{i}].function.name");
        let name = match name {
            Some(name) if valid_tool_name(name) => name,
            Some(_) => {
                let message = format!(
                    "Invalid '{param}': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'."
                );
                return Err(invalid(message, &param, Some("invalid_value")));
            }
            None => {
                let message = format!("Missing required parameter: '{param}'.");
                return Err(invalid(message, &param, Some("missing_required_parameter")));
            }
        };
        let parameters = function
            .and_then(|f| f.get("parameters"))
            .cloned()
            .unwrap_or(Value::Null);
        if !(parameters.is_null() || parameters.is_object()) {
            let param = format!("tools[{i}].function.parameters");
            return Err(invalid(
                format!("Invalid type for '{param}': expected an object."),
                &param,
                Some("invalid_type"),
            ));
        }
        if out.iter().any(|(seen, _)| seen == name) {
            return Err(invalid(
                format!("Duplicate function name: '{name}'."),
                "tools",
                Some("invalid_value"),
            ));
        }
        out.push((name.to_owned(), parameters));
    }
    Ok(out)
}

/// `none`, `auto`, `required`, or a named function among the tools; returns the forced one.
fn tool_choice(
    choice: Option<&Value>,
    tools: &[(String, Value)],
) -> Result<Option<String>, Rejection> {
    let choice = match choice {
        None | Some(Value::Null) => return Ok(None),
        Some(choice) => choice,
    };
    if tools.is_empty() {
        let message = "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.";
        return Err(invalid(message, "tool_choice", None));
    }
    match choice {
        Value::String(mode) if matches!(mode.as_str(), "none" | "auto" | "required") => Ok(None),
        Value::Object(_) if choice.get("type").and_then(Value::as_str) == Some("function") => {
            match choice.pointer("/function/name").and_then(Value::as_str) {
                Some(name) if tools.iter().any(|(tool, _)| tool == name) => {
                    Ok(Some(name.to_owned()))
                }
                Some(name) => {
                    let message = format!(
                        "Invalid value for 'tool_choice': function '{name}' is not among the tools."
                    );
                    Err(invalid(message, "tool_choice", None))
                }
                None => Err(invalid(
                    "Missing required parameter: 'tool_choice.function.name'.",
                    "tool_choice.function.name",
                    Some("missing_required_parameter"),
                )),
            }
        }
        _ => Err(invalid(
            "Invalid value for 'tool_choice': expected 'none', 'auto', 'required' or a named function.",
            "tool_choice",
            Some("invalid_value"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::masked;

    #[test]
    fn a_wrong_key_is_echoed_masked() {
        assert_eq!(masked("sk-wrong-123456789"), "sk-***********6789");
        assert_eq!(masked("short"), "*****");
    }
}
