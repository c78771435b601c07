//! CloudWatch Logs emulator (awsJson 1.1, `X-Amz-Target: Logs_20140328.<Op>`) serving
//! `FilterLogEvents` and `DescribeLogGroups`, with a Rust seeding API, a request log, and
//! faults rendered as CloudWatch shows them.
//!
//! Protocol checks, in AWS's order: content type and target (`UnknownOperationException`),
//! a SigV4-shaped `Authorization` header (`MissingAuthenticationTokenException` /
//! `IncompleteSignatureException`, 403; the signature itself is not verified), then the
//! body (`SerializationException`), then the operation's own validation.

pub mod filter;
pub mod store;
pub mod wire;

use std::sync::{Arc, Mutex, RwLock};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

use super::faults::{Fault, Faults};
use store::{MAX_PAGE_BYTES, ScanLimits, Store};
use wire::{ApiError, DescribeLogGroupsRequest, ErrorKind, FilterLogEventsRequest};

pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";
pub const TARGET_PREFIX: &str = "Logs_20140328.";
/// The operations this emulator serves.
pub const OPERATIONS: [&str; 2] = ["FilterLogEvents", "DescribeLogGroups"];

/// One event to seed. Without an ingestion time the emulator stamps the seeding time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedEvent {
    pub timestamp_ms: i64,
    pub message: String,
    pub ingestion_time_ms: Option<i64>,
}

impl SeedEvent {
    pub fn new(timestamp_ms: i64, message: impl Into<String>) -> SeedEvent {
        SeedEvent {
            timestamp_ms,
            message: message.into(),
            ingestion_time_ms: None,
        }
    }

    /// Marks the event as ingested at `ingestion_time_ms` (late delivery).
    pub fn ingested_at(mut self, ingestion_time_ms: i64) -> SeedEvent {
        self.ingestion_time_ms = Some(ingestion_time_ms);
        self
    }
}

/// What the emulator saw and answered, per request.
#[derive(Debug, Clone)]
pub struct RequestRecord {
    /// The operation named by `X-Amz-Target` (empty when absent).
    pub operation: String,
    pub received: Instant,
    pub status: u16,
    pub fault: Option<Fault>,
    pub response_bytes: usize,
}

/// The emulator's state; share it (`Arc`) between the router and the test.
pub struct CloudWatchSandbox {
    store: RwLock<Store>,
    faults: Faults,
    requests: Mutex<Vec<RequestRecord>>,
    limits: Mutex<ScanLimits>,
}

impl CloudWatchSandbox {
    /// An empty emulator; `seed` drives its fault draws.
    pub fn new(seed: u64) -> Arc<CloudWatchSandbox> {
        Arc::new(CloudWatchSandbox {
            store: RwLock::new(Store::default()),
            faults: Faults::new(seed),
            requests: Mutex::new(Vec::new()),
            limits: Mutex::new(ScanLimits {
                page_bytes: MAX_PAGE_BYTES,
                scan_budget: usize::MAX,
            }),
        })
    }

    pub fn router(self: &Arc<Self>) -> Router {
        Router::new()
            .route("/", post(handle))
            .with_state(Arc::clone(self))
    }

    pub fn create_group(&self, name: &str) {
        write(&self.store).create_group(name, now_ms());
    }

    /// Appends events to `stream` of `group` (both created when missing); returns how many.
    pub fn put_events(
        &self,
        group: &str,
        stream: &str,
        events: impl IntoIterator<Item = SeedEvent>,
    ) -> usize {
        let now = now_ms();
        let events = events.into_iter().map(|e| {
            (
                e.timestamp_ms,
                e.ingestion_time_ms.unwrap_or(now),
                e.message,
            )
        });
        write(&self.store).put_events(group, stream, events, now)
    }

    /// Events stored in `group` (0 for an unknown group).
    pub fn event_count(&self, group: &str) -> usize {
        read(&self.store)
            .groups
            .get(group)
            .map_or(0, |g| g.events.len())
    }

    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    pub fn requests(&self) -> Vec<RequestRecord> {
        lock(&self.requests).clone()
    }

    /// Caps how many stored events one `FilterLogEvents` page examines (at least 1), so
    /// sparse matches yield partial or empty pages that still carry a `nextToken`.
    pub fn set_scan_budget(&self, events_per_page: usize) {
        lock(&self.limits).scan_budget = events_per_page.max(1);
    }

    async fn serve(&self, headers: &HeaderMap, body: &[u8]) -> (String, Option<Fault>, Response) {
        let operation = match check_protocol(headers) {
            Ok(operation) => operation,
            Err((operation, error)) => return (operation, None, error_response(&error)),
        };
        let fault = self.faults.next();
        match fault {
            Some(Fault::Throttle { .. }) => {
                let error = ApiError::new(ErrorKind::Throttling, "Rate exceeded");
                return (operation, fault, error_response(&error));
            }
            Some(Fault::ServerError { status }) => {
                let kind = if status == 503 {
                    ErrorKind::ServiceUnavailable
                } else {
                    ErrorKind::InternalFailure
                };
                let error = ApiError::new(kind, "The server encountered an internal error.");
                let mut response = error_response(&error);
                *response.status_mut() =
                    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                return (operation, fault, response);
            }
            Some(Fault::Delay(delay)) => tokio::time::sleep(delay).await,
            _ => {}
        }
        let result = match operation.as_str() {
            "FilterLogEvents" => parse::<FilterLogEventsRequest>(body).and_then(|request| {
                let limits = *lock(&self.limits);
                to_json(&read(&self.store).filter_log_events(&request, limits)?)
            }),
            _ => parse::<DescribeLogGroupsRequest>(body)
                .and_then(|request| to_json(&read(&self.store).describe_log_groups(&request)?)),
        };
        let response = match (result, fault) {
            (Ok(body), Some(Fault::Malformed)) => (
                [(header::CONTENT_TYPE, "text/html")],
                Fault::Malformed.mangle_body(body),
            )
                .into_response(),
            (Ok(body), Some(Fault::Truncate)) => {
                json_response(StatusCode::OK, Fault::Truncate.mangle_body(body))
            }
            (Ok(body), _) => json_response(StatusCode::OK, body),
            (Err(error), _) => error_response(&error),
        };
        (operation, fault, response)
    }
}

async fn handle(
    State(sandbox): State<Arc<CloudWatchSandbox>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let received = Instant::now();
    let (operation, fault, mut response) = sandbox.serve(&headers, &body).await;
    let request_number = {
        let mut requests = lock(&sandbox.requests);
        requests.push(RequestRecord {
            operation,
            received,
            status: response.status().as_u16(),
            fault,
            response_bytes: body_len(&response),
        });
        requests.len()
    };
    if let Ok(id) = HeaderValue::from_str(&format!("00000000-0000-4000-8000-{request_number:012x}"))
    {
        response.headers_mut().insert("x-amzn-requestid", id);
    }
    response
}

/// Content type, target and a SigV4-shaped `Authorization` header; returns the operation.
fn check_protocol(headers: &HeaderMap) -> Result<String, (String, ApiError)> {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let target = text("x-amz-target").unwrap_or("");
    let operation = target.strip_prefix(TARGET_PREFIX).unwrap_or("").to_string();
    let content_type = text(header::CONTENT_TYPE.as_str()).unwrap_or("");
    let unknown = |operation: String| {
        let error = ApiError::new(
            ErrorKind::UnknownOperation,
            format!("Unknown operation: {target:?}"),
        );
        Err((operation, error))
    };
    if content_type.split(';').next().map(str::trim) != Some(CONTENT_TYPE) {
        return unknown(operation);
    }
    if !OPERATIONS.contains(&operation.as_str()) {
        return unknown(operation);
    }
    let Some(authorization) = text(header::AUTHORIZATION.as_str()) else {
        let error = ApiError::new(
            ErrorKind::MissingAuthenticationToken,
            "Missing Authentication Token",
        );
        return Err((operation, error));
    };
    let sigv4 = authorization.starts_with("AWS4-HMAC-SHA256 ")
        && ["Credential=", "SignedHeaders=", "Signature="]
            .iter()
            .all(|part| authorization.contains(part))
        && text("x-amz-date").is_some();
    if !sigv4 {
        let error = ApiError::new(
            ErrorKind::IncompleteSignature,
            "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters and an X-Amz-Date header.",
        );
        return Err((operation, error));
    }
    Ok(operation)
}

fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::new(ErrorKind::Serialization, e.to_string()))
}

fn to_json(value: &impl serde::Serialize) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(value).map_err(|e| ApiError::new(ErrorKind::InternalFailure, e.to_string()))
}

fn json_response(status: StatusCode, body: Vec<u8>) -> Response {
    (status, [(header::CONTENT_TYPE, CONTENT_TYPE)], body).into_response()
}

fn error_response(error: &ApiError) -> Response {
    let status = StatusCode::from_u16(error.kind.status()).unwrap_or(StatusCode::BAD_REQUEST);
    json_response(status, error.body())
}

fn body_len(response: &Response) -> usize {
    use axum::body::HttpBody;
    response.body().size_hint().exact().unwrap_or(0) as usize
}

/// The wall clock in epoch milliseconds, as CloudWatch stamps ingestion.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

fn read(store: &RwLock<Store>) -> std::sync::RwLockReadGuard<'_, Store> {
    store.read().unwrap_or_else(|p| p.into_inner())
}

fn write(store: &RwLock<Store>) -> std::sync::RwLockWriteGuard<'_, Store> {
    store.write().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod contract_tests;
#[cfg(test)]
mod tests;
