//! Emulator of a Slack incoming webhook (contract: `contracts/slack/README.md`): `POST
//! /services/T…/B…/…` with a JSON message, answered in plain text — `ok`, or the
//! README's error strings and statuses (`400 invalid_payload | invalid_blocks | no_text`,
//! `403 action_prohibited`, `404 channel_not_found`, `410 channel_is_archived`,
//! `500 rollup_error`). The README's block limits are enforced (`SlackLimits`).
//!
//! An unknown webhook path answers `404 channel_not_found` (the README's 404). Throttling,
//! which the README does not describe, is rendered as Slack's general rate-limit answer:
//! `429 rate_limited` with `Retry-After`. Accepted messages are kept (`posted()`).

mod validate;

#[cfg(test)]
mod tests;

use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri};
use axum::response::Response;
use axum::routing::post;
use serde_json::Value;

use super::{Fault, Faults};

pub use validate::SlackLimits;

/// What happened to the channel behind the webhook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelState {
    Active,
    /// Posting is blocked: `403 action_prohibited`.
    Prohibited,
    /// The channel was deleted: `404 channel_not_found`.
    Deleted,
    /// `410 channel_is_archived`.
    Archived,
}

/// One answer the emulator gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlackAnswer {
    pub path: String,
    pub status: u16,
    pub body: String,
}

/// The Slack webhook emulator. Share it as `Arc<SlackSandbox>`; `router()` serves it.
pub struct SlackSandbox {
    webhook_path: String,
    faults: Faults,
    inner: Mutex<Inner>,
}

struct Inner {
    channel: ChannelState,
    limits: SlackLimits,
    posted: Vec<Value>,
    answers: Vec<SlackAnswer>,
}

impl SlackSandbox {
    /// A webhook into an active channel; `seed` drives the fault draws and the URL token.
    pub fn new(seed: u64) -> Arc<SlackSandbox> {
        let token: String = format!(
            "{:016x}{:08x}",
            seed.wrapping_mul(0x9e37_79b9_7f4a_7c15),
            seed
        )
        .chars()
        .take(24)
        .collect();
        Arc::new(SlackSandbox {
            webhook_path: format!("/services/T0TRIAGED/B0SUMMARY/{token}"),
            faults: Faults::new(seed),
            inner: Mutex::new(Inner {
                channel: ChannelState::Active,
                limits: SlackLimits::default(),
                posted: Vec::new(),
                answers: Vec::new(),
            }),
        })
    }

    /// The axum router serving the webhook (mount it with `SandboxServer::start`).
    pub fn router(self: &Arc<Self>) -> Router {
        Router::new()
            .route("/services/{team}/{bot}/{token}", post(receive))
            .fallback(unknown_path)
            .with_state(self.clone())
    }

    /// `/services/T…/B…/…`: the only path that posts.
    pub fn webhook_path(&self) -> &str {
        &self.webhook_path
    }

    /// The webhook URL on a server at `base_url` (`http://127.0.0.1:port`).
    pub fn webhook_url(&self, base_url: &str) -> String {
        format!("{}{}", base_url.trim_end_matches('/'), self.webhook_path)
    }

    /// The fault knobs (`faults().set(FaultKnobs { throttle: 0.3, .. })`).
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    pub fn set_channel(&self, state: ChannelState) {
        self.lock().channel = state;
    }

    /// Replaces the block limits (e.g. a stricter block count to provoke `invalid_blocks`).
    pub fn set_limits(&self, limits: SlackLimits) {
        self.lock().limits = limits;
    }

    /// The messages accepted so far, as JSON, in arrival order.
    pub fn posted(&self) -> Vec<Value> {
        self.lock().posted.clone()
    }

    /// Every answer given so far, in order.
    pub fn answers(&self) -> Vec<SlackAnswer> {
        self.lock().answers.clone()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Status and body for one POST to the webhook path.
    async fn answer(&self, body: &[u8]) -> (StatusCode, Vec<u8>, Option<Fault>) {
        let fault = self.faults.next();
        match fault {
            Some(Fault::Throttle { .. }) => {
                return (
                    StatusCode::TOO_MANY_REQUESTS,
                    b"rate_limited".to_vec(),
                    fault,
                );
            }
            Some(Fault::ServerError { status: 500 }) => {
                return (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    b"rollup_error".to_vec(),
                    fault,
                );
            }
            Some(Fault::ServerError { status }) => {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
                let page = b"<html><body>upstream unavailable</body></html>".to_vec();
                return (status, page, fault);
            }
            Some(Fault::Delay(delay)) => tokio::time::sleep(delay).await,
            _ => {}
        }
        let (channel, limits) = {
            let inner = self.lock();
            (inner.channel, inner.limits)
        };
        let refused = match channel {
            ChannelState::Active => None,
            ChannelState::Prohibited => Some((StatusCode::FORBIDDEN, "action_prohibited")),
            ChannelState::Deleted => Some((StatusCode::NOT_FOUND, "channel_not_found")),
            ChannelState::Archived => Some((StatusCode::GONE, "channel_is_archived")),
        };
        if let Some((status, code)) = refused {
            return (status, code.as_bytes().to_vec(), fault);
        }
        match validate::message(body, &limits) {
            Ok(message) => {
                self.lock().posted.push(message);
                (StatusCode::OK, b"ok".to_vec(), fault)
            }
            Err(code) => (StatusCode::BAD_REQUEST, code.as_bytes().to_vec(), fault),
        }
    }

    fn respond(
        &self,
        path: &str,
        status: StatusCode,
        body: Vec<u8>,
        fault: Option<Fault>,
    ) -> Response {
        let body = match fault {
            Some(f @ (Fault::Truncate | Fault::Malformed)) if status.is_success() => {
                f.mangle_body(body)
            }
            _ => body,
        };
        self.lock().answers.push(SlackAnswer {
            path: path.to_owned(),
            status: status.as_u16(),
            body: String::from_utf8_lossy(&body).into_owned(),
        });
        let mut response = Response::new(Body::from(body));
        *response.status_mut() = status;
        let headers = response.headers_mut();
        headers.insert(
            "content-type",
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        if let Some(Fault::Throttle { retry_after }) = fault {
            let secs = retry_after.as_secs_f64().ceil() as u64;
            headers.insert("retry-after", HeaderValue::from(secs));
        }
        response
    }
}

async fn receive(State(sandbox): State<Arc<SlackSandbox>>, uri: Uri, body: Bytes) -> Response {
    if uri.path() != sandbox.webhook_path {
        return sandbox.respond(
            uri.path(),
            StatusCode::NOT_FOUND,
            b"channel_not_found".to_vec(),
            None,
        );
    }
    let (status, answer, fault) = sandbox.answer(&body).await;
    sandbox.respond(uri.path(), status, answer, fault)
}

async fn unknown_path(State(sandbox): State<Arc<SlackSandbox>>, uri: Uri) -> Response {
    sandbox.respond(
        uri.path(),
        StatusCode::NOT_FOUND,
        b"channel_not_found".to_vec(),
        None,
    )
}
