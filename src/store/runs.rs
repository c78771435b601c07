//! The run ledger: claiming a run by inserting `(job, scheduled_for)`, renewing its lease,
//! taking over a run whose holder died, and recording how each run ended.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{Store, StoreError};

/// Why a run exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// A cron tick.
    Schedule,
    /// `triaged once <job>` or an immediate triage.
    Manual,
}

impl Trigger {
    fn as_str(self) -> &'static str {
        match self {
            Trigger::Schedule => "schedule",
            Trigger::Manual => "manual",
        }
    }
}

/// Where a run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunStatus {
    Running,
    Succeeded,
    Failed,
    /// Stopped at a checkpoint during shutdown; another replica may take it over at once.
    Interrupted,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Succeeded => "succeeded",
            RunStatus::Failed => "failed",
            RunStatus::Interrupted => "interrupted",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        Ok(match s {
            "running" => RunStatus::Running,
            "succeeded" => RunStatus::Succeeded,
            "failed" => RunStatus::Failed,
            "interrupted" => RunStatus::Interrupted,
            other => {
                return Err(StoreError::Corrupt {
                    table: "job_runs",
                    reason: format!("unknown status {other:?}"),
                });
            }
        })
    }
}

/// How a run ended, as the scheduler reports it.
#[derive(Debug, Clone)]
pub enum RunOutcome {
    Succeeded { detail: Option<String> },
    Failed { error: String },
    Interrupted,
}

/// One row of the ledger.
#[derive(Debug, Clone)]
pub struct RunRecord {
    pub job: String,
    pub scheduled_for: DateTime<Utc>,
    pub trigger: Trigger,
    pub holder: String,
    pub status: RunStatus,
    pub attempt: i64,
    pub started_at: DateTime<Utc>,
    pub lease_until: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub error: Option<String>,
    pub detail: Option<String>,
}

/// The ledger's columns, then a `WHERE`/`ORDER BY` tail (a literal, so the SQL stays static).
macro_rules! select_runs {
    ($tail:literal) => {
        concat!(
            "SELECT job, scheduled_for, trigger_kind, holder, status, attempt, started_at, \
             lease_until, finished_at, error, detail FROM job_runs ",
            $tail
        )
    };
}
pub(super) use select_runs;

fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

fn from_ms(v: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(v).unwrap_or_default()
}

impl Store {
    /// Claims `(job, scheduled_for)` for `holder`: inserts the row, or takes over a row whose
    /// holder stopped renewing its lease (or was interrupted). Returns the attempt number when
    /// the claim succeeded, `None` when another holder has or had it.
    pub async fn claim_run(
        &self,
        job: &str,
        scheduled_for: DateTime<Utc>,
        trigger: Trigger,
        holder: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError> {
        let row = sqlx::query(
            "INSERT INTO job_runs (job, scheduled_for, trigger_kind, holder, status, attempt, \
                 started_at, heartbeat_at, lease_until) \
             VALUES ($1, $2, $3, $4, 'running', 1, $5, $5, $6) \
             ON CONFLICT (job, scheduled_for) DO UPDATE SET \
                 holder = excluded.holder, status = 'running', attempt = job_runs.attempt + 1, \
                 started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at, \
                 lease_until = excluded.lease_until, finished_at = NULL, error = NULL \
             WHERE (job_runs.status = 'running' AND job_runs.lease_until < excluded.started_at) \
                OR job_runs.status = 'interrupted' \
             RETURNING attempt",
        )
        .bind(job)
        .bind(ms(scheduled_for))
        .bind(trigger.as_str())
        .bind(holder)
        .bind(ms(now))
        .bind(ms(lease_until))
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some(row) => Some(row.try_get::<i64, _>(0)?),
            None => None,
        })
    }

    /// Extends the lease of a run this holder still owns; `false` means it was taken over.
    pub async fn renew_lease(
        &self,
        job: &str,
        scheduled_for: DateTime<Utc>,
        holder: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE job_runs SET heartbeat_at = $1, lease_until = $2 \
             WHERE job = $3 AND scheduled_for = $4 AND holder = $5 AND status = 'running'",
        )
        .bind(ms(now))
        .bind(ms(lease_until))
        .bind(job)
        .bind(ms(scheduled_for))
        .bind(holder)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records the end of a run this holder owns; `false` means it was taken over meanwhile.
    pub async fn finish_run(
        &self,
        job: &str,
        scheduled_for: DateTime<Utc>,
        holder: &str,
        now: DateTime<Utc>,
        outcome: &RunOutcome,
    ) -> Result<bool, StoreError> {
        let (status, error, detail) = match outcome {
            RunOutcome::Succeeded { detail } => (RunStatus::Succeeded, None, detail.clone()),
            RunOutcome::Failed { error } => (RunStatus::Failed, Some(error.clone()), None),
            RunOutcome::Interrupted => (RunStatus::Interrupted, None, None),
        };
        let done = sqlx::query(
            "UPDATE job_runs SET status = $1, finished_at = $2, lease_until = $2, error = $3, \
                 detail = $4 \
             WHERE job = $5 AND scheduled_for = $6 AND holder = $7 AND status = 'running'",
        )
        .bind(status.as_str())
        .bind(ms(now))
        .bind(error)
        .bind(detail)
        .bind(job)
        .bind(ms(scheduled_for))
        .bind(holder)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// One run, if present.
    pub async fn run(
        &self,
        job: &str,
        scheduled_for: DateTime<Utc>,
    ) -> Result<Option<RunRecord>, StoreError> {
        let row = sqlx::query(select_runs!("WHERE job = $1 AND scheduled_for = $2"))
            .bind(job)
            .bind(ms(scheduled_for))
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| record(&r)).transpose()
    }

    /// The most recent runs, newest first.
    pub async fn recent_runs(&self, limit: i64) -> Result<Vec<RunRecord>, StoreError> {
        let rows = sqlx::query(select_runs!("ORDER BY started_at DESC LIMIT $1"))
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(record).collect()
    }
}

pub(super) fn record(row: &sqlx::any::AnyRow) -> Result<RunRecord, StoreError> {
    let trigger = match row.try_get::<String, _>("trigger_kind")?.as_str() {
        "manual" => Trigger::Manual,
        _ => Trigger::Schedule,
    };
    Ok(RunRecord {
        job: row.try_get("job")?,
        scheduled_for: from_ms(row.try_get("scheduled_for")?),
        trigger,
        holder: row.try_get("holder")?,
        status: RunStatus::parse(&row.try_get::<String, _>("status")?)?,
        attempt: row.try_get("attempt")?,
        started_at: from_ms(row.try_get("started_at")?),
        lease_until: from_ms(row.try_get("lease_until")?),
        finished_at: row.try_get::<Option<i64>, _>("finished_at")?.map(from_ms),
        error: row.try_get("error")?,
        detail: row.try_get("detail")?,
    })
}
