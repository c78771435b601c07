//! Overlapping runs through real processes, on SQLite and on Postgres: several `triaged once
//! ingest` started together on one growing file count every line exactly once, the losers
//! exit 75 having done nothing; a run that holds the job makes a second one exit 75 with a
//! message naming the holder; a run killed with SIGKILL is taken over at once.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use triaged::store::{RunStatus, Store};

use crate::support::{TestDb, test_seed};

const BIN: &str = env!("CARGO_BIN_EXE_triaged");
/// `once`'s exit code when another run holds the job.
const EXIT_BUSY: i32 = 75;

/// A `once ingest` on `log` against `db_url`, not yet waited for.
fn once_ingest(dir: &Path, db_url: &str, log: &Path) -> std::process::Child {
    Command::new(BIN)
        .current_dir(dir)
        .env("TRIAGED__DATABASE_URL", db_url)
        .env(
            "TRIAGED__SOURCES__FILE__PATHS",
            format!("[\"{}\"]", log.display()),
        )
        .env("TRIAGED__LOG__LEVEL", "warn")
        .env_remove("RUST_LOG")
        .args(["once", "ingest"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The events a successful `once ingest` reported on stdout, which carries that one line
/// and nothing else (logs go to stderr).
fn reported_events(out: &Output) -> u64 {
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), 1, "stdout: {stdout}");
    let json = stdout
        .strip_prefix("ingest: succeeded ")
        .unwrap_or_else(|| panic!("no report on stdout: {stdout}"));
    let report: serde_json::Value = serde_json::from_str(json.trim()).unwrap();
    report["events"].as_u64().unwrap()
}

/// Appends `count` error lines of a few shapes to `log`.
fn append_lines(log: &Path, count: usize, rng: &mut StdRng) {
    let mut text = String::with_capacity(count * 64);
    for _ in 0..count {
        let id: u32 = rng.random_range(1..1_000_000);
        let line = match rng.random_range(0..4) {
            0 => format!(
                "ERROR payment {id} failed: gateway timeout after {} ms\n",
                id % 900
            ),
            1 => format!("ERROR cart {id} could not be saved: deadlock detected\n"),
            2 => format!("ERROR user {id} login failed: token expired\n"),
            _ => format!("ERROR export job {id} crashed: disk quota exceeded on /data/{id}\n"),
        };
        text.push_str(&line);
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .unwrap();
    file.write_all(text.as_bytes()).unwrap();
}

/// Rounds of racing processes over one file; every line must be counted once.
async fn racing_once_ingests_count_every_line_once(db: &TestDb, test: &str) {
    let mut rng = StdRng::seed_from_u64(test_seed(test));
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    let (mut written, mut reported, mut refused) = (0u64, 0u64, 0u32);
    for round in 0..5 {
        let lines = rng.random_range(5_000..20_000);
        append_lines(&log, lines, &mut rng);
        written += lines as u64;
        let racers = rng.random_range(2..=4);
        let children: Vec<_> = (0..racers)
            .map(|_| once_ingest(dir.path(), &db.url, &log))
            .collect();
        let mut winners = 0;
        for child in children {
            let out = child.wait_with_output().unwrap();
            match out.status.code() {
                Some(0) => {
                    winners += 1;
                    reported += reported_events(&out);
                }
                Some(EXIT_BUSY) => {
                    refused += 1;
                    let stderr = String::from_utf8_lossy(&out.stderr);
                    assert!(stderr.contains("ingest is already running"), "{stderr}");
                    assert!(out.stdout.is_empty(), "a refused run prints no result");
                }
                other => panic!(
                    "round {round}: exit {other:?}: {}",
                    String::from_utf8_lossy(&out.stderr)
                ),
            }
        }
        assert!(winners >= 1, "round {round}: every racer refused");
    }
    // What a capped read left behind is read by runs alone.
    loop {
        let out = once_ingest(dir.path(), &db.url, &log)
            .wait_with_output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        match reported_events(&out) {
            0 => break,
            more => reported += more,
        }
    }
    eprintln!("{test}: {written} lines, {refused} racers refused");
    assert_eq!(reported, written, "events reported by the winning runs");
    let store = Store::open(&db.url).await.unwrap();
    let stored: u64 = store
        .clusters_seen_since(chrono::DateTime::UNIX_EPOCH)
        .await
        .unwrap()
        .iter()
        .map(|c| c.events_total)
        .sum();
    assert_eq!(stored, written, "events in the store");
    store.close().await;
}

crate::trial!(
    multi_thread,
    racing_once_ingests_on_sqlite_count_every_line_once
);
async fn racing_once_ingests_on_sqlite_count_every_line_once() {
    let db = TestDb::sqlite().await;
    racing_once_ingests_count_every_line_once(&db, "racing once on SQLite").await;
}

crate::trial!(
    multi_thread,
    racing_once_ingests_on_postgres_count_every_line_once,
    needs = Postgres
);
async fn racing_once_ingests_on_postgres_count_every_line_once() {
    let db = TestDb::postgres().await;
    racing_once_ingests_count_every_line_once(&db, "racing once on Postgres").await;
    db.cleanup().await;
}

/// A `once` blocked reading a named pipe holds the job; a second one must refuse.
async fn a_held_job_refuses_a_second_once(db: &TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let pipe = dir.path().join("pipe.log");
    let made = Command::new("mkfifo").arg(&pipe).status().unwrap();
    assert!(made.success());
    let holder = once_ingest(dir.path(), &db.url, &pipe);
    // The holder is blocked opening the pipe once it holds the lock; wait until it does.
    let store = Store::open(&db.url).await.unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while store
        .recent_runs(1)
        .await
        .unwrap()
        .first()
        .is_none_or(|r| r.job != "ingest")
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the first run never started"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let second = once_ingest(dir.path(), &db.url, &pipe)
        .wait_with_output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(EXIT_BUSY), "{stderr}");
    assert!(
        stderr.contains("ingest is already running (holder ")
            && stderr.contains("nothing was done"),
        "{stderr}"
    );
    // Let the holder finish: a writer that writes one line and closes.
    std::fs::OpenOptions::new()
        .write(true)
        .open(&pipe)
        .unwrap()
        .write_all(b"ERROR boom 1\n")
        .unwrap();
    let first = holder.wait_with_output().unwrap();
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert_eq!(reported_events(&first), 1);
    store.close().await;
}

crate::trial!(multi_thread, a_held_job_refuses_a_second_once_on_sqlite);
async fn a_held_job_refuses_a_second_once_on_sqlite() {
    a_held_job_refuses_a_second_once(&TestDb::sqlite().await).await;
}

crate::trial!(
    multi_thread,
    a_held_job_refuses_a_second_once_on_postgres,
    needs = Postgres
);
async fn a_held_job_refuses_a_second_once_on_postgres() {
    let db = TestDb::postgres().await;
    a_held_job_refuses_a_second_once(&db).await;
    db.cleanup().await;
}

/// A `once` killed with SIGKILL while it holds the job: the next `once` on this machine sees
/// that its process is gone, takes the job at once and marks the dead run interrupted.
async fn a_killed_once_is_taken_over_at_once(db: &TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let pipe = dir.path().join("pipe.log");
    assert!(
        Command::new("mkfifo")
            .arg(&pipe)
            .status()
            .unwrap()
            .success()
    );
    let mut doomed = once_ingest(dir.path(), &db.url, &pipe);
    let store = Store::open(&db.url).await.unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while store.recent_runs(1).await.unwrap().is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "the first run never started"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    doomed.kill().unwrap(); // SIGKILL: no chance to release anything
    doomed.wait().unwrap();
    // The next run reads a plain file (the pipe has no writer any more).
    let log = dir.path().join("app.log");
    append_lines(&log, 10, &mut StdRng::seed_from_u64(1));
    let next = once_ingest(dir.path(), &db.url, &log)
        .wait_with_output()
        .unwrap();
    assert_eq!(
        next.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&next.stderr)
    );
    assert_eq!(reported_events(&next), 10);
    let runs = store.recent_runs(10).await.unwrap();
    assert_eq!(runs.len(), 2, "{runs:#?}");
    let dead = runs
        .iter()
        .find(|r| r.status != RunStatus::Succeeded)
        .unwrap();
    assert_eq!(dead.status, RunStatus::Interrupted, "{dead:?}");
    assert!(
        dead.error.as_deref().unwrap_or("").contains("abandoned"),
        "{dead:?}"
    );
    store.close().await;
}

crate::trial!(multi_thread, a_killed_once_is_taken_over_at_once_on_sqlite);
async fn a_killed_once_is_taken_over_at_once_on_sqlite() {
    a_killed_once_is_taken_over_at_once(&TestDb::sqlite().await).await;
}

crate::trial!(
    multi_thread,
    a_killed_once_is_taken_over_at_once_on_postgres,
    needs = Postgres
);
async fn a_killed_once_is_taken_over_at_once_on_postgres() {
    let db = TestDb::postgres().await;
    a_killed_once_is_taken_over_at_once(&db).await;
    db.cleanup().await;
}

crate::trial!(
    sync,
    processes_opening_a_new_sqlite_database_at_once_all_migrate_it
);
fn processes_opening_a_new_sqlite_database_at_once_all_migrate_it() {
    let dir = tempfile::tempdir().unwrap();
    for round in 0..4 {
        let db_url = format!(
            "sqlite://{}",
            dir.path().join(format!("new-{round}.db")).display()
        );
        let children: Vec<_> = (0..8)
            .map(|_| {
                Command::new(BIN)
                    .current_dir(dir.path())
                    .env("TRIAGED__DATABASE_URL", &db_url)
                    .env_remove("RUST_LOG")
                    .arg("migrate")
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}
