//! Shared set-up of the Sentry integration tests: a seeded emulator on loopback and a
//! source pointed at it.

mod contract;
mod faults;
mod source;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use triaged::domain::event::UserSalt;
use triaged::http_client::HttpPolicy;
use triaged::sources::sentry::{SentryConfig, SentryCursor, SentrySource};
use triaged_sandbox::SandboxServer;
use triaged_sandbox::sentry::{
    EventSeed, ExceptionSeed, FrameSeed, IssueSeed, LatestEvent, SentrySandbox,
};

pub const ORG: &str = "acme";
pub const TOKEN: &str = "sntrys_integration_token_0001";

/// 2026-03-01 12:30 UTC.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 12, 30, 0)
        .single()
        .expect("time")
}

pub struct Rig {
    pub sandbox: Arc<SentrySandbox>,
    pub server: SandboxServer,
}

pub async fn rig(seed: u64) -> Rig {
    let sandbox = SentrySandbox::new(seed, ORG, TOKEN);
    sandbox.set_now(t0());
    let server = SandboxServer::start(sandbox.router())
        .await
        .expect("bind loopback");
    Rig { sandbox, server }
}

/// Short timeouts and backoffs: loopback answers in microseconds.
pub fn fast_policy() -> HttpPolicy {
    HttpPolicy {
        connect_timeout: Duration::from_secs(2),
        request_timeout: Duration::from_millis(400),
        max_attempts: 4,
        base_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
        max_retry_after: Duration::from_secs(5),
        concurrency: 4,
    }
}

pub fn config(rig: &Rig) -> SentryConfig {
    SentryConfig {
        base_url: rig.server.url(),
        org: ORG.to_owned(),
        http: fast_policy(),
        ..SentryConfig::default()
    }
}

pub fn salt() -> UserSalt {
    UserSalt::new(b"integration-test-salt".to_vec()).expect("salt")
}

pub fn source(rig: &Rig) -> SentrySource {
    SentrySource::new(&config(rig), TOKEN, salt()).expect("source")
}

/// A Python `KeyError` raised in `app/cart.py`, frames in Sentry order (raiser last).
pub fn key_error(user: &str) -> LatestEvent {
    LatestEvent::Event(Box::new(EventSeed {
        exceptions: vec![ExceptionSeed {
            exception_type: "KeyError".into(),
            value: "'sku'".into(),
            handled: Some(false),
            frames: vec![
                FrameSeed {
                    filename: "app/views.py".into(),
                    abs_path: Some("/srv/app/views.py".into()),
                    function: "add_item".into(),
                    line: Some(40),
                    in_app: true,
                    ..FrameSeed::default()
                },
                FrameSeed {
                    filename: "app/cart.py".into(),
                    abs_path: Some("/srv/app/cart.py".into()),
                    function: "add".into(),
                    line: Some(12),
                    in_app: true,
                    ..FrameSeed::default()
                },
            ],
            ..ExceptionSeed::default()
        }],
        user_id: Some(user.to_owned()),
        request: Some((
            "POST".into(),
            "https://shop.example/carts/8812/items?q=1".into(),
        )),
        release: Some("shop@1.4.2".into()),
        ..EventSeed::default()
    }))
}

/// Adds `n` issues with `events` events each at `at`, each with a latest event.
pub fn seed_issues(
    sandbox: &SentrySandbox,
    n: usize,
    at: DateTime<Utc>,
    events: u64,
) -> Vec<String> {
    (0..n)
        .map(|i| {
            let id = sandbox.add_issue(IssueSeed::new("shop", &format!("KeyError #{i}")));
            let when = at - chrono::Duration::seconds(i64::try_from(i).unwrap_or(0));
            sandbox.record_events(&id, when, events, Some(key_error(&format!("user-{i}"))));
            id
        })
        .collect()
}

/// The events a run hands on (`new_counts`, what a caller stores), per issue summed over
/// hours, and the next cursor.
pub async fn pull_counts(
    source: &SentrySource,
    cursor: &SentryCursor,
    now: DateTime<Utc>,
) -> Result<
    (
        BTreeMap<String, u64>,
        SentryCursor,
        triaged::sources::sentry::SentryBatch,
    ),
    triaged::sources::sentry::SentryError,
> {
    let batch = source.pull(cursor, now).await?;
    let mut counts = BTreeMap::new();
    for issue in &batch.observations {
        let new: u64 = cursor.new_counts(issue).iter().map(|(_, n)| n).sum();
        *counts.entry(issue.issue_id.clone()).or_insert(0) += new;
    }
    Ok((counts, batch.cursor.clone(), batch))
}
