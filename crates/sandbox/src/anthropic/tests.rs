//! The emulator on its own: it refuses what the API refuses, in the API's error shape,
//! and every answer it renders follows `anthropic/message.json` (the malformed
//! tool call, deliberately, does not).

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use super::{AnthropicSandbox, SANDBOX_ANTHROPIC_KEY};
use crate::contracts::validate::anthropic_message;
use crate::{SandboxServer, Scripted};

struct Answer {
    status: u16,
    retry_after: Option<String>,
    body: Value,
}

async fn start(seed: u64) -> (Arc<AnthropicSandbox>, SandboxServer) {
    let sandbox = AnthropicSandbox::new(seed);
    let server = SandboxServer::start(sandbox.router()).await.expect("bind");
    (sandbox, server)
}

async fn post(server: &SandboxServer, headers: &[(&str, &str)], body: &Value) -> Answer {
    let mut request = reqwest::Client::new()
        .post(format!("{}/v1/messages", server.url()))
        .header("content-type", "application/json")
        .body(body.to_string());
    for (name, value) in headers {
        request = request.header(*name, *value);
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

const GOOD: [(&str, &str); 2] = [
    ("x-api-key", SANDBOX_ANTHROPIC_KEY),
    ("anthropic-version", "2023-06-01"),
];

fn params(tool_choice: Option<&str>) -> Value {
    let mut params = json!({
        "model": "claude-sonnet-4-5",
        "max_tokens": 256,
        "system": "be brief",
        "messages": [{"role": "user", "content": "why does checkout fail?"}],
        "tools": [{
            "name": "report_fix",
            "description": "Report a fix",
            "input_schema": {
                "type": "object",
                "properties": {"summary": {"type": "string"}},
                "required": ["summary"]
            }
        }]
    });
    if let Some(name) = tool_choice {
        params["tool_choice"] = json!({"type": "tool", "name": name});
    }
    params
}

fn error_type(answer: &Answer) -> (&str, &str) {
    assert_eq!(answer.body["type"], "error", "{}", answer.body);
    (
        answer.body["error"]["type"].as_str().unwrap_or(""),
        answer.body["error"]["message"].as_str().unwrap_or(""),
    )
}

#[tokio::test]
async fn refuses_what_the_api_refuses_without_taking_a_script() {
    let (sandbox, server) = start(1).await;
    sandbox.script(Scripted::Text("kept for a valid request".into()));
    let no_key = post(&server, &GOOD[1..], &params(None)).await;
    assert_eq!(no_key.status, 401);
    assert_eq!(error_type(&no_key).0, "authentication_error");
    let no_version = post(&server, &GOOD[..1], &params(None)).await;
    assert_eq!(no_version.status, 400);
    assert!(error_type(&no_version).1.contains("anthropic-version"));
    let mut cases = Vec::new();
    let mut no_max = params(None);
    no_max.as_object_mut().expect("object").remove("max_tokens");
    cases.push((no_max, "max_tokens: Field required"));
    let mut extra = params(None);
    extra["temperature_boost"] = json!(2);
    cases.push((extra, "Extra inputs are not permitted"));
    cases.push((params(Some("rm_rf")), "tool_choice.name"));
    let mut assistant_first = params(None);
    assistant_first["messages"] = json!([{"role": "assistant", "content": "hi"}]);
    cases.push((assistant_first, "first message"));
    let mut untyped_schema = params(None);
    untyped_schema["tools"][0]["input_schema"] = json!({"properties": {}});
    cases.push((untyped_schema, "input_schema.type"));
    for (body, expected) in cases {
        let answer = post(&server, &GOOD, &body).await;
        assert_eq!(answer.status, 400, "{body}");
        let (kind, message) = error_type(&answer);
        assert_eq!(kind, "invalid_request_error");
        assert!(message.contains(expected), "{message}");
    }
    assert_eq!(sandbox.pending(), 1, "refused requests take no script");
    assert_eq!(sandbox.requests().len(), 7, "every request is logged");
}

#[tokio::test]
async fn every_scripted_answer_follows_the_message_schema() {
    let (sandbox, server) = start(2).await;
    let schema = anthropic_message();
    let scripts = [
        (Scripted::Text("hello".into()), None, "end_turn"),
        (
            Scripted::ToolUse {
                name: "report_fix".into(),
                input: json!({"summary": "s"}),
            },
            Some("report_fix"),
            "tool_use",
        ),
        (Scripted::Refusal, None, "refusal"),
        (Scripted::MaxTokens, None, "max_tokens"),
        (Scripted::MaxTokens, Some("report_fix"), "max_tokens"),
        (
            Scripted::Timeout(Duration::from_millis(10)),
            None,
            "end_turn",
        ),
    ];
    for (script, forced, stop) in scripts {
        sandbox.script(script.clone());
        let answer = post(&server, &GOOD, &params(forced)).await;
        assert_eq!(answer.status, 200, "{script:?}");
        schema.assert_valid(&answer.body);
        assert_eq!(answer.body["stop_reason"], stop, "{script:?}");
        assert_eq!(answer.body["model"], "claude-sonnet-4-5");
    }
    // Nothing scripted: a forced tool gets a sample of its schema.
    let answer = post(&server, &GOOD, &params(Some("report_fix"))).await;
    schema.assert_valid(&answer.body);
    assert_eq!(
        answer.body["content"][0]["input"],
        json!({"summary": "sandbox answer"})
    );
    // The malformed call breaks the contract: the client must cope with it anyway.
    sandbox.script(Scripted::MalformedToolUse);
    let answer = post(&server, &GOOD, &params(Some("report_fix"))).await;
    assert_eq!(answer.status, 200);
    schema.assert_invalid(&answer.body);
}

#[tokio::test]
async fn overload_and_rate_limits_come_in_the_api_shape() {
    let (sandbox, server) = start(3).await;
    sandbox.script(Scripted::Overloaded);
    let answer = post(&server, &GOOD, &params(None)).await;
    assert_eq!(answer.status, 529);
    assert_eq!(error_type(&answer).0, "overloaded_error");
    sandbox.script(Scripted::RateLimited {
        retry_after: Duration::from_millis(1500),
    });
    let answer = post(&server, &GOOD, &params(None)).await;
    assert_eq!(answer.status, 429);
    assert_eq!(error_type(&answer).0, "rate_limit_error");
    assert_eq!(
        answer.retry_after.as_deref(),
        Some("2"),
        "whole seconds, rounded up"
    );
    let unknown = reqwest::get(format!("{}/v1/complete", server.url()))
        .await
        .expect("answer");
    assert_eq!(unknown.status().as_u16(), 404);
}

#[tokio::test]
async fn an_answer_kept_for_a_tool_goes_only_to_requests_forcing_it() {
    let (sandbox, server) = start(9).await;
    sandbox.script(Scripted::Text("the next plain answer".into()));
    sandbox.script_for_tool(
        "report_fix",
        Scripted::ToolUse {
            name: "report_fix".into(),
            input: json!({"summary": "kept for the tool"}),
        },
    );
    assert_eq!(sandbox.pending(), 2);
    // A request that forces no tool takes the plain queue, not the tool's answer.
    let plain = post(&server, &GOOD, &params(None)).await;
    assert_eq!(plain.body["content"][0]["text"], "the next plain answer");
    let forced = post(&server, &GOOD, &params(Some("report_fix"))).await;
    assert_eq!(forced.status, 200);
    assert_eq!(
        forced.body["content"][0]["input"]["summary"],
        "kept for the tool"
    );
    assert_eq!(sandbox.pending(), 0);
}
