//! `LinearTracker` under the emulator's faults: `RATELIMITED` waited out, queries retried
//! on 5xx and mangled bodies, mutations not re-sent once they may have landed, and
//! `create` finding the ticket a lost answer left behind.

use std::time::{Duration, Instant};

use super::*;
use crate::http_client::HttpError;
use triaged_sandbox::Fault;

#[tokio::test]
async fn ratelimited_is_waited_out_and_retried() {
    let fixture = fixture().await;
    fixture
        .tracker
        .create(&new_ticket(20))
        .await
        .expect("create");
    let wait = Duration::from_millis(300);
    fixture
        .sandbox
        .inject(Fault::Throttle { retry_after: wait });
    let started = Instant::now();
    let found = fixture.tracker.find_by_link(&new_ticket(20).link.url).await;
    assert_eq!(
        found.expect("found after the wait").map(|t| t.key),
        Some("ENG-1".into())
    );
    // The reset header is epoch milliseconds, at most 1 ms early after rounding.
    assert!(
        started.elapsed() >= wait - Duration::from_millis(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(fixture.sandbox.count_requests("attachmentsForURL"), 2);
}

#[tokio::test]
async fn a_ratelimited_mutation_is_retried_too() {
    // Linear refused it before doing anything, so sending it again is safe.
    let fixture = fixture().await;
    fixture.tracker.prepare().await.expect("prepare");
    fixture.sandbox.limit_faults_to(&["issueCreate"]);
    fixture.sandbox.inject(Fault::Throttle {
        retry_after: Duration::from_millis(50),
    });
    let ticket = fixture
        .tracker
        .create(&new_ticket(21))
        .await
        .expect("create");
    assert_eq!(ticket.key, "ENG-1");
    assert_eq!(fixture.sandbox.count_requests("issueCreate"), 2);
    assert_eq!(fixture.sandbox.issues().len(), 1);
}

#[tokio::test]
async fn queries_are_retried_on_5xx_and_mangled_bodies() {
    let fixture = fixture().await;
    let ticket = fixture
        .tracker
        .create(&new_ticket(22))
        .await
        .expect("create");
    fixture.sandbox.limit_faults_to(&["issue"]);
    fixture.sandbox.inject(Fault::ServerError { status: 502 });
    fixture.sandbox.inject(Fault::Truncate);
    fixture.sandbox.inject(Fault::Malformed);
    let before = fixture.sandbox.count_requests("issue");
    let found = fixture.tracker.ticket(&ticket.id).await.expect("ticket");
    assert_eq!(found, Some(ticket));
    assert_eq!(fixture.sandbox.count_requests("issue") - before, 4);
}

#[tokio::test]
async fn a_comment_is_not_sent_twice_after_a_502() {
    let fixture = fixture().await;
    let ticket = fixture
        .tracker
        .create(&new_ticket(23))
        .await
        .expect("create");
    fixture.sandbox.limit_faults_to(&["commentCreate"]);
    fixture.sandbox.inject(Fault::ServerError { status: 502 });
    let id = comment_id(3);
    let error = fixture
        .tracker
        .comment(&ticket.id, &id, "once")
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            TrackerError::Http(HttpError::Status { status: 502, .. })
        ),
        "{error:?}"
    );
    assert!(error.is_retryable(), "the action stays pending");
    assert_eq!(fixture.sandbox.count_requests("commentCreate"), 1);
    fixture
        .sandbox
        .inject(Fault::Delay(Duration::from_millis(10)));
    fixture
        .tracker
        .comment(&ticket.id, &id, "once")
        .await
        .expect("later");
    assert_eq!(fixture.sandbox.issue("ENG-1").unwrap().comments, ["once"]);
}

#[tokio::test]
async fn a_comment_that_landed_late_is_not_posted_twice() {
    let fixture = fixture_with(|c| c.http.request_timeout = Duration::from_millis(400)).await;
    let ticket = fixture
        .tracker
        .create(&new_ticket(25))
        .await
        .expect("create");
    fixture.sandbox.limit_faults_to(&["commentCreate"]);
    fixture
        .sandbox
        .inject(Fault::Delay(Duration::from_millis(1500)));
    let id = comment_id(4);
    let error = fixture
        .tracker
        .comment(&ticket.id, &id, "once")
        .await
        .unwrap_err();
    assert!(
        matches!(error, TrackerError::Http(HttpError::Timeout { .. })),
        "{error:?}"
    );
    fixture
        .tracker
        .comment(&ticket.id, &id, "once")
        .await
        .expect("retried");
    assert_eq!(fixture.sandbox.count_requests("commentCreate"), 1);
    assert_eq!(fixture.sandbox.issue("ENG-1").unwrap().comments, ["once"]);
}

#[tokio::test]
async fn a_create_that_landed_late_is_not_repeated() {
    let fixture = fixture_with(|c| c.http.request_timeout = Duration::from_millis(400)).await;
    fixture.tracker.prepare().await.expect("prepare");
    fixture.sandbox.limit_faults_to(&["issueCreate"]);
    fixture
        .sandbox
        .inject(Fault::Delay(Duration::from_millis(1500)));
    let new = new_ticket(24);
    let error = fixture.tracker.create(&new).await.unwrap_err();
    assert!(
        matches!(error, TrackerError::Http(HttpError::Timeout { .. })),
        "{error:?}"
    );
    assert!(error.is_retryable());
    assert_eq!(
        fixture.sandbox.count_requests("issueCreate"),
        1,
        "not re-sent"
    );
    assert_eq!(fixture.sandbox.issues().len(), 1, "it landed all the same");

    let ticket = fixture.tracker.create(&new).await.expect("create again");
    assert_eq!(
        (ticket.key.as_str(), ticket.id.as_str()),
        ("ENG-1", new.id.as_str())
    );
    assert_eq!(fixture.sandbox.count_requests("issueCreate"), 1);
    let issues = fixture.sandbox.issues();
    assert_eq!(issues.len(), 1);
    assert_eq!(
        issues[0].attachments.len(),
        1,
        "the link attached by the second run"
    );
}

#[tokio::test]
async fn an_outage_fails_retryably_and_passes() {
    let fixture = fixture_with(|c| c.http.max_attempts = 2).await;
    fixture.sandbox.set_outage(true);
    let error = fixture.tracker.prepare().await.unwrap_err();
    assert!(
        matches!(
            error,
            TrackerError::Http(HttpError::Status { status: 503, .. })
        ),
        "{error:?}"
    );
    assert!(error.is_retryable());
    fixture.sandbox.set_outage(false);
    fixture
        .tracker
        .prepare()
        .await
        .expect("prepare after the outage");
}
