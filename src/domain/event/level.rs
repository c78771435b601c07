//! `LogLevel`: the level of an event and its lenient parsing from log spellings.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::EventError;

/// Event level, ordered `Debug < Info < Warning < Error < Fatal`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LogLevel {
    Debug,
    Info,
    Warning,
    Error,
    Fatal,
}

impl LogLevel {
    pub const ALL: [LogLevel; 5] = [
        LogLevel::Debug,
        LogLevel::Info,
        LogLevel::Warning,
        LogLevel::Error,
        LogLevel::Fatal,
    ];

    /// Sentry's spelling: `fatal`, `error`, `warning`, `info`, `debug`.
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Fatal => "fatal",
            LogLevel::Error => "error",
            LogLevel::Warning => "warning",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
        }
    }

    /// Lenient parse of the level spellings found in logs, case-insensitive, ignoring
    /// surrounding punctuation (`[ERROR]`, `<err>`, `level=warn` is the caller's job):
    /// names from syslog, Sentry, log4j/logback, java.util.logging, Python, .NET, Go
    /// (zap/logrus), Rust, pino/bunyan and glog single letters, plus numbers (`from_number`).
    pub fn parse_lenient(raw: &str) -> Option<LogLevel> {
        let s = raw
            .trim()
            .trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '-');
        if s.is_empty() {
            return None;
        }
        if let Ok(n) = s.parse::<i64>() {
            return Self::from_number(n);
        }
        let level = match s.to_ascii_lowercase().as_str() {
            "fatal" | "f" | "crit" | "critical" | "emerg" | "emergency" | "alert" | "panic"
            | "dpanic" => LogLevel::Fatal,
            "error" | "err" | "e" | "severe" | "exception" | "failure" | "fail" => LogLevel::Error,
            "warn" | "warning" | "w" | "wrn" => LogLevel::Warning,
            "info" | "information" | "informational" | "notice" | "i" | "inf" | "log"
            | "config" => LogLevel::Info,
            "debug" | "d" | "dbg" | "trace" | "t" | "trc" | "verbose" | "v" | "fine" | "finer"
            | "finest" | "all" => LogLevel::Debug,
            _ => return None,
        };
        Some(level)
    }

    /// Numeric levels: `0..=7` are syslog severities (0 emerg … 7 debug); `10..=60` are
    /// pino/bunyan levels (10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal; values
    /// in between round down). Python's numeric levels (40 = ERROR) collide with pino's and
    /// are not guessed: Python logs carry `levelname`. Anything else is `None`.
    pub fn from_number(n: i64) -> Option<LogLevel> {
        Some(match n {
            0..=2 => LogLevel::Fatal,
            3 => LogLevel::Error,
            4 => LogLevel::Warning,
            5 | 6 => LogLevel::Info,
            7 => LogLevel::Debug,
            10..=29 => LogLevel::Debug,
            30..=39 => LogLevel::Info,
            40..=49 => LogLevel::Warning,
            50..=59 => LogLevel::Error,
            60 => LogLevel::Fatal,
            _ => return None,
        })
    }
}

impl fmt::Display for LogLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LogLevel {
    type Err = EventError;
    fn from_str(s: &str) -> Result<Self, EventError> {
        Self::parse_lenient(s).ok_or_else(|| EventError::UnknownLevel(s.to_owned()))
    }
}

impl Serialize for LogLevel {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for LogLevel {
    /// Accepts any spelling `parse_lenient` accepts, as a string or a number.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = LogLevel;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a log level name or number")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<LogLevel, E> {
                v.parse().map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<LogLevel, E> {
                LogLevel::from_number(v).ok_or_else(|| E::custom(format!("unknown log level {v}")))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<LogLevel, E> {
                self.visit_i64(i64::try_from(v).unwrap_or(i64::MAX))
            }
        }
        d.deserialize_any(V)
    }
}
