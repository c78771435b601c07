//! `triaged demo` as a user runs it: the real binary, every vendor emulated on loopback,
//! three simulated days; the JSON report and the narrative say what happened.

pub mod browser;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_triaged");

/// Runs `triaged demo --exit --json` and returns the report and the narrative.
fn play_and_exit() -> (Value, String) {
    let out = std::process::Command::new(BIN)
        .args(["demo", "--exit", "--json", "--bind", "127.0.0.1:0"])
        .env_remove("RUST_LOG")
        .output()
        .expect("the binary runs");
    let narrative = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "demo failed:\n{narrative}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is the JSON report ({e}):\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    (report, narrative)
}

crate::trial!(sync, the_demo_plays_the_whole_loop_without_duplicates);
fn the_demo_plays_the_whole_loop_without_duplicates() {
    let (report, narrative) = play_and_exit();
    // The null dereference seen in CloudWatch and in Sentry is one cluster.
    let merged: Vec<&str> = report["merged_across_sources"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        merged.iter().any(|t| t.starts_with("[checkout] TypeError")),
        "{report:#}"
    );
    // The hand-filed ticket is linked, not duplicated; no cluster has two tickets.
    assert_eq!(report["human_ticket"]["linked"], true, "{report:#}");
    assert_eq!(report["duplicate_tickets"], 0, "{report:#}");
    let tickets = &report["tickets"];
    assert_eq!(tickets["linked"], 1, "{report:#}");
    // Two tickets opened (checkout, payments): the noise and the warning stay below the
    // threshold; Linear holds those two and the hand-filed one.
    assert_eq!(tickets["created"], 2, "{report:#}");
    assert_eq!(report["linear_issues"], 3, "{report:#}");
    // One fix drafted and merged; the quiet window closed the ticket; day 3 reopened it.
    assert_eq!(report["prs_drafted"], 1, "{report:#}");
    assert_eq!(report["prs_merged"], 1, "{report:#}");
    assert_eq!(tickets["closed"], 1, "{report:#}");
    assert_eq!(tickets["reopened"], 1, "{report:#}");
    // One fix and two tickets' hypotheses; every scripted answer went where it was meant.
    assert_eq!(report["agent_runs"], 3, "{report:#}");
    assert_eq!(report["model_answers_unused"], 0, "{report:#}");
    // A summary each morning in both chats, and no job failed.
    assert_eq!(report["summaries_posted"]["slack"], 4, "{report:#}");
    assert_eq!(report["summaries_posted"]["teams"], 4, "{report:#}");
    assert_eq!(report["job_runs"]["failed"], 0, "{report:#}");
    assert!(report["wall_time_ms"].as_u64().unwrap() > 0);

    // The narrative says what is emulated and tells the story from the store.
    assert!(
        narrative.contains("Emulated vendors on 127.0.0.1"),
        "{narrative}"
    );
    assert!(
        narrative.contains("linked (not duplicated) ENG-1"),
        "{narrative}"
    );
    assert!(narrative.contains("at ingest (critical"), "{narrative}");
    assert!(narrative.contains("draft PR"), "{narrative}");
    assert!(
        narrative.contains("1.4.3 is the first release carrying the fix"),
        "{narrative}"
    );
    assert_eq!(
        narrative
            .matches("investigation hypotheses added to")
            .count(),
        2,
        "{narrative}"
    );
    assert!(!narrative.contains("FAILED"), "{narrative}");
    // Each morning's paragraph came from the (emulated) model and passed the number check.
    assert_eq!(
        narrative
            .matches("(paragraph by claude-sonnet-4-5)")
            .count(),
        4,
        "{narrative}"
    );
    let closed = narrative.find("closed ENG-").expect("a close is narrated");
    let reopened = narrative
        .find("REOPENED ENG-")
        .expect("a reopen is narrated");
    assert!(closed < reopened, "closed before reopened:\n{narrative}");
}

crate::trial!(sync, ctrl_c_during_the_three_days_stops_the_demo_cleanly);
fn ctrl_c_during_the_three_days_stops_the_demo_cleanly() {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(BIN)
        .args(["demo", "--bind", "127.0.0.1:0"])
        .env_remove("RUST_LOG")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    // Wait until the days are being played.
    lines
        .by_ref()
        .map(|l| l.unwrap())
        .find(|l| l.contains("ingest:"))
        .expect("the demo starts playing");
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "an interrupted demo is not a success"
    );
    assert!(
        stderr.contains("interrupted: the demo stopped before its three days were played"),
        "{stderr}"
    );
    assert!(!stderr.contains("closed pool"), "{stderr}");
}
