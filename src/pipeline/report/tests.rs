//! The morning summary computed from a seeded store: every number on one busy day, and quiet.

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::*;
use crate::pipeline::IngestReport;
use crate::store::RunOutcome;
use crate::store::testing::{Step, cluster, fp, run, temp_store, ticket};

/// The scheduled time: the window is the 24 hours before it.
fn end() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 10, 9, 0, 0).unwrap()
}

fn ago(h: i64) -> DateTime<Utc> {
    end() - Duration::hours(h)
}

/// An ingest run's report as the ingest job writes it to the ledger.
fn ingest(failed_sources: &[&str], partial_failures: &[&str]) -> RunOutcome {
    let report = IngestReport {
        failed_sources: failed_sources.iter().map(|s| s.to_string()).collect(),
        partial_failures: partial_failures.iter().map(|s| s.to_string()).collect(),
        ..IngestReport::default()
    };
    let detail = serde_json::to_value(report).unwrap().to_string();
    RunOutcome::Succeeded {
        detail: Some(detail),
    }
}

fn failed(error: &str) -> RunOutcome {
    RunOutcome::Failed {
        error: error.into(),
    }
}

/// Seven clusters over four services, three tickets and a claim, six runs.
async fn busy_day(store: &Store) {
    let checkout = [
        (ago(72), 1, None),
        (ago(30), 40, Some("u0")),
        (ago(10), 50, Some("u1")),
        (ago(1), 50, Some("u2")),
    ];
    let a = cluster(store, 1, "checkout", Some(90.0), &checkout).await;
    let b = cluster(store, 2, "checkout", Some(40.0), &[(ago(5), 30, None)]).await;
    let catalog = [(ago(100), 1, None), (ago(40), 60, None), (ago(3), 20, None)];
    let c = cluster(store, 3, "catalog", Some(70.0), &catalog).await;
    let d = cluster(
        store,
        4,
        "orders",
        Some(10.0),
        &[(ago(80), 1, None), (ago(36), 5, None)],
    )
    .await;
    cluster(
        store,
        5,
        "web",
        Some(50.0),
        &[(ago(60), 1, None), (ago(4), 10, None)],
    )
    .await;
    cluster(
        store,
        6,
        "web",
        Some(60.0),
        &[(ago(60), 1, None), (ago(7), 15, None)],
    )
    .await;
    // The first hour of the window counts; the hour the window ends at does not.
    let g = [(ago(60), 1, None), (ago(24), 1, None), (end(), 7, None)];
    cluster(store, 7, "web", Some(30.0), &g).await;

    ticket(store, a, "ENG-1", Step::Create, ago(70)).await;
    ticket(store, b, "", Step::Claim, ago(2)).await;
    ticket(store, c, "ENG-2", Step::Create, ago(99)).await;
    ticket(store, c, "ENG-2", Step::Close, ago(45)).await;
    ticket(store, c, "ENG-2", Step::Reopen, ago(2)).await;
    ticket(store, d, "ENG-3", Step::Create, ago(79)).await;
    ticket(store, d, "ENG-3", Step::Close, ago(6)).await;

    run(store, "triage", ago(30), failed("the day before")).await;
    run(store, "triage", ago(23), failed("linear: HTTP 500")).await;
    run(store, "ingest", ago(20), ingest(&["sentry"], &[])).await;
    let denied = "cloudwatch: log group /aws/app: AccessDenied";
    run(store, "ingest", ago(15), ingest(&["sentry"], &[denied])).await;
    run(store, "ingest", ago(10), ingest(&[], &[])).await;
    run(
        store,
        "verify",
        ago(9),
        RunOutcome::Succeeded { detail: None },
    )
    .await;
}

fn names(lines: &[ClusterLine]) -> Vec<&str> {
    lines.iter().map(|l| l.title.as_str()).collect()
}

#[tokio::test]
async fn a_busy_day_yields_every_number_of_the_summary() {
    let (store, _dir) = temp_store().await;
    busy_day(&store).await;
    let dashboard = Some("https://triaged.example/dashboard");
    let s = health_summary(&store, end(), dashboard).await.unwrap();

    assert_eq!((s.window_start, s.window_end), (ago(24), end()));
    assert_eq!((s.events, s.previous_events), (176, 105));
    assert_eq!(names(&s.new_clusters), ["Error 2"]);
    assert_eq!(
        s.new_clusters[0].ticket, None,
        "a claim without a key is no ticket"
    );

    let [regression] = s.regressions.as_slice() else {
        panic!("one regression: {:?}", s.regressions);
    };
    assert_eq!(regression.title, "Error 3");
    assert_eq!((regression.events, regression.level.as_str()), (20, "high"));
    assert_eq!(regression.ticket.as_ref().unwrap().key, "ENG-2");

    let [closed] = s.auto_closed.as_slice() else {
        panic!("one auto-close: {:?}", s.auto_closed);
    };
    assert_eq!((closed.title.as_str(), closed.events), ("Error 4", 0));
    let ticket = closed.ticket.as_ref().unwrap();
    assert_eq!(ticket.url, "https://linear.app/acme/issue/ENG-3");

    // Highest score first, five at most: Error 7 (30) is left out.
    assert_eq!(
        names(&s.top),
        ["Error 1", "Error 3", "Error 6", "Error 5", "Error 2"]
    );
    let worst = &s.top[0];
    assert_eq!(worst.fingerprint, fp(1).to_string());
    assert_eq!(
        (worst.service.as_str(), worst.level.as_str()),
        ("checkout", "critical")
    );
    assert_eq!((worst.score, worst.events, worst.users), (90.0, 100, 2));
    assert_eq!(worst.ticket.as_ref().unwrap().key, "ENG-1");

    let services: Vec<(&str, u64, u64, Option<&str>)> = s
        .services
        .iter()
        .map(|h| {
            let worst = h.worst.as_ref().map(|w| w.title.as_str());
            (h.service.as_str(), h.events, h.previous_events, worst)
        })
        .collect();
    assert_eq!(
        services,
        [
            ("checkout", 130, 40, Some("Error 1")),
            ("web", 26, 0, Some("Error 6")),
            ("catalog", 20, 60, Some("Error 3")),
            ("orders", 0, 5, None),
        ]
    );

    assert_eq!(s.open_tickets, 2, "ENG-1 and the reopened ENG-2");
    assert_eq!((s.prs_drafted, s.prs_merged), (0, 0));

    let failures: Vec<(&str, DateTime<Utc>, &str)> = s
        .failures
        .iter()
        .map(|f| (f.what.as_str(), f.at, f.detail.as_str()))
        .collect();
    let finished = |h| ago(h) + Duration::minutes(1);
    assert_eq!(
        failures,
        [
            ("triage run", finished(23), "linear: HTTP 500"),
            (
                "ingest: source sentry",
                finished(15),
                "could not be read; it is read again next run (in 2 runs)"
            ),
            (
                "ingest: source cloudwatch",
                finished(15),
                "log group /aws/app: AccessDenied"
            ),
        ]
    );
    assert_eq!(s.dashboard_url.as_deref(), dashboard);
    assert!(!s.is_quiet());
}

#[tokio::test]
async fn an_empty_store_is_quiet() {
    let (store, _dir) = temp_store().await;
    let s = health_summary(&store, end(), None).await.unwrap();
    assert!(s.is_quiet(), "{s:?}");
    assert_eq!((s.events, s.previous_events, s.open_tickets), (0, 0, 0));
    assert!(s.top.is_empty() && s.services.is_empty() && s.auto_closed.is_empty());
    assert_eq!(s.dashboard_url, None);
}

#[tokio::test]
async fn a_day_after_the_errors_stopped_is_quiet_and_shows_the_drop() {
    let (store, _dir) = temp_store().await;
    let c = cluster(&store, 1, "web", Some(70.0), &[(ago(40), 12, None)]).await;
    ticket(&store, c, "ENG-1", Step::Create, ago(39)).await;
    run(&store, "ingest", ago(3), ingest(&[], &[])).await;

    let s = health_summary(&store, end(), None).await.unwrap();
    assert!(s.is_quiet(), "{s:?}");
    assert_eq!((s.events, s.previous_events, s.open_tickets), (0, 12, 1));
    assert!(s.top.is_empty());
    assert_eq!(s.services.len(), 1);
    assert_eq!(
        (s.services[0].events, s.services[0].previous_events),
        (0, 12)
    );
    assert_eq!(s.services[0].worst, None);
}

#[tokio::test]
async fn drafted_and_merged_fixes_are_counted_in_their_window() {
    let (store, _dir) = temp_store().await;
    let c = cluster(&store, 1, "checkout", Some(80.0), &[(ago(3), 40, None)]).await;
    ticket(&store, c, "ENG-1", Step::Create, ago(20)).await;
    store
        .claim_draft(c, "acme/shop", "triaged/fix-1", ago(10))
        .await
        .unwrap();
    store
        .finish_draft(
            c,
            crate::store::DraftState::Opened,
            Some((9, "https://github.test/pull/9")),
            None,
            None,
            ago(10),
        )
        .await
        .unwrap();
    let fix = crate::domain::lifecycle::Fix {
        reference: "acme/shop#9".into(),
        merged_at: ago(2),
        release: None,
    };
    assert!(store.record_fix(c, &fix, ago(2)).await.unwrap());
    let s = health_summary(&store, end(), None).await.unwrap();
    assert_eq!((s.prs_drafted, s.prs_merged), (1, 1));
    let yesterday = health_summary(&store, end() - Duration::days(1), None)
        .await
        .unwrap();
    assert_eq!((yesterday.prs_drafted, yesterday.prs_merged), (0, 0));
}
