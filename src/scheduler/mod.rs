//! The scheduler: fires each job on its cron schedule, takes the job's lock so no two runs of
//! one job overlap (two ticks, a manual run, another replica), claims every run in the run
//! ledger so replicas never run the same tick twice, renews both leases while it works,
//! takes over runs whose holder died, and runs only the latest tick missed during downtime.

mod cron;
mod job;
mod liveness;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use tokio_util::sync::CancellationToken;

pub use self::cron::{CronError, CronSchedule};
pub use job::{Job, JobError, JobFuture, JobName, JobResult, RunContext};

use crate::clock::SharedClock;
use crate::metrics::Metrics;
use tracing::Instrument;

use crate::store::{
    Claimant, Fence, LockAttempt, LockHolder, RunOutcome, RunStatus, Store, StoreError, Trigger,
};

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
    /// The kernel boot this process runs in, stored with its locks (see `liveness`).
    boot_id: Option<String>,
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
            boot_id: liveness::boot_id(),
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
        if existing.is_some_and(|r| matches!(r.status, RunStatus::Succeeded | RunStatus::Failed)) {
            return Ok(Some(next_tick));
        }
        // Not run yet, interrupted, or running: `execute` finds out whether its holder is
        // alive (the job lock) and takes over only when it is not.
        match self
            .execute(job.name, job.job.as_ref(), due, Trigger::Schedule, signals)
            .await?
        {
            Execution::Ran(_) => Ok(None),
            // Another run of this job (an older tick, a manual run) is still working: this
            // tick runs once it is done, unless a newer one is due by then.
            Execution::Busy(holder) => {
                Ok(Some(next_tick.min(poll).min(
                    holder.lease_until + chrono::Duration::milliseconds(1),
                )))
            }
            Execution::AlreadyClaimed => Ok(Some(next_tick.min(poll))),
        }
    }

    /// Takes the job's lock, claims `(job, scheduled_for)` and runs it to the end, renewing
    /// both leases meanwhile. Nothing runs when another run holds the job or the tick.
    pub async fn execute(
        &self,
        name: JobName,
        job: &dyn Job,
        scheduled_for: DateTime<Utc>,
        trigger: Trigger,
        signals: &StopSignals,
    ) -> Result<Execution, StoreError> {
        let now = self.clock.now();
        let lease_until = now + self.lease.lease;
        let fence = match self.acquire(name, scheduled_for, now, lease_until).await? {
            LockAttempt::Held(holder) => return Ok(Execution::Busy(holder)),
            LockAttempt::Acquired { fence, took_over } => {
                if let Some(dead) = took_over {
                    tracing::warn!(job = %name, holder = %dead.holder,
                        "taking over a job whose holder stopped renewing its lock");
                }
                fence
            }
        };
        let claim = self
            .store
            .claim_run(
                name.as_str(),
                scheduled_for,
                trigger,
                &self.holder,
                now,
                lease_until,
            )
            .await;
        let ran = match claim {
            Ok(Some(attempt)) => {
                let run = ClaimedRun {
                    name,
                    scheduled_for,
                    trigger,
                    attempt,
                    fence: &fence,
                };
                let span = tracing::info_span!("run", job = %name, scheduled_for = %scheduled_for, attempt);
                self.run_claimed(run, job, signals)
                    .instrument(span)
                    .await
                    .map(Execution::Ran)
            }
            Ok(None) => Ok(Execution::AlreadyClaimed),
            Err(e) => Err(e),
        };
        // A lock lost meanwhile is left to its new holder.
        let released = self.store.release_job_lock(&fence, self.clock.now()).await;
        let ran = ran?;
        released?;
        Ok(ran)
    }

    /// Takes the job's lock; a holder that provably died on this machine is expired first.
    async fn acquire(
        &self,
        name: JobName,
        scheduled_for: DateTime<Utc>,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<LockAttempt, StoreError> {
        let claimant = Claimant {
            holder: &self.holder,
            boot_id: self.boot_id.as_deref(),
        };
        let job = name.as_str();
        let attempt = self
            .store
            .acquire_job_lock(job, claimant, scheduled_for, now, lease_until)
            .await?;
        match attempt {
            LockAttempt::Held(holder)
                if liveness::died_here(&holder, &self.holder, self.boot_id.as_deref()) =>
            {
                tracing::warn!(job, holder = %holder.holder,
                    "the job's holder is no longer running on this machine; taking over");
                self.store.expire_job_lock(job, &holder, now).await?;
                self.store
                    .acquire_job_lock(job, claimant, scheduled_for, now, lease_until)
                    .await
            }
            other => Ok(other),
        }
    }

    /// Runs a claimed run's body, then records how it ended.
    async fn run_claimed(
        &self,
        run: ClaimedRun<'_>,
        job: &dyn Job,
        signals: &StopSignals,
    ) -> Result<RunOutcome, StoreError> {
        let name = run.name;
        if run.attempt > 1 {
            tracing::warn!("taking over a run whose holder stopped renewing its lease");
        }
        tracing::info!("run started");
        let started = Instant::now();
        let lease_lost = CancellationToken::new();
        let run_stop = CancellationToken::new();
        let ctx = RunContext::new(
            name,
            run.scheduled_for,
            run.trigger,
            self.clock.clone(),
            run_stop.clone(),
        )
        .with_fence(run.fence.clone());
        let outcome = {
            let body = job.run(&ctx);
            tokio::pin!(body);
            tokio::select! {
                result = &mut body => Some(result),
                _ = self.heartbeat(&run, &lease_lost) => None,
                _ = signals.stop.cancelled() => {
                    run_stop.cancel();
                    // Give the body a moment to reach its checkpoint and return cleanly.
                    tokio::time::timeout(Duration::from_secs(2), &mut body).await.ok()
                }
            }
        };
        let outcome = match outcome {
            Some(Ok(detail)) if run_stop.is_cancelled() => {
                // A body that returned because it was told to stop did not finish its work.
                let _ = detail;
                RunOutcome::Interrupted
            }
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
                return Ok(RunOutcome::Interrupted);
            }
            None => RunOutcome::Interrupted,
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
                run.scheduled_for,
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
        Ok(outcome)
    }

    /// Renews the run's lease and its job lock every `heartbeat` until either is lost
    /// (then resolves).
    async fn heartbeat(&self, run: &ClaimedRun<'_>, lost: &CancellationToken) {
        loop {
            let at = self.clock.now() + self.lease.heartbeat;
            self.clock.sleep_until(at).await;
            let now = self.clock.now();
            let lease_until = now + self.lease.lease;
            let renewed = async {
                let lock = self.store.renew_job_lock(run.fence, lease_until).await?;
                let ledger = self
                    .store
                    .renew_lease(
                        run.name.as_str(),
                        run.scheduled_for,
                        &self.holder,
                        now,
                        lease_until,
                    )
                    .await?;
                Ok::<_, StoreError>(lock && ledger)
            };
            match renewed.await {
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

/// A run this process claimed, with the fence of its job lock.
struct ClaimedRun<'a> {
    name: JobName,
    scheduled_for: DateTime<Utc>,
    trigger: Trigger,
    /// 1, plus one for each takeover of this tick.
    attempt: i64,
    fence: &'a Fence,
}

/// How a request to run a job ended.
#[derive(Debug)]
pub enum Execution {
    /// The run happened; how it ended.
    Ran(RunOutcome),
    /// Another run holds the job's lock; nothing was done.
    Busy(LockHolder),
    /// Another holder claimed or finished this tick; nothing was done.
    AlreadyClaimed,
}
