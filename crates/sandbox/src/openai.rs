//! Emulator of an OpenAI-compatible chat-completions endpoint (`POST
//! /v1/chat/completions`; contract: `openai/chat.json`).
//!
//! Requests are held to what the API checks (`checks`): `Authorization: Bearer` (401,
//! unless the emulator plays a self-hosted server without a key), a JSON body with
//! `model` and `messages`, well-formed function tools and `tool_choice` (400
//! `invalid_request_error`). Valid requests are answered from the replies a test scripts
//! ([`Scripted`], rendered by `render`), else with a deterministic default: a sample call
//! of a forced function, or an echo of the user's message. Every request body and answer
//! is logged. Faults from the shared knobs: 429 `rate_limit_exceeded` with
//! `retry-after`, 5xx `server_error`, late answers, mangled bodies.

mod checks;
mod render;

#[cfg(test)]
mod tests;

use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use axum::routing::post;
use serde_json::Value;

use super::llm::{LlmAnswer, Script, Scripted};
use super::{Fault, Faults};
use render::Answer;

/// The API key the emulator accepts until `set_api_key`.
pub const SANDBOX_OPENAI_KEY: &str = "sk-proj-sandbox000000000000000000000000";

/// The OpenAI emulator. Share it as `Arc<OpenAiSandbox>`; `router()` serves it.
pub struct OpenAiSandbox {
    faults: Faults,
    inner: Mutex<Inner>,
}

struct Inner {
    api_key: Option<String>,
    script: Script,
}

impl OpenAiSandbox {
    /// An emulator accepting [`SANDBOX_OPENAI_KEY`]; `seed` drives the fault draws.
    pub fn new(seed: u64) -> Arc<OpenAiSandbox> {
        Arc::new(OpenAiSandbox {
            faults: Faults::new(seed),
            inner: Mutex::new(Inner {
                api_key: Some(SANDBOX_OPENAI_KEY.to_owned()),
                script: Script::default(),
            }),
        })
    }

    /// The axum router serving the API (mount it with `SandboxServer::start`).
    pub fn router(self: &Arc<Self>) -> Router {
        Router::new()
            .route("/v1/chat/completions", post(completions))
            .fallback(not_found)
            .with_state(self.clone())
    }

    /// The client's base URL on a server at `server_url` (`http://127.0.0.1:port/v1`).
    pub fn base_url(server_url: &str) -> String {
        format!("{}/v1", server_url.trim_end_matches('/'))
    }

    /// The accepted key; `None` = no key needed (a self-hosted server).
    pub fn api_key(&self) -> Option<String> {
        self.lock().api_key.clone()
    }

    pub fn set_api_key(&self, key: Option<&str>) {
        self.lock().api_key = key.map(str::to_owned);
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

    async fn answer(&self, headers: &HeaderMap, body: &[u8]) -> (Answer, Option<Fault>) {
        let (serial, key) = {
            let mut inner = self.lock();
            (inner.script.record_request(body), inner.api_key.clone())
        };
        let fault = self.faults.next();
        match fault {
            Some(Fault::Throttle { retry_after }) => {
                let message = "Rate limit reached for requests. Please try again later.";
                let answer = render::error(
                    StatusCode::TOO_MANY_REQUESTS,
                    "requests",
                    message,
                    Some("rate_limit_exceeded"),
                    Some(retry_after),
                );
                return (answer, fault);
            }
            Some(Fault::ServerError { status }) => {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
                let message =
                    "The server had an error while processing your request. Sorry about that!";
                return (
                    render::error(status, "server_error", message, None, None),
                    fault,
                );
            }
            Some(Fault::Delay(delay)) => tokio::time::sleep(delay).await,
            _ => {}
        }
        let checked =
            checks::authenticate(headers, key.as_deref()).and_then(|()| checks::request(body));
        let asked = match checked {
            Ok(asked) => asked,
            Err(r) => {
                let body = render::error_body(r.kind, &r.message, r.param.as_deref(), r.code);
                return (
                    Answer::Error {
                        status: r.status,
                        body,
                        retry_after: None,
                    },
                    fault,
                );
            }
        };
        let scripted = self.lock().script.take(&asked);
        if let Some(Scripted::Timeout(hold)) = scripted {
            tokio::time::sleep(hold).await;
        }
        (render::answer(serial, &asked, scripted), fault)
    }

    fn respond(&self, answer: Answer, fault: Option<Fault>) -> Response {
        let (status, body, retry_after) = match answer {
            Answer::Completion(completion) => {
                let body = serde_json::to_vec(&completion).unwrap_or_default();
                let body = match fault {
                    Some(f @ (Fault::Truncate | Fault::Malformed)) => f.mangle_body(body),
                    _ => body,
                };
                (StatusCode::OK, body, None)
            }
            Answer::Error {
                status,
                body,
                retry_after,
            } => (
                status,
                serde_json::to_vec(&body).unwrap_or_default(),
                retry_after,
            ),
        };
        self.lock().script.record_answer(status.as_u16(), &body);
        let mut response = Response::new(Body::from(body));
        *response.status_mut() = status;
        let headers = response.headers_mut();
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        if let Some(wait) = retry_after {
            headers.insert(
                "retry-after",
                HeaderValue::from(wait.as_secs_f64().ceil() as u64),
            );
        }
        response
    }
}

async fn completions(
    State(sandbox): State<Arc<OpenAiSandbox>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (answer, fault) = sandbox.answer(&headers, &body).await;
    sandbox.respond(answer, fault)
}

async fn not_found(
    State(sandbox): State<Arc<OpenAiSandbox>>,
    method: Method,
    uri: Uri,
) -> Response {
    let message = format!("Invalid URL ({method} {})", uri.path());
    let answer = render::error(
        StatusCode::NOT_FOUND,
        "invalid_request_error",
        &message,
        None,
        None,
    );
    sandbox.respond(answer, None)
}
