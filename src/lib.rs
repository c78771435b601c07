//! triaged closes the loop on production errors:
//!
//! ```text
//! sources ─► cluster ─► score ─► reconcile ─► act ─► verify ─► report
//! ```
//!
//! Module map: `cluster` (template mining for messages without a stack), `domain` (pure
//! types and rules: events, fingerprints, severity, the ticket lifecycle, the health
//! summary), `config` (typed configuration), `clock` (time), `store` (SQLite/Postgres),
//! `scheduler` (cron, run ledger, leases), `sources` (where errors come from), `tracker`
//! (Linear), `forge` (the code host fixes are proposed on: GitHub branches, commits and
//! draft pull requests), `agent` (LLM providers: Anthropic Messages and OpenAI-compatible
//! chat completions), `notify` (Slack and Teams), `pipeline` (the stages, in order), `http`
//! (health, readiness, metrics and the read-only dashboard), `lifecycle` (signals and
//! readiness), `redact` (secrets and personal data scrubbed from everything that is stored
//! or leaves the process), `sandbox` (loopback emulators of every vendor), `demo`
//! (`triaged demo`: three simulated days against the emulators with the real daemon),
//! `metrics`, `telemetry` (logs), and `app` — the one place that wires concrete types
//! together.

pub mod agent;
pub mod app;
pub mod clock;
pub mod cluster;
pub mod config;
#[cfg(feature = "demo")]
pub mod demo;
pub mod domain;
pub mod forge;
pub mod http;
pub mod http_client;
pub mod lifecycle;
pub mod metrics;
pub mod notify;
pub mod pipeline;
pub mod redact;
pub mod scheduler;
pub mod sources;
pub mod store;
pub mod telemetry;
pub mod tracker;
