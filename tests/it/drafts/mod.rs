//! Fix drafts end to end against the emulators (Linear, Anthropic, GitHub) on a real
//! store: cluster → eligible → prompt → tool call → checks → branch, commit, draft PR,
//! ticket comment; and every way it must stop short instead.

mod crash;
mod failures;
mod happy;
mod hypotheses;
mod release;

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use triaged::agent::{AgentConfig, Provider, ProviderKind, build_provider};
use triaged::domain::draft::{DraftPolicy, PathMapping, RepoMapping};
use triaged::forge::github::{GitHub, GitHubConfig};
use triaged::pipeline::draft::{
    DraftDeps, DraftReport, DraftSettings, draft_candidates, run_drafts,
};
use triaged::redact::Redactor;
use triaged_sandbox::SandboxServer;
use triaged_sandbox::anthropic::AnthropicSandbox;
use triaged_sandbox::github::GitHubSandbox;

use crate::lifecycle::World;

pub const REPO: &str = "acme/shop";
pub const PATH: &str = "src/checkout/cart.py";
pub const ORIGINAL: &str = "def total(cart):\n    lines = cart.get(\"lines\")\n    return sum(line[\"price\"] for line in lines)\n";
pub const FIXED: &str = "def total(cart):\n    lines = cart.get(\"lines\") or []\n    return sum(line[\"price\"] for line in lines)\n";
/// Planted in the logs: must never reach the model or GitHub.
pub const PLANTED: [&str; 2] = [
    "AKIAIOSFODNN7EXAMPLE",
    "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
];

/// Tries per model call (a 529 is retried within the call, then left for the next run).
pub const MODEL_ATTEMPTS: u32 = 2;

pub fn diff() -> String {
    format!(
        "--- a/{PATH}\n+++ b/{PATH}\n@@ -1,3 +1,3 @@\n def total(cart):\n-    lines = cart.get(\"lines\")\n+    lines = cart.get(\"lines\") or []\n     return sum(line[\"price\"] for line in lines)\n"
    )
}

/// A `propose_fix` answer with `files`.
pub fn proposal(files: Value) -> triaged_sandbox::llm::Scripted {
    triaged_sandbox::llm::Scripted::ToolUse {
        name: "propose_fix".into(),
        input: json!({
            "summary": "Treat a cart without lines as empty.",
            "root_cause": "Carts restored from the old session store have no `lines`.",
            "confidence": 0.8,
            "files": files,
            "test_plan": "A unit test totals a restored cart without lines.",
            "risk": "Low: only the missing-lines case changes."
        }),
    }
}

pub fn good_proposal() -> triaged_sandbox::llm::Scripted {
    proposal(json!([{ "path": PATH, "diff": diff() }]))
}

/// The shop: a world with tickets, plus the model and GitHub emulators and clients.
pub struct Shop {
    pub world: World,
    pub model_sandbox: Arc<AnthropicSandbox>,
    pub github: Arc<GitHubSandbox>,
    pub model: Box<dyn Provider>,
    pub forge: GitHub,
    pub settings: DraftSettings,
    _servers: (SandboxServer, SandboxServer),
}

pub fn now() -> DateTime<Utc> {
    crate::lifecycle::day0() + Duration::days(1) + Duration::hours(10)
}

impl Shop {
    pub async fn open(database_url: &str) -> Shop {
        let mut world = World::new(database_url).await;
        world.settings.triage.min_events = 10;
        world.settings.triage.min_score = 10.0;
        let model_sandbox = AnthropicSandbox::new(11);
        let model_server = SandboxServer::start(model_sandbox.router()).await.unwrap();
        let mut agent = AgentConfig {
            enabled: true,
            provider: ProviderKind::Anthropic,
            base_url: Some(model_server.url()),
            model: "claude-test".into(),
            ..AgentConfig::default()
        };
        agent.http.max_attempts = MODEL_ATTEMPTS;
        agent.http.base_backoff = std::time::Duration::from_millis(5);
        agent.http.max_backoff = std::time::Duration::from_millis(20);
        let model = build_provider(&agent, &model_sandbox.api_key()).unwrap();
        let github = GitHubSandbox::new(12, "gh-test-token");
        let github_server = SandboxServer::start(github.router()).await.unwrap();
        github.add_repo(REPO, "main");
        github.put_file(REPO, "main", PATH, ORIGINAL);
        let mut config = GitHubConfig {
            base_url: github_server.url(),
            ..GitHubConfig::default()
        };
        config.http.max_attempts = 1;
        let forge = GitHub::new(&config, "gh-test-token").unwrap();
        let mut daemon = triaged::config::Config::default();
        daemon.agent.drafts = DraftPolicy {
            min_score: 10.0,
            min_events: 10,
            repos: vec![RepoMapping {
                repo: REPO.into(),
                services: vec!["checkout".into()],
                path_mappings: vec![PathMapping {
                    from: "/app/".into(),
                    to: "src/".into(),
                }],
            }],
            ..DraftPolicy::default()
        };
        daemon.agent.prices = triaged::agent::Prices {
            input_per_mtok: 3.0,
            output_per_mtok: 15.0,
        };
        let settings = triaged::app::settings::drafts(&daemon, &Redactor::default());
        Shop {
            world,
            model_sandbox,
            github,
            model,
            forge,
            settings,
            _servers: (model_server, github_server),
        }
    }

    /// Three hours of a Python `TypeError` raised in `function`, with secrets planted in
    /// the message and the stack; ingested and triaged (one ticket).
    pub async fn crash_in(&mut self, function: &str) {
        for h in 1..4 {
            self.log_crash(function, now() - Duration::hours(h), 20, "2.0");
        }
        self.world.ingest(now()).await;
        let report = self.world.triage(now()).await;
        assert!(report.act.failed.is_empty(), "{report:#?}");
    }

    /// `count` occurrences of the `TypeError` raised in `function` in the hour from `hour`,
    /// from `release` (not ingested).
    pub fn log_crash(&mut self, function: &str, hour: DateTime<Utc>, count: u32, release: &str) {
        let stack = format!(
            "Traceback (most recent call last):\n  File \"/app/checkout/cart.py\", line 3, in {function}\n    return sum(line[\"price\"] for line in lines)\nTypeError: 'NoneType' object is not iterable (aws_key={} token={})",
            PLANTED[0], PLANTED[1]
        );
        self.world.log_with(
            "checkout",
            hour,
            count,
            &format!(
                "TypeError in {function}: 'NoneType' object is not iterable; auth {}",
                PLANTED[1]
            ),
            release,
            json!({ "stack_trace": stack }),
        );
    }

    /// One drafting pass over every candidate.
    pub async fn draft(&self) -> DraftReport {
        let deps = DraftDeps {
            store: &self.world.store,
            model: self.model.as_ref(),
            forge: &self.forge,
            tracker: &self.world.tracker,
            fence: None,
        };
        let candidates = draft_candidates(&self.world.store, now()).await.unwrap();
        run_drafts(&deps, &self.settings, now(), candidates)
            .await
            .unwrap()
    }

    /// Every request body the model and GitHub received, as one string.
    pub fn everything_sent(&self) -> String {
        let model: Vec<String> = self
            .model_sandbox
            .requests()
            .iter()
            .map(Value::to_string)
            .collect();
        let github: Vec<String> = self
            .github
            .requests()
            .into_iter()
            .filter_map(|r| r.body)
            .collect();
        format!("{}\n{}", model.join("\n"), github.join("\n"))
    }

    /// The Anthropic emulator's base URL.
    pub fn model_url(&self) -> String {
        self._servers.0.url()
    }

    /// The GitHub emulator's base URL.
    pub fn github_url(&self) -> String {
        self._servers.1.url()
    }

    /// Branches triaged made.
    pub fn our_branches(&self) -> Vec<String> {
        self.github
            .branches(REPO)
            .into_keys()
            .filter(|b| b.starts_with("triaged/"))
            .collect()
    }
}
