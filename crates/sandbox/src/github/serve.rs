//! What every GitHub emulator request goes through: routing, the `User-Agent`, token
//! and API-version checks, the primary rate limit and its headers, injected faults and
//! one-shot interrupts, and the request log.

use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use serde_json::Value;

use super::render::{self, Site};
use super::route::route;
use super::{GitHubSandbox, Interrupt, RecordedRequest, RouteKind, ops};
use crate::Fault;

/// API versions GitHub accepts in `X-GitHub-Api-Version`.
const API_VERSIONS: [&str; 2] = ["2022-11-28", "2026-03-10"];

/// GitHub's message for a secondary rate limit.
const SECONDARY_LIMIT: &str =
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.";

/// GitHub's message for an error status the emulator is told to answer.
fn status_message(status: StatusCode) -> &'static str {
    match status.as_u16() {
        401 => "Bad credentials",
        403 => "Resource not accessible by integration",
        404 => "Not Found",
        409 => "Git Repository is empty.",
        422 => "Validation Failed",
        _ => "Server Error",
    }
}

/// What an operation answers, before faults and common headers.
pub(super) struct Answer {
    pub(super) status: StatusCode,
    pub(super) body: Value,
    pub(super) location: Option<String>,
}

impl Answer {
    pub(super) fn ok(status: StatusCode, body: Value) -> Answer {
        Answer {
            status,
            body,
            location: None,
        }
    }

    pub(super) fn error(status: StatusCode, message: &str) -> Answer {
        Answer::ok(status, render::error(status.as_u16(), message))
    }

    pub(super) fn not_found() -> Answer {
        Answer::error(StatusCode::NOT_FOUND, "Not Found")
    }

    pub(super) fn invalid(message: &str, errors: Value) -> Answer {
        Answer::ok(
            StatusCode::UNPROCESSABLE_ENTITY,
            render::validation(message, errors),
        )
    }
}

/// A routed request: its operation, repository (`owner/name`) and the path's tail.
pub(super) struct Target {
    pub(super) kind: RouteKind,
    pub(super) repo: String,
    pub(super) rest: String,
}

/// The parts of a request an operation reads.
pub(super) struct Incoming {
    pub(super) target: Target,
    pub(super) query: Vec<(String, String)>,
    pub(super) body: Bytes,
}

impl Incoming {
    pub(super) fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The axum handler for every path.
pub(super) async fn handle(
    State(sandbox): State<Arc<GitHubSandbox>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let query: Vec<(String, String)> =
        serde_urlencoded::from_str(uri.query().unwrap_or("")).unwrap_or_default();
    let target = route(&method, uri.path());
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let token = header("authorization").and_then(|v| {
        let (scheme, token) = v.split_once(' ')?;
        matches!(scheme.to_ascii_lowercase().as_str(), "bearer" | "token")
            .then(|| token.trim().to_owned())
    });
    let site = Site {
        root: format!(
            "http://{}",
            header("host").unwrap_or_else(|| "127.0.0.1".into())
        ),
    };
    let serial = sandbox.log(RecordedRequest {
        serial: 0,
        kind: target.as_ref().map(|t| t.kind),
        method: method.to_string(),
        path: uri.path().to_owned(),
        query: query.clone(),
        body: (!body.is_empty()).then(|| String::from_utf8_lossy(&body).into_owned()),
        status: 0,
        response_body: None,
        had_token: token.is_some(),
        user_agent: header("user-agent"),
        accept: header("accept"),
        api_version: header("x-github-api-version"),
        at: Instant::now(),
    });
    let (answer, fault) = 'answer: {
        if header("user-agent").is_none_or(|ua| ua.trim().is_empty()) {
            let message = "Request forbidden by administrative rules. Please make sure your request has a User-Agent header";
            break 'answer (Answer::error(StatusCode::FORBIDDEN, message), None);
        }
        match token {
            None => {
                let message = "Requires authentication";
                break 'answer (Answer::error(StatusCode::UNAUTHORIZED, message), None);
            }
            Some(t) if t != sandbox.token => {
                break 'answer (
                    Answer::error(StatusCode::UNAUTHORIZED, "Bad credentials"),
                    None,
                );
            }
            Some(_) => {}
        }
        if let Some(version) = header("x-github-api-version")
            && !API_VERSIONS.contains(&version.as_str())
        {
            let message = format!("Unsupported 'X-GitHub-Api-Version': {version}");
            break 'answer (Answer::error(StatusCode::BAD_REQUEST, &message), None);
        }
        if sandbox.lock().quota.admit() {
            let message = "API rate limit exceeded for user ID 9000001. If you reach out to GitHub Support for help, please include the request ID.";
            break 'answer (Answer::error(StatusCode::FORBIDDEN, message), None);
        }
        let fault = sandbox.faults.next();
        match fault {
            Some(Fault::Throttle { .. }) => {
                break 'answer (Answer::error(StatusCode::FORBIDDEN, SECONDARY_LIMIT), fault);
            }
            Some(Fault::ServerError { status }) => {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
                break 'answer (Answer::error(status, "Server Error"), fault);
            }
            Some(Fault::Delay(delay)) => tokio::time::sleep(delay).await,
            _ => {}
        }
        let Some(target) = target else {
            break 'answer (Answer::not_found(), fault);
        };
        let interrupt = sandbox.take_interrupt(target.kind);
        match interrupt {
            Some(Interrupt::Reject(status)) => {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
                break 'answer (Answer::error(status, status_message(status)), fault);
            }
            Some(Interrupt::Throttle(retry_after)) => {
                let throttle = Some(Fault::Throttle { retry_after });
                break 'answer (
                    Answer::error(StatusCode::FORBIDDEN, SECONDARY_LIMIT),
                    throttle,
                );
            }
            Some(Interrupt::Hold(delay)) => tokio::time::sleep(delay).await,
            Some(Interrupt::LoseAnswer | Interrupt::HoldAnswer(_)) | None => {}
        }
        let incoming = Incoming {
            target,
            query,
            body,
        };
        let answer = ops::run(&sandbox, &site, &incoming);
        if let Some(Interrupt::HoldAnswer(delay)) = interrupt {
            tokio::time::sleep(delay).await;
        }
        if interrupt == Some(Interrupt::LoseAnswer) {
            break 'answer (
                Answer::error(StatusCode::BAD_GATEWAY, "Server Error"),
                fault,
            );
        }
        (answer, fault)
    };
    let (response, logged) = sandbox.respond(answer, fault);
    sandbox.finish_log(serial, response.status().as_u16(), logged);
    response
}

impl GitHubSandbox {
    /// The response, and its body for the log.
    fn respond(&self, answer: Answer, fault: Option<Fault>) -> (Response, Bytes) {
        let raw = serde_json::to_vec(&answer.body).unwrap_or_default();
        let body = Bytes::from(match fault {
            Some(f @ (Fault::Truncate | Fault::Malformed)) if answer.status.is_success() => {
                f.mangle_body(raw)
            }
            _ => raw,
        });
        let mut response = Response::new(Body::from(body.clone()));
        *response.status_mut() = answer.status;
        let headers = response.headers_mut();
        let json = "application/json; charset=utf-8";
        headers.insert("content-type", HeaderValue::from_static(json));
        let media = "github.v3; format=json";
        headers.insert("x-github-media-type", HeaderValue::from_static(media));
        if let Some(location) = answer.location.and_then(|l| HeaderValue::from_str(&l).ok()) {
            headers.insert("location", location);
        }
        let quota = self.lock().quota.report();
        let numbers = [
            ("x-ratelimit-limit", u64::from(quota.limit)),
            ("x-ratelimit-remaining", u64::from(quota.remaining)),
            ("x-ratelimit-used", u64::from(quota.used)),
            ("x-ratelimit-reset", quota.reset_epoch),
        ];
        for (name, value) in numbers {
            headers.insert(name, HeaderValue::from(value));
        }
        headers.insert("x-ratelimit-resource", HeaderValue::from_static("core"));
        if let Some(Fault::Throttle { retry_after }) = fault {
            let secs = retry_after.as_secs_f64().ceil() as u64;
            headers.insert("retry-after", HeaderValue::from(secs));
        }
        (response, body)
    }
}
