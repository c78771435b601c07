//! The ingest stage: read every source from its cursor and account for what was read.
//! A source that fails is reported and skipped; the others still complete, and a failed
//! source's cursor does not move.

use std::path::PathBuf;

use serde::Serialize;

use crate::clock::SharedClock;
use crate::scheduler::RunContext;
use crate::sources::file::{self, FileCursor};
use crate::store::{Store, StoreError};

/// What ingest needs to know about the file source.
#[derive(Debug, Clone)]
pub struct FileInputs {
    pub paths: Vec<PathBuf>,
}

/// What one ingest run did, written to the run ledger.
#[derive(Debug, Default, Serialize)]
pub struct IngestReport {
    pub sources_read: usize,
    pub lines_read: usize,
    pub failed_sources: Vec<String>,
    pub stopped_early: bool,
}

/// Reads every configured file from its cursor.
pub async fn run_ingest(
    store: &Store,
    clock: &SharedClock,
    files: &FileInputs,
    ctx: &RunContext,
) -> Result<IngestReport, StoreError> {
    let mut report = IngestReport::default();
    for path in &files.paths {
        if ctx.should_stop() {
            report.stopped_early = true;
            break;
        }
        let key = file::cursor_key(path);
        let cursor: Option<FileCursor> = store
            .cursor(&key)
            .await?
            .and_then(|c| serde_json::from_str(&c).ok());
        let read_path = path.clone();
        let batch =
            tokio::task::spawn_blocking(move || file::read_new_lines(&read_path, cursor)).await;
        match batch {
            Ok(Ok(batch)) => {
                report.sources_read += 1;
                report.lines_read += batch.lines.len();
                if let Some(c) = batch.cursor {
                    let position = serde_json::to_string(&c).unwrap_or_default();
                    store.save_cursor(&key, &position, clock.now()).await?;
                }
            }
            Ok(Err(e)) => {
                tracing::warn!(source = %key, error = %e, "source unreadable; skipped this run");
                report.failed_sources.push(key);
            }
            // The reader itself died (a panic): this source fails, the others go on.
            Err(e) => {
                tracing::error!(source = %key, error = %e, "source reader crashed; skipped this run");
                report.failed_sources.push(key);
            }
        }
    }
    Ok(report)
}
