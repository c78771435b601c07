//! Schema migrations, embedded in the binary and applied at start and by `triaged migrate`.
//! DDL differs a little between SQLite and Postgres, so each backend has its own folder.

use std::borrow::Cow;

use sqlx::SqlStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};

use super::Backend;

macro_rules! migrations {
    ($dir:literal: $($version:literal $name:literal),* $(,)?) => {
        vec![$(
            Migration::new(
                $version,
                Cow::Borrowed($name),
                MigrationType::Simple,
                SqlStr::from_static(include_str!(concat!("../../migrations/", $dir, "/", $name, ".sql"))),
                false,
            ),
        )*]
    };
}

/// The migrations for one backend, in order.
pub(super) fn migrator(backend: Backend) -> Migrator {
    let list = match backend {
        Backend::Sqlite => migrations!("sqlite": 1 "0001_run_ledger", 2 "0002_source_cursors"),
        Backend::Postgres => migrations!("postgres": 1 "0001_run_ledger", 2 "0002_source_cursors"),
    };
    Migrator::with_migrations(list)
}
