//! The emulator on its own: it refuses what the API refuses, in the API's error shape
//! (`ErrorResponse`), and every answer it renders follows
//! `CreateChatCompletionResponse` in `openai/chat.json`.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use super::{OpenAiSandbox, SANDBOX_OPENAI_KEY};
use crate::contracts::validate::{openai_error, openai_response};
use crate::{SandboxServer, Scripted};

struct Answer {
    status: u16,
    retry_after: Option<String>,
    body: Value,
}

async fn start(seed: u64) -> (Arc<OpenAiSandbox>, SandboxServer) {
    let sandbox = OpenAiSandbox::new(seed);
    let server = SandboxServer::start(sandbox.router()).await.expect("bind");
    (sandbox, server)
}

async fn post(server: &SandboxServer, key: Option<&str>, body: &Value) -> Answer {
    let mut request = reqwest::Client::new()
        .post(format!(
            "{}/chat/completions",
            OpenAiSandbox::base_url(&server.url())
        ))
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    let response = request.send().await.expect("answer");
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response.json().await.expect("a JSON body");
    Answer {
        status,
        retry_after,
        body,
    }
}

const KEY: Option<&str> = Some(SANDBOX_OPENAI_KEY);

fn params(tool_choice: Option<&str>) -> Value {
    let mut params = json!({
        "model": "gpt-4.1",
        "max_tokens": 256,
        "messages": [
            {"role": "system", "content": "be brief"},
            {"role": "user", "content": "why does checkout fail?"}
        ],
        "tools": [{
            "type": "function",
            "function": {
                "name": "report_fix",
                "description": "Report a fix",
                "parameters": {
                    "type": "object",
                    "properties": {"summary": {"type": "string"}},
                    "required": ["summary"]
                }
            }
        }]
    });
    if let Some(name) = tool_choice {
        params["tool_choice"] = json!({"type": "function", "function": {"name": name}});
    }
    params
}

/// The error's `message`, after checking the body against `ErrorResponse`.
fn error_message(answer: &Answer) -> String {
    openai_error().assert_valid(&answer.body);
    answer.body["error"]["message"]
        .as_str()
        .unwrap_or("")
        .to_owned()
}

#[tokio::test]
async fn refuses_what_the_api_refuses_without_taking_a_script() {
    let (sandbox, server) = start(1).await;
    sandbox.script(Scripted::Text("kept for a valid request".into()));
    let no_key = post(&server, None, &params(None)).await;
    assert_eq!(no_key.status, 401);
    assert!(error_message(&no_key).contains("didn't provide an API key"));
    let wrong_key = post(&server, Some("sk-wrong-key-123456789"), &params(None)).await;
    assert_eq!(wrong_key.status, 401);
    let message = error_message(&wrong_key);
    assert!(
        message.contains("sk-***") && !message.contains("wrong"),
        "{message}"
    );
    let mut cases = Vec::new();
    let mut no_messages = params(None);
    no_messages
        .as_object_mut()
        .expect("object")
        .remove("messages");
    cases.push((no_messages, "Missing required parameter: 'messages'"));
    let mut no_model = params(None);
    no_model.as_object_mut().expect("object").remove("model");
    cases.push((no_model, "model parameter"));
    cases.push((params(Some("rm_rf")), "rm_rf"));
    let mut bad_role = params(None);
    bad_role["messages"][0]["role"] = json!("wizard");
    cases.push((bad_role, "wizard"));
    for (body, expected) in cases {
        let answer = post(&server, KEY, &body).await;
        assert_eq!(answer.status, 400, "{body}");
        assert_eq!(answer.body["error"]["type"], "invalid_request_error");
        let message = error_message(&answer);
        assert!(message.contains(expected), "{message}");
    }
    assert_eq!(sandbox.pending(), 1, "refused requests take no script");
    assert_eq!(sandbox.requests().len(), 6, "every request is logged");
}

#[tokio::test]
async fn every_scripted_answer_follows_the_response_schema() {
    let (sandbox, server) = start(2).await;
    let schema = openai_response();
    let scripts = [
        (Scripted::Text("hello".into()), None, "stop"),
        (
            Scripted::ToolUse {
                name: "report_fix".into(),
                input: json!({"summary": "s"}),
            },
            None,
            "tool_calls",
        ),
        (
            Scripted::ToolUse {
                name: "report_fix".into(),
                input: json!({"summary": "s"}),
            },
            Some("report_fix"),
            "stop",
        ),
        (Scripted::MalformedToolUse, Some("report_fix"), "stop"),
        (Scripted::Refusal, None, "stop"),
        (Scripted::MaxTokens, None, "length"),
        (Scripted::MaxTokens, Some("report_fix"), "length"),
        (Scripted::Timeout(Duration::from_millis(10)), None, "stop"),
    ];
    for (script, forced, finish) in scripts {
        sandbox.script(script.clone());
        let answer = post(&server, KEY, &params(forced)).await;
        assert_eq!(answer.status, 200, "{script:?}");
        schema.assert_valid(&answer.body);
        assert_eq!(
            answer.body["choices"][0]["finish_reason"], finish,
            "{script:?}"
        );
    }
    let answer = post(&server, KEY, &params(Some("report_fix"))).await;
    schema.assert_valid(&answer.body);
    let arguments = answer.body["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"]
        .as_str()
        .expect("arguments are a JSON string");
    assert_eq!(
        serde_json::from_str::<Value>(arguments).expect("JSON"),
        json!({"summary": "sandbox answer"})
    );
    let mut broken = answer.body;
    broken["choices"][0]["finish_reason"] = json!("bored");
    schema.assert_invalid(&broken);
}

#[tokio::test]
async fn overload_and_rate_limits_come_in_the_api_shape() {
    let (sandbox, server) = start(3).await;
    sandbox.script(Scripted::Overloaded);
    let answer = post(&server, KEY, &params(None)).await;
    assert_eq!(answer.status, 503);
    assert!(error_message(&answer).contains("overloaded"));
    sandbox.script(Scripted::RateLimited {
        retry_after: Duration::from_secs(2),
    });
    let answer = post(&server, KEY, &params(None)).await;
    assert_eq!(answer.status, 429);
    error_message(&answer);
    assert_eq!(answer.body["error"]["code"], "rate_limit_exceeded");
    assert_eq!(answer.retry_after.as_deref(), Some("2"));
    let unknown = post(&server, KEY, &json!({})).await;
    assert_eq!(
        unknown.status, 400,
        "an empty body is refused, not crashed on"
    );
}
