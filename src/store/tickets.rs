//! Tickets and their intents: which ticket belongs to which cluster, the tracker actions in
//! flight (written before the tracker is called, completed after), and the timeline.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{Store, StoreError, ms, parse_json, time};
use crate::domain::fingerprint::Fingerprint;
use crate::domain::lifecycle::{Action, ActionKind, Fix, TicketRecord};

/// A cluster's ticket record with the version it was read at.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredTicket {
    pub fingerprint: Fingerprint,
    pub record: TicketRecord,
    pub version: i64,
}

/// Whether an action may go ahead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The intent is written: call the tracker, then `finish_action`.
    Started,
    /// Someone else is acting on this cluster, or the record moved on since the decision.
    Busy(String),
}

/// One entry of a ticket's timeline.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TicketEvent {
    pub fingerprint: String,
    pub at: DateTime<Utc>,
    pub kind: String,
    pub ticket_key: String,
    pub evidence: String,
}

impl Store {
    /// Every cluster's ticket record.
    pub async fn tickets(&self) -> Result<Vec<StoredTicket>, StoreError> {
        let rows =
            sqlx::query("SELECT fingerprint, record, version FROM tickets ORDER BY fingerprint")
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(stored).collect()
    }

    /// One cluster's ticket record.
    pub async fn ticket(&self, fp: Fingerprint) -> Result<Option<StoredTicket>, StoreError> {
        let row =
            sqlx::query("SELECT fingerprint, record, version FROM tickets WHERE fingerprint = $1")
                .bind(fp.to_string())
                .fetch_optional(&self.pool)
                .await?;
        row.as_ref().map(stored).transpose()
    }

    /// Writes the intent of `action` before the tracker is called (re-arming the same
    /// action's intent if it failed earlier). A create or link also inserts the cluster's
    /// ticket row (the claim); any other action requires the row to still be at
    /// `base_version`.
    pub async fn begin_action(
        &self,
        action: &Action,
        base_version: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<Claim, StoreError> {
        let mut tx = self.pool.begin().await?;
        let fp = action.fingerprint.to_string();
        let pending = sqlx::query(
            "SELECT id FROM ticket_intents WHERE fingerprint = $1 AND status = 'pending'",
        )
        .bind(&fp)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(row) = pending {
            let id: String = row.try_get(0)?;
            return Ok(Claim::Busy(format!(
                "intent {id} is still pending for this cluster"
            )));
        }
        // An intent ids the action (a create by its ticket's id), so deciding the same
        // action again after it failed for good re-arms that intent: a failure never
        // blocks the action forever. One that is done stays done.
        let inserted = sqlx::query(
            "INSERT INTO ticket_intents (id, fingerprint, kind, action, status, attempts, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'pending', 0, $5, $5) \
             ON CONFLICT (id) DO UPDATE SET status = 'pending', action = excluded.action, \
             updated_at = excluded.updated_at WHERE ticket_intents.status = 'failed'",
        )
        .bind(action.intent_id())
        .bind(&fp)
        .bind(action.kind.name())
        .bind(to_json(action)?)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            return Ok(Claim::Busy(format!(
                "intent {} exists already",
                action.intent_id()
            )));
        }
        let claimed = match &action.kind {
            ActionKind::Create { .. } | ActionKind::Link { .. } => {
                let r = &action.record_after;
                sqlx::query(
                    "INSERT INTO tickets (fingerprint, ticket_id, ticket_key, phase, record, version, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, 1, $6, $6) ON CONFLICT DO NOTHING",
                )
                .bind(&fp)
                .bind(&r.ticket_id)
                .bind(&r.key)
                .bind(r.phase.as_str())
                .bind(to_json(r)?)
                .bind(ms(now))
                .execute(&mut *tx)
                .await?
                .rows_affected()
            }
            _ => sqlx::query(
                "UPDATE tickets SET updated_at = $2 WHERE fingerprint = $1 AND version = $3",
            )
            .bind(&fp)
            .bind(ms(now))
            .bind(base_version.unwrap_or(-1))
            .execute(&mut *tx)
            .await?
            .rows_affected(),
        };
        if claimed == 0 {
            tx.rollback().await?;
            return Ok(Claim::Busy(
                "the cluster's ticket changed since the decision".into(),
            ));
        }
        tx.commit().await?;
        Ok(Claim::Started)
    }

    /// The tracker did it: store the record after (with the ticket's key and URL as the
    /// tracker returned them), close the intent and add the timeline entry. Returns the
    /// record's new version.
    pub async fn finish_action(
        &self,
        action: &Action,
        landed: &TicketRecord,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let fp = action.fingerprint.to_string();
        let version: i64 = sqlx::query(
            "UPDATE tickets SET ticket_id = $2, ticket_key = $3, phase = $4, record = $5, \
             version = version + 1, updated_at = $6 WHERE fingerprint = $1 RETURNING version",
        )
        .bind(&fp)
        .bind(&landed.ticket_id)
        .bind(&landed.key)
        .bind(landed.phase.as_str())
        .bind(to_json(landed)?)
        .bind(ms(now))
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        sqlx::query("UPDATE ticket_intents SET status = 'done', updated_at = $2 WHERE id = $1")
            .bind(action.intent_id())
            .bind(ms(now))
            .execute(&mut *tx)
            .await?;
        insert_event(&mut tx, action, &landed.key, now).await?;
        if matches!(action.kind, ActionKind::Reopen { .. }) {
            // Scoring's regression dimension reads this.
            sqlx::query("UPDATE clusters SET regressed_at = $2 WHERE fingerprint = $1")
                .bind(&fp)
                .bind(ms(now))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(version)
    }

    /// Events of `service`'s clusters other than `except` in hours starting at or after
    /// the hour of `since` (is the service running and reporting?).
    pub async fn service_events_since(
        &self,
        service: &str,
        except: Fingerprint,
        since: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let row = sqlx::query(
            "SELECT CAST(COALESCE(SUM(h.events), 0) AS BIGINT) FROM cluster_hours h \
             JOIN clusters c ON c.fingerprint = h.fingerprint \
             WHERE c.service = $1 AND c.fingerprint <> $2 AND h.hour >= $3",
        )
        .bind(service)
        .bind(except.to_string())
        .bind(crate::domain::cluster::hour_of(since))
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get::<i64, _>(0)?.max(0) as u64)
    }

    /// The tracker call failed. A retryable failure leaves the intent pending (replayed on
    /// the next run); otherwise it is marked failed, and a create's claim is released.
    pub async fn fail_action(
        &self,
        action: &Action,
        error: &str,
        retryable: bool,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let status = if retryable { "pending" } else { "failed" };
        sqlx::query(
            "UPDATE ticket_intents SET status = $2, attempts = attempts + 1, last_error = $3, updated_at = $4 WHERE id = $1",
        )
        .bind(action.intent_id())
        .bind(status)
        .bind(error)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        if !retryable
            && matches!(
                action.kind,
                ActionKind::Create { .. } | ActionKind::Link { .. }
            )
        {
            sqlx::query("DELETE FROM tickets WHERE fingerprint = $1 AND ticket_key = ''")
                .bind(action.fingerprint.to_string())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Intents written but not completed (a crash, or a tracker that was failing), oldest first.
    pub async fn pending_actions(&self) -> Result<Vec<Action>, StoreError> {
        let rows = sqlx::query(
            "SELECT action FROM ticket_intents WHERE status = 'pending' ORDER BY created_at, id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| parse_json("ticket_intents", &r.try_get::<String, _>(0)?))
            .collect()
    }

    /// Records what a human changed (no tracker call), if the record is still at
    /// `base_version`. Returns the record's new version, or `None` when it had moved on.
    pub async fn observe(
        &self,
        action: &Action,
        base_version: i64,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let r = &action.record_after;
        let updated = sqlx::query(
            "UPDATE tickets SET ticket_key = $2, phase = $3, record = $4, version = version + 1, updated_at = $5 \
             WHERE fingerprint = $1 AND version = $6 RETURNING version",
        )
        .bind(action.fingerprint.to_string())
        .bind(&r.key)
        .bind(r.phase.as_str())
        .bind(to_json(r)?)
        .bind(ms(now))
        .bind(base_version)
        .fetch_optional(&mut *tx)
        .await?;
        let version = match updated {
            Some(row) => Some(row.try_get::<i64, _>(0)?),
            None => None,
        };
        if version.is_some() {
            insert_event(&mut tx, action, &r.key, now).await?;
        }
        tx.commit().await?;
        Ok(version)
    }

    /// Records a merged fix for a cluster's ticket (from the forge check or an operator).
    pub async fn record_fix(
        &self,
        fp: Fingerprint,
        fix: &Fix,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let Some(current) = self.ticket(fp).await? else {
            return Ok(false);
        };
        let mut record = current.record;
        record.fix = Some(fix.clone());
        let updated = sqlx::query(
            "UPDATE tickets SET record = $2, version = version + 1, updated_at = $3 WHERE fingerprint = $1 AND version = $4",
        )
        .bind(fp.to_string())
        .bind(to_json(&record)?)
        .bind(ms(now))
        .bind(current.version)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(updated == 1)
    }

    /// Timeline entries at or after `since`, oldest first.
    pub async fn ticket_events_since(
        &self,
        since: DateTime<Utc>,
    ) -> Result<Vec<TicketEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT fingerprint, at, kind, ticket_key, evidence FROM ticket_events WHERE at >= $1 ORDER BY at, fingerprint",
        )
        .bind(ms(since))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(ticket_event).collect()
    }
}

/// A `ticket_events` row selected as `fingerprint, at, kind, ticket_key, evidence`.
pub(super) fn ticket_event(r: &sqlx::any::AnyRow) -> Result<TicketEvent, StoreError> {
    Ok(TicketEvent {
        fingerprint: r.try_get(0)?,
        at: time(r.try_get(1)?),
        kind: r.try_get(2)?,
        ticket_key: r.try_get(3)?,
        evidence: r.try_get(4)?,
    })
}

async fn insert_event(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    action: &Action,
    key: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO ticket_events (fingerprint, at, kind, ticket_key, evidence) VALUES ($1, $2, $3, $4, $5)")
        .bind(action.fingerprint.to_string())
        .bind(ms(now))
        .bind(action.kind.name())
        .bind(key)
        .bind(&action.evidence)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

fn stored(row: &sqlx::any::AnyRow) -> Result<StoredTicket, StoreError> {
    let fp: String = row.try_get(0)?;
    Ok(StoredTicket {
        fingerprint: Fingerprint::from_str(&fp).map_err(|e| StoreError::Corrupt {
            table: "tickets",
            reason: e.to_string(),
        })?,
        record: parse_json("tickets", &row.try_get::<String, _>(1)?)?,
        version: row.try_get(2)?,
    })
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt {
        table: "tickets",
        reason: format!("does not serialize: {e}"),
    })
}
