//! Headers of plain-text log lines: the timestamp, level, thread, logger, pid and request
//! id that layouts put before the message (ISO 8601, syslog, `[ERROR]`, `ERROR:root:`,
//! logback `… ERROR [main] c.s.Cart - msg`, glog `E0501 12:00:00.000000 1 x.go:42]`,
//! Lambda's tab-separated `time\trequest-id\tLEVEL\tmsg`, zap's console caller …).
//! A token is only taken as header when it is unmistakably one: a message that starts
//! with `Error:` or `[Checkout]` keeps it.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use regex::Regex;

use super::time;
use crate::domain::event::LogLevel;

/// What a line's header said, and the message after it.
#[derive(Debug, Default)]
pub(super) struct Header<'a> {
    pub timestamp: Option<DateTime<Utc>>,
    pub level: Option<LogLevel>,
    pub request_id: Option<String>,
    /// The line after the header (a suffix of the input line).
    pub rest: &'a str,
}

/// How many header tokens are looked at before giving up.
const MAX_HEADER_TOKENS: usize = 10;

/// Level words accepted without brackets in upper case.
const LEVEL_WORDS: &[&str] = &[
    "TRACE",
    "TRC",
    "DEBUG",
    "DBG",
    "INFO",
    "INF",
    "NOTICE",
    "WARN",
    "WRN",
    "WARNING",
    "ERROR",
    "ERR",
    "CRITICAL",
    "CRIT",
    "FATAL",
    "FTL",
    "SEVERE",
    "ALERT",
    "EMERG",
    "EMERGENCY",
    "PANIC",
    "DPANIC",
];

/// Level words accepted in lower case before a `:` (winston's `error: msg`); not
/// `panic:`, which starts a Go panic.
const LOWER_LEVEL_WORDS: &[&str] = &[
    "trace", "debug", "info", "notice", "warn", "warning", "error", "err", "critical", "fatal",
];

static GLOG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([IWEF])\d{4} \d{2}:\d{2}:\d{2}\.\d+\s+\d+ [^\]\s]+\] ").expect("static regex")
});

/// Splits the header off one line. Never fails: no header means `rest == line`.
pub(super) fn strip_header(line: &str) -> Header<'_> {
    let mut h = Header {
        rest: line,
        ..Header::default()
    };
    if !super::text::matchable(line) {
        return h;
    }
    let mut s = line.trim_start();
    if let Some(c) = GLOG.captures(s) {
        h.level = c.get(1).and_then(|m| LogLevel::parse_lenient(m.as_str()));
        h.rest = s[c.get(0).map_or(0, |m| m.end())..].trim_start();
        return h;
    }
    let mut seen = false;
    for _ in 0..MAX_HEADER_TOKENS {
        let t = skip_separators(s);
        if t.is_empty() {
            s = t;
            break;
        }
        if let Some(ts) = time::leading(t) {
            h.timestamp = h.timestamp.or(ts.value);
            s = &t[ts.len..];
            if ts.syslog {
                s = skip_syslog_host_and_tag(s);
            }
            seen = true;
            continue;
        }
        if let Some((inner, len)) = bracketed(t) {
            if take_bracket(inner, seen, &mut h) {
                s = t[len..].strip_prefix(':').unwrap_or(&t[len..]);
                seen = true;
                continue;
            }
            s = t;
            break;
        }
        let token = t.split(char::is_whitespace).next().unwrap_or_default();
        let after = &t[token.len()..];
        if h.level.is_none()
            && let Some((level, used)) = level_token(token)
        {
            h.level = Some(level);
            s = &t[used..];
            seen = true;
            continue;
        }
        let bare = token.trim_end_matches(':');
        if h.request_id.is_none() && is_uuid(bare) {
            h.request_id = Some(bare.to_owned());
            s = after;
            continue;
        }
        // Lambda writes `undefined` where a request id is missing.
        if seen && (is_pid(token) || is_caller(bare) || token == "undefined") {
            s = after;
            continue;
        }
        if seen && let Some(rest) = logger_end(token, after) {
            s = rest;
            continue;
        }
        s = t;
        break;
    }
    h.rest = s.trim_start();
    h
}

/// Skips whitespace, `|` and a lone `-` or `---` (Spring Boot) between header tokens.
fn skip_separators(s: &str) -> &str {
    let mut t = s.trim_start_matches([' ', '\t', '|']);
    loop {
        let dashes = t.bytes().take_while(|b| *b == b'-').count();
        let next = t[dashes..].chars().next();
        if !(dashes == 1 || dashes == 3) || !next.is_some_and(char::is_whitespace) {
            return t;
        }
        t = t[dashes..].trim_start_matches([' ', '\t', '|']);
    }
}

/// `[inner]`, `<inner>` or `(inner)` at the start of `s`: the inner text and the length.
fn bracketed(s: &str) -> Option<(&str, usize)> {
    let close = match s.as_bytes().first()? {
        b'[' => ']',
        b'<' => '>',
        b'(' => ')',
        _ => return None,
    };
    let end = super::text::head(s, 100).find(close)?;
    Some((&s[1..end], end + 1))
}

/// Takes a bracket that holds only header parts (timestamp, level, uuid, pid, thread or
/// logger name). Names alone count only once a timestamp or level was seen.
fn take_bracket(inner: &str, seen: bool, h: &mut Header<'_>) -> bool {
    let mut timestamp = None;
    let mut rest = inner.trim();
    if let Some(t) = time::parse_str(rest) {
        h.timestamp = h.timestamp.or(Some(t));
        return true;
    }
    if let Some(ts) = time::leading(rest) {
        timestamp = ts.value;
        rest = &rest[ts.len..];
    }
    let mut level = None;
    let mut request_id = None;
    let mut strong = rest.len() < inner.trim().len();
    for token in rest.split_whitespace().take(5) {
        if level.is_none()
            && let Some(l) = LogLevel::parse_lenient(token)
            && token.bytes().all(|b| b.is_ascii_alphabetic())
        {
            level = Some(l);
            strong = true;
        } else if is_uuid(token) {
            request_id = Some(token.to_owned());
            strong = true;
        } else if !is_name(token) {
            return false;
        }
    }
    if rest.split_whitespace().count() > 5 || !(strong || seen) {
        return false;
    }
    h.timestamp = h.timestamp.or(timestamp);
    h.level = h.level.or(level);
    if h.request_id.is_none() {
        h.request_id = request_id;
    }
    true
}

/// A level token and how many bytes it takes: `ERROR`, `ERROR:`, `error:`, and Python's
/// `ERROR:logger:` (which also takes the logger).
fn level_token(token: &str) -> Option<(LogLevel, usize)> {
    let bare = token.trim_end_matches(':');
    let upper = LEVEL_WORDS.contains(&bare);
    let lower_with_colon = token.ends_with(':') && LOWER_LEVEL_WORDS.contains(&bare);
    if upper || lower_with_colon {
        return LogLevel::parse_lenient(bare).map(|l| (l, token.len()));
    }
    let (word, rest) = token.split_once(':')?;
    let (logger, _) = rest.split_once(':')?;
    let is_level = word.bytes().all(|b| b.is_ascii_uppercase()) && LEVEL_WORDS.contains(&word);
    (is_level && is_name(logger))
        .then(|| LogLevel::parse_lenient(word).map(|l| (l, word.len() + logger.len() + 2)))?
}

/// The rest of the line after a logger name: `com.shop.Cart - msg`, Spring Boot's
/// `c.s.Cart : msg`, `shop::cart: msg`, `app.views: msg`. A dotted name whose last part
/// starts upper-case before a `:` is an exception type (`com.x.PaymentException: …`), kept.
fn logger_end<'a>(token: &str, after: &'a str) -> Option<&'a str> {
    if is_name(token)
        && let Some(rest) = after
            .strip_prefix(" - ")
            .or_else(|| after.strip_prefix(" : "))
    {
        return Some(rest);
    }
    let bare = token.strip_suffix(':')?;
    let last = bare.rsplit(['.', ':']).next().unwrap_or_default();
    let module_path = bare.contains("::")
        || (bare.contains('.') && last.starts_with(|c: char| c.is_ascii_lowercase()));
    (module_path && is_name(bare)).then_some(after)
}

/// After a syslog timestamp: the host name and the `tag[pid]:`.
fn skip_syslog_host_and_tag(s: &str) -> &str {
    let mut t = s.trim_start();
    let host = t.split(char::is_whitespace).next().unwrap_or_default();
    if is_name(host) && !host.ends_with(':') {
        t = t[host.len()..].trim_start();
    }
    let tag = t.split(char::is_whitespace).next().unwrap_or_default();
    if let Some(name) = tag.strip_suffix(':')
        && is_name(name.split('[').next().unwrap_or_default())
    {
        return &t[tag.len()..];
    }
    t
}

/// Thread, logger, host or tag names: `main`, `http-nio-8080-exec-1`, `shop::cart`, `app[42]`.
fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 80
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-:/$#@[]".contains(&b))
}

/// `12345`, `12345#0:` (nginx), `(12345):`.
fn is_pid(token: &str) -> bool {
    let t = token.trim_end_matches(':').trim_matches(['(', ')']);
    let t = t.split('#').next().unwrap_or_default();
    !t.is_empty() && t.len() <= 10 && t.bytes().all(|b| b.is_ascii_digit())
}

/// zap/glog caller: `checkout/cart.go:42`.
fn is_caller(token: &str) -> bool {
    let Some((file, line)) = token.rsplit_once(':') else {
        return false;
    };
    !line.is_empty()
        && line.bytes().all(|b| b.is_ascii_digit())
        && file.rsplit_once('.').is_some_and(|(stem, ext)| {
            !stem.is_empty()
                && [
                    "go", "py", "rs", "js", "ts", "java", "kt", "rb", "cs", "php",
                ]
                .contains(&ext)
        })
}

/// `8-4-4-4-12` hex digits.
pub(super) fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}
