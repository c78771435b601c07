//! The concrete adapters a configuration asks for: the tracker, the code host, the model,
//! the sources, and the user-id salt and holder id the store and scheduler need.

use std::sync::Arc;

use anyhow::Context;

use crate::agent::{Provider, build_provider};
use crate::config::Config;
use crate::domain::event::{Environment, Service, UserSalt};
use crate::forge::CodeHost;
use crate::forge::github::GitHub;
use crate::redact::Redactor;
use crate::sources::EventSource;
use crate::sources::cloudwatch::{CloudWatchEvents, CloudWatchSource};
use crate::sources::file::FileSource;
use crate::sources::sentry::{SentryEvents, SentrySource};
use crate::store::Store;
use crate::tracker::Tracker;
use crate::tracker::linear::LinearTracker;

/// The Linear tracker when `[linear]` is configured.
pub fn tracker(config: &Config) -> anyhow::Result<Option<Arc<dyn Tracker>>> {
    let Some(linear) = &config.linear else {
        return Ok(None);
    };
    let key = linear
        .api_key
        .as_ref()
        .map(|k| k.expose())
        .unwrap_or_default();
    let mut linear = linear.clone();
    // Every label triaged may put on a ticket must exist in the team.
    for label in config
        .triage
        .labels
        .iter()
        .chain([&config.triage.flapping_label])
    {
        if !linear.labels.contains(label) {
            linear.labels.push(label.clone());
        }
    }
    let tracker = LinearTracker::new(&linear, key).context("linear")?;
    Ok(Some(Arc::new(tracker)))
}

/// The code host when `[github]` is configured.
pub fn forge(config: &Config) -> anyhow::Result<Option<Arc<dyn CodeHost>>> {
    let Some(github) = &config.github else {
        return Ok(None);
    };
    let token = github
        .token
        .as_ref()
        .map(|t| t.expose())
        .unwrap_or_default();
    let forge = GitHub::new(github, token).context("github")?;
    Ok(Some(Arc::new(forge)))
}

/// The LLM provider when `agent.enabled` (the kill switch is off by default).
pub fn model(config: &Config) -> anyhow::Result<Option<Arc<dyn Provider>>> {
    if !config.agent.enabled {
        return Ok(None);
    }
    let key = config
        .agent
        .api_key
        .as_ref()
        .map(|k| k.expose())
        .unwrap_or_default();
    let provider = build_provider(&config.agent, key).context("agent")?;
    Ok(Some(Arc::from(provider)))
}

/// Every configured source: the files, then CloudWatch and Sentry when configured.
pub async fn sources(
    config: &Config,
    salt: &UserSalt,
    redactor: &Redactor,
    aws: Option<&aws_config::SdkConfig>,
) -> anyhow::Result<Vec<Box<dyn EventSource>>> {
    let file = &config.sources.file;
    let service = Service::new(&file.service).context("sources.file.service")?;
    let environment = Environment::new(&file.environment).context("sources.file.environment")?;
    let mut sources: Vec<Box<dyn EventSource>> = Vec::new();
    for path in &file.paths {
        sources.push(Box::new(FileSource {
            path: path.clone(),
            service: service.clone(),
            environment: environment.clone(),
            salt: salt.clone(),
            redactor: redactor.clone(),
        }));
    }
    if let Some(cw) = &config.sources.cloudwatch {
        let source = match aws {
            Some(sdk) => CloudWatchSource::from_sdk_config(sdk, cw),
            None => CloudWatchSource::connect(cw).await,
        }
        .context("sources.cloudwatch")?;
        sources.push(Box::new(CloudWatchEvents {
            source,
            environment: Environment::new(&cw.environment)
                .context("sources.cloudwatch.environment")?,
            salt: salt.clone(),
            redactor: redactor.clone(),
        }));
    }
    if let Some(sentry) = &config.sources.sentry {
        let token = sentry
            .token
            .as_ref()
            .map(|t| t.expose())
            .unwrap_or_default();
        let source = SentrySource::new(sentry, token, salt.clone()).context("sources.sentry")?;
        sources.push(Box::new(SentryEvents { source }));
    }
    Ok(sources)
}

/// The user-id salt: `privacy.user_salt` when set, else one generated at random the first
/// time and kept in the store (so every replica and restart hashes alike).
pub async fn user_salt(
    config: &Config,
    store: &Store,
    read_only: bool,
) -> anyhow::Result<UserSalt> {
    let generate = || {
        let raw: [u8; 32] = rand::random();
        raw.iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    let bytes = match &config.privacy.user_salt {
        Some(secret) => secret.expose().as_bytes().to_vec(),
        None if read_only => store
            .setting("user_salt")
            .await
            .context("reading the user-id salt from the store (run `triaged migrate` first?)")?
            .unwrap_or_else(generate)
            .into_bytes(),
        None => store
            .setting_or_create("user_salt", generate)
            .await
            .context("reading the user-id salt from the store")?
            .into_bytes(),
    };
    UserSalt::new(bytes).context("privacy.user_salt")
}

/// `host-pid-random`: unique per process, readable in the ledger.
pub fn holder_id() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "host".into());
    format!(
        "{host}-{}-{:06x}",
        std::process::id(),
        rand::random::<u32>() & 0xff_ffff
    )
}
