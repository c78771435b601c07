//! The ticket lifecycle against the Linear emulator, on a real store, with a driven clock
//! and days of traffic: find before create, updates, auto-close, regressions, humans
//! winning, outages, and two runs racing on one store.

pub mod crash;
mod dry_run;
mod failed_create;
mod immediate;
mod scenarios;

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use tokio_util::sync::CancellationToken;
use triaged::clock::{DrivenClock, SharedClock};
use triaged::domain::event::{Environment, Service, UserSalt};
use triaged::pipeline::ingest::run_ingest;
use triaged::pipeline::triage::{Effects, TriageReport, TriageSettings, run_triage, run_verify};
use triaged::redact::Redactor;
use triaged::scheduler::{JobName, RunContext};
use triaged::sources::EventSource;
use triaged::sources::file::FileSource;
use triaged::store::{Store, Trigger};
use triaged::tracker::linear::{LinearConfig, LinearTracker};
use triaged_sandbox::SandboxServer;
use triaged_sandbox::linear::{IssueSnapshot, LinearSandbox, schema};

/// Monday 2026-11-16 00:00 UTC: day 0 of every scenario.
pub fn day0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 16, 0, 0, 0).unwrap()
}

/// One scenario's world: a store, a log file per service, the Linear emulator and a
/// tracker client pointed at it.
pub struct World {
    pub store: Store,
    pub linear: Arc<LinearSandbox>,
    _server: SandboxServer,
    pub tracker: LinearTracker,
    pub settings: TriageSettings,
    dir: tempfile::TempDir,
    services: Vec<&'static str>,
}

impl World {
    pub async fn new(database_url: &str) -> World {
        let store = Store::open(database_url).await.unwrap();
        let linear = LinearSandbox::new(schema(), 7);
        linear.add_team("ENG", "Engineering");
        for label in ["triaged", "triaged:flapping", "triaged:ignore"] {
            linear.add_label("ENG", label).unwrap();
        }
        let server = SandboxServer::start(linear.router()).await.unwrap();
        let mut config = LinearConfig {
            base_url: format!("{}/graphql", server.url()),
            team: "ENG".into(),
            labels: vec!["triaged".into(), "triaged:flapping".into()],
            ..LinearConfig::default()
        };
        config.http.max_attempts = 2;
        config.http.base_backoff = std::time::Duration::from_millis(5);
        config.http.max_backoff = std::time::Duration::from_millis(20);
        let tracker = LinearTracker::new(&config, &linear.api_key()).unwrap();
        let mut config = triaged::config::Config::default();
        config.triage.min_score = 20.0;
        config.links.public_url = "http://triaged.test".into();
        config.links.aws_region = Some("eu-west-1".into());
        let settings = triaged::app::settings::triage(&config);
        World {
            store,
            linear,
            _server: server,
            tracker,
            settings,
            dir: tempfile::tempdir().unwrap(),
            services: Vec::new(),
        }
    }

    /// A world for the process tests: tickets from 30 events and a score of 10, so a few
    /// hours of modest traffic (real time: the binary runs on the system clock) qualify.
    pub async fn for_processes(database_url: &str) -> World {
        let mut world = World::new(database_url).await;
        world.settings.triage.min_events = 30;
        world.settings.triage.min_score = 10.0;
        world
    }

    /// `count` events an hour of `message` in each of the last `hours` hours (real time).
    pub fn log_recent(
        &mut self,
        service: &'static str,
        hours: i64,
        count: u32,
        message: &str,
        release: &str,
    ) {
        for h in (1..=hours).rev() {
            self.log(
                service,
                Utc::now() - Duration::hours(h),
                count,
                message,
                release,
            );
        }
    }

    /// Runs the binary with `config` and `args` (and the emulator's key as `$LINEAR_KEY`),
    /// asserts it succeeded, and returns its standard output.
    pub fn run_binary(
        &self,
        config: &std::path::Path,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> String {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_triaged"))
            .args(["--config", config.to_str().unwrap()])
            .args(args)
            .env("LINEAR_KEY", self.linear.api_key())
            .envs(env.iter().copied())
            .env_remove("RUST_LOG")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "triaged {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// The emulator's GraphQL endpoint.
    pub fn linear_url(&self) -> String {
        format!("{}/graphql", self._server.url())
    }

    /// A config file for the real binary: this world's store and Linear emulator (the
    /// key from `$LINEAR_KEY`), and the test's triage thresholds.
    pub fn config_file(&self, database_url: &str) -> PathBuf {
        self.config_file_with(database_url, "")
    }

    /// `config_file` with more TOML appended.
    pub fn config_file_with(&self, database_url: &str, extra: &str) -> PathBuf {
        let path = self.dir.path().join("triaged.toml");
        let t = &self.settings.triage;
        std::fs::write(
            &path,
            format!(
                "database_url = \"{database_url}\"\n[log]\nformat = \"text\"\nlevel = \"warn\"\n\
                 [triage]\nmin_score = {}\nmin_events = {}\n[links]\npublic_url = \"http://triaged.test\"\n\
                 [linear]\nbase_url = \"{}\"\napi_key = \"${{LINEAR_KEY}}\"\nteam = \"ENG\"\n\
                 [linear.http]\nmax_attempts = 2\nbase_backoff = \"10ms\"\n{extra}",
                t.min_score,
                t.min_events,
                self.linear_url()
            ),
        )
        .unwrap();
        path
    }

    pub fn log_path(&self, service: &str) -> PathBuf {
        self.dir.path().join(format!("{service}.log"))
    }

    /// Appends `count` occurrences of `message` in `service` spread over the hour
    /// starting at `hour`.
    pub fn log(
        &mut self,
        service: &'static str,
        hour: DateTime<Utc>,
        count: u32,
        message: &str,
        release: &str,
    ) {
        self.log_with(
            service,
            hour,
            count,
            message,
            release,
            serde_json::json!({}),
        );
    }

    /// `log` with more JSON fields on each line (e.g. a `stack_trace`).
    pub fn log_with(
        &mut self,
        service: &'static str,
        hour: DateTime<Utc>,
        count: u32,
        message: &str,
        release: &str,
        extra: serde_json::Value,
    ) {
        if !self.services.contains(&service) {
            self.services.push(service);
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_path(service))
            .unwrap();
        for i in 0..count {
            let at = hour + Duration::seconds(i64::from(i) * 3600 / i64::from(count.max(1)));
            let mut line = serde_json::json!({
                "timestamp": at.to_rfc3339(),
                "level": "error",
                "service": service,
                "release": release,
                "user_id": format!("user-{}", i % 7),
                "message": message,
            });
            if let (Some(line), Some(extra)) = (line.as_object_mut(), extra.as_object()) {
                line.extend(extra.clone());
            }
            writeln!(file, "{line}").unwrap();
        }
    }

    /// Reads every log file into the store as of `now`.
    pub async fn ingest(&self, now: DateTime<Utc>) {
        let sources: Vec<Box<dyn EventSource>> = self
            .services
            .iter()
            .map(|s| {
                Box::new(FileSource {
                    path: self.log_path(s),
                    service: Service::new(s).unwrap(),
                    environment: Environment::new("production").unwrap(),
                    salt: UserSalt::new(b"lifecycle-test-salt".to_vec()).unwrap(),
                    redactor: triaged::redact::Redactor::default(),
                }) as Box<dyn EventSource>
            })
            .collect();
        let clock: SharedClock = Arc::new(DrivenClock::new(now));
        let ctx = RunContext::new(
            JobName::Ingest,
            now,
            Trigger::Manual,
            clock,
            CancellationToken::new(),
        );
        let settings = triaged::app::settings::ingest(
            &triaged::config::Config::default(),
            &Redactor::default(),
        );
        let report = run_ingest(&self.store, &sources, &settings, now, &ctx)
            .await
            .unwrap();
        assert!(report.failed_sources.is_empty(), "{report:?}");
    }

    pub async fn triage(&self, now: DateTime<Utc>) -> TriageReport {
        self.linear.set_now(now);
        run_triage(
            &self.store,
            &self.tracker,
            &self.settings,
            now,
            None,
            Effects::Act(None),
        )
        .await
        .unwrap()
    }

    pub async fn verify(&self, now: DateTime<Utc>) -> TriageReport {
        self.linear.set_now(now);
        run_verify(
            &self.store,
            &self.tracker,
            &self.settings,
            now,
            Effects::Act(None),
        )
        .await
        .unwrap()
    }

    /// Issues triaged created (not the ones people wrote).
    pub fn created(&self) -> Vec<IssueSnapshot> {
        self.linear
            .issues()
            .into_iter()
            .filter(|i| i.created_by_api)
            .collect()
    }

    /// The one issue whose title contains `text`.
    pub fn issue(&self, text: &str) -> IssueSnapshot {
        let found: Vec<IssueSnapshot> = self
            .linear
            .issues()
            .into_iter()
            .filter(|i| i.title.contains(text))
            .collect();
        assert_eq!(
            found.len(),
            1,
            "exactly one issue titled like {text:?}: {found:#?}"
        );
        found.into_iter().next().unwrap()
    }

    /// The fingerprint of the cluster whose title contains `text`.
    pub async fn fingerprint(
        &self,
        text: &str,
        now: DateTime<Utc>,
    ) -> triaged::domain::fingerprint::Fingerprint {
        let clusters = self
            .store
            .clusters_seen_since(now - Duration::days(30))
            .await
            .unwrap();
        let found: Vec<_> = clusters
            .iter()
            .filter(|c| c.identity.title.contains(text))
            .collect();
        assert_eq!(found.len(), 1, "one cluster titled like {text:?}");
        found[0].identity.fingerprint
    }
}
