//! The emulator over HTTP: auth, pagination links, search, stats, rate-limit headers,
//! faults and the status update.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::Value;

use super::*;
use crate::{FaultKnobs, SandboxServer};

const TOKEN: &str = "sntrys_test_token";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 12, 30, 0)
        .single()
        .expect("time")
}

async fn start(issues: usize) -> (Arc<SentrySandbox>, SandboxServer) {
    let sandbox = SentrySandbox::new(7, "acme", TOKEN);
    sandbox.set_now(now());
    for n in 0..issues {
        let id = sandbox.add_issue(IssueSeed::new("shop", &format!("Error {n}")));
        let at = now() - Duration::minutes(i64::try_from(n).unwrap_or(0));
        assert!(sandbox.record_events(&id, at, 2, None));
    }
    let server = SandboxServer::start(sandbox.router()).await.expect("bind");
    (sandbox, server)
}

async fn get(
    server: &SandboxServer,
    path_and_query: &str,
    token: Option<&str>,
) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(format!("{}{path_and_query}", server.url()));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("response")
}

#[tokio::test]
async fn rejects_missing_and_wrong_tokens_like_sentry() {
    let (sandbox, server) = start(1).await;
    for token in [None, Some("wrong")] {
        let response = get(&server, "/api/0/organizations/acme/issues/", token).await;
        assert_eq!(response.status(), 401);
        let body: Value = response.json().await.expect("json");
        assert!(body["detail"].is_string());
    }
    let requests = sandbox.requests();
    assert_eq!(requests.len(), 2);
    assert!(!requests[0].had_token && requests[1].had_token);
    assert!(requests.iter().all(|r| r.status == 401));
}

#[tokio::test]
async fn paginates_with_sentry_link_headers() {
    let (_sandbox, server) = start(5).await;
    let path = "/api/0/organizations/acme/issues/?limit=2&statsPeriod=24h";
    let first = get(&server, path, Some(TOKEN)).await;
    let link = first.headers()["link"].to_str().expect("link").to_owned();
    let page: Vec<Value> = first.json().await.expect("json");
    assert_eq!(page.len(), 2);
    let base = format!(
        "{}/api/0/organizations/acme/issues/?limit=2&statsPeriod=24h",
        server.url()
    );
    assert_eq!(
        link,
        format!(
            "<{base}&cursor=0:0:1>; rel=\"previous\"; results=\"false\"; cursor=\"0:0:1\", \
             <{base}&cursor=0:2:0>; rel=\"next\"; results=\"true\"; cursor=\"0:2:0\""
        )
    );
    let mut seen: Vec<String> = page
        .iter()
        .map(|i| i["id"].as_str().unwrap_or("").to_owned())
        .collect();
    for cursor in ["0:2:0", "0:4:0"] {
        let response = get(&server, &format!("{path}&cursor={cursor}"), Some(TOKEN)).await;
        let link = response.headers()["link"]
            .to_str()
            .expect("link")
            .to_owned();
        let page: Vec<Value> = response.json().await.expect("json");
        seen.extend(
            page.iter()
                .map(|i| i["id"].as_str().unwrap_or("").to_owned()),
        );
        if cursor == "0:4:0" {
            assert!(
                link.ends_with("rel=\"next\"; results=\"false\"; cursor=\"0:5:0\""),
                "{link}"
            );
            assert!(link.contains("rel=\"previous\"; results=\"true\""));
        }
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 5, "every issue once");
    let bad = get(&server, &format!("{path}&cursor=abc"), Some(TOKEN)).await;
    assert_eq!(bad.status(), 400);
}

#[tokio::test]
async fn searches_and_rejects_unknown_syntax() {
    let (sandbox, server) = start(3).await;
    let ids: Vec<String> = {
        let response = get(
            &server,
            "/api/0/organizations/acme/issues/?statsPeriod=24h",
            Some(TOKEN),
        )
        .await;
        let page: Vec<Value> = response.json().await.expect("json");
        page.iter()
            .map(|i| i["id"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    assert_eq!(ids.len(), 3, "sorted by last seen, newest first");
    let mut resolved = reqwest::Client::new()
        .put(format!(
            "{}/api/0/organizations/acme/issues/{}/",
            server.url(),
            ids[0]
        ))
        .bearer_auth(TOKEN)
        .json(&serde_json::json!({"status": "resolved"}))
        .send()
        .await
        .expect("put");
    assert_eq!(resolved.status(), 200);
    resolved = reqwest::Client::new()
        .put(format!(
            "{}/api/0/organizations/acme/issues/{}/",
            server.url(),
            ids[0]
        ))
        .bearer_auth(TOKEN)
        .json(&serde_json::json!({"status": "exploded"}))
        .send()
        .await
        .expect("put");
    assert_eq!(resolved.status(), 400);
    assert_eq!(sandbox.issue_status(&ids[0]).as_deref(), Some("resolved"));

    let count = |query: &'static str| {
        let server_url = server.url();
        async move {
            let response = reqwest::Client::new()
                .get(format!("{server_url}/api/0/organizations/acme/issues/"))
                .query(&[("query", query), ("statsPeriod", "24h")])
                .bearer_auth(TOKEN)
                .send()
                .await
                .expect("response");
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap_or_default();
            (status, body.as_array().map_or(0, Vec::len))
        }
    };
    assert_eq!(count("is:unresolved").await, (200, 2));
    assert_eq!(count("").await, (200, 3));
    assert_eq!(count("is:resolved").await, (200, 1));
    assert_eq!(
        count("is:unresolved lastSeen:>=2026-03-01T12:29:00").await,
        (200, 1)
    );
    assert_eq!(count("lastSeen:-1m").await, (200, 2));
    assert_eq!(count("is:unresolved oops").await.0, 400);
    assert_eq!(count("is:sleeping").await.0, 400);
}

#[tokio::test]
async fn hourly_stats_and_periods() {
    let sandbox = SentrySandbox::new(1, "acme", TOKEN);
    sandbox.set_now(now());
    let id = sandbox.add_issue(IssueSeed::new("shop", "boom"));
    sandbox.record_events(&id, now() - Duration::hours(3), 4, None);
    sandbox.record_events(&id, now(), 1, None);
    sandbox.record_events(&id, now() - Duration::hours(40), 9, None);
    let server = SandboxServer::start(sandbox.router()).await.expect("bind");
    let response = get(
        &server,
        "/api/0/organizations/acme/issues/?statsPeriod=24h&groupStatsPeriod=24h",
        Some(TOKEN),
    )
    .await;
    let page: Vec<Value> = response.json().await.expect("json");
    let buckets = page[0]["stats"]["24h"]
        .as_array()
        .expect("24h stats")
        .clone();
    assert_eq!(buckets.len(), 24);
    let hour = |t: DateTime<Utc>| t.timestamp() - t.timestamp() % 3600;
    assert_eq!(buckets[23], serde_json::json!([hour(now()), 1]));
    assert_eq!(buckets[20], serde_json::json!([hour(now()) - 3 * 3600, 4]));
    assert_eq!(page[0]["count"], "5", "events inside the period");
    assert_eq!(sandbox.total_events(&id), Some(14));
    for bad in [
        "statsPeriod=yesterday",
        "groupStatsPeriod=7d",
        "sort=random",
        "limit=500",
    ] {
        let response = get(
            &server,
            &format!("/api/0/organizations/acme/issues/?{bad}"),
            Some(TOKEN),
        )
        .await;
        assert_eq!(response.status(), 400, "{bad}");
    }
    let other_org = get(&server, "/api/0/organizations/other/issues/", Some(TOKEN)).await;
    assert_eq!(other_org.status(), 404);
}

#[tokio::test]
async fn rate_limit_headers_and_throttle_fault() {
    let (sandbox, server) = start(1).await;
    let ok = get(&server, "/api/0/organizations/acme/issues/", Some(TOKEN)).await;
    for name in [
        "x-sentry-rate-limit-limit",
        "x-sentry-rate-limit-remaining",
        "x-sentry-rate-limit-reset",
        "x-sentry-rate-limit-concurrentlimit",
        "x-sentry-rate-limit-concurrentremaining",
    ] {
        assert!(ok.headers().contains_key(name), "{name}");
    }
    sandbox.faults().set(FaultKnobs {
        throttle: 1.0,
        retry_after: StdDuration::from_secs(3),
        ..FaultKnobs::none()
    });
    let throttled = get(&server, "/api/0/organizations/acme/issues/", Some(TOKEN)).await;
    assert_eq!(throttled.status(), 429);
    assert_eq!(throttled.headers()["retry-after"], "3");
    assert_eq!(throttled.headers()["x-sentry-rate-limit-remaining"], "0");
    sandbox.faults().clear();
    sandbox.set_rate_limits(RateLimits {
        per_second: 2,
        concurrent: 25,
    });
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(
            get(&server, "/api/0/organizations/acme/issues/", Some(TOKEN))
                .await
                .status()
                .as_u16(),
        );
    }
    assert!(statuses.contains(&429), "{statuses:?}");
}

#[tokio::test]
async fn serves_the_latest_event_or_a_raw_body() {
    let (sandbox, server) = start(0).await;
    let id = sandbox.add_issue(IssueSeed::new("shop", "KeyError: 'sku'"));
    let path = format!("/api/0/organizations/acme/issues/{id}/events/latest/");
    assert_eq!(
        get(&server, &path, Some(TOKEN)).await.status(),
        404,
        "no event yet"
    );
    let seed = EventSeed {
        exceptions: vec![ExceptionSeed {
            exception_type: "KeyError".into(),
            value: "'sku'".into(),
            handled: Some(false),
            frames: vec![FrameSeed {
                filename: "app/cart.py".into(),
                abs_path: Some("/srv/app/cart.py".into()),
                function: "add".into(),
                line: Some(12),
                in_app: true,
                ..FrameSeed::default()
            }],
            ..ExceptionSeed::default()
        }],
        user_id: Some("u-1".into()),
        request: Some(("POST".into(), "https://shop/carts/9/items?x=1".into())),
        ..EventSeed::default()
    };
    sandbox.record_events(&id, now(), 1, Some(LatestEvent::Event(Box::new(seed))));
    let event: Value = get(&server, &path, Some(TOKEN))
        .await
        .json()
        .await
        .expect("json");
    let frame = &event["entries"][0]["data"]["values"][0]["stacktrace"]["frames"][0];
    assert_eq!(frame["absPath"], "/srv/app/cart.py");
    assert_eq!(frame["lineNo"], 12);
    assert_eq!(frame["inApp"], true);
    assert_eq!(
        event["entries"][1]["data"]["url"],
        "https://shop/carts/9/items"
    );
    assert_eq!(event["user"]["id"], "u-1");
    let bogus = format!("/api/0/organizations/acme/issues/{id}/events/newest/");
    assert_eq!(get(&server, &bogus, Some(TOKEN)).await.status(), 404);
    sandbox.record_events(
        &id,
        now(),
        1,
        Some(LatestEvent::RawBody("{\"eventID\": ".into())),
    );
    let raw = get(&server, &path, Some(TOKEN))
        .await
        .text()
        .await
        .expect("text");
    assert_eq!(raw, "{\"eventID\": ");
}
