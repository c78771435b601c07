//! The HTTP side: `/healthz`, `/readyz`, `/metrics` (Prometheus), and — when given one —
//! the read-only dashboard (`dashboard`: HTML pages; `api`: the same read models as JSON).
//! Binds to loopback unless configured otherwise.

pub mod api;
pub mod dashboard;
mod server;
pub mod views;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;

pub use dashboard::Dashboard;
pub use server::{CONNECTION_DRAIN_DEADLINE, HEADER_READ_TIMEOUT, Limits, MAX_CONNECTIONS};

use crate::metrics::Metrics;
use crate::shutdown::Shutdown;

#[derive(Clone)]
struct AppState {
    shutdown: Shutdown,
    metrics: Arc<Metrics>,
}

/// The router, separate from the listener so tests can drive it. Without a dashboard only
/// the health, readiness and metrics endpoints answer.
pub fn router(shutdown: Shutdown, metrics: Arc<Metrics>, dashboard: Option<Dashboard>) -> Router {
    let health = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_text))
        .with_state(AppState { shutdown, metrics });
    match dashboard {
        Some(dashboard) => health.merge(dashboard.routes()),
        None => health,
    }
}

/// Binds `addr` and serves until `shutdown` resolves. Returns the bound address (port 0 →
/// the port the OS picked).
pub async fn serve(
    addr: SocketAddr,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<std::io::Result<()>>)> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    serve_on(listener, router, shutdown)
}

/// Serves on a listener already bound, until `shutdown` resolves, with the default
/// [`Limits`]: a connection that has not sent a request's headers within
/// [`HEADER_READ_TIMEOUT`] is closed, and once `shutdown` resolves open connections get
/// [`CONNECTION_DRAIN_DEADLINE`] to finish before they are dropped, so the task always ends.
pub fn serve_on(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<std::io::Result<()>>)> {
    serve_on_with_limits(listener, router, shutdown, Limits::default())
}

/// [`serve_on`] with the connection bounds given (tests shorten them).
pub fn serve_on_with_limits(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
    limits: Limits,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<std::io::Result<()>>)> {
    let local = listener.local_addr()?;
    let handle = tokio::spawn(server::run(listener, router, shutdown, limits));
    Ok((local, handle))
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    if state.shutdown.is_ready() {
        (StatusCode::OK, "ready\n")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "not ready\n")
    }
}

async fn metrics_text(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
}
