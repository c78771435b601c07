//! The `triaged demo` command: the runtime, where the narrative and the report go, and
//! the exit code.

use std::net::SocketAddr;
use std::process::ExitCode;

/// `triaged demo [--exit] [--json] [--bind ADDR]`: plays the three days, prints the report,
/// then serves the dashboard until Ctrl-C (or stops at once with `exit`).
pub fn command(exit: bool, json: bool, bind: Option<SocketAddr>) -> ExitCode {
    crate::telemetry::init_demo();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        let narrative: Box<dyn std::io::Write + Send> = if json {
            Box::new(std::io::stderr())
        } else {
            Box::new(std::io::stdout())
        };
        let played = super::play(super::DemoOptions { bind, narrative }).await?;
        if json {
            println!("{}", serde_json::to_string_pretty(&played.report)?);
        }
        if exit {
            played.stop().await
        } else {
            eprintln!(
                "The dashboard stays up at {}/ (read-only); Ctrl-C to stop.",
                played.report.dashboard
            );
            played.serve_until_signal().await
        }
    });
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
