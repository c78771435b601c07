//! The part of Sentry's issue search syntax the emulator understands, and its period
//! parameters. Anything else is rejected with 400, as Sentry rejects what it cannot
//! parse, so a client that sends an unsupported query fails here, not in production.
//!
//! Supported tokens (space-separated, combined with AND):
//! - `is:unresolved`, `is:resolved`, `is:ignored` (alias `is:archived`);
//! - `lastSeen:` / `firstSeen:` with `>`, `>=`, `<`, `<=` and an ISO-8601 date or date-time
//!   (UTC when no offset), or a relative age: `-24h` (within the last 24 h), `+7d` (older);
//! - `level:<sentry level>`.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};

/// One parsed search token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    Status(&'static str),
    Seen {
        field: SeenField,
        op: Op,
        at: DateTime<Utc>,
    },
    Level(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeenField {
    First,
    Last,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Gt,
    Ge,
    Lt,
    Le,
}

impl Op {
    pub fn holds(self, value: DateTime<Utc>, bound: DateTime<Utc>) -> bool {
        match self {
            Op::Gt => value > bound,
            Op::Ge => value >= bound,
            Op::Lt => value < bound,
            Op::Le => value <= bound,
        }
    }
}

/// Parses a search query; `now` resolves relative ages. The error is Sentry's detail text.
pub fn parse_query(query: &str, now: DateTime<Utc>) -> Result<Vec<Filter>, String> {
    query
        .split_whitespace()
        .map(|token| parse_token(token, now))
        .collect()
}

fn parse_token(token: &str, now: DateTime<Utc>) -> Result<Filter, String> {
    let bad = || format!("Error parsing search query: unsupported search term {token:?}");
    let (key, value) = token.split_once(':').ok_or_else(bad)?;
    match key {
        "is" => match value {
            "unresolved" => Ok(Filter::Status("unresolved")),
            "resolved" => Ok(Filter::Status("resolved")),
            "ignored" | "archived" => Ok(Filter::Status("ignored")),
            _ => Err(bad()),
        },
        "level" if LEVELS.contains(&value) => Ok(Filter::Level(value.to_owned())),
        "lastSeen" | "firstSeen" => {
            let field = if key == "lastSeen" {
                SeenField::Last
            } else {
                SeenField::First
            };
            let (op, at) = parse_time_bound(value, now).ok_or_else(bad)?;
            Ok(Filter::Seen { field, op, at })
        }
        _ => Err(bad()),
    }
}

const LEVELS: [&str; 5] = ["debug", "info", "warning", "error", "fatal"];

fn parse_time_bound(value: &str, now: DateTime<Utc>) -> Option<(Op, DateTime<Utc>)> {
    if let Some(age) = value.strip_prefix('-') {
        return Some((Op::Ge, now - parse_period(age)?));
    }
    if let Some(age) = value.strip_prefix('+') {
        return Some((Op::Le, now - parse_period(age)?));
    }
    let (op, rest) = [(">=", Op::Ge), ("<=", Op::Le), (">", Op::Gt), ("<", Op::Lt)]
        .iter()
        .find_map(|(prefix, op)| value.strip_prefix(prefix).map(|rest| (*op, rest)))?;
    Some((op, parse_instant(rest)?))
}

/// ISO-8601 date-time with or without offset (naive = UTC), or a bare date.
pub fn parse_instant(raw: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S%.f") {
        return Some(t.and_utc());
    }
    if let Ok(t) = NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M") {
        return Some(t.and_utc());
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

/// A Sentry period: a number followed by `s`, `m`, `h`, `d` or `w` (`24h`, `14d`).
pub fn parse_period(raw: &str) -> Option<Duration> {
    let unit = raw.chars().last()?;
    let amount: i64 = raw[..raw.len() - unit.len_utf8()].parse().ok()?;
    if amount <= 0 {
        return None;
    }
    let seconds = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        'w' => 604_800,
        _ => return None,
    };
    amount.checked_mul(seconds).map(Duration::seconds)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0)
            .single()
            .expect("time")
    }

    #[test]
    fn parses_the_supported_terms() {
        let filters = parse_query(
            "is:unresolved lastSeen:>2026-03-01T10:00:00 firstSeen:-24h level:error",
            now(),
        )
        .expect("valid");
        assert_eq!(
            filters,
            vec![
                Filter::Status("unresolved"),
                Filter::Seen {
                    field: SeenField::Last,
                    op: Op::Gt,
                    at: Utc
                        .with_ymd_and_hms(2026, 3, 1, 10, 0, 0)
                        .single()
                        .expect("t"),
                },
                Filter::Seen {
                    field: SeenField::First,
                    op: Op::Ge,
                    at: now() - Duration::hours(24),
                },
                Filter::Level("error".into()),
            ]
        );
        assert_eq!(parse_query("", now()), Ok(vec![]));
        assert!(parse_query("lastSeen:>=2026-03-01T10:00:00Z", now()).is_ok());
        assert!(parse_query("lastSeen:<2026-03-01", now()).is_ok());
    }

    #[test]
    fn rejects_what_it_does_not_understand() {
        for query in [
            "is:bogus",
            "free text",
            "lastSeen:yesterday",
            "lastSeen:>tomorrow",
            "level:loud",
            "assigned:me",
            "lastSeen:-0h",
        ] {
            assert!(parse_query(query, now()).is_err(), "{query}");
        }
    }

    #[test]
    fn periods() {
        assert_eq!(parse_period("24h"), Some(Duration::hours(24)));
        assert_eq!(parse_period("14d"), Some(Duration::days(14)));
        assert_eq!(parse_period("90m"), Some(Duration::minutes(90)));
        for bad in [
            "",
            "h",
            "24",
            "24x",
            "-1h",
            "0d",
            "1.5h",
            "99999999999999999w",
        ] {
            assert_eq!(parse_period(bad), None, "{bad}");
        }
    }
}
