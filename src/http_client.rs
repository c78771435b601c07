//! The outbound HTTP policy every vendor client shares (Sentry, Linear, GitHub, chat
//! webhooks, LLM APIs): timeouts, retries with jittered backoff honouring the server's
//! wait hints, and a per-vendor concurrency cap.
//!
//! What is retried, at most `max_attempts` tries in all:
//! - connect failures (the request never left): always, whatever the method;
//! - 429 and 503 (the server refused before doing the work): always;
//! - timeouts, connections cut mid-exchange, 502, 504 and 408: only for idempotent
//!   requests, because the server may have done the work. GET/HEAD/PUT/DELETE/OPTIONS
//!   are idempotent; POST and PATCH are not unless the caller says so with
//!   [`Idempotency::Safe`] (e.g. a POST carrying an idempotency key);
//! - 500: once (idempotent requests only): a second 500 is usually a bug, not a blip;
//! - a 2xx body that is cut short or not JSON (`send_json` only): like a 502.
//!
//! Between tries the client sleeps a "full jitter" backoff, a random duration in
//! `0..=min(max_backoff, base_backoff * 2^(try-1))`. When the server asked for a wait
//! (`Retry-After` in seconds or as an HTTP date; Sentry's `X-Sentry-Rate-Limit-Reset`,
//! Linear's `X-RateLimit-Requests-Reset` or GitHub's `X-RateLimit-Reset` once the remaining
//! quota is 0) the sleep is at least that wait. A wait longer than `max_retry_after` is
//! not slept: the call fails at once with a retryable [`HttpError::RateLimited`]. A
//! response that reports an exhausted quota also holds back this vendor's next requests
//! until the quota resets.
//!
//! A response body longer than [`MAX_RESPONSE_BYTES`] is not read: the call fails with
//! [`HttpError::TooLarge`] (not retried).
//!
//! Errors never carry request headers or URLs (tokens and webhook URLs are secrets).

mod call;
mod error;
mod retry;
mod wait;

#[cfg(test)]
mod tests;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;

pub use error::{BodyFault, HttpError, decode_json};
pub use wait::{quota_exhausted_wait, server_requested_wait};

/// Longest response body a vendor call reads (32 MiB): far above any page these APIs
/// send, and a bound on what a broken or hostile server can make triaged buffer.
pub const MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// Timeouts, retries and concurrency for one vendor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpPolicy {
    /// Limit on establishing a connection (TCP + TLS).
    #[serde(with = "humantime_serde")]
    pub connect_timeout: Duration,
    /// Limit on one whole exchange, from sending to the last byte of the body.
    #[serde(with = "humantime_serde")]
    pub request_timeout: Duration,
    /// Tries per call, the first included (1 = no retry).
    pub max_attempts: u32,
    /// Backoff ceiling of the first retry; doubles with each further retry.
    #[serde(with = "humantime_serde")]
    pub base_backoff: Duration,
    /// Largest backoff between two tries (server-requested waits aside).
    #[serde(with = "humantime_serde")]
    pub max_backoff: Duration,
    /// Longest server-requested wait that is slept; beyond it the call fails (retryably).
    #[serde(with = "humantime_serde")]
    pub max_retry_after: Duration,
    /// Requests in flight to this vendor at once.
    pub concurrency: usize,
}

impl Default for HttpPolicy {
    fn default() -> Self {
        HttpPolicy {
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
            max_attempts: 4,
            base_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(120),
            concurrency: 4,
        }
    }
}

impl HttpPolicy {
    /// Rejects settings that cannot work (zero attempts, zero concurrency, zero timeouts).
    pub fn validate(&self) -> Result<(), String> {
        if self.max_attempts == 0 {
            return Err("max_attempts must be at least 1".into());
        }
        if self.concurrency == 0 {
            return Err("concurrency must be at least 1".into());
        }
        if self.connect_timeout.is_zero() || self.request_timeout.is_zero() {
            return Err("timeouts must be greater than zero".into());
        }
        Ok(())
    }
}

/// Whether a request may be sent again after the server may already have acted on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idempotency {
    /// Repeating it has the same effect as sending it once.
    Safe,
    /// Repeating it may act twice: retried only when it surely never reached the server.
    Unsafe,
}

impl Idempotency {
    /// The HTTP method's own semantics: POST and PATCH are unsafe, the others safe.
    pub fn of_method(method: &Method) -> Idempotency {
        if *method == Method::POST || *method == Method::PATCH {
            Idempotency::Unsafe
        } else {
            Idempotency::Safe
        }
    }
}

/// What a classifier decides about one response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Hand the response to the caller.
    Accept,
    /// Try again, after at least `after` when given.
    Retry { after: Option<Duration> },
    /// Fail now with the response's status and body excerpt.
    Reject,
}

/// Status line and headers of a response.
#[derive(Debug, Clone)]
pub struct ResponseHead {
    pub status: StatusCode,
    pub headers: HeaderMap,
}

/// The verdict of the policy above for a response, from its status and headers alone.
pub fn default_verdict(head: &ResponseHead) -> Verdict {
    let status = head.status;
    if status.is_success() {
        Verdict::Accept
    } else if matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504) {
        Verdict::Retry {
            after: server_requested_wait(&head.headers, std::time::SystemTime::now()),
        }
    } else {
        Verdict::Reject
    }
}

/// An HTTP client for one vendor, built from an [`HttpPolicy`]. Cheap to clone; clones
/// share the concurrency cap.
#[derive(Debug, Clone)]
pub struct VendorClient {
    vendor: &'static str,
    policy: HttpPolicy,
    /// Longest response body read; a longer one fails the call (`HttpError::TooLarge`).
    max_body_bytes: usize,
    client: reqwest::Client,
    permits: Arc<Semaphore>,
    /// Until when the vendor said its quota is spent (from a response's quota headers).
    quota_pause: Arc<Mutex<Option<tokio::time::Instant>>>,
}

impl VendorClient {
    pub fn new(vendor: &'static str, policy: HttpPolicy) -> Result<Self, HttpError> {
        policy
            .validate()
            .map_err(|reason| HttpError::Config { vendor, reason })?;
        let client = reqwest::Client::builder()
            .connect_timeout(policy.connect_timeout)
            .timeout(policy.request_timeout)
            .user_agent(concat!("triaged/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| HttpError::Config {
                vendor,
                reason: e.without_url().to_string(),
            })?;
        Ok(VendorClient {
            vendor,
            max_body_bytes: MAX_RESPONSE_BYTES,
            permits: Arc::new(Semaphore::new(policy.concurrency)),
            policy,
            client,
            quota_pause: Arc::new(Mutex::new(None)),
        })
    }

    /// The same client with another cap on response bodies (tests use small ones).
    pub fn with_max_body_bytes(mut self, max_body_bytes: usize) -> Self {
        self.max_body_bytes = max_body_bytes;
        self
    }

    /// The vendor name used in errors and logs.
    pub fn vendor(&self) -> &'static str {
        self.vendor
    }

    pub fn policy(&self) -> &HttpPolicy {
        &self.policy
    }

    /// Overrides the idempotency the request's method implies, for one call.
    pub fn with_idempotency(&self, idempotency: Idempotency) -> Call<'_> {
        Call {
            client: self,
            idempotency: Some(idempotency),
        }
    }

    /// Sends with retries; returns the first accepted (2xx) response with its body
    /// unread. The body is read by the caller, after the concurrency permit is released,
    /// and is not retried: prefer `send_json` / `send_with` for small bodies.
    pub async fn send(
        &self,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, HttpError> {
        self.call().send(build).await
    }

    /// Sends with retries, reads the whole body, and lets `classify` judge each response
    /// (for vendors that signal rate limits in a body, e.g. Linear's HTTP 400 with
    /// `errors[].extensions.code == "RATELIMITED"`). `default_verdict` is the fallback.
    pub async fn send_with(
        &self,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
        classify: impl Fn(&ResponseHead, &[u8]) -> Verdict,
    ) -> Result<(ResponseHead, Bytes), HttpError> {
        self.call().send_with(build, classify).await
    }

    /// Sends with retries and decodes a 2xx JSON body; a body cut short or not JSON at
    /// all is retried, one that is JSON of the wrong shape fails with `HttpError::Body`.
    pub async fn send_json<T: DeserializeOwned>(
        &self,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<(ResponseHead, T), HttpError> {
        self.call().send_json(build).await
    }

    /// `decode_json` with this client's vendor name.
    pub fn decode_json<T: DeserializeOwned>(&self, body: &[u8]) -> Result<T, HttpError> {
        decode_json(self.vendor, body)
    }

    fn call(&self) -> Call<'_> {
        Call {
            client: self,
            idempotency: None,
        }
    }

    /// Waits while the vendor's quota is known to be spent.
    async fn wait_for_quota(&self) {
        let until = *self.quota_pause.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(until) = until {
            tokio::time::sleep_until(until).await;
        }
    }

    fn note_quota(&self, headers: &HeaderMap) {
        let Some(wait) = quota_exhausted_wait(headers, std::time::SystemTime::now()) else {
            return;
        };
        let until = tokio::time::Instant::now() + wait.min(self.policy.max_retry_after);
        let mut pause = self.quota_pause.lock().unwrap_or_else(|p| p.into_inner());
        if pause.is_none_or(|current| current < until) {
            *pause = Some(until);
        }
    }
}

/// One call's options (see [`VendorClient::with_idempotency`]).
pub struct Call<'a> {
    client: &'a VendorClient,
    idempotency: Option<Idempotency>,
}
