//! The OpenAI-compatible provider against its emulator: the shared scenarios, and the
//! wire details only this API has.

use std::time::Duration;

use serde_json::json;

use super::{OpenAiProvider, classify};
use crate::agent::testing::{FIX_TOOL, Harness, config, fix_request, scenarios, text_request};
use crate::agent::{AgentConfig, AgentError, ProviderKind};
use crate::http_client::{ResponseHead, Verdict};
use triaged_sandbox::SandboxServer;
use triaged_sandbox::contracts::validate;
use triaged_sandbox::openai::OpenAiSandbox;

async fn harness(seed: u64) -> Harness {
    Harness::openai(seed, |_| {}, None).await
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
async fn malformed_arguments_are_a_bad_tool_call() {
    scenarios::malformed_tool_call(&harness(3).await, false).await;
}

#[tokio::test]
async fn unknown_tool_and_missing_forced_call_are_errors() {
    let h = harness(4).await;
    scenarios::unknown_tool_call(&h).await;
    scenarios::text_when_a_tool_was_forced(&h).await;
}

#[tokio::test]
async fn refusal_is_a_reply_with_its_explanation() {
    let h = harness(5).await;
    scenarios::refusal(&h).await;
    h.emulator.script(triaged_sandbox::Scripted::Refusal);
    let reply = h.provider.complete(&text_request()).await.expect("reply");
    assert!(reply.text.is_some_and(|t| t.contains("can't help")));
}

#[tokio::test]
async fn length_stop_is_a_max_tokens_reply() {
    scenarios::max_tokens_stop(&harness(6).await).await;
}

#[tokio::test]
async fn rate_limit_waits_for_retry_after() {
    scenarios::rate_limited_then_success(&harness(7).await).await;
}

#[tokio::test]
async fn overload_503_is_retried_then_given_up_retryably() {
    scenarios::overloaded_retried_then_given_up(&harness(8).await, 503).await;
}

#[tokio::test]
async fn timeouts_are_retried_then_given_up_retryably() {
    let h = Harness::openai(
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
async fn refused_key_is_final_and_never_shown_even_masked() {
    let key = "sk-proj-wrongwrongwrong-4b3a2918";
    let h = Harness::openai(10, |_| {}, Some(key)).await;
    scenarios::refused_key(&h).await;
    assert!(
        h.emulator.answers()[0].body.contains("2918"),
        "the emulator echoes the masked key as OpenAI does"
    );
    let provider = OpenAiProvider::new(&h.config, key).expect("provider");
    let shown = format!("{provider:?}");
    assert!(!shown.contains(key) && !shown.contains("2918"), "{shown}");
}

#[tokio::test]
async fn invalid_request_is_final() {
    let h = harness(11).await;
    scenarios::rejected_request(&h).await;
    let error = serde_json::from_str(&h.emulator.answers()[0].body).expect("json");
    validate::openai_error().assert_valid(&error);
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
async fn a_self_hosted_endpoint_without_auth_is_called_without_a_key() {
    let emulator = OpenAiSandbox::new(14);
    emulator.set_api_key(None);
    let server = SandboxServer::start(emulator.router()).await.expect("bind");
    let config = config(
        ProviderKind::OpenAi,
        &OpenAiSandbox::base_url(&server.url()),
    );
    let provider = OpenAiProvider::new(&config, "").expect("no key needed");
    provider.send(&text_request()).await.expect("reply");
}

#[tokio::test]
async fn the_body_carries_messages_functions_and_tool_choice() {
    let h = harness(17).await;
    h.provider
        .complete(&fix_request(true))
        .await
        .expect("reply");
    let body = &h.emulator.requests()[0];
    assert_eq!(body["model"], "gpt-4.1");
    assert_eq!(body["messages"][0]["role"], "system");
    assert_eq!(body["messages"][1]["role"], "user");
    assert_eq!(
        body["max_tokens"], 1024,
        "a self-hosted endpoint gets max_tokens"
    );
    assert!(body.get("max_completion_tokens").is_none());
    assert_eq!(body["tools"][0]["type"], "function");
    assert_eq!(body["tools"][0]["function"]["name"], FIX_TOOL);
    assert_eq!(body["tools"][0]["function"]["parameters"]["type"], "object");
    assert_eq!(
        body["tool_choice"],
        json!({"type": "function", "function": {"name": FIX_TOOL}})
    );
}

#[test]
fn openai_itself_gets_max_completion_tokens_and_broken_bodies_fail_the_contract() {
    let config = AgentConfig {
        base_url: None,
        ..config(ProviderKind::OpenAi, "")
    };
    let provider = OpenAiProvider::new(&config, "sk-test-key").expect("provider");
    let body: serde_json::Value =
        serde_json::from_slice(&provider.body(&fix_request(true))).expect("json");
    assert_eq!(body["max_completion_tokens"], 1024);
    assert!(body.get("max_tokens").is_none());
    let contract = validate::openai_request();
    contract.assert_valid(&body);
    let mut no_model = body.clone();
    no_model.as_object_mut().expect("object").remove("model");
    contract.assert_invalid(&no_model);
    let mut bad_tool = body;
    bad_tool["tools"][0]["type"] = json!("shell");
    contract.assert_invalid(&bad_tool);
}

#[test]
fn exhausted_quota_is_final_other_429s_are_retried() {
    let head = ResponseHead {
        status: reqwest::StatusCode::TOO_MANY_REQUESTS,
        headers: Default::default(),
    };
    let quota = br#"{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}"#;
    assert_eq!(classify(&head, quota), Verdict::Reject);
    let rate = br#"{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}"#;
    assert!(matches!(classify(&head, rate), Verdict::Retry { .. }));
}

#[test]
fn openai_itself_needs_a_key_a_custom_endpoint_does_not() {
    let hosted = AgentConfig {
        base_url: None,
        ..config(ProviderKind::OpenAi, "")
    };
    let err = OpenAiProvider::new(&hosted, "").unwrap_err();
    assert!(matches!(&err, AgentError::Config { reason, .. } if reason.contains("agent.api_key")));
    let own = config(ProviderKind::OpenAi, "http://127.0.0.1:8000/v1");
    OpenAiProvider::new(&own, "").expect("a self-hosted endpoint may have no key");
}
