//! A critical spike is triaged at ingest (`triage.immediate_score`), not at the next
//! triage run: `triaged once ingest` alone opens its ticket, and only its.

use std::process::Command;

use chrono::{Duration, Utc};

use super::World;
use crate::support::TestDb;

const BIN: &str = env!("CARGO_BIN_EXE_triaged");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_critical_spike_gets_its_ticket_at_ingest() {
    let db = TestDb::sqlite().await;
    let mut w = World::new(&db.url).await;
    w.settings.triage.min_events = 30;
    w.settings.triage.min_score = 10.0;
    // payments is a critical tier: its spike scores above the immediate threshold; the
    // web error below it waits for the triage run.
    for h in (1..3).rev() {
        w.log(
            "payments",
            Utc::now() - Duration::hours(h),
            200,
            "GatewayTimeout: upstream acquirer timed out",
            "9.0",
        );
        w.log(
            "web",
            Utc::now() - Duration::hours(h),
            20,
            "ValueError: bad page size",
            "1.0",
        );
    }
    let extra = format!(
        "[tiers.services]\npayments = \"critical\"\n[sources.file]\npaths = [\"{}\", \"{}\"]\n",
        w.log_path("payments").display(),
        w.log_path("web").display()
    );
    let mut config = w.config_file_with(&db.url, &extra);
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("[triage]\n", "[triage]\nimmediate_score = 45.0\n");
    config.set_file_name("immediate.toml");
    std::fs::write(&config, text).unwrap();
    let out = Command::new(BIN)
        .args(["--config", config.to_str().unwrap(), "once", "ingest"])
        .env("LINEAR_KEY", w.linear.api_key())
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("immediate_triage"), "{stdout}");
    let issues = w.created();
    assert_eq!(issues.len(), 1, "{issues:#?}");
    assert!(
        issues[0].title.starts_with("[payments] GatewayTimeout"),
        "{}",
        issues[0].title
    );
    assert_eq!(issues[0].priority, 3, "a medium level → Linear's Medium");
    db.cleanup().await;
}
