//! Timestamps as logs write them: RFC 3339 and its common variants, epoch numbers, and
//! the leading timestamp of a plain-text line. Times without a zone are taken as UTC;
//! values outside the years 2000–2100 are refused (a misread field, not a time).

use std::sync::LazyLock;

use chrono::{DateTime, Datelike, NaiveDateTime, Utc};
use regex::Regex;
use serde_json::Value;

/// A timestamp at the start of a plain-text line.
pub(super) struct Leading {
    /// `None` when the text has no date (syslog `May  1 12:00:00`, a bare `12:00:00.123`).
    pub value: Option<DateTime<Utc>>,
    /// Bytes taken from the start of the line.
    pub len: usize,
    /// Syslog layout: a host name and a `tag[pid]:` follow.
    pub syslog: bool,
}

static LEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?P<ts>(?P<iso>\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:\s?(?:Z|UTC|[+-]\d{2}:?\d{2}))?)",
        r"|(?P<slash>\d{4}/\d{2}/\d{2}[ T]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?)",
        r"|(?P<syslog>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2})",
        r"|(?P<clock>\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?))",
        r"(?:\s|$|\]|\||,)"
    ))
    .expect("static regex")
});

/// The timestamp a line starts with, if any.
pub(super) fn leading(line: &str) -> Option<Leading> {
    let caps = LEADING.captures(line)?;
    let len = caps.name("ts")?.end();
    let value = caps
        .name("iso")
        .or_else(|| caps.name("slash"))
        .and_then(|m| parse_str(m.as_str()));
    Some(Leading {
        value,
        len,
        syslog: caps.name("syslog").is_some(),
    })
}

/// A timestamp string: RFC 3339 and variants (space for `T`, `,` for `.`, ` UTC`,
/// `+0000`, no zone), `2024/05/01 12:00:00`, Apache `01/May/2024:12:00:00 +0000`, or
/// epoch seconds/milliseconds/microseconds/nanoseconds written as digits.
pub(super) fn parse_str(raw: &str) -> Option<DateTime<Utc>> {
    let s = raw.trim();
    if s.is_empty() || s.len() > 64 {
        return None;
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse::<i64>().ok().and_then(from_epoch_int);
    }
    if s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return s.parse::<f64>().ok().and_then(from_epoch);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return plausible(t.with_timezone(&Utc));
    }
    let mut norm = s.replace(',', ".");
    if let Some(rest) = norm
        .strip_suffix(" UTC")
        .or_else(|| norm.strip_suffix("UTC"))
    {
        norm = format!("{}Z", rest.trim_end());
    }
    if norm.len() > 10 && matches!(norm.as_bytes()[10], b' ' | b'T') && norm.is_char_boundary(11) {
        norm.replace_range(10..11, "T");
    }
    norm = norm.replacen('/', "-", 2);
    if let Ok(t) = DateTime::parse_from_rfc3339(&norm) {
        return plausible(t.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M:%S%.f %z"] {
        if let Ok(t) = DateTime::parse_from_str(&norm, format) {
            return plausible(t.with_timezone(&Utc));
        }
    }
    if let Ok(t) = NaiveDateTime::parse_from_str(&norm, "%Y-%m-%dT%H:%M:%S%.f") {
        return plausible(t.and_utc());
    }
    DateTime::parse_from_str(s, "%d/%b/%Y:%H:%M:%S %z")
        .ok()
        .and_then(|t| plausible(t.with_timezone(&Utc)))
}

/// Epoch seconds, milliseconds, microseconds or nanoseconds, told apart by magnitude.
pub(super) fn from_epoch(n: f64) -> Option<DateTime<Utc>> {
    if !n.is_finite() || n <= 0.0 {
        return None;
    }
    let seconds = match n {
        n if n < 1e11 => n,
        n if n < 1e14 => n / 1e3,
        n if n < 1e17 => n / 1e6,
        n => n / 1e9,
    };
    let whole = seconds.floor();
    let nanos = ((seconds - whole) * 1e9).round().clamp(0.0, 999_999_999.0) as u32;
    DateTime::from_timestamp(whole as i64, nanos).and_then(plausible)
}

/// Whole epoch seconds, milliseconds, microseconds or nanoseconds, without rounding.
fn from_epoch_int(n: i64) -> Option<DateTime<Utc>> {
    let per_second: i64 = match n {
        n if n <= 0 => return None,
        n if n < 100_000_000_000 => 1,
        n if n < 100_000_000_000_000 => 1_000,
        n if n < 100_000_000_000_000_000 => 1_000_000,
        _ => 1_000_000_000,
    };
    let nanos = (n % per_second) * (1_000_000_000 / per_second);
    DateTime::from_timestamp(n / per_second, u32::try_from(nanos).ok()?).and_then(plausible)
}

/// A JSON time value: a string (see `parse_str`) or an epoch number.
pub(super) fn from_json(value: &Value) -> Option<DateTime<Utc>> {
    match value {
        Value::String(s) => parse_str(s),
        Value::Number(n) => match n.as_i64() {
            Some(i) => from_epoch_int(i),
            None => n.as_f64().and_then(from_epoch),
        },
        _ => None,
    }
}

fn plausible(t: DateTime<Utc>) -> Option<DateTime<Utc>> {
    (2000..=2100).contains(&t.year()).then_some(t)
}
