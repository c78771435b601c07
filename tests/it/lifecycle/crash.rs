//! Crash safety with real processes: `triaged once triage` killed (SIGKILL) while Linear
//! holds the answer to a call that already landed — at the create, at the attachment, at
//! a comment — and two processes triaging one Postgres store at once. Each ends with
//! exactly one ticket (and one comment) per cluster.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration as StdDuration, Instant};

use chrono::Utc;
use triaged::pipeline::triage::{Effects, run_triage};
use triaged::store::{Claimant, LockAttempt};
use triaged_sandbox::Fault;
use triaged_sandbox::linear::IssueSnapshot;

use super::World;
use crate::support::TestDb;

const BIN: &str = env!("CARGO_BIN_EXE_triaged");
const CRASH: &str = "TypeError: Cannot read properties of undefined (reading 'cart')";

fn spawn_triage(config: &Path, key: &str) -> Child {
    Command::new(BIN)
        .args(["--config", config.to_str().unwrap(), "once", "triage"])
        .env("LINEAR_KEY", key)
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap()
}

pub fn finish(child: Child) {
    let status = wait(child);
    assert!(status.success(), "triaged once triage exited with {status}");
}

/// Waits (up to a minute) for `child` to exit.
fn wait(mut child: Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + StdDuration::from_secs(60);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "triaged once triage did not finish"
        );
        std::thread::sleep(StdDuration::from_millis(20));
    }
}

/// Waits until the emulator shows `landed`, then kills the child while its answer is held.
pub async fn kill_when(mut child: Child, what: &str, landed: impl Fn() -> bool) {
    let deadline = Instant::now() + StdDuration::from_secs(60);
    while !landed() {
        assert!(Instant::now() < deadline, "{what} never landed");
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the child exited ({status}) before {what} landed");
        }
        tokio::time::sleep(StdDuration::from_millis(10)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

fn ours(world: &World) -> Vec<IssueSnapshot> {
    world.created()
}

crate::trial!(
    multi_thread,
    a_kill_between_the_linear_call_and_the_store_write_never_doubles_a_ticket
);
async fn a_kill_between_the_linear_call_and_the_store_write_never_doubles_a_ticket() {
    for held in ["issueCreate", "attachmentCreate", "commentCreate"] {
        let db = TestDb::sqlite().await;
        let mut w = World::for_processes(&db.url).await;
        w.log_recent("checkout", 3, 20, CRASH, "2.0");
        w.ingest(Utc::now()).await;
        let config = w.config_file(&db.url);
        let key = w.linear.api_key();
        if held == "commentCreate" {
            // A ticket first; then four times the volume calls for one comment.
            finish(spawn_triage(&config, &key));
            w.log_recent("checkout", 3, 60, CRASH, "2.0");
            w.ingest(Utc::now()).await;
        }
        w.linear.limit_faults_to(&[held]);
        w.linear.inject(Fault::Delay(StdDuration::from_secs(120)));
        let child = spawn_triage(&config, &key);
        kill_when(child, held, || match held {
            "issueCreate" => ours(&w).len() == 1,
            "attachmentCreate" => ours(&w).first().is_some_and(|i| i.attachments.len() == 1),
            _ => ours(&w).first().is_some_and(|i| i.comments.len() == 1),
        })
        .await;
        w.linear.limit_faults_to(&[]);
        // The restarted process finds the intent, looks in Linear first, and completes it.
        finish(spawn_triage(&config, &key));
        finish(spawn_triage(&config, &key));
        let issues = ours(&w);
        assert_eq!(issues.len(), 1, "killed at {held}: {issues:#?}");
        assert_eq!(issues[0].attachments.len(), 1, "killed at {held}");
        let expected_comments = usize::from(held == "commentCreate");
        assert_eq!(
            issues[0].comments.len(),
            expected_comments,
            "killed at {held}: {:?}",
            issues[0].comments
        );
        assert!(
            w.store.pending_actions().await.unwrap().is_empty(),
            "killed at {held}"
        );
        let stored = w.store.tickets().await.unwrap();
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].record.key, issues[0].identifier);
        db.cleanup().await;
    }
}

crate::trial!(
    multi_thread,
    two_processes_on_one_postgres_open_one_ticket_per_cluster,
    needs = Postgres
);
async fn two_processes_on_one_postgres_open_one_ticket_per_cluster() {
    let db = TestDb::postgres().await;
    let mut w = World::for_processes(&db.url).await;
    for (service, message) in [
        ("checkout", CRASH),
        ("payments", "KeyError: 'currency'"),
        ("search", "IndexError: shard 4 unavailable"),
    ] {
        w.log_recent(service, 3, 20, message, "2.0");
    }
    w.ingest(Utc::now()).await;
    let config = w.config_file(&db.url);
    let key = w.linear.api_key();
    // Slow creates, so both processes are deciding and creating at the same time.
    w.linear.limit_faults_to(&["issueCreate"]);
    for _ in 0..6 {
        w.linear.inject(Fault::Delay(StdDuration::from_millis(300)));
    }
    let first = spawn_triage(&config, &key);
    let second = spawn_triage(&config, &key);
    // The job lock lets one of them work; the other does too (after it) or exits 75.
    let mut codes = [wait(first).code(), wait(second).code()];
    codes.sort();
    assert!(
        codes == [Some(0), Some(0)] || codes == [Some(0), Some(75)],
        "exit codes {codes:?}"
    );
    finish(spawn_triage(&config, &key));
    let issues = ours(&w);
    assert_eq!(issues.len(), 3, "{issues:#?}");
    assert!(
        issues.iter().all(|i| i.attachments.len() == 1),
        "{issues:#?}"
    );
    assert_eq!(w.store.tickets().await.unwrap().len(), 3);
    db.cleanup().await;
}

crate::trial!(
    multi_thread,
    a_triage_that_lost_its_lock_calls_the_tracker_for_nothing
);
async fn a_triage_that_lost_its_lock_calls_the_tracker_for_nothing() {
    let db = TestDb::sqlite().await;
    let mut w = World::new(&db.url).await;
    w.log_recent("checkout", 3, 20, CRASH, "2.0");
    let now = Utc::now();
    w.ingest(now).await;
    let lease = chrono::Duration::seconds(60);
    let Ok(LockAttempt::Acquired { fence: paused, .. }) = w
        .store
        .acquire_job_lock(
            "triage",
            Claimant {
                holder: "paused",
                boot_id: None,
            },
            now,
            now,
            now + lease,
        )
        .await
    else {
        panic!("the lock was free")
    };
    // The paused holder's lease ran out and another run took the job over.
    let later = now + lease + chrono::Duration::seconds(1);
    let Ok(LockAttempt::Acquired { .. }) = w
        .store
        .acquire_job_lock(
            "triage",
            Claimant {
                holder: "taker",
                boot_id: None,
            },
            later,
            later,
            later + lease,
        )
        .await
    else {
        panic!("no takeover")
    };
    w.linear.set_now(now);
    let stale = run_triage(
        &w.store,
        &w.tracker,
        &w.settings,
        now,
        None,
        Effects::Act(Some(&paused)),
    )
    .await;
    let error = stale.expect_err("a superseded run must stop").to_string();
    assert!(error.contains("lost its lock on triage"), "{error}");
    assert!(w.created().is_empty(), "{:#?}", w.created());
    assert!(w.store.tickets().await.unwrap().is_empty());
    // The same triage under no stale lock creates the ticket.
    w.triage(now).await;
    assert_eq!(w.created().len(), 1, "{:#?}", w.created());
}
