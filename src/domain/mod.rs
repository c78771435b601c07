//! Pure domain types and rules: events, fingerprints, severity. No I/O, no async, no clock
//! (`now` is always a parameter), and nothing else of the crate is imported here.
//!
//! - `cluster`: the bounded state kept per cluster (users, endpoints, releases, samples).
//! - `draft`: which cluster gets a drafted fix, and what the draft pull request says.
//! - `event`: `ErrorEvent` and its validated parts (`Service`, `LogLevel`, `UserHash`, …).
//! - `fingerprint`: `Fingerprint`, the stable cluster id, and the frame normalization rules.
//! - `lifecycle`: the ticket lifecycle (reconcile, verify) as pure decisions → `Action`s.
//! - `score`: `Severity` from a `ScoreInput` snapshot under a `SeverityPolicy`.
//! - `summary`: the morning health summary: its figures, the trend rule, the paragraph.
//! - `ticket`: a tracker ticket as triaged sees it, and what it asks of the tracker.

pub mod cluster;
pub mod draft;
pub mod event;
pub mod fingerprint;
pub mod lifecycle;
pub mod score;
pub mod summary;
pub mod ticket;
