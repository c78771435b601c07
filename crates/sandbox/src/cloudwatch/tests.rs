use std::time::Duration;

use serde_json::{Value, json};

use super::*;
use crate::{FaultKnobs, SandboxServer};

const AUTH: &str = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/logs/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=abc";

struct Call<'a> {
    target: Option<&'a str>,
    content_type: &'a str,
    authorization: Option<&'a str>,
    body: String,
}

impl<'a> Call<'a> {
    fn op(operation: &'a str, body: Value) -> Call<'a> {
        Call {
            target: Some(operation),
            content_type: CONTENT_TYPE,
            authorization: Some(AUTH),
            body: body.to_string(),
        }
    }

    async fn send(self, server: &SandboxServer) -> (u16, HeaderMap, Vec<u8>) {
        let client = reqwest::Client::new();
        let mut request = client
            .post(format!("{}/", server.url()))
            .header("content-type", self.content_type)
            .header("x-amz-date", "20260101T000000Z")
            .body(self.body);
        if let Some(target) = self.target {
            request = request.header("x-amz-target", format!("{TARGET_PREFIX}{target}"));
        }
        if let Some(authorization) = self.authorization {
            request = request.header("authorization", authorization);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await.expect("body").to_vec();
        (status, headers, body)
    }

    async fn error(self, server: &SandboxServer) -> (u16, String) {
        let (status, _, body) = self.send(server).await;
        let body: Value = serde_json::from_slice(&body).expect("error body is JSON");
        assert!(body["message"].is_string(), "{body}");
        (
            status,
            body["__type"].as_str().unwrap_or_default().to_string(),
        )
    }
}

async fn started() -> (Arc<CloudWatchSandbox>, SandboxServer) {
    let sandbox = CloudWatchSandbox::new(1);
    sandbox.put_events(
        "app",
        "s1",
        (0..5).map(|t| SeedEvent::new(1000 + t, format!("ERROR {t}"))),
    );
    let server = SandboxServer::start(sandbox.router())
        .await
        .expect("server");
    (sandbox, server)
}

fn group_query() -> Value {
    json!({"logGroupName": "app"})
}

#[tokio::test]
async fn protocol_errors_look_like_aws() {
    let (_sandbox, server) = started().await;
    let wrong_type = Call {
        content_type: "application/json",
        ..Call::op("FilterLogEvents", group_query())
    };
    assert_eq!(
        wrong_type.error(&server).await,
        (400, "UnknownOperationException".into())
    );
    let no_target = Call {
        target: None,
        ..Call::op("FilterLogEvents", group_query())
    };
    assert_eq!(
        no_target.error(&server).await,
        (400, "UnknownOperationException".into())
    );
    let unknown = Call::op("PutMetricFilterX", group_query());
    assert_eq!(
        unknown.error(&server).await,
        (400, "UnknownOperationException".into())
    );
    let unsigned = Call {
        authorization: None,
        ..Call::op("FilterLogEvents", group_query())
    };
    assert_eq!(
        unsigned.error(&server).await,
        (403, "MissingAuthenticationTokenException".into())
    );
    let basic = Call {
        authorization: Some("Basic dXNlcjpwYXNz"),
        ..Call::op("FilterLogEvents", group_query())
    };
    assert_eq!(
        basic.error(&server).await,
        (403, "IncompleteSignatureException".into())
    );
    let not_json = Call {
        body: "{not json".into(),
        ..Call::op("FilterLogEvents", group_query())
    };
    assert_eq!(
        not_json.error(&server).await,
        (400, "SerializationException".into())
    );
    let wrong_member_type = Call::op("FilterLogEvents", json!({"logGroupName": 5}));
    assert_eq!(
        wrong_member_type.error(&server).await,
        (400, "SerializationException".into())
    );
    let limit_as_text = Call::op(
        "FilterLogEvents",
        json!({"logGroupName": "app", "limit": "10"}),
    );
    assert_eq!(
        limit_as_text.error(&server).await,
        (400, "SerializationException".into())
    );
    let unknown_group = Call::op("FilterLogEvents", json!({"logGroupName": "nope"}));
    assert_eq!(
        unknown_group.error(&server).await,
        (400, "ResourceNotFoundException".into())
    );
    let bad_pattern = Call::op(
        "FilterLogEvents",
        json!({"logGroupName": "app", "filterPattern": "{ $.a = "}),
    );
    assert_eq!(
        bad_pattern.error(&server).await,
        (400, "InvalidParameterException".into())
    );
}

#[tokio::test]
async fn answers_carry_events_and_a_request_id() {
    let (sandbox, server) = started().await;
    let query = json!({"logGroupName": "app", "startTime": 1001, "endTime": 1003, "filterPattern": "ERROR", "interleaved": true});
    let (status, headers, body) = Call::op("FilterLogEvents", query).send(&server).await;
    assert_eq!(status, 200);
    assert_eq!(
        headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some(CONTENT_TYPE)
    );
    assert!(headers.contains_key("x-amzn-requestid"));
    let body: Value = serde_json::from_slice(&body).expect("json");
    let times: Vec<i64> = body["events"].as_array().map_or(Vec::new(), |events| {
        events
            .iter()
            .filter_map(|e| e["timestamp"].as_i64())
            .collect()
    });
    assert_eq!(times, [1001, 1002, 1003]);
    let (status, _, body) = Call::op("DescribeLogGroups", json!({"logGroupNamePrefix": "ap"}))
        .send(&server)
        .await;
    assert_eq!(status, 200);
    let body: Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(body["logGroups"][0]["logGroupName"], "app");
    let log = sandbox.requests();
    assert_eq!(log.len(), 2);
    assert_eq!(
        (log[0].operation.as_str(), log[0].status),
        ("FilterLogEvents", 200)
    );
    assert!(log[0].response_bytes > 0);
}

#[tokio::test]
async fn faults_render_as_cloudwatch_shows_them() {
    let (sandbox, server) = started().await;
    let knobs = |knobs: FaultKnobs| sandbox.faults().set(knobs);

    knobs(FaultKnobs {
        throttle: 1.0,
        ..FaultKnobs::none()
    });
    let (status, headers, body) = Call::op("FilterLogEvents", group_query())
        .send(&server)
        .await;
    assert_eq!(status, 400);
    assert!(
        !headers.contains_key("retry-after"),
        "CloudWatch sends no Retry-After"
    );
    let body: Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(body["__type"], "ThrottlingException");

    knobs(FaultKnobs {
        server_error: 1.0,
        ..FaultKnobs::none()
    });
    for _ in 0..3 {
        let (status, _, body) = Call::op("FilterLogEvents", group_query())
            .send(&server)
            .await;
        assert!([500, 502, 503].contains(&status), "{status}");
        let body: Value = serde_json::from_slice(&body).expect("json");
        let expected = if status == 503 {
            "ServiceUnavailableException"
        } else {
            "InternalFailure"
        };
        assert_eq!(body["__type"], expected);
    }

    knobs(FaultKnobs {
        truncate: 1.0,
        ..FaultKnobs::none()
    });
    let (status, _, body) = Call::op("FilterLogEvents", group_query())
        .send(&server)
        .await;
    assert_eq!(status, 200);
    assert!(serde_json::from_slice::<Value>(&body).is_err());

    knobs(FaultKnobs {
        malformed: 1.0,
        ..FaultKnobs::none()
    });
    let (status, headers, body) = Call::op("FilterLogEvents", group_query())
        .send(&server)
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("text/html")
    );
    assert!(body.starts_with(b"<html>"));

    let delay = Duration::from_millis(150);
    knobs(FaultKnobs {
        delay: 1.0,
        delay_for: delay,
        ..FaultKnobs::none()
    });
    let started = Instant::now();
    let (status, _, _) = Call::op("FilterLogEvents", group_query())
        .send(&server)
        .await;
    assert_eq!(status, 200);
    assert!(started.elapsed() >= delay);

    sandbox.faults().clear();
    let (status, _, _) = Call::op("FilterLogEvents", group_query())
        .send(&server)
        .await;
    assert_eq!(status, 200);
    let faulted = sandbox
        .requests()
        .iter()
        .filter(|r| r.fault.is_some())
        .count();
    assert_eq!(faulted, 7);
    assert_eq!(sandbox.faults().injected(), 7);
}

#[tokio::test]
async fn protocol_errors_are_not_faulted() {
    let (sandbox, server) = started().await;
    sandbox.faults().set(FaultKnobs {
        throttle: 1.0,
        ..FaultKnobs::none()
    });
    let unsigned = Call {
        authorization: None,
        ..Call::op("FilterLogEvents", group_query())
    };
    assert_eq!(
        unsigned.error(&server).await.1,
        "MissingAuthenticationTokenException"
    );
    assert_eq!(sandbox.faults().injected(), 0);
}
