//! `CloudWatchEvents`: the CloudWatch source as an `EventSource` — every configured log
//! group read from its own cursor (one JSON map under the key `cloudwatch`), each message
//! parsed into an event. A group that fails keeps its old cursor and is reported; the
//! others are delivered. When no group could be read at all, the source failed.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};

use super::{CloudWatchError, CloudWatchSource, GroupCursor, GroupFetch};
use crate::domain::event::{Environment, Observed, Service, Source, UserSalt};
use crate::redact::Redactor;
use crate::sources::parse::{EventDefaults, parse_redacted};
use crate::sources::{EventSource, ReadFuture, Sink, SourceError, SourceRead};

/// The cursor key of the CloudWatch source.
pub const CURSOR_KEY: &str = "cloudwatch";

pub struct CloudWatchEvents {
    pub source: CloudWatchSource,
    pub environment: Environment,
    pub salt: UserSalt,
    /// Goes over each message whole before it is parsed.
    pub redactor: Redactor,
}

impl EventSource for CloudWatchEvents {
    fn cursor_key(&self) -> String {
        CURSOR_KEY.to_owned()
    }

    fn read<'a>(
        &'a self,
        cursor: Option<String>,
        now: DateTime<Utc>,
        sink: Sink<'a>,
    ) -> ReadFuture<'a> {
        Box::pin(async move {
            let mut read = SourceRead::default();
            let saved: BTreeMap<String, String> =
                read.saved_cursor(cursor.as_deref()).unwrap_or_default();
            let cursors: HashMap<String, GroupCursor> = saved
                .iter()
                .filter_map(|(group, c)| Some((group.clone(), GroupCursor::from_json(c).ok()?)))
                .collect();
            let mut next = saved.clone();
            let fetches = self
                .source
                .fetch_all(&cursors, now.timestamp_millis())
                .await;
            if let Some(error) = none_readable(&self.cursor_key(), &fetches) {
                return Err(error);
            }
            for fetch in fetches {
                let batch = match fetch.result {
                    Ok(batch) => batch,
                    Err(e) => {
                        read.partial_failures
                            .push(format!("log group {}: {e}", fetch.log_group));
                        continue;
                    }
                };
                read.bad_n("event without id or timestamp", batch.skipped);
                if batch.truncated {
                    read.partial_failures.push(format!(
                        "log group {}: stopped after {} pages (max_pages_per_run); the next run continues where this one stopped",
                        batch.log_group, batch.pages
                    ));
                }
                let service = match Service::new(&batch.service) {
                    Ok(s) => s,
                    Err(e) => {
                        read.partial_failures
                            .push(format!("log group {}: service name: {e}", batch.log_group));
                        continue;
                    }
                };
                let defaults = EventDefaults {
                    service: &service,
                    environment: &self.environment,
                    salt: &self.salt,
                };
                for record in batch.records {
                    let parsed = parse_redacted(&record.message, &self.redactor);
                    for issue in &parsed.issues {
                        read.bad(issue.as_str());
                    }
                    let received =
                        DateTime::from_timestamp_millis(record.timestamp_ms).unwrap_or(now);
                    let source = Source::CloudWatch {
                        log_group: record.log_group,
                        log_stream: record.log_stream.clone(),
                        event_id: record.event_id,
                    };
                    match parsed.into_event(source, received, &defaults) {
                        Ok(event) => sink(Observed::one(event, Some(record.log_stream))),
                        Err(e) => read.bad(format!("invalid event: {e}")),
                    }
                }
                next.insert(batch.log_group, batch.cursor.to_json());
            }
            read.cursor = serde_json::to_string(&next).ok();
            Ok(read)
        })
    }
}

/// The source's failure when there were groups to read and none of them could be read
/// (nothing was delivered, so the run must not count the source as read).
fn none_readable(source_key: &str, fetches: &[GroupFetch]) -> Option<SourceError> {
    if fetches.is_empty() || fetches.iter().any(|f| f.result.is_ok()) {
        return None;
    }
    let failures: Vec<String> = fetches
        .iter()
        .filter_map(|f| f.result.as_ref().err().map(ToString::to_string))
        .collect();
    let retryable = fetches
        .iter()
        .any(|f| f.result.as_ref().is_err_and(CloudWatchError::is_retryable));
    Some(SourceError {
        source_key: source_key.to_owned(),
        reason: format!(
            "no log group could be read ({} failed): {}",
            failures.len(),
            failures.join("; ")
        ),
        retryable,
    })
}
