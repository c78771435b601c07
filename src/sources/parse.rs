//! Log-message parsing: one raw message (a CloudWatch event's `message` or one record of a
//! log file, possibly multi-line) becomes a `ParsedLog` — timestamp, level, message,
//! exception, stack frames (innermost first), endpoint, user, request id. Parsing never
//! fails: what had to be degraded is listed in `ParsedLog::issues`. `ParsedLog::into_event`
//! then validates the result into a domain `ErrorEvent`.
//!
//! Submodules: `assemble` (the order in which the others are applied), `json` (structured
//! logs), `fields` (the field names of popular loggers, shared by JSON and logfmt), `plain`
//! (headers of plain-text lines), `logfmt`, `stack` (one trace parser per language),
//! `endpoint` (route templates), `time`, `text` (length bounds) and `event` (conversion
//! to `ErrorEvent`).
//!
//! Cost is linear in the input: at most `MAX_INPUT_BYTES` are looked at, at most
//! `MAX_LINES` lines, lines longer than `MAX_LINE_BYTES` are not matched against trace
//! patterns, and the `regex` crate never backtracks.

mod assemble;
mod endpoint;
mod event;
mod fields;
mod json;
mod logfmt;
mod plain;
mod stack;
mod text;
mod time;

use std::fmt;

use chrono::{DateTime, Utc};

use crate::domain::event::{Endpoint, LogLevel, StackFrame};

pub use endpoint::route_template;
pub use event::EventDefaults;
pub use text::TRUNCATION_MARKER;

/// Inputs longer than this are cut (on a char boundary) before parsing; `Oversized` is recorded.
pub const MAX_INPUT_BYTES: usize = 256 * 1024;
/// `ParsedLog::message` and `exception_message` never exceed this many bytes, marker included.
pub const MAX_MESSAGE_BYTES: usize = 8 * 1024;
/// At most this many frames are kept: the innermost ones.
pub const MAX_FRAMES: usize = 200;
/// At most this many lines of one message are looked at.
pub const MAX_LINES: usize = 5_000;
/// Longer lines are never stack frames or headers; they are not matched against patterns.
pub const MAX_LINE_BYTES: usize = 4 * 1024;

/// Something about a message that had to be degraded or guessed; counted, never fatal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParseIssue {
    /// The message was empty or blank.
    Empty,
    /// The bytes were not valid UTF-8; invalid sequences became U+FFFD.
    InvalidUtf8,
    /// The input had `bytes` bytes, more than `MAX_INPUT_BYTES`: only its head was parsed.
    Oversized { bytes: usize },
    /// The message text had `bytes` bytes and was cut to `MAX_MESSAGE_BYTES`.
    MessageTruncated { bytes: usize },
    /// A JSON object that ends early; the message was parsed as plain text.
    TruncatedJson,
    /// Something that starts like a JSON object but is not valid JSON; parsed as plain text.
    MalformedJson,
    /// Valid JSON that is not an object (array, number, string …); parsed as plain text.
    JsonNotAnObject,
    /// Neither a message nor an exception was found: the raw text is the message.
    NoMessage,
    /// A field had an unusable value (control characters, too long, out of range) and was ignored.
    FieldDropped { field: &'static str },
}

impl ParseIssue {
    /// A stable snake_case name, for metrics labels and counters.
    pub fn as_str(&self) -> &'static str {
        match self {
            ParseIssue::Empty => "empty",
            ParseIssue::InvalidUtf8 => "invalid_utf8",
            ParseIssue::Oversized { .. } => "oversized",
            ParseIssue::MessageTruncated { .. } => "message_truncated",
            ParseIssue::TruncatedJson => "truncated_json",
            ParseIssue::MalformedJson => "malformed_json",
            ParseIssue::JsonNotAnObject => "json_not_an_object",
            ParseIssue::NoMessage => "no_message",
            ParseIssue::FieldDropped { .. } => "field_dropped",
        }
    }
}

impl fmt::Display for ParseIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseIssue::Oversized { bytes } => {
                write!(f, "input of {bytes} bytes cut to {MAX_INPUT_BYTES}")
            }
            ParseIssue::MessageTruncated { bytes } => {
                write!(f, "message of {bytes} bytes cut to {MAX_MESSAGE_BYTES}")
            }
            ParseIssue::FieldDropped { field } => write!(f, "unusable {field} value ignored"),
            other => f.write_str(other.as_str()),
        }
    }
}

/// One log message, structured. Every field is best effort; `issues` says what was degraded.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParsedLog {
    /// From a JSON/logfmt time field or a plain-text header; times without a zone are UTC.
    pub timestamp: Option<DateTime<Utc>>,
    /// The log's level, else the one a trace implies (panics are `Fatal`).
    pub level: Option<LogLevel>,
    /// The log's own human message; when the message is only a trace, the exception's
    /// first line (`KeyError: 'sku'`). At most `MAX_MESSAGE_BYTES`, cut with `TRUNCATION_MARKER`.
    pub message: String,
    /// `java.lang.IllegalStateException`, `TypeError`, `KeyError`, `panic` … For chained
    /// exceptions, the outermost one (see `stack`).
    pub exception_type: Option<String>,
    /// The exception's own message (`'sku'`), bounded like `message`.
    pub exception_message: Option<String>,
    /// Innermost first, at most `MAX_FRAMES`.
    pub frames: Vec<StackFrame>,
    /// `Some(false)` for panics, uncaught/unhandled markers and dead threads; else `None`.
    pub handled: Option<bool>,
    /// Method + route template (ids masked), never a raw URL.
    pub endpoint: Option<Endpoint>,
    /// HTTP status, 100–599.
    pub status: Option<u16>,
    /// Raw user id as logged; only its salted hash leaves `into_event`.
    pub user_id: Option<String>,
    pub request_id: Option<String>,
    /// The log's own service/environment/release, not yet validated (see `into_event`).
    pub service: Option<String>,
    pub environment: Option<String>,
    pub release: Option<String>,
    pub issues: Vec<ParseIssue>,
}

/// Parses raw bytes: invalid UTF-8 is replaced (U+FFFD) and recorded as `InvalidUtf8`.
pub fn parse_bytes(raw: &[u8]) -> ParsedLog {
    match std::str::from_utf8(raw) {
        Ok(s) => parse_message(s),
        Err(_) => {
            let lossy = String::from_utf8_lossy(raw);
            let mut parsed = parse_message(&lossy);
            parsed.issues.insert(0, ParseIssue::InvalidUtf8);
            parsed
        }
    }
}

/// `raw` parsed after the redactor went over it whole, so no field is taken out of
/// context before a secret in it is found (a `<SecretAccessKey>` tag a parser would strip,
/// a webhook URL whose path would become an endpoint). Only the user id, which is hashed
/// and never kept, is taken from the raw text, so users stay distinct; that second parse
/// happens only for a line that held a secret.
pub fn parse_redacted(raw: &str, redactor: &crate::redact::Redactor) -> ParsedLog {
    match redactor.redact(raw) {
        std::borrow::Cow::Borrowed(clean) => parse_message(clean),
        std::borrow::Cow::Owned(redacted) => {
            let mut parsed = parse_message(&redacted);
            parsed.user_id = parse_message(raw).user_id;
            parsed
        }
    }
}

/// Parses one message. Never fails and never panics; see the module doc for the bounds.
pub fn parse_message(raw: &str) -> ParsedLog {
    let mut out = ParsedLog::default();
    let input = if raw.len() > MAX_INPUT_BYTES {
        out.issues.push(ParseIssue::Oversized { bytes: raw.len() });
        text::head(raw, MAX_INPUT_BYTES)
    } else {
        raw
    };
    assemble::parse_into(input, &mut out);
    out
}

#[cfg(test)]
mod tests;
