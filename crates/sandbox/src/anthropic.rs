//! Emulator of the Anthropic Messages API (`POST /v1/messages`; contracts:
//! `anthropic/create-params.json`, `anthropic/message.json`).
//!
//! Requests are held to what the API checks (`checks`): `x-api-key` (401
//! `authentication_error`), `anthropic-version`, a JSON body with `model`, `max_tokens`
//! and `messages`, well-formed tools and `tool_choice` (400 `invalid_request_error`).
//! Valid requests are answered from the replies a test scripts ([`Scripted`], rendered
//! by `render`), else with a deterministic default: a sample call of a forced tool, or an
//! echo of the user's message. Every request body and answer is logged. Faults from the
//! shared knobs: 429 `rate_limit_error` with `retry-after`, 5xx `api_error`, late
//! answers, mangled bodies.

mod checks;
mod render;

#[cfg(test)]
mod tests;

use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::post;
use serde_json::Value;

use super::llm::{LlmAnswer, Script, Scripted};
use super::{Fault, Faults};
use render::Answer;

/// The API key the emulator accepts until `set_api_key`.
pub const SANDBOX_ANTHROPIC_KEY: &str = "sk-ant-api03-sandbox0000000000000000000000";

/// The Anthropic emulator. Share it as `Arc<AnthropicSandbox>`; `router()` serves it.
pub struct AnthropicSandbox {
    faults: Faults,
    inner: Mutex<Inner>,
}

struct Inner {
    api_key: String,
    script: Script,
}

impl AnthropicSandbox {
    /// An emulator accepting [`SANDBOX_ANTHROPIC_KEY`]; `seed` drives the fault draws.
    pub fn new(seed: u64) -> Arc<AnthropicSandbox> {
        Arc::new(AnthropicSandbox {
            faults: Faults::new(seed),
            inner: Mutex::new(Inner {
                api_key: SANDBOX_ANTHROPIC_KEY.to_owned(),
                script: Script::default(),
            }),
        })
    }

    /// The axum router serving the API (mount it with `SandboxServer::start`; the
    /// client's base URL is the server's URL).
    pub fn router(self: &Arc<Self>) -> Router {
        Router::new()
            .route("/v1/messages", post(messages))
            .fallback(not_found)
            .with_state(self.clone())
    }

    pub fn api_key(&self) -> String {
        self.lock().api_key.clone()
    }

    pub fn set_api_key(&self, key: &str) {
        key.clone_into(&mut self.lock().api_key);
    }

    /// The fault knobs (`faults().set(FaultKnobs { throttle: 0.3, .. })`).
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// Queues the answer to the next valid request.
    pub fn script(&self, reply: Scripted) {
        self.lock().script.push(reply);
    }

    /// Queues the answer to the next valid request that forces `tool`; it goes before
    /// the answers queued with `script` (so a run's other calls cannot take it).
    pub fn script_for_tool(&self, tool: &str, reply: Scripted) {
        self.lock().script.push_for_tool(tool, reply);
    }

    /// Scripted answers not yet given.
    pub fn pending(&self) -> usize {
        self.lock().script.pending()
    }

    /// Every request body received, in order (bodies that are not JSON as a string).
    pub fn requests(&self) -> Vec<Value> {
        self.lock().script.requests()
    }

    /// Every answer given, in order.
    pub fn answers(&self) -> Vec<LlmAnswer> {
        self.lock().script.answers()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    async fn answer(&self, headers: &HeaderMap, body: &[u8]) -> (Answer, u64, Option<Fault>) {
        let (serial, key) = {
            let mut inner = self.lock();
            (inner.script.record_request(body), inner.api_key.clone())
        };
        let fault = self.faults.next();
        match fault {
            Some(Fault::Throttle { retry_after }) => {
                let message = "Number of requests has exceeded your rate limit.";
                let answer = render::error(
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate_limit_error",
                    message,
                    Some(retry_after),
                );
                return (answer, serial, fault);
            }
            Some(Fault::ServerError { status }) => {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
                let answer = render::error(status, "api_error", "Internal server error", None);
                return (answer, serial, fault);
            }
            Some(Fault::Delay(delay)) => tokio::time::sleep(delay).await,
            _ => {}
        }
        let checked =
            checks::authenticate(headers, &key).and_then(|()| checks::request(headers, body));
        let asked = match checked {
            Ok(asked) => asked,
            Err(r) => {
                return (
                    Answer::Error {
                        status: r.status,
                        kind: r.kind,
                        message: r.message,
                        retry_after: None,
                    },
                    serial,
                    fault,
                );
            }
        };
        let scripted = self.lock().script.take(&asked);
        if let Some(Scripted::Timeout(hold)) = scripted {
            tokio::time::sleep(hold).await;
        }
        (render::answer(serial, &asked, scripted), serial, fault)
    }

    fn respond(&self, answer: Answer, serial: u64, fault: Option<Fault>) -> Response {
        let (status, body, retry_after) = match answer {
            Answer::Message(message) => {
                let body = serde_json::to_vec(&message).unwrap_or_default();
                let body = match fault {
                    Some(f @ (Fault::Truncate | Fault::Malformed)) => f.mangle_body(body),
                    _ => body,
                };
                (StatusCode::OK, body, None)
            }
            Answer::Error {
                status,
                kind,
                message,
                retry_after,
            } => {
                let body =
                    serde_json::to_vec(&render::error_body(kind, &message)).unwrap_or_default();
                (status, body, retry_after)
            }
        };
        self.lock().script.record_answer(status.as_u16(), &body);
        let mut response = Response::new(Body::from(body));
        *response.status_mut() = status;
        let headers = response.headers_mut();
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        if let Ok(id) = HeaderValue::from_str(&format!("req_sandbox_{serial:06}")) {
            headers.insert("request-id", id);
        }
        if let Some(wait) = retry_after {
            headers.insert(
                "retry-after",
                HeaderValue::from(wait.as_secs_f64().ceil() as u64),
            );
        }
        response
    }
}

async fn messages(
    State(sandbox): State<Arc<AnthropicSandbox>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (answer, serial, fault) = sandbox.answer(&headers, &body).await;
    sandbox.respond(answer, serial, fault)
}

async fn not_found(State(sandbox): State<Arc<AnthropicSandbox>>) -> Response {
    let answer = render::error(StatusCode::NOT_FOUND, "not_found_error", "Not found", None);
    sandbox.respond(answer, 0, None)
}
