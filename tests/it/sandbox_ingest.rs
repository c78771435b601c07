//! `triaged once ingest` from the command line against the CloudWatch and Sentry
//! emulators: the real SDK and HTTP clients, a config pointing at loopback, and the same
//! Python error seen in both sources landing in one cluster.

use std::process::Command;

use chrono::{Duration, Utc};
use triaged::domain::cluster::ClusterKind;
use triaged::store::Store;
use triaged_sandbox::SandboxServer;
use triaged_sandbox::cloudwatch::{CloudWatchSandbox, SeedEvent};
use triaged_sandbox::sentry::{IssueSeed, SentrySandbox};

use crate::sentry::{ORG, TOKEN, key_error};

const BIN: &str = env!("CARGO_BIN_EXE_triaged");

/// The traceback Sentry's `key_error` event describes, as a JSON log line prints it.
const LOGGED: &str = r#"{"level":"error","service":"shop","msg":"adding to cart failed","exc_info":"Traceback (most recent call last):\n  File \"/srv/app/views.py\", line 40, in add_item\n    cart.add(sku)\n  File \"/srv/app/cart.py\", line 12, in add\n    price = PRICES[sku]\nKeyError: 'sku'","user_id":"u-77","route":"/carts/:id/items","method":"POST"}"#;

crate::trial!(
    multi_thread,
    once_ingest_reads_both_emulators_and_merges_the_same_error
);
async fn once_ingest_reads_both_emulators_and_merges_the_same_error() {
    let now = Utc::now();
    let cloudwatch = CloudWatchSandbox::new(11);
    cloudwatch.create_group("/ecs/shop");
    let at = (now - Duration::minutes(10)).timestamp_millis();
    cloudwatch.put_events(
        "/ecs/shop",
        "web/3f2a",
        [
            SeedEvent::new(at, LOGGED),
            SeedEvent::new(at + 1, LOGGED),
            SeedEvent::new(at + 2, "INFO all good"),
        ],
    );
    let cw_server = SandboxServer::start(cloudwatch.router()).await.unwrap();
    let sentry = SentrySandbox::new(12, ORG, TOKEN);
    sentry.set_now(now);
    let issue = sentry.add_issue(IssueSeed::new("shop", "KeyError: 'sku'"));
    sentry.record_events(
        &issue,
        now - Duration::minutes(20),
        3,
        Some(key_error("u-1")),
    );
    let sentry_server = SandboxServer::start(sentry.router()).await.unwrap();

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("triaged.toml");
    std::fs::write(
        &config,
        format!(
            r#"
database_url = "sqlite://{db}"
[sources.cloudwatch]
region = "us-east-1"
endpoint_url = "{cw}"
groups = [{{ name = "/ecs/shop", service = "shop" }}]
attempt_timeout = "2s"
initial_backoff = "10ms"
[sources.sentry]
base_url = "{sentry}"
org = "{ORG}"
token = "${{TEST_SENTRY_TOKEN}}"
"#,
            db = dir.path().join("triaged.db").display(),
            cw = cw_server.url(),
            sentry = sentry_server.url(),
        ),
    )
    .unwrap();
    let run = {
        let config = config.clone();
        move || {
            Command::new(BIN)
                .args(["-c", config.to_str().unwrap(), "once", "ingest"])
                .env("TEST_SENTRY_TOKEN", TOKEN)
                .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
                .env(
                    "AWS_SECRET_ACCESS_KEY",
                    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                )
                .env("AWS_EC2_METADATA_DISABLED", "true")
                .env("TRIAGED__LOG__LEVEL", "warn")
                .output()
                .unwrap()
        }
    };
    let out = tokio::task::spawn_blocking(run.clone()).await.unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // 2 logged errors + 3 Sentry events; the INFO line is filtered out at CloudWatch.
    assert!(stdout.contains("\"events\":5"), "{stdout}");
    assert!(!stdout.contains(TOKEN), "the token never appears in output");

    let store = Store::open(&format!(
        "sqlite://{}",
        dir.path().join("triaged.db").display()
    ))
    .await
    .unwrap();
    let clusters = store
        .clusters_seen_since(now - Duration::hours(2))
        .await
        .unwrap();
    assert_eq!(clusters.len(), 1, "{clusters:#?}");
    let cluster = &clusters[0];
    assert_eq!(cluster.identity.kind, ClusterKind::Stack);
    assert_eq!(cluster.events_total, 5);
    let keys: Vec<&str> = cluster
        .stats
        .source_keys
        .iter()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        ["cloudwatch:/ecs/shop", &format!("sentry:shop/{issue}")]
    );
    assert!(cluster.stats.hosts.contains("web/3f2a"));
    store.close().await;

    // Nothing new: a second run counts nothing twice.
    let again = tokio::task::spawn_blocking(run).await.unwrap();
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(stdout.contains("\"events\":0"), "{stdout}");
}
