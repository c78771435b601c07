//! Loopback emulators of the vendor APIs triaged calls, for tests, `triaged demo` and
//! `triaged sandbox`.
//!
//! Each emulator keeps its state in memory, has a seeding API in Rust for tests, records
//! the requests it saw, and injects faults (`faults`) the way its vendor would show them.
//! Emulators are held to the project's subsets of the vendors' published contracts
//! (`contracts`, compiled in): they reject what the vendor rejects, so a client bug fails
//! a test here rather than in production.

pub mod anthropic;
pub mod cloudwatch;
pub mod contracts;
pub mod faults;
pub mod github;
pub mod linear;
pub mod llm;
pub mod openai;
pub mod sentry;
pub mod slack;
pub mod teams;

use std::net::SocketAddr;

use axum::Router;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use faults::{Fault, FaultKnobs, Faults};
pub use llm::{LlmAnswer, Scripted};

/// A running emulator on 127.0.0.1 (an OS-chosen port). Stops when dropped.
pub struct SandboxServer {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl SandboxServer {
    /// Binds 127.0.0.1:0 and serves `router` until the server is dropped or stopped.
    pub async fn start(router: Router) -> std::io::Result<SandboxServer> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
        });
        Ok(SandboxServer {
            addr,
            stop: Some(stop),
            task: Some(task),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting connections and waits for open ones to finish.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for SandboxServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
