//! Words with a meaning of their own: month and weekday names, units of measure, log levels.

use super::classes::{CALENDAR_FIRST, CALENDAR_SECOND, CLOSE, UNIT_FIRST, class, letters};

#[rustfmt::skip]
const MONTHS: [&str; 24] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec", "sept",
    "january", "february", "march", "april", "june", "july", "august", "september", "october",
    "november", "december",
];
#[rustfmt::skip]
const WEEKDAYS: [&str; 14] = [
    "mon", "tue", "wed", "thu", "fri", "sat", "sun", "monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday",
];

#[rustfmt::skip]
const LEVELS: [&str; 12] = [
    "trace", "debug", "info", "notice", "warn", "warning", "error", "err", "fatal", "critical",
    "crit", "severe",
];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Calendar {
    Month,
    Weekday,
}

/// Whether `tok` (trailing punctuation ignored) names a month or a weekday.
#[inline]
pub(super) fn calendar_kind(tok: &[u8]) -> Option<Calendar> {
    if tok.len() < 3 || !may_name_calendar(tok) {
        return None;
    }
    calendar_name(tok)
}

/// The cheap filter of [`calendar_kind`]: whether the first two bytes of `tok` are letters
/// that start a month or weekday name.
#[inline]
pub(super) fn may_name_calendar(tok: &[u8]) -> bool {
    tok.len() >= 2 && class(tok[0]) & CALENDAR_FIRST != 0 && class(tok[1]) & CALENDAR_SECOND != 0
}

#[inline(never)]
fn calendar_name(tok: &[u8]) -> Option<Calendar> {
    let kind = match &[tok[0] | 0x20, tok[1] | 0x20, tok[2] | 0x20] {
        b"jan" | b"feb" | b"mar" | b"apr" | b"may" | b"jun" | b"jul" | b"aug" | b"sep" | b"oct"
        | b"nov" | b"dec" => Calendar::Month,
        b"mon" | b"tue" | b"wed" | b"thu" | b"fri" | b"sat" | b"sun" => Calendar::Weekday,
        _ => return None, // the cheap filter
    };
    let names = if kind == Calendar::Month {
        &MONTHS[..]
    } else {
        &WEEKDAYS[..]
    };
    is_one_of(tok, names).then_some(kind)
}

/// True if `tok` (trailing punctuation ignored) is one of `names`, case-insensitively.
fn is_one_of(tok: &[u8], names: &[&str]) -> bool {
    let end = letters(tok);
    !tok[end..].iter().any(u8::is_ascii_alphanumeric)
        && names
            .iter()
            .any(|n| tok[..end].eq_ignore_ascii_case(n.as_bytes()))
}

/// Length of a unit of measure at the start of `tok` when only punctuation follows it
/// (`KB,` → 2, `ms` → 2), else 0.
#[inline]
pub(super) fn unit_len(tok: &[u8]) -> usize {
    if class(tok[0]) & UNIT_FIRST == 0 {
        return 0;
    }
    let end = letters(tok);
    if end == 0 || end > 7 || !tok[end..].iter().all(|&b| class(b) & CLOSE != 0) {
        return 0;
    }
    let mut low = [0u8; 7];
    for (l, &b) in low.iter_mut().zip(tok) {
        *l = b.to_ascii_lowercase();
    }
    if is_unit(&low[..end]) { end } else { 0 }
}

/// A lower-case unit of measure (data sizes, durations, frequencies).
#[rustfmt::skip]
fn is_unit(w: &[u8]) -> bool {
    matches!(w,
        b"b" | b"kb" | b"mb" | b"gb" | b"tb" | b"pb" | b"kib" | b"mib" | b"gib" | b"tib"
        | b"bytes" | b"ms" | b"us" | b"ns" | b"s" | b"sec" | b"secs" | b"msecs" | b"seconds"
        | b"min" | b"mins" | b"h" | b"hrs" | b"hz" | b"khz" | b"mhz" | b"ghz")
}

/// A log level name (`INFO`, `warn`, …), case-insensitively.
pub(super) fn is_level(t: &[u8]) -> bool {
    (3..=8).contains(&t.len()) && LEVELS.iter().any(|l| l.as_bytes().eq_ignore_ascii_case(t))
}
