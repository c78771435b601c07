//! The Teams emulator: 202 for a card message, 400 with an error body for anything else,
//! the 28 KB limit, and faults.

use std::time::Duration;

use serde_json::{Value, json};

use super::*;
use crate::{FaultKnobs, SandboxServer};

async fn start() -> (Arc<TeamsSandbox>, SandboxServer, String) {
    let sandbox = TeamsSandbox::new(31);
    let server = SandboxServer::start(sandbox.router()).await.expect("bind");
    let url = sandbox.webhook_url(&server.url());
    (sandbox, server, url)
}

async fn post_raw(url: &str, body: String) -> (u16, Value, Option<String>) {
    let response = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("response");
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let text = response.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    (status, body, retry_after)
}

fn card() -> Value {
    json!({ "type": "AdaptiveCard", "version": "1.5",
            "body": [{ "type": "TextBlock", "text": "hi" }] })
}

fn message(card: Value) -> Value {
    json!({ "type": "message", "attachments": [{
        "contentType": "application/vnd.microsoft.card.adaptive",
        "contentUrl": null, "content": card }] })
}

#[tokio::test]
async fn accepts_a_card_message_and_records_the_card() {
    let (sandbox, _server, url) = start().await;
    let (status, body, _) = post_raw(&url, message(card()).to_string()).await;
    assert_eq!((status, body), (202, Value::Null));
    assert_eq!(sandbox.posted(), vec![card()]);
}

#[tokio::test]
async fn rejects_bad_envelopes_and_cards_with_an_error_body() {
    let (sandbox, _server, url) = start().await;
    let mut wrong_type = message(card());
    wrong_type["attachments"][0]["contentType"] = json!("application/json");
    let cases = [
        ("not json".to_owned(), "InvalidRequestContent"),
        (json!({ "text": "hi" }).to_string(), "InvalidRequestContent"),
        (
            json!({ "type": "card", "attachments": [] }).to_string(),
            "TriggerInputSchemaMismatch",
        ),
        (
            json!({ "type": "message", "attachments": [] }).to_string(),
            "TriggerInputSchemaMismatch",
        ),
        (wrong_type.to_string(), "TriggerInputSchemaMismatch"),
        (
            message(json!({ "type": "HeroCard", "version": "1.5", "body": [{}] })).to_string(),
            "TriggerInputSchemaMismatch",
        ),
        (
            message(json!({ "type": "AdaptiveCard", "version": "1.6", "body": [{}] })).to_string(),
            "TriggerInputSchemaMismatch",
        ),
        (
            message(json!({ "type": "AdaptiveCard", "version": "2", "body": [{}] })).to_string(),
            "TriggerInputSchemaMismatch",
        ),
        (
            message(json!({ "type": "AdaptiveCard", "version": "1.5", "body": [] })).to_string(),
            "TriggerInputSchemaMismatch",
        ),
        (
            message(json!({ "type": "AdaptiveCard", "body": [{}] })).to_string(),
            "TriggerInputSchemaMismatch",
        ),
    ];
    for (body, code) in cases {
        let (status, answer, _) = post_raw(&url, body.clone()).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(answer["error"]["code"], code, "{body}");
        assert!(answer["error"]["message"].is_string());
    }
    assert!(sandbox.posted().is_empty());
}

#[tokio::test]
async fn enforces_the_28_kb_limit() {
    let (sandbox, _server, url) = start().await;
    let padded = |n: usize| {
        let mut card = card();
        card["body"][0]["text"] = json!("x".repeat(n));
        message(card).to_string()
    };
    let overhead = padded(0).len();
    let (status, _, _) = post_raw(&url, padded(MESSAGE_MAX_BYTES - overhead)).await;
    assert_eq!(status, 202);
    let (status, answer, _) = post_raw(&url, padded(MESSAGE_MAX_BYTES - overhead + 1)).await;
    assert_eq!(status, 400);
    assert_eq!(answer["error"]["code"], "MessageSizeExceeded");
    assert_eq!(sandbox.posted().len(), 1);
}

#[tokio::test]
async fn faults_and_methods() {
    let (sandbox, _server, url) = start().await;
    sandbox.faults().set(FaultKnobs {
        throttle: 1.0,
        retry_after: Duration::from_secs(2),
        ..FaultKnobs::none()
    });
    let (status, answer, retry_after) = post_raw(&url, message(card()).to_string()).await;
    assert_eq!((status, retry_after.as_deref()), (429, Some("2")));
    assert_eq!(answer["error"]["code"], "TooManyRequests");
    sandbox.faults().set(FaultKnobs {
        server_error: 1.0,
        ..FaultKnobs::none()
    });
    let (status, _, _) = post_raw(&url, message(card()).to_string()).await;
    assert!(status >= 500, "{status}");
    sandbox.faults().clear();
    let get = reqwest::get(&url).await.expect("response");
    assert_eq!(get.status().as_u16(), 405);
    assert!(sandbox.posted().is_empty());
    assert_eq!(sandbox.answers().len(), 3);
}
