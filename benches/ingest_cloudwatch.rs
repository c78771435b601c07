//! Throughput of the CloudWatch source through the real AWS SDK against the loopback
//! emulator: seeds EVENTS events (one group, four streams, the last 50 minutes), reads
//! them all with the default filter pattern (phase 1: the SDK read alone), then runs the
//! whole ingest on them (phase 2: SDK read → parse → cluster → SQLite store → score),
//! and prints events/s for each and the peak RSS of the process (emulator included).
//!
//! Run: `cargo bench --bench ingest_cloudwatch` (optionally `-- 200000` for fewer events).

use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_cloudwatchlogs::config::{Credentials, SharedCredentialsProvider};
use tokio_util::sync::CancellationToken;
use triaged::clock::{DrivenClock, SharedClock};
use triaged::domain::event::{Environment, UserSalt};
use triaged::pipeline::ingest::run_ingest;
use triaged::redact::Redactor;
use triaged::scheduler::{JobName, RunContext};
use triaged::sources::EventSource;
use triaged::sources::cloudwatch::CloudWatchEvents;
use triaged::sources::cloudwatch::{
    CloudWatchConfig, CloudWatchSource, DEFAULT_FILTER_PATTERN, LogGroupConfig,
};
use triaged::store::{Store, Trigger};
use triaged_sandbox::SandboxServer;
use triaged_sandbox::cloudwatch::{CloudWatchSandbox, SeedEvent};

const DEFAULT_EVENTS: usize = 1_000_000;
const GROUP: &str = "/bench/api";

fn main() {
    let events = std::env::args()
        .skip(1)
        .find_map(|arg| arg.parse::<usize>().ok())
        .unwrap_or(DEFAULT_EVENTS);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(run(events));
}

async fn run(events: usize) {
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    let sandbox = CloudWatchSandbox::new(1);
    let seeding = Instant::now();
    let span_ms = 50 * 60_000;
    for stream in 0..4usize {
        let batch = (stream..events).step_by(4).map(|i| {
            let timestamp_ms = now_ms - span_ms + (i as i64 * span_ms) / events as i64;
            SeedEvent::new(
                timestamp_ms,
                format!("ERROR request {i} failed: upstream timeout after 30000ms trace=4bf92f3577b34da6a3ce929d0e0e4736"),
            )
        });
        sandbox.put_events(GROUP, &format!("i-{stream:04}"), batch);
    }
    println!("seeded {events} events in {:.2?}", seeding.elapsed());

    let server = SandboxServer::start(sandbox.router())
        .await
        .expect("sandbox");
    let config = CloudWatchConfig {
        region: "us-east-1".to_string(),
        endpoint_url: Some(server.url()),
        groups: vec![LogGroupConfig {
            name: Some(GROUP.to_string()),
            prefix: None,
            filter_pattern: DEFAULT_FILTER_PATTERN.to_string(),
            service: "api".to_string(),
        }],
        attempt_timeout: Duration::from_secs(60),
        // One read of the whole backlog, as before the page cap existed.
        max_pages_per_run: u32::MAX,
        ..CloudWatchConfig::default()
    };
    let credentials = Credentials::new("AKIDEXAMPLE", "secret", None, None, "bench");
    let sdk = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .build();
    let source = CloudWatchSource::from_sdk_config(&sdk, &config).expect("source");
    let (groups, _) = source.resolve_groups().await;

    let reading = Instant::now();
    let batch = source
        .fetch_group(&groups[0], None, now_ms)
        .await
        .expect("read");
    let elapsed = reading.elapsed();
    assert_eq!(batch.records.len(), events, "every event read exactly once");
    println!(
        "read {} events in {} pages in {:.2?}: {:.0} events/s",
        batch.records.len(),
        batch.pages,
        elapsed,
        batch.records.len() as f64 / elapsed.as_secs_f64()
    );
    println!(
        "cursor: {} ids, {} bytes as JSON",
        batch.cursor.seen_len(),
        batch.cursor.to_json().len()
    );
    println!(
        "peak RSS after phase 1 (VmHWM, emulator + source): {}",
        peak_rss()
    );
    drop(batch);

    // Phase 2: the ingest job's own path, into a fresh SQLite store.
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&format!(
        "sqlite://{}",
        dir.path().join("bench.db").display()
    ))
    .await
    .expect("store");
    let salt = UserSalt::new(b"bench-salt-0123456789".to_vec()).expect("salt");
    let sources: Vec<Box<dyn EventSource>> = vec![Box::new(CloudWatchEvents {
        source,
        environment: Environment::new("production").expect("environment"),
        salt,
        redactor: triaged::redact::Redactor::default(),
    })];
    let defaults = triaged::config::Config::default();
    let settings = triaged::app::settings::ingest(&defaults, &Redactor::default());
    let now = chrono::DateTime::from_timestamp_millis(now_ms).expect("now");
    let clock: SharedClock = std::sync::Arc::new(DrivenClock::new(now));
    let ctx = RunContext::new(
        JobName::Ingest,
        now,
        Trigger::Manual,
        clock,
        CancellationToken::new(),
    );
    let ingesting = Instant::now();
    let report = run_ingest(&store, &sources, &settings, now, &ctx)
        .await
        .expect("ingest");
    let elapsed = ingesting.elapsed();
    assert_eq!(
        report.events, events as u64,
        "every event ingested exactly once"
    );
    println!(
        "ingested {} events into {} cluster(s) in {:.2?}: {:.0} events/s",
        report.events,
        report.clusters_touched,
        elapsed,
        report.events as f64 / elapsed.as_secs_f64()
    );
    println!(
        "peak RSS after phase 2 (VmHWM, whole process): {}",
        peak_rss()
    );
}

fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmHWM:"))
                .map(|line| line.trim_start_matches("VmHWM:").trim().to_string())
        })
        .unwrap_or_else(|| "unknown".to_string())
}
