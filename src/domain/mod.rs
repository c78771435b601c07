//! Pure domain types and rules: events, fingerprints, severity. No I/O, no async, no clock
//! (`now` is always a parameter), and nothing else of the crate is imported here.
//!
//! - `cluster`: the bounded state kept per cluster (users, endpoints, releases, samples).
//! - `event`: `ErrorEvent` and its validated parts (`Service`, `LogLevel`, `UserHash`, …).
//! - `fingerprint`: `Fingerprint`, the stable cluster id, and the frame normalization rules.
//! - `score`: `Severity` from a `ScoreInput` snapshot under a `SeverityPolicy`.

pub mod cluster;
pub mod event;
pub mod fingerprint;
pub mod score;
