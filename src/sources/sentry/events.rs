//! `SentryEvents`: the Sentry source as an `EventSource` — the issues that grew since the
//! cursor, each handed on as its latest event with the growth of its hourly counts.

use chrono::{DateTime, Utc};

use super::{SentryCursor, SentrySource};
use crate::sources::{EventSource, ReadFuture, Sink, SourceError, SourceRead};

pub struct SentryEvents {
    pub source: SentrySource,
}

impl EventSource for SentryEvents {
    fn cursor_key(&self) -> String {
        self.source.cursor_key()
    }

    fn read<'a>(
        &'a self,
        cursor: Option<String>,
        now: DateTime<Utc>,
        sink: Sink<'a>,
    ) -> ReadFuture<'a> {
        Box::pin(async move {
            let mut read = SourceRead::default();
            let cursor: SentryCursor = read.saved_cursor(cursor.as_deref()).unwrap_or_default();
            let batch = self
                .source
                .pull(&cursor, now)
                .await
                .map_err(|e| SourceError {
                    source_key: self.cursor_key(),
                    reason: e.to_string(),
                    retryable: e.is_retryable(),
                })?;
            for observation in &batch.observations {
                let counts = cursor.new_counts(observation);
                if let Some(observed) = observation.observed(counts) {
                    sink(observed);
                }
            }
            let report = &batch.report;
            for (reason, n) in [
                ("issue not readable", report.issues_skipped),
                ("stats bucket not readable", report.buckets_skipped),
                ("event degraded", report.events_degraded),
                ("event not readable", report.events_unreadable),
            ] {
                read.bad_n(reason, n as u64);
            }
            if report.truncated {
                read.partial_failures.push(format!(
                    "issue listing stopped after {} issues on {} pages (max_issues_per_run or max_pages_per_run); the next run continues it",
                    report.issues_listed, report.pages
                ));
            }
            read.cursor = Some(batch.cursor.to_json());
            Ok(read)
        })
    }
}
