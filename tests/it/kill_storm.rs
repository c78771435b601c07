//! Random SIGKILLs through real processes: `triaged once <job>` against `triaged sandbox`
//! (CloudWatch, Sentry, Linear, GitHub, Anthropic, Slack, Teams on 127.0.0.1), killed at
//! seeded random moments across ingest, triage (with hypotheses and drafts), verify and
//! summary, while new log lines arrive. After a recovery pass without kills the store and
//! the emulators hold exactly one of everything: no duplicate ticket, attachment or pull
//! request, no intent pending, no run left running, and the event counts equal a clean
//! read of the same emulators into a fresh store.
//!
//! `TRIAGED_KILL_STORM_KILLS` sets the number of kills (CI: 20; the long variant in
//! BENCHMARKS.md runs 200).

use std::collections::{BTreeMap, BTreeSet};
use std::process::Stdio;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use triaged::domain::lifecycle::Origin;
use triaged::store::{RunStatus, Store};

use crate::support::sandbox::{Sandbox, succeeded};
use crate::support::test_seed;

const JOBS: [&str; 4] = ["ingest", "triage", "verify", "summary"];

/// What the storm did, printed at the end.
#[derive(Debug, Default)]
struct Tally {
    kills: BTreeMap<&'static str, u32>,
    finished: BTreeMap<(&'static str, i32), u32>,
    lines_sent: u64,
}

/// A few error shapes with varying numbers, so new clusters keep appearing.
pub(crate) fn log_lines(rng: &mut StdRng) -> Vec<String> {
    let count = rng.random_range(1..20);
    (0..count)
        .map(|_| {
            let id: u32 = rng.random_range(1..100_000);
            match rng.random_range(0..5) {
                0 => format!("ERROR checkout {id} failed: payment gateway timeout"),
                1 => format!("ERROR search shard {} unavailable for query {id}", id % 7),
                2 => format!("ERROR TypeError: Cannot read properties of undefined (reading 'cart') order {id}"),
                3 => format!("ERROR storm kind {} broke for user {id}", rng.random_range(0..6)),
                _ => format!("ERROR export {id} crashed: disk quota exceeded"),
            }
        })
        .collect()
}

/// `triaged <args>` against the sandbox, reading far enough back that every event the
/// emulators hold is in reach of the first read and of the clean one alike.
pub(crate) fn storm_command(sandbox: &Sandbox, args: &[&str]) -> std::process::Command {
    let mut command = sandbox.command(args);
    command
        .env("TRIAGED__SOURCES__CLOUDWATCH__LOOKBACK", "30days")
        .env("TRIAGED__SOURCES__SENTRY__LOOKBACK", "30days");
    // A held answer (the timeout fault) costs the client its whole timeout: 2 s instead
    // of the default 10 s keeps a storm's ticks short, and is still far past loopback.
    for key in [
        "SOURCES__CLOUDWATCH__ATTEMPT_TIMEOUT",
        "SOURCES__SENTRY__HTTP__REQUEST_TIMEOUT",
        "LINEAR__HTTP__REQUEST_TIMEOUT",
        "GITHUB__HTTP__REQUEST_TIMEOUT",
        "AGENT__HTTP__REQUEST_TIMEOUT",
    ] {
        command.env(format!("TRIAGED__{key}"), "2s");
    }
    command
}

/// One `once <job>`, SIGKILLed after `kill_after` unless it ended first.
fn run_or_kill(sandbox: &Sandbox, job: &'static str, kill_after: Duration, tally: &mut Tally) {
    let mut child = storm_command(sandbox, &["once", job])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + kill_after;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let code = status.code().expect("exited, not killed");
            let mut stderr = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
            assert!(!stderr.contains("panicked"), "{job} panicked: {stderr}");
            assert!([0, 1, 75].contains(&code), "{job} exited {code}: {stderr}");
            *tally.finished.entry((job, code)).or_default() += 1;
            return;
        }
        if Instant::now() >= deadline {
            child.kill().unwrap();
            child.wait().unwrap();
            *tally.kills.entry(job).or_default() += 1;
            return;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Every job run to its end, in order, each having to succeed.
/// The clean pass after a storm: the world's traffic held back first, so the emulators
/// serve a fixed set of events from here on, then every job once (triage twice). The
/// second triage has nothing left to retry, defer or skip.
pub(crate) fn recover(sandbox: &Sandbox) {
    let (status, body) = sandbox.post("/traffic", json!({ "paused": true }));
    assert_eq!(status, 200, "{body}");
    let mut last_triage = Value::Null;
    for job in ["ingest", "triage", "verify", "triage", "summary"] {
        let out = storm_command(sandbox, &["once", job]).output().unwrap();
        let report = succeeded(job, &out);
        if job == "triage" {
            last_triage = report;
        }
    }
    for left in ["deferred", "unreadable", "pending"] {
        assert_eq!(last_triage[left], json!([]), "{left}: {last_triage:#}");
    }
    for left in ["failed", "skipped"] {
        assert_eq!(
            last_triage["act"][left],
            json!([]),
            "{left}: {last_triage:#}"
        );
    }
}

/// Events per cluster in a store, keyed by what names a cluster whatever order its events came in.
pub(crate) async fn events_by_cluster(url: &str) -> BTreeMap<String, u64> {
    let store = Store::open(url).await.unwrap();
    let clusters = store
        .clusters_seen_since(chrono::DateTime::UNIX_EPOCH)
        .await
        .unwrap();
    store.close().await;
    let mut by_cluster = BTreeMap::new();
    for c in clusters {
        // A stack cluster's title and fingerprint come from whichever of its events was
        // seen first, which the storm reorders; its merge key does not.
        let key = c
            .identity
            .merge_key
            .clone()
            .unwrap_or_else(|| c.identity.fingerprint.to_string());
        *by_cluster.entry(key).or_default() += c.events_total;
    }
    by_cluster
}

/// No duplicate ticket, attachment, pull request or chat post in the emulators; one store
/// ticket per created issue; nothing pending, nothing running.
pub(crate) async fn assert_exactly_one_of_everything(state: &Value, db_url: &str) {
    let created: Vec<&Value> = state["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["created_by_api"] == json!(true))
        .collect();
    assert!(!created.is_empty(), "the storm opened no ticket: {state:#}");
    let mut attachments = BTreeSet::new();
    for issue in &created {
        let urls = issue["attachments"].as_array().unwrap();
        assert_eq!(urls.len(), 1, "one attachment per ticket: {issue}");
        assert!(
            attachments.insert(urls[0].as_str().unwrap().to_owned()),
            "two tickets for one cluster: {urls:?}\n{state:#}"
        );
    }
    let pulls = state["pulls"].as_array().unwrap();
    let heads: BTreeSet<&str> = pulls.iter().map(|p| p["head"].as_str().unwrap()).collect();
    assert_eq!(
        heads.len(),
        pulls.len(),
        "two pull requests on one branch: {pulls:#?}"
    );
    assert!(
        pulls.iter().all(|p| p["merged"] == json!(false)),
        "triaged never merges"
    );

    let store = Store::open(db_url).await.unwrap();
    let tickets = store.tickets().await.unwrap();
    let made: BTreeSet<&str> = tickets
        .iter()
        .filter(|t| t.record.origin == Origin::Created)
        .map(|t| t.record.key.as_str())
        .collect();
    let in_linear: BTreeSet<&str> = created
        .iter()
        .map(|i| i["identifier"].as_str().unwrap())
        .collect();
    assert_eq!(
        made, in_linear,
        "the tickets triaged made are the ones in Linear"
    );
    let all: BTreeSet<&str> = state["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["identifier"].as_str().unwrap())
        .collect();
    let keys: Vec<&str> = tickets.iter().map(|t| t.record.key.as_str()).collect();
    assert!(keys.iter().all(|k| all.contains(k)), "{keys:?} vs {all:?}");
    let distinct: BTreeSet<&&str> = keys.iter().collect();
    assert_eq!(
        distinct.len(),
        keys.len(),
        "one ticket for two clusters: {keys:?}"
    );
    // Every chat post was claimed first and a claim is posted at most once.
    for (destination, posts) in [("ops", "slack_messages"), ("engineering", "teams_messages")] {
        let posts = state[posts].as_u64().unwrap();
        let (claimed, posted) = store.summary_post_counts(destination).await.unwrap();
        assert!(
            posted <= posts && posts <= claimed,
            "{destination}: {posts} chat posts for {claimed} claims ({posted} known posted)"
        );
    }
    let pending = store.pending_actions().await.unwrap();
    assert!(pending.is_empty(), "intents left pending: {pending:#?}");
    let runs = store.recent_runs(10_000).await.unwrap();
    let stuck: Vec<_> = runs
        .iter()
        .filter(|r| r.status == RunStatus::Running)
        .collect();
    assert!(stuck.is_empty(), "runs left running: {stuck:#?}");
    store.close().await;
}

crate::trial!(sync, random_kills_leave_exactly_one_of_everything);
fn random_kills_leave_exactly_one_of_everything() {
    let kills_wanted: u32 = std::env::var("TRIAGED_KILL_STORM_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let seed = test_seed("kill storm");
    let mut rng = StdRng::seed_from_u64(seed);
    let dir = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::start(&dir.path().join("sb"), seed, &[]);
    let groups: Vec<String> = sandbox.state()["log_events"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let mut tally = Tally::default();
    let started = Instant::now();
    while tally.kills.values().sum::<u32>() < kills_wanted {
        if rng.random_bool(0.5) {
            let group = &groups[rng.random_range(0..groups.len())];
            let messages = log_lines(&mut rng);
            tally.lines_sent += messages.len() as u64;
            let (status, body) = sandbox.post(
                "/cloudwatch/logs",
                json!({ "group": group, "messages": messages }),
            );
            assert_eq!(status, 200, "{body}");
        }
        let job = JOBS[rng.random_range(0..JOBS.len())];
        // Most kills land in the first second, where a run starts, claims and calls out.
        let kill_after = Duration::from_millis(rng.random_range(0..1_200));
        run_or_kill(&sandbox, job, kill_after, &mut tally);
    }
    recover(&sandbox);
    let db_url = format!("sqlite://{}", dir.path().join("sb/triaged.db").display());
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(assert_exactly_one_of_everything(&sandbox.state(), &db_url));

    // A clean read of the same emulators into a fresh store counts what the stormy one did.
    let reference = format!("sqlite://{}", dir.path().join("reference.db").display());
    let clean = storm_command(&sandbox, &["once", "ingest"])
        .env("TRIAGED__DATABASE_URL", &reference)
        // Reading only: nothing of it may reach Linear.
        .env("TRIAGED__TRIAGE__IMMEDIATE_SCORE", "100")
        .env("TRIAGED__LINEAR__BASE_URL", "http://127.0.0.1:9/graphql")
        .output()
        .unwrap();
    succeeded("ingest", &clean);
    let stormy = rt.block_on(events_by_cluster(&db_url));
    let expected = rt.block_on(events_by_cluster(&reference));
    let faults = sandbox.state()["faults_injected"].clone();
    eprintln!(
        "kill storm: seed {seed}, {:?}, kills {:?}, finished {:?}, {} lines sent, {} clusters, {} events, faults {faults}",
        started.elapsed(),
        tally.kills,
        tally.finished,
        tally.lines_sent,
        stormy.len(),
        stormy.values().sum::<u64>(),
    );
    assert_eq!(
        stormy, expected,
        "events per cluster after the storm vs a clean read"
    );
}
