//! Schema migrations, embedded in the binary and applied at start and by `triaged migrate`.
//! The schema keeps to types both backends share (BIGINT epoch milliseconds, TEXT, DOUBLE
//! PRECISION), so one SQL file serves SQLite and Postgres; a migration whose DDL must differ
//! names one file per backend.

use std::borrow::Cow;

use sqlx::SqlStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};

use super::Backend;

/// One migration: the same SQL for both backends, or one file each.
struct Step {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

macro_rules! shared {
    ($version:literal, $name:literal) => {
        Step {
            version: $version,
            name: $name,
            sqlite: include_str!(concat!("../../migrations/", $name, ".sql")),
            postgres: include_str!(concat!("../../migrations/", $name, ".sql")),
        }
    };
}

const STEPS: &[Step] = &[
    shared!(1, "0001_run_ledger"),
    shared!(2, "0002_source_cursors"),
    shared!(3, "0003_clusters"),
    shared!(4, "0004_tickets"),
    shared!(5, "0005_agent"),
    shared!(6, "0006_summaries"),
    shared!(7, "0007_hypotheses"),
    shared!(8, "0008_job_locks"),
    shared!(9, "0009_summary_posts"),
];

/// The migrations for one backend, in order.
pub(super) fn migrator(backend: Backend) -> Migrator {
    let list = STEPS
        .iter()
        .map(|step| {
            let sql = match backend {
                Backend::Sqlite => step.sqlite,
                Backend::Postgres => step.postgres,
            };
            Migration::new(
                step.version,
                Cow::Borrowed(step.name),
                MigrationType::Simple,
                SqlStr::from_static(sql),
                false,
            )
        })
        .collect();
    Migrator::with_migrations(list)
}
