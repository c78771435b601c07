//! Test support: a fresh store per test on SQLite (a temp file) or Postgres (a throwaway
//! database), and a macro that runs one test body on both.

use sqlx::{Connection, Executor};

/// The admin URL of the test Postgres server, e.g. postgres://postgres@127.0.0.1:5432/postgres.
pub const POSTGRES_ENV: &str = "TRIAGED_TEST_POSTGRES_URL";

/// A store for one test, removed when dropped (Postgres: dropped by `cleanup`).
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_admin: Option<(String, String)>,
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("triaged.db").display());
        TestDb {
            url,
            _dir: Some(dir),
            pg_admin: None,
        }
    }

    /// `None` (with a note on stderr) when no Postgres URL is configured.
    pub async fn postgres() -> Option<TestDb> {
        let Ok(admin) = std::env::var(POSTGRES_ENV) else {
            eprintln!("{POSTGRES_ENV} is not set: Postgres variant not run");
            return None;
        };
        let name = format!("triaged_test_{:016x}", rand_u64());
        let mut conn = sqlx::PgConnection::connect(&admin)
            .await
            .unwrap_or_else(|e| panic!("{POSTGRES_ENV}={admin} is set but unreachable: {e}"));
        conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .await
            .unwrap();
        let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
        Some(TestDb {
            url: format!("{base}/{name}"),
            _dir: None,
            pg_admin: Some((admin.clone(), name)),
        })
    }

    /// Drops a Postgres test database.
    pub async fn cleanup(self) {
        if let Some((admin, name)) = &self.pg_admin
            && let Ok(mut conn) = sqlx::PgConnection::connect(admin).await
        {
            let _ = conn
                .execute(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .await;
        }
    }
}

fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    RandomState::new().hash_one((nanos, std::process::id()))
}

/// `both_backends!(name, |db: TestDb| async move { … })` defines `name::sqlite` and
/// `name::postgres`, running the same body against each store.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let db = $crate::support::TestDb::sqlite().await;
                ($body)(&db).await;
                db.cleanup().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(db) = $crate::support::TestDb::postgres().await else {
                    return;
                };
                ($body)(&db).await;
                db.cleanup().await;
            }
        }
    };
}

/// Polls `check` (real time) until it returns true, or panics after `secs` seconds.
pub async fn eventually<F, Fut>(secs: u64, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while std::time::Instant::now() < deadline {
        if check().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    panic!("timed out waiting for: {what}");
}
