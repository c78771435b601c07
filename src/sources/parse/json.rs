//! Detection of a JSON message: an object (possibly after a plain header such as
//! `2024-05-01T12:00:00Z ERROR ` or Lambda's `time\trequest-id\tLEVEL\tInvoke Error\t`),
//! a truncated or malformed object, or JSON that is not an object.

use serde_json::{Map, Value};

/// A plain prefix before the `{` is at most this long and on the first line.
const MAX_PREFIX_BYTES: usize = 512;

/// What a message is, as far as JSON goes.
#[derive(Debug)]
pub(super) enum Detected<'a> {
    /// An object; `prefix` is the text before its `{`, `rest` the text after its `}`.
    Object {
        prefix: &'a str,
        map: Map<String, Value>,
        rest: &'a str,
    },
    /// An object that ends early.
    Truncated,
    /// Starts like a JSON object (`{"`, `{}`) but is not valid JSON.
    Malformed,
    /// Valid JSON that is not an object.
    NotAnObject,
    /// Not JSON at all.
    Plain,
}

/// Classifies a message (already trimmed).
pub(super) fn detect(text: &str) -> Detected<'_> {
    let first_line_end = text.find('\n').unwrap_or(text.len());
    let search_end = first_line_end.min(MAX_PREFIX_BYTES + 1);
    let brace = super::text::head(text, search_end).find('{');
    match brace {
        Some(0) => object_at(text, 0, true),
        Some(at) => match object_at(text, at, false) {
            found @ (Detected::Object { .. } | Detected::Truncated) => found,
            _ => not_an_object(text),
        },
        None => not_an_object(text),
    }
}

/// Parses the object that starts at `at`. With no prefix, a broken object is `Malformed`
/// when it looks like JSON; after a prefix, only an object that began with a key counts
/// as truncated (`Invoke Error {"errorType":…`), anything else is plain text.
fn object_at(text: &str, at: usize, whole: bool) -> Detected<'_> {
    let body = &text[at..];
    let mut values = serde_json::Deserializer::from_str(body).into_iter::<Value>();
    let after_brace = body[1..].trim_start();
    let looks_like_json = after_brace.starts_with('"') || after_brace.starts_with('}');
    match values.next() {
        Some(Ok(Value::Object(map))) => Detected::Object {
            prefix: &text[..at],
            map,
            rest: body.get(values.byte_offset()..).unwrap_or_default(),
        },
        Some(Err(e)) if e.is_eof() && looks_like_json => Detected::Truncated,
        Some(_) if whole && looks_like_json => Detected::Malformed,
        _ => Detected::Plain,
    }
}

/// `NotAnObject` when the whole message is a JSON array, string, number or literal.
fn not_an_object(text: &str) -> Detected<'_> {
    let starts_like_json = text.starts_with(['[', '"', '-'])
        || text.starts_with(|c: char| c.is_ascii_digit())
        || ["true", "false", "null"].contains(&text);
    if starts_like_json && serde_json::from_str::<Value>(text).is_ok() {
        Detected::NotAnObject
    } else {
        Detected::Plain
    }
}
