//! The dashboard read models over a seeded SQLite store, and their pure shaping.

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::*;
use crate::domain::cluster::ClusterLimits;
use crate::store::IngestWrite;
use crate::store::testing::{Step, cluster, fp, temp_store, ticket};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 9, 30, 0).unwrap()
}

fn hours_ago(h: i64) -> DateTime<Utc> {
    now() - Duration::hours(h)
}

#[test]
fn the_series_ends_with_the_hour_of_now_and_ignores_hours_outside_it() {
    let end = hour_of(now());
    let h = crate::domain::cluster::HOUR_MS;
    let series = hourly_series(
        &[
            (end - 3 * h, 9), // before the series
            (end - 2 * h, 4), // the first hour
            (end - 2 * h, 1), // the same hour again adds up
            (end, 7),         // the hour of now: the last slot
            (end + h, 100),   // the future
        ],
        end,
        3,
    );
    assert_eq!(series, [5, 0, 7]);
    assert_eq!(hourly_series(&[], end, 4), [0, 0, 0, 0]);
}

#[test]
fn sort_keys_round_trip_and_unknown_ones_are_refused() {
    for sort in ClusterSort::ALL {
        assert_eq!(ClusterSort::parse(sort.key()), Some(sort));
    }
    assert_eq!(ClusterSort::parse("title"), None);
    assert_eq!(ClusterSort::default(), ClusterSort::Score);
}

#[tokio::test]
async fn clusters_list_with_counts_status_and_links_in_each_sort_order() {
    let (store, _dir) = temp_store().await;
    // 1: high score, few recent events, an old first sighting, a ticket reopened.
    let a = cluster(
        &store,
        1,
        "checkout",
        Some(80.0),
        &[
            (hours_ago(100), 50, Some("u1")),
            (hours_ago(2), 3, Some("u2")),
        ],
    )
    .await;
    // 2: mid score, most events in 24 h, many users, a closed ticket.
    let b = cluster(
        &store,
        2,
        "search",
        Some(40.0),
        &[
            (hours_ago(5), 10, Some("u1")),
            (hours_ago(4), 10, Some("u2")),
            (hours_ago(3), 10, Some("u3")),
        ],
    )
    .await;
    // 3: unscored, seen only 8 days ago (out of the sparkline, still listed).
    let c = cluster(&store, 3, "web", None, &[(hours_ago(24 * 8), 4, None)]).await;
    // 4: seen 40 days ago: not listed.
    cluster(
        &store,
        4,
        "web",
        Some(99.0),
        &[(hours_ago(24 * 40), 1, None)],
    )
    .await;
    ticket(&store, a, "ENG-1", Step::Create, hours_ago(90)).await;
    ticket(&store, a, "ENG-1", Step::Close, hours_ago(50)).await;
    ticket(&store, a, "ENG-1", Step::Reopen, hours_ago(1)).await;
    ticket(&store, b, "ENG-2", Step::Create, hours_ago(4)).await;
    ticket(&store, b, "ENG-2", Step::Close, hours_ago(1)).await;
    store
        .claim_draft(a, "acme/shop", "triaged/fix-1", hours_ago(1))
        .await
        .unwrap();
    store
        .finish_draft(
            a,
            DraftState::Opened,
            Some((42, "https://github.com/acme/shop/pull/42")),
            None,
            None,
            hours_ago(1),
        )
        .await
        .unwrap();

    let rows = store
        .dashboard_clusters(now(), ClusterSort::Score)
        .await
        .unwrap();
    let order: Vec<&str> = rows.iter().map(|r| r.fingerprint.as_str()).collect();
    assert_eq!(order, [a.to_string(), b.to_string(), c.to_string()]);
    let (ra, rb, rc) = (&rows[0], &rows[1], &rows[2]);
    assert_eq!(ra.hourly_7d.len(), SERIES_HOURS);
    assert_eq!((ra.events_24h, ra.events_total), (3, 53));
    assert_eq!(
        ra.hourly_7d.iter().sum::<u64>(),
        53,
        "100 h ago is in the week"
    );
    assert_eq!(
        ra.hourly_7d[SERIES_HOURS - 3],
        3,
        "two hours before the hour of now"
    );
    assert_eq!(
        ra.status,
        TicketStatus::Open,
        "open again (the fixture counts no reopen)"
    );
    let mut record = store.ticket(a).await.unwrap().unwrap().record;
    record.reopens = 1;
    assert_eq!(ticket_status(Some(&record)), TicketStatus::Reopened);
    record.flapping = true;
    assert_eq!(ticket_status(Some(&record)), TicketStatus::Flapping);
    record.phase = crate::domain::ticket::TicketPhase::Canceled;
    assert_eq!(ticket_status(Some(&record)), TicketStatus::Canceled);
    record.key.clear();
    assert_eq!(ticket_status(Some(&record)), TicketStatus::Pending);
    assert_eq!(ra.ticket.as_ref().unwrap().key, "ENG-1");
    assert_eq!(ra.pr.as_ref().unwrap().number, Some(42));
    assert_eq!(ra.level, Some(Level::Critical));
    assert_eq!(
        (rb.status, rb.users_24h, rb.events_24h),
        (TicketStatus::Closed, 3, 30)
    );
    assert_eq!(
        (rc.status, rc.score, rc.events_24h),
        (TicketStatus::None, None, 0)
    );
    assert!(rc.hourly_7d.iter().all(|&n| n == 0));

    let by = |sort| {
        let store = store.clone();
        async move {
            store
                .dashboard_clusters(now(), sort)
                .await
                .unwrap()
                .into_iter()
                .map(|r| r.fingerprint)
                .collect::<Vec<_>>()
        }
    };
    let (a, b, c) = (a.to_string(), b.to_string(), c.to_string());
    assert_eq!(
        by(ClusterSort::Events).await,
        [b.clone(), a.clone(), c.clone()]
    );
    assert_eq!(
        by(ClusterSort::Users).await,
        [b.clone(), a.clone(), c.clone()]
    );
    assert_eq!(
        by(ClusterSort::LastSeen).await,
        [a.clone(), b.clone(), c.clone()]
    );
    assert_eq!(by(ClusterSort::FirstSeen).await, [b, a, c]);
}

#[tokio::test]
async fn an_alias_is_not_listed_and_its_page_is_its_clusters() {
    let (store, _dir) = temp_store().await;
    let canonical = cluster(
        &store,
        1,
        "checkout",
        Some(50.0),
        &[(hours_ago(3), 5, None)],
    )
    .await;
    // A cluster row left under a fingerprint that was later made an alias.
    let alias = cluster(
        &store,
        2,
        "checkout",
        Some(50.0),
        &[(hours_ago(3), 5, None)],
    )
    .await;
    let limits = ClusterLimits::default();
    store
        .apply_ingest(IngestWrite {
            drafts: vec![],
            aliases: &[(fp(9), canonical), (alias, canonical)],
            templates: vec![],
            cursors: &[],
            fence: None,
            limits: &limits,
            now: now(),
        })
        .await
        .unwrap();
    let rows = store
        .dashboard_clusters(now(), ClusterSort::Score)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].fingerprint, canonical.to_string());
    let page = store
        .dashboard_cluster(fp(9), now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(page.cluster.fingerprint, canonical.to_string());
    assert!(
        store
            .dashboard_cluster(fp(77), now())
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_cluster_page_has_its_hours_severity_and_timeline_in_order() {
    let (store, _dir) = temp_store().await;
    let a = cluster(
        &store,
        1,
        "checkout",
        Some(70.0),
        &[(hours_ago(30), 2, None), (hours_ago(1), 6, None)],
    )
    .await;
    ticket(&store, a, "ENG-7", Step::Create, hours_ago(29)).await;
    ticket(&store, a, "ENG-7", Step::Close, hours_ago(10)).await;
    store
        .claim_draft(a, "acme/shop", "triaged/fix", hours_ago(20))
        .await
        .unwrap();
    store
        .finish_draft(
            a,
            DraftState::Rejected,
            None,
            Some("patch touched CI"),
            None,
            hours_ago(20),
        )
        .await
        .unwrap();
    let page = store.dashboard_cluster(a, now()).await.unwrap().unwrap();
    assert_eq!(page.hourly.len(), SERIES_HOURS);
    assert_eq!(page.hourly.last().unwrap().hour, time(hour_of(now())));
    assert_eq!(page.hourly.iter().map(|h| h.events).sum::<u64>(), 8);
    assert_eq!(page.severity.as_ref().unwrap().dimensions.len(), 9);
    let kinds: Vec<&str> = page.timeline.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["create", "pr_rejected", "close"]);
    assert!(page.timeline[1].evidence.contains("patch touched CI"));
    assert_eq!(page.timeline[2].evidence, "test Close");
}

#[tokio::test]
async fn runs_are_newest_first_with_durations_and_bounded() {
    let (store, _dir) = temp_store().await;
    use crate::store::RunOutcome;
    crate::store::testing::run(
        &store,
        "ingest",
        hours_ago(3),
        RunOutcome::Succeeded { detail: None },
    )
    .await;
    crate::store::testing::run(
        &store,
        "triage",
        hours_ago(2),
        RunOutcome::Failed {
            error: "linear answered 500".into(),
        },
    )
    .await;
    let view = store.dashboard_runs(10).await.unwrap();
    assert_eq!(view.jobs.len(), 2);
    assert_eq!(view.jobs[0].job, "triage");
    assert_eq!(view.jobs[0].status, "failed");
    assert_eq!(view.jobs[0].error.as_deref(), Some("linear answered 500"));
    assert_eq!(view.jobs[0].duration_ms, Some(60_000));
    assert_eq!(store.dashboard_runs(1).await.unwrap().jobs.len(), 1);
}
