//! The `triaged` command line.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use chrono::SecondsFormat;
use clap::{Parser, Subcommand};
use triaged::app::App;
use triaged::clock::SystemClock;
use triaged::config::{Config, Source};
use triaged::scheduler::{Execution, JobName};
use triaged::store::{RunOutcome, Store};

/// triaged pulls production errors from CloudWatch Logs and Sentry, clusters and scores them,
/// keeps Linear tickets in step, drafts fix pull requests and posts a morning summary.
#[derive(Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    /// Configuration file. Without it, ./triaged.toml is used if present, else built-in
    /// defaults. Any key can be overridden with TRIAGED__SECTION__KEY=value.
    #[arg(long, short, global = true, value_name = "PATH")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the daemon: every job on its schedule, /healthz /readyz /metrics over HTTP.
    /// SIGTERM drains: no new runs, the running one finishes within shutdown_grace.
    Run,
    /// Run one job now and exit: 0 on success, 1 on failure, 75 when another run of the
    /// same job (a daemon's tick, another `once`, on any replica) is working: nothing was
    /// done then, and it is safe to try again later.
    Once {
        /// ingest, summary, triage or verify.
        job: JobName,
        /// Print instead of doing: triage and verify print the action plan, summary prints
        /// the message; nothing is written anywhere (no tracker change, no post, no store
        /// write, no ledger row).
        #[arg(long)]
        dry_run: bool,
        /// With --dry-run: print the plan as JSON instead of a table.
        #[arg(long, requires = "dry_run")]
        json: bool,
    },
    /// Check the configuration and print every problem with its key path (exit 2 if any).
    CheckConfig,
    /// Apply pending database migrations and exit.
    Migrate,
    #[cfg(feature = "demo")]
    /// Play three simulated days of a small shop against emulated vendors (CloudWatch Logs,
    /// Sentry, Linear, Anthropic, GitHub, Slack, Teams on 127.0.0.1) with the real daemon,
    /// narrating what triaged decides; then keep the dashboard up until Ctrl-C. Needs no
    /// configuration, credentials or network.
    Demo {
        /// Exit once the three days are played instead of serving the dashboard.
        #[arg(long)]
        exit: bool,
        /// Print the final report as JSON on stdout (the narrative goes to stderr).
        #[arg(long)]
        json: bool,
        /// Where the dashboard listens [default: 127.0.0.1:9464, or a free port if taken].
        #[arg(long, value_name = "ADDR")]
        bind: Option<std::net::SocketAddr>,
    },
    #[cfg(feature = "demo")]
    /// Start every vendor emulator on 127.0.0.1 (fed a small shop's errors on the real
    /// clock), print a ready triaged.toml pointing at them, and serve until Ctrl-C; run
    /// `triaged --config <that file> run` beside it. Actions a person takes (merge, move a
    /// ticket, emit logs, change faults) go through the admin endpoint it prints.
    Sandbox {
        /// Where triaged.toml, its secret files and the store go [default: a temporary
        /// directory, removed on exit].
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        /// Share of requests each emulator fails, e.g.
        /// throttle=0.2,5xx=0.1,timeout=0.05,truncate=0.02,malformed=0.05.
        #[arg(long, value_name = "SPEC", default_value = "", value_parser = triaged::demo::sandbox::parse_faults)]
        faults: triaged_sandbox::FaultKnobs,
        /// Seeds the fault draws, so a run's faults can be replayed.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// The HTTP listener (health, metrics, dashboard) the written config gives the daemon.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:9464")]
        daemon_bind: std::net::SocketAddr,
    },
    /// Cluster log lines: read stdin (or --input), write `<cluster-id>\t<template>` per line,
    /// in order, as lines arrive. Needs no configuration or database.
    Cluster {
        /// Read this file instead of standard input.
        #[arg(long, value_name = "FILE")]
        input: Option<PathBuf>,
    },
}

/// `once` found its job held by another run (EX_TEMPFAIL: try again later).
const EXIT_BUSY: u8 = 75;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Cluster { input } = &cli.command {
        return cluster(input.as_deref());
    }
    #[cfg(feature = "demo")]
    if let Command::Demo { exit, json, bind } = cli.command {
        return triaged::demo::command(exit, json, bind);
    }
    #[cfg(feature = "demo")]
    if let Command::Sandbox {
        dir,
        faults,
        seed,
        daemon_bind,
    } = cli.command
    {
        return triaged::demo::sandbox::command(triaged::demo::sandbox::SandboxOptions {
            dir,
            faults,
            seed,
            daemon_bind,
        });
    }
    let default_path = PathBuf::from("triaged.toml");
    let source = match &cli.config {
        Some(p) => Source::Explicit(p),
        None => Source::Default(&default_path),
    };
    let env: Vec<(String, String)> = std::env::vars().collect();
    let config = match Config::load(source, &env) {
        Ok(config) => config,
        Err(e) => {
            eprint!("{e}");
            return ExitCode::from(2);
        }
    };
    if let Command::CheckConfig = cli.command {
        println!("configuration is valid");
        return ExitCode::SUCCESS;
    }
    let _telemetry = triaged::telemetry::init(&config.log, &config.telemetry);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let code = match runtime.block_on(run(cli.command, config)) {
        Ok(code) => code,
        Err(e) => {
            // Said once, on stderr, with each cause once.
            eprintln!("error: {}", triaged::error_text::error_line(&e));
            ExitCode::FAILURE
        }
    };
    // A read blocked in the kernel (a pipe with no writer) must not hold the exit.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    code
}

fn cluster(input: Option<&std::path::Path>) -> ExitCode {
    let stdout = std::io::stdout().lock();
    let result = match input {
        Some(path) => std::fs::File::open(path)
            .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))
            .and_then(|f| triaged::mining::cluster_stream(f, stdout)),
        None => triaged::mining::cluster_stream(std::io::stdin().lock(), stdout),
    };
    match result {
        Ok(_) => ExitCode::SUCCESS,
        // A closed pipe (`| head`) is a normal end.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<ExitCode> {
    match command {
        Command::CheckConfig | Command::Cluster { .. } => Ok(ExitCode::SUCCESS),
        #[cfg(feature = "demo")]
        Command::Demo { .. } | Command::Sandbox { .. } => Ok(ExitCode::SUCCESS),
        Command::Migrate => {
            let store = Store::connect(&config.database_url).await?;
            store.migrate().await?;
            println!("migrations applied");
            Ok(ExitCode::SUCCESS)
        }
        Command::Run => {
            App::build(config, Arc::new(SystemClock))
                .await?
                .run_daemon()
                .await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Once {
            job,
            dry_run: true,
            json,
        } => {
            let app = App::build_read_only(config, Arc::new(SystemClock)).await?;
            if job == JobName::Summary {
                let (summary, paragraph) = app.summary_preview().await?;
                let slack = triaged::notify::slack::slack_message(&summary, &paragraph);
                let teams = triaged::notify::teams::teams_message(&summary, &paragraph);
                if json {
                    let all = serde_json::json!({
                        "summary": summary, "paragraph": paragraph, "slack": slack, "teams": teams,
                    });
                    println!("{}", serde_json::to_string_pretty(&all)?);
                } else {
                    println!("{}\n", paragraph.text);
                    println!(
                        "Slack payload:\n{}\n",
                        serde_json::to_string_pretty(&slack)?
                    );
                    println!("Teams payload:\n{}", serde_json::to_string_pretty(&teams)?);
                }
                return Ok(ExitCode::SUCCESS);
            }
            let report = app.dry_run(job).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", report.table());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Once { job, .. } => {
            let app = App::build(config, Arc::new(SystemClock)).await?;
            match app.run_once(job).await? {
                Execution::Busy(holder) => {
                    eprintln!(
                        "{job} is already running (holder {}, run of {}, lease until {}); \
                         nothing was done",
                        holder.holder,
                        holder
                            .scheduled_for
                            .to_rfc3339_opts(SecondsFormat::Secs, true),
                        holder
                            .lease_until
                            .to_rfc3339_opts(SecondsFormat::Secs, true),
                    );
                    Ok(ExitCode::from(EXIT_BUSY))
                }
                Execution::AlreadyClaimed => {
                    eprintln!("{job}: another holder claimed this run; nothing was done");
                    Ok(ExitCode::from(EXIT_BUSY))
                }
                Execution::Ran(RunOutcome::Succeeded { detail }) => {
                    println!("{job}: succeeded {}", detail.unwrap_or_default());
                    Ok(ExitCode::SUCCESS)
                }
                Execution::Ran(RunOutcome::Failed { error }) => {
                    eprintln!("{job}: failed: {error}");
                    Ok(ExitCode::FAILURE)
                }
                Execution::Ran(RunOutcome::Interrupted) => {
                    eprintln!("{job}: interrupted before it finished");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
    }
}
