//! What the morning summary reads: events per service and per cluster in a time range, the
//! ticket timeline of a range, and the runs of a range that failed or could not read a source.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::runs::{self, RunRecord, select_runs};
use super::tickets::TicketEvent;
use super::{Store, StoreError, ms};
use crate::domain::fingerprint::Fingerprint;

impl Store {
    /// Events per service in hours starting in `[from, to)`; services without any are absent.
    pub async fn service_events_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<BTreeMap<String, u64>, StoreError> {
        // SUM of a BIGINT is NUMERIC on Postgres, which `Any` cannot decode: cast it back.
        let rows = sqlx::query(
            "SELECT c.service, CAST(SUM(h.events) AS BIGINT) FROM cluster_hours h \
             JOIN clusters c ON c.fingerprint = h.fingerprint \
             WHERE h.hour >= $1 AND h.hour < $2 GROUP BY c.service",
        )
        .bind(ms(from))
        .bind(ms(to))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get::<i64, _>(1)?.max(0) as u64)))
            .collect()
    }

    /// Events per cluster in hours starting in `[from, to)`; clusters without any are absent.
    pub async fn cluster_events_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<BTreeMap<Fingerprint, u64>, StoreError> {
        let rows = sqlx::query(
            "SELECT fingerprint, CAST(SUM(events) AS BIGINT) FROM cluster_hours \
             WHERE hour >= $1 AND hour < $2 GROUP BY fingerprint",
        )
        .bind(ms(from))
        .bind(ms(to))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let fp: String = r.try_get(0)?;
                let fp = fp.parse().map_err(|e| StoreError::Corrupt {
                    table: "cluster_hours",
                    reason: format!("{e}"),
                })?;
                Ok((fp, r.try_get::<i64, _>(1)?.max(0) as u64))
            })
            .collect()
    }

    /// Ticket timeline entries of one kind (`reopen`, `close`, …) at `[from, to)`, oldest first.
    pub async fn ticket_events_between(
        &self,
        kind: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<TicketEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT fingerprint, at, kind, ticket_key, evidence FROM ticket_events \
             WHERE kind = $1 AND at >= $2 AND at < $3 ORDER BY at, fingerprint",
        )
        .bind(kind)
        .bind(ms(from))
        .bind(ms(to))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(super::tickets::ticket_event).collect()
    }

    /// Runs started in `[from, to)` that failed, or whose report names a source (or part of
    /// one) it could not read, oldest first. The report is JSON written by the job; the
    /// pattern only narrows the rows, the caller reads the report itself.
    pub async fn troubled_runs_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<RunRecord>, StoreError> {
        let rows = sqlx::query(select_runs!(
            "WHERE started_at >= $1 AND started_at < $2 AND (status = 'failed' \
                 OR detail LIKE '%\"failed_sources\":[\"%' \
                 OR detail LIKE '%\"partial_failures\":[\"%') \
             ORDER BY started_at, job"
        ))
        .bind(ms(from))
        .bind(ms(to))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(runs::record).collect()
    }
}

#[cfg(test)]
mod tests;
