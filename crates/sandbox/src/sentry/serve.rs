//! What every Sentry emulator request goes through: bearer-token auth, the rate-limit
//! window and its headers, fault injection, and the request log.

use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use serde_json::{Value, json};

use super::SentrySandbox;
use super::state::{RateReport, RecordedRequest};
use crate::Fault;

/// What an operation answers, before faults and common headers.
pub(super) struct Answer {
    pub(super) status: StatusCode,
    pub(super) body: Vec<u8>,
    pub(super) link: Option<String>,
}

impl Answer {
    pub(super) fn json(status: StatusCode, body: &Value) -> Answer {
        Answer {
            status,
            body: serde_json::to_vec(body).unwrap_or_default(),
            link: None,
        }
    }

    pub(super) fn detail(status: StatusCode, detail: &str) -> Answer {
        Answer::json(status, &json!({ "detail": detail }))
    }

    pub(super) fn not_found() -> Answer {
        Answer::detail(
            StatusCode::NOT_FOUND,
            "The requested resource does not exist",
        )
    }
}

/// The parts of a request every operation gets.
pub(super) struct Incoming {
    pub(super) uri: Uri,
    pub(super) headers: HeaderMap,
    pub(super) query: Vec<(String, String)>,
}

impl Incoming {
    /// All values of a query parameter, in order.
    pub(super) fn all(&self, name: &str) -> Vec<&str> {
        self.query
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The last value of a query parameter.
    pub(super) fn one(&self, name: &str) -> Option<&str> {
        self.all(name).last().copied()
    }
}

/// Releases the in-flight slot even when the client hangs up mid-response.
struct InFlight<'a>(&'a SentrySandbox);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.lock().rate.release();
    }
}

/// Runs `operation` inside auth, rate limits, faults and request logging.
pub(super) async fn serve(
    sandbox: &SentrySandbox,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    raw_query: Option<String>,
    body: Option<Bytes>,
    operation: impl FnOnce(&SentrySandbox, &Incoming) -> Answer,
) -> Response {
    let at = Instant::now();
    let query: Option<Vec<(String, String)>> =
        serde_urlencoded::from_str(raw_query.as_deref().unwrap_or("")).ok();
    let token = bearer_token(&headers);
    let serial = {
        let mut inner = sandbox.lock();
        inner.request_serial += 1;
        let serial = inner.request_serial;
        if inner.requests.len() >= super::REQUEST_LOG_MAX {
            inner.requests.pop_front();
        }
        inner.requests.push_back(RecordedRequest {
            serial,
            method: method.to_string(),
            path: uri.path().to_owned(),
            query: query.clone().unwrap_or_default(),
            body: body
                .as_ref()
                .map(|b| String::from_utf8_lossy(b).into_owned()),
            status: 0,
            response_body: None,
            at,
            had_token: token.is_some(),
        });
        serial
    };
    let (answer, rate, fault) = 'answer: {
        let auth = match token {
            None => Some("Authentication credentials were not provided."),
            Some(t) if t != sandbox.token => Some("Invalid token"),
            Some(_) => None,
        };
        if let Some(detail) = auth {
            break 'answer (Answer::detail(StatusCode::UNAUTHORIZED, detail), None, None);
        }
        let rate = sandbox.lock().rate.admit();
        if rate.exceeded {
            let answer = Answer::detail(
                StatusCode::TOO_MANY_REQUESTS,
                &format!(
                    "You are attempting to use this endpoint too frequently. Limit is {} requests in 1 seconds",
                    rate.limit
                ),
            );
            break 'answer (answer, Some(rate), None);
        }
        let _in_flight = InFlight(sandbox);
        let fault = sandbox.faults.next();
        let answer = match fault {
            Some(Fault::Throttle { .. }) => Answer::detail(
                StatusCode::TOO_MANY_REQUESTS,
                "You are attempting to use this endpoint too frequently.",
            ),
            Some(Fault::ServerError { status }) => Answer::detail(
                StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                "Internal Error",
            ),
            _ => match query {
                None => Answer::detail(StatusCode::BAD_REQUEST, "Invalid query string"),
                Some(query) => {
                    let incoming = Incoming {
                        uri,
                        headers,
                        query,
                    };
                    operation(sandbox, &incoming)
                }
            },
        };
        if let Some(Fault::Delay(delay)) = fault {
            tokio::time::sleep(delay).await;
        }
        (answer, Some(rate), fault)
    };
    let response = respond(answer, rate, fault);
    let mut inner = sandbox.lock();
    let keep_bodies = inner.keep_bodies;
    if let Some(request) = inner.requests.iter_mut().rev().find(|r| r.serial == serial) {
        request.status = response.0.status().as_u16();
        if keep_bodies {
            request.response_body = Some(String::from_utf8_lossy(&response.1).into_owned());
        }
    }
    response.0
}

fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get("authorization")?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The response, and its body for the log.
fn respond(answer: Answer, rate: Option<RateReport>, fault: Option<Fault>) -> (Response, Bytes) {
    let body = Bytes::from(match fault {
        Some(f @ (Fault::Truncate | Fault::Malformed)) if answer.status.is_success() => {
            f.mangle_body(answer.body)
        }
        _ => answer.body,
    });
    let mut response = Response::new(Body::from(body.clone()));
    *response.status_mut() = answer.status;
    let headers = response.headers_mut();
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    if let Some(link) = answer.link.and_then(|l| HeaderValue::from_str(&l).ok()) {
        headers.insert("link", link);
    }
    let Some(rate) = rate else {
        return (response, body);
    };
    let epoch_now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (remaining, reset_in, retry_after) = match fault {
        Some(Fault::Throttle { retry_after }) => {
            let secs = retry_after.as_secs_f64().ceil() as u64;
            (0, secs.max(1), Some(secs))
        }
        _ if rate.exceeded => (0, rate.reset_in_secs, Some(rate.reset_in_secs)),
        _ => (rate.remaining, rate.reset_in_secs, None),
    };
    let numbers = [
        ("x-sentry-rate-limit-limit", u64::from(rate.limit)),
        ("x-sentry-rate-limit-remaining", u64::from(remaining)),
        ("x-sentry-rate-limit-reset", epoch_now + reset_in),
        (
            "x-sentry-rate-limit-concurrentlimit",
            u64::from(rate.concurrent_limit),
        ),
        (
            "x-sentry-rate-limit-concurrentremaining",
            u64::from(rate.concurrent_remaining),
        ),
    ];
    for (name, value) in numbers {
        headers.insert(name, HeaderValue::from(value));
    }
    if let Some(secs) = retry_after {
        headers.insert("retry-after", HeaderValue::from(secs));
    }
    (response, body)
}
