//! Readiness and graceful shutdown: SIGTERM/SIGINT → not ready → drain → stop.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::scheduler::StopSignals;

/// Shared readiness and shutdown state.
#[derive(Clone, Default)]
pub struct Shutdown {
    ready: Arc<AtomicBool>,
    pub signals: StopSignals,
}

impl Shutdown {
    pub fn new() -> Self {
        Self::default()
    }

    /// `/readyz` answers 200 only while ready.
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::SeqCst) && !self.signals.drain.is_cancelled()
    }

    pub fn set_ready(&self) {
        self.ready.store(true, Ordering::SeqCst);
    }

    /// Stops taking new work; running work may finish.
    pub fn begin_drain(&self) {
        self.ready.store(false, Ordering::SeqCst);
        self.signals.drain.cancel();
    }

    /// Grace is over: running work stops at its next checkpoint.
    pub fn stop_now(&self) {
        self.signals.stop.cancel();
    }

    /// Waits for SIGTERM or SIGINT, then drains; after `grace` asks running work to stop.
    /// A second signal exits the process at once.
    pub fn spawn_signal_handler(&self, grace: Duration) {
        let this = self.clone();
        tokio::spawn(async move {
            if wait_for_signal().await.is_err() {
                return;
            }
            tracing::info!(grace_secs = grace.as_secs(), "shutdown requested: draining");
            let _ = sd_notify::notify(&[sd_notify::NotifyState::Stopping]);
            this.begin_drain();
            tokio::select! {
                _ = tokio::time::sleep(grace) => {
                    tracing::warn!("shutdown grace over: stopping running jobs at their checkpoint");
                    this.stop_now();
                    if wait_for_signal().await.is_ok() {
                        std::process::exit(130);
                    }
                }
                r = wait_for_signal() => {
                    if r.is_ok() {
                        tracing::warn!("second signal: exiting at once");
                        std::process::exit(130);
                    }
                }
            }
        });
    }
}

async fn wait_for_signal() -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
    }
    Ok(())
}
