//! Scheduler tests on a driven clock: replicas never double-run a tick, a tick slower than
//! its interval never overlaps the next, a dead holder's run is taken over after its lease,
//! and downtime runs only the latest missed tick.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use triaged::clock::{DrivenClock, SharedClock};
use triaged::metrics::Metrics;
use triaged::scheduler::{
    CronSchedule, Job, JobFuture, JobName, LeaseSettings, RunContext, ScheduledJob, Scheduler,
    StopSignals,
};
use triaged::store::{RunStatus, Store};

use crate::both_backends;
use crate::support::{TestDb, eventually};

/// Counts executions per tick and by whom.
#[derive(Default, Clone)]
struct CountingJob {
    runs: Arc<Mutex<BTreeMap<DateTime<Utc>, Vec<&'static str>>>>,
    who: &'static str,
}

impl Job for CountingJob {
    fn run<'a>(&'a self, ctx: &'a RunContext) -> JobFuture<'a> {
        Box::pin(async move {
            self.runs
                .lock()
                .unwrap()
                .entry(ctx.scheduled_for)
                .or_default()
                .push(self.who);
            Ok(serde_json::json!({}))
        })
    }
}

/// Never finishes: the holder "hangs" until its task is killed.
struct HangingJob;

impl Job for HangingJob {
    fn run<'a>(&'a self, _ctx: &'a RunContext) -> JobFuture<'a> {
        Box::pin(std::future::pending())
    }
}

const LEASE: LeaseSettings = LeaseSettings {
    lease: Duration::from_secs(120),
    heartbeat: Duration::from_secs(20),
    poll_interval: Duration::from_secs(15),
};

fn scheduler(store: Store, clock: &DrivenClock, holder: &str) -> Scheduler {
    let clock: SharedClock = Arc::new(clock.clone());
    Scheduler::new(store, clock, Arc::new(Metrics::new()), holder.into(), LEASE)
}

fn every(expr: &str, job: Arc<dyn Job>) -> Vec<ScheduledJob> {
    vec![ScheduledJob {
        name: JobName::Ingest,
        schedule: CronSchedule::parse(expr, chrono_tz::UTC).unwrap(),
        job,
    }]
}

async fn finished(store: &Store, tick: DateTime<Utc>) -> bool {
    matches!(store.run("ingest", tick).await, Ok(Some(r)) if r.status == RunStatus::Succeeded)
}

both_backends!(
    two_schedulers_run_each_of_100_ticks_exactly_once,
    |db: &TestDb| {
        let url = db.url.clone();
        async move {
            let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
            let clock = DrivenClock::new(start);
            let runs = Arc::new(Mutex::new(BTreeMap::new()));
            let signals = StopSignals::default();
            let mut replicas = Vec::new();
            let mut stores = Vec::new();
            for who in ["a", "b"] {
                // Each replica has its own pool, as two processes would.
                let store = Store::open(&url).await.unwrap();
                stores.push(store.clone());
                let job = Arc::new(CountingJob {
                    runs: runs.clone(),
                    who,
                });
                let s = scheduler(store, &clock, who);
                let signals = signals.clone();
                replicas.push(tokio::spawn(async move {
                    s.run(every("* * * * *", job), signals).await
                }));
            }
            let store = &stores[0];
            eventually(20, "first tick", || finished(store, start)).await;
            for i in 1..=100 {
                clock.advance(chrono::Duration::minutes(1));
                let tick = start + chrono::Duration::minutes(i);
                eventually(20, "tick finished", || finished(store, tick)).await;
            }
            signals.drain.cancel();
            for r in replicas {
                r.await.unwrap();
            }
            let runs = runs.lock().unwrap().clone();
            assert_eq!(runs.len(), 101, "every tick ran");
            for (tick, by) in runs.iter() {
                assert_eq!(by.len(), 1, "tick {tick} ran {} times: {by:?}", by.len());
            }
            for s in stores {
                s.close().await;
            }
        }
    }
);

both_backends!(
    a_dead_holders_run_is_taken_over_after_its_lease,
    |db: &TestDb| {
        let url = db.url.clone();
        async move {
            let start = Utc.with_ymd_and_hms(2026, 1, 1, 10, 0, 0).unwrap();
            let clock = DrivenClock::new(start);
            let store_a = Store::open(&url).await.unwrap();
            let store_b = Store::open(&url).await.unwrap();
            let signals = StopSignals::default();
            let a = scheduler(store_a.clone(), &clock, "a");
            let a_signals = signals.clone();
            let holder_a = tokio::spawn(async move {
                a.run(every("0 * * * *", Arc::new(HangingJob)), a_signals)
                    .await
            });
            eventually(20, "a claims 10:00", || async {
                matches!(store_b.run("ingest", start).await, Ok(Some(r)) if r.holder == "a")
            })
            .await;
            holder_a.abort(); // the process dies mid-run: no finish, no more heartbeats
            let _ = holder_a.await;

            let runs = Arc::new(Mutex::new(BTreeMap::new()));
            let b = scheduler(store_b.clone(), &clock, "b");
            let job = Arc::new(CountingJob {
                runs: runs.clone(),
                who: "b",
            });
            let b_signals = signals.clone();
            let holder_b =
                tokio::spawn(async move { b.run(every("0 * * * *", job), b_signals).await });
            // Within the lease, b leaves the run alone.
            for _ in 0..3 {
                clock.advance(chrono::Duration::seconds(30));
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            let rec = store_b.run("ingest", start).await.unwrap().unwrap();
            assert_eq!(
                (rec.holder.as_str(), rec.status),
                ("a", RunStatus::Running),
                "taken over too early"
            );
            // After the lease (2 min), b takes over and finishes the run.
            clock.advance(chrono::Duration::seconds(45));
            eventually(20, "b takes over", || finished(&store_b, start)).await;
            let rec = store_b.run("ingest", start).await.unwrap().unwrap();
            assert_eq!((rec.holder.as_str(), rec.attempt), ("b", 2));
            assert_eq!(runs.lock().unwrap().get(&start).map(Vec::len), Some(1));
            signals.drain.cancel();
            holder_b.await.unwrap();
            store_a.close().await;
            store_b.close().await;
        }
    }
);

both_backends!(downtime_runs_the_latest_missed_tick_once, |db: &TestDb| {
    let url = db.url.clone();
    async move {
        let start = Utc.with_ymd_and_hms(2026, 1, 1, 10, 0, 0).unwrap();
        let clock = DrivenClock::new(start);
        let store = Store::open(&url).await.unwrap();
        let runs = Arc::new(Mutex::new(BTreeMap::new()));
        let job = Arc::new(CountingJob {
            runs: runs.clone(),
            who: "a",
        });
        let signals = StopSignals::default();
        let s = scheduler(store.clone(), &clock, "a");
        let (j, sig) = (job.clone(), signals.clone());
        let first = tokio::spawn(async move { s.run(every("0 * * * *", j), sig).await });
        eventually(20, "10:00 runs", || finished(&store, start)).await;
        signals.drain.cancel();
        first.await.unwrap();

        // Down for five and a half hours: 11:00 … 15:00 were missed.
        clock.advance(chrono::Duration::minutes(330));
        let signals = StopSignals::default();
        let s = scheduler(store.clone(), &clock, "a2");
        let sig = signals.clone();
        let second = tokio::spawn(async move { s.run(every("0 * * * *", job), sig).await });
        let latest = start + chrono::Duration::hours(5);
        eventually(20, "15:00 runs", || finished(&store, latest)).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        signals.drain.cancel();
        second.await.unwrap();
        let ran: Vec<_> = runs.lock().unwrap().keys().copied().collect();
        assert_eq!(ran, [start, latest], "only the latest missed tick runs");
        store.close().await;
    }
});

/// Holds every run until the test opens its gate, counting runs in flight.
#[derive(Clone)]
struct GatedJob {
    gate: Arc<tokio::sync::Semaphore>,
    in_flight: Arc<AtomicUsize>,
    most_in_flight: Arc<AtomicUsize>,
    ticks: Arc<Mutex<Vec<DateTime<Utc>>>>,
}

impl Job for GatedJob {
    fn run<'a>(&'a self, ctx: &'a RunContext) -> JobFuture<'a> {
        Box::pin(async move {
            let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            self.most_in_flight.fetch_max(now, Ordering::SeqCst);
            self.ticks.lock().unwrap().push(ctx.scheduled_for);
            self.gate.acquire().await.unwrap().forget();
            self.in_flight.fetch_sub(1, Ordering::SeqCst);
            Ok(serde_json::json!({}))
        })
    }
}

both_backends!(
    a_tick_slower_than_its_interval_never_overlaps_the_next,
    |db: &TestDb| {
        let url = db.url.clone();
        async move {
            let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
            let clock = DrivenClock::new(start);
            let job = GatedJob {
                gate: Arc::new(tokio::sync::Semaphore::new(0)),
                in_flight: Arc::default(),
                most_in_flight: Arc::default(),
                ticks: Arc::default(),
            };
            let signals = StopSignals::default();
            let mut replicas = Vec::new();
            let mut stores = Vec::new();
            for who in ["a", "b"] {
                let store = Store::open(&url).await.unwrap();
                stores.push(store.clone());
                let s = scheduler(store, &clock, who);
                let (job, signals) = (Arc::new(job.clone()), signals.clone());
                replicas.push(tokio::spawn(async move {
                    s.run(every("* * * * *", job), signals).await
                }));
            }
            let store = stores[0].clone();
            let started = |n: usize| {
                let ticks = job.ticks.clone();
                move || {
                    let ticks = ticks.clone();
                    async move { ticks.lock().unwrap().len() >= n }
                }
            };
            eventually(20, "the first tick starts", started(1)).await;
            // Three more ticks come due while the first still runs: none may start.
            for _ in 0..3 {
                clock.advance(chrono::Duration::seconds(20));
                tokio::time::sleep(Duration::from_millis(30)).await;
            }
            let next = start + chrono::Duration::minutes(1);
            assert!(
                store.run("ingest", next).await.unwrap().is_none(),
                "the next tick was claimed while the job was busy"
            );
            assert_eq!(job.ticks.lock().unwrap().len(), 1);
            // The slow run ends: the latest due tick runs next, once.
            job.gate.add_permits(1);
            eventually(20, "the first tick finishes", || finished(&store, start)).await;
            for _ in 0..4 {
                clock.advance(chrono::Duration::seconds(15));
                tokio::time::sleep(Duration::from_millis(30)).await;
            }
            eventually(20, "the next tick starts", started(2)).await;
            job.gate.add_permits(100);
            signals.drain.cancel();
            for r in replicas {
                r.await.unwrap();
            }
            let ticks = job.ticks.lock().unwrap().clone();
            assert_eq!(job.most_in_flight.load(Ordering::SeqCst), 1, "{ticks:?}");
            assert_eq!(ticks[0], start);
            assert_eq!(ticks[1], next, "the tick due when the lock came free");
            let mut unique = ticks.clone();
            unique.dedup();
            assert_eq!(unique, ticks, "a tick ran twice: {ticks:?}");
            for s in stores {
                s.close().await;
            }
        }
    }
);
