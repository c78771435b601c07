//! The store: one API in domain words over SQLite (embedded default) or Postgres (production,
//! several replicas), through `sqlx::Any`. Migrations run when it opens.

mod agent;
mod clusters;
mod cursors;
mod dashboard;
mod housekeeping;
mod hypotheses;
mod job_locks;
mod migrate;
mod posted_summaries;
mod runs;
mod summary;
mod summary_posts;
#[cfg(test)]
pub(crate) mod testing;
mod tickets;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

pub use agent::{AgentRun, DraftRecord, DraftState};
pub use clusters::{ClusterRecord, IngestWrite};
pub use cursors::CursorAdvance;
pub use dashboard::{
    AgentRunRow, ClusterDetail, ClusterRow, ClusterSort, HourCount, JobRunRow, PullLink, RunsView,
    SERIES_HOURS, TicketLink, TicketStatus, TimelineEntry, hourly_series, sort_rows, ticket_status,
};
pub use housekeeping::RollUp;
pub use hypotheses::{HypothesesRecord, HypothesesState};
pub use job_locks::{Claimant, Fence, LockAttempt, LockHolder};
pub use posted_summaries::{FailedPost, PostedSummary};
pub use runs::{RunOutcome, RunRecord, RunStatus, Trigger};
pub use summary_posts::PostOutcome;
pub use tickets::{Claim, StoredTicket, TicketEvent};

/// Failures of the store adapter.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Holds the URL's scheme only: the rest may carry a password.
    #[error("unsupported database url (scheme {0:?}): use sqlite://path or postgres://…")]
    UnsupportedUrl(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("corrupt row in {table}: {reason}")]
    Corrupt { table: &'static str, reason: String },
    #[error("the run lost its lock on {job} to another run; its writes were rolled back")]
    LeaseLost { job: String },
    #[error(
        "the cursor of {cursor_key} moved since this run read it (another run read it too); \
         this run's writes were rolled back"
    )]
    CursorMoved { cursor_key: String },
}

impl StoreError {
    /// Connection trouble and lock contention pass; schema and data problems do not.
    pub fn is_retryable(&self) -> bool {
        match self {
            StoreError::Database(e) => {
                matches!(
                    e,
                    sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed
                ) || e.to_string().contains("database is locked")
            }
            _ => false,
        }
    }
}

/// Which database is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The store handle; cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

impl Store {
    /// Opens (creating a SQLite file if missing) without migrating.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let (backend, url) = if let Some(rest) = url.strip_prefix("sqlite:") {
            // `sqlite://triaged.db` is relative to the working directory; mode=rwc creates it.
            let sep = if rest.contains('?') { '&' } else { '?' };
            let url = if rest.contains("mode=") {
                url.to_string()
            } else {
                format!("{url}{sep}mode=rwc")
            };
            (Backend::Sqlite, url)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            (Backend::Postgres, url.to_string())
        } else {
            return Err(StoreError::UnsupportedUrl(url_scheme(url)));
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 4 } else { 8 })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute("PRAGMA journal_mode=WAL").await?;
                        conn.execute("PRAGMA busy_timeout=10000").await?;
                        conn.execute("PRAGMA synchronous=NORMAL").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Self { pool, backend })
    }

    /// Opens and applies every pending migration (safe to run from several replicas at once:
    /// sqlx takes an advisory lock on Postgres).
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let store = Self::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Applies pending migrations. Postgres serialises migrators with an advisory lock;
    /// SQLite has none, so two processes opening a new database at once can both try a
    /// migration: the one that loses reads the ledger again (after the winner's
    /// transaction) and finds it applied. A migration that fails on its own still fails.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        const SQLITE_ATTEMPTS: u32 = 5;
        let migrator = migrate::migrator(self.backend);
        let mut attempt = 1;
        loop {
            match migrator.run(&self.pool).await {
                Ok(()) => return Ok(()),
                Err(e) if self.backend == Backend::Sqlite && attempt < SQLITE_ATTEMPTS => {
                    tracing::debug!(error = %e, attempt, "migration raced another process; again");
                    tokio::time::sleep(Duration::from_millis(100 * u64::from(attempt))).await;
                    attempt += 1;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes the pool, waiting for connections to return.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Epoch milliseconds, as every time column holds them.
/// What a database URL's errors may show of it: its scheme (`mysql` of `mysql://…`), never
/// the user, password or host after it; `?` when it has none.
pub fn url_scheme(url: &str) -> String {
    let scheme: String = url
        .split_once("://")
        .map_or("", |(scheme, _)| scheme)
        .chars()
        .take(16)
        .collect();
    let valid = !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if valid { scheme } else { "?".to_owned() }
}

fn ms(at: chrono::DateTime<chrono::Utc>) -> i64 {
    at.timestamp_millis()
}

/// A time column back to a time (out-of-range values clamp to the epoch).
fn time(ms: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// A JSON column back to its type; a row that does not parse is reported as corrupt.
fn parse_json<T: serde::de::DeserializeOwned>(
    table: &'static str,
    raw: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(raw).map_err(|e| StoreError::Corrupt {
        table,
        reason: format!("unreadable JSON: {e}"),
    })
}

#[cfg(test)]
mod url_tests {
    use super::*;

    #[test]
    fn an_unsupported_url_is_named_by_its_scheme_never_its_password() {
        let url = "mysql://root:S3cretPassw0rd@db:3306/shop";
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let error = runtime.block_on(Store::open(url)).err().unwrap();
        let told = format!("{error} {error:?}");
        assert!(told.contains("\"mysql\""), "{told}");
        assert!(
            !told.contains("S3cret") && !told.contains("root@"),
            "{told}"
        );
        assert_eq!(url_scheme("root:S3cret@db"), "?");
        assert_eq!(url_scheme("no scheme at all"), "?");
        assert_eq!(url_scheme("my sql://x"), "?");
        assert_eq!(
            url_scheme(&format!("{}://x", "a".repeat(40))),
            "a".repeat(16)
        );
    }
}
