//! Logs (`tracing`, on stderr: JSON in production, readable on a terminal) and, when a DSN is set, the
//! daemon's own panics and errors reported to Sentry.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::config::{LogConfig, LogFormat, TelemetryConfig};

/// Keeps the Sentry client alive; drop it last to flush.
pub struct TelemetryGuard {
    _sentry: Option<sentry::ClientInitGuard>,
}

/// Installs the global subscriber. `RUST_LOG` wins over `log.level`.
pub fn init(log: &LogConfig, telemetry: &TelemetryConfig) -> TelemetryGuard {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&log.level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let json = match log.format {
        LogFormat::Json => true,
        LogFormat::Text => false,
        LogFormat::Auto => !std::io::stderr().is_terminal(),
    };
    let sentry_guard = telemetry.sentry_dsn.as_ref().map(|dsn| {
        let mut options = sentry::ClientOptions::default();
        options.release = Some(concat!("triaged@", env!("CARGO_PKG_VERSION")).into());
        options.send_default_pii = false;
        sentry::init((dsn.expose(), options))
    });
    let sentry_layer = sentry_guard
        .as_ref()
        .map(|_| sentry::integrations::tracing::ErrorLayer::new());
    let registry = tracing_subscriber::registry()
        .with(filter)
        .with(sentry_layer);
    let result = if json {
        registry
            .with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .with_current_span(true)
                    .with_writer(std::io::stderr),
            )
            .try_init()
    } else {
        registry
            .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
            .try_init()
    };
    // An error means a subscriber is already installed (tests call this more than once);
    // the first one stays.
    drop(result);
    TelemetryGuard {
        _sentry: sentry_guard,
    }
}

/// Logs for `triaged demo`: human-readable on stderr (stdout carries the narrative or the
/// JSON report), errors only unless `RUST_LOG` asks for more.
pub fn init_demo() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("error"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
