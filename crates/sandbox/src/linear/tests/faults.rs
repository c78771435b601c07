//! The emulator's faults, rendered Linear's way; only a late answer applies a mutation.

use std::time::Duration;

use serde_json::{Value, json};

use super::{emulator, first_code};
use crate::Fault;
use crate::linear::SANDBOX_API_KEY;

#[tokio::test]
async fn throttle_is_ratelimited_with_the_reset_headers_and_applies_nothing() {
    let emulator = emulator().await;
    emulator.sandbox.inject(Fault::Throttle {
        retry_after: Duration::from_secs(2),
    });
    let response = emulator
        .http
        .post(format!("{}/graphql", emulator.server.url()))
        .header("authorization", SANDBOX_API_KEY)
        .json(&json!({ "query": "mutation { commentCreate(input: { issueId: \"ENG-1\", body: \"hi\" }) { success } }" }))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status().as_u16(), 400);
    let header = |name: &str| response.headers()[name].to_str().unwrap().to_owned();
    assert_eq!(header("x-ratelimit-requests-remaining"), "0");
    let reset_ms: u128 = header("x-ratelimit-requests-reset").parse().unwrap();
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    assert!(
        (now_ms + 1000..now_ms + 3000).contains(&reset_ms),
        "reset in epoch ms"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(first_code(&body), "RATELIMITED");
    assert!(emulator.sandbox.issue("ENG-1").unwrap().comments.is_empty());
}

#[tokio::test]
async fn delay_applies_the_mutation_truncation_does_not() {
    let emulator = emulator().await;
    let comment =
        "mutation { commentCreate(input: { issueId: \"ENG-1\", body: \"hi\" }) { success } }";
    emulator.sandbox.inject(Fault::Truncate);
    let body = json!({ "query": comment });
    let response = emulator
        .http
        .post(format!("{}/graphql", emulator.server.url()))
        .header("authorization", SANDBOX_API_KEY)
        .json(&body)
        .send()
        .await
        .expect("send");
    assert!(serde_json::from_slice::<Value>(&response.bytes().await.unwrap()).is_err());
    assert!(emulator.sandbox.issue("ENG-1").unwrap().comments.is_empty());
    emulator
        .sandbox
        .inject(Fault::Delay(Duration::from_millis(50)));
    let (status, _) = emulator.post(comment, json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(emulator.sandbox.issue("ENG-1").unwrap().comments, ["hi"]);
}

#[tokio::test]
async fn an_outage_answers_503_until_cleared() {
    let emulator = emulator().await;
    emulator.sandbox.set_outage(true);
    let response = emulator
        .http
        .post(format!("{}/graphql", emulator.server.url()))
        .header("authorization", SANDBOX_API_KEY)
        .json(&json!({ "query": "{ teams { nodes { key } } }" }))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status().as_u16(), 503);
    emulator.sandbox.set_outage(false);
    let (status, body) = emulator
        .post("{ teams { nodes { key } } }", json!({}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        body["data"]["teams"]["nodes"],
        json!([{ "key": "ENG" }, { "key": "OPS" }])
    );
    let statuses: Vec<u16> = emulator
        .sandbox
        .requests()
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [503, 200]);
}
