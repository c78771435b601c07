//! `CloudWatchEvents`: the CloudWatch source as an `EventSource` — every configured log
//! group read from its own cursor (one JSON map under the key `cloudwatch`), each message
//! parsed into an event. A group that fails keeps its old cursor and is reported; the
//! others are delivered.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};

use super::{CloudWatchSource, GroupCursor};
use crate::domain::event::{Environment, Observed, Service, Source, UserSalt};
use crate::sources::parse::{EventDefaults, parse_message};
use crate::sources::{EventSource, ReadFuture, Sink, SourceRead};

/// The cursor key of the CloudWatch source.
pub const CURSOR_KEY: &str = "cloudwatch";

pub struct CloudWatchEvents {
    pub source: CloudWatchSource,
    pub environment: Environment,
    pub salt: UserSalt,
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
            for fetch in self
                .source
                .fetch_all(&cursors, now.timestamp_millis())
                .await
            {
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
                    let parsed = parse_message(&record.message);
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
