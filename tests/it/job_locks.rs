//! Job locks on both backends: one holder at a time, takeover only after the lease ran out
//! (marking the dead holder's run), a fence that a superseded holder cannot write under.

use chrono::{TimeZone, Utc};
use triaged::store::{
    Claimant, CursorAdvance, Fence, IngestWrite, LockAttempt, RunStatus, Store, StoreError, Trigger,
};

use crate::both_backends;
use crate::support::TestDb;

fn t(sec: i64) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap() + chrono::Duration::seconds(sec)
}

/// A claimant with no boot id (so never taken for dead by liveness).
fn who(holder: &str) -> Claimant<'_> {
    Claimant {
        holder,
        boot_id: None,
    }
}

fn acquired(attempt: LockAttempt) -> Fence {
    match attempt {
        LockAttempt::Acquired { fence, .. } => fence,
        LockAttempt::Held(holder) => panic!("expected the lock, it is held by {holder:?}"),
    }
}

/// Writes nothing but the fence check and one cursor move, as an ingest run would.
async fn ingest_cursor(
    store: &Store,
    fence: &Fence,
    read: Option<&str>,
    to: &str,
    now: chrono::DateTime<Utc>,
) -> Result<(), StoreError> {
    let limits = Default::default();
    let cursors = [CursorAdvance {
        source: "file:/log".into(),
        read: read.map(str::to_owned),
        position: to.into(),
    }];
    store
        .apply_ingest(IngestWrite {
            drafts: vec![],
            aliases: &[],
            templates: vec![],
            cursors: &cursors,
            fence: Some(fence),
            limits: &limits,
            now,
        })
        .await
}

both_backends!(a_job_lock_has_one_holder_until_released, |db: &TestDb| {
    let url = db.url.clone();
    async move {
        let store = Store::open(&url).await.unwrap();
        let a = acquired(
            store
                .acquire_job_lock("ingest", who("a"), t(0), t(0), t(60))
                .await
                .unwrap(),
        );
        // Another tick of the same job, from another holder, is refused and told who holds it.
        match store
            .acquire_job_lock("ingest", who("b"), t(30), t(30), t(90))
            .await
            .unwrap()
        {
            LockAttempt::Held(holder) => {
                assert_eq!(holder.holder, "a");
                assert_eq!(holder.scheduled_for, t(0));
                assert_eq!(holder.lease_until, t(60));
            }
            other => panic!("second holder got {other:?}"),
        }
        // Other jobs are independent.
        acquired(
            store
                .acquire_job_lock("triage", who("b"), t(30), t(30), t(90))
                .await
                .unwrap(),
        );
        assert!(store.renew_job_lock(&a, t(120)).await.unwrap());
        store.release_job_lock(&a, t(70)).await.unwrap();
        assert!(
            !store.renew_job_lock(&a, t(200)).await.unwrap(),
            "a released lock cannot be renewed"
        );
        let b = acquired(
            store
                .acquire_job_lock("ingest", who("b"), t(71), t(71), t(131))
                .await
                .unwrap(),
        );
        assert_eq!(b.token, a.token + 1, "every acquisition raises the fence");
        store.close().await;
    }
});

both_backends!(
    a_lock_whose_lease_ran_out_is_taken_over_and_its_run_marked,
    |db: &TestDb| {
        let url = db.url.clone();
        async move {
            let store = Store::open(&url).await.unwrap();
            // A `once` that was killed: its lock and its ledger row stay behind.
            let dead = acquired(
                store
                    .acquire_job_lock("verify", who("dead"), t(0), t(0), t(60))
                    .await
                    .unwrap(),
            );
            store
                .claim_run("verify", t(0), Trigger::Manual, "dead", t(0), t(60))
                .await
                .unwrap()
                .unwrap();
            let held = store
                .acquire_job_lock("verify", who("new"), t(60), t(60), t(120))
                .await
                .unwrap();
            assert!(
                matches!(held, LockAttempt::Held(_)),
                "the lease is alive through its last instant"
            );
            let (fence, took_over) = match store
                .acquire_job_lock("verify", who("new"), t(61), t(61), t(121))
                .await
                .unwrap()
            {
                LockAttempt::Acquired { fence, took_over } => (fence, took_over),
                other => panic!("takeover refused: {other:?}"),
            };
            assert_eq!(took_over.map(|h| h.holder).as_deref(), Some("dead"));
            assert!(fence.token > dead.token);
            let run = store.run("verify", t(0)).await.unwrap().unwrap();
            assert_eq!(run.status, RunStatus::Interrupted, "{run:?}");
            assert!(run.error.unwrap().contains("abandoned"));
            // The dead holder, woken up, can neither renew nor write under its old fence.
            assert!(!store.renew_job_lock(&dead, t(62)).await.unwrap());
            let lost = store.check_fence(Some(&dead), t(62)).await;
            assert!(
                matches!(lost, Err(StoreError::LeaseLost { .. })),
                "{lost:?}"
            );
            store.check_fence(Some(&fence), t(62)).await.unwrap();
            store.close().await;
        }
    }
);

both_backends!(
    an_ingest_write_commits_only_under_a_live_fence,
    |db: &TestDb| {
        let url = db.url.clone();
        async move {
            let store = Store::open(&url).await.unwrap();
            let old = acquired(
                store
                    .acquire_job_lock("ingest", who("old"), t(0), t(0), t(60))
                    .await
                    .unwrap(),
            );
            ingest_cursor(&store, &old, None, "10", t(1)).await.unwrap();
            // Past its lease, even before anyone took over, the old holder writes nothing.
            let late = ingest_cursor(&store, &old, Some("10"), "20", t(61)).await;
            assert!(
                matches!(late, Err(StoreError::LeaseLost { .. })),
                "{late:?}"
            );
            let new = acquired(
                store
                    .acquire_job_lock("ingest", who("new"), t(62), t(62), t(122))
                    .await
                    .unwrap(),
            );
            // Superseded: rolled back although its cursor read would still match.
            let stale = ingest_cursor(&store, &old, Some("10"), "20", t(63)).await;
            assert!(
                matches!(stale, Err(StoreError::LeaseLost { .. })),
                "{stale:?}"
            );
            assert_eq!(
                store.cursor("file:/log").await.unwrap().as_deref(),
                Some("10")
            );
            ingest_cursor(&store, &new, Some("10"), "30", t(64))
                .await
                .unwrap();
            assert_eq!(
                store.cursor("file:/log").await.unwrap().as_deref(),
                Some("30")
            );
            store.close().await;
        }
    }
);

both_backends!(racing_acquirers_get_one_lock_per_round, |db: &TestDb| {
    let url = db.url.clone();
    async move {
        let store = Store::open(&url).await.unwrap();
        // Eight claimants race for a free lock, round after round: exactly one wins each.
        for round in 0..20i64 {
            let now = t(round * 100);
            let mut racers = tokio::task::JoinSet::new();
            for racer in 0..8 {
                let store = store.clone();
                racers.spawn(async move {
                    let holder = format!("r{racer}");
                    store
                        .acquire_job_lock(
                            "ingest",
                            who(&holder),
                            now,
                            now,
                            now + chrono::Duration::seconds(60),
                        )
                        .await
                        .unwrap()
                });
            }
            let mut winners = Vec::new();
            while let Some(attempt) = racers.join_next().await {
                if let LockAttempt::Acquired { fence, .. } = attempt.unwrap() {
                    winners.push(fence);
                }
            }
            assert_eq!(winners.len(), 1, "round {round}: {winners:?}");
            assert_eq!(winners[0].token, round + 1);
            store.release_job_lock(&winners[0], now).await.unwrap();
        }
        store.close().await;
    }
});
