//! `AgentError`, what a model call can fail with, and how a failed HTTP exchange becomes
//! one. Never contains the API key: vendor messages are scrubbed of it, and the message
//! of a refused key (which OpenAI answers with a masked copy of the key) is not kept.

use std::fmt;
use std::time::Duration;

use super::{StopReason, Usage};
use crate::domain::summary::shorten;
use crate::http_client::HttpError;

/// Characters of a vendor's error message kept.
const MESSAGE_CHARS: usize = 300;

/// A failed model call.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AgentError {
    /// `agent.enabled = false`: nothing is sent.
    #[error("the agent is disabled (agent.enabled = false)")]
    Disabled,
    /// The provider cannot be used as configured.
    #[error("{provider}: invalid settings: {reason}")]
    Config {
        provider: &'static str,
        reason: String,
    },
    /// Too many requests (HTTP 429), still so after the policy's retries.
    #[error("{provider}: rate limited{}", RetryAfter(*retry_after))]
    RateLimited {
        provider: &'static str,
        retry_after: Option<Duration>,
    },
    /// The API is overloaded (Anthropic 529 `overloaded_error`, a 503), still so after
    /// the policy's retries.
    #[error("{provider}: the API is overloaded (HTTP {status})")]
    Overloaded { provider: &'static str, status: u16 },
    /// No answer in time, on every try.
    #[error("{provider}: the model did not answer in time")]
    Timeout { provider: &'static str },
    /// The API answered with an error: `kind` is the vendor's error type
    /// (`invalid_request_error`, `authentication_error`, …).
    #[error("{provider}: HTTP {status} {kind}: {message}")]
    Api {
        provider: &'static str,
        status: u16,
        kind: String,
        message: String,
        retryable: bool,
    },
    /// No usable answer: connection failures, bodies cut short or of the wrong shape.
    #[error("{provider}: {source}")]
    Http {
        provider: &'static str,
        #[source]
        source: HttpError,
    },
    /// The model called a tool with input that is not a JSON object, or a tool it was
    /// not offered. The tokens were spent (`usage`).
    #[error("{provider}: the model called tool {tool:?} wrongly: {reason}")]
    BadToolCall {
        provider: &'static str,
        tool: String,
        reason: String,
        usage: Usage,
    },
    /// A tool was forced but the model answered without calling it.
    #[error("{provider}: the model did not call the required tool {expected:?} (stop: {stop:?})")]
    NoToolCall {
        provider: &'static str,
        expected: String,
        stop: StopReason,
        usage: Usage,
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

impl AgentError {
    /// Whether the same call may succeed later: rate limits, overloads, timeouts, 5xx and
    /// connection failures. Rejected requests, refused keys and bad tool calls are not
    /// (the caller decides whether to ask the model again).
    pub fn is_retryable(&self) -> bool {
        match self {
            AgentError::RateLimited { .. }
            | AgentError::Overloaded { .. }
            | AgentError::Timeout { .. } => true,
            AgentError::Api { retryable, .. } => *retryable,
            AgentError::Http { source, .. } => source.is_retryable(),
            AgentError::Disabled
            | AgentError::Config { .. }
            | AgentError::BadToolCall { .. }
            | AgentError::NoToolCall { .. } => false,
        }
    }

    /// Tokens spent on a call that still failed (a bad or missing tool call).
    pub fn usage(&self) -> Option<Usage> {
        match self {
            AgentError::BadToolCall { usage, .. } | AgentError::NoToolCall { usage, .. } => {
                Some(*usage)
            }
            _ => None,
        }
    }

    /// The HTTP status, for errors that carry one.
    pub fn status(&self) -> Option<u16> {
        match self {
            AgentError::RateLimited { .. } => Some(429),
            AgentError::Overloaded { status, .. } | AgentError::Api { status, .. } => Some(*status),
            AgentError::Http { source, .. } => source.status(),
            _ => None,
        }
    }
}

/// A vendor's error body, decoded by the provider: its error type and message.
pub(super) struct VendorError {
    pub(super) kind: String,
    pub(super) message: String,
}

/// The `AgentError` for a failed exchange. `decode` reads the vendor's error body (from
/// the excerpt the HTTP layer kept); `api_key` is scrubbed from what is kept.
pub(super) fn from_http(
    provider: &'static str,
    error: HttpError,
    api_key: &str,
    decode: impl Fn(&str) -> Option<VendorError>,
) -> AgentError {
    match error {
        HttpError::RateLimited { retry_after, .. } => AgentError::RateLimited {
            provider,
            retry_after,
        },
        HttpError::Timeout { .. } => AgentError::Timeout { provider },
        HttpError::Status {
            status,
            body_excerpt,
            retryable,
            ..
        } => {
            let vendor = decode(&body_excerpt);
            let kind = vendor.as_ref().map(|v| v.kind.as_str()).unwrap_or_default();
            if matches!(status, 503 | 529) || kind == "overloaded_error" {
                return AgentError::Overloaded { provider, status };
            }
            let message = if matches!(status, 401 | 403) {
                // OpenAI quotes a masked copy of a refused key: keep none of it.
                "the API key was refused".to_owned()
            } else {
                let text = vendor
                    .as_ref()
                    .map_or(body_excerpt.as_str(), |v| &v.message);
                scrub(text, api_key)
            };
            AgentError::Api {
                provider,
                status,
                kind: scrub(kind, api_key),
                message,
                retryable,
            }
        }
        source => AgentError::Http { provider, source },
    }
}

/// `text` on one line, shortened, with every copy of the key replaced.
fn scrub(text: &str, api_key: &str) -> String {
    let text = if api_key.len() >= 4 {
        text.replace(api_key, "[redacted]")
    } else {
        text.to_owned()
    };
    shorten(&text, MESSAGE_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(status: u16, body: &str) -> HttpError {
        HttpError::Status {
            vendor: "x",
            status,
            body_excerpt: body.to_owned(),
            retryable: status >= 500,
        }
    }

    fn decode_plain(body: &str) -> Option<VendorError> {
        let (kind, message) = body.split_once(':')?;
        Some(VendorError {
            kind: kind.to_owned(),
            message: message.trim().to_owned(),
        })
    }

    #[test]
    fn overload_rate_limit_and_timeout_are_retryable_rejections_are_not() {
        let overloaded = from_http(
            "p",
            status(529, "overloaded_error: Overloaded"),
            "k",
            decode_plain,
        );
        assert_eq!(
            overloaded,
            AgentError::Overloaded {
                provider: "p",
                status: 529
            }
        );
        assert!(overloaded.is_retryable());
        let limited = HttpError::RateLimited {
            vendor: "x",
            retry_after: Some(Duration::from_secs(3)),
        };
        let limited = from_http("p", limited, "k", decode_plain);
        assert!(limited.is_retryable() && limited.to_string().contains("3 s"));
        let timeout = from_http("p", HttpError::Timeout { vendor: "x" }, "k", decode_plain);
        assert!(timeout.is_retryable());
        let invalid = from_http(
            "p",
            status(400, "invalid_request_error: max_tokens: Field required"),
            "k",
            decode_plain,
        );
        assert!(!invalid.is_retryable());
        assert!(invalid.to_string().contains("max_tokens: Field required"));
    }

    #[test]
    fn the_key_never_survives() {
        let key = "sk-live-0123456789abcdef";
        let echoed = from_http(
            "p",
            status(400, &format!("invalid_request_error: bad key {key} here")),
            key,
            decode_plain,
        );
        assert!(!echoed.to_string().contains(key), "{echoed}");
        let refused = from_http(
            "p",
            status(
                401,
                "invalid_request_error: Incorrect API key provided: sk-li***cdef",
            ),
            key,
            decode_plain,
        );
        let shown = format!("{refused} {refused:?}");
        assert!(
            !shown.contains("cdef") && !refused.is_retryable(),
            "{shown}"
        );
    }
}
