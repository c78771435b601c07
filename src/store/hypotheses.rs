//! Investigation hypotheses per ticket (`hypotheses`): the claim that keeps it to one model
//! call per ticket, and the comment kept until it has landed on the ticket.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{Store, StoreError, ms, time};
use crate::domain::fingerprint::Fingerprint;

/// Where a ticket's hypotheses stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HypothesesState {
    /// Claimed; the model call may or may not have happened.
    Asking,
    /// The comment is ready and not yet known to have landed.
    Ready,
    /// The comment is on the ticket.
    Posted,
    /// No comment: the model could not answer usably (or the run died mid-call).
    Failed,
}

impl HypothesesState {
    fn as_str(self) -> &'static str {
        match self {
            HypothesesState::Asking => "asking",
            HypothesesState::Ready => "ready",
            HypothesesState::Posted => "posted",
            HypothesesState::Failed => "failed",
        }
    }
}

impl FromStr for HypothesesState {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Self, StoreError> {
        Ok(match s {
            "asking" => HypothesesState::Asking,
            "ready" => HypothesesState::Ready,
            "posted" => HypothesesState::Posted,
            "failed" => HypothesesState::Failed,
            other => return Err(corrupt(format!("unknown state {other:?}"))),
        })
    }
}

/// One ticket's hypotheses.
#[derive(Debug, Clone, PartialEq)]
pub struct HypothesesRecord {
    pub fingerprint: Fingerprint,
    pub ticket_id: String,
    pub state: HypothesesState,
    pub run_id: Option<String>,
    pub comment: Option<String>,
    pub reason: Option<String>,
    pub updated_at: DateTime<Utc>,
}

impl Store {
    pub async fn hypotheses(
        &self,
        fp: Fingerprint,
    ) -> Result<Option<HypothesesRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT fingerprint, ticket_id, state, run_id, comment, reason, updated_at \
             FROM hypotheses WHERE fingerprint = $1",
        )
        .bind(fp.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            let fingerprint: String = r.try_get(0)?;
            let state: String = r.try_get(2)?;
            Ok(HypothesesRecord {
                fingerprint: Fingerprint::from_str(&fingerprint)
                    .map_err(|e| corrupt(e.to_string()))?,
                ticket_id: r.try_get(1)?,
                state: state.parse()?,
                run_id: r.try_get(3)?,
                comment: r.try_get(4)?,
                reason: r.try_get(5)?,
                updated_at: time(r.try_get(6)?),
            })
        })
        .transpose()
    }

    /// Claims the ticket's one model call. True only for the run that inserted the claim.
    pub async fn claim_hypotheses(
        &self,
        fp: Fingerprint,
        ticket_id: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let inserted = sqlx::query(
            "INSERT INTO hypotheses (fingerprint, ticket_id, state, created_at, updated_at) \
             VALUES ($1, $2, 'asking', $3, $3) ON CONFLICT DO NOTHING",
        )
        .bind(fp.to_string())
        .bind(ticket_id)
        .bind(ms(now))
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(inserted == 1)
    }

    /// Gives up a claim whose call could not reach the model, so a later run asks again.
    pub async fn release_hypotheses(&self, fp: Fingerprint) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM hypotheses WHERE fingerprint = $1 AND state = 'asking'")
            .bind(fp.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Moves the ticket's hypotheses on (a `None` keeps the column's value).
    pub async fn save_hypotheses(
        &self,
        fp: Fingerprint,
        state: HypothesesState,
        run_id: Option<&str>,
        comment: Option<&str>,
        reason: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE hypotheses SET state = $2, run_id = COALESCE($3, run_id), \
             comment = COALESCE($4, comment), reason = COALESCE($5, reason), updated_at = $6 \
             WHERE fingerprint = $1",
        )
        .bind(fp.to_string())
        .bind(state.as_str())
        .bind(run_id)
        .bind(comment)
        .bind(reason)
        .bind(ms(now))
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

fn corrupt(reason: String) -> StoreError {
    StoreError::Corrupt {
        table: "hypotheses",
        reason,
    }
}
