//! The real binary as a process: SIGTERM drains (readiness false, the running job finishes
//! within the grace, exit 0), the grace is enforced, and the CLI's exit codes.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use triaged::store::{RunStatus, Store};

const BIN: &str = env!("CARGO_BIN_EXE_triaged");

struct Daemon {
    child: Child,
    lines: mpsc::Receiver<String>,
    db_url: String,
}

impl Daemon {
    /// Starts `triaged run` reading from a named pipe, so its ingest job blocks until the
    /// test writes: a long job under the test's control.
    fn start(dir: &Path, pipe: &Path, grace: &str) -> Daemon {
        let db_url = format!("sqlite://{}", dir.join("t.db").display());
        let config = dir.join("triaged.toml");
        std::fs::write(
            &config,
            format!(
                "database_url = \"{db_url}\"\nshutdown_grace = \"{grace}\"\n\
                 [http]\nbind = \"127.0.0.1:0\"\n[log]\nformat = \"json\"\nlevel = \"info\"\n\
                 [sources.file]\npaths = [\"{}\"]\n\
                 [jobs.summary]\nschedule = \"0 9 * * *\"\nenabled = false\n\
                 [jobs.triage]\nschedule = \"0 10 * * *\"\nenabled = false\n\
                 [jobs.verify]\nschedule = \"0 * * * *\"\nenabled = false\n",
                pipe.display()
            ),
        )
        .unwrap();
        let mut child = Command::new(BIN)
            .args(["--config", config.to_str().unwrap(), "run"])
            .env_remove("RUST_LOG")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Logs go to stderr.
        let logs = child.stderr.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(logs).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        Daemon {
            child,
            lines,
            db_url,
        }
    }

    /// Waits for a log line containing every needle; returns it.
    fn wait_for_log(&self, needles: &[&str]) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) if needles.iter().all(|n| line.contains(n)) => return line,
                Ok(_) => {}
                Err(_) => break,
            }
        }
        panic!("no log line with {needles:?}");
    }

    fn sigterm(&self) {
        let ok = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(ok.success());
    }

    fn wait_exit(&mut self, within: Duration) -> std::process::ExitStatus {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        panic!("daemon did not exit within {within:?}");
    }
}

fn mkfifo(dir: &Path) -> PathBuf {
    let pipe = dir.join("app.pipe");
    assert!(
        Command::new("mkfifo")
            .arg(&pipe)
            .status()
            .unwrap()
            .success()
    );
    pipe
}

fn addr_from(up_line: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(up_line).unwrap();
    v["fields"]["addr"].as_str().unwrap().to_string()
}

async fn status(addr: &str, path: &str) -> Option<u16> {
    reqwest::get(format!("http://{addr}{path}"))
        .await
        .ok()
        .map(|r| r.status().as_u16())
}

async fn ingest_run(db_url: &str) -> triaged::store::RunRecord {
    let store = Store::open(db_url).await.unwrap();
    let runs = store.recent_runs(10).await.unwrap();
    store.close().await;
    runs.into_iter()
        .find(|r| r.job == "ingest")
        .expect("an ingest run in the ledger")
}

crate::trial!(
    multi_thread,
    sigterm_during_a_long_job_drains_then_exits_zero
);
async fn sigterm_during_a_long_job_drains_then_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let pipe = mkfifo(dir.path());
    let mut daemon = Daemon::start(dir.path(), &pipe, "20s");
    let addr = addr_from(&daemon.wait_for_log(&["triaged is up"]));
    daemon.wait_for_log(&["run started", "\"job\":\"ingest\""]);
    assert_eq!(status(&addr, "/readyz").await, Some(200));
    let runs = reqwest::get(format!("http://{addr}/api/runs"))
        .await
        .unwrap();
    let runs: serde_json::Value = runs.json().await.unwrap();
    assert_eq!(
        (&runs["jobs"][0]["job"], &runs["jobs"][0]["status"]),
        (&"ingest".into(), &"running".into()),
        "the daemon serves the dashboard, on by default: {runs}"
    );

    let signalled = Instant::now();
    daemon.sigterm();
    daemon.wait_for_log(&["shutdown requested"]);
    assert_eq!(
        status(&addr, "/readyz").await,
        Some(503),
        "still ready while draining"
    );
    assert_eq!(
        status(&addr, "/healthz").await,
        Some(200),
        "alive while draining"
    );

    // The job is still running: give it its input, and it completes within the grace.
    let mut writer = std::fs::OpenOptions::new().write(true).open(&pipe).unwrap();
    writer
        .write_all(b"error one\nerror two\nerror three\n")
        .unwrap();
    drop(writer);
    let exit = daemon.wait_exit(Duration::from_secs(20));
    assert!(exit.success(), "exit status {exit:?}");
    assert!(signalled.elapsed() < Duration::from_secs(20));

    let run = ingest_run(&daemon.db_url).await;
    assert_eq!(run.status, RunStatus::Succeeded);
    let detail: serde_json::Value = serde_json::from_str(run.detail.as_deref().unwrap()).unwrap();
    assert_eq!(detail["events"], 3, "{detail}");
}

crate::trial!(
    multi_thread,
    a_job_that_outlives_the_grace_is_stopped_and_marked_interrupted
);
async fn a_job_that_outlives_the_grace_is_stopped_and_marked_interrupted() {
    let dir = tempfile::tempdir().unwrap();
    let pipe = mkfifo(dir.path());
    let mut daemon = Daemon::start(dir.path(), &pipe, "2s");
    daemon.wait_for_log(&["triaged is up"]);
    daemon.wait_for_log(&["run started", "\"job\":\"ingest\""]);
    let signalled = Instant::now();
    daemon.sigterm();
    let exit = daemon.wait_exit(Duration::from_secs(15));
    assert!(exit.success(), "exit status {exit:?}");
    assert!(
        signalled.elapsed() >= Duration::from_secs(2),
        "did not wait for the grace"
    );
    let run = ingest_run(&daemon.db_url).await;
    assert_eq!(run.status, RunStatus::Interrupted);
}

crate::trial!(sync, check_config_exits_2_with_paths_and_0_when_valid);
fn check_config_exits_2_with_paths_and_0_when_valid() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[scheduler]\nlease = \"1s\"\n[http]\nbnd = 1\n").unwrap();
    let out = Command::new(BIN)
        .args(["-c", bad.to_str().unwrap(), "check-config"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("scheduler.lease:") && err.contains("http.bnd: unknown key"),
        "{err}"
    );

    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/triaged.example.toml");
    let out = Command::new(BIN)
        .args(["-c", example.to_str().unwrap(), "check-config"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

crate::trial!(
    sync,
    once_ingest_reads_a_file_and_a_second_run_reads_only_new_lines
);
fn once_ingest_reads_a_file_and_a_second_run_reads_only_new_lines() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    std::fs::write(&log, "boom 1\nboom 2\n").unwrap();
    let run = |expected: &str| {
        let out = Command::new(BIN)
            .current_dir(dir.path())
            .env(
                "TRIAGED__SOURCES__FILE__PATHS",
                format!("[\"{}\"]", log.display()),
            )
            .env("TRIAGED__LOG__LEVEL", "warn")
            .args(["once", "ingest"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains(expected), "{stdout}");
    };
    run("\"events\":2,\"failed_sources\":[],\"merged_across_sources\":0,\"new_clusters\":1");
    std::fs::OpenOptions::new()
        .append(true)
        .open(&log)
        .unwrap()
        .write_all(b"boom 3\n")
        .unwrap();
    // Only the new line, counted towards the cluster the first run made.
    run("\"events\":1,\"failed_sources\":[],\"merged_across_sources\":0,\"new_clusters\":0");
    assert!(
        dir.path().join("triaged.db").exists(),
        "default store is ./triaged.db"
    );
}

crate::trial!(sync, cluster_reads_a_file_or_stdin_and_needs_no_config);
fn cluster_reads_a_file_or_stdin_and_needs_no_config() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.log");
    std::fs::write(
        &input,
        "conn 10.0.0.1 reset after 30ms\nconn 10.0.0.7 reset after 2ms\ndisk full\n",
    )
    .unwrap();
    // A broken config must not matter: clustering reads no configuration.
    std::fs::write(dir.path().join("triaged.toml"), "nonsense = 1\n").unwrap();
    let out = Command::new(BIN)
        .current_dir(dir.path())
        .args(["cluster", "--input", input.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let ids: Vec<&str> = text
        .lines()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    assert_eq!(ids.len(), 3);
    assert_eq!(ids[0], ids[1]);
    assert_ne!(ids[0], ids[2]);
    assert!(
        !dir.path().join("triaged.db").exists(),
        "cluster must not open a store"
    );

    // The same lines on standard input get the same ids: ids come from content, not order
    // of invocation.
    let mut child = Command::new(BIN)
        .arg("cluster")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&std::fs::read(&input).unwrap())
        .unwrap();
    let piped = child.wait_with_output().unwrap();
    assert!(piped.status.success());
    assert_eq!(String::from_utf8(piped.stdout).unwrap(), text);

    let missing = Command::new(BIN)
        .args(["cluster", "--input", "/nonexistent/in.log"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/in.log"));
}
