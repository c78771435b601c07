//! Multi-line records: a stack trace printed over several lines of a log file belongs to
//! the line that introduced it. Lines are joined into one record when they continue the
//! previous one, the way log shippers' multi-line parsers do for Java, Python, Node, Go,
//! Rust and Ruby:
//! - an indented line (`\tat …`, `  File "…"`, `    at …`, `\tfrom …`, Rust frame lines);
//! - a chain marker: `Caused by:`, `Traceback (most recent call last):`, `During handling
//!   of …`, `The above exception …`, `... 12 more`, `goroutine N [`, `created by `,
//!   `stack backtrace:`, `note: run with`;
//! - a line that opens with a qualified exception type (`java.lang.NullPointerException: …`,
//!   `Exception in thread "main" …`): a logger printing an exception under its message;
//! - the exception line that ends a Python traceback (the first unindented line after an
//!   indented frame of a traceback), and the message line after Rust's `panicked at …:`;
//! - inside a Go panic (`panic: …` up to the next line that starts like a log line), the
//!   unindented function lines.
//!
//! - inside a PEM block (`-----BEGIN …-----` up to `-----END …-----`, or the next line that
//!   starts like a log line), its unindented body lines, so a key printed over several
//!   lines is one record the redactor sees whole.
//!
//! A JSON line (`{…`) always starts a record. A record split across two runs (its writer
//! had not finished it) is read as two.

/// One record: its text (lines joined with `\n`) and the byte offset of its first line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub offset: u64,
    pub text: String,
}

/// Longest record kept, in bytes: the file reader skips longer lines
/// (`MAX_FILE_LINE_BYTES` is this number) and further continuation lines are dropped.
pub const MAX_RECORD_BYTES: usize = 256 * 1024;

const CHAIN_MARKERS: &[&str] = &[
    "Caused by:",
    "Suppressed:",
    "Traceback (most recent call last):",
    "During handling of the above exception",
    "The above exception was the direct cause",
    "goroutine ",
    "created by ",
    "stack backtrace:",
    "note: run with",
    "note: Some details are omitted",
    "[signal ",
];

/// Groups `(offset, line)` pairs into records.
pub fn group_records(lines: impl IntoIterator<Item = (u64, String)>) -> Vec<Record> {
    let mut records: Vec<Record> = Vec::new();
    let mut state = State::default();
    for (offset, line) in lines {
        let continues = match records.last() {
            Some(_) => state.continues(&line),
            None => false,
        };
        match records.last_mut() {
            Some(last) if continues => {
                if last.text.len() + line.len() < MAX_RECORD_BYTES {
                    last.text.push('\n');
                    last.text.push_str(&line);
                }
            }
            _ => {
                state = State::default();
                records.push(Record {
                    offset,
                    text: line.clone(),
                });
            }
        }
        state.observe(&line);
    }
    records
}

/// What the record so far says about the next line.
#[derive(Debug, Default)]
struct State {
    in_traceback: bool,
    previous_indented: bool,
    rust_panic_header: bool,
    go_panic: bool,
    in_pem_block: bool,
}

impl State {
    fn continues(&self, line: &str) -> bool {
        let trimmed = line.trim_start();
        if self.in_pem_block && !starts_like_a_log_line(line) {
            return true;
        }
        if trimmed.starts_with('{') && !is_indented(line) {
            return false;
        }
        is_indented(line)
            || CHAIN_MARKERS.iter().any(|m| trimmed.starts_with(m))
            || (trimmed.starts_with("...") && trimmed.ends_with("more"))
            || (self.in_traceback && self.previous_indented)
            || opens_with_exception_type(trimmed)
            || self.rust_panic_header
            || (self.go_panic && !starts_like_a_log_line(line))
    }

    fn observe(&mut self, line: &str) {
        let trimmed = line.trim();
        if trimmed.starts_with("Traceback (most recent call last):") {
            self.in_traceback = true;
        }
        self.rust_panic_header = trimmed.contains(" panicked at ") && trimmed.ends_with(':');
        if trimmed.starts_with("panic: ") || trimmed.contains(" panic: ") {
            self.go_panic = true;
        }
        if trimmed.contains("-----BEGIN ") {
            self.in_pem_block = true;
        }
        if trimmed.contains("-----END ") {
            self.in_pem_block = false;
        }
        self.previous_indented = is_indented(line);
    }
}

/// `java.lang.IllegalStateException: …`, `com.shop.CartError`, `Exception in thread "x" …`.
fn opens_with_exception_type(line: &str) -> bool {
    if line.starts_with("Exception in thread ") {
        return true;
    }
    let head = line.split([':', ' ']).next().unwrap_or_default();
    head.contains('.')
        && !head.ends_with('.')
        && (head.ends_with("Exception") || head.ends_with("Error") || head.ends_with("Throwable"))
        && head
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'$'))
        && (line.len() == head.len() || line[head.len()..].starts_with(':'))
}

fn is_indented(line: &str) -> bool {
    line.starts_with([' ', '\t'])
}

/// A timestamp (`2024-…`, `Jan 02`), a level word or a bracket: the start of a new entry.
fn starts_like_a_log_line(line: &str) -> bool {
    let first = line.split_whitespace().next().unwrap_or_default();
    let digits = first.bytes().take_while(u8::is_ascii_digit).count();
    digits >= 4
        || line.starts_with(['[', '{'])
        || ["ERROR", "WARN", "INFO", "DEBUG", "FATAL", "level="]
            .iter()
            .any(|w| first.starts_with(w))
        || [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ]
        .contains(&first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(text: &str) -> Vec<String> {
        let mut offset = 0;
        let lines = text.lines().map(|l| {
            let at = offset;
            offset += l.len() as u64 + 1;
            (at, l.to_owned())
        });
        group_records(lines.collect::<Vec<_>>())
            .into_iter()
            .map(|r| r.text)
            .collect()
    }

    #[test]
    fn java_traces_with_causes_stay_together() {
        let log = "2024-05-01 12:00:00 ERROR [main] c.s.Cart: checkout failed\n\
                   java.lang.NullPointerException: total\n\
                   \tat com.shop.Cart.total(Cart.java:42)\n\
                   Caused by: java.io.IOException: gone\n\
                   \tat com.shop.Db.read(Db.java:7)\n\
                   \t... 12 more\n\
                   2024-05-01 12:00:01 INFO [main] c.s.Cart: next";
        let records = group(log);
        assert_eq!(records.len(), 2, "{records:#?}");
        assert!(records[0].contains("NullPointerException") && records[0].contains("12 more"));
        assert!(records[1].starts_with("2024-05-01 12:00:01"));
    }

    #[test]
    fn python_tracebacks_end_with_their_exception_line() {
        let log = "ERROR:root:payment failed\n\
                   Traceback (most recent call last):\n  \
                   File \"/app/pay.py\", line 12, in charge\n    \
                   gateway.charge(order)\n\
                   KeyError: 'sku'\n\
                   INFO:root:retrying";
        let records = group(log);
        assert_eq!(records.len(), 2, "{records:#?}");
        assert!(records[0].ends_with("KeyError: 'sku'"));
        assert_eq!(records[1], "INFO:root:retrying");
    }

    #[test]
    fn go_and_rust_panics_stay_together() {
        let go = "panic: runtime error: invalid memory address or nil pointer dereference\n\
                  [signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x48f4a2]\n\
                  goroutine 1 [running]:\n\
                  main.(*Cart).Total(...)\n\
                  \t/app/cart.go:42 +0x1d\n\
                  main.main()\n\
                  \t/app/main.go:10 +0x2f\n\
                  2024-05-01T12:00:00Z INFO restarted";
        let records = group(go);
        assert_eq!(records.len(), 2, "{records:#?}");
        assert!(records[0].contains("main.main()"));

        let rust = "thread 'main' panicked at src/cart.rs:42:5:\n\
                    called `Option::unwrap()` on a `None` value\n\
                    note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n\
                    {\"level\":\"info\",\"msg\":\"up\"}";
        let records = group(rust);
        assert_eq!(records.len(), 2, "{records:#?}");
        assert!(records[0].contains("None` value"));
    }

    #[test]
    fn json_lines_and_plain_lines_are_one_record_each() {
        let log = "{\"level\":\"error\",\"msg\":\"a\"}\n{\"level\":\"error\",\"msg\":\"b\"}\nplain one\nplain two";
        assert_eq!(group(log).len(), 4);
    }

    #[test]
    fn a_pem_block_printed_over_plain_lines_is_one_record() {
        let begin = ["-----BEGIN ", "RSA PRIVATE KEY-----"].concat();
        let end = ["-----END ", "RSA PRIVATE KEY-----"].concat();
        let log = format!(
            "2024-05-01 12:00:00 ERROR loading signing key failed: {begin}\n\
             MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCfake\n\
             NotARealKeyJustBase64LookingFiller0123456789abcdefABCD\n\
             {end}\n\
             plain one\n\
             {begin}\n\
             MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCfake\n\
             2024-05-01 12:00:02 INFO the writer never printed the end"
        );
        let records = group(&log);
        assert_eq!(records.len(), 4, "{records:#?}");
        assert!(records[0].starts_with("2024-05-01 12:00:00") && records[0].ends_with(&end));
        assert_eq!(records[0].lines().count(), 4);
        assert_eq!(records[1], "plain one");
        assert_eq!(
            records[2].lines().count(),
            2,
            "a block without its end stops at a log line"
        );
        assert!(records[3].starts_with("2024-05-01 12:00:02"));
    }

    #[test]
    fn records_keep_the_offset_of_their_first_line_and_are_bounded() {
        let mut lines = vec![(0, "Error: boom".to_owned())];
        lines.extend((1..100_000).map(|i| (i * 10, format!("    at frame{i} (/app/x.js:1:1)"))));
        let records = group_records(lines);
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].offset, 0);
        assert!(records[0].text.len() <= MAX_RECORD_BYTES);
    }
}
