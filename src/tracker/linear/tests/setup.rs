//! Setting the tracker up: `LinearConfig` defaults and checks, `prepare` resolving the
//! team, states and labels (and naming the key of what is missing), the API key kept
//! out of `Debug`, errors and serialized config.

use super::*;

fn config_error(result: Result<(), TrackerError>) -> String {
    match result {
        Err(TrackerError::Config(message)) => message,
        other => panic!("expected a config error, got {other:?}"),
    }
}

#[tokio::test]
async fn prepare_resolves_the_team_states_and_labels() {
    let fixture = fixture().await;
    fixture.tracker.prepare().await.expect("prepare");
    fixture.tracker.prepare().await.expect("cached");
    assert_eq!(fixture.sandbox.count_requests("teams"), 1, "resolved once");
}

#[tokio::test]
async fn prepare_names_the_key_and_lists_what_exists() {
    let fixture = fixture_with(|c| c.done_state = "Shipped".into()).await;
    let message = config_error(fixture.tracker.prepare().await);
    assert!(
        message
            .starts_with("linear.done_state: the team ENG has no workflow state named \"Shipped\""),
        "{message}"
    );
    assert!(
        message.contains("(it has: Triage, Backlog, Todo, In Progress, Done, Canceled, Duplicate)"),
        "{message}"
    );

    let fixture = fixture_with(|c| c.team = "WEB".into()).await;
    let message = config_error(fixture.tracker.prepare().await);
    assert!(
        message.contains("linear.team") && message.contains("ENG, OPS"),
        "{message}"
    );

    let fixture = fixture_with(|c| {
        c.labels = vec!["triaged".into(), "robots".into()];
        c.create_state = Some("Inbox".into());
    })
    .await;
    let message = config_error(fixture.tracker.prepare().await);
    assert!(
        message.contains("linear.create_state") && message.contains("\"Inbox\""),
        "{message}"
    );
    assert!(
        message.contains("linear.labels") && message.contains("\"robots\""),
        "{message}"
    );
    assert!(message.contains("severity:high, triaged"), "{message}");
}

#[tokio::test]
async fn the_api_key_stays_out_of_debug_and_errors() {
    let secret = "lin_api_DoNotPrintMe0123456789";
    let mut config = LinearConfig {
        team: "ENG".into(),
        api_key: Some(crate::secret::Secret::from_value(secret)),
        ..LinearConfig::default()
    };
    assert!(!format!("{config:?}").contains(secret));
    let fixture = fixture().await;
    config.base_url = fixture.config.base_url.clone();
    config.http = fast_policy();
    let tracker = LinearTracker::new(&config, secret).expect("tracker");
    assert!(!format!("{tracker:?}").contains(secret));
    let error = tracker.prepare().await.unwrap_err();
    assert!(
        matches!(&error, TrackerError::Rejected { code, .. } if code == "AUTHENTICATION_ERROR"),
        "{error:?}"
    );
    assert!(!error.is_retryable());
    assert!(!format!("{error} {error:?}").contains(secret));
    let serialized = serde_json::to_string(&config).expect("serialize");
    assert!(!serialized.contains(secret) && !serialized.contains("api_key"));
}

#[test]
fn config_has_defaults_and_refuses_unknown_keys() {
    let config: LinearConfig = serde_json::from_str(r#"{"team": "ENG"}"#).expect("config");
    assert_eq!(config.base_url, "https://api.linear.app/graphql");
    assert_eq!(
        (config.reopen_state.as_str(), config.done_state.as_str()),
        ("Todo", "Done")
    );
    assert!(
        config.labels.is_empty(),
        "filled from [triage] when the tracker is built"
    );
    let named: Result<LinearConfig, _> =
        serde_json::from_str(r#"{"team": "ENG", "labels": ["x"]}"#);
    assert!(named.is_err(), "labels are not a [linear] key");
    assert_eq!(config.create_state, None);
    assert!(config.validate().is_ok());
    let unknown = serde_json::from_str::<LinearConfig>(r#"{"team": "ENG", "teem": "x"}"#);
    assert!(unknown.is_err());
    let bad = LinearConfig {
        team: "engineering team".into(),
        done_state: " ".into(),
        ..LinearConfig::default()
    };
    let problems = bad.validate().unwrap_err();
    assert!(
        problems.contains("team:") && problems.contains("done_state:"),
        "{problems}"
    );
    let error = LinearTracker::new(&bad, SANDBOX_API_KEY).unwrap_err();
    assert!(
        matches!(&error, TrackerError::Config(m) if m.contains("linear.team:")),
        "{error}"
    );
}
