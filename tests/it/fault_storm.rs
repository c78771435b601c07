//! The whole loop under every fault at once, through real processes: `triaged sandbox` with
//! throttles (with `Retry-After`), 5xx, timeouts (answers applied, then held past the
//! client's timeout), truncated and malformed bodies on CloudWatch, Sentry, Linear, GitHub,
//! Anthropic, Slack and Teams, and tick after tick of `once ingest`, `triage`, `verify` (and
//! `summary`) while log lines arrive; every tenth tick every vendor is down at once. Once
//! the faults stop and one clean pass ran, there is exactly one of everything, the counts
//! equal a clean read, and every cluster that deserves a ticket has one.
//!
//! `TRIAGED_FAULT_STORM_TICKS` sets the number of ticks (CI: 50; the long variant in
//! BENCHMARKS.md runs 1,000).

use std::collections::BTreeMap;
use std::time::Instant;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;

use crate::kill_storm::{
    assert_exactly_one_of_everything, events_by_cluster, log_lines, recover, storm_command,
};
use crate::support::sandbox::{Sandbox, succeeded};
use crate::support::test_seed;

/// Throttles answer `Retry-After: 0`: honoured like any other value, but a storm's
/// hundreds of throttles do not each cost a second of waiting.
const FAULTS: &str =
    "throttle=0.1,5xx=0.1,timeout=0.01,truncate=0.05,malformed=0.05,retry_after=0s";

crate::trial!(
    sync,
    every_fault_at_once_leaves_one_of_everything_and_exact_counts
);
fn every_fault_at_once_leaves_one_of_everything_and_exact_counts() {
    let ticks: u32 = std::env::var("TRIAGED_FAULT_STORM_TICKS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let seed = test_seed("fault storm");
    let mut rng = StdRng::seed_from_u64(seed);
    let dir = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::start(&dir.path().join("sb"), seed, &["--faults", FAULTS]);
    let groups: Vec<String> = sandbox.state()["log_events"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let started = Instant::now();
    let mut outcomes: BTreeMap<(&str, i32), u32> = BTreeMap::new();
    let mut lines_sent = 0;
    for tick in 0..ticks {
        if rng.random_bool(0.7) {
            let group = &groups[rng.random_range(0..groups.len())];
            let messages = log_lines(&mut rng);
            lines_sent += messages.len();
            let (status, body) = sandbox.post(
                "/cloudwatch/logs",
                json!({ "group": group, "messages": messages }),
            );
            assert_eq!(status, 200, "{body}");
        }
        // Every tenth tick every vendor is down at once (all 5xx), then the storm resumes.
        let outage = tick % 10 == 9;
        if outage {
            let (status, _) = sandbox.post("/faults", json!({ "spec": "5xx=1" }));
            assert_eq!(status, 200);
        }
        let mut jobs = vec!["ingest", "triage", "verify"];
        if tick % 2 == 1 {
            jobs.push("summary");
        }
        for job in jobs {
            let out = storm_command(&sandbox, &["once", job]).output().unwrap();
            let code = out.status.code().expect("exited, not killed");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(!stderr.contains("panicked"), "tick {tick}, {job}: {stderr}");
            // A vendor's fault may fail a run; it never runs twice at once here.
            assert!(
                [0, 1].contains(&code),
                "tick {tick}, {job} exited {code}: {stderr}"
            );
            *outcomes.entry((job, code)).or_default() += 1;
            if outage && job == "ingest" {
                assert_eq!(
                    code, 1,
                    "an ingest that read nothing did not succeed: {stderr}"
                );
            }
        }
        if outage {
            let (status, _) = sandbox.post("/faults", json!({ "spec": FAULTS }));
            assert_eq!(status, 200);
        }
        if (tick + 1) % 100 == 0 {
            eprintln!(
                "fault storm: tick {} after {:?}, runs {outcomes:?}, {lines_sent} lines sent, faults injected {}",
                tick + 1,
                started.elapsed(),
                sandbox.state()["faults_injected"]
            );
        }
    }
    let faults = sandbox.state()["faults_injected"].clone();
    let mut by_kind: BTreeMap<String, u64> = BTreeMap::new();
    for kinds in sandbox.state()["faults_by_kind"]
        .as_object()
        .unwrap()
        .values()
    {
        for (kind, n) in kinds.as_object().unwrap() {
            *by_kind.entry(kind.clone()).or_default() += n.as_u64().unwrap();
        }
    }
    let (status, _) = sandbox.post("/faults", json!({ "spec": "" }));
    assert_eq!(status, 200);
    recover(&sandbox);
    let db_url = format!("sqlite://{}", dir.path().join("sb/triaged.db").display());
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(assert_exactly_one_of_everything(&sandbox.state(), &db_url));

    // Every cluster that deserves a ticket has one: a dry run plans no create or link.
    let plan = storm_command(&sandbox, &["once", "triage", "--dry-run", "--json"])
        .output()
        .unwrap();
    assert!(
        plan.status.success(),
        "{}",
        String::from_utf8_lossy(&plan.stderr)
    );
    let plan: serde_json::Value = serde_json::from_slice(&plan.stdout).unwrap();
    let missing: Vec<_> = plan["plan"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| {
            let text = p.to_string();
            text.contains("\"action\":\"create\"") || text.contains("\"action\":\"link\"")
        })
        .collect();
    assert!(
        missing.is_empty(),
        "clusters still without a ticket: {missing:#?}"
    );

    let reference = format!("sqlite://{}", dir.path().join("reference.db").display());
    let clean = storm_command(&sandbox, &["once", "ingest"])
        .env("TRIAGED__DATABASE_URL", &reference)
        .env("TRIAGED__TRIAGE__IMMEDIATE_SCORE", "100")
        .env("TRIAGED__LINEAR__BASE_URL", "http://127.0.0.1:9/graphql")
        .output()
        .unwrap();
    succeeded("ingest", &clean);
    let stormy = rt.block_on(events_by_cluster(&db_url));
    let expected = rt.block_on(events_by_cluster(&reference));
    eprintln!(
        "fault storm: seed {seed}, {ticks} ticks in {:?}, runs {outcomes:?}, {lines_sent} lines sent, \
         {} clusters, {} events, faults injected {faults}, by kind {by_kind:?}",
        started.elapsed(),
        stormy.len(),
        stormy.values().sum::<u64>(),
    );
    assert!(
        faults
            .as_object()
            .unwrap()
            .values()
            .all(|n| n.as_u64() > Some(0)),
        "every emulator injected faults: {faults}"
    );
    for kind in ["throttle", "5xx", "timeout", "truncate", "malformed"] {
        assert!(
            by_kind.get(kind) > Some(&0),
            "no {kind} fault injected: {by_kind:?}"
        );
    }
    assert_eq!(
        stormy, expected,
        "events per cluster after the storm vs a clean read"
    );
}
