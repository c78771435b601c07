//! `AgentConfig`, the `[agent]` section: which provider and model, limits, the API key
//! and prices.
//!
//! ```toml
//! [agent]
//! enabled = true                  # the kill switch (default false)
//! provider = "anthropic"          # or "openai" (any OpenAI-compatible endpoint)
//! # base_url = "http://10.0.0.7:8000/v1"   # default: the provider's public API
//! model = "claude-sonnet-4-5"
//! max_tokens = 4096
//! timeout = "2m"                  # one try of one model call
//! api_key = "${ANTHROPIC_API_KEY}"
//! prices = { input_per_mtok = 3.0, output_per_mtok = 15.0 }
//! ```

use crate::agent::patch::PatchRules;
use crate::domain::draft::DraftPolicy;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::Usage;
use crate::http_client::HttpPolicy;
use crate::{problem::Problem, secret::Secret};

/// Which API the agent talks to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    /// The Anthropic Messages API.
    #[default]
    Anthropic,
    /// An OpenAI-compatible chat-completions API.
    #[serde(rename = "openai")]
    OpenAi,
}

impl ProviderKind {
    /// The name used in errors, logs and `Provider::name`.
    pub fn name(self) -> &'static str {
        match self {
            ProviderKind::Anthropic => "anthropic",
            ProviderKind::OpenAi => "openai",
        }
    }

    /// The public API's base URL.
    pub fn default_base_url(self) -> &'static str {
        match self {
            ProviderKind::Anthropic => "https://api.anthropic.com",
            ProviderKind::OpenAi => "https://api.openai.com/v1",
        }
    }
}

/// USD per million tokens. Zero (the default) suits a self-hosted model; set the
/// provider's list prices for a paid API, or the daily spend cap means nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Prices {
    pub input_per_mtok: f64,
    pub output_per_mtok: f64,
}

impl Prices {
    /// What a call that used `usage` cost, in USD.
    pub fn cost(&self, usage: &Usage) -> f64 {
        // Token counts stay far below 2^53: the conversion is exact.
        (usage.input_tokens as f64 * self.input_per_mtok
            + usage.output_tokens as f64 * self.output_per_mtok)
            / 1_000_000.0
    }
}

/// The `[agent]` section. `Debug` never shows the API key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AgentConfig {
    /// Everything the agent does is off unless this is true.
    pub enabled: bool,
    pub provider: ProviderKind,
    /// The API's base URL; unset = the provider's public API
    /// ([`ProviderKind::default_base_url`]). For `openai`, the part before
    /// `/chat/completions` (usually ending in `/v1`).
    pub base_url: Option<String>,
    /// The model id, e.g. `claude-sonnet-4-5` or `gpt-4.1`; required when enabled.
    pub model: String,
    /// Output tokens per call at most; a request may ask for fewer.
    pub max_tokens: u32,
    /// Limit on one try of one call, from sending to the last byte of the answer. It
    /// replaces `http.request_timeout`; retries are governed by `http`.
    #[serde(with = "humantime_serde")]
    pub timeout: Duration,
    /// `${ENV}` or `file:`; required for Anthropic and for OpenAI's own API, optional
    /// for a self-hosted endpoint that wants no key.
    #[serde(skip_serializing)]
    pub api_key: Option<Secret>,
    pub http: HttpPolicy,
    pub prices: Prices,
    /// Which clusters get a drafted fix, where, and how many a day (`[agent.drafts]`).
    pub drafts: DraftPolicy,
    /// What a proposed patch may touch and how much (`[agent.patch]`).
    pub patch: PatchRules,
    /// Ask the model once per newly created ticket for investigation hypotheses, added to
    /// the ticket as a comment marked model-written and unverified (off by default).
    pub hypotheses: bool,
}

impl Default for AgentConfig {
    fn default() -> Self {
        AgentConfig {
            enabled: false,
            provider: ProviderKind::Anthropic,
            base_url: None,
            model: String::new(),
            max_tokens: 4096,
            timeout: Duration::from_secs(120),
            api_key: None,
            http: HttpPolicy::default(),
            prices: Prices::default(),
            drafts: DraftPolicy::default(),
            patch: PatchRules::default(),
            hypotheses: false,
        }
    }
}

const KEY_IN_CLEAR: &str = "an API key is only sent over https (or http to a loopback address)";

/// The largest `max_tokens` accepted (above every current model's output limit).
const MAX_TOKENS_LIMIT: u32 = 200_000;

impl AgentConfig {
    /// The base URL in use, without a trailing slash.
    pub fn base_url(&self) -> &str {
        self.base_url
            .as_deref()
            .map(str::trim)
            .filter(|url| !url.is_empty())
            .unwrap_or(self.provider.default_base_url())
            .trim_end_matches('/')
    }

    /// The HTTP policy of the provider's client: `http` with `timeout` as its request
    /// timeout.
    pub fn http_policy(&self) -> HttpPolicy {
        HttpPolicy {
            request_timeout: self.timeout,
            ..self.http.clone()
        }
    }

    /// What a call that used `usage` cost, in USD ([`Prices::cost`]).
    pub fn cost(&self, usage: &Usage) -> f64 {
        self.prices.cost(usage)
    }

    /// Every problem, each under its key (`agent.model`, …). The model and the API key
    /// are required only when the agent is enabled.
    pub fn validate(&self) -> Vec<Problem> {
        let mut problems = self.settings_problems();
        let key_set = self
            .api_key
            .as_ref()
            .is_some_and(|key| !key.expose().is_empty());
        if self.enabled && !key_set && self.key_required() {
            problems.push(Problem::new(
                "agent.api_key",
                format!(
                    "{} needs an API key (\"${{ENV_VAR}}\" or \"file:/path\")",
                    self.base_url()
                ),
            ));
        }
        if key_set && self.plain_http_to_remote() {
            problems.push(Problem::new("agent.base_url", KEY_IN_CLEAR));
        }
        problems
    }

    /// Whether the base URL is `http://` to a host other than this machine.
    fn plain_http_to_remote(&self) -> bool {
        reqwest::Url::parse(self.base_url())
            .is_ok_and(|url| url.scheme() == "http" && !is_loopback(&url))
    }

    /// Settings a provider can be built from, with `api_key` as its key: no problems,
    /// a model, and a key where the endpoint needs one.
    pub(super) fn check_usable(&self, api_key: &str) -> Result<(), super::AgentError> {
        let provider = self.provider.name();
        let mut reasons: Vec<String> = self
            .settings_problems()
            .iter()
            .map(ToString::to_string)
            .collect();
        if self.model.trim().is_empty() && !self.enabled {
            // (When enabled, `settings_problems` already says so.)
            reasons.push("agent.model: a model id is required".into());
        }
        if api_key.is_empty() && self.key_required() {
            reasons.push(format!(
                "agent.api_key: {} needs an API key",
                self.base_url()
            ));
        }
        if !api_key.is_empty() && self.plain_http_to_remote() {
            reasons.push(format!("agent.base_url: {KEY_IN_CLEAR}"));
        }
        if api_key.chars().any(|c| c.is_control() || c.is_whitespace()) {
            // Said without quoting the key, which is a secret even when malformed.
            reasons.push("agent.api_key: the key contains spaces or control characters".into());
        }
        if reasons.is_empty() {
            Ok(())
        } else {
            Err(super::AgentError::Config {
                provider,
                reason: reasons.join("; "),
            })
        }
    }

    /// Whether the endpoint surely wants a key: Anthropic always, OpenAI's own API.
    pub(super) fn key_required(&self) -> bool {
        match self.provider {
            ProviderKind::Anthropic => true,
            ProviderKind::OpenAi => self.base_url() == ProviderKind::OpenAi.default_base_url(),
        }
    }

    /// The problems that do not depend on the API key.
    pub(super) fn settings_problems(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        let mut check = |ok: bool, key: &str, reason: String| {
            if !ok {
                problems.push(Problem::new(format!("agent.{key}"), reason));
            }
        };
        let url = self.base_url();
        match reqwest::Url::parse(url) {
            Ok(parsed) => check(
                matches!(parsed.scheme(), "https" | "http") && parsed.host().is_some(),
                "base_url",
                format!("{url:?} must be an http(s) URL"),
            ),
            Err(e) => check(false, "base_url", format!("{url:?} is not a URL: {e}")),
        }
        let model = self.model.trim();
        check(
            !self.enabled || !model.is_empty(),
            "model",
            "a model id is required when the agent is enabled".into(),
        );
        check(
            model.len() == self.model.len() && !model.contains(char::is_whitespace),
            "model",
            format!("{:?} must not contain spaces", self.model),
        );
        check(
            (1..=MAX_TOKENS_LIMIT).contains(&self.max_tokens),
            "max_tokens",
            format!("must be within 1..={MAX_TOKENS_LIMIT}"),
        );
        check(
            (Duration::from_secs(1)..=Duration::from_secs(900)).contains(&self.timeout),
            "timeout",
            "must be within 1s..=15m".into(),
        );
        if let Err(reason) = self.http.validate() {
            check(false, "http", reason);
        }
        for (key, price) in [
            ("prices.input_per_mtok", self.prices.input_per_mtok),
            ("prices.output_per_mtok", self.prices.output_per_mtok),
        ] {
            check(
                price.is_finite() && price >= 0.0,
                key,
                "must be a non-negative number of USD".into(),
            );
        }
        problems
    }
}

fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host_str() {
        Some(host) if host.eq_ignore_ascii_case("localhost") => true,
        Some(host) => host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()),
        None => false,
    }
}

#[cfg(test)]
mod tests;
