//! Planted secrets end to end, through real processes: every line of the redaction corpus
//! goes through the CloudWatch source (as plain text, a JSON log line, a stack trace,
//! logfmt, Java, Python, Go and Ruby traces, URL-encoded and base64-wrapped), the file
//! source and the Sentry source; `once ingest`, `triage` and `summary` run against `triaged
//! sandbox`, and then the daemon serves the dashboard. Every sink is searched for each
//! secret and for every 10-character piece of it: the store's files as bytes, everything
//! Linear, GitHub, the model, Slack and Teams received, every dashboard page and API
//! answer, and everything each process printed.

use std::net::TcpListener;
use std::process::{Child, Output};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::sandbox::Sandbox;
use crate::support::test_seed;

#[allow(dead_code)]
#[path = "../../src/redact/testing.rs"]
mod corpus;

/// Shortest piece of a secret searched for.
const FRAGMENT_CHARS: usize = 10;

crate::trial!(sync, no_planted_secret_reaches_any_sink);
fn no_planted_secret_reaches_any_sink() {
    let seed = test_seed("secrets end to end");
    let dir = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::start(&dir.path().join("sb"), seed, &[]);
    let (status, _) = sandbox.post("/traffic", json!({ "paused": true }));
    assert_eq!(status, 200);
    let cases = corpus::planted();
    let log_file = dir.path().join("app.log");
    plant(&sandbox, &cases, &log_file);

    let mut printed = String::new();
    for job in ["ingest", "triage", "summary"] {
        let out = run(&sandbox, &["once", job]);
        assert!(out.status.success(), "{job}: {}", text(&out));
        printed.push_str(&text(&out));
    }
    let (dashboard, daemon_printed) = dashboard_pages(&sandbox);
    printed.push_str(&daemon_printed);
    let received = serde_json::to_string(&sandbox.get("/received")).unwrap();
    let store = store_bytes(&sandbox);

    let state = sandbox.state();
    let tickets = state["issues"].as_array().unwrap().len();
    assert!(tickets > 20, "the corpus opened tickets: {tickets}");
    assert!(
        received.contains("slack") && dashboard.len() > 10_000,
        "the sinks hold something"
    );
    let sinks = [
        ("store", store),
        ("vendors", received),
        ("dashboard", dashboard),
        ("output", printed),
    ];
    let found = search(&cases, &sinks);
    eprintln!(
        "secrets end to end: {} planted × 12 placements, {tickets} tickets, {} found",
        cases.len(),
        found.len()
    );
    assert!(
        found.is_empty(),
        "{} found:\n{}",
        found.len(),
        found.join("\n")
    );
}

/// Each planted line as a plain CloudWatch message, inside a JSON log line, as the
/// message of a stack trace, as a record of the log file, and in a Sentry issue (its
/// title, exception value, frame, release, transaction, request URL and tag).
fn plant(sandbox: &Sandbox, cases: &[corpus::Planted], log_file: &std::path::Path) {
    let mut plain = Vec::new();
    let mut structured = Vec::new();
    let mut traces = Vec::new();
    let mut file = String::new();
    for (n, case) in cases.iter().enumerate() {
        plain.push(case.line.clone());
        structured.push(
            json!({
                "level": "error",
                "msg": format!("request {n} failed"),
                "release": case.line,
                "error": { "type": "HandlerError", "message": case.line },
            })
            .to_string(),
        );
        traces.push(format!(
            "Error: {}\n    at handle{n} (/srv/app/handler.js:{n}:5)\n    at main (/srv/app/main.js:1:1)",
            case.line
        ));
        file.push_str(&format!("2026-12-01T10:00:00Z ERROR {}\n", case.line));
    }
    let mut shapes = Vec::new();
    for (n, case) in cases.iter().enumerate() {
        shapes.extend(other_shapes(n, &case.line));
    }
    for (group, messages) in [
        ("/ecs/checkout", plain),
        ("/ecs/payments", structured),
        ("/ecs/web", traces),
        ("/ecs/search", shapes),
    ] {
        for chunk in messages.chunks(50) {
            let (status, body) = sandbox.post(
                "/cloudwatch/logs",
                json!({ "group": group, "messages": chunk }),
            );
            assert_eq!(status, 200, "{body}");
        }
    }
    for (n, case) in cases.iter().enumerate() {
        let first_line: String = case
            .line
            .lines()
            .next()
            .unwrap_or_default()
            .chars()
            .take(150)
            .collect();
        let (status, body) = sandbox.post(
            "/sentry/issues",
            json!({
                "project": "checkout",
                "title": first_line,
                "exception": {
                    "type": "HandlerError",
                    "value": case.line,
                    "frames": [["/srv/app/main.py", "main"], [first_line, first_line]],
                },
                "release": first_line,
                "transaction": format!("POST /pay/{n} {first_line}"),
                "url": format!("https://shop.example/pay?{first_line}"),
                "tags": [["note", case.line]],
            }),
        );
        assert_eq!(status, 200, "{body}");
    }
    std::fs::write(log_file, file).unwrap();
    let mut config = std::fs::read_to_string(&sandbox.config).unwrap();
    config.push_str(&format!(
        "\n[sources.file]\npaths = [{:?}]\nservice = \"files\"\nenvironment = \"production\"\n",
        log_file.display().to_string()
    ));
    std::fs::write(&sandbox.config, config).unwrap();
}

/// The line as other loggers and runtimes print it: logfmt, a Java exception with its
/// cause, a Python traceback, a Go panic, a Ruby error, URL-encoded in a request line and
/// base64-wrapped in a payload field.
fn other_shapes(n: usize, line: &str) -> Vec<String> {
    let first = line.lines().next().unwrap_or_default();
    let encoded: String = first
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    let wrapped = base64_of(line);
    vec![
        format!("level=error ts=2026-12-01T10:00:00Z msg={first:?} request={n}"),
        format!(
            "java.lang.IllegalStateException: request {n} failed\n\tat com.shop.Pay.run(Pay.java:{n})\nCaused by: java.io.IOException: {line}\n\tat com.shop.Db.read(Db.java:7)"
        ),
        format!(
            "Traceback (most recent call last):\n  File \"/srv/app/pay.py\", line {n}, in pay\n    charge()\nValueError: {line}"
        ),
        format!("panic: {line}\n\ngoroutine 1 [running]:\nmain.pay()\n\t/srv/app/pay.go:{n} +0x1d"),
        format!(
            "/srv/app/pay.rb:{n}:in `pay': {first} (RuntimeError)\n\tfrom /srv/app/app.rb:3:in `<main>'"
        ),
        format!("ERROR GET /pay?note={encoded}&n={n} 500"),
        format!("ERROR webhook {n} rejected payload={wrapped}"),
    ]
}

/// A `triaged` command against the sandbox with triage thresholds low enough that every
/// cluster gets a ticket.
fn command(sandbox: &Sandbox, args: &[&str]) -> std::process::Command {
    let mut command = sandbox.command(args);
    command
        .env("RUST_LOG", "info")
        .env("TRIAGED__SOURCES__CLOUDWATCH__LOOKBACK", "30days")
        .env("TRIAGED__TRIAGE__MIN_SCORE", "0")
        .env("TRIAGED__TRIAGE__MIN_EVENTS", "1")
        .env("TRIAGED__TRIAGE__MAX_NEW_TICKETS", "1000");
    command
}

fn run(sandbox: &Sandbox, args: &[&str]) -> Output {
    command(sandbox, args).output().unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Every dashboard page and API answer, from `triaged run`, and what the daemon printed.
fn dashboard_pages(sandbox: &Sandbox) -> (String, String) {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let mut daemon: Child = command(sandbox, &["run"])
        .env("TRIAGED__HTTP__BIND", format!("127.0.0.1:{port}"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let pages = runtime.block_on(async {
        let client = reqwest::Client::new();
        let get = |path: String| {
            let client = client.clone();
            let url = format!("{base}{path}");
            async move { client.get(url).send().await?.text().await }
        };
        let started = Instant::now();
        while get("/readyz".into()).await.is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the daemon never served"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let clusters: Value = serde_json::from_str(&get("/api/clusters".into()).await.unwrap())
            .expect("the cluster list is JSON");
        let mut paths: Vec<String> = ["/", "/runs", "/summaries", "/api/runs", "/api/summaries"]
            .iter()
            .map(|p| p.to_string())
            .collect();
        for row in clusters.as_array().into_iter().flatten() {
            let fingerprint = row["fingerprint"].as_str().unwrap_or_default().to_owned();
            paths.push(format!("/clusters/{fingerprint}"));
            paths.push(format!("/api/clusters/{fingerprint}"));
        }
        assert!(
            paths.len() > 40,
            "the dashboard lists the clusters: {clusters}"
        );
        let mut all = clusters.to_string();
        for path in paths {
            all.push_str(&get(path).await.unwrap());
        }
        all
    });
    let _ = daemon.kill();
    let out = daemon.wait_with_output().unwrap();
    (pages, text(&out))
}

/// The store's files (the database, its WAL and shared memory) read as bytes, so even a
/// deleted row or a page not yet checkpointed is searched.
fn store_bytes(sandbox: &Sandbox) -> String {
    let dir = sandbox.config.parent().unwrap();
    let mut all = String::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("triaged.db") {
            all.push_str(&String::from_utf8_lossy(&std::fs::read(&path).unwrap()));
        }
    }
    assert!(
        all.len() > 100_000,
        "the store was found: {} bytes",
        all.len()
    );
    all
}

/// Every secret, or piece of one of `FRAGMENT_CHARS` or more, found in a sink, with the
/// text around it; a piece that is also in the corpus's text around the secrets does not
/// count. One pass over each sink for all pieces at once.
fn search(cases: &[corpus::Planted], sinks: &[(&str, String)]) -> Vec<String> {
    let context = corpus_context(cases);
    let mut pieces: Vec<(usize, String)> = Vec::new();
    for (n, case) in cases.iter().enumerate() {
        pieces.push((n, case.secret.clone()));
        // The base64-wrapped placement: no 16-character stretch of the wrapped line may
        // survive (it held a secret, so it must have become a marker).
        let wrapped = base64_of(&case.line);
        let wrapped: Vec<char> = wrapped.chars().collect();
        for window in wrapped.windows(16).step_by(4) {
            pieces.push((n, window.iter().collect()));
        }
        let chars: Vec<char> = case.secret.chars().collect();
        for window in chars.windows(FRAGMENT_CHARS) {
            let piece: String = window.iter().collect();
            // A run of digits is found in any number (scores, timestamps): only the
            // whole of a numeric secret is searched for.
            if !piece.chars().all(|c| c.is_ascii_digit()) && !context.contains(&piece) {
                pieces.push((n, piece));
            }
        }
    }
    let finder = aho_corasick::AhoCorasick::new(pieces.iter().map(|(_, p)| p)).unwrap();
    let mut found = Vec::new();
    for (sink, text) in sinks {
        let mut seen = std::collections::BTreeSet::new();
        for hit in finder.find_overlapping_iter(text) {
            let (case, piece) = &pieces[hit.pattern().as_usize()];
            if seen.insert(*case) {
                let around = text
                    .get(hit.start().saturating_sub(100)..(hit.end() + 60).min(text.len()))
                    .unwrap_or(piece);
                found.push(format!(
                    "{} in {sink}: {piece:?} in {around:?}",
                    cases[*case].kind
                ));
            }
        }
    }
    found
}

/// The corpus's text that is not secret: every line with its secret taken out, every
/// look-alike, and the same as a ticket URL's slug would write them (`client-secret`).
fn corpus_context(cases: &[corpus::Planted]) -> String {
    let mut context: Vec<String> = cases
        .iter()
        .map(|c| c.line.replace(&c.secret, "\u{0}"))
        .chain(corpus::look_alikes())
        .collect();
    let slugs: Vec<String> = context
        .iter()
        .map(|text| {
            text.to_lowercase()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect()
        })
        .collect();
    context.extend(slugs);
    context.join("\n")
}

fn base64_of(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(text)
}
