//! A critical spike is triaged at ingest (`triage.immediate_score`), not at the next
//! triage run: `triaged once ingest` alone opens its ticket, and only its.

use super::World;
use crate::support::TestDb;

crate::trial!(multi_thread, a_critical_spike_gets_its_ticket_at_ingest);
async fn a_critical_spike_gets_its_ticket_at_ingest() {
    let db = TestDb::sqlite().await;
    let mut w = World::for_processes(&db.url).await;
    // payments is a critical tier: its spike scores above the immediate threshold; the
    // web error below it waits for the triage run.
    w.log_recent(
        "payments",
        2,
        200,
        "GatewayTimeout: upstream acquirer timed out",
        "9.0",
    );
    w.log_recent("web", 2, 20, "ValueError: bad page size", "1.0");
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
    let stdout = w.run_binary(&config, &["once", "ingest"], &[]);
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
