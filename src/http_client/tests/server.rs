//! A loopback server that answers from a script and records what it received.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::{HeaderMap as AxumHeaders, StatusCode as AxumStatus};
use axum::response::{IntoResponse, Response};

use triaged_sandbox::SandboxServer;

/// One scripted answer.
#[derive(Clone)]
pub(super) struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: String,
    delay: Duration,
}

pub(super) fn reply(status: u16, body: &str) -> Reply {
    Reply {
        status,
        headers: Vec::new(),
        body: body.to_owned(),
        delay: Duration::ZERO,
    }
}

impl Reply {
    pub(super) fn header(mut self, name: &'static str, value: &str) -> Reply {
        self.headers.push((name, value.to_owned()));
        self
    }

    pub(super) fn delayed(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }
}

/// Answers from the script in order (the last answer repeats) and records what came in.
#[derive(Default)]
pub(super) struct Script {
    replies: Mutex<VecDeque<Reply>>,
    arrivals: Mutex<Vec<Instant>>,
    in_flight: AtomicUsize,
    pub(super) max_in_flight: AtomicUsize,
    pub(super) saw_authorization: Mutex<Vec<String>>,
}

impl Script {
    pub(super) fn arrivals(&self) -> Vec<Instant> {
        self.arrivals.lock().expect("lock").clone()
    }

    pub(super) fn count(&self) -> usize {
        self.arrivals().len()
    }
}

pub(super) async fn serve(replies: Vec<Reply>) -> (SandboxServer, Arc<Script>) {
    let script = Arc::new(Script {
        replies: Mutex::new(replies.into()),
        ..Script::default()
    });
    let state = script.clone();
    let router = Router::new().fallback(move |headers: AxumHeaders| {
        let script = state.clone();
        async move { answer(&script, &headers).await }
    });
    let server = SandboxServer::start(router).await.expect("bind loopback");
    (server, script)
}

async fn answer(script: &Script, headers: &AxumHeaders) -> Response {
    script.arrivals.lock().expect("lock").push(Instant::now());
    if let Some(auth) = headers.get("authorization").and_then(|v| v.to_str().ok()) {
        script
            .saw_authorization
            .lock()
            .expect("lock")
            .push(auth.to_owned());
    }
    let now = script.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    script.max_in_flight.fetch_max(now, Ordering::SeqCst);
    let next = {
        let mut replies = script.replies.lock().expect("lock");
        if replies.len() > 1 {
            replies.pop_front()
        } else {
            replies.front().cloned()
        }
    };
    let next = next.unwrap_or_else(|| reply(200, "{}"));
    tokio::time::sleep(next.delay).await;
    script.in_flight.fetch_sub(1, Ordering::SeqCst);
    let mut response = (
        AxumStatus::from_u16(next.status).expect("status"),
        next.body.clone(),
    )
        .into_response();
    for (name, value) in &next.headers {
        response
            .headers_mut()
            .insert(*name, value.parse().expect("header value"));
    }
    response
}
