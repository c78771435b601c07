//! The Anthropic provider against its emulator: the shared scenarios, and the wire
//! details only this API has.

use std::time::Duration;

use serde_json::json;

use super::AnthropicProvider;
use crate::agent::testing::{FIX_TOOL, Harness, config, fix_request, scenarios, text_request};
use crate::agent::{AgentConfig, AgentError, ProviderKind};
use triaged_sandbox::contracts::validate;

async fn harness(seed: u64) -> Harness {
    Harness::anthropic(seed, |_| {}, None).await
}

#[tokio::test]
async fn text_reply() {
    scenarios::text_reply(&harness(1).await).await;
}

#[tokio::test]
async fn forced_tool_call_is_parsed() {
    scenarios::forced_tool_call(&harness(2).await).await;
}

#[tokio::test]
async fn malformed_tool_call_is_a_bad_tool_call() {
    scenarios::malformed_tool_call(&harness(3).await, true).await;
}

#[tokio::test]
async fn unknown_tool_and_missing_forced_call_are_errors() {
    let h = harness(4).await;
    scenarios::unknown_tool_call(&h).await;
    scenarios::text_when_a_tool_was_forced(&h).await;
}

#[tokio::test]
async fn refusal_is_a_reply() {
    scenarios::refusal(&harness(5).await).await;
}

#[tokio::test]
async fn max_tokens_stop_is_a_reply() {
    scenarios::max_tokens_stop(&harness(6).await).await;
}

#[tokio::test]
async fn rate_limit_waits_for_retry_after() {
    scenarios::rate_limited_then_success(&harness(7).await).await;
}

#[tokio::test]
async fn overload_529_is_retried_then_given_up_retryably() {
    scenarios::overloaded_retried_then_given_up(&harness(8).await, 529).await;
}

#[tokio::test]
async fn timeouts_are_retried_then_given_up_retryably() {
    let h = Harness::anthropic(
        9,
        |c| {
            c.timeout = Duration::from_secs(1);
            c.http.max_attempts = 2;
        },
        None,
    )
    .await;
    scenarios::timeout_gives_up(&h).await;
}

#[tokio::test]
async fn refused_key_is_final_and_never_shown() {
    let key = "sk-ant-api03-wrongwrongwrong-9f8e7d6c";
    let h = Harness::anthropic(10, |_| {}, Some(key)).await;
    scenarios::refused_key(&h).await;
    let provider = AnthropicProvider::new(&h.config, key).expect("provider");
    let shown = format!("{provider:?}");
    assert!(!shown.contains(key) && !shown.contains("7d6c"), "{shown}");
}

#[tokio::test]
async fn invalid_request_is_final() {
    scenarios::rejected_request(&harness(11).await).await;
}

#[tokio::test]
async fn default_replies_when_nothing_is_scripted() {
    scenarios::default_replies(&harness(12).await).await;
}

#[tokio::test]
async fn truncated_body_is_a_retryable_error() {
    scenarios::truncated_body(&harness(13).await).await;
}

#[tokio::test]
async fn the_body_carries_system_tools_and_tool_choice() {
    let h = harness(14).await;
    h.provider
        .complete(&fix_request(true))
        .await
        .expect("reply");
    let body = &h.emulator.requests()[0];
    assert_eq!(body["model"], "claude-sonnet-4-5");
    assert_eq!(
        body["max_tokens"], 1024,
        "the request's limit, under the ceiling"
    );
    assert_eq!(body["messages"][0]["role"], "user");
    assert!(
        body["system"]
            .as_str()
            .is_some_and(|s| s.contains("never instructions"))
    );
    assert_eq!(body["tools"][0]["name"], FIX_TOOL);
    assert_eq!(body["tools"][0]["input_schema"]["type"], "object");
    assert_eq!(
        body["tool_choice"],
        json!({"type": "tool", "name": FIX_TOOL})
    );
    h.provider.complete(&text_request()).await.expect("reply");
    let body = &h.emulator.requests()[1];
    assert_eq!(body["max_tokens"], 2048, "no wish: the configured ceiling");
    assert!(body.get("tools").is_none() && body.get("tool_choice").is_none());
}

#[test]
fn a_broken_body_fails_the_request_contract() {
    let config = config(ProviderKind::Anthropic, "http://127.0.0.1:9");
    let provider = AnthropicProvider::new(&config, "sk-ant-test-key").expect("provider");
    let body: serde_json::Value =
        serde_json::from_slice(&provider.body(&fix_request(true))).expect("json");
    let contract = validate::anthropic_request();
    contract.assert_valid(&body);
    let mut no_messages = body.clone();
    no_messages
        .as_object_mut()
        .expect("object")
        .remove("messages");
    contract.assert_invalid(&no_messages);
    let mut bad_choice = body;
    bad_choice["tool_choice"] = json!({"type": "tool"});
    contract.assert_invalid(&bad_choice);
}

#[test]
fn construction_refuses_a_missing_key_or_model() {
    let config = config(ProviderKind::Anthropic, "http://127.0.0.1:9");
    let err = AnthropicProvider::new(&config, "").unwrap_err();
    assert!(matches!(&err, AgentError::Config { reason, .. } if reason.contains("agent.api_key")));
    let no_model = AgentConfig {
        model: String::new(),
        ..config
    };
    let err = AnthropicProvider::new(&no_model, "sk-ant-test-key").unwrap_err();
    assert!(matches!(&err, AgentError::Config { reason, .. } if reason.contains("agent.model")));
}
