//! triaged closes the loop on production errors:
//!
//! ```text
//! sources ─► cluster ─► score ─► reconcile ─► act ─► verify ─► report
//! ```
//!
//! Module map: `mining` (template mining for messages without a stack), `domain` (pure
//! types and rules: events, fingerprints, clusters, severity, the ticket lifecycle, the
//! health summary), `config` (typed configuration), `secret` and `problem` (the secret
//! type and the configuration problem every adapter's settings use; leaves), `clock`
//! (time), `store` (SQLite/Postgres), `scheduler` (cron, run ledger, leases), `sources`
//! (where errors come from), `tracker` (Linear), `forge` (the code host fixes are proposed
//! on: GitHub branches, commits and draft pull requests), `agent` (LLM providers: Anthropic
//! Messages and OpenAI-compatible chat completions), `notify` (Slack and Teams), `pipeline`
//! (the stages, in order), `jobs` (the four scheduled jobs, one module each), `http`
//! (health, readiness, metrics and the read-only dashboard), `http_client` (the retrying,
//! rate-limited client every vendor adapter uses), `shutdown` (signals, readiness and the
//! drain), `redact` (secrets and personal data scrubbed from everything that is stored or
//! leaves the process), `demo` (`triaged demo` and `triaged sandbox`: the vendor emulators
//! of the `triaged-sandbox` crate with the real daemon), `metrics`, `telemetry` (logs), and
//! `app` — the one place that wires concrete types together.

pub mod agent;
pub mod app;
pub mod clock;
pub mod config;
#[cfg(feature = "demo")]
pub mod demo;
pub mod domain;
pub mod error_text;
pub mod forge;
pub mod http;
pub mod http_client;
pub mod jobs;
pub mod metrics;
pub mod mining;
pub mod notify;
pub mod pipeline;
pub mod problem;
pub mod redact;
pub mod scheduler;
pub mod secret;
pub mod shutdown;
pub mod sources;
pub mod store;
pub mod telemetry;
pub mod tracker;
