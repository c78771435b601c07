//! Integration tests: real SQLite and Postgres stores, real processes, loopback HTTP.
//! Postgres tests use the server named by TRIAGED_TEST_POSTGRES_URL (set by .ci/run), else a
//! throwaway server started from `initdb`/`pg_ctl`, else they are reported ignored.

mod harness;
mod support;

mod clusters;
mod config;
mod dashboard;
mod demo;
mod deploy;
mod drafts;
mod fault_storm;
mod github;
mod http;
mod http_slowloris;
mod ingest;
mod job_locks;
mod kill_storm;
mod lifecycle;
mod oas30;
mod overlap;
mod process;
mod replicas;
mod sandbox_cli;
mod sandbox_ingest;
mod scheduler;
mod secrets_e2e;
mod sentry;
mod store;
mod summary;
mod summary_once;

fn main() {
    harness::main();
}
