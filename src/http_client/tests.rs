//! The policy against a scripted loopback server.

mod body_cap;
mod server;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::*;
use server::{reply, serve};

fn fast_policy() -> HttpPolicy {
    HttpPolicy {
        connect_timeout: Duration::from_secs(2),
        request_timeout: Duration::from_secs(5),
        max_attempts: 4,
        base_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(40),
        max_retry_after: Duration::from_secs(5),
        concurrency: 4,
    }
}

fn client(policy: HttpPolicy) -> VendorClient {
    VendorClient::new("acme", policy).expect("client")
}

#[tokio::test]
async fn retries_503_then_succeeds() {
    let (server, script) = serve(vec![
        reply(503, "busy"),
        reply(503, "busy"),
        reply(200, "ok"),
    ])
    .await;
    let url = server.url();
    let response = client(fast_policy())
        .send(|c| c.get(&url))
        .await
        .expect("third try succeeds");
    assert_eq!(response.text().await.expect("body"), "ok");
    assert_eq!(script.count(), 3);
}

#[tokio::test]
async fn honours_retry_after_measured_at_the_server() {
    let throttled = reply(429, "slow down").header("retry-after", "1");
    let (server, script) = serve(vec![throttled, reply(200, "ok")]).await;
    let url = server.url();
    client(fast_policy())
        .send(|c| c.get(&url))
        .await
        .expect("second try succeeds");
    let arrivals = script.arrivals();
    assert_eq!(arrivals.len(), 2);
    let gap = arrivals[1] - arrivals[0];
    assert!(gap >= Duration::from_secs(1), "retried after {gap:?}");
}

#[tokio::test]
async fn gives_up_after_max_attempts_with_a_retryable_error() {
    let (server, script) = serve(vec![reply(502, "bad gateway")]).await;
    let url = server.url();
    let err = client(fast_policy())
        .send(|c| c.get(&url))
        .await
        .expect_err("always 502");
    assert_eq!(script.count(), 4);
    assert!(err.is_retryable());
    assert_eq!(err.status(), Some(502));
    assert!(err.to_string().starts_with("acme: HTTP 502"), "{err}");
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    for status in [400, 401, 403, 404] {
        let (server, script) = serve(vec![reply(status, r#"{"detail":"no"}"#)]).await;
        let url = server.url();
        let err = client(fast_policy())
            .send(|c| c.get(&url).bearer_auth("tok-SECRET-123"))
            .await
            .expect_err("rejected");
        assert_eq!(script.count(), 1, "status {status}");
        assert!(!err.is_retryable());
        assert_eq!(err.status(), Some(status));
        assert!(err.to_string().contains(r#"{"detail":"no"}"#));
        assert!(!format!("{err} {err:?}").contains("SECRET"));
        assert_eq!(
            script.saw_authorization.lock().expect("lock").as_slice(),
            ["Bearer tok-SECRET-123"]
        );
    }
}

#[tokio::test]
async fn a_500_is_retried_once_only() {
    let (server, script) = serve(vec![reply(500, "oops")]).await;
    let url = server.url();
    let err = client(fast_policy())
        .send(|c| c.get(&url))
        .await
        .expect_err("always 500");
    assert_eq!(script.count(), 2);
    assert!(err.is_retryable());
}

#[tokio::test]
async fn timeouts_are_retried_for_idempotent_requests_only() {
    let policy = HttpPolicy {
        request_timeout: Duration::from_millis(150),
        ..fast_policy()
    };
    let slow_then_fast = || {
        vec![
            reply(200, "late").delayed(Duration::from_millis(600)),
            reply(200, "ok"),
        ]
    };

    let (server, script) = serve(slow_then_fast()).await;
    let url = server.url();
    let response = client(policy.clone()).send(|c| c.get(&url)).await;
    assert_eq!(response.expect("retried").text().await.expect("body"), "ok");
    assert_eq!(script.count(), 2);

    let (server, script) = serve(slow_then_fast()).await;
    let url = server.url();
    let err = client(policy.clone())
        .send(|c| c.post(&url).body("create"))
        .await
        .expect_err("a POST that timed out may have been applied");
    assert!(
        matches!(err, HttpError::Timeout { vendor: "acme" }),
        "{err:?}"
    );
    assert!(err.is_retryable(), "the caller may retry in a later run");
    assert_eq!(script.count(), 1);

    let (server, script) = serve(slow_then_fast()).await;
    let url = server.url();
    client(policy)
        .with_idempotency(Idempotency::Safe)
        .send(|c| c.post(&url).body("create with key"))
        .await
        .expect("declared safe, so retried");
    assert_eq!(script.count(), 2);
}

#[tokio::test]
async fn a_post_is_retried_on_429_and_503() {
    let (server, script) = serve(vec![reply(429, ""), reply(503, ""), reply(201, "made")]).await;
    let url = server.url();
    client(fast_policy())
        .send(|c| c.post(&url))
        .await
        .expect("refusals are safe to retry");
    assert_eq!(script.count(), 3);
}

#[tokio::test]
async fn concurrency_cap_is_respected() {
    let (server, script) = serve(vec![reply(200, "ok").delayed(Duration::from_millis(60))]).await;
    let url = server.url();
    let vendor = client(HttpPolicy {
        concurrency: 2,
        ..fast_policy()
    });
    let calls = (0..8).map(|_| {
        let vendor = vendor.clone();
        let url = url.clone();
        async move {
            vendor
                .send_with(|c| c.get(&url), |h, _| default_verdict(h))
                .await
        }
    });
    for result in futures_join_all(calls).await {
        result.expect("ok");
    }
    assert_eq!(script.count(), 8);
    assert_eq!(script.max_in_flight.load(Ordering::SeqCst), 2);
}

/// Runs futures concurrently on this task (no extra dependency for `join_all`).
async fn futures_join_all<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for handle in handles {
        out.push(handle.await.expect("task"));
    }
    out
}

fn linear_rate_limited(head: &ResponseHead, body: &[u8]) -> Verdict {
    if head.status.as_u16() == 400 {
        let value: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
        let codes = value["errors"].as_array().cloned().unwrap_or_default();
        if codes
            .iter()
            .any(|e| e["extensions"]["code"] == "RATELIMITED")
        {
            return Verdict::Retry {
                after: server_requested_wait(&head.headers, std::time::SystemTime::now()),
            };
        }
    }
    default_verdict(head)
}

#[tokio::test]
async fn body_classifier_retries_a_linear_style_rate_limit() {
    let limited =
        r#"{"errors":[{"message":"Rate limit exceeded","extensions":{"code":"RATELIMITED"}}]}"#;
    let (server, script) = serve(vec![reply(400, limited), reply(200, r#"{"data":{}}"#)]).await;
    let url = server.url();
    let (head, body) = client(fast_policy())
        .send_with(|c| c.post(&url).body("{}"), linear_rate_limited)
        .await
        .expect("retried after the rate limit");
    assert_eq!(head.status.as_u16(), 200);
    assert_eq!(&body[..], br#"{"data":{}}"#);
    assert_eq!(script.count(), 2);

    let (server, script) = serve(vec![reply(400, r#"{"errors":[{"message":"bad"}]}"#)]).await;
    let url = server.url();
    let err = client(fast_policy())
        .send_with(|c| c.post(&url).body("{}"), linear_rate_limited)
        .await
        .expect_err("a plain 400 is final");
    assert_eq!(script.count(), 1);
    assert!(!err.is_retryable());

    let (server, script) = serve(vec![reply(400, limited)]).await;
    let url = server.url();
    let err = client(fast_policy())
        .send_with(|c| c.post(&url).body("{}"), linear_rate_limited)
        .await
        .expect_err("still limited after every try");
    assert_eq!(script.count(), 4);
    assert!(matches!(err, HttpError::RateLimited { .. }), "{err:?}");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn a_wait_beyond_the_cap_fails_at_once_and_retryably() {
    let (server, script) = serve(vec![reply(429, "").header("retry-after", "3600")]).await;
    let url = server.url();
    let started = Instant::now();
    let err = client(fast_policy())
        .send(|c| c.get(&url))
        .await
        .expect_err("too long to wait");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(script.count(), 1);
    assert_eq!(
        err,
        HttpError::RateLimited {
            vendor: "acme",
            retry_after: Some(Duration::from_secs(3600))
        }
    );
    assert!(err.is_retryable());
}

#[tokio::test]
async fn send_json_retries_a_cut_body_and_names_the_path_of_a_wrong_one() {
    #[derive(Debug, serde::Deserialize)]
    struct Page {
        #[allow(dead_code)]
        items: Vec<u32>,
    }
    let (server, script) = serve(vec![
        reply(200, r#"{"items":[1,2"#),
        reply(200, r#"{"items":[1,2]}"#),
    ])
    .await;
    let url = server.url();
    let (_, page) = client(fast_policy())
        .send_json::<Page>(|c| c.get(&url))
        .await
        .expect("second body is whole");
    assert_eq!(page.items, [1, 2]);
    assert_eq!(script.count(), 2);

    let (server, script) = serve(vec![reply(200, r#"{"items":[1,"two"]}"#)]).await;
    let url = server.url();
    let err = client(fast_policy())
        .send_json::<Page>(|c| c.get(&url))
        .await
        .expect_err("wrong shape");
    assert_eq!(script.count(), 1, "a wrong shape is not retried");
    assert!(!err.is_retryable());
    let text = err.to_string();
    assert!(
        text.starts_with("acme: response body unexpected shape at `items[1]`"),
        "{text}"
    );
}

#[tokio::test]
async fn connect_failures_are_retried_then_reported() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    let err = client(fast_policy())
        .send(|c| c.get(&url))
        .await
        .expect_err("nothing listens");
    assert!(matches!(err, HttpError::Connect { .. }), "{err:?}");
    assert!(err.is_retryable());
    assert!(!err.to_string().contains(&url), "no URL in errors: {err}");
}

#[test]
fn decode_json_classifies_faults() {
    let cut = decode_json::<serde_json::Value>("acme", br#"{"a":[1,"#).expect_err("cut");
    assert!(matches!(
        cut,
        HttpError::Body {
            fault: BodyFault::Truncated,
            ..
        }
    ));
    assert!(cut.is_retryable());
    let html = decode_json::<serde_json::Value>("acme", b"<html>502</html>").expect_err("html");
    assert!(matches!(
        html,
        HttpError::Body {
            fault: BodyFault::NotJson,
            ..
        }
    ));
    let trailing = decode_json::<serde_json::Value>("acme", b"{} {}").expect_err("trailing");
    assert!(matches!(
        trailing,
        HttpError::Body {
            fault: BodyFault::NotJson,
            ..
        }
    ));
}

#[test]
fn body_excerpts_are_bounded_and_printable() {
    let long = "é".repeat(600) + "\u{1b}[31m";
    let excerpt = error::body_excerpt_of(long.as_bytes());
    assert!(excerpt.len() <= error::BODY_EXCERPT_MAX);
    assert!(!excerpt.chars().any(char::is_control));
}

#[test]
fn policy_reads_humantime_and_rejects_nonsense() {
    let policy: HttpPolicy =
        serde_json::from_str(r#"{"request_timeout":"10s","max_backoff":"1m","concurrency":2}"#)
            .expect("policy");
    assert_eq!(policy.request_timeout, Duration::from_secs(10));
    assert_eq!(policy.max_backoff, Duration::from_secs(60));
    assert_eq!(policy.max_attempts, HttpPolicy::default().max_attempts);
    let zero = HttpPolicy {
        max_attempts: 0,
        ..HttpPolicy::default()
    };
    assert!(VendorClient::new("acme", zero).is_err());
    assert!(serde_json::from_str::<HttpPolicy>(r#"{"retries":3}"#).is_err());
}

#[tokio::test(start_paused = true)]
async fn an_exhausted_quota_holds_back_the_next_request() {
    let vendor = client(fast_policy());
    let reset = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
        + 3;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-sentry-rate-limit-remaining", "0".parse().expect("value"));
    headers.insert(
        "x-sentry-rate-limit-reset",
        reset.to_string().parse().expect("value"),
    );
    vendor.note_quota(&headers);
    let started = tokio::time::Instant::now();
    vendor.wait_for_quota().await;
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(2) && waited <= Duration::from_secs(3),
        "{waited:?}"
    );

    let quiet = client(fast_policy());
    let mut plenty = reqwest::header::HeaderMap::new();
    plenty.insert(
        "x-sentry-rate-limit-remaining",
        "10".parse().expect("value"),
    );
    plenty.insert(
        "x-sentry-rate-limit-reset",
        reset.to_string().parse().expect("value"),
    );
    quiet.note_quota(&plenty);
    let started = tokio::time::Instant::now();
    quiet.wait_for_quota().await;
    assert_eq!(started.elapsed(), Duration::ZERO);
}
