//! The summary's range queries: half-open ranges, kinds, and which runs count as trouble.

use chrono::{DateTime, Duration, TimeZone, Utc};

use crate::store::RunOutcome;
use crate::store::testing::{Step, cluster, fp, run, temp_store, ticket};

/// The end of the range: on the hour, as the summary's 09:00 is.
fn end() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 10, 9, 0, 0).unwrap()
}

fn hours_before(h: i64) -> DateTime<Utc> {
    end() - Duration::hours(h)
}

#[tokio::test]
async fn events_count_in_hours_starting_in_the_half_open_range() {
    let (store, _dir) = temp_store().await;
    let web = cluster(
        &store,
        1,
        "web",
        None,
        &[
            (hours_before(25), 50, None), // the hour before the range
            (hours_before(24), 3, None),  // the first hour of the range
            (hours_before(1) + Duration::minutes(59), 4, None),
            (end(), 100, None), // the hour the range ends at: not in it
        ],
    )
    .await;
    let api = cluster(&store, 2, "api", None, &[(hours_before(2), 5, None)]).await;
    let (from, to) = (hours_before(24), end());

    let services = store.service_events_between(from, to).await.unwrap();
    assert_eq!(
        services.into_iter().collect::<Vec<_>>(),
        [("api".to_owned(), 5), ("web".to_owned(), 7)]
    );
    let clusters = store.cluster_events_between(from, to).await.unwrap();
    assert_eq!(
        clusters.into_iter().collect::<Vec<_>>(),
        [(web, 7), (api, 5)]
    );
    assert!(
        store
            .service_events_between(hours_before(60), hours_before(48))
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn ticket_events_are_read_by_kind_in_the_half_open_range() {
    let (store, _dir) = temp_store().await;
    let c = cluster(&store, 1, "web", None, &[(hours_before(40), 1, None)]).await;
    ticket(&store, c, "ENG-1", Step::Create, hours_before(30)).await;
    ticket(&store, c, "ENG-1", Step::Close, hours_before(24)).await;
    ticket(&store, c, "ENG-1", Step::Reopen, end()).await;
    let (from, to) = (hours_before(24), end());

    let closes = store
        .ticket_events_between("close", from, to)
        .await
        .unwrap();
    assert_eq!(closes.len(), 1);
    assert_eq!(
        (
            closes[0].fingerprint.as_str(),
            closes[0].ticket_key.as_str()
        ),
        (fp(1).to_string().as_str(), "ENG-1")
    );
    assert_eq!(closes[0].at, from);
    for kind in ["create", "reopen"] {
        let events = store.ticket_events_between(kind, from, to).await.unwrap();
        assert!(events.is_empty(), "{kind}: {events:?}");
    }
}

#[tokio::test]
async fn troubled_runs_are_failures_and_runs_naming_an_unreadable_source() {
    let (store, _dir) = temp_store().await;
    let ok = |detail: &str| RunOutcome::Succeeded {
        detail: Some(detail.to_owned()),
    };
    let failed = |error: &str| RunOutcome::Failed {
        error: error.to_owned(),
    };
    let clean = r#"{"events":3,"failed_sources":[],"partial_failures":[]}"#;
    run(&store, "ingest", hours_before(23), ok(clean)).await;
    let source = r#"{"failed_sources":["sentry"],"partial_failures":[]}"#;
    run(&store, "ingest", hours_before(22), ok(source)).await;
    let part = r#"{"failed_sources":[],"partial_failures":["cloudwatch: group /x: denied"]}"#;
    run(&store, "ingest", hours_before(21), ok(part)).await;
    run(
        &store,
        "triage",
        hours_before(20),
        failed("linear: HTTP 500"),
    )
    .await;
    run(
        &store,
        "triage",
        hours_before(25),
        failed("before the range"),
    )
    .await;
    run(&store, "verify", hours_before(19), RunOutcome::Interrupted).await;
    run(
        &store,
        "summary",
        end(),
        failed("at the end: not in the range"),
    )
    .await;

    let runs = store
        .troubled_runs_between(hours_before(24), end())
        .await
        .unwrap();
    let seen: Vec<(&str, DateTime<Utc>)> = runs
        .iter()
        .map(|r| (r.job.as_str(), r.scheduled_for))
        .collect();
    assert_eq!(
        seen,
        [
            ("ingest", hours_before(22)),
            ("ingest", hours_before(21)),
            ("triage", hours_before(20)),
        ]
    );
    assert_eq!(runs[2].error.as_deref(), Some("linear: HTTP 500"));
}
