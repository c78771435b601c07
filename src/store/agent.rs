//! The agent's records: every model call (`agent_runs`) and one drafted fix per cluster
//! (`drafts`, whose row is the claim that keeps a rerun from opening a second PR).

use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::Row;

use super::{Store, StoreError, ms, time};
use crate::domain::fingerprint::Fingerprint;

/// One model call as recorded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgentRun {
    pub id: String,
    pub fingerprint: Option<String>,
    pub purpose: String,
    pub provider: String,
    pub model: String,
    pub prompt: String,
    pub response: String,
    pub tokens_in: u64,
    pub tokens_out: u64,
    pub cost_usd: f64,
    pub latency_ms: u64,
    pub outcome: String,
    pub created_at: DateTime<Utc>,
}

/// Where a cluster's drafted fix stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DraftState {
    /// Claimed; the branch, commit or PR may not exist yet.
    Pending,
    /// The draft PR is open (or was: a human decides what happens to it).
    Opened,
    /// The model's answer failed a check (or the model could not answer): no PR.
    Rejected,
}

impl DraftState {
    fn as_str(self) -> &'static str {
        match self {
            DraftState::Pending => "pending",
            DraftState::Opened => "opened",
            DraftState::Rejected => "rejected",
        }
    }
}

/// A cluster's drafted fix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DraftRecord {
    pub fingerprint: Fingerprint,
    pub repo: String,
    pub branch: String,
    pub state: DraftState,
    pub pr_number: Option<u64>,
    pub pr_url: Option<String>,
    pub reason: Option<String>,
    pub run_id: Option<String>,
    /// The checked patch and PR text (JSON), once the model's answer passed the checks.
    pub plan: Option<String>,
    pub updated_at: DateTime<Utc>,
}

impl Store {
    pub async fn record_agent_run(&self, run: &AgentRun) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO agent_runs (id, fingerprint, purpose, provider, model, prompt, response, \
             tokens_in, tokens_out, cost_usd, latency_ms, outcome, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(&run.id)
        .bind(run.fingerprint.as_deref())
        .bind(&run.purpose)
        .bind(&run.provider)
        .bind(&run.model)
        .bind(&run.prompt)
        .bind(&run.response)
        .bind(run.tokens_in as i64)
        .bind(run.tokens_out as i64)
        .bind(run.cost_usd)
        .bind(run.latency_ms as i64)
        .bind(&run.outcome)
        .bind(ms(run.created_at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Model calls at or after `since`, newest first.
    pub async fn agent_runs_since(
        &self,
        since: DateTime<Utc>,
    ) -> Result<Vec<AgentRun>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, fingerprint, purpose, provider, model, prompt, response, tokens_in, \
             tokens_out, cost_usd, latency_ms, outcome, created_at FROM agent_runs \
             WHERE created_at >= $1 ORDER BY created_at DESC, id",
        )
        .bind(ms(since))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AgentRun {
                    id: r.try_get(0)?,
                    fingerprint: r.try_get(1)?,
                    purpose: r.try_get(2)?,
                    provider: r.try_get(3)?,
                    model: r.try_get(4)?,
                    prompt: r.try_get(5)?,
                    response: r.try_get(6)?,
                    tokens_in: r.try_get::<i64, _>(7)?.max(0) as u64,
                    tokens_out: r.try_get::<i64, _>(8)?.max(0) as u64,
                    cost_usd: r.try_get(9)?,
                    latency_ms: r.try_get::<i64, _>(10)?.max(0) as u64,
                    outcome: r.try_get(11)?,
                    created_at: time(r.try_get(12)?),
                })
            })
            .collect()
    }

    /// Model spend at or after `since`, in USD.
    pub async fn spend_since(&self, since: DateTime<Utc>) -> Result<f64, StoreError> {
        let row = sqlx::query(
            "SELECT CAST(COALESCE(SUM(cost_usd), 0) AS DOUBLE PRECISION) FROM agent_runs WHERE created_at >= $1",
        )
        .bind(ms(since))
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get(0)?)
    }

    /// Draft PRs opened at or after `since`.
    pub async fn drafts_opened_since(&self, since: DateTime<Utc>) -> Result<u32, StoreError> {
        let row =
            sqlx::query("SELECT COUNT(*) FROM drafts WHERE state = 'opened' AND updated_at >= $1")
                .bind(ms(since))
                .fetch_one(&self.pool)
                .await?;
        Ok(row.try_get::<i64, _>(0)?.max(0) as u32)
    }

    pub async fn draft(&self, fp: Fingerprint) -> Result<Option<DraftRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT fingerprint, repo, branch, state, pr_number, pr_url, reason, run_id, updated_at, plan \
             FROM drafts WHERE fingerprint = $1",
        )
        .bind(fp.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(draft_record).transpose()
    }

    /// Every drafted fix, most recently updated first.
    pub async fn drafts(&self) -> Result<Vec<DraftRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT fingerprint, repo, branch, state, pr_number, pr_url, reason, run_id, updated_at, plan \
             FROM drafts ORDER BY updated_at DESC, fingerprint",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(draft_record).collect()
    }

    /// Claims the cluster's draft. True when this run may (re)start it: a new claim, or
    /// one left pending by a run that did not finish.
    pub async fn claim_draft(
        &self,
        fp: Fingerprint,
        repo: &str,
        branch: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        sqlx::query(
            "INSERT INTO drafts (fingerprint, repo, branch, state, created_at, updated_at) \
             VALUES ($1, $2, $3, 'pending', $4, $4) ON CONFLICT DO NOTHING",
        )
        .bind(fp.to_string())
        .bind(repo)
        .bind(branch)
        .bind(ms(now))
        .execute(&self.pool)
        .await?;
        Ok(self
            .draft(fp)
            .await?
            .is_some_and(|d| d.state == DraftState::Pending))
    }

    /// Saves the checked plan of a pending draft (before anything is written to the forge).
    pub async fn save_draft_plan(
        &self,
        fp: Fingerprint,
        plan: &str,
        run_id: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE drafts SET plan = $2, run_id = $3, updated_at = $4 \
             WHERE fingerprint = $1 AND state = 'pending'",
        )
        .bind(fp.to_string())
        .bind(plan)
        .bind(run_id)
        .bind(ms(now))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records how the draft ended.
    pub async fn finish_draft(
        &self,
        fp: Fingerprint,
        state: DraftState,
        pull: Option<(u64, &str)>,
        reason: Option<&str>,
        run_id: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE drafts SET state = $2, pr_number = $3, pr_url = $4, reason = $5, \
             run_id = COALESCE($6, run_id), updated_at = $7 WHERE fingerprint = $1",
        )
        .bind(fp.to_string())
        .bind(state.as_str())
        .bind(pull.map(|(n, _)| n as i64))
        .bind(pull.map(|(_, url)| url))
        .bind(reason)
        .bind(run_id)
        .bind(ms(now))
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

fn draft_record(r: &sqlx::any::AnyRow) -> Result<DraftRecord, StoreError> {
    let corrupt = |reason: String| StoreError::Corrupt {
        table: "drafts",
        reason,
    };
    let fp: String = r.try_get(0)?;
    let state: String = r.try_get(3)?;
    Ok(DraftRecord {
        fingerprint: Fingerprint::from_str(&fp).map_err(|e| corrupt(e.to_string()))?,
        repo: r.try_get(1)?,
        branch: r.try_get(2)?,
        state: match state.as_str() {
            "pending" => DraftState::Pending,
            "opened" => DraftState::Opened,
            "rejected" => DraftState::Rejected,
            other => return Err(corrupt(format!("unknown state {other:?}"))),
        },
        pr_number: r.try_get::<Option<i64>, _>(4)?.map(|n| n.max(0) as u64),
        pr_url: r.try_get(5)?,
        reason: r.try_get(6)?,
        run_id: r.try_get(7)?,
        updated_at: time(r.try_get(8)?),
        plan: r.try_get(9)?,
    })
}
