//! `FileSource`: one log file as an `EventSource` — new records since its byte cursor,
//! each parsed (JSON or plain text, multi-line stacks) into an event. Lines skipped by the
//! reader are counted in `bad_input` (`invalid_utf8`, `line_too_long`).

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use super::{FileCursor, LINE_TOO_LONG, cursor_key, group_records, read_new_lines};
use crate::domain::event::{Environment, Observed, Service, Source, UserSalt};
use crate::redact::Redactor;
use crate::sources::parse::{EventDefaults, parse_redacted};
use crate::sources::{EventSource, ReadFuture, Sink, SourceError, SourceRead};

/// A log file read from its cursor.
pub struct FileSource {
    pub path: PathBuf,
    pub service: Service,
    pub environment: Environment,
    pub salt: UserSalt,
    /// Goes over each record whole before it is parsed.
    pub redactor: Redactor,
}

impl EventSource for FileSource {
    fn cursor_key(&self) -> String {
        cursor_key(&self.path)
    }

    fn read<'a>(
        &'a self,
        cursor: Option<String>,
        now: DateTime<Utc>,
        sink: Sink<'a>,
    ) -> ReadFuture<'a> {
        Box::pin(async move {
            let mut read = SourceRead::default();
            let cursor: Option<FileCursor> = read.saved_cursor(cursor.as_deref());
            let path = self.path.clone();
            let batch = tokio::task::spawn_blocking(move || read_new_lines(&path, cursor))
                .await
                .map_err(|e| self.error(format!("reader crashed: {e}"), false))?
                .map_err(|e| self.error(e.to_string(), e.is_retryable()))?;
            let defaults = EventDefaults {
                service: &self.service,
                environment: &self.environment,
                salt: &self.salt,
            };
            let invalid_utf8 = crate::sources::parse::ParseIssue::InvalidUtf8.as_str();
            read.bad_n(invalid_utf8, batch.invalid_utf8);
            read.bad_n(LINE_TOO_LONG, batch.too_long);
            let path = self.path.display().to_string();
            for record in group_records(batch.lines) {
                let parsed = parse_redacted(&record.text, &self.redactor);
                for issue in &parsed.issues {
                    read.bad(issue.as_str());
                }
                let source = Source::File {
                    path: path.clone(),
                    offset: record.offset,
                };
                match parsed.into_event(source, now, &defaults) {
                    Ok(event) => sink(Observed::one(event, None)),
                    Err(e) => read.bad(format!("invalid event: {e}")),
                }
            }
            read.cursor = batch.cursor.and_then(|c| serde_json::to_string(&c).ok());
            Ok(read)
        })
    }
}

impl FileSource {
    fn error(&self, reason: String, retryable: bool) -> SourceError {
        SourceError {
            source_key: self.cursor_key(),
            reason,
            retryable,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::file::MAX_FILE_LINE_BYTES;

    #[tokio::test]
    async fn a_line_too_long_is_counted_in_bad_input_and_the_rest_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.log");
        let long = "x".repeat(MAX_FILE_LINE_BYTES + 1);
        let log = format!("ERROR first failure\n{long}\nERROR second failure\n");
        std::fs::write(&path, &log).unwrap();
        let source = FileSource {
            path,
            service: Service::new("shop").unwrap(),
            environment: Environment::new("prod").unwrap(),
            salt: UserSalt::new(*b"0123456789abcdef-salt").unwrap(),
            redactor: Redactor::default(),
        };
        let mut events = Vec::new();
        let mut sink = |o: Observed| events.push(o);
        let read = source.read(None, Utc::now(), &mut sink).await.unwrap();
        assert_eq!(
            read.bad_input.get(LINE_TOO_LONG),
            Some(&1),
            "{:?}",
            read.bad_input
        );
        assert_eq!(events.len(), 2);
        let cursor: FileCursor = serde_json::from_str(read.cursor.as_deref().unwrap()).unwrap();
        assert_eq!(cursor.offset, log.len() as u64);
    }
}
