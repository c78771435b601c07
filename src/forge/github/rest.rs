//! One REST exchange with GitHub through the shared HTTP policy: the URL (path segments
//! percent-encoded under the configured base), the headers, the classifier that waits
//! out GitHub's primary and secondary rate limits (403 or 429), and the mapping of
//! GitHub's error bodies to `ForgeError`.
//!
//! Rate limits, as GitHub documents them: a 403/429 with `retry-after` waits that many
//! seconds; one with `x-ratelimit-remaining: 0` waits until `x-ratelimit-reset` (epoch
//! seconds; the shared policy also holds back later requests until then); one whose
//! message says "rate limit" without either header waits a minute. Any other 403 is a
//! permission problem and is not retried.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::Method;
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderName, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::wire::ErrorBody;
use super::{GitHub, VENDOR};
use crate::forge::ForgeError;
use crate::http_client::{
    BodyFault, HttpError, Idempotency, ResponseHead, Verdict, decode_json, default_verdict,
    server_requested_wait,
};

/// The REST API version triaged is written against.
pub const API_VERSION: &str = "2022-11-28";
const API_VERSION_HEADER: HeaderName = HeaderName::from_static("x-github-api-version");
/// The wait for a secondary rate limit that names no time.
const SECONDARY_LIMIT_WAIT: Duration = Duration::from_secs(60);
/// Characters of a GitHub error message kept in an error.
const MESSAGE_MAX: usize = 300;

/// One request: which operation (for errors), where, and what.
pub(super) struct Request<'a> {
    pub(super) operation: &'static str,
    pub(super) method: Method,
    /// The path under the base URL; each `/`-separated segment is percent-encoded.
    pub(super) path: String,
    pub(super) query: Vec<(&'static str, String)>,
    pub(super) body: Option<Vec<u8>>,
    pub(super) idempotency: Idempotency,
    /// What a 404 means, in words (`acme/shop branch triaged/fix-1`).
    pub(super) subject: &'a str,
}

impl<'a> Request<'a> {
    pub(super) fn get(operation: &'static str, path: String, subject: &'a str) -> Request<'a> {
        Request {
            operation,
            method: Method::GET,
            path,
            query: Vec::new(),
            body: None,
            idempotency: Idempotency::Safe,
            subject,
        }
    }

    /// A request with a JSON body; `idempotency` says whether repeating it is harmless.
    pub(super) fn with_body(
        operation: &'static str,
        method: Method,
        path: String,
        body: &impl Serialize,
        idempotency: Idempotency,
        subject: &'a str,
    ) -> Result<Request<'a>, ForgeError> {
        let body = serde_json::to_vec(body).map_err(|e| ForgeError::Shape {
            vendor: VENDOR,
            operation,
            detail: format!("cannot encode the request: {e}"),
        })?;
        Ok(Request {
            operation,
            method,
            path,
            query: Vec::new(),
            body: Some(body),
            idempotency,
            subject,
        })
    }

    pub(super) fn query(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.query.push((name, value.into()));
        self
    }
}

impl GitHub {
    /// Sends `request` and decodes a 2xx answer as `T`; other answers become errors. An
    /// idempotent request whose 2xx body arrives cut short or mangled is tried again.
    pub(super) async fn call<T: DeserializeOwned>(
        &self,
        request: &Request<'_>,
    ) -> Result<T, ForgeError> {
        let attempts = match request.idempotency {
            Idempotency::Safe => self.http.policy().max_attempts.max(1),
            Idempotency::Unsafe => 1,
        };
        let mut attempt = 1;
        loop {
            let (status, body) = self.exchange(request).await?;
            if !(200..300).contains(&status) {
                return Err(rejection(request, status, &body));
            }
            match decode_json::<T>(VENDOR, &body) {
                Ok(value) => return Ok(value),
                Err(HttpError::Body {
                    fault: BodyFault::Shape,
                    path,
                    reason,
                    ..
                }) => {
                    return Err(ForgeError::Shape {
                        vendor: VENDOR,
                        operation: request.operation,
                        detail: format!("at `{path}`: {reason}"),
                    });
                }
                Err(e) if attempt < attempts => {
                    tracing::warn!(vendor = VENDOR, operation = request.operation, error = %e,
                        "answer arrived mangled; retrying");
                    tokio::time::sleep(self.http.policy().base_backoff).await;
                    attempt += 1;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// The status and body of the first answer the classifier accepts.
    async fn exchange(&self, request: &Request<'_>) -> Result<(u16, Bytes), ForgeError> {
        let url = self.url(&request.path);
        let (head, body) = self
            .http
            .with_idempotency(request.idempotency)
            .send_with(
                |client| {
                    let mut builder = client
                        .request(request.method.clone(), url.clone())
                        .header(AUTHORIZATION, self.authorization.clone())
                        .header(
                            ACCEPT,
                            HeaderValue::from_static("application/vnd.github+json"),
                        )
                        .header(API_VERSION_HEADER, HeaderValue::from_static(API_VERSION));
                    if !request.query.is_empty() {
                        builder = builder.query(&request.query);
                    }
                    if let Some(body) = &request.body {
                        builder = builder
                            .header("content-type", "application/json")
                            .body(body.clone());
                    }
                    builder
                },
                classify,
            )
            .await?;
        Ok((head.status.as_u16(), body))
    }

    /// The base URL with `path`'s segments appended, each percent-encoded.
    fn url(&self, path: &str) -> reqwest::Url {
        let mut url = self.base_url.clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.pop_if_empty().extend(path.split('/'));
        }
        url
    }
}

/// Judges a GitHub answer: rate limits (403 or 429, see the module doc) are waited out;
/// 400, 401, 403, 404, 409 and 422 are accepted so their message reaches the caller; the
/// rest follows the shared policy.
pub(super) fn classify(head: &ResponseHead, body: &[u8]) -> Verdict {
    let status = head.status.as_u16();
    if matches!(status, 403 | 429) {
        if let Some(wait) = rate_limit_wait(head, body, SystemTime::now()) {
            return Verdict::Retry { after: Some(wait) };
        }
        if status == 403 {
            return Verdict::Accept;
        }
    }
    if matches!(status, 400 | 401 | 404 | 409 | 422) {
        return Verdict::Accept;
    }
    default_verdict(head)
}

/// The wait a 403/429 asks for when it is a rate limit; `None` when it is not one (or a
/// 429 that names no wait).
pub(super) fn rate_limit_wait(
    head: &ResponseHead,
    body: &[u8],
    now: SystemTime,
) -> Option<Duration> {
    if let Some(wait) = server_requested_wait(&head.headers, now) {
        return Some(wait);
    }
    let message = serde_json::from_slice::<ErrorBody>(body)
        .map(|e| e.message)
        .unwrap_or_default();
    message
        .to_ascii_lowercase()
        .contains("rate limit")
        .then_some(SECONDARY_LIMIT_WAIT)
}

/// The error a non-2xx answer amounts to.
fn rejection(request: &Request<'_>, status: u16, body: &[u8]) -> ForgeError {
    let error = serde_json::from_slice::<ErrorBody>(body).unwrap_or_default();
    let message = if error.message.is_empty() {
        bounded(&String::from_utf8_lossy(body))
    } else {
        bounded(&error.message)
    };
    let operation = request.operation;
    match status {
        401 => ForgeError::Unauthorized {
            vendor: VENDOR,
            message,
        },
        403 => ForgeError::Forbidden {
            vendor: VENDOR,
            operation,
            message,
        },
        404 => ForgeError::NotFound {
            vendor: VENDOR,
            operation,
            what: request.subject.to_owned(),
        },
        _ => ForgeError::Rejected {
            vendor: VENDOR,
            operation,
            status,
            message,
            details: error
                .errors
                .iter()
                .map(|d| bounded(&d.describe()))
                .collect(),
        },
    }
}

/// At most [`MESSAGE_MAX`] characters, control characters replaced.
fn bounded(text: &str) -> String {
    text.chars()
        .take(MESSAGE_MAX)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests;
