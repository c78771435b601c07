//! The Slack emulator against its README: the plain-text answers and statuses, the
//! block limits, the webhook path, channel states and faults.

use std::time::Duration;

use serde_json::{Value, json};

use super::*;
use crate::{FaultKnobs, SandboxServer};

async fn start() -> (Arc<SlackSandbox>, SandboxServer, String) {
    let sandbox = SlackSandbox::new(21);
    let server = SandboxServer::start(sandbox.router()).await.expect("bind");
    let url = sandbox.webhook_url(&server.url());
    (sandbox, server, url)
}

async fn post_raw(url: &str, body: &str) -> (u16, String, Option<String>) {
    let response = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .expect("response");
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (status, response.text().await.expect("body"), retry_after)
}

async fn post(url: &str, body: &Value) -> (u16, String) {
    let (status, text, _) = post_raw(url, &body.to_string()).await;
    (status, text)
}

fn section(text: &str) -> Value {
    json!({ "type": "section", "text": { "type": "mrkdwn", "text": text } })
}

#[tokio::test]
async fn accepts_text_or_blocks_and_records_them() {
    let (sandbox, _server, url) = start().await;
    assert!(sandbox.webhook_path().starts_with("/services/T"));
    let text_only = json!({ "text": "hello" });
    assert_eq!(post(&url, &text_only).await, (200, "ok".into()));
    let blocks = json!({ "blocks": [
        { "type": "header", "text": { "type": "plain_text", "text": "Hi", "emoji": true } },
        section("*x*"),
        { "type": "divider" },
        { "type": "context", "elements": [{ "type": "mrkdwn", "text": "y" },
            { "type": "image", "image_url": "https://x/y.png", "alt_text": "y" }] }
    ]});
    assert_eq!(post(&url, &blocks).await, (200, "ok".into()));
    assert_eq!(sandbox.posted(), vec![text_only, blocks]);
}

#[tokio::test]
async fn rejects_what_the_readme_says_with_its_strings() {
    let (sandbox, _server, url) = start().await;
    let header = |n: usize| json!({ "type": "header", "text": { "type": "plain_text", "text": "h".repeat(n) } });
    let cases: Vec<(&str, &str)> = vec![
        ("not json", "invalid_payload"),
        ("[1, 2]", "invalid_payload"),
        (r#"{"text": 5}"#, "invalid_payload"),
        ("{}", "no_text"),
        (r#"{"text": "  ", "blocks": []}"#, "no_text"),
    ];
    for (body, code) in cases {
        assert_eq!(post_raw(&url, body).await.0, 400, "{body}");
        assert_eq!(post_raw(&url, body).await.1, code, "{body}");
    }
    let too_many: Vec<Value> = (0..51).map(|_| json!({ "type": "divider" })).collect();
    let invalid = [
        json!({ "blocks": too_many }),
        json!({ "blocks": [header(151)] }),
        json!({ "blocks": [section(&"s".repeat(3001))] }),
        json!({ "blocks": [section("")] }),
        json!({ "blocks": [{ "type": "header", "text": { "type": "mrkdwn", "text": "h" } }] }),
        json!({ "blocks": [{ "type": "section" }] }),
        json!({ "blocks": [{ "type": "carousel" }] }),
        json!({ "blocks": [{ "type": "context", "elements": [] }] }),
        json!({ "text": "fallback", "blocks": [{ "type": "section", "text": "plain string" }] }),
    ];
    for body in &invalid {
        assert_eq!(
            post(&url, body).await,
            (400, "invalid_blocks".into()),
            "{body}"
        );
    }
    let at_limits = json!({ "blocks": [header(150), section(&"é".repeat(3000))] });
    assert_eq!(post(&url, &at_limits).await.0, 200);
    let fifty: Vec<Value> = (0..50).map(|_| json!({ "type": "divider" })).collect();
    assert_eq!(post(&url, &json!({ "blocks": fifty })).await.0, 200);
    assert_eq!(sandbox.posted().len(), 2);
}

#[tokio::test]
async fn unknown_webhooks_and_channel_states() {
    let (sandbox, server, url) = start().await;
    let wrong = format!("{}/services/T0/B0/wrong", server.url());
    assert_eq!(
        post(&wrong, &json!({ "text": "x" })).await,
        (404, "channel_not_found".into())
    );
    let elsewhere = format!("{}/api/chat.postMessage", server.url());
    assert_eq!(post(&elsewhere, &json!({ "text": "x" })).await.0, 404);
    for (state, expected) in [
        (ChannelState::Prohibited, (403, "action_prohibited")),
        (ChannelState::Deleted, (404, "channel_not_found")),
        (ChannelState::Archived, (410, "channel_is_archived")),
        (ChannelState::Active, (200, "ok")),
    ] {
        sandbox.set_channel(state);
        let (status, body) = post(&url, &json!({ "text": "x" })).await;
        assert_eq!((status, body.as_str()), expected);
    }
    assert_eq!(sandbox.posted().len(), 1);
    assert_eq!(sandbox.answers().len(), 6);
}

#[tokio::test]
async fn faults_look_like_slack() {
    let (sandbox, _server, url) = start().await;
    sandbox.faults().set(FaultKnobs {
        throttle: 1.0,
        retry_after: Duration::from_secs(3),
        ..FaultKnobs::none()
    });
    let (status, body, retry_after) = post_raw(&url, r#"{"text":"x"}"#).await;
    assert_eq!((status, body.as_str()), (429, "rate_limited"));
    assert_eq!(retry_after.as_deref(), Some("3"));
    sandbox.faults().set(FaultKnobs {
        server_error: 1.0,
        ..FaultKnobs::none()
    });
    let statuses: Vec<(u16, String)> = {
        let mut out = Vec::new();
        for _ in 0..3 {
            out.push(post(&url, &json!({ "text": "x" })).await);
        }
        out
    };
    assert!(
        statuses.contains(&(500, "rollup_error".into())),
        "{statuses:?}"
    );
    assert!(
        statuses.iter().any(|(s, _)| *s == 502 || *s == 503),
        "{statuses:?}"
    );
    sandbox.faults().clear();
    assert!(sandbox.posted().is_empty());
}
