//! Cluster state in the store, on SQLite and Postgres: runs merge into clusters, aliases
//! and templates persist, one run is written atomically, counts roll up.

use chrono::{DateTime, Duration, TimeZone, Utc};
use triaged::domain::cluster::{ClusterKind, ClusterLimits, hour_of};
use triaged::domain::event::{Environment, ErrorEvent, LogLevel, Service, Source, StackFrame};
use triaged::mining::TemplateMiner;
use triaged::pipeline::cluster::{ClusterBatch, Clusterer, Observed};
use triaged::redact::Redactor;
use triaged::store::{CursorAdvance, IngestWrite, Store};

use crate::both_backends;
use crate::support::TestDb;

fn t(hour: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, 0, 30, 0).unwrap() + Duration::hours(hour)
}

fn event(source: Source, at: DateTime<Utc>, message: &str, frames: Vec<StackFrame>) -> ErrorEvent {
    ErrorEvent {
        source,
        timestamp: at,
        service: Service::new("checkout").unwrap(),
        environment: Environment::new("production").unwrap(),
        release: Some("1.4.2".into()),
        level: LogLevel::Error,
        handled: None,
        exception_type: (!frames.is_empty()).then(|| "TypeError".to_owned()),
        message: message.into(),
        frames,
        endpoint: None,
        user: None,
        request_id: None,
        link: None,
    }
}

fn frames(files: &[&str]) -> Vec<StackFrame> {
    files
        .iter()
        .map(|f| StackFrame {
            file: format!("/app/{f}.js"),
            function: (*f).into(),
            in_app: true,
            ..StackFrame::default()
        })
        .collect()
}

fn log(n: i64, at: DateTime<Utc>, message: &str, stack: &[&str]) -> Observed {
    let source = Source::CloudWatch {
        log_group: "/ecs/checkout".into(),
        log_stream: "web/1".into(),
        event_id: n.to_string(),
    };
    Observed::one(
        event(source, at, message, frames(stack)),
        Some("web/1".into()),
    )
}

/// Clusters `observed` against what the store knows and writes the run, with a cursor.
async fn ingest(store: &Store, observed: &[Observed], cursor: &str) -> ClusterBatch {
    let redactor = Redactor::default();
    let limits = ClusterLimits::default();
    let loaded = store.templates().await.unwrap();
    let before: Vec<(u64, u64)> = loaded.iter().map(|r| (r.id.0, r.count)).collect();
    let index = store.cluster_index().await.unwrap();
    let mut clusterer = Clusterer::new(TemplateMiner::restore(loaded), index, &redactor, &limits);
    for o in observed {
        clusterer.add(o);
    }
    let batch = clusterer.take_batch();
    let exported = clusterer.miner.export();
    let templates = exported
        .iter()
        .enumerate()
        .filter(|(_, r)| !before.contains(&(r.id.0, r.count)))
        .map(|(i, r)| (i as i64, r))
        .collect();
    let cursors = [CursorAdvance {
        source: "test:source".to_owned(),
        read: store.cursor("test:source").await.unwrap(),
        position: cursor.to_owned(),
    }];
    store
        .apply_ingest(IngestWrite {
            drafts: batch.drafts.values().collect(),
            aliases: &batch.aliases,
            templates,
            cursors: &cursors,
            fence: None,
            limits: &limits,
            now: t(100),
        })
        .await
        .unwrap();
    batch
}

both_backends!(
    runs_merge_into_clusters_with_hourly_counts,
    |db: &TestDb| {
        let url = db.url.clone();
        async move {
            let store = Store::open(&url).await.unwrap();
            let first = ingest(
                &store,
                &[
                    log(1, t(0), "boom", &["cart"]),
                    log(2, t(0), "boom", &["cart"]),
                    log(3, t(1), "user 17 could not pay", &[]),
                ],
                "pos-1",
            )
            .await;
            assert_eq!(first.new_clusters, 2);
            let second = ingest(
                &store,
                &[
                    log(4, t(1), "boom", &["cart"]),
                    log(5, t(2), "user 4242 could not pay", &[]),
                ],
                "pos-2",
            )
            .await;
            assert_eq!(second.new_clusters, 0, "both clusters were known");
            assert_eq!(
                store.cursor("test:source").await.unwrap().as_deref(),
                Some("pos-2")
            );

            let stack_fp = first
                .drafts
                .values()
                .find(|d| d.identity.kind == ClusterKind::Stack)
                .unwrap()
                .identity
                .fingerprint;
            let all = store.clusters_seen_since(t(-10)).await.unwrap();
            assert_eq!(all.len(), 2);
            let stack = store.cluster(stack_fp).await.unwrap().unwrap();
            assert_eq!(stack.events_total, 3);
            assert_eq!((stack.first_seen, stack.last_seen), (t(0), t(1)));
            assert!(stack.stats.source_keys.contains("cloudwatch:/ecs/checkout"));
            assert_eq!(stack.stats.hosts.len(), 1);
            let hours = store.hourly_counts(stack_fp, t(-5), t(5)).await.unwrap();
            let hours: Vec<(i64, u64)> = hours
                .iter()
                .map(|(h, n)| (h.timestamp_millis(), *n))
                .collect();
            assert_eq!(hours, [(hour_of(t(0)), 2), (hour_of(t(1)), 1)]);

            // The template cluster survived a restart of the miner (restored from the store).
            let template = all
                .iter()
                .find(|c| c.identity.fingerprint != stack_fp)
                .unwrap();
            assert_eq!(template.events_total, 2);
            assert!(template.identity.template.contains("could not pay"));
        }
    }
);

both_backends!(
    a_merged_fingerprint_resolves_to_its_cluster,
    |db: &TestDb| {
        let url = db.url.clone();
        async move {
            let store = Store::open(&url).await.unwrap();
            let first = ingest(&store, &[log(1, t(0), "boom", &["cart"])], "a").await;
            // Same top frame, deeper frames differ: a second source's view of the same bug.
            let second = ingest(&store, &[log(2, t(1), "boom", &["cart", "routes"])], "b").await;
            assert_eq!(second.aliases.len(), 1);
            let (alias, into) = second.aliases[0];
            assert_eq!(first.drafts.keys().next(), Some(&into));
            let via_alias = store.cluster(alias).await.unwrap().unwrap();
            assert_eq!(via_alias.identity.fingerprint, into);
            assert_eq!(via_alias.events_total, 2);
            // The alias is remembered: a third run resolves it without merging again.
            let third = ingest(&store, &[log(3, t(2), "boom", &["cart", "routes"])], "c").await;
            assert!(third.aliases.is_empty());
            assert_eq!(third.drafts.keys().next(), Some(&into));
            assert_eq!(store.cluster_index().await.unwrap().len(), 1);
        }
    }
);

both_backends!(hourly_counts_roll_up_into_days_and_expire, |db: &TestDb| {
    let url = db.url.clone();
    async move {
        let store = Store::open(&url).await.unwrap();
        let observed: Vec<Observed> = (0..72).map(|h| log(h, t(h), "boom", &["cart"])).collect();
        let batch = ingest(&store, &observed, "x").await;
        let fp = *batch.drafts.keys().next().unwrap();
        // Keep the last 24 hours hourly; drop days before day 1.
        let rolled = store.roll_up_counts(t(48), t(24)).await.unwrap();
        assert_eq!(rolled.hours_rolled, 48);
        assert_eq!(rolled.days_dropped, 1);
        assert_eq!(
            store.hourly_counts(fp, t(0), t(100)).await.unwrap().len(),
            24
        );
        let days = store.daily_counts(fp).await.unwrap();
        assert_eq!(days.iter().map(|d| d.1).collect::<Vec<_>>(), [24]);
        // Rolling up again changes nothing.
        let again = store.roll_up_counts(t(48), t(24)).await.unwrap();
        assert_eq!(again.hours_rolled, 0);
        assert_eq!(store.daily_counts(fp).await.unwrap(), days);
    }
});

both_backends!(settings_are_created_once, |db: &TestDb| {
    let url = db.url.clone();
    async move {
        let store = Store::open(&url).await.unwrap();
        let first = store
            .setting_or_create("salt", || "one".into())
            .await
            .unwrap();
        let second = store
            .setting_or_create("salt", || "two".into())
            .await
            .unwrap();
        assert_eq!((first.as_str(), second.as_str()), ("one", "one"));
    }
});
