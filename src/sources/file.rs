//! The file source: JSON lines or plain log lines read from a byte cursor. Handles rotation
//! and truncation (start again at 0), partial last lines (left for the next run), non-UTF-8
//! bytes (replaced), lines longer than `MAX_FILE_LINE_BYTES` (skipped and counted, the
//! cursor moved past them even while their writer is still writing them) and named pipes
//! (read to the end, no cursor). Memory per run is bounded by `MAX_BYTES_PER_RUN`.

use std::io::{Seek, SeekFrom};
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

mod lines;
mod records;
mod source;

use lines::{Limits, scan_lines};
pub use records::{MAX_RECORD_BYTES, Record, group_records};
pub use source::FileSource;

/// At most this many bytes are read from one file per run, so memory stays bounded; the
/// rest is read by the next run.
pub const MAX_BYTES_PER_RUN: u64 = 64 * 1024 * 1024;

/// Longest line kept, in bytes, without its line ending; longer lines are skipped and
/// counted as `LINE_TOO_LONG`. A record is at most `MAX_RECORD_BYTES` and a line is
/// the smallest record, so the two limits are one number.
pub const MAX_FILE_LINE_BYTES: usize = MAX_RECORD_BYTES;

/// The bad-input reason under which skipped over-long lines are counted.
pub const LINE_TOO_LONG: &str = "line_too_long";

// A line of the maximum length, with `\r\n`, must fit in one run's window.
const _: () = assert!(MAX_FILE_LINE_BYTES as u64 + 2 < MAX_BYTES_PER_RUN);

/// Failures of the file source.
#[derive(Debug, thiserror::Error)]
pub enum FileSourceError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl FileSourceError {
    /// A missing or unreadable file may appear later (log rotation, a mount coming back).
    pub fn is_retryable(&self) -> bool {
        true
    }
}

/// Where the last run stopped in one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileCursor {
    pub inode: u64,
    pub offset: u64,
    /// `offset` is inside a line already skipped as too long: the next run discards bytes
    /// up to and including the next `\n`. Absent (false) in cursors saved before it existed,
    /// and not written when false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub skip_to_newline: bool,
}

/// What one read returned.
#[derive(Debug, Default)]
pub struct FileBatch {
    /// Complete lines, without their newline, with the byte offset where each starts.
    pub lines: Vec<(u64, String)>,
    /// The cursor after these lines; `None` for a pipe.
    pub cursor: Option<FileCursor>,
    /// Lines that were not valid UTF-8 (their bad bytes replaced).
    pub invalid_utf8: u64,
    /// Lines skipped because they were longer than `MAX_FILE_LINE_BYTES`; each counted once,
    /// in the run that found it too long.
    pub too_long: u64,
}

/// The cursor key under which a file's position is stored.
pub fn cursor_key(path: &Path) -> String {
    format!("file:{}", path.display())
}

/// Reads the complete lines written to `path` since `cursor`. Blocking: call it from
/// `spawn_blocking`. A pipe blocks until its writer closes it.
pub fn read_new_lines(
    path: &Path,
    cursor: Option<FileCursor>,
) -> Result<FileBatch, FileSourceError> {
    let limits = Limits {
        line_bytes: MAX_FILE_LINE_BYTES,
        run_bytes: MAX_BYTES_PER_RUN,
    };
    read_new_lines_with(path, cursor, limits)
}

/// `read_new_lines` with explicit limits (small ones in tests).
fn read_new_lines_with(
    path: &Path,
    cursor: Option<FileCursor>,
    limits: Limits,
) -> Result<FileBatch, FileSourceError> {
    let io = |source| FileSourceError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    let mut file = std::fs::File::open(path).map_err(io)?;
    if meta.file_type().is_fifo() {
        // No cursor: a line too long is skipped within this read only.
        let scan = scan_lines(file, 0, false, limits, true).map_err(io)?;
        return Ok(FileBatch {
            lines: scan.lines,
            cursor: None,
            invalid_utf8: scan.invalid_utf8,
            too_long: scan.too_long,
        });
    }
    let (start, skip_to_newline) = match cursor {
        // Same file, not truncated: continue where we stopped.
        Some(c) if c.inode == meta.ino() && c.offset <= meta.len() => (c.offset, c.skip_to_newline),
        // Rotated or truncated: the file is new to us.
        _ => (0, false),
    };
    file.seek(SeekFrom::Start(start)).map_err(io)?;
    let scan = scan_lines(&mut file, start, skip_to_newline, limits, false).map_err(io)?;
    Ok(FileBatch {
        lines: scan.lines,
        invalid_utf8: scan.invalid_utf8,
        too_long: scan.too_long,
        cursor: Some(FileCursor {
            inode: meta.ino(),
            offset: start + scan.consumed,
            skip_to_newline: scan.skip_to_newline,
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn texts(batch: &FileBatch) -> Vec<&str> {
        batch.lines.iter().map(|(_, l)| l.as_str()).collect()
    }

    #[test]
    fn reads_only_new_complete_lines_and_survives_truncation() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.log");
        std::fs::write(&path, b"one\ntwo\r\nthr").unwrap();
        let first = read_new_lines(&path, None).unwrap();
        assert_eq!(texts(&first), ["one", "two"]);
        assert_eq!(first.lines[1].0, 4, "offset of the second line");
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        f.write_all(b"ee\n\xff\xfebad\n").unwrap();
        let second = read_new_lines(&path, first.cursor).unwrap();
        assert_eq!(texts(&second), ["three", "\u{fffd}\u{fffd}bad"]);
        assert_eq!((first.invalid_utf8, second.invalid_utf8), (0, 1));
        let third = read_new_lines(&path, second.cursor).unwrap();
        assert!(third.lines.is_empty());
        // Truncated (copytruncate rotation): read from the start again.
        std::fs::write(&path, b"fresh\n").unwrap();
        let fourth = read_new_lines(&path, second.cursor).unwrap();
        assert_eq!(texts(&fourth), ["fresh"]);
    }

    #[test]
    fn missing_file_is_an_error_naming_it() {
        let err = read_new_lines(Path::new("/nonexistent/x.log"), None).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/x.log"));
    }
}

#[cfg(test)]
mod long_line_tests;
