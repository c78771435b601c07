//! Source cursors: where each source stopped reading, so the next run loses nothing and
//! counts nothing twice. A cursor moves by compare-and-swap against the position the run
//! read, so two runs that read from the same place cannot both move it.

use chrono::{DateTime, Utc};
use sqlx::{Any, Row, Transaction};

use super::{Store, StoreError};

/// One source's cursor move: from the position a run read (`None`: it had none) to where
/// that run stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CursorAdvance {
    pub source: String,
    pub read: Option<String>,
    pub position: String,
}

impl Store {
    /// The saved position of `source`, if any.
    pub async fn cursor(&self, source: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT position FROM source_cursors WHERE source = $1")
            .bind(source)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(r) => Some(r.try_get(0)?),
            None => None,
        })
    }

    /// Moves one cursor on its own; fails with [`StoreError::CursorMoved`] when the saved
    /// position is no longer `advance.read`.
    pub async fn advance_cursor(
        &self,
        advance: &CursorAdvance,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        advance_cursor_in(&mut tx, advance, now).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Moves a cursor inside a transaction (with the data read up to it); see
/// [`Store::advance_cursor`].
pub(super) async fn advance_cursor_in(
    tx: &mut Transaction<'static, Any>,
    advance: &CursorAdvance,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let moved = match &advance.read {
        Some(read) => {
            sqlx::query(
                "UPDATE source_cursors SET position = $1, updated_at = $2 \
                 WHERE source = $3 AND position = $4",
            )
            .bind(&advance.position)
            .bind(now.timestamp_millis())
            .bind(&advance.source)
            .bind(read)
            .execute(&mut **tx)
            .await?
        }
        None => {
            sqlx::query(
                "INSERT INTO source_cursors (source, position, updated_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (source) DO NOTHING",
            )
            .bind(&advance.source)
            .bind(&advance.position)
            .bind(now.timestamp_millis())
            .execute(&mut **tx)
            .await?
        }
    };
    if moved.rows_affected() == 1 {
        Ok(())
    } else {
        Err(StoreError::CursorMoved {
            cursor_key: advance.source.clone(),
        })
    }
}
