//! `ErrorEvent`: one production error as a source reported it, with its validated parts.
//!
//! Conventions every source adapter follows when it builds an event:
//! - `frames` are ordered **innermost first** (the frame that raised is `frames[0]`), as
//!   Java, JavaScript, Go, .NET and Ruby print them. Sentry payloads and Python tracebacks
//!   list the innermost frame last: their adapters reverse them.
//! - `StackFrame::function` is the bare function as Sentry reports it; `module` holds the
//!   module / class / package. (Fingerprinting tolerates qualified names, see `fingerprint`.)
//! - The raw user id is never stored: only `UserHash::from_raw(salt, raw)`.

mod level;
mod observed;
mod user;

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use level::LogLevel;
pub use observed::Observed;
pub use user::{UserHash, UserSalt};

/// Why a domain value was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    #[error("{field} must not be empty")]
    Empty { field: &'static str },
    #[error("{field} is longer than {max} characters")]
    TooLong { field: &'static str, max: usize },
    #[error("{field} must not contain control characters")]
    ControlChar { field: &'static str },
    #[error("unknown log level {0:?}")]
    UnknownLevel(String),
    #[error("the user-id salt must be at least {min} bytes (got {got})")]
    SaltTooShort { min: usize, got: usize },
    #[error("a user hash is {len} lowercase hex digits", len = UserHash::HEX_LEN)]
    BadUserHash,
}

const NAME_MAX: usize = 200;

fn validated_name(field: &'static str, raw: &str) -> Result<String, EventError> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(EventError::Empty { field });
    }
    if name.chars().count() > NAME_MAX {
        return Err(EventError::TooLong {
            field,
            max: NAME_MAX,
        });
    }
    if name.chars().any(char::is_control) {
        return Err(EventError::ControlChar { field });
    }
    Ok(name.to_owned())
}

macro_rules! name_newtype {
    ($(#[$doc:meta])* $name:ident, $field:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Trims `raw`; rejects empty, over-long (> 200 chars) or control-character names.
            pub fn new(raw: &str) -> Result<Self, EventError> {
                validated_name($field, raw).map(Self)
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl TryFrom<String> for $name {
            type Error = EventError;
            fn try_from(raw: String) -> Result<Self, EventError> {
                Self::new(&raw)
            }
        }
        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

name_newtype!(
    /// The service an event belongs to (after the config's source → service mapping).
    Service,
    "service"
);
name_newtype!(
    /// The deployment environment (`production`, `staging`, …).
    Environment,
    "environment"
);

/// Where an event came from; enough to find it again.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    #[serde(rename = "cloudwatch")]
    CloudWatch {
        log_group: String,
        log_stream: String,
        event_id: String,
    },
    Sentry {
        project: String,
        issue_id: String,
        event_id: String,
    },
    File {
        path: String,
        /// Byte offset of the record in the file.
        offset: u64,
    },
}

impl Source {
    /// `"cloudwatch"`, `"sentry"` or `"file"`.
    pub fn name(&self) -> &'static str {
        match self {
            Source::CloudWatch { .. } => "cloudwatch",
            Source::Sentry { .. } => "sentry",
            Source::File { .. } => "file",
        }
    }

    /// The key a cluster records for the source objects it merges: the Sentry issue,
    /// the CloudWatch log group or the file (not the individual event).
    pub fn merge_key(&self) -> String {
        match self {
            Source::CloudWatch { log_group, .. } => format!("cloudwatch:{log_group}"),
            Source::Sentry {
                project, issue_id, ..
            } => format!("sentry:{project}/{issue_id}"),
            Source::File { path, .. } => format!("file:{path}"),
        }
    }
}

/// One stack frame. Empty strings mean "unknown".
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct StackFrame {
    /// Module, class or package (`app.checkout.cart`, `com.shop.Cart`, `github.com/x/y`).
    pub module: String,
    /// File path or URL as reported (absolute, relative or bare file name). Sentry
    /// adapters pass the frame's `abs_path` when present — the same string the process
    /// prints in its own traces — else `filename`.
    pub file: String,
    /// Function or method name.
    pub function: String,
    pub line: Option<u32>,
    /// The source (or its SDK) says this is the application's own code.
    pub in_app: bool,
}

/// HTTP endpoint as a route template (`POST /carts/:id/items`), never a raw URL.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Endpoint {
    pub method: String,
    pub route: String,
}

impl Endpoint {
    /// Upper-cases the method (empty → `ANY`); the route must be non-empty.
    pub fn new(method: &str, route: &str) -> Result<Self, EventError> {
        let route = validated_name("route", route)?;
        let method = method.trim().to_ascii_uppercase();
        if method.chars().any(char::is_control) {
            return Err(EventError::ControlChar { field: "method" });
        }
        let method = if method.is_empty() {
            "ANY".to_owned()
        } else {
            method
        };
        Ok(Endpoint { method, route })
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.route)
    }
}

/// One error occurrence, normalized from any source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorEvent {
    pub source: Source,
    pub timestamp: DateTime<Utc>,
    pub service: Service,
    pub environment: Environment,
    pub release: Option<String>,
    pub level: LogLevel,
    /// `Some(false)` = unhandled (crashed the request/process); `None` = unknown.
    pub handled: Option<bool>,
    pub exception_type: Option<String>,
    pub message: String,
    /// Innermost first (see the module doc).
    pub frames: Vec<StackFrame>,
    pub endpoint: Option<Endpoint>,
    pub user: Option<UserHash>,
    pub request_id: Option<String>,
    /// URL back to the event in its source (Sentry event page, Logs Insights query).
    pub link: Option<String>,
}

impl ErrorEvent {
    /// True only when the source said so (`handled == Some(false)`).
    pub fn is_unhandled(&self) -> bool {
        self.handled == Some(false)
    }
}

#[cfg(test)]
mod tests;
