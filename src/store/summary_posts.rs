//! Chat posts of a summary window, claimed before they are made: each destination gets a
//! window at most once, across retries, takeovers and replicas. A post whose outcome is
//! unknown (the chat may have taken it) stays claimed; one that surely did not land is
//! released so the window can still be posted.

use chrono::{DateTime, Utc};

use sqlx::Row;

use super::{Store, StoreError, ms};

/// How a claimed post ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostOutcome {
    /// The chat took it.
    Posted,
    /// The chat may have taken it (the answer was lost): never posted again.
    Unknown,
    /// It surely did not land (refused, or never sent): the claim is released.
    NotPosted,
}

impl Store {
    /// Claims `destination` for the window ending at `window_end`; false when an earlier
    /// run posted there, may have, or is posting now.
    pub async fn claim_summary_post(
        &self,
        window_end: DateTime<Utc>,
        destination: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let claimed = sqlx::query(
            "INSERT INTO summary_posts (window_end, destination, status, updated_at) \
             VALUES ($1, $2, 'posting', $3) ON CONFLICT DO NOTHING",
        )
        .bind(ms(window_end))
        .bind(destination)
        .bind(ms(now))
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(claimed == 1)
    }

    /// Records how a claimed post ended.
    pub async fn finish_summary_post(
        &self,
        window_end: DateTime<Utc>,
        destination: &str,
        outcome: PostOutcome,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let status = match outcome {
            PostOutcome::Posted => "posted",
            PostOutcome::Unknown => "unknown",
            PostOutcome::NotPosted => {
                sqlx::query("DELETE FROM summary_posts WHERE window_end = $1 AND destination = $2")
                    .bind(ms(window_end))
                    .bind(destination)
                    .execute(&self.pool)
                    .await?;
                return Ok(());
            }
        };
        let query = sqlx::query(
            "UPDATE summary_posts SET status = $3, updated_at = $4 \
             WHERE window_end = $1 AND destination = $2",
        )
        .bind(ms(window_end))
        .bind(destination)
        .bind(status)
        .bind(ms(now));
        query.execute(&self.pool).await?;
        Ok(())
    }

    /// How many windows were claimed for `destination` (each posted at most once) and how
    /// many of them are known to have been posted.
    pub async fn summary_post_counts(&self, destination: &str) -> Result<(u64, u64), StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = 'posted' THEN 1 ELSE 0 END), 0) \
             FROM summary_posts WHERE destination = $1",
        )
        .bind(destination)
        .fetch_one(&self.pool)
        .await?;
        let count = |i: usize| row.try_get::<i64, _>(i).map(|n| n.max(0) as u64);
        Ok((count(0)?, count(1)?))
    }
}
