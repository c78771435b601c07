//! `triaged once triage --dry-run`: the plan is printed (a table, or JSON) and nothing is
//! written anywhere — no tracker mutation, no ticket, no ledger row, no new score.

use chrono::{Duration, Utc};

use super::World;
use crate::support::TestDb;

crate::trial!(multi_thread, a_dry_run_prints_the_plan_and_writes_nothing);
async fn a_dry_run_prints_the_plan_and_writes_nothing() {
    let db = TestDb::sqlite().await;
    let mut w = World::for_processes(&db.url).await;
    w.log_recent("checkout", 3, 20, "KeyError: 'basket'", "3.1");
    w.ingest(Utc::now()).await;
    let config = w.config_file(&db.url);
    let before_runs = w.store.recent_runs(100).await.unwrap().len();
    let before_clusters = w
        .store
        .clusters_seen_since(Utc::now() - Duration::days(2))
        .await
        .unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["once", "triage", "--dry-run"];
        args.extend_from_slice(extra);
        w.run_binary(&config, &args, &[])
    };
    let table = run(&[]);
    assert!(table.contains("dry run: nothing was written"), "{table}");
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("create") && l.contains("(new)") && l.contains("KeyError")),
        "{table}"
    );
    let json: serde_json::Value = serde_json::from_str(&run(&["--json"])).unwrap();
    assert_eq!(json["dry_run"], true);
    assert_eq!(json["plan"][0]["action"], "create", "{json:#}");
    assert!(
        json["plan"][0]["ticket"]["description"]
            .as_str()
            .unwrap()
            .contains("triaged-fingerprint")
    );

    let mutations: Vec<_> = w
        .linear
        .requests()
        .into_iter()
        .flat_map(|r| r.root_fields)
        .filter(|f| f.ends_with("Create") || f.ends_with("Update"))
        .collect();
    assert!(mutations.is_empty(), "{mutations:?}");
    assert!(w.linear.issues().is_empty());
    assert!(w.store.tickets().await.unwrap().is_empty());
    assert!(w.store.pending_actions().await.unwrap().is_empty());
    assert_eq!(
        w.store.recent_runs(100).await.unwrap().len(),
        before_runs,
        "no ledger row"
    );
    let after_clusters = w
        .store
        .clusters_seen_since(Utc::now() - Duration::days(2))
        .await
        .unwrap();
    assert_eq!(
        before_clusters
            .iter()
            .map(|c| c.severity.clone())
            .collect::<Vec<_>>(),
        after_clusters
            .iter()
            .map(|c| c.severity.clone())
            .collect::<Vec<_>>(),
        "scores are not saved"
    );
    assert_eq!(
        w.store.setting("user_salt").await.unwrap(),
        None,
        "no salt written"
    );
    db.cleanup().await;
}
