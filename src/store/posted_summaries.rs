//! The morning summaries as posted: the paragraph, the numbers and where each went, one
//! row per run of the summary job (written after posting, even when a destination failed).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::Row;

use super::{Store, StoreError, ms, parse_json, time};
use crate::domain::summary::HealthSummary;

/// One posted morning summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostedSummary {
    /// The end of the 24 h it reports (the scheduled tick).
    pub window_end: DateTime<Utc>,
    pub posted_at: DateTime<Utc>,
    pub paragraph: String,
    /// `template`, or the name of the model that wrote the paragraph.
    pub paragraph_author: String,
    pub summary: HealthSummary,
    /// Destinations that took it.
    pub posted_to: Vec<String>,
    /// Destinations that did not, with why (free of secrets).
    pub failed: Vec<FailedPost>,
}

/// A destination the summary could not be posted to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedPost {
    pub destination: String,
    pub error: String,
}

impl Store {
    /// Records a posted summary. The same window posted at the same instant is one summary:
    /// a second write replaces the first.
    pub async fn record_summary(&self, posted: &PostedSummary) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO summaries (window_end, posted_at, paragraph, paragraph_author, summary, \
             posted_to, failed) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (window_end, posted_at) DO UPDATE SET paragraph = excluded.paragraph, \
                 paragraph_author = excluded.paragraph_author, summary = excluded.summary, \
                 posted_to = excluded.posted_to, failed = excluded.failed",
        )
        .bind(ms(posted.window_end))
        .bind(ms(posted.posted_at))
        .bind(&posted.paragraph)
        .bind(&posted.paragraph_author)
        .bind(to_json(&posted.summary)?)
        .bind(to_json(&posted.posted_to)?)
        .bind(to_json(&posted.failed)?)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The most recently posted summaries, newest first.
    pub async fn summaries(&self, limit: i64) -> Result<Vec<PostedSummary>, StoreError> {
        let rows = sqlx::query(
            "SELECT window_end, posted_at, paragraph, paragraph_author, summary, posted_to, \
             failed FROM summaries ORDER BY posted_at DESC, window_end DESC LIMIT $1",
        )
        .bind(limit.max(0))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(PostedSummary {
                    window_end: time(r.try_get(0)?),
                    posted_at: time(r.try_get(1)?),
                    paragraph: r.try_get(2)?,
                    paragraph_author: r.try_get(3)?,
                    summary: parse_json("summaries", &r.try_get::<String, _>(4)?)?,
                    posted_to: parse_json("summaries", &r.try_get::<String, _>(5)?)?,
                    failed: parse_json("summaries", &r.try_get::<String, _>(6)?)?,
                })
            })
            .collect()
    }
}

fn to_json<T: Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt {
        table: "summaries",
        reason: format!("does not serialize: {e}"),
    })
}
