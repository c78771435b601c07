//! `triaged sandbox` as a process, with the real daemon beside it as another process: the
//! printed configuration loads, `once ingest` and `once triage` run against the emulators,
//! the admin endpoint merges, moves tickets, takes log lines and turns faults on, and
//! SIGTERM stops it. Bad flags and a reused directory are refused with what was wrong.

use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use serde_json::{Value, json};

use crate::support::sandbox::{BIN, Sandbox, succeeded};

crate::trial!(sync, the_daemon_runs_against_the_sandbox_as_another_process);
fn the_daemon_runs_against_the_sandbox_as_another_process() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::start(&dir.path().join("sb"), 3, &[]);
    let toml = std::fs::read_to_string(&sandbox.config).unwrap();
    for secret in std::fs::read_dir(dir.path().join("sb/secrets")).unwrap() {
        let secret = secret.unwrap();
        let mode = secret.metadata().unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{:?} is readable by others", secret.path());
        let value = std::fs::read_to_string(secret.path()).unwrap();
        assert!(!toml.contains(&value), "the file holds a secret itself");
        assert!(toml.contains(&format!("file:{}", secret.path().display())));
    }
    let checked = sandbox.daemon(&["check-config"]);
    assert!(checked.status.success(), "{checked:?}");

    let ingest = succeeded("ingest", &sandbox.daemon(&["once", "ingest"]));
    assert_eq!(ingest["partial_failures"], json!([]), "{ingest}");
    assert_eq!(ingest["failed_sources"], json!([]), "{ingest}");
    assert!(ingest["events"].as_u64().unwrap() >= 20, "{ingest}");
    let triage = succeeded("triage", &sandbox.daemon(&["once", "triage"]));
    let state = sandbox.state();
    let created: Vec<&Value> = state["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["created_by_api"] == json!(true))
        .collect();
    assert!(
        created
            .iter()
            .any(|i| i["title"].as_str().unwrap().contains("[checkout]")),
        "{triage}\n{state}"
    );
    let drafted = &state["pulls"][0];
    assert_eq!(drafted["draft"], json!(true), "{triage}\n{state}");
    assert_eq!(drafted["open"], json!(true));

    // A person merges the draft and closes a ticket through the admin endpoint.
    let (status, merged) = sandbox.post("/github/merge", json!({}));
    assert_eq!(
        (status, &merged["number"]),
        (200, &drafted["number"]),
        "{merged}"
    );
    assert_eq!(sandbox.state()["pulls"][0]["merged"], json!(true));
    let (status, _) = sandbox.post("/github/merge", json!({}));
    assert_eq!(status, 404, "nothing left to merge");
    let ticket = created[0]["identifier"].as_str().unwrap();
    let (status, _) = sandbox.post(
        "/linear/state",
        json!({ "identifier": ticket, "state": "Done" }),
    );
    assert_eq!(status, 200);
    let moved = sandbox.state();
    let issue = moved["issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["identifier"] == ticket);
    assert_eq!(issue.unwrap()["state"], "Done");
    let (status, refused) = sandbox.post(
        "/linear/state",
        json!({ "identifier": ticket, "state": "Nowhere" }),
    );
    assert_eq!(status, 400, "{refused}");

    // Log lines a person emits are ingested by the next run.
    let (status, _) = sandbox.post(
        "/cloudwatch/logs",
        json!({ "group": "/ecs/search", "messages": ["ERROR something new broke", "ERROR something new broke"] }),
    );
    assert_eq!(status, 200);
    let (status, refused) = sandbox.post(
        "/cloudwatch/logs",
        json!({ "group": "/ecs/nope", "messages": [] }),
    );
    assert_eq!(
        (
            status,
            refused["error"].as_str().unwrap().contains("/ecs/nope")
        ),
        (400, true)
    );

    let after = succeeded("ingest", &sandbox.daemon(&["once", "ingest"]));
    assert!(after["new_clusters"].as_u64().unwrap() >= 1, "{after}");

    // Faults on everywhere: the next ingest cannot read its sources, and says so.
    let (status, refused) = sandbox.post("/faults", json!({ "spec": "jitter=0.5" }));
    assert_eq!(status, 400);
    assert!(
        refused["error"].as_str().unwrap().contains("jitter"),
        "{refused}"
    );
    let (status, _) = sandbox.post("/faults", json!({ "spec": "5xx=1" }));
    assert_eq!(status, 200);
    let failing = sandbox.daemon(&["once", "ingest"]);
    let injected = sandbox.state()["faults_injected"].clone();
    assert!(injected["cloudwatch"].as_u64().unwrap() > 0, "{injected}");
    assert!(injected["sentry"].as_u64().unwrap() > 0, "{injected}");
    let logged = String::from_utf8_lossy(&failing.stderr);
    assert_eq!(
        failing.status.code(),
        Some(1),
        "a run that read nothing failed: {logged}"
    );
    assert!(
        logged.contains("ingest: failed: no source could be read (")
            && logged.contains("sentry:acme")
            && logged.contains("no log group could be read")
            && logged.contains("/ecs/search"),
        "the run names every source it could not read, and why: {logged}"
    );

    let mut sandbox = sandbox;
    let term = Command::new("kill")
        .args(["-TERM", &sandbox.child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let status = sandbox.child.wait().unwrap();
    assert!(
        status.success(),
        "SIGTERM stops the sandbox cleanly: {status}"
    );
    let mut printed = String::new();
    sandbox
        .child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut printed)
        .unwrap();
    assert_eq!(printed, toml, "stdout carries the configuration it wrote");

    // The directory now holds a store these emulators never saw: refused.
    let reused = Command::new(BIN)
        .args(["sandbox", "--dir", dir.path().join("sb").to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(reused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&reused.stderr).contains("earlier sandbox"));
}

crate::trial!(sync, bad_fault_flags_are_refused_with_the_reason);
fn bad_fault_flags_are_refused_with_the_reason() {
    for (spec, reason) in [
        ("jitter=1", "`jitter` is not a fault"),
        ("5xx=2", "from 0 to 1"),
    ] {
        let out = Command::new(BIN)
            .args(["sandbox", "--faults", spec])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("--faults") && stderr.contains(reason),
            "{stderr}"
        );
        assert!(out.stdout.is_empty());
    }
}
