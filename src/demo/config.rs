//! The configuration the demo's daemon runs with: an ordinary `triaged.toml`, written to
//! the demo's directory and loaded the way `triaged run` loads one, pointing every vendor
//! at its emulator. Secrets are passed as `${VAR}` references resolved from an in-process
//! environment, as in production.

use std::path::Path;

use anyhow::Context;
use aws_sdk_cloudwatchlogs::config::{BehaviorVersion, Credentials, Region};

use super::vendors::{GITHUB_TOKEN, LINEAR_TEAM, SENTRY_ORG, SENTRY_TOKEN, Vendors};
use super::world;
use crate::config::{Config, Source};

/// Writes `<dir>/triaged.toml` and loads it.
pub fn demo_config(dir: &Path, vendors: &Vendors, dashboard: &str) -> anyhow::Result<Config> {
    let urls = &vendors.urls;
    let groups: Vec<String> = world::SERVICES
        .iter()
        .map(|(service, group)| format!("{{ name = \"{group}\", service = \"{service}\" }}"))
        .collect();
    let text = format!(
        r#"# Written by `triaged demo`: every vendor is an emulator on 127.0.0.1.
database_url = "sqlite://{db}"
timezone = "UTC"

[http]
bind = "{bind}"

[jobs.ingest]
schedule = "5,20,35,50 * * * *"
[jobs.triage]
schedule = "10 * * * *"
[jobs.verify]
schedule = "40 * * * *"
[jobs.summary]
schedule = "0 9 * * *"

[sources.cloudwatch]
region = "eu-west-1"
endpoint_url = "{cloudwatch}"
groups = [{groups}]
lookback = "1h"
max_attempts = 2
initial_backoff = "10ms"
attempt_timeout = "5s"

[sources.sentry]
base_url = "{sentry}"
org = "{SENTRY_ORG}"
token = "${{DEMO_SENTRY_TOKEN}}"
lookback = "2h"
[sources.sentry.http]
max_attempts = 2
base_backoff = "10ms"

[tiers.services]
payments = "critical"
checkout = "high"

[links]
public_url = "{dashboard}"

[linear]
base_url = "{linear}"
api_key = "${{DEMO_LINEAR_KEY}}"
team = "{LINEAR_TEAM}"
reopen_state = "Todo"
done_state = "Done"
[linear.http]
max_attempts = 2
base_backoff = "10ms"

[[notify.destinations]]
kind = "slack"
name = "ops"
webhook_url = "${{DEMO_SLACK_WEBHOOK}}"
[[notify.destinations]]
kind = "teams"
name = "engineering"
webhook_url = "${{DEMO_TEAMS_WEBHOOK}}"

[agent]
enabled = true
provider = "anthropic"
base_url = "{model}"
model = "claude-sonnet-4-5"
api_key = "${{DEMO_ANTHROPIC_KEY}}"
hypotheses = true
[agent.http]
max_attempts = 2
base_backoff = "10ms"
[agent.prices]
input_per_mtok = 3.0
output_per_mtok = 15.0
[agent.drafts]
min_score = 40.0
min_events = 20
[[agent.drafts.repos]]
repo = "{repo}"
services = ["checkout"]
path_mappings = [{{ from = "/app/", to = "src/" }}]

[github]
base_url = "{github}"
token = "${{DEMO_GITHUB_TOKEN}}"
release_ref = "v{{release}}"
[github.http]
max_attempts = 2
base_backoff = "10ms"
"#,
        db = dir.join("triaged.db").display(),
        bind = dashboard.trim_start_matches("http://"),
        cloudwatch = urls.cloudwatch,
        groups = groups.join(", "),
        sentry = urls.sentry,
        linear = urls.linear,
        model = urls.model,
        github = urls.github,
        repo = world::REPO,
    );
    let path = dir.join("triaged.toml");
    std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    let env: Vec<(String, String)> = [
        ("DEMO_SENTRY_TOKEN", SENTRY_TOKEN.to_owned()),
        ("DEMO_LINEAR_KEY", vendors.linear.api_key()),
        ("DEMO_SLACK_WEBHOOK", urls.slack_webhook.clone()),
        ("DEMO_TEAMS_WEBHOOK", urls.teams_webhook.clone()),
        ("DEMO_ANTHROPIC_KEY", vendors.model.api_key()),
        ("DEMO_GITHUB_TOKEN", GITHUB_TOKEN.to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    Config::load(Source::Explicit(&path), &env).map_err(|e| anyhow::anyhow!("{e}"))
}

/// AWS settings for the CloudWatch emulator: fixed credentials (it checks the SigV4
/// shape, not the key) and a region, so no AWS account or credential is looked for.
pub async fn demo_aws() -> aws_config::SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .credentials_provider(Credentials::new(
            "AKIDTRIAGEDDEMO",
            "triaged-demo-secret-key",
            None,
            None,
            "triaged-demo",
        ))
        .region(Region::new("eu-west-1"))
        .load()
        .await
}
