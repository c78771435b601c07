//! The connection loop under the router: hyper's HTTP/1 server with a header-read timeout, a
//! cap on open connections, and a graceful shutdown that waits a bounded time.
//!
//! `axum::serve` sets no timer on hyper, so hyper's header-read timeout never fires there and
//! its graceful shutdown waits for every connection, however long a client keeps one open.

use std::io;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;

/// A client must have sent a request's complete headers this long after its connection
/// opened, or after the previous response on a kept-alive connection; else the connection
/// is closed. Bounds half-sent requests and idle keep-alive connections alike.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Once the server is told to stop, open connections have this long to finish their
/// requests; whatever is still open then is dropped, so the server always ends.
pub const CONNECTION_DRAIN_DEADLINE: Duration = Duration::from_secs(5);

/// At most this many connections are served at once; further ones wait in the listen
/// backlog until one closes (each is bounded by [`HEADER_READ_TIMEOUT`] while idle).
pub const MAX_CONNECTIONS: usize = 1024;

/// The bounds the server holds connections to; [`Limits::default`] is the daemon's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub header_read_timeout: Duration,
    pub drain_deadline: Duration,
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_read_timeout: HEADER_READ_TIMEOUT,
            drain_deadline: CONNECTION_DRAIN_DEADLINE,
            max_connections: MAX_CONNECTIONS,
        }
    }
}

/// Serves `router` on `listener` until `shutdown` resolves, then stops accepting, lets open
/// connections finish for at most `limits.drain_deadline`, and drops the rest.
pub(super) async fn run(
    mut listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
    limits: Limits,
) -> io::Result<()> {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut connections = JoinSet::new();
    let mut shutdown = pin!(shutdown);

    loop {
        let (stream, permit) = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = accept(&mut listener, &permits) => accepted,
        };
        // Forget connections that have ended, so the set holds only open ones.
        while connections.try_join_next().is_some() {}
        let service = TowerToHyperService::new(router.clone());
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        connections.spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!(%err, "http connection ended with an error");
            }
            drop(permit);
        });
    }

    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(limits.drain_deadline) => {
            while connections.try_join_next().is_some() {}
            tracing::warn!(
                open = connections.len(),
                deadline_secs = limits.drain_deadline.as_secs_f64(),
                "http connections still open after the drain deadline: closing them"
            );
        }
    }
    connections.shutdown().await;
    Ok(())
}

/// The next connection, once fewer than the cap are open. Accept errors are retried the way
/// `axum::serve` does (its `Listener` impl: back off on fd exhaustion, skip resets).
async fn accept(
    listener: &mut TcpListener,
    permits: &Arc<Semaphore>,
) -> (TcpStream, OwnedSemaphorePermit) {
    let permit = Arc::clone(permits)
        .acquire_owned()
        .await
        .expect("the connection semaphore is never closed");
    let (stream, _) = axum::serve::Listener::accept(listener).await;
    (stream, permit)
}
