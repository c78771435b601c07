//! What every request to the Linear emulator goes through: outage, API-key auth, the
//! request log, validation, fault injection (rendered Linear's way) and execution, and
//! the rate-limit headers on every answer.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::extract::State as AxumState;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;

use super::errors::{LinearError, errors_body};
use super::execute::{self, GraphqlRequest, Prepared};
use super::project::Ctx;
use super::{LinearSandbox, RecordedRequest};
use crate::Fault;

/// Requests per hour the emulator advertises.
const REQUESTS_LIMIT: u64 = 5000;

/// An answer before the common headers.
struct Reply {
    status: u16,
    body: Vec<u8>,
    content_type: &'static str,
    /// Set when the request was throttled: how long until the quota resets.
    throttled_for: Option<Duration>,
}

impl Reply {
    fn json(status: u16, value: &serde_json::Value) -> Reply {
        Reply {
            status,
            body: serde_json::to_vec(value).unwrap_or_default(),
            content_type: "application/json; charset=utf-8",
            throttled_for: None,
        }
    }

    fn errors(errors: &[LinearError]) -> Reply {
        let status = errors.first().map_or(400, |e| e.status);
        Reply::json(status, &errors_body(errors))
    }

    fn html(status: u16, text: &str) -> Reply {
        Reply {
            status,
            body: format!("<html><body><h1>{status} {text}</h1></body></html>").into_bytes(),
            content_type: "text/html",
            throttled_for: None,
        }
    }
}

/// The axum handler for `POST /graphql` (and `/`).
pub(super) async fn graphql(
    AxumState(sandbox): AxumState<Arc<LinearSandbox>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let serial = sandbox.log_request(RecordedRequest {
        serial: 0,
        operation: None,
        root_fields: Vec::new(),
        status: 0,
        fault: None,
        authorized: false,
    });
    let reply = answer(&sandbox, serial, &headers, &body).await;
    sandbox.update_request(serial, |r| r.status = reply.status);
    respond(reply)
}

async fn answer(sandbox: &LinearSandbox, serial: u64, headers: &HeaderMap, body: &[u8]) -> Reply {
    if sandbox.lock().outage {
        return Reply::html(503, "Service Unavailable");
    }
    let api_key = sandbox.lock().api_key.clone();
    let authorized = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == api_key);
    if !authorized {
        return Reply::errors(&[LinearError::authentication()]);
    }
    sandbox.update_request(serial, |r| r.authorized = true);
    let request: GraphqlRequest = match serde_json::from_slice(body) {
        Ok(request) => request,
        Err(e) => {
            let message = format!("POST body sent invalid JSON: {e}");
            return Reply::errors(&[LinearError::bad_request(message)]);
        }
    };
    let prepared = match execute::prepare(&sandbox.schema, request) {
        Ok(prepared) => prepared,
        Err(errors) => return Reply::errors(&errors),
    };
    let fault = sandbox.next_fault(&prepared.root_fields);
    sandbox.update_request(serial, |r| {
        r.operation = prepared.name.clone();
        r.root_fields = prepared.root_fields.clone();
        r.fault = fault;
    });
    match fault {
        Some(Fault::Throttle { retry_after }) => {
            let mut reply = Reply::errors(&[LinearError::ratelimited()]);
            reply.throttled_for = Some(retry_after);
            return reply;
        }
        Some(Fault::ServerError { status: 500 }) => {
            let error = LinearError::internal("Internal server error");
            return Reply::json(500, &errors_body(&[error]));
        }
        Some(Fault::ServerError { status }) => return Reply::html(status, "Bad Gateway"),
        _ => {}
    }
    // A body fault stands for a response mangled on the way by something that did not
    // forward the request: it must not change anything.
    let throwaway = matches!(fault, Some(Fault::Truncate | Fault::Malformed));
    let (status, value) = run(sandbox, &prepared, throwaway);
    let mut reply = Reply::json(status, &value);
    match fault {
        Some(body_fault @ (Fault::Truncate | Fault::Malformed)) => {
            reply.body = body_fault.mangle_body(reply.body);
        }
        // Applied, then answered late: the "landed but the client gave up" case.
        Some(Fault::Delay(delay)) => tokio::time::sleep(delay).await,
        _ => {}
    }
    reply
}

/// Executes under the state lock (on a copy when `throwaway`).
fn run(sandbox: &LinearSandbox, prepared: &Prepared, throwaway: bool) -> (u16, serde_json::Value) {
    let mut inner = sandbox.lock();
    if throwaway {
        let ctx = Ctx::new(inner.state.clone());
        return execute::run(&sandbox.schema, prepared, &ctx);
    }
    let ctx = Ctx::new(std::mem::take(&mut inner.state));
    let answer = execute::run(&sandbox.schema, prepared, &ctx);
    inner.state = ctx.state.into_inner();
    answer
}

fn respond(reply: Reply) -> Response {
    let mut response = Response::new(Body::from(reply.body));
    *response.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(reply.content_type));
    let epoch_ms = |after: Duration| {
        (SystemTime::now() + after)
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    };
    let (remaining, reset) = match reply.throttled_for {
        Some(wait) => (0, epoch_ms(wait)),
        None => (REQUESTS_LIMIT - 1, epoch_ms(Duration::from_secs(3600))),
    };
    let numbers = [
        ("x-ratelimit-requests-limit", REQUESTS_LIMIT),
        ("x-ratelimit-requests-remaining", remaining),
        ("x-ratelimit-requests-reset", reset),
    ];
    for (name, value) in numbers {
        headers.insert(name, HeaderValue::from(value));
    }
    response
}
