//! The scheduler: fires each job on its cron schedule, claims every run in the run ledger so
//! replicas never run the same tick twice, renews the run's lease while it works, takes over
//! runs whose holder died, and runs only the latest tick missed during downtime.

mod cron;
mod job;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use tokio_util::sync::CancellationToken;

pub use self::cron::{CronError, CronSchedule};
pub use job::{Job, JobError, JobFuture, JobName, JobResult, RunContext};

use crate::clock::SharedClock;
use crate::metrics::Metrics;
use crate::store::{RunOutcome, RunStatus, Store, StoreError, Trigger};

/// Lease timing.
#[derive(Debug, Clone, Copy)]
pub struct LeaseSettings {
    pub lease: Duration,
    pub heartbeat: Duration,
    pub poll_interval: Duration,
}

/// A job with its schedule.
#[derive(Clone)]
pub struct ScheduledJob {
    pub name: JobName,
    pub schedule: CronSchedule,
    pub job: Arc<dyn Job>,
}

/// Signals from the process lifecycle.
#[derive(Clone, Default)]
pub struct StopSignals {
    /// Cancelled on SIGTERM: claim nothing new; a running job may finish.
    pub drain: CancellationToken,
    /// Cancelled when the shutdown grace is over: running jobs stop at their next checkpoint.
    pub stop: CancellationToken,
}

/// Claims and runs jobs. Cheap to clone; every clone shares the same holder id.
#[derive(Clone)]
pub struct Scheduler {
    store: Store,
    clock: SharedClock,
    metrics: Arc<Metrics>,
    holder: String,
    lease: LeaseSettings,
}

impl Scheduler {
    pub fn new(
        store: Store,
        clock: SharedClock,
        metrics: Arc<Metrics>,
        holder: String,
        lease: LeaseSettings,
    ) -> Self {
        Self {
            store,
            clock,
            metrics,
            holder,
            lease,
        }
    }

    /// This replica's holder id in the run ledger.
    pub fn holder(&self) -> &str {
        &self.holder
    }

    /// Runs every job on its schedule until `signals.drain`; returns when all loops ended
    /// (a running job finishes first, or stops at a checkpoint once `signals.stop` fires).
    pub async fn run(&self, jobs: Vec<ScheduledJob>, signals: StopSignals) {
        let mut loops = tokio::task::JoinSet::new();
        for job in jobs {
            let this = self.clone();
            let signals = signals.clone();
            loops.spawn(async move { this.job_loop(job, signals).await });
        }
        while loops.join_next().await.is_some() {}
    }

    async fn job_loop(&self, job: ScheduledJob, signals: StopSignals) {
        let name = job.name.as_str();
        while !signals.drain.is_cancelled() {
            let now = self.clock.now();
            let wake = match self.try_due_tick(&job, now, &signals).await {
                Ok(Some(wake)) => wake,
                Ok(None) => continue, // ran something: look again at once
                Err(e) => {
                    tracing::warn!(job = name, error = %e, "run ledger unavailable; will retry");
                    now + self.lease.poll_interval
                }
            };
            tokio::select! {
                _ = signals.drain.cancelled() => break,
                _ = self.clock.sleep_until(wake) => {}
            }
        }
        tracing::debug!(job = name, "scheduler loop stopped");
    }

    /// Looks at the latest tick at or before `now`; claims and runs it when nobody has.
    /// Returns when to look next, or `None` after running a tick.
    async fn try_due_tick(
        &self,
        job: &ScheduledJob,
        now: DateTime<Utc>,
        signals: &StopSignals,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        let next_tick = job
            .schedule
            .next_after(now)
            .unwrap_or(now + chrono::Duration::days(366));
        let poll = now + self.lease.poll_interval;
        let Some(due) = job.schedule.latest_at_or_before(now) else {
            return Ok(Some(next_tick));
        };
        let existing = self.store.run(job.name.as_str(), due).await?;
        let claimable = match &existing {
            None => true,
            Some(r) if r.status == RunStatus::Interrupted => true,
            Some(r) if r.status == RunStatus::Running => {
                if r.lease_until >= now {
                    // Someone holds it: check again when its lease would expire.
                    return Ok(Some(
                        next_tick
                            .min(poll)
                            .min(r.lease_until + chrono::Duration::milliseconds(1)),
                    ));
                }
                true
            }
            Some(_) => false, // finished
        };
        if !claimable {
            return Ok(Some(next_tick));
        }
        match self
            .execute(job.name, job.job.as_ref(), due, Trigger::Schedule, signals)
            .await?
        {
            Some(_) => Ok(None),
            None => Ok(Some(next_tick.min(poll))),
        }
    }

    /// Claims `(job, scheduled_for)` and runs it to the end, renewing the lease meanwhile.
    /// Returns `None` when another holder has the run, else how it ended.
    pub async fn execute(
        &self,
        name: JobName,
        job: &dyn Job,
        scheduled_for: DateTime<Utc>,
        trigger: Trigger,
        signals: &StopSignals,
    ) -> Result<Option<RunOutcome>, StoreError> {
        let now = self.clock.now();
        let Some(attempt) = self
            .store
            .claim_run(
                name.as_str(),
                scheduled_for,
                trigger,
                &self.holder,
                now,
                now + self.lease.lease,
            )
            .await?
        else {
            return Ok(None);
        };
        let span = tracing::info_span!("run", job = %name, scheduled_for = %scheduled_for, attempt);
        let _enter = span.enter();
        if attempt > 1 {
            tracing::warn!("taking over a run whose holder stopped renewing its lease");
        }
        tracing::info!("run started");
        let started = Instant::now();
        let lease_lost = CancellationToken::new();
        let run_stop = CancellationToken::new();
        let ctx = RunContext::new(
            name,
            scheduled_for,
            trigger,
            self.clock.clone(),
            run_stop.clone(),
        );
        let outcome = {
            let body = job.run(&ctx);
            tokio::pin!(body);
            tokio::select! {
                result = &mut body => Some(result),
                _ = self.heartbeat(name, scheduled_for, &lease_lost) => None,
                _ = signals.stop.cancelled() => {
                    run_stop.cancel();
                    // Give the body a moment to reach its checkpoint and return cleanly.
                    tokio::time::timeout(Duration::from_secs(2), &mut body).await.ok()
                }
            }
        };
        let outcome = match outcome {
            Some(Ok(detail)) => RunOutcome::Succeeded {
                detail: Some(detail.to_string()),
            },
            Some(Err(e)) => RunOutcome::Failed {
                error: e.to_string(),
            },
            None if lease_lost.is_cancelled() => {
                tracing::error!("lease lost to another holder; abandoning this run");
                self.metrics.job_finished(
                    name.as_str(),
                    "lease_lost",
                    started.elapsed(),
                    self.clock.now(),
                );
                return Ok(Some(RunOutcome::Interrupted));
            }
            None => RunOutcome::Interrupted,
        };
        let outcome = match (&outcome, run_stop.is_cancelled()) {
            // A body that returned because it was told to stop did not finish its work.
            (RunOutcome::Succeeded { .. }, true) => RunOutcome::Interrupted,
            _ => outcome,
        };
        let label = match &outcome {
            RunOutcome::Succeeded { .. } => "succeeded",
            RunOutcome::Failed { error } => {
                tracing::error!(error = %error, "run failed");
                "failed"
            }
            RunOutcome::Interrupted => "interrupted",
        };
        let finished = self
            .store
            .finish_run(
                name.as_str(),
                scheduled_for,
                &self.holder,
                self.clock.now(),
                &outcome,
            )
            .await?;
        if !finished {
            tracing::warn!("run was taken over before it finished; its result is discarded");
        }
        self.metrics
            .job_finished(name.as_str(), label, started.elapsed(), self.clock.now());
        tracing::info!(
            outcome = label,
            took_ms = started.elapsed().as_millis() as u64,
            "run ended"
        );
        Ok(Some(outcome))
    }

    /// Renews the lease every `heartbeat` until it is lost (then resolves).
    async fn heartbeat(
        &self,
        name: JobName,
        scheduled_for: DateTime<Utc>,
        lost: &CancellationToken,
    ) {
        loop {
            let at = self.clock.now() + self.lease.heartbeat;
            self.clock.sleep_until(at).await;
            let now = self.clock.now();
            match self
                .store
                .renew_lease(
                    name.as_str(),
                    scheduled_for,
                    &self.holder,
                    now,
                    now + self.lease.lease,
                )
                .await
            {
                Ok(true) => {}
                Ok(false) => {
                    lost.cancel();
                    return;
                }
                // A store hiccup: keep working, the lease still has time.
                Err(e) => tracing::warn!(error = %e, "could not renew the lease"),
            }
        }
    }
}
