//! Where errors come from. Each adapter reads from its cursor and hands every observation
//! to a sink; it knows the domain, not the pipeline.
//!
//! The contract every source keeps: `read` returns the cursor to save *after* the
//! observations it handed over are stored, never a position past something it could not
//! read; bad input is counted in `SourceRead::bad_input` and skipped or degraded, never fatal; a failure
//! of part of the source (one log group) is reported in `partial_failures` while the rest
//! is delivered. An `Err` means nothing it handed over this time may be kept.

pub mod cloudwatch;
pub mod file;
pub mod parse;
pub mod sentry;

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Utc};

use crate::domain::event::Observed;

/// Where one read ended.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SourceRead {
    /// The position to save once the observations are stored; `None` keeps the old one.
    pub cursor: Option<String>,
    /// Bad input, skipped or degraded, by reason (`"truncated JSON"`, `"no message"`, …).
    pub bad_input: BTreeMap<String, u64>,
    /// Parts of the source that could not be read this time, with why.
    pub partial_failures: Vec<String>,
}

impl SourceRead {
    /// Counts one piece of bad input.
    pub fn bad(&mut self, reason: impl Into<String>) {
        self.bad_n(reason, 1);
    }

    /// The saved cursor, parsed; one that does not parse is counted as bad input and the
    /// source reads afresh (from the start of a file, from the lookback of a vendor).
    pub fn saved_cursor<T: serde::de::DeserializeOwned>(&mut self, raw: Option<&str>) -> Option<T> {
        match serde_json::from_str(raw?) {
            Ok(cursor) => Some(cursor),
            Err(_) => {
                self.bad("unreadable cursor (read afresh)");
                None
            }
        }
    }

    /// Counts `n` pieces of bad input of one kind.
    pub fn bad_n(&mut self, reason: impl Into<String>, n: u64) {
        if n > 0 {
            *self.bad_input.entry(reason.into()).or_default() += n;
        }
    }
}

/// A source failed as a whole for this run.
#[derive(Debug, thiserror::Error)]
#[error("{source_key}: {reason}")]
pub struct SourceError {
    pub source_key: String,
    pub reason: String,
    pub retryable: bool,
}

impl SourceError {
    pub fn is_retryable(&self) -> bool {
        self.retryable
    }
}

/// Receives each observation as it is read.
pub type Sink<'a> = &'a mut (dyn FnMut(Observed) + Send);

/// The future of one read.
pub type ReadFuture<'a> =
    Pin<Box<dyn Future<Output = Result<SourceRead, SourceError>> + Send + 'a>>;

/// A source of error events with its own cursor.
pub trait EventSource: Send + Sync {
    /// The key its cursor is stored under (`file:/var/log/app.log`, `cloudwatch`, `sentry`).
    fn cursor_key(&self) -> String;

    /// Reads what is new since `cursor`, handing each observation to `sink`.
    fn read<'a>(
        &'a self,
        cursor: Option<String>,
        now: DateTime<Utc>,
        sink: Sink<'a>,
    ) -> ReadFuture<'a>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreadable_cursor_is_counted_and_read_afresh() {
        let mut read = SourceRead::default();
        let none: Option<Vec<u64>> = read.saved_cursor(None);
        assert_eq!(none, None);
        assert!(read.bad_input.is_empty());
        let good: Option<Vec<u64>> = read.saved_cursor(Some("[1,2]"));
        assert_eq!(good, Some(vec![1, 2]));
        let bad: Option<Vec<u64>> = read.saved_cursor(Some("{not json"));
        assert_eq!(bad, None);
        assert_eq!(
            read.bad_input.get("unreadable cursor (read afresh)"),
            Some(&1)
        );
    }
}
