//! The retry loop's bookkeeping: which failures may be tried again, and how long to wait.

use std::time::Duration;

use super::{HttpError, Idempotency, ResponseHead, VendorClient, Verdict, wait};

/// Why one try failed, and whether it may be tried again.
pub(super) struct Failure {
    /// The error the call returns if this was the last try.
    pub(super) error: HttpError,
    pub(super) retry: RetryWhen,
    /// The wait the server asked for.
    pub(super) wait: Option<Duration>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RetryWhen {
    Never,
    /// The server surely did not act on it (connect failure, 429, 503).
    Always,
    /// The server may have acted on it: only idempotent requests.
    IfIdempotent,
    /// A 500: one more try, idempotent requests only.
    OnceIfIdempotent,
}

/// Counts tries and sleeps between them.
pub(super) struct Retries<'a> {
    client: &'a VendorClient,
    tries: u32,
    retried_500: bool,
}

impl<'a> Retries<'a> {
    pub(super) fn new(client: &'a VendorClient) -> Self {
        Retries {
            client,
            tries: 0,
            retried_500: false,
        }
    }

    /// After a failed try: sleeps and returns `Ok` to try again, or returns the error.
    pub(super) async fn after(
        &mut self,
        failure: Failure,
        idempotency: Idempotency,
    ) -> Result<(), HttpError> {
        self.tries += 1;
        let policy = &self.client.policy;
        let vendor = self.client.vendor;
        let allowed = match failure.retry {
            RetryWhen::Never => false,
            RetryWhen::Always => true,
            RetryWhen::IfIdempotent => idempotency == Idempotency::Safe,
            RetryWhen::OnceIfIdempotent => {
                idempotency == Idempotency::Safe && !std::mem::replace(&mut self.retried_500, true)
            }
        };
        if !allowed || self.tries >= policy.max_attempts {
            return Err(failure.error);
        }
        if let Some(wait) = failure.wait
            && wait > policy.max_retry_after
        {
            // Sleeping that long would stall the whole run: let the next run try.
            return Err(HttpError::RateLimited {
                vendor,
                retry_after: Some(wait),
            });
        }
        let backoff = wait::full_jitter(policy, self.tries, &mut rand::rng());
        let delay = match failure.wait {
            // At least what the server asked, plus a little jitter so that clients told
            // the same moment do not all come back at once.
            Some(wait) => wait + backoff.min(policy.base_backoff),
            None => backoff,
        };
        tracing::warn!(
            vendor,
            attempt = self.tries,
            delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
            error = %failure.error,
            "request failed; retrying"
        );
        tokio::time::sleep(delay).await;
        self.client.wait_for_quota().await;
        Ok(())
    }
}

/// A request that got no (complete) response.
pub(super) fn transport_failure(vendor: &'static str, e: reqwest::Error) -> Failure {
    // `without_url`: a webhook URL is a secret.
    let (is_connect, is_timeout) = (e.is_connect(), e.is_timeout());
    let reason = e.without_url().to_string();
    if is_connect {
        Failure {
            error: HttpError::Connect { vendor, reason },
            retry: RetryWhen::Always,
            wait: None,
        }
    } else if is_timeout {
        Failure {
            error: HttpError::Timeout { vendor },
            retry: RetryWhen::IfIdempotent,
            wait: None,
        }
    } else {
        Failure {
            error: HttpError::Transport { vendor, reason },
            retry: RetryWhen::IfIdempotent,
            wait: None,
        }
    }
}

/// A response that was not accepted.
pub(super) fn response_failure(
    vendor: &'static str,
    head: &ResponseHead,
    verdict: Verdict,
    body_excerpt: String,
) -> Failure {
    let status = head.status.as_u16();
    match verdict {
        Verdict::Retry { after } => {
            // Retrying anything but a 5xx or a 408 only makes sense when the vendor is
            // throttling (429, or a body that says so).
            let rate_limited = !head.status.is_server_error() && status != 408;
            let error = if rate_limited {
                HttpError::RateLimited {
                    vendor,
                    retry_after: after,
                }
            } else {
                HttpError::Status {
                    vendor,
                    status,
                    body_excerpt,
                    retryable: true,
                }
            };
            let retry = match status {
                500 => RetryWhen::OnceIfIdempotent,
                503 => RetryWhen::Always,
                _ if rate_limited => RetryWhen::Always,
                _ => RetryWhen::IfIdempotent,
            };
            Failure {
                error,
                retry,
                wait: after,
            }
        }
        Verdict::Accept | Verdict::Reject => Failure {
            error: HttpError::Status {
                vendor,
                status,
                body_excerpt,
                retryable: false,
            },
            retry: RetryWhen::Never,
            wait: None,
        },
    }
}
