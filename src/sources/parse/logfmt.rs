//! logfmt (`level=error msg="charge failed" user_id=42`): the `key=value` pairs of a line,
//! as a JSON map so that `fields` reads them like a structured log.

use serde_json::{Map, Value};

/// At most this many bytes of a line and this many pairs are read.
const MAX_SCAN_BYTES: usize = 8 * 1024;
const MAX_PAIRS: usize = 64;

/// The pairs of one line.
#[derive(Debug, Default)]
pub(super) struct Logfmt {
    pub fields: Map<String, Value>,
    /// The line is logfmt from its start (its message is `msg`, not the free text).
    pub whole_line: bool,
}

/// The `key=value` pairs of `line`; `None` when it has none. A line counts as logfmt from
/// its start when its first token is a pair and it has at least two.
pub(super) fn parse(line: &str) -> Option<Logfmt> {
    let s = super::text::head(line, MAX_SCAN_BYTES);
    let bytes = s.as_bytes();
    let mut out = Logfmt::default();
    let mut first_is_pair = None;
    let mut i = 0;
    while i < bytes.len() && out.fields.len() < MAX_PAIRS {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= bytes.len() {
            break;
        }
        let key_start = i;
        while i < bytes.len() && is_key_byte(bytes[i]) {
            i += 1;
        }
        let is_pair = i > key_start && i < bytes.len() && bytes[i] == b'=';
        first_is_pair.get_or_insert(is_pair);
        if !is_pair {
            while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            continue;
        }
        let key = &s[key_start..i];
        i += 1;
        let (value, next) = read_value(s, i);
        i = next;
        out.fields.insert(key.to_owned(), Value::String(value));
    }
    if out.fields.is_empty() {
        return None;
    }
    out.whole_line = first_is_pair == Some(true) && out.fields.len() >= 2;
    Some(out)
}

fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"_.-@/".contains(&b)
}

/// A bare value up to the next whitespace, or a `"quoted"` one with `\"`, `\\`, `\n`, `\t`
/// escapes (an unterminated quote runs to the end). Returns the value and where to go on.
fn read_value(s: &str, start: usize) -> (String, usize) {
    let bytes = s.as_bytes();
    if bytes.get(start) != Some(&b'"') {
        let end = s[start..]
            .find(|c: char| c.is_ascii_whitespace())
            .map_or(s.len(), |e| start + e);
        return (s[start..end].to_owned(), end);
    }
    let mut value = String::new();
    let mut chars = s[start + 1..].char_indices();
    while let Some((offset, c)) = chars.next() {
        match c {
            '"' => return (value, start + 1 + offset + 1),
            '\\' => match chars.next() {
                Some((_, 'n')) => value.push('\n'),
                Some((_, 't')) => value.push('\t'),
                Some((_, other)) => value.push(other),
                None => break,
            },
            other => value.push(other),
        }
    }
    (value, s.len())
}
