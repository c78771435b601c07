//! Every fault the emulator injects, at a high share: each read either completes or fails
//! retryably (keeping the old cursor), and once the faults stop, repeated reads converge to
//! exactly the seeded events, none twice.

use std::time::Duration;

use super::testing::*;
use super::*;
use triaged_sandbox::FaultKnobs;

const EVENTS: usize = 300;

async fn converges_under(knobs: FaultKnobs, tweak: impl Fn(&mut CloudWatchConfig)) {
    let harness = Harness::start(11).await;
    let now = now();
    // 300 events over 5 minutes; the overlap (2 minutes) is re-read by every later run.
    harness.seed("/app/api", EVENTS, now - 1000, |i| format!("ERROR {i}"));
    let mut config = harness.config(vec![named("/app/api", "ERROR")]);
    config.page_limit = 40;
    config.overlap = Duration::from_secs(120);
    tweak(&mut config);
    let source = harness.source(&config);
    let group = &source.resolve_groups().await.0[0];

    harness.sandbox.faults().set(knobs.clone());
    let mut cursor: Option<GroupCursor> = None;
    let mut records = Vec::new();
    let (mut completed, mut failed) = (0, 0);
    for run in 0..6 {
        match source.fetch_group(group, cursor.as_ref(), now + run).await {
            Ok(batch) => {
                completed += 1;
                records.extend(batch.records);
                cursor = Some(batch.cursor);
            }
            Err(error) => {
                failed += 1;
                assert!(error.is_retryable(), "{knobs:?}: {error}");
                assert!(error.to_string().contains("/app/api"), "{error}");
            }
        }
    }
    assert!(
        harness.sandbox.faults().injected() > 0,
        "{knobs:?} injected nothing"
    );

    harness.sandbox.faults().clear();
    for run in 6..9 {
        let batch = source
            .fetch_group(group, cursor.as_ref(), now + run)
            .await
            .expect("clean read");
        records.extend(batch.records);
        cursor = Some(batch.cursor);
    }
    assert_eq!(
        distinct_ids(&records),
        EVENTS,
        "{knobs:?}: {completed} runs completed, {failed} failed"
    );
}

#[tokio::test]
async fn throttling_is_retried_and_converges() {
    converges_under(
        FaultKnobs {
            throttle: 0.5,
            ..FaultKnobs::none()
        },
        |_| {},
    )
    .await;
}

#[tokio::test]
async fn server_errors_are_retried_and_converge() {
    converges_under(
        FaultKnobs {
            server_error: 0.5,
            ..FaultKnobs::none()
        },
        |_| {},
    )
    .await;
}

#[tokio::test]
async fn a_response_slower_than_the_attempt_timeout_is_retried() {
    let knobs = FaultKnobs {
        delay: 0.4,
        delay_for: Duration::from_secs(3),
        ..FaultKnobs::none()
    };
    converges_under(knobs, |config| {
        config.attempt_timeout = Duration::from_millis(250)
    })
    .await;
}

#[tokio::test]
async fn truncated_bodies_are_retried_and_converge() {
    converges_under(
        FaultKnobs {
            truncate: 0.5,
            ..FaultKnobs::none()
        },
        |_| {},
    )
    .await;
}

#[tokio::test]
async fn malformed_bodies_are_retried_and_converge() {
    converges_under(
        FaultKnobs {
            malformed: 0.5,
            ..FaultKnobs::none()
        },
        |_| {},
    )
    .await;
}

#[tokio::test]
async fn a_failure_mid_pagination_returns_no_records_and_no_cursor() {
    let harness = Harness::start(12).await;
    let now = now();
    harness.seed("/app/api", 100, now - 1000, |i| format!("ERROR {i}"));
    let mut config = harness.config(vec![named("/app/api", "ERROR")]);
    config.page_limit = 10;
    config.max_attempts = 1;
    let source = harness.source(&config);
    let group = &source.resolve_groups().await.0[0];
    // Every request fails from the third page on; with one attempt the read must fail.
    let partial = tokio::spawn({
        let sandbox = harness.sandbox.clone();
        async move {
            while sandbox.requests().len() < 2 {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            sandbox.faults().set(FaultKnobs {
                server_error: 1.0,
                ..FaultKnobs::none()
            });
        }
    });
    harness.sandbox.faults().set(FaultKnobs {
        delay: 1.0,
        delay_for: Duration::from_millis(20),
        ..FaultKnobs::none()
    });
    let error = source
        .fetch_group(group, None, now)
        .await
        .expect_err("fails part-way");
    partial.await.expect("fault switch");
    assert!(error.is_retryable(), "{error}");
    let ok_pages = harness
        .sandbox
        .requests()
        .iter()
        .filter(|r| r.status == 200)
        .count();
    assert!(
        ok_pages >= 2,
        "failed after {ok_pages} good pages, not at the start"
    );

    harness.sandbox.faults().clear();
    let batch = source
        .fetch_group(group, None, now)
        .await
        .expect("clean read");
    assert_eq!(distinct_ids(&batch.records), 100);
}
