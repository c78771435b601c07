//! Job locks: one row per job saying which run may work on it now. A run holds its job's
//! lock from claim to finish, so two runs of one job — two ticks, or `triaged once` beside a
//! daemon — never overlap, across processes and replicas. Every acquisition raises the
//! lock's fence; writes made for a run check their fence inside their own transaction, so a
//! holder that lost its lock (paused past its lease, then woken) commits nothing.
//!
//! Acquiring is a compare-and-swap on the fence, so it needs no transaction and behaves the
//! same on SQLite and Postgres. Taking a lock marks the job's runs whose process stopped
//! renewing their lease `interrupted`, so no run is left `running` by a dead process.

use chrono::{DateTime, Utc};
use sqlx::{Any, Row, Transaction};

use super::{Store, StoreError, ms, time};

/// The right to write for one run of one job: the job and the fence it was granted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fence {
    pub job: String,
    pub token: i64,
}

/// Who asks for a job's lock: the holder id, and the kernel boot its process runs in (so
/// another process on the same machine can tell that it died).
#[derive(Debug, Clone, Copy)]
pub struct Claimant<'a> {
    pub holder: &'a str,
    pub boot_id: Option<&'a str>,
}

/// Who holds a job's lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockHolder {
    pub holder: String,
    pub boot_id: Option<String>,
    /// The fence the holder was granted.
    pub fence: i64,
    /// The tick (or manual start) of the run holding it.
    pub scheduled_for: DateTime<Utc>,
    pub lease_until: DateTime<Utc>,
}

/// The result of trying to take a job's lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockAttempt {
    Acquired {
        fence: Fence,
        /// The holder whose lease had expired, when this was a takeover.
        took_over: Option<LockHolder>,
    },
    Held(LockHolder),
}

/// A lock row as read.
struct LockRow {
    current: LockHolder,
    released: bool,
}

impl Store {
    /// Takes `job`'s lock for the claimant's run of `scheduled_for` when nobody holds it, it
    /// was released, or its holder's lease ran out before `now` (see the module doc).
    pub async fn acquire_job_lock(
        &self,
        job: &str,
        claimant: Claimant<'_>,
        scheduled_for: DateTime<Utc>,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<LockAttempt, StoreError> {
        loop {
            let Some(row) = self.job_lock(job).await? else {
                let inserted = sqlx::query(
                    "INSERT INTO job_locks (job, fence, holder, boot_id, scheduled_for, \
                         lease_until) \
                     VALUES ($1, 1, $2, $3, $4, $5) ON CONFLICT (job) DO NOTHING",
                )
                .bind(job)
                .bind(claimant.holder)
                .bind(claimant.boot_id)
                .bind(ms(scheduled_for))
                .bind(ms(lease_until))
                .execute(&self.pool)
                .await?;
                if inserted.rows_affected() == 1 {
                    interrupt_abandoned_runs(self, job, now).await?;
                    let fence = Fence {
                        job: job.to_owned(),
                        token: 1,
                    };
                    return Ok(LockAttempt::Acquired {
                        fence,
                        took_over: None,
                    });
                }
                continue; // someone inserted first: read what they hold
            };
            if !row.released && row.current.lease_until >= now {
                return Ok(LockAttempt::Held(row.current));
            }
            let swapped = sqlx::query(
                "UPDATE job_locks SET fence = fence + 1, holder = $1, boot_id = $2, \
                     scheduled_for = $3, lease_until = $4, released_at = NULL \
                 WHERE job = $5 AND fence = $6",
            )
            .bind(claimant.holder)
            .bind(claimant.boot_id)
            .bind(ms(scheduled_for))
            .bind(ms(lease_until))
            .bind(job)
            .bind(row.current.fence)
            .execute(&self.pool)
            .await?;
            if swapped.rows_affected() == 0 {
                continue; // another claimant won the swap: read what it holds
            }
            let token = row.current.fence + 1;
            let took_over = (!row.released).then_some(row.current);
            interrupt_abandoned_runs(self, job, now).await?;
            let fence = Fence {
                job: job.to_owned(),
                token,
            };
            return Ok(LockAttempt::Acquired { fence, took_over });
        }
    }

    /// Ends the leases of a holder known to be dead (its process is gone), so the lock and
    /// its run may be taken over at once instead of when the lease runs out. A holder that
    /// moved on meanwhile (another fence) is left alone.
    pub async fn expire_job_lock(
        &self,
        job: &str,
        dead: &LockHolder,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let past = ms(now) - 1;
        let expired = sqlx::query(
            "UPDATE job_locks SET lease_until = $1 \
             WHERE job = $2 AND fence = $3 AND released_at IS NULL",
        )
        .bind(past)
        .bind(job)
        .bind(dead.fence)
        .execute(&self.pool)
        .await?;
        if expired.rows_affected() == 1 {
            sqlx::query(
                "UPDATE job_runs SET lease_until = $1 \
                 WHERE job = $2 AND holder = $3 AND status = 'running'",
            )
            .bind(past)
            .bind(job)
            .bind(&dead.holder)
            .execute(&self.pool)
            .await?;
        }
        Ok(())
    }

    /// Extends the lease of a lock still held under `fence`; `false` means it was lost.
    pub async fn renew_job_lock(
        &self,
        fence: &Fence,
        lease_until: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE job_locks SET lease_until = $1 \
             WHERE job = $2 AND fence = $3 AND released_at IS NULL",
        )
        .bind(ms(lease_until))
        .bind(&fence.job)
        .bind(fence.token)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Gives the lock back at the end of a run; a lock lost meanwhile is left alone.
    pub async fn release_job_lock(
        &self,
        fence: &Fence,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE job_locks SET released_at = $1, lease_until = $1 \
             WHERE job = $2 AND fence = $3 AND released_at IS NULL",
        )
        .bind(ms(now))
        .bind(&fence.job)
        .bind(fence.token)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Fails with [`StoreError::LeaseLost`] unless `fence` still holds its lock at `now`;
    /// call it before an effect outside the store. Without a fence (a body run directly,
    /// outside the scheduler) it passes.
    pub async fn check_fence(
        &self,
        fence: Option<&Fence>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let Some(fence) = fence else { return Ok(()) };
        let mut tx = self.pool.begin().await?;
        hold_fence_in(&mut tx, fence, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn job_lock(&self, job: &str) -> Result<Option<LockRow>, StoreError> {
        let row = sqlx::query(
            "SELECT fence, holder, boot_id, scheduled_for, lease_until, released_at \
             FROM job_locks WHERE job = $1",
        )
        .bind(job)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(LockRow {
            current: LockHolder {
                fence: row.try_get(0)?,
                holder: row.try_get(1)?,
                boot_id: row.try_get(2)?,
                scheduled_for: time(row.try_get(3)?),
                lease_until: time(row.try_get(4)?),
            },
            released: row.try_get::<Option<i64>, _>(5)?.is_some(),
        }))
    }
}

/// Inside a write transaction: locks `fence`'s row until the commit (a takeover waits for
/// it) and fails with [`StoreError::LeaseLost`] when the fence was superseded, released or
/// its lease ran out before `now`. Call it first, so the check and the writes commit as one.
pub(super) async fn hold_fence_in(
    tx: &mut Transaction<'static, Any>,
    fence: &Fence,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let held = sqlx::query(
        "UPDATE job_locks SET lease_until = lease_until \
         WHERE job = $1 AND fence = $2 AND released_at IS NULL AND lease_until >= $3",
    )
    .bind(&fence.job)
    .bind(fence.token)
    .bind(ms(now))
    .execute(&mut **tx)
    .await?;
    if held.rows_affected() == 1 {
        Ok(())
    } else {
        Err(StoreError::LeaseLost {
            job: fence.job.clone(),
        })
    }
}

/// With `job`'s lock just taken: marks every run of `job` still `running` whose lease ran
/// out as interrupted. Nobody else can hold the job now, so those runs' processes are dead
/// (or will find their fence gone); a scheduled tick marked so may be claimed again.
async fn interrupt_abandoned_runs(
    store: &Store,
    job: &str,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let done = sqlx::query(
        "UPDATE job_runs SET status = 'interrupted', finished_at = $1, \
             error = 'abandoned: its process stopped renewing its lease' \
         WHERE job = $2 AND status = 'running' AND lease_until < $1",
    )
    .bind(ms(now))
    .bind(job)
    .execute(&store.pool)
    .await?;
    Ok(done.rows_affected())
}
