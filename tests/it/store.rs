//! The store conformance suite: the same behaviour on SQLite and Postgres.

use chrono::{TimeZone, Utc};
use triaged::store::{CursorAdvance, RunOutcome, RunStatus, StoreError, Trigger};

use crate::both_backends;
use crate::support::TestDb;

fn t(min: i64) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap() + chrono::Duration::minutes(min)
}

both_backends!(claim_is_exclusive_until_the_lease_expires, |db: &TestDb| {
    let url = db.url.clone();
    async move {
        let store = triaged::store::Store::open(&url).await.unwrap();
        let tick = t(0);
        let first = store
            .claim_run("ingest", tick, Trigger::Schedule, "a", t(0), t(2))
            .await
            .unwrap();
        assert_eq!(first, Some(1));
        // Another holder cannot claim while the lease is alive…
        let second = store
            .claim_run("ingest", tick, Trigger::Schedule, "b", t(1), t(3))
            .await
            .unwrap();
        assert_eq!(second, None);
        // …renewing extends it…
        assert!(
            store
                .renew_lease("ingest", tick, "a", t(1), t(4))
                .await
                .unwrap()
        );
        assert_eq!(
            store
                .claim_run("ingest", tick, Trigger::Schedule, "b", t(3), t(5))
                .await
                .unwrap(),
            None
        );
        // …and once it expires, the run is taken over and the old holder learns it lost it.
        assert_eq!(
            store
                .claim_run("ingest", tick, Trigger::Schedule, "b", t(5), t(7))
                .await
                .unwrap(),
            Some(2)
        );
        assert!(
            !store
                .renew_lease("ingest", tick, "a", t(5), t(8))
                .await
                .unwrap()
        );
        let done = RunOutcome::Succeeded {
            detail: Some("{\"n\":1}".into()),
        };
        assert!(
            !store
                .finish_run("ingest", tick, "a", t(6), &done)
                .await
                .unwrap()
        );
        assert!(
            store
                .finish_run("ingest", tick, "b", t(6), &done)
                .await
                .unwrap()
        );
        let rec = store.run("ingest", tick).await.unwrap().unwrap();
        assert_eq!(
            (rec.status, rec.holder.as_str(), rec.attempt),
            (RunStatus::Succeeded, "b", 2)
        );
        assert_eq!(rec.detail.as_deref(), Some("{\"n\":1}"));
        assert_eq!(rec.finished_at, Some(t(6)));
        // A finished run is never claimed again, even long after.
        assert_eq!(
            store
                .claim_run("ingest", tick, Trigger::Schedule, "c", t(600), t(602))
                .await
                .unwrap(),
            None
        );
        store.close().await;
    }
});

both_backends!(
    interrupted_runs_are_taken_over_at_once_and_failures_keep_their_error,
    |db: &TestDb| {
        let url = db.url.clone();
        async move {
            let store = triaged::store::Store::open(&url).await.unwrap();
            store
                .claim_run("triage", t(0), Trigger::Schedule, "a", t(0), t(2))
                .await
                .unwrap();
            store
                .finish_run("triage", t(0), "a", t(1), &RunOutcome::Interrupted)
                .await
                .unwrap();
            assert_eq!(
                store
                    .claim_run("triage", t(0), Trigger::Schedule, "b", t(1), t(3))
                    .await
                    .unwrap(),
                Some(2)
            );
            let failed = RunOutcome::Failed {
                error: "linear: 503".into(),
            };
            store
                .finish_run("triage", t(0), "b", t(2), &failed)
                .await
                .unwrap();
            let rec = store.run("triage", t(0)).await.unwrap().unwrap();
            assert_eq!(rec.status, RunStatus::Failed);
            assert_eq!(rec.error.as_deref(), Some("linear: 503"));
            // Manual runs do not count as schedule history.
            store
                .claim_run("triage", t(30), Trigger::Manual, "m", t(30), t(32))
                .await
                .unwrap();
            // The ledger keeps why each run exists, newest first.
            let runs = store.recent_runs(10).await.unwrap();
            let triggers: Vec<_> = runs.iter().map(|r| (r.scheduled_for, r.trigger)).collect();
            assert_eq!(
                triggers,
                [(t(30), Trigger::Manual), (t(0), Trigger::Schedule)]
            );
            store.close().await;
        }
    }
);

both_backends!(cursors_move_only_from_the_position_read, |db: &TestDb| {
    let url = db.url.clone();
    async move {
        let store = triaged::store::Store::open(&url).await.unwrap();
        let advance = |read: Option<&str>, position: &str| CursorAdvance {
            source: "file:/x".into(),
            read: read.map(str::to_owned),
            position: position.into(),
        };
        assert_eq!(store.cursor("file:/x").await.unwrap(), None);
        store
            .advance_cursor(&advance(None, "{\"offset\":1}"), t(0))
            .await
            .unwrap();
        // A second run that also read "no cursor" cannot create it again.
        let again = store
            .advance_cursor(&advance(None, "{\"offset\":5}"), t(0))
            .await;
        assert!(
            matches!(again, Err(StoreError::CursorMoved { .. })),
            "{again:?}"
        );
        store
            .advance_cursor(&advance(Some("{\"offset\":1}"), "{\"offset\":9}"), t(1))
            .await
            .unwrap();
        // A run that read the old position cannot move it.
        let stale = store
            .advance_cursor(&advance(Some("{\"offset\":1}"), "{\"offset\":7}"), t(2))
            .await;
        assert!(
            matches!(stale, Err(StoreError::CursorMoved { .. })),
            "{stale:?}"
        );
        assert_eq!(
            store.cursor("file:/x").await.unwrap().as_deref(),
            Some("{\"offset\":9}")
        );
        // Migrating twice (a second replica starting) is harmless.
        store.migrate().await.unwrap();
        store.close().await;
    }
});

both_backends!(
    agent_runs_add_up_and_a_draft_is_claimed_once,
    |db: &TestDb| {
        let url = db.url.clone();
        async move {
            use triaged::store::{AgentRun, DraftState};
            let store = triaged::store::Store::open(&url).await.unwrap();
            let day = Utc.with_ymd_and_hms(2026, 11, 20, 0, 0, 0).unwrap();
            for (i, cost) in [0.25, 0.5].into_iter().enumerate() {
                let run = AgentRun {
                    id: format!("run-{i}"),
                    fingerprint: Some("a1b2c3d4e5f60718".into()),
                    purpose: "fix".into(),
                    provider: "anthropic".into(),
                    model: "claude-test".into(),
                    prompt: "prompt".into(),
                    response: "{}".into(),
                    tokens_in: 1200,
                    tokens_out: 300,
                    cost_usd: cost,
                    latency_ms: 900,
                    outcome: "ok".into(),
                    created_at: day + chrono::Duration::hours(i as i64 + 1),
                };
                store.record_agent_run(&run).await.unwrap();
            }
            assert_eq!(store.spend_since(day).await.unwrap(), 0.75);
            assert_eq!(
                store
                    .spend_since(day + chrono::Duration::hours(2))
                    .await
                    .unwrap(),
                0.5
            );
            assert_eq!(store.agent_runs_since(day).await.unwrap()[0].id, "run-1");

            let fp = "a1b2c3d4e5f60718".parse().unwrap();
            let at = day + chrono::Duration::hours(3);
            assert!(
                store
                    .claim_draft(fp, "acme/shop", "triaged/fix-a1b2c3d4", at)
                    .await
                    .unwrap()
            );
            // Still pending (a crash): a rerun may resume it.
            assert!(
                store
                    .claim_draft(fp, "acme/shop", "triaged/fix-a1b2c3d4", at)
                    .await
                    .unwrap()
            );
            store
                .finish_draft(
                    fp,
                    DraftState::Opened,
                    Some((7, "https://github.test/acme/shop/pull/7")),
                    None,
                    Some("run-1"),
                    at,
                )
                .await
                .unwrap();
            assert!(
                !store
                    .claim_draft(fp, "acme/shop", "triaged/fix-a1b2c3d4", at)
                    .await
                    .unwrap()
            );
            let draft = store.draft(fp).await.unwrap().unwrap();
            assert_eq!(
                (draft.state, draft.pr_number),
                (DraftState::Opened, Some(7))
            );
            assert_eq!(store.drafts_opened_since(day).await.unwrap(), 1);
        }
    }
);

fn health(end: chrono::DateTime<Utc>, events: u64) -> triaged::domain::summary::HealthSummary {
    triaged::domain::summary::HealthSummary {
        window_start: end - chrono::Duration::hours(24),
        window_end: end,
        events,
        previous_events: 3,
        new_clusters: vec![],
        regressions: vec![],
        auto_closed: vec![],
        top: vec![],
        services: vec![],
        open_tickets: 2,
        prs_drafted: 1,
        prs_merged: 0,
        failures: vec![],
        dashboard_url: Some("http://127.0.0.1:9464".into()),
    }
}

both_backends!(posted_summaries_round_trip_newest_first, |db: &TestDb| {
    let url = db.url.clone();
    async move {
        use triaged::store::{FailedPost, PostedSummary};
        let store = triaged::store::Store::open(&url).await.unwrap();
        assert!(store.summaries(10).await.unwrap().is_empty());
        let monday = PostedSummary {
            window_end: t(0),
            posted_at: t(1),
            paragraph: "A quiet night.".into(),
            paragraph_author: "template".into(),
            summary: health(t(0), 12),
            posted_to: vec!["ops".into(), "eng".into()],
            failed: vec![],
        };
        let tuesday = PostedSummary {
            window_end: t(24 * 60),
            posted_at: t(24 * 60 + 2),
            paragraph: "Checkout <b>doubled</b>.".into(),
            paragraph_author: "claude-test".into(),
            summary: health(t(24 * 60), 40),
            posted_to: vec!["eng".into()],
            failed: vec![FailedPost {
                destination: "ops".into(),
                error: "slack answered 500".into(),
            }],
        };
        store.record_summary(&monday).await.unwrap();
        store.record_summary(&tuesday).await.unwrap();
        assert_eq!(
            store.summaries(10).await.unwrap(),
            [tuesday.clone(), monday.clone()]
        );
        assert_eq!(
            store.summaries(1).await.unwrap()[..],
            std::slice::from_ref(&tuesday)[..]
        );
        // The same post written twice (a retried write) stays one row, the latest text.
        let rewritten = PostedSummary {
            paragraph: "A quiet night, rewritten.".into(),
            ..monday.clone()
        };
        store.record_summary(&rewritten).await.unwrap();
        assert_eq!(store.summaries(10).await.unwrap(), [tuesday, rewritten]);
    }
});

both_backends!(
    a_summary_post_is_claimed_once_per_window_and_destination,
    |db: &TestDb| {
        use triaged::store::PostOutcome;
        let url = db.url.clone();
        async move {
            let store = triaged::store::Store::open(&url).await.unwrap();
            let window = t(0);
            assert!(store.claim_summary_post(window, "ops", t(1)).await.unwrap());
            assert!(
                !store.claim_summary_post(window, "ops", t(1)).await.unwrap(),
                "claimed while posting"
            );
            assert!(store.claim_summary_post(window, "eng", t(1)).await.unwrap());
            assert!(store.claim_summary_post(t(60), "ops", t(1)).await.unwrap());
            store
                .finish_summary_post(window, "ops", PostOutcome::Posted, t(2))
                .await
                .unwrap();
            store
                .finish_summary_post(window, "eng", PostOutcome::Unknown, t(2))
                .await
                .unwrap();
            store
                .finish_summary_post(t(60), "ops", PostOutcome::NotPosted, t(2))
                .await
                .unwrap();
            assert!(
                !store.claim_summary_post(window, "ops", t(3)).await.unwrap(),
                "posted"
            );
            assert!(
                !store.claim_summary_post(window, "eng", t(3)).await.unwrap(),
                "may have been posted"
            );
            assert!(
                store.claim_summary_post(t(60), "ops", t(3)).await.unwrap(),
                "surely not posted: claimable again"
            );
            store.close().await;
        }
    }
);
