//! The Sentry source under each fault the emulator injects: runs fail or degrade while
//! faults are on, and once they stop the counts handed on add up to exactly the events
//! recorded — nothing lost, nothing counted twice.

use std::collections::BTreeMap;
use std::time::Duration as StdDuration;

use super::*;
use chrono::Duration;
use triaged::http_client::HttpPolicy;
use triaged::sources::sentry::{SentryConfig, SentryCursor, SentrySource};
use triaged_sandbox::FaultKnobs;

/// Runs with faults on while counts grow, then without: the counts handed on add up to
/// exactly the events recorded.
async fn converges_under(knobs: FaultKnobs, seed: u64) {
    let rig = rig(seed).await;
    let ids = seed_issues(&rig.sandbox, 130, t0() - Duration::hours(3), 2);
    let source = SentrySource::new(
        &SentryConfig {
            http: HttpPolicy {
                max_attempts: 3,
                ..fast_policy()
            },
            ..config(&rig)
        },
        TOKEN,
        salt(),
    )
    .expect("source");
    rig.sandbox.faults().set(knobs);
    let mut cursor = SentryCursor::default();
    let mut handed_on: BTreeMap<String, u64> = BTreeMap::new();
    let mut failed_runs = 0;
    for round in 0..6_i64 {
        // Every other round per issue, 10 minutes apart: buckets grow while runs read them.
        let now = t0() + Duration::minutes(10 * round);
        rig.sandbox.set_now(now);
        let parity = usize::try_from(round % 2).unwrap_or(0);
        for (i, id) in ids
            .iter()
            .enumerate()
            .filter(|(i, _)| (i + parity) % 2 == 0)
        {
            let n = u64::try_from(i % 4).unwrap_or(0) + 1;
            rig.sandbox
                .record_events(id, now - Duration::minutes(1), n, None);
        }
        match pull_counts(&source, &cursor, now).await {
            Ok((counts, next, _)) => {
                for (id, n) in counts {
                    *handed_on.entry(id).or_insert(0) += n;
                }
                cursor = next;
            }
            Err(e) => {
                assert!(e.is_retryable(), "{e}");
                failed_runs += 1;
            }
        }
    }
    assert!(rig.sandbox.faults().injected() > 0);
    rig.sandbox.faults().clear();
    let now = t0() + Duration::minutes(70);
    rig.sandbox.set_now(now);
    let (counts, _, batch) = pull_counts(&source, &cursor, now).await.expect("clean run");
    for (id, n) in counts {
        *handed_on.entry(id).or_insert(0) += n;
    }
    for id in &ids {
        assert_eq!(
            handed_on.get(id).copied().unwrap_or(0),
            rig.sandbox.total_events(id).unwrap_or(0),
            "issue {id} ({failed_runs} failed runs; last report {:?})",
            batch.report
        );
    }
}

crate::trial!(current_thread, converges_after_throttling);
async fn converges_after_throttling() {
    converges_under(
        FaultKnobs {
            throttle: 0.02,
            retry_after: StdDuration::from_secs(1),
            ..FaultKnobs::none()
        },
        11,
    )
    .await;
}

crate::trial!(current_thread, converges_after_server_errors);
async fn converges_after_server_errors() {
    converges_under(
        FaultKnobs {
            server_error: 0.3,
            ..FaultKnobs::none()
        },
        12,
    )
    .await;
}

crate::trial!(current_thread, converges_after_slow_responses);
async fn converges_after_slow_responses() {
    converges_under(
        FaultKnobs {
            delay: 0.1,
            delay_for: StdDuration::from_millis(800),
            ..FaultKnobs::none()
        },
        13,
    )
    .await;
}

crate::trial!(current_thread, converges_after_truncated_bodies);
async fn converges_after_truncated_bodies() {
    converges_under(
        FaultKnobs {
            truncate: 0.3,
            ..FaultKnobs::none()
        },
        14,
    )
    .await;
}

crate::trial!(current_thread, converges_after_malformed_bodies);
async fn converges_after_malformed_bodies() {
    converges_under(
        FaultKnobs {
            malformed: 0.3,
            ..FaultKnobs::none()
        },
        15,
    )
    .await;
}
