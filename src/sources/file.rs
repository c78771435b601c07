//! The file source: JSON lines or plain log lines read from a byte cursor. Handles rotation
//! and truncation (start again at 0), partial last lines (left for the next run), non-UTF-8
//! bytes (replaced), and named pipes (read to the end, no cursor).

use std::io::{Read, Seek, SeekFrom};
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

mod records;
mod source;

pub use records::{MAX_RECORD_BYTES, Record, group_records};
pub use source::FileSource;

/// At most this many bytes are read from one file per run, so memory stays bounded; the
/// rest is read by the next run.
pub const MAX_BYTES_PER_RUN: u64 = 64 * 1024 * 1024;

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
    let io = |source| FileSourceError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    let mut file = std::fs::File::open(path).map_err(io)?;
    if meta.file_type().is_fifo() {
        let mut bytes = Vec::new();
        file.take(MAX_BYTES_PER_RUN)
            .read_to_end(&mut bytes)
            .map_err(io)?;
        let (lines, _, invalid_utf8) = split_lines(&bytes, 0, true);
        return Ok(FileBatch {
            lines,
            cursor: None,
            invalid_utf8,
        });
    }
    let start = match cursor {
        // Same file, not truncated: continue where we stopped.
        Some(c) if c.inode == meta.ino() && c.offset <= meta.len() => c.offset,
        // Rotated or truncated: the file is new to us.
        _ => 0,
    };
    file.seek(SeekFrom::Start(start)).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(MAX_BYTES_PER_RUN)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    let (lines, consumed, invalid_utf8) = split_lines(&bytes, start, false);
    Ok(FileBatch {
        lines,
        invalid_utf8,
        cursor: Some(FileCursor {
            inode: meta.ino(),
            offset: start + consumed as u64,
        }),
    })
}

/// Splits on `\n` (dropping a trailing `\r`), each line with its offset (`base` + its
/// position in `bytes`). Without `take_partial` a last line with no newline is left unread.
/// Returns the lines, the bytes consumed and how many lines were not valid UTF-8.
fn split_lines(bytes: &[u8], base: u64, take_partial: bool) -> (Vec<(u64, String)>, usize, u64) {
    let mut lines = Vec::new();
    let mut consumed = 0;
    let mut invalid = 0;
    for chunk in bytes.split_inclusive(|b| *b == b'\n') {
        let complete = chunk.ends_with(b"\n");
        if !complete && !take_partial {
            break;
        }
        let at = base + consumed as u64;
        consumed += chunk.len();
        let line = chunk.strip_suffix(b"\n").unwrap_or(chunk);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if !line.is_empty() {
            let text = String::from_utf8_lossy(line);
            invalid += u64::from(matches!(text, std::borrow::Cow::Owned(_)));
            lines.push((at, text.into_owned()));
        }
    }
    (lines, consumed, invalid)
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
