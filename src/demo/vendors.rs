//! Every vendor of the demo, emulated on 127.0.0.1: CloudWatch Logs, Sentry, Linear,
//! Anthropic, GitHub, Slack and Teams — started, seeded with the world's fixed parts
//! (log groups, Sentry issues, the Linear team and the hand-filed ticket, the repository),
//! then fed the world's traffic as simulated time passes.

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::Context;
use chrono::{DateTime, Utc};
use serde_json::json;

use super::world::{self, Moment, SentryIssue, Traffic};
use triaged_sandbox::SandboxServer;
use triaged_sandbox::anthropic::AnthropicSandbox;
use triaged_sandbox::cloudwatch::{CloudWatchSandbox, SeedEvent};
use triaged_sandbox::github::GitHubSandbox;
use triaged_sandbox::linear::{IssueSeed as LinearIssue, LinearSandbox, schema as linear_schema};
use triaged_sandbox::llm::Scripted;
use triaged_sandbox::sentry::{
    EventSeed, ExceptionSeed, FrameSeed, IssueSeed as SentryIssueSeed, LatestEvent, SentrySandbox,
};
use triaged_sandbox::slack::SlackSandbox;
use triaged_sandbox::teams::TeamsSandbox;

pub const SENTRY_ORG: &str = "acme";
pub const LINEAR_TEAM: &str = "ENG";
/// Tokens the emulators expect; the demo hands them to triaged as configured secrets.
pub const SENTRY_TOKEN: &str = "sntrys_demo_token";
pub const GITHUB_TOKEN: &str = "ghs_demo_token";

/// The running emulators and their servers (stopped when dropped).
pub struct Vendors {
    pub cloudwatch: Arc<CloudWatchSandbox>,
    pub sentry: Arc<SentrySandbox>,
    pub linear: Arc<LinearSandbox>,
    pub model: Arc<AnthropicSandbox>,
    pub github: Arc<GitHubSandbox>,
    pub slack: Arc<SlackSandbox>,
    pub teams: Arc<TeamsSandbox>,
    /// The Sentry issue id of each world issue.
    pub sentry_ids: BTreeMap<SentryIssue, String>,
    /// The identifier of the ticket filed by hand (`ENG-1`).
    pub human_ticket: String,
    pub urls: VendorUrls,
    /// While set, `triaged sandbox` holds the world's new traffic back (delivered once
    /// it is cleared), so the emulators serve a fixed set of events.
    pub traffic_paused: std::sync::atomic::AtomicBool,
    _servers: Vec<SandboxServer>,
}

/// Where each emulator listens.
#[derive(Debug, Clone)]
pub struct VendorUrls {
    pub cloudwatch: String,
    pub sentry: String,
    pub linear: String,
    pub model: String,
    pub github: String,
    pub slack_webhook: String,
    pub teams_webhook: String,
}

impl Vendors {
    /// Starts and seeds every emulator; `seed` seeds their fault draws. The Linear
    /// emulator validates each request against the project's subset of Linear's schema.
    pub async fn start(start: DateTime<Utc>, seed: u64) -> anyhow::Result<Vendors> {
        let seed = |vendor: u64| seed.wrapping_mul(16).wrapping_add(vendor);
        let cloudwatch = CloudWatchSandbox::new(seed(1));
        let sentry = SentrySandbox::new(seed(2), SENTRY_ORG, SENTRY_TOKEN);
        let linear = LinearSandbox::new(linear_schema(), seed(3));
        let model = AnthropicSandbox::new(seed(4));
        let github = GitHubSandbox::new(seed(5), GITHUB_TOKEN);
        let slack = SlackSandbox::new(seed(6));
        let teams = TeamsSandbox::new(seed(7));

        for (_, group) in world::SERVICES {
            cloudwatch.create_group(group);
        }
        sentry.set_now(start);
        let mut sentry_ids = BTreeMap::new();
        for issue in SentryIssue::ALL {
            let (project, title, platform) = issue.describe();
            let mut seed = SentryIssueSeed::new(project, title);
            seed.platform = platform.to_owned();
            sentry_ids.insert(issue, sentry.add_issue(seed));
        }
        // The hand-filed ticket dates from the Friday before.
        linear.set_now(world::human_ticket_filed());
        linear.add_team(LINEAR_TEAM, "Engineering");
        for label in ["triaged", "triaged:flapping", "triaged:ignore", "bug"] {
            linear
                .add_label(LINEAR_TEAM, label)
                .context("adding a Linear label")?;
        }
        let human_ticket = linear
            .add_issue(LinearIssue {
                description: world::HUMAN_TICKET_BODY.to_owned(),
                state: "Todo".to_owned(),
                labels: vec!["bug".to_owned()],
                ..LinearIssue::new(LINEAR_TEAM, world::HUMAN_TICKET_TITLE)
            })
            .map_err(|e| anyhow::anyhow!("seeding the hand-filed ticket: {e}"))?;
        linear.set_now(start);
        github.add_repo(world::REPO, "main");
        github.put_file(world::REPO, "main", world::CART_PATH, world::CART_SOURCE);
        github.tag(
            world::REPO,
            &format!("v{}", world::checkout_release(start)),
            "main",
        );

        let mut servers = Vec::new();
        let mut serve = async |router| -> anyhow::Result<String> {
            let server = SandboxServer::start(router)
                .await
                .context("starting an emulator on 127.0.0.1")?;
            let url = server.url();
            servers.push(server);
            Ok(url)
        };
        let slack_base = serve(slack.router()).await?;
        let teams_base = serve(teams.router()).await?;
        let urls = VendorUrls {
            cloudwatch: serve(cloudwatch.router()).await?,
            sentry: serve(sentry.router()).await?,
            linear: format!("{}/graphql", serve(linear.router()).await?),
            model: serve(model.router()).await?,
            github: serve(github.router()).await?,
            slack_webhook: slack.webhook_url(&slack_base),
            teams_webhook: teams.webhook_url(&teams_base),
        };
        Ok(Vendors {
            cloudwatch,
            sentry,
            linear,
            model,
            github,
            slack,
            teams,
            sentry_ids,
            human_ticket,
            urls,
            traffic_paused: std::sync::atomic::AtomicBool::new(false),
            _servers: servers,
        })
    }

    /// Sets every emulator's fault knobs.
    pub fn set_faults(&self, knobs: &triaged_sandbox::FaultKnobs) {
        self.cloudwatch.faults().set(knobs.clone());
        self.sentry.faults().set(knobs.clone());
        self.linear.faults().set(knobs.clone());
        self.model.faults().set(knobs.clone());
        self.github.faults().set(knobs.clone());
        self.slack.faults().set(knobs.clone());
        self.teams.faults().set(knobs.clone());
    }

    /// Moves the emulators' own clocks (timestamps they stamp, windows they answer for).
    pub fn set_now(&self, now: DateTime<Utc>) {
        self.sentry.set_now(now);
        self.linear.set_now(now);
    }

    /// Puts `traffic` into CloudWatch and Sentry, each event ingested two seconds after
    /// it happened.
    pub fn deliver(&self, traffic: &Traffic) {
        let mut by_stream: BTreeMap<(&str, &str), Vec<SeedEvent>> = BTreeMap::new();
        for line in &traffic.logs {
            let at = line.at.timestamp_millis();
            by_stream
                .entry((line.group, line.stream))
                .or_default()
                .push(SeedEvent::new(at, line.message.clone()).ingested_at(at + 2_000));
        }
        for ((group, stream), events) in by_stream {
            self.cloudwatch.put_events(group, stream, events);
        }
        for batch in &traffic.sentry {
            if let Some(id) = self.sentry_ids.get(&batch.issue) {
                self.sentry
                    .record_events(id, batch.at, batch.count, Some(sentry_event(batch)));
            }
        }
    }

    /// Does what a person does at `moment` (merge, deploy and tag a release); returns
    /// what the narrative adds.
    pub fn act(&self, moment: Moment) -> anyhow::Result<String> {
        let tag = |release: &str| -> anyhow::Result<String> {
            let sha = self
                .github
                .tag(world::REPO, &format!("v{release}"), "main")
                .with_context(|| format!("tagging v{release} in the GitHub emulator"))?;
            Ok(format!(" (tag v{release} at {})", short(&sha)))
        };
        Ok(match moment {
            Moment::BugShipped | Moment::FixDeployed => tag(world::checkout_release(moment.at()))?,
            Moment::RegressionShipped => {
                // The refactor that drops the fix lands on main before the release.
                self.github
                    .put_file(world::REPO, "main", world::CART_PATH, world::CART_SOURCE)
                    .context("committing the regression in the GitHub emulator")?;
                tag(world::checkout_release(moment.at()))?
            }
            Moment::GatewayDown => String::new(),
            Moment::ReviewerMerges => {
                let open = self
                    .github
                    .pulls(world::REPO)
                    .into_iter()
                    .find(|p| p.open && p.head.starts_with("triaged/"));
                match open {
                    Some(pull) => {
                        let sha = self
                            .github
                            .merge(world::REPO, pull.number)
                            .map_err(|e| anyhow::anyhow!("merging #{}: {e}", pull.number))?;
                        format!(" (#{} merged as {})", pull.number, short(&sha))
                    }
                    None => " — but there is no draft PR to merge".to_owned(),
                }
            }
        })
    }

    /// Keeps the model's answer for the next request that forces `propose_fix`: the fix
    /// for the cart total (the world has one draftable bug).
    pub fn script_cart_fix(&self) {
        self.model.script_for_tool(
            "propose_fix",
            Scripted::ToolUse {
            name: "propose_fix".into(),
            input: json!({
                "summary": "Treat a cart without lines as empty when totalling it.",
                "root_cause": "Carts restored from sessions saved before 1.4.2 have no `lines` key, so `cart.get(\"lines\")` is None and iterating it raises TypeError.",
                "confidence": 0.82,
                "files": [{ "path": world::CART_PATH, "diff": world::CART_FIX }],
                "test_plan": "Add a unit test that totals a restored cart without `lines` (expect 0) and one with two lines; run the checkout test suite.",
                "risk": "Low: only the missing-lines case changes; a cart with lines totals as before."
            }),
        },
        );
    }

    /// Scripts the model's investigation hypotheses for the tickets triaged will create,
    /// in the order the world makes them: the checkout bug, then the gateway timeouts.
    pub fn script_hypotheses(&self) {
        let answers = [
            json!({ "hypotheses": [
                { "hypothesis": "`cart.get(\"lines\")` returns None for carts saved before 1.4.2, and `total` iterates it.",
                  "evidence": "Every event is in `total` (cart.py line 3) on 1.4.2, starting with its deploy.",
                  "where_to_look": "checkout/cart.py `total`; the session-cart migration shipped in 1.4.2." },
                { "hypothesis": "A new code path builds carts without `lines` (e.g. restored or guest carts).",
                  "evidence": "The error is raised from checkout_total for many distinct users, not one account.",
                  "where_to_look": "checkout/views.py `checkout_total` and where session carts are created." }
            ]}),
            json!({ "hypotheses": [
                { "hypothesis": "The card gateway is degraded or unreachable; every charge waits the full 30 s timeout.",
                  "evidence": "All events are GatewayTimeout on POST /payments/charge within one burst, across many users.",
                  "where_to_look": "The gateway's status page, egress/NAT metrics, and the payments client's timeout and retry settings." }
            ]}),
        ];
        for input in answers {
            self.model.script_for_tool(
                "suggest_hypotheses",
                Scripted::ToolUse {
                    name: "suggest_hypotheses".into(),
                    input,
                },
            );
        }
    }

    /// Queues `text` as the answer to the next request that forces no tool (the summary's
    /// paragraph).
    pub fn script_text(&self, text: String) {
        self.model.script(Scripted::Text(text));
    }
}

/// The first seven characters of a commit sha.
fn short(sha: &str) -> &str {
    &sha[..7.min(sha.len())]
}

/// The Sentry event an issue's batch carries as its latest event.
fn sentry_event(batch: &world::SentryBatch) -> LatestEvent {
    let frame = |file: &str, function: &str, line| FrameSeed {
        filename: file.trim_start_matches("/app/").to_owned(),
        abs_path: Some(file.to_owned()),
        function: function.to_owned(),
        line: Some(line),
        in_app: true,
        ..FrameSeed::default()
    };
    let event = match batch.issue {
        SentryIssue::CartTotal => EventSeed {
            exceptions: vec![ExceptionSeed {
                exception_type: "TypeError".into(),
                value: "'NoneType' object is not iterable".into(),
                handled: Some(false),
                frames: vec![
                    frame("/app/checkout/views.py", "checkout_total", 88),
                    frame("/app/checkout/cart.py", "total", 3),
                ],
                ..ExceptionSeed::default()
            }],
            request: Some((
                "POST".into(),
                "https://shop.example/checkout/81723/total".into(),
            )),
            ..EventSeed::default()
        },
        SentryIssue::ChunkLoad => EventSeed {
            exceptions: vec![ExceptionSeed {
                exception_type: "ChunkLoadError".into(),
                value: "Loading chunk 7 failed.".into(),
                handled: Some(true),
                frames: vec![frame("/app/web/static/js/runtime.js", "requireEnsure", 212)],
                ..ExceptionSeed::default()
            }],
            request: Some(("GET".into(), "https://shop.example/products/42".into())),
            ..EventSeed::default()
        },
    };
    LatestEvent::Event(Box::new(EventSeed {
        user_id: Some(batch.user.clone()),
        release: Some(batch.release.clone()),
        environment: Some("production".into()),
        ..event
    }))
}
