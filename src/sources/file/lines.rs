//! Splitting a window of a file into lines with bounded memory: a line longer than the
//! line limit is never buffered whole; it is skipped and counted once, however many runs
//! it spans, and the position moves past the bytes of it that were read.

use std::io::{BufRead, BufReader, Read};

/// How much one read may take.
#[derive(Debug, Clone, Copy)]
pub(super) struct Limits {
    /// Longest line kept, in bytes, without its `\n` or `\r\n`.
    pub line_bytes: usize,
    /// Most bytes read in one run; must exceed `line_bytes + 2` so a kept line always fits.
    pub run_bytes: u64,
}

/// What one window held.
#[derive(Debug, Default)]
pub(super) struct Scanned {
    /// Complete lines (not empty, not too long), each with the offset where it starts.
    pub lines: Vec<(u64, String)>,
    /// Bytes of the window handled: where the next read starts, relative to the window.
    pub consumed: u64,
    /// The window ended inside a line that was too long: the next read discards bytes up
    /// to and including the next `\n`.
    pub skip_to_newline: bool,
    /// Lines that were not valid UTF-8 (their bad bytes replaced).
    pub invalid_utf8: u64,
    /// Lines skipped because they were longer than `Limits::line_bytes`.
    pub too_long: u64,
}

/// Reads at most `limits.run_bytes` from `source`, whose first byte is at offset `base`.
/// With `skip_to_newline` the bytes up to and including the first `\n` are the rest of a
/// line already counted as too long. With `take_partial` (a pipe, which has no cursor) a
/// last line with no newline is a line; otherwise it is left for the next read.
pub(super) fn scan_lines(
    source: impl Read,
    base: u64,
    skip_to_newline: bool,
    limits: Limits,
    take_partial: bool,
) -> std::io::Result<Scanned> {
    let mut reader = BufReader::new(source.take(limits.run_bytes));
    let mut scanner = Scanner {
        out: Scanned::default(),
        limit: limits.line_bytes,
        skipping: skip_to_newline,
        line: Vec::new(),
        line_start: base,
        pos: base,
        handled: base,
    };
    loop {
        let chunk = match reader.fill_buf() {
            Ok([]) => break,
            Ok(chunk) => chunk,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let len = chunk.len();
        scanner.feed(chunk);
        reader.consume(len);
    }
    Ok(scanner.finish(base, take_partial))
}

struct Scanner {
    out: Scanned,
    limit: usize,
    /// Inside a line already counted as too long.
    skipping: bool,
    /// The bytes so far of the current line (at most `limit + 1` of them).
    line: Vec<u8>,
    line_start: u64,
    /// Offset of the next byte fed.
    pos: u64,
    /// Offset up to which every byte belongs to a line that was emitted or skipped.
    handled: u64,
}

impl Scanner {
    fn feed(&mut self, mut chunk: &[u8]) {
        while !chunk.is_empty() {
            let newline = chunk.iter().position(|b| *b == b'\n');
            let (piece, rest) = chunk.split_at(newline.map_or(chunk.len(), |i| i + 1));
            self.piece(piece, newline.is_some());
            chunk = rest;
        }
    }

    /// A piece of one line: up to and including its `\n` when `ends_line`.
    fn piece(&mut self, piece: &[u8], ends_line: bool) {
        let start = self.pos;
        self.pos += piece.len() as u64;
        if self.skipping {
            self.skipping = !ends_line;
            self.handled = self.pos;
            return;
        }
        if self.line.is_empty() {
            self.line_start = start;
        }
        let body = piece.strip_suffix(b"\n").unwrap_or(piece);
        // One byte of slack for the `\r` of a `\r\n` ending.
        if self.line.len() + body.len() > self.limit + 1 {
            self.out.too_long += 1;
            self.line.clear();
            self.skipping = !ends_line;
            self.handled = self.pos;
            return;
        }
        self.line.extend_from_slice(body);
        if ends_line {
            self.end_line();
        }
    }

    /// The current line is complete (or is the last bytes of a pipe).
    fn end_line(&mut self) {
        let mut raw = std::mem::take(&mut self.line);
        self.handled = self.pos;
        if raw.last() == Some(&b'\r') {
            raw.pop();
        }
        if raw.len() > self.limit {
            self.out.too_long += 1;
        } else if !raw.is_empty() {
            let text = String::from_utf8(raw).unwrap_or_else(|e| {
                self.out.invalid_utf8 += 1;
                String::from_utf8_lossy(e.as_bytes()).into_owned()
            });
            self.out.lines.push((self.line_start, text));
        }
    }

    fn finish(mut self, base: u64, take_partial: bool) -> Scanned {
        if take_partial && !self.line.is_empty() {
            self.end_line();
        }
        self.out.consumed = self.handled - base;
        self.out.skip_to_newline = self.skipping;
        self.out
    }
}
