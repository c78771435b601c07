//! One GraphQL exchange with Linear through the shared HTTP policy: the request body,
//! the `Authorization` header, the classifier that waits out Linear's `RATELIMITED`
//! (an HTTP 400 whose body says so), and the mapping of GraphQL `errors` to
//! `TrackerError::Rejected`.

use std::time::SystemTime;

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use serde::{Deserialize, Serialize};

use super::ops::Operation;
use super::{LinearTracker, VENDOR};
use crate::http_client::{
    BodyFault, HttpError, Idempotency, ResponseHead, Verdict, decode_json, default_verdict,
    server_requested_wait,
};
use crate::tracker::TrackerError;

/// Linear's error code for a spent rate limit.
const RATELIMITED: &str = "RATELIMITED";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RequestBody<'a, V> {
    query: &'a str,
    operation_name: &'a str,
    variables: &'a V,
}

/// The `errors` of an answer (its `data` is read separately, once there are none).
#[derive(Deserialize)]
struct ErrorsOnly {
    #[serde(default)]
    errors: Option<Vec<GraphqlError>>,
}

#[derive(Deserialize)]
struct DataOnly<D> {
    data: D,
}

/// One entry of a GraphQL `errors` list, as Linear writes it.
#[derive(Debug, Clone, Deserialize)]
struct GraphqlError {
    message: String,
    #[serde(default)]
    extensions: ErrorExtensions,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ErrorExtensions {
    code: Option<String>,
    user_presentable_message: Option<String>,
}

impl LinearTracker {
    /// Sends `Op` and returns its `data`. Queries and idempotent mutations are retried
    /// by the policy (and once more here when a 2xx body arrives mangled); other
    /// mutations only when they surely did not reach Linear.
    pub(super) async fn execute<Op: Operation>(
        &self,
        variables: &Op::Variables,
    ) -> Result<Op::Data, TrackerError> {
        let body = serde_json::to_vec(&RequestBody {
            query: Op::DOCUMENT,
            operation_name: Op::NAME,
            variables,
        })
        .map_err(|e| shape_error::<Op>(format!("cannot encode the variables: {e}")))?;
        let attempts = if Op::IDEMPOTENT {
            self.http.policy().max_attempts.max(1)
        } else {
            1
        };
        let mut attempt = 1;
        loop {
            match self.exchange::<Op>(&body).await {
                Err(TrackerError::Http(HttpError::Body { fault, .. }))
                    if fault != BodyFault::Shape && attempt < attempts =>
                {
                    // A 2xx cut short or replaced on the way: the policy hands 2xx bodies
                    // over as they are, so an idempotent call is tried again here.
                    tokio::time::sleep(self.http.policy().base_backoff).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    async fn exchange<Op: Operation>(&self, body: &[u8]) -> Result<Op::Data, TrackerError> {
        let idempotency = if Op::IDEMPOTENT {
            Idempotency::Safe
        } else {
            Idempotency::Unsafe
        };
        let (_head, answer) = self
            .http
            .with_idempotency(idempotency)
            .send_with(
                |client| {
                    client
                        .post(&self.config.base_url)
                        .header(AUTHORIZATION, self.api_key.clone())
                        .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                        .body(body.to_vec())
                },
                classify,
            )
            .await?;
        let errors = decode::<Op, ErrorsOnly>(&answer)?
            .errors
            .unwrap_or_default();
        if let Some(rejection) = rejection::<Op>(&errors) {
            return Err(rejection);
        }
        Ok(decode::<Op, DataOnly<Op::Data>>(&answer)?.data)
    }
}

/// Judges a Linear answer: `RATELIMITED` (in any status) is waited out and retried; a
/// 4xx carrying GraphQL `errors` is accepted, so its code reaches the caller; the rest
/// follows the shared policy.
pub(super) fn classify(head: &ResponseHead, body: &[u8]) -> Verdict {
    let status = head.status;
    let errors = serde_json::from_slice::<ErrorsOnly>(body)
        .ok()
        .and_then(|e| e.errors)
        .unwrap_or_default();
    let rate_limited = errors
        .iter()
        .any(|e| e.extensions.code.as_deref() == Some(RATELIMITED));
    if rate_limited {
        return Verdict::Retry {
            after: server_requested_wait(&head.headers, SystemTime::now()),
        };
    }
    let answered = status.is_client_error() && !errors.is_empty();
    if answered && !matches!(status.as_u16(), 408 | 429) {
        return Verdict::Accept;
    }
    default_verdict(head)
}

/// The rejection an `errors` list amounts to, if any.
fn rejection<Op: Operation>(errors: &[GraphqlError]) -> Option<TrackerError> {
    let first = errors.first()?;
    let code = first
        .extensions
        .code
        .clone()
        .unwrap_or_else(|| "GRAPHQL_ERROR".to_owned());
    let message = errors
        .iter()
        .map(|e| match &e.extensions.user_presentable_message {
            Some(shown) if *shown != e.message => format!("{} ({shown})", e.message),
            _ => e.message.clone(),
        })
        .collect::<Vec<_>>()
        .join("; ");
    Some(TrackerError::Rejected {
        vendor: VENDOR,
        operation: Op::NAME,
        code,
        message,
    })
}

/// Whether a rejection says the entity asked for does not exist (Linear answers an
/// unknown id with `INPUT_ERROR` "Entity not found: Issue").
pub(super) fn is_not_found(error: &TrackerError) -> bool {
    matches!(
        error,
        TrackerError::Rejected { code, message, .. }
            if code == "INPUT_ERROR" && message.starts_with("Entity not found")
    )
}

/// Decodes an answer; JSON of the wrong shape is `TrackerError::Shape`, a body cut short
/// or not JSON stays an (retryable) HTTP body error.
fn decode<Op: Operation, T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, TrackerError> {
    decode_json(VENDOR, body).map_err(|e| match e {
        HttpError::Body {
            fault: BodyFault::Shape,
            path,
            reason,
            ..
        } => shape_error::<Op>(format!("at `{path}`: {reason}")),
        other => TrackerError::Http(other),
    })
}

fn shape_error<Op: Operation>(detail: String) -> TrackerError {
    TrackerError::Shape {
        vendor: VENDOR,
        operation: Op::NAME,
        detail,
    }
}
