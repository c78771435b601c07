//! Source cursors: where each source stopped reading, so the next run loses nothing and
//! counts nothing twice.

use chrono::{DateTime, Utc};
use sqlx::{Any, Row, Transaction};

use super::{Store, StoreError};

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

    /// Saves the position of `source`.
    pub async fn save_cursor(
        &self,
        source: &str,
        position: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        save_cursor_in(&mut tx, source, position, now).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Saves a cursor inside a transaction (with the data read up to it).
pub(super) async fn save_cursor_in(
    tx: &mut Transaction<'static, Any>,
    source: &str,
    position: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO source_cursors (source, position, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (source) DO UPDATE SET position = excluded.position, \
             updated_at = excluded.updated_at",
    )
    .bind(source)
    .bind(position)
    .bind(now.timestamp_millis())
    .execute(&mut **tx)
    .await?;
    Ok(())
}
