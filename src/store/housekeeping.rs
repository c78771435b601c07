//! Keeping the store bounded: hourly counts roll up into days, old days go; and the
//! installation-wide settings triaged generates once (the user-id salt).

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{Store, StoreError, ms};
use crate::domain::cluster::hour_of;

/// What a roll-up did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct RollUp {
    pub hours_rolled: u64,
    pub days_dropped: u64,
}

const DAY_MS: i64 = 86_400_000;

impl Store {
    /// Folds the hourly counts of hours that ended by `hours_before` into daily counts and
    /// deletes days that ended by `days_before`, in one transaction (a crash never counts
    /// an hour twice).
    pub async fn roll_up_counts(
        &self,
        hours_before: DateTime<Utc>,
        days_before: DateTime<Utc>,
    ) -> Result<RollUp, StoreError> {
        let hours_before = hour_of(hours_before);
        let days_before = ms(days_before).div_euclid(DAY_MS) * DAY_MS;
        let mut tx = self.pool.begin().await?;
        sqlx::query(concat!(
            "INSERT INTO cluster_days (fingerprint, day, events) ",
            "SELECT fingerprint, (hour / 86400000) * 86400000, SUM(events) FROM cluster_hours ",
            "WHERE hour < $1 GROUP BY fingerprint, (hour / 86400000) * 86400000 ",
            "ON CONFLICT (fingerprint, day) DO UPDATE ",
            "SET events = cluster_days.events + excluded.events"
        ))
        .bind(hours_before)
        .execute(&mut *tx)
        .await?;
        let hours = sqlx::query("DELETE FROM cluster_hours WHERE hour < $1")
            .bind(hours_before)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let days = sqlx::query("DELETE FROM cluster_days WHERE day < $1")
            .bind(days_before)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(RollUp {
            hours_rolled: hours,
            days_dropped: days,
        })
    }

    /// Daily counts of a cluster (day start, events), oldest first.
    pub async fn daily_counts(
        &self,
        fp: crate::domain::fingerprint::Fingerprint,
    ) -> Result<Vec<(DateTime<Utc>, u64)>, StoreError> {
        let rows =
            sqlx::query("SELECT day, events FROM cluster_days WHERE fingerprint = $1 ORDER BY day")
                .bind(fp.to_string())
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    super::time(r.try_get(0)?),
                    r.try_get::<i64, _>(1)?.max(0) as u64,
                ))
            })
            .collect()
    }

    /// The setting `name`, created with `make()` the first time (by whichever replica
    /// gets there first; every replica then reads the same value).
    /// An installation-wide value, if set.
    pub async fn setting(&self, name: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT value FROM settings WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(row) => Some(row.try_get(0)?),
            None => None,
        })
    }

    pub async fn setting_or_create(
        &self,
        name: &str,
        make: impl FnOnce() -> String,
    ) -> Result<String, StoreError> {
        sqlx::query(
            "INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(make())
        .execute(&self.pool)
        .await?;
        let row = sqlx::query("SELECT value FROM settings WHERE name = $1")
            .bind(name)
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get(0)?)
    }
}
