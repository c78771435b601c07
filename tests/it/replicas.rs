//! Replicas with a dead leader, through real processes: three `triaged run` share one store,
//! the one running ingest (blocked on a slow source) is SIGKILLed mid-run, another takes the
//! run over at once, and every line is counted exactly once — on Postgres and on SQLite.

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use triaged::store::{RunRecord, RunStatus, Store};

use crate::support::{TestDb, test_seed};

const BIN: &str = env!("CARGO_BIN_EXE_triaged");

/// A `triaged run` whose ingest reads `log`, then blocks on the named pipe `pipe` until the
/// test writes to it: a slow source under the test's control.
fn replica(dir: &Path, name: &str, db_url: &str, log: &Path, pipe: &Path) -> Child {
    let config = dir.join(format!("{name}.toml"));
    std::fs::write(
        &config,
        format!(
            "database_url = \"{db_url}\"\nshutdown_grace = \"1s\"\n\
             [http]\nbind = \"127.0.0.1:0\"\n[log]\nformat = \"json\"\nlevel = \"warn\"\n\
             [scheduler]\nlease = \"10s\"\nheartbeat = \"2s\"\npoll_interval = \"1s\"\n\
             [sources.file]\npaths = [\"{}\", \"{}\"]\n\
             [jobs.ingest]\nschedule = \"* * * * *\"\n\
             [jobs.summary]\nschedule = \"0 9 * * *\"\nenabled = false\n\
             [jobs.triage]\nschedule = \"0 10 * * *\"\nenabled = false\n\
             [jobs.verify]\nschedule = \"0 * * * *\"\nenabled = false\n",
            log.display(),
            pipe.display()
        ),
    )
    .unwrap();
    Command::new(BIN)
        .args(["--config", config.to_str().unwrap(), "run"])
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// The process id in a holder id (`host-pid-random`).
fn pid_of(holder: &str) -> u32 {
    holder.rsplit('-').nth(1).unwrap().parse().unwrap()
}

async fn ingest_runs(store: &Store) -> Vec<RunRecord> {
    let runs = store.recent_runs(50).await.unwrap();
    runs.into_iter().filter(|r| r.job == "ingest").collect()
}

/// Waits (up to `secs`) for an ingest run matching `wanted`.
async fn wait_for_run(
    store: &Store,
    secs: u64,
    what: &str,
    wanted: impl Fn(&RunRecord) -> bool,
) -> RunRecord {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(run) = ingest_runs(store).await.into_iter().find(&wanted) {
            return run;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn a_dead_leaders_run_is_taken_over_and_counted_once(db: &TestDb, test: &str) {
    let mut rng = StdRng::seed_from_u64(test_seed(test));
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    let pipe = dir.path().join("slow.pipe");
    assert!(
        Command::new("mkfifo")
            .arg(&pipe)
            .status()
            .unwrap()
            .success()
    );
    let in_file: u64 = rng.random_range(2_000..8_000);
    let text: String = (0..in_file)
        .map(|i| format!("ERROR order {i} failed: code {}\n", rng.random_range(0..50)))
        .collect();
    std::fs::write(&log, text).unwrap();
    // The store exists before the replicas race to open it.
    Store::open(&db.url).await.unwrap().close().await;
    let mut replicas: Vec<Child> = ["a", "b", "c"]
        .iter()
        .map(|name| replica(dir.path(), name, &db.url, &log, &pipe))
        .collect();
    let store = Store::open(&db.url).await.unwrap();

    let first = wait_for_run(&store, 30, "a replica to start ingest", |r| {
        r.status == RunStatus::Running
    })
    .await;
    // It has read the file and now waits on the pipe; kill it there, mid-run.
    tokio::time::sleep(Duration::from_millis(rng.random_range(50..500))).await;
    let leader = pid_of(&first.holder);
    let at = replicas.iter().position(|c| c.id() == leader).unwrap();
    let mut dead = replicas.remove(at);
    dead.kill().unwrap();
    dead.wait().unwrap();
    let killed = Instant::now();

    // A survivor on this machine sees the process gone and takes over long before the
    // 10 s lease would have run out.
    let taker = wait_for_run(&store, 30, "a survivor to take the run over", |r| {
        r.status == RunStatus::Running && r.holder != first.holder
    })
    .await;
    assert!(
        killed.elapsed() < Duration::from_secs(8),
        "takeover took {:?}",
        killed.elapsed()
    );
    let in_pipe: u64 = rng.random_range(10..200);
    let mut writer = std::fs::OpenOptions::new().write(true).open(&pipe).unwrap();
    for i in 0..in_pipe {
        writeln!(writer, "ERROR slow source line {i}").unwrap();
    }
    drop(writer);
    let done = wait_for_run(&store, 30, "the taken-over run to finish", |r| {
        r.scheduled_for >= taker.scheduled_for && r.status == RunStatus::Succeeded
    })
    .await;
    for mut child in replicas {
        let _ = child.kill();
        let _ = child.wait();
    }

    let detail: serde_json::Value = serde_json::from_str(done.detail.as_deref().unwrap()).unwrap();
    assert_eq!(detail["events"], in_file + in_pipe, "{detail}");
    let stored: u64 = store
        .clusters_seen_since(chrono::DateTime::UNIX_EPOCH)
        .await
        .unwrap()
        .iter()
        .map(|c| c.events_total)
        .sum();
    assert_eq!(stored, in_file + in_pipe, "events in the store");
    let runs = ingest_runs(&store).await;
    let succeeded: Vec<_> = runs
        .iter()
        .filter(|r| r.status == RunStatus::Succeeded)
        .collect();
    assert_eq!(succeeded.len(), 1, "{runs:#?}");
    // The dead leader's run was taken over (same tick, attempt 2) or, had a newer tick come
    // due meanwhile, marked interrupted; it is not left running.
    assert!(
        runs.iter()
            .all(|r| r.holder != first.holder || r.status == RunStatus::Interrupted),
        "{runs:#?}"
    );
    if done.scheduled_for == first.scheduled_for {
        assert_eq!(done.attempt, 2, "{done:?}");
    }
    store.close().await;
}

crate::trial!(
    multi_thread,
    a_dead_leader_on_postgres_is_taken_over_and_counted_once,
    needs = Postgres
);
async fn a_dead_leader_on_postgres_is_taken_over_and_counted_once() {
    let db = TestDb::postgres().await;
    a_dead_leaders_run_is_taken_over_and_counted_once(&db, "dead leader on Postgres").await;
    db.cleanup().await;
}

crate::trial!(
    multi_thread,
    a_dead_leader_on_sqlite_is_taken_over_and_counted_once
);
async fn a_dead_leader_on_sqlite_is_taken_over_and_counted_once() {
    let db = TestDb::sqlite().await;
    a_dead_leaders_run_is_taken_over_and_counted_once(&db, "dead leader on SQLite").await;
}
