//! The configuration the demo's daemon runs with: an ordinary `triaged.toml`, written to
//! the demo's directory and loaded the way `triaged run` loads one, pointing every vendor
//! at its emulator. Secrets are passed as `${VAR}` references resolved from an in-process
//! environment, as in production. `triaged sandbox` writes the same file with `file:`
//! references and its own schedules.

use std::path::Path;

use anyhow::Context;
use aws_sdk_cloudwatchlogs::config::{BehaviorVersion, Credentials, Region};

use super::vendors::{GITHUB_TOKEN, LINEAR_TEAM, SENTRY_ORG, SENTRY_TOKEN, VendorUrls, Vendors};
use super::world;
use crate::config::{Config, Source};

/// The secrets the emulators expect, by the name the configuration refers to them with.
pub fn secrets(vendors: &Vendors) -> [(&'static str, String); 6] {
    let urls = &vendors.urls;
    [
        ("SENTRY_TOKEN", SENTRY_TOKEN.to_owned()),
        ("LINEAR_KEY", vendors.linear.api_key()),
        ("SLACK_WEBHOOK", urls.slack_webhook.clone()),
        ("TEAMS_WEBHOOK", urls.teams_webhook.clone()),
        ("ANTHROPIC_KEY", vendors.model.api_key()),
        ("GITHUB_TOKEN", GITHUB_TOKEN.to_owned()),
    ]
}

/// What differs between the demo's file and the sandbox's.
pub struct ConfigParts<'a> {
    /// Who wrote the file (its first comment).
    pub written_by: &'a str,
    pub database_url: String,
    /// The daemon's HTTP listener (`host:port`).
    pub bind: String,
    /// Where tickets link to.
    pub dashboard: String,
    /// Cron schedules of ingest, triage, verify and summary.
    pub schedules: [&'a str; 4],
    /// How the file refers to the secret of each name in [`secrets`].
    pub secret: &'a dyn Fn(&str) -> String,
}

/// The `triaged.toml` pointing every vendor at its emulator.
pub fn config_text(urls: &VendorUrls, parts: &ConfigParts<'_>) -> String {
    let groups: Vec<String> = world::SERVICES
        .iter()
        .map(|(service, group)| format!("{{ name = \"{group}\", service = \"{service}\" }}"))
        .collect();
    let secret = parts.secret;
    let [ingest, triage, verify, summary] = parts.schedules;
    format!(
        r#"# Written by `{written_by}`: every vendor is an emulator on 127.0.0.1.
database_url = "{database_url}"
timezone = "UTC"

[http]
bind = "{bind}"

[jobs.ingest]
schedule = "{ingest}"
[jobs.triage]
schedule = "{triage}"
[jobs.verify]
schedule = "{verify}"
[jobs.summary]
schedule = "{summary}"

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
token = "{sentry_token}"
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
api_key = "{linear_key}"
team = "{LINEAR_TEAM}"
reopen_state = "Todo"
done_state = "Done"
[linear.http]
max_attempts = 2
base_backoff = "10ms"

[[notify.destinations]]
kind = "slack"
name = "ops"
webhook_url = "{slack_webhook}"
[[notify.destinations]]
kind = "teams"
name = "engineering"
webhook_url = "{teams_webhook}"

[agent]
enabled = true
provider = "anthropic"
base_url = "{model}"
model = "claude-sonnet-4-5"
api_key = "{anthropic_key}"
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
token = "{github_token}"
release_ref = "v{{release}}"
[github.http]
max_attempts = 2
base_backoff = "10ms"
"#,
        written_by = parts.written_by,
        database_url = parts.database_url,
        bind = parts.bind,
        dashboard = parts.dashboard,
        cloudwatch = urls.cloudwatch,
        groups = groups.join(", "),
        sentry = urls.sentry,
        sentry_token = secret("SENTRY_TOKEN"),
        linear = urls.linear,
        linear_key = secret("LINEAR_KEY"),
        slack_webhook = secret("SLACK_WEBHOOK"),
        teams_webhook = secret("TEAMS_WEBHOOK"),
        model = urls.model,
        anthropic_key = secret("ANTHROPIC_KEY"),
        github = urls.github,
        github_token = secret("GITHUB_TOKEN"),
        repo = world::REPO,
    )
}

/// Writes `<dir>/triaged.toml` and loads it.
pub fn demo_config(dir: &Path, vendors: &Vendors, dashboard: &str) -> anyhow::Result<Config> {
    let text = config_text(
        &vendors.urls,
        &ConfigParts {
            written_by: "triaged demo",
            database_url: format!("sqlite://{}", dir.join("triaged.db").display()),
            bind: dashboard.trim_start_matches("http://").to_owned(),
            dashboard: dashboard.to_owned(),
            schedules: [
                "5,20,35,50 * * * *",
                "10 * * * *",
                "40 * * * *",
                "0 9 * * *",
            ],
            secret: &|name| format!("${{DEMO_{name}}}"),
        },
    );
    let path = dir.join("triaged.toml");
    std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    let env: Vec<(String, String)> = secrets(vendors)
        .into_iter()
        .map(|(name, value)| (format!("DEMO_{name}"), value))
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
