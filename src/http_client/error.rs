//! `HttpError`, what a vendor call can fail with, and JSON decoding that names the
//! vendor and the path of the offending value.

use std::fmt;
use std::time::Duration;

use serde::de::DeserializeOwned;

/// Bytes of a response body kept in an error.
pub const BODY_EXCERPT_MAX: usize = 512;

/// What was wrong with a response body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFault {
    /// It ended in the middle of a value.
    Truncated,
    /// It is not JSON (e.g. an HTML page from a proxy).
    NotJson,
    /// It is JSON, but not of the expected shape.
    Shape,
}

impl fmt::Display for BodyFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BodyFault::Truncated => "cut short",
            BodyFault::NotJson => "not JSON",
            BodyFault::Shape => "unexpected shape",
        })
    }
}

/// A failed vendor call. Never contains request headers or URLs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HttpError {
    #[error("{vendor}: invalid HTTP client settings: {reason}")]
    Config {
        vendor: &'static str,
        reason: String,
    },
    #[error("{vendor}: request timed out")]
    Timeout { vendor: &'static str },
    #[error("{vendor}: could not connect: {reason}")]
    Connect {
        vendor: &'static str,
        reason: String,
    },
    #[error("{vendor}: connection failed during the exchange: {reason}")]
    Transport {
        vendor: &'static str,
        reason: String,
    },
    #[error("{vendor}: HTTP {status}: {body_excerpt}")]
    Status {
        vendor: &'static str,
        status: u16,
        /// At most [`BODY_EXCERPT_MAX`] bytes of the body, control characters replaced.
        body_excerpt: String,
        retryable: bool,
    },
    #[error("{vendor}: rate limited{}", RetryAfter(*retry_after))]
    RateLimited {
        vendor: &'static str,
        retry_after: Option<Duration>,
    },
    #[error("{vendor}: response body longer than {limit_bytes} bytes; not read")]
    TooLarge {
        vendor: &'static str,
        limit_bytes: usize,
    },
    #[error("{vendor}: response body {fault} at `{path}`: {reason}")]
    Body {
        vendor: &'static str,
        fault: BodyFault,
        /// Where in the document decoding stopped (`[3].entries[0].data`, `.` = top).
        path: String,
        reason: String,
    },
}

struct RetryAfter(Option<Duration>);

impl fmt::Display for RetryAfter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(d) => write!(f, "; the server asked to wait {} s", d.as_secs_f64().ceil()),
            None => Ok(()),
        }
    }
}

impl HttpError {
    /// Whether a later call may succeed: timeouts, connection failures, rate limits,
    /// 5xx and bodies cut short or mangled on the way. Rejections (4xx), bodies of the
    /// wrong shape and bad settings are not.
    pub fn is_retryable(&self) -> bool {
        match self {
            HttpError::Config { .. } | HttpError::TooLarge { .. } => false,
            HttpError::Timeout { .. }
            | HttpError::Connect { .. }
            | HttpError::Transport { .. }
            | HttpError::RateLimited { .. } => true,
            HttpError::Status { retryable, .. } => *retryable,
            HttpError::Body { fault, .. } => *fault != BodyFault::Shape,
        }
    }

    /// The vendor the call went to.
    pub fn vendor(&self) -> &'static str {
        match self {
            HttpError::Config { vendor, .. }
            | HttpError::Timeout { vendor }
            | HttpError::Connect { vendor, .. }
            | HttpError::Transport { vendor, .. }
            | HttpError::Status { vendor, .. }
            | HttpError::RateLimited { vendor, .. }
            | HttpError::TooLarge { vendor, .. }
            | HttpError::Body { vendor, .. } => vendor,
        }
    }

    /// The HTTP status, for errors that carry one (429 for `RateLimited`).
    pub fn status(&self) -> Option<u16> {
        match self {
            HttpError::Status { status, .. } => Some(*status),
            HttpError::RateLimited { .. } => Some(429),
            _ => None,
        }
    }
}

/// Decodes a JSON body; on failure the error names `vendor`, the fault and the path of
/// the value that did not fit.
pub fn decode_json<T: DeserializeOwned>(vendor: &'static str, body: &[u8]) -> Result<T, HttpError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let result: Result<T, _> = serde_path_to_error::deserialize(&mut de);
    let value = result.map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        body_error(vendor, path, &inner)
    })?;
    de.end().map_err(|e| body_error(vendor, ".".into(), &e))?;
    Ok(value)
}

fn body_error(vendor: &'static str, path: String, e: &serde_json::Error) -> HttpError {
    use serde_json::error::Category;
    let fault = match e.classify() {
        Category::Eof => BodyFault::Truncated,
        Category::Syntax | Category::Io => BodyFault::NotJson,
        Category::Data => BodyFault::Shape,
    };
    HttpError::Body {
        vendor,
        fault,
        path,
        reason: e.to_string(),
    }
}

/// A bounded, printable excerpt of a body.
pub(super) fn body_excerpt_of(body: &[u8]) -> String {
    let head = &body[..body.len().min(BODY_EXCERPT_MAX)];
    let text = String::from_utf8_lossy(head);
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    // Lossy decoding can grow the text (U+FFFD is 3 bytes): cut on a char boundary.
    if out.len() > BODY_EXCERPT_MAX {
        let mut cut = BODY_EXCERPT_MAX;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
    }
    out.trim().to_owned()
}

/// Reads at most about [`BODY_EXCERPT_MAX`] bytes of an error response's body.
pub(super) async fn read_excerpt(mut response: reqwest::Response) -> String {
    let mut kept = Vec::new();
    while kept.len() < BODY_EXCERPT_MAX {
        match response.chunk().await {
            Ok(Some(chunk)) => kept.extend_from_slice(&chunk),
            Ok(None) | Err(_) => break,
        }
    }
    body_excerpt_of(&kept)
}
