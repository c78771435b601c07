//! Emulator of a Teams workflow webhook: `POST` (any path) with the `message` envelope
//! around Adaptive Cards. It checks what can be checked without the card schema — the
//! envelope, the attachment content type, `type: AdaptiveCard`, a `1.x` version up to
//! 1.5, a non-empty body, and the 28 KB message limit — and answers `202 Accepted`, or
//! `400` with a workflow-style error body (`{"error":{"code","message"}}`). The full
//! schema check (`contracts/teams/adaptive-card.json`) is done by the tests on the
//! cards recorded here (`posted()`).

#[cfg(test)]
mod tests;

use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Fault, Faults};

/// Largest message body accepted, in bytes.
pub const MESSAGE_MAX_BYTES: usize = 28 * 1024;
/// The attachment content type of an Adaptive Card.
const CARD_CONTENT_TYPE: &str = "application/vnd.microsoft.card.adaptive";
/// Highest Adaptive Card minor version (of 1.x) accepted.
const MAX_MINOR_VERSION: u32 = 5;

/// One answer the emulator gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamsAnswer {
    pub path: String,
    pub status: u16,
    pub body: String,
}

/// The Teams webhook emulator. Share it as `Arc<TeamsSandbox>`; `router()` serves it.
pub struct TeamsSandbox {
    faults: Faults,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    posted: Vec<Value>,
    answers: Vec<TeamsAnswer>,
}

#[derive(Deserialize)]
struct WireEnvelope {
    #[serde(rename = "type")]
    kind: String,
    attachments: Vec<WireAttachment>,
}

#[derive(Deserialize)]
struct WireAttachment {
    #[serde(rename = "contentType")]
    content_type: String,
    content: Value,
}

#[derive(Deserialize)]
struct WireCardHead {
    #[serde(rename = "type")]
    kind: String,
    version: String,
    body: Vec<Value>,
}

impl TeamsSandbox {
    /// `seed` drives the fault draws.
    pub fn new(seed: u64) -> Arc<TeamsSandbox> {
        Arc::new(TeamsSandbox {
            faults: Faults::new(seed),
            inner: Mutex::new(Inner::default()),
        })
    }

    /// The axum router: every path is a webhook.
    pub fn router(self: &Arc<Self>) -> Router {
        Router::new().fallback(receive).with_state(self.clone())
    }

    /// A webhook URL on a server at `base_url` (any path works).
    pub fn webhook_url(&self, base_url: &str) -> String {
        format!(
            "{}/workflows/triaged/triggers/manual/paths/invoke?sig=emulated",
            base_url.trim_end_matches('/')
        )
    }

    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// The cards (attachment `content`) accepted so far, in arrival order.
    pub fn posted(&self) -> Vec<Value> {
        self.lock().posted.clone()
    }

    pub fn answers(&self) -> Vec<TeamsAnswer> {
        self.lock().answers.clone()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    async fn answer(&self, method: &Method, body: &[u8]) -> (StatusCode, Value, Option<Fault>) {
        let fault = self.faults.next();
        match fault {
            Some(Fault::Throttle { .. }) => {
                let error = error_body("TooManyRequests", "Rate limit is exceeded.");
                return (StatusCode::TOO_MANY_REQUESTS, error, fault);
            }
            Some(Fault::ServerError { status }) => {
                let status =
                    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                let error = error_body("InternalServerError", "The request failed.");
                return (status, error, fault);
            }
            Some(Fault::Delay(delay)) => tokio::time::sleep(delay).await,
            _ => {}
        }
        if method != Method::POST {
            let error = error_body("MethodNotAllowed", "Only POST is supported.");
            return (StatusCode::METHOD_NOT_ALLOWED, error, fault);
        }
        match cards(body) {
            Ok(cards) => {
                self.lock().posted.extend(cards);
                (StatusCode::ACCEPTED, Value::Null, fault)
            }
            Err((code, message)) => (StatusCode::BAD_REQUEST, error_body(code, &message), fault),
        }
    }
}

fn error_body(code: &str, message: &str) -> Value {
    json!({ "error": { "code": code, "message": message } })
}

/// The cards of a valid message, or an error code and message.
fn cards(body: &[u8]) -> Result<Vec<Value>, (&'static str, String)> {
    let mismatch = |message: String| ("TriggerInputSchemaMismatch", message);
    if body.len() > MESSAGE_MAX_BYTES {
        return Err((
            "MessageSizeExceeded",
            format!(
                "The message is {} bytes; at most {MESSAGE_MAX_BYTES} are accepted.",
                body.len()
            ),
        ));
    }
    let envelope: WireEnvelope = serde_json::from_slice(body).map_err(|e| {
        (
            "InvalidRequestContent",
            format!("The request body is not a message: {e}"),
        )
    })?;
    if envelope.kind != "message" {
        return Err(mismatch(format!(
            "type must be \"message\", not {:?}",
            envelope.kind
        )));
    }
    if envelope.attachments.is_empty() {
        return Err(mismatch("the message has no attachments".into()));
    }
    let mut cards = Vec::with_capacity(envelope.attachments.len());
    for (n, attachment) in envelope.attachments.into_iter().enumerate() {
        if attachment.content_type != CARD_CONTENT_TYPE {
            return Err(mismatch(format!(
                "attachments[{n}].contentType must be {CARD_CONTENT_TYPE}"
            )));
        }
        let head: WireCardHead = serde_json::from_value(attachment.content.clone())
            .map_err(|e| mismatch(format!("attachments[{n}].content is not a card: {e}")))?;
        if head.kind != "AdaptiveCard" {
            return Err(mismatch(format!(
                "attachments[{n}].content.type must be AdaptiveCard"
            )));
        }
        let minor = head
            .version
            .strip_prefix("1.")
            .and_then(|minor| minor.parse::<u32>().ok());
        if minor.is_none_or(|minor| minor > MAX_MINOR_VERSION) {
            return Err(mismatch(format!(
                "attachments[{n}].content.version {:?} is not supported (1.0 to 1.{MAX_MINOR_VERSION})",
                head.version
            )));
        }
        if head.body.is_empty() {
            return Err(mismatch(format!("attachments[{n}].content.body is empty")));
        }
        cards.push(attachment.content);
    }
    Ok(cards)
}

async fn receive(
    State(sandbox): State<Arc<TeamsSandbox>>,
    method: Method,
    uri: Uri,
    body: Bytes,
) -> Response {
    let (status, answer, fault) = sandbox.answer(&method, &body).await;
    let body = if answer.is_null() {
        Vec::new()
    } else {
        serde_json::to_vec(&answer).unwrap_or_default()
    };
    let body = match fault {
        Some(f @ (Fault::Truncate | Fault::Malformed)) if status.is_success() => {
            f.mangle_body(body)
        }
        _ => body,
    };
    sandbox.lock().answers.push(TeamsAnswer {
        path: uri.path().to_owned(),
        status: status.as_u16(),
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    if let Some(Fault::Throttle { retry_after }) = fault {
        let secs = retry_after.as_secs_f64().ceil() as u64;
        headers.insert("retry-after", HeaderValue::from(secs));
    }
    response
}
