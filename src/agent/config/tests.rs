//! The `[agent]` section: defaults, strictness, validation by key, prices, redaction.

use std::time::Duration;

use super::*;
use crate::agent::AgentError;

fn parse(toml_text: &str) -> Result<AgentConfig, toml::de::Error> {
    toml::from_str(toml_text)
}

fn keys(problems: &[Problem]) -> Vec<&str> {
    problems.iter().map(|p| p.path.as_str()).collect()
}

#[test]
fn an_empty_section_is_a_disabled_agent_with_defaults() {
    let config = parse("").expect("defaults");
    assert_eq!(config, AgentConfig::default());
    assert!(!config.enabled, "off unless switched on");
    assert_eq!(config.base_url(), "https://api.anthropic.com");
    assert!(config.validate().is_empty(), "{:?}", config.validate());
    let openai = parse("provider = \"openai\"").expect("openai");
    assert_eq!(openai.base_url(), "https://api.openai.com/v1");
}

#[test]
fn a_full_section_parses_and_unknown_keys_are_refused() {
    let config = parse(
        r#"
        enabled = true
        provider = "openai"
        base_url = "http://127.0.0.1:8000/v1/"
        model = "qwen2.5-coder-32b"
        max_tokens = 8000
        timeout = "3m"
        api_key = "${LLM_KEY}"
        prices = { input_per_mtok = 0.5, output_per_mtok = 1.5 }
        [http]
        max_attempts = 2
        "#,
    )
    .expect("parses");
    assert_eq!(config.provider, ProviderKind::OpenAi);
    assert_eq!(config.base_url(), "http://127.0.0.1:8000/v1");
    assert_eq!(config.timeout, Duration::from_secs(180));
    assert_eq!(config.http.max_attempts, 2);
    assert_eq!(
        config.http_policy().request_timeout,
        Duration::from_secs(180)
    );
    assert!(config.api_key.is_some());
    let err = parse("enabeld = true").unwrap_err().to_string();
    assert!(err.contains("enabeld"), "{err}");
    assert!(parse("provider = \"gemini\"").is_err());
    assert!(parse("prices = { input = 1.0 }").is_err());
}

#[test]
fn problems_are_reported_by_key_all_at_once() {
    let config = AgentConfig {
        enabled: true,
        base_url: Some("ftp://models".into()),
        max_tokens: 0,
        timeout: Duration::from_millis(10),
        prices: Prices {
            input_per_mtok: -1.0,
            output_per_mtok: f64::NAN,
        },
        ..AgentConfig::default()
    };
    let problems = config.validate();
    assert_eq!(
        keys(&problems),
        [
            "agent.base_url",
            "agent.model",
            "agent.max_tokens",
            "agent.timeout",
            "agent.prices.input_per_mtok",
            "agent.prices.output_per_mtok",
            "agent.api_key",
        ]
    );
}

#[test]
fn a_key_is_required_where_the_endpoint_needs_one_and_never_sent_in_clear() {
    let anthropic = AgentConfig {
        enabled: true,
        model: "claude-sonnet-4-5".into(),
        ..AgentConfig::default()
    };
    assert_eq!(keys(&anthropic.validate()), ["agent.api_key"]);
    let self_hosted = AgentConfig {
        provider: ProviderKind::OpenAi,
        base_url: Some("http://gpu-box.internal:8000/v1".into()),
        ..anthropic.clone()
    };
    assert!(
        self_hosted.validate().is_empty(),
        "no key needed, none sent"
    );
    let keyed = AgentConfig {
        api_key: Some(Secret::from_value("sk-abc")),
        ..self_hosted.clone()
    };
    assert_eq!(keys(&keyed.validate()), ["agent.base_url"]);
    let loopback = AgentConfig {
        base_url: Some("http://localhost:11434/v1".into()),
        ..keyed
    };
    assert!(loopback.validate().is_empty());
}

#[test]
fn cost_follows_the_prices() {
    let config = AgentConfig {
        prices: Prices {
            input_per_mtok: 3.0,
            output_per_mtok: 15.0,
        },
        ..AgentConfig::default()
    };
    let usage = Usage {
        input_tokens: 12_000,
        output_tokens: 2_000,
    };
    assert!((config.cost(&usage) - 0.066).abs() < 1e-12);
    assert_eq!(AgentConfig::default().cost(&usage), 0.0);
}

#[test]
fn debug_and_serialization_never_show_the_key() {
    let config = AgentConfig {
        api_key: Some(Secret::from_value("sk-ant-very-secret-1234")),
        ..AgentConfig::default()
    };
    let debug = format!("{config:?}");
    assert!(
        !debug.contains("very-secret") && debug.contains("api_key: Some(Secret([redacted]))"),
        "{debug}"
    );
    let json = serde_json::to_string(&config).expect("serializes");
    assert!(
        !json.contains("very-secret") && !json.contains("api_key"),
        "{json}"
    );
}

#[test]
fn a_disabled_agent_builds_no_provider() {
    let config = AgentConfig {
        model: "m".into(),
        ..AgentConfig::default()
    };
    assert!(matches!(
        crate::agent::build_provider(&config, "sk-key"),
        Err(AgentError::Disabled)
    ));
}
