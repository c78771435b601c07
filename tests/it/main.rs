//! Integration tests: real SQLite and Postgres stores, real processes, loopback HTTP.
//! Postgres tests use the server named by TRIAGED_TEST_POSTGRES_URL (set by .ci/run).

mod support;

mod clusters;
mod config;
mod dashboard;
mod demo;
mod deploy;
mod drafts;
mod github;
mod http;
mod ingest;
mod lifecycle;
mod oas30;
mod process;
mod sandbox_ingest;
mod scheduler;
mod sentry;
mod store;
mod summary;
