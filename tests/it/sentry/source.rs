//! The Sentry source against the emulator on loopback: pagination, auth, rate limits,
//! faults, exact counting across runs, degraded and unreadable events.

use std::collections::BTreeMap;
use std::time::Duration as StdDuration;

use super::*;
use chrono::Duration;
use triaged::sources::sentry::{
    IssueStatus, SentryConfig, SentryCursor, SentryError, SentrySource,
};
use triaged_sandbox::FaultKnobs;
use triaged_sandbox::sentry::{EventSeed, ExceptionSeed, IssueSeed, LatestEvent};

fn list_requests(rig: &Rig) -> usize {
    rig.sandbox
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/issues/"))
        .count()
}

crate::trial!(current_thread, reads_every_page_and_maps_events);
async fn reads_every_page_and_maps_events() {
    let rig = rig(1).await;
    let ids = seed_issues(&rig.sandbox, 230, t0() - Duration::minutes(5), 3);
    let source = source(&rig);
    let (counts, cursor, batch) = pull_counts(&source, &SentryCursor::default(), t0())
        .await
        .expect("pull");
    assert_eq!(batch.report.pages, 3);
    assert_eq!(list_requests(&rig), 3, "230 issues at 100 a page");
    assert_eq!(batch.observations.len(), 230);
    assert_eq!(counts.len(), 230);
    assert!(counts.values().all(|n| *n == 3));
    assert_eq!(batch.report.events_read, 230);
    assert_eq!(batch.report.events_degraded, 0);
    let first = batch
        .observations
        .iter()
        .find(|o| o.issue_id == ids[0])
        .expect("first issue");
    let event = first.latest.as_ref().expect("latest event");
    assert_eq!(event.exception_type.as_deref(), Some("KeyError"));
    assert_eq!(event.frames[0].function, "add", "raiser first");
    assert_eq!(event.frames[0].file, "/srv/app/cart.py");
    assert_eq!(
        event.endpoint.as_ref().map(ToString::to_string).as_deref(),
        Some("POST /carts/:id/items")
    );
    assert_eq!(event.handled, Some(false));
    assert_eq!(event.release.as_deref(), Some("shop@1.4.2"));
    assert!(event.user.is_some());
    assert_eq!(first.hourly, vec![(t0() - Duration::minutes(30), 3)]);
    let observed = first
        .observed(SentryCursor::default().new_counts(first))
        .expect("new counts and an event");
    assert_eq!(observed.counts, first.hourly);
    assert_eq!(observed.reported_users, Some(1));
    assert_eq!(first.observed(Vec::new()), None, "nothing new");
    assert_eq!(cursor.issue_count(), 230);
}

crate::trial!(current_thread, a_rejected_token_fails_without_retry_or_leak);
async fn a_rejected_token_fails_without_retry_or_leak() {
    let rig = rig(2).await;
    seed_issues(&rig.sandbox, 2, t0(), 1);
    let source =
        SentrySource::new(&config(&rig), "sntrys_WRONG_token_value", salt()).expect("source");
    let err = source
        .pull(&SentryCursor::default(), t0())
        .await
        .expect_err("401");
    assert!(
        matches!(err, SentryError::Unauthorized { status: 401 }),
        "{err:?}"
    );
    assert!(!err.is_retryable());
    let text = err.to_string();
    assert!(text.contains("rejected the API token"), "{text}");
    assert!(!format!("{text} {err:?}").contains("WRONG"));
    assert_eq!(rig.sandbox.requests().len(), 1, "a 401 is not retried");
}

crate::trial!(current_thread, retry_after_is_honoured_at_the_emulator);
async fn retry_after_is_honoured_at_the_emulator() {
    let rig = rig(3).await;
    seed_issues(&rig.sandbox, 3, t0(), 2);
    rig.sandbox.faults().set(FaultKnobs {
        throttle: 1.0,
        retry_after: StdDuration::from_secs(1),
        ..FaultKnobs::none()
    });
    let sandbox = rig.sandbox.clone();
    let lift = tokio::spawn(async move {
        while !sandbox.requests().iter().any(|r| r.status == 429) {
            tokio::time::sleep(StdDuration::from_millis(2)).await;
        }
        sandbox.faults().clear();
    });
    let (counts, _, _) = pull_counts(&source(&rig), &SentryCursor::default(), t0())
        .await
        .expect("pull after the throttle lifts");
    lift.await.expect("lift task");
    assert_eq!(counts.values().sum::<u64>(), 6);
    let requests = rig.sandbox.requests();
    let throttled: Vec<_> = requests.iter().filter(|r| r.status == 429).collect();
    assert!(!throttled.is_empty());
    for hit in throttled {
        let next = requests
            .iter()
            .filter(|r| r.path == hit.path && r.at > hit.at)
            .map(|r| r.at)
            .min()
            .expect("a retry followed");
        assert!(
            next - hit.at >= StdDuration::from_secs(1),
            "retried after {:?}",
            next - hit.at
        );
    }
}

crate::trial!(current_thread, growing_counts_are_handed_on_exactly_once);
async fn growing_counts_are_handed_on_exactly_once() {
    let rig = rig(4).await;
    let grows = rig.sandbox.add_issue(IssueSeed::new("shop", "grows"));
    let quiet = rig.sandbox.add_issue(IssueSeed::new("shop", "quiet"));
    rig.sandbox.record_events(
        &grows,
        t0() - Duration::minutes(20),
        3,
        Some(key_error("u1")),
    );
    rig.sandbox.record_events(
        &quiet,
        t0() - Duration::minutes(25),
        5,
        Some(key_error("u2")),
    );
    let source = source(&rig);
    let (first, cursor, _) = pull_counts(&source, &SentryCursor::default(), t0())
        .await
        .expect("run 1");
    assert_eq!(first.get(&grows), Some(&3));
    assert_eq!(first.get(&quiet), Some(&5));

    let later = t0() + Duration::minutes(40); // 13:10
    rig.sandbox.set_now(later);
    rig.sandbox
        .record_events(&grows, t0() + Duration::minutes(10), 2, None); // 12:40, same hour
    rig.sandbox.record_events(
        &grows,
        later - Duration::minutes(5),
        4,
        Some(key_error("u3")),
    ); // 13:05
    let events_before = latest_event_requests(&rig);
    let batch = source.pull(&cursor, later).await.expect("run 2");
    let grown = batch
        .observations
        .iter()
        .find(|o| o.issue_id == grows)
        .expect("listed");
    let hour = |h: i64| t0() - Duration::minutes(30) + Duration::hours(h);
    assert_eq!(cursor.new_counts(grown), vec![(hour(0), 2), (hour(1), 4)]);
    assert!(
        batch.observations.iter().all(|o| o.issue_id != quiet),
        "not seen since"
    );
    assert_eq!(
        latest_event_requests(&rig) - events_before,
        1,
        "only the grown issue's event"
    );
    let again = batch.cursor.new_counts(grown);
    assert!(again.is_empty(), "nothing counted twice: {again:?}");
}

fn latest_event_requests(rig: &Rig) -> usize {
    rig.sandbox
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/events/latest/"))
        .count()
}

crate::trial!(
    current_thread,
    an_event_without_frames_is_kept_and_counted_as_degraded
);
async fn an_event_without_frames_is_kept_and_counted_as_degraded() {
    let rig = rig(5).await;
    let id = rig
        .sandbox
        .add_issue(IssueSeed::new("shop", "TimeoutError"));
    let event = EventSeed {
        exceptions: vec![ExceptionSeed {
            exception_type: "TimeoutError".into(),
            value: "upstream took too long".into(),
            ..ExceptionSeed::default()
        }],
        transaction: Some("GET /orders/{order_id}".into()),
        ..EventSeed::default()
    };
    rig.sandbox
        .record_events(&id, t0(), 1, Some(LatestEvent::Event(Box::new(event))));
    let batch = source(&rig)
        .pull(&SentryCursor::default(), t0())
        .await
        .expect("pull");
    assert_eq!(batch.report.events_degraded, 1);
    let latest = batch.observations[0].latest.as_ref().expect("kept");
    assert!(latest.frames.is_empty());
    assert_eq!(
        latest.endpoint.as_ref().map(ToString::to_string).as_deref(),
        Some("GET /orders/:id")
    );
}

crate::trial!(current_thread, bad_json_is_counted_and_names_the_vendor);
async fn bad_json_is_counted_and_names_the_vendor() {
    let rig = rig(6).await;
    let id = rig.sandbox.add_issue(IssueSeed::new("shop", "broken"));
    let seen = t0() - Duration::minutes(50);
    let broken = LatestEvent::RawBody("{\"eventID\": [".into());
    rig.sandbox.record_events(&id, seen, 2, Some(broken));
    let (counts, cursor, batch) = pull_counts(&source(&rig), &SentryCursor::default(), t0())
        .await
        .expect("pull");
    assert_eq!(batch.report.events_unreadable, 1);
    assert_eq!(batch.observations[0].latest, None);
    let listed: u64 = batch.observations[0].hourly.iter().map(|(_, n)| n).sum();
    assert_eq!(listed, 2, "its counts were listed");
    assert_eq!(
        counts.get(&id),
        Some(&0),
        "a new issue without an event waits"
    );
    assert!(cursor.is_pending(&id));
    let problem = batch.report.problems.join("\n");
    assert!(
        problem.contains("sentry") && problem.contains(&id),
        "{problem}"
    );

    // An hour later, not seen since, its event readable now: counted whole, once.
    let later = t0() + Duration::hours(1);
    rig.sandbox.set_now(later);
    rig.sandbox
        .record_events(&id, seen, 0, Some(key_error("u1")));
    let (counts, cursor, _) = pull_counts(&source(&rig), &cursor, later)
        .await
        .expect("pull");
    assert_eq!(counts.get(&id), Some(&2));
    assert!(!cursor.is_pending(&id));

    rig.sandbox.faults().set(FaultKnobs {
        malformed: 1.0,
        ..FaultKnobs::none()
    });
    let err = source(&rig)
        .pull(&SentryCursor::default(), t0())
        .await
        .expect_err("HTML pages");
    assert!(err.is_retryable());
    let text = err.to_string();
    assert!(
        text.contains("page 1") && text.contains("sentry: response body not JSON"),
        "{text}"
    );
}

crate::trial!(
    current_thread,
    a_run_capped_by_issues_is_continued_by_the_next
);
async fn a_run_capped_by_issues_is_continued_by_the_next() {
    capped_runs_continue(|rig| SentryConfig {
        max_issues_per_run: 100,
        ..config(rig)
    })
    .await;
}

crate::trial!(
    current_thread,
    a_run_capped_by_pages_is_continued_by_the_next
);
async fn a_run_capped_by_pages_is_continued_by_the_next() {
    capped_runs_continue(|rig| SentryConfig {
        max_pages_per_run: 1,
        ..config(rig)
    })
    .await;
}

/// 250 issues, a cap of one page a run: three runs read each issue exactly once.
async fn capped_runs_continue(capped: impl Fn(&Rig) -> SentryConfig) {
    let rig = rig(7).await;
    let ids = seed_issues(&rig.sandbox, 250, t0() - Duration::minutes(10), 1);
    let source = SentrySource::new(&capped(&rig), TOKEN, salt()).expect("source");
    let mut cursor = SentryCursor::default();
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    let mut truncated = Vec::new();
    for run in 0..3_i64 {
        let now = t0() + Duration::minutes(run);
        let (counts, next, batch) = pull_counts(&source, &cursor, now).await.expect("run");
        truncated.push(batch.report.truncated);
        for (id, n) in counts {
            *seen.entry(id).or_insert(0) += n;
        }
        cursor = next;
    }
    assert_eq!(truncated, [true, true, false]);
    assert_eq!(list_requests(&rig), 3, "one page a run");
    assert_eq!(seen.len(), 250);
    assert!(ids.iter().all(|id| seen.get(id) == Some(&1)));
    assert!(cursor.resume().is_none());
    assert_eq!(
        cursor.listed_at(),
        Some(t0()),
        "complete as of the first page"
    );
}

crate::trial!(current_thread, resolves_an_issue);
async fn resolves_an_issue() {
    let rig = rig(8).await;
    let id = rig.sandbox.add_issue(IssueSeed::new("shop", "fixed"));
    source(&rig)
        .set_issue_status(&id, IssueStatus::Resolved)
        .await
        .expect("put");
    assert_eq!(rig.sandbox.issue_status(&id).as_deref(), Some("resolved"));
    let err = source(&rig)
        .set_issue_status("../../etc", IssueStatus::Resolved)
        .await
        .expect_err("not an id");
    assert!(!err.is_retryable());
    let missing = source(&rig)
        .set_issue_status("999", IssueStatus::Resolved)
        .await
        .expect_err("404");
    assert!(missing.to_string().contains("999"));
}

crate::trial!(
    current_thread,
    a_cursor_cycle_fails_the_listing_instead_of_looping
);
async fn a_cursor_cycle_fails_the_listing_instead_of_looping() {
    use axum::extract::Query;
    use axum::http::HeaderMap;
    // Page 1 links to cursor a, a to b, b back to a: a server bug that must not loop.
    async fn pages(Query(q): Query<BTreeMap<String, String>>) -> (HeaderMap, String) {
        let next = match q.get("cursor").map(String::as_str) {
            None => "0:a:0",
            Some("0:a:0") => "0:b:0",
            Some(_) => "0:a:0",
        };
        let mut headers = HeaderMap::new();
        let link = format!(
            "<http://x/>; rel=\"previous\"; results=\"false\"; cursor=\"0:0:1\", \
             <http://x/>; rel=\"next\"; results=\"true\"; cursor=\"{next}\""
        );
        headers.insert("link", link.parse().unwrap());
        (headers, "[]".to_owned())
    }
    let app = axum::Router::new().route(
        &format!("/api/0/organizations/{ORG}/issues/"),
        axum::routing::get(pages),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let config = SentryConfig {
        base_url: format!("http://{addr}"),
        org: ORG.to_owned(),
        http: fast_policy(),
        max_pages_per_run: 1_000,
        ..SentryConfig::default()
    };
    let source = SentrySource::new(&config, TOKEN, salt()).expect("source");
    let err = tokio::time::timeout(
        StdDuration::from_secs(10),
        source.pull(&SentryCursor::default(), t0()),
    )
    .await
    .expect("the listing ended")
    .expect_err("a cycle");
    assert!(
        matches!(err, SentryError::CursorCycle { page: 3, .. }),
        "{err}"
    );
    assert!(err.is_retryable());
    assert!(err.to_string().contains("0:a:0"), "{err}");
}
