//! Response bodies are read up to a cap: a declared length over it is refused before
//! reading, an endless chunked body is cut off at it, and a body at the cap is read.

use std::time::Duration;

use axum::body::Body;
use bytes::Bytes;
use futures_util::stream;

use super::server::{reply, serve};
use super::*;

const CAP: usize = 1024;

#[tokio::test]
async fn a_declared_length_over_the_cap_fails_once_without_retry() {
    let (server, script) = serve(vec![reply(200, &"x".repeat(CAP + 1))]).await;
    let url = server.url();
    let err = client(fast_policy())
        .with_max_body_bytes(CAP)
        .send_with(|c| c.get(&url), |_, _| Verdict::Accept)
        .await
        .expect_err("too large");
    assert_eq!(
        err,
        HttpError::TooLarge {
            vendor: "acme",
            limit_bytes: CAP
        }
    );
    assert!(!err.is_retryable());
    assert_eq!(script.count(), 1, "not retried");
    assert_eq!(
        err.to_string(),
        "acme: response body longer than 1024 bytes; not read"
    );
}

#[tokio::test]
async fn a_body_exactly_at_the_cap_is_read() {
    let body = "y".repeat(CAP);
    let (server, _) = serve(vec![reply(200, &body)]).await;
    let url = server.url();
    let (_, read) = client(fast_policy())
        .with_max_body_bytes(CAP)
        .send_with(|c| c.get(&url), |_, _| Verdict::Accept)
        .await
        .expect("at the cap");
    assert_eq!(read, Bytes::from(body));
}

#[tokio::test]
async fn an_endless_chunked_body_is_cut_off_at_the_cap() {
    // No Content-Length: 64-byte chunks forever.
    let router = axum::Router::new().fallback(|| async {
        let chunks = stream::repeat_with(|| Ok::<_, std::io::Error>(Bytes::from(vec![b'z'; 64])));
        Body::from_stream(chunks)
    });
    let server = triaged_sandbox::SandboxServer::start(router)
        .await
        .expect("bind loopback");
    let url = server.url();
    let capped = client(fast_policy()).with_max_body_bytes(CAP);
    let call = capped.send_with(move |c| c.get(&url), |_, _| Verdict::Accept);
    let err = tokio::time::timeout(Duration::from_secs(5), call)
        .await
        .expect("stopped reading at the cap")
        .expect_err("too large");
    assert!(
        matches!(
            err,
            HttpError::TooLarge {
                limit_bytes: CAP,
                ..
            }
        ),
        "{err}"
    );
}
