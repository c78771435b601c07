//! `triaged cluster`: one `<cluster-id>\t<template>` line out per line in, in order,
//! streaming (output is written and flushed after every read, before the next read can
//! block). Lines are bytes; invalid UTF-8 is replaced, a trailing `\r` dropped, a last line
//! without `\n` kept.

use std::io::{self, Read, Write};

use super::template::TemplateMiner;

/// Bytes asked of the input per read; a longer line grows the buffer.
const READ_SIZE: usize = 1 << 16;
/// Output is handed to the writer once this much has collected (and at every flush).
const WRITE_SIZE: usize = 1 << 16;
/// Most bytes of one line kept: a longer line is clustered on its first 1 MiB (the miner
/// looks at its header and the first 8 KiB of its message only) and the rest is skipped.
const MAX_LINE: usize = 1 << 20;

/// Clusters every line of `input` into `output`; returns the number of lines.
///
/// Output for every complete line read so far is written and flushed before the next read,
/// so a consumer sees each result before the stream waits for more input. Memory does not
/// grow with the length of a line past [`MAX_LINE`].
pub fn cluster_stream(mut input: impl Read, mut output: impl Write) -> io::Result<u64> {
    let mut miner = TemplateMiner::new();
    let mut out = Vec::with_capacity(WRITE_SIZE + (WRITE_SIZE >> 2));
    let mut buf = vec![0u8; READ_SIZE];
    let mut filled = 0;
    let mut lines = 0;
    let mut skipping = false; // the rest of an over-long line, up to its `\n`
    loop {
        if filled == buf.len() {
            if buf.len() < MAX_LINE {
                buf.resize(buf.len() * 2, 0); // a line longer than the buffer
            } else {
                // the buffer holds the first MAX_LINE bytes of one line: cluster them now
                emit(&mut miner, Text::Bytes(&buf[..filled]), &mut out);
                (lines, filled, skipping) = (lines + 1, 0, true);
            }
        }
        let mut n = match input.read(&mut buf[filled..]) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let eof = n == 0;
        if skipping {
            // `filled` is 0 while skipping
            match memchr::memchr(b'\n', &buf[..n]) {
                Some(nl) => {
                    buf.copy_within(nl + 1..n, 0);
                    (n, skipping) = (n - nl - 1, false);
                }
                None => n = 0,
            }
        }
        filled += n;
        // whole lines only, unless the input has ended
        let end = if eof {
            filled
        } else {
            memchr::memrchr(b'\n', &buf[..filled]).map_or(0, |nl| nl + 1)
        };
        lines += emit_lines(&mut miner, &buf[..end], &mut out, &mut output)?;
        if eof {
            break;
        }
        buf.copy_within(end..filled, 0);
        filled -= end;
        output.write_all(&out)?;
        out.clear();
        output.flush()?;
    }
    output.write_all(&out)?;
    output.flush()?;
    Ok(lines)
}

/// Clusters the lines of `chunk` (each ends with `\n`, except perhaps the last one) into
/// `out`, passing `out` on to `output` whenever it is full; returns the number of lines.
fn emit_lines(
    miner: &mut TemplateMiner,
    chunk: &[u8],
    out: &mut Vec<u8>,
    output: &mut impl Write,
) -> io::Result<u64> {
    let mut lines = 0;
    let mut start = 0;
    // one UTF-8 check for the whole chunk in the common case; line by line otherwise
    let text = std::str::from_utf8(chunk).ok();
    let mut newlines = memchr::memchr_iter(b'\n', chunk);
    while start < chunk.len() {
        let end = newlines.next().unwrap_or(chunk.len());
        let line = match text {
            Some(text) => Text::Valid(&text[start..end]),
            None => Text::Bytes(&chunk[start..end]),
        };
        emit(miner, line, out);
        lines += 1;
        start = end + 1;
        if out.len() >= WRITE_SIZE {
            output.write_all(out)?;
            out.clear();
        }
    }
    Ok(lines)
}

/// One input line: known to be UTF-8, or bytes still to check.
enum Text<'a> {
    Valid(&'a str),
    Bytes(&'a [u8]),
}

fn emit(miner: &mut TemplateMiner, line: Text<'_>, out: &mut Vec<u8>) {
    let lossy;
    let text = match line {
        Text::Valid(s) => s.strip_suffix('\r').unwrap_or(s),
        Text::Bytes(b) => {
            let b = b.strip_suffix(b"\r").unwrap_or(b);
            lossy = String::from_utf8_lossy(b);
            &lossy
        }
    };
    out.extend_from_slice(miner.observe_row(text));
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;

    use super::*;

    /// A writer whose bytes stay readable by the test while the stream runs.
    #[derive(Clone, Default)]
    struct Shared(Rc<RefCell<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// Hands out its chunks one read at a time and records, before each read, how many
    /// output lines had been written: what a consumer would have seen while it waited.
    struct Chunks {
        chunks: Vec<&'static [u8]>,
        out: Shared,
        seen: Vec<usize>,
    }

    impl Read for Chunks {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let lines = self.out.0.borrow().iter().filter(|&&b| b == b'\n').count();
            self.seen.push(lines);
            if self.chunks.is_empty() {
                return Ok(0);
            }
            let chunk = self.chunks.remove(0);
            buf[..chunk.len()].copy_from_slice(chunk);
            Ok(chunk.len())
        }
    }

    #[test]
    fn results_for_lines_read_are_written_before_the_next_read() {
        let out = Shared::default();
        let mut input = Chunks {
            chunks: vec![b"user 1 in\nuser 2 in\nhalf a ", b"line\n", b"last"],
            out: out.clone(),
            seen: Vec::new(),
        };
        assert_eq!(cluster_stream(&mut input, out.clone()).unwrap(), 4);
        // before each read: nothing, 2 whole lines, then the line completed by the 2nd read
        assert_eq!(input.seen, [0, 2, 3, 3]);
        let text = String::from_utf8(out.0.take()).unwrap();
        assert_eq!(text.lines().count(), 4);
        assert!(text.ends_with("\tlast\n"), "{text}");
    }

    #[test]
    fn an_over_long_line_is_clustered_on_its_start_and_the_rest_skipped() {
        let mut input = b"size 42 of ".to_vec();
        input.extend(std::iter::repeat_n(b'x', 3 * MAX_LINE));
        input.extend_from_slice(b" tail\nsize 43 of ");
        input.extend(std::iter::repeat_n(b'x', 100));
        input.extend_from_slice(b"\nuser 7 in\n");
        let mut out = Vec::new();
        assert_eq!(cluster_stream(&input[..], &mut out).unwrap(), 3);
        let text = String::from_utf8(out).unwrap();
        let rows: Vec<(&str, &str)> = text.lines().map(|l| l.split_once('\t').unwrap()).collect();
        assert_eq!(rows.len(), 3, "{}", text.len());
        assert!(
            rows[0].1.starts_with("size <*> of xxx"),
            "{}",
            &rows[0].1[..20]
        );
        assert!(
            !rows[0].1.contains("tail"),
            "the rest of the line is skipped"
        );
        assert_eq!(rows[2].1, "user <*> in");
    }

    #[test]
    fn one_line_out_per_line_in_with_shared_ids_for_one_template() {
        let input =
            b"user 17 logged in\r\nuser 4242 logged in\n\xff broken bytes\nno newline at end";
        let mut out = Vec::new();
        assert_eq!(cluster_stream(&input[..], &mut out).unwrap(), 4);
        let text = String::from_utf8(out).unwrap();
        let rows: Vec<(&str, &str)> = text.lines().map(|l| l.split_once('\t').unwrap()).collect();
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0].0, rows[1].0, "same template, same id: {rows:?}");
        assert_ne!(rows[0].0, rows[2].0);
        assert!(rows.iter().all(|(id, _)| id.len() == 16));
    }
}
