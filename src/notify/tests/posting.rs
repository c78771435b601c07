//! Posting through the emulators: success, Slack's error strings, retries on 429/5xx,
//! one destination failing while the other succeeds, and URLs kept out of every message.

use std::time::Duration;

use serde_json::json;

use super::model_paragraph;
use super::support::{fast_policy, slack_destination, start_slack, start_teams, teams_destination};
use crate::domain::summary::testing::rich;
use crate::notify::{Destination, Notifier, NotifyError, post_all};
use triaged_sandbox::FaultKnobs;
use triaged_sandbox::contracts::validate::teams_card;
use triaged_sandbox::slack::{ChannelState, SlackLimits};

#[tokio::test]
async fn both_emulators_accept_the_summary() {
    let (slack, _s, slack_url) = start_slack(1).await;
    let (teams, _t, teams_url) = start_teams(2).await;
    let destinations = [
        slack_destination("slack-ops", &slack_url),
        teams_destination("teams-ops", &teams_url),
    ];
    let results = post_all(&destinations, &rich(), &model_paragraph()).await;
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].0, "slack-ops");
    assert_eq!(results[1].0, "teams-ops");
    assert!(results.iter().all(|(_, r)| r.is_ok()), "{results:?}");
    let posted = slack.posted();
    assert_eq!(posted.len(), 1);
    assert!(posted[0]["blocks"].as_array().is_some_and(|b| b.len() > 5));
    let cards = teams.posted();
    assert_eq!(cards.len(), 1);
    teams_card().assert_valid(&cards[0]);
    assert_eq!(teams.answers()[0].status, 202);
}

#[tokio::test]
async fn slack_invalid_blocks_surfaces_with_its_body() {
    let (slack, _s, url) = start_slack(3).await;
    slack.set_limits(SlackLimits {
        blocks: 3,
        ..SlackLimits::default()
    });
    let notifier = Notifier::new(&slack_destination("ops", &url), &url).expect("notifier");
    let err = notifier
        .post(&rich(), &model_paragraph())
        .await
        .expect_err("too many blocks for this channel");
    match &err {
        NotifyError::Rejected {
            status,
            body,
            vendor,
            ..
        } => {
            assert_eq!(
                (*status, body.as_str(), *vendor),
                (400, "invalid_blocks", "slack")
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(!err.is_retryable());
    let shown = err.to_string();
    assert!(
        shown.contains("ops") && shown.contains("invalid_blocks"),
        "{shown}"
    );
    assert!(
        !shown.contains(&url) && !shown.contains("/services/"),
        "{shown}"
    );
    assert_eq!(slack.answers().len(), 1, "4xx is not retried");
    assert!(slack.posted().is_empty());
}

#[tokio::test]
async fn slack_channel_errors_are_final() {
    let (slack, _s, url) = start_slack(4).await;
    let notifier = Notifier::new(&slack_destination("ops", &url), &url).expect("notifier");
    for (state, status, body) in [
        (ChannelState::Archived, 410, "channel_is_archived"),
        (ChannelState::Prohibited, 403, "action_prohibited"),
        (ChannelState::Deleted, 404, "channel_not_found"),
    ] {
        slack.set_channel(state);
        let err = notifier
            .post(&rich(), &model_paragraph())
            .await
            .expect_err("refused");
        assert_eq!(err.status(), Some(status));
        assert!(err.to_string().contains(body), "{err}");
        assert!(!err.is_retryable());
    }
}

#[tokio::test]
async fn slack_success_needs_the_body_ok() {
    let (slack, _s, url) = start_slack(5).await;
    slack.faults().set(FaultKnobs {
        malformed: 1.0,
        ..FaultKnobs::none()
    });
    let notifier = Notifier::new(&slack_destination("ops", &url), &url).expect("notifier");
    let err = notifier
        .post(&rich(), &model_paragraph())
        .await
        .expect_err("HTML body");
    assert_eq!(err.status(), Some(200));
    assert!(err.to_string().contains("502 Bad Gateway"), "{err}");
}

/// Webhooks take no idempotency key: a 429 or 503 surely did not post and is retried; a
/// 500 or 502 may have posted, so it ends that post (unclear, never posted again).
#[tokio::test]
async fn only_answers_that_surely_did_not_post_are_retried() {
    let (slack, _s, slack_url) = start_slack(6).await;
    let (teams, _t, teams_url) = start_teams(7).await;
    for faults in [slack.faults(), teams.faults()] {
        faults.set(FaultKnobs {
            throttle: 0.25,
            retry_after: Duration::ZERO,
            server_error: 0.25,
            ..FaultKnobs::none()
        });
    }
    let destinations = [
        slack_destination("slack", &slack_url),
        teams_destination("teams", &teams_url),
    ];
    let mut unclear = [0usize; 2];
    for _ in 0..30 {
        let results = post_all(&destinations, &rich(), &model_paragraph()).await;
        for (i, (name, result)) in results.into_iter().enumerate() {
            if let Err(e) = result {
                assert!(matches!(e.status(), Some(500 | 502)), "{name}: {e}");
                assert!(e.may_have_posted(), "{name}: {e}");
                unclear[i] += 1;
            }
        }
    }
    let slack_statuses: Vec<u16> = slack.answers().iter().map(|a| a.status).collect();
    let teams_statuses: Vec<u16> = teams.answers().iter().map(|a| a.status).collect();
    for (i, statuses) in [slack_statuses, teams_statuses].iter().enumerate() {
        assert!(statuses.contains(&429), "{statuses:?}");
        assert!(statuses.contains(&503), "{statuses:?}");
        let ended = statuses.iter().filter(|s| matches!(s, 500 | 502)).count();
        assert_eq!(
            ended, unclear[i],
            "each 500/502 ends its post: {statuses:?}"
        );
        assert!(ended > 0, "{statuses:?}");
    }
    assert_eq!(slack.posted().len(), 30 - unclear[0]);
    assert_eq!(teams.posted().len(), 30 - unclear[1]);
}

#[tokio::test]
async fn an_outage_of_one_destination_does_not_stop_the_other() {
    let (_slack, slack_server, slack_url) = start_slack(8).await;
    slack_server.stop().await;
    let (teams, _t, teams_url) = start_teams(9).await;
    let destinations = [
        slack_destination("down", &slack_url),
        teams_destination("up", &teams_url),
        slack_destination("misconfigured", "not a url"),
    ];
    let results = post_all(&destinations, &rich(), &model_paragraph()).await;
    let down = results[0].1.as_ref().expect_err("server is gone");
    assert!(matches!(down, NotifyError::Http { .. }), "{down:?}");
    assert!(down.is_retryable());
    assert!(!down.to_string().contains(&slack_url), "{down}");
    assert!(results[1].1.is_ok(), "{:?}", results[1].1);
    assert_eq!(teams.posted().len(), 1);
    let bad = results[2].1.as_ref().expect_err("bad url");
    assert!(matches!(bad, NotifyError::Config { .. }) && !bad.is_retryable());
    assert!(!bad.to_string().contains("not a url"), "{bad}");
}

#[test]
fn destinations_deserialize_by_kind_and_hide_the_url() {
    let slack: Destination = serde_json::from_value(json!({
        "kind": "slack", "name": "ops", "webhook_url": "${OPS_HOOK}"
    }))
    .expect("slack destination");
    assert_eq!(slack.name(), "ops");
    assert_eq!(slack.http(), &crate::http_client::HttpPolicy::default());
    let teams: Destination = serde_json::from_value(json!({
        "kind": "teams", "name": "eng", "webhook_url": "file:/run/secrets/teams",
        "http": { "max_attempts": 2 }
    }))
    .expect("teams destination");
    assert_eq!(teams.http().max_attempts, 2);
    for bad in [
        json!({ "kind": "discord", "name": "x", "webhook_url": "${X}" }),
        json!({ "kind": "slack", "name": "x" }),
        json!({ "kind": "slack", "name": "x", "webhook_url": "${X}", "channel": "#ops" }),
    ] {
        assert!(
            serde_json::from_value::<Destination>(bad.clone()).is_err(),
            "{bad}"
        );
    }
    let mut slack = slack;
    let hook = "https://hooks.slack.com/services/T1/B2/SECRETTOKEN";
    slack
        .resolve_webhook_url(&|k| (k == "OPS_HOOK").then(|| hook.to_owned()), false)
        .expect("resolves");
    assert_eq!(slack.webhook_url().expose(), hook);
    assert!(!format!("{slack:?}").contains("SECRETTOKEN"));
    let notifier = Notifier::from_destination(&slack).expect("notifier");
    assert!(!format!("{notifier:?}").contains("SECRETTOKEN"));
    let mut missing: Destination = serde_json::from_value(json!({
        "kind": "teams", "name": "eng", "webhook_url": "${NOPE}"
    }))
    .expect("parses");
    let err = missing
        .resolve_webhook_url(&|_| None, false)
        .expect_err("unset");
    assert!(err.contains("eng") && err.contains("NOPE"), "{err}");
}

#[test]
fn a_bad_policy_or_name_is_a_config_error() {
    let mut policy = fast_policy();
    policy.max_attempts = 0;
    let destination = Destination::Slack {
        name: "ops".into(),
        webhook_url: crate::secret::Secret::from_value("https://hooks.slack.com/services/x"),
        http: policy,
    };
    let err = Notifier::from_destination(&destination).expect_err("zero attempts");
    assert!(err.to_string().contains("max_attempts"), "{err}");
    let unnamed = slack_destination(" ", "https://hooks.slack.com/services/x");
    assert!(Notifier::from_destination(&unnamed).is_err());
    let ftp = slack_destination("ops", "ftp://hooks.slack.com/services/x");
    assert!(Notifier::from_destination(&ftp).is_err());
}
