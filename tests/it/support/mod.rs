//! Test support: a fresh store per test on SQLite (a temp file) or Postgres (a throwaway
//! database), and a macro that runs one test body on both.

pub mod postgres;
pub mod sandbox;

use sqlx::{Connection, Executor};

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

    /// A new database on the test server (tests that call this register with
    /// `needs = Postgres`, so they are reported ignored where there is no server).
    pub async fn postgres() -> TestDb {
        let admin = postgres::admin_url().unwrap_or_else(|why| panic!("no Postgres: {why}"));
        let name = format!("triaged_test_{:016x}", rand_u64());
        let mut conn = sqlx::PgConnection::connect(&admin)
            .await
            .unwrap_or_else(|e| panic!("Postgres at {admin} is unreachable: {e}"));
        conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .await
            .unwrap();
        let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
        TestDb {
            url: format!("{base}/{name}"),
            _dir: None,
            pg_admin: Some((admin.clone(), name)),
        }
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

            $crate::trial!(multi_thread, sqlite);
            async fn sqlite() {
                let db = $crate::support::TestDb::sqlite().await;
                ($body)(&db).await;
                db.cleanup().await;
            }

            $crate::trial!(multi_thread, postgres, needs = Postgres);
            async fn postgres() {
                let db = $crate::support::TestDb::postgres().await;
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

/// The seed of a randomized test: `TRIAGED_TEST_SEED` when set (to replay a failure), else a
/// fresh one. Printed on stderr either way, so a failing run says how to replay it.
pub fn test_seed(test: &str) -> u64 {
    let seed = std::env::var("TRIAGED_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand_u64);
    eprintln!("{test}: seed {seed} (TRIAGED_TEST_SEED={seed} replays it)");
    seed
}
