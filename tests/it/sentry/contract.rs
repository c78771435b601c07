//! The Sentry client and emulator held to Sentry's published OpenAPI description: every
//! request the client sent (path, query, body) and every body the emulator answered
//! with are validated against the contract's schemas.

use super::*;
use crate::oas30::Contract;
use chrono::Duration;
use serde_json::{Value, json};
use triaged::sources::sentry::{IssueStatus, SentryConfig, SentryCursor, SentrySource};
use triaged_sandbox::sentry::{EventSeed, ExceptionSeed, IssueSeed, LatestEvent};

fn sentry_contract() -> Contract {
    Contract::of(triaged_sandbox::contracts::Subset::Sentry)
}

/// Drives the client through every call it makes: two pages of issues, latest events
/// of several shapes, a second run, a status update.
async fn traffic() -> Rig {
    let rig = rig(21).await;
    rig.sandbox.keep_response_bodies(true);
    let ids = seed_issues(&rig.sandbox, 120, t0() - Duration::hours(2), 2);
    let bare = rig
        .sandbox
        .add_issue(IssueSeed::new("payments", "TimeoutError"));
    let bare_event = EventSeed {
        exceptions: vec![ExceptionSeed {
            exception_type: "TimeoutError".into(),
            value: "upstream".into(),
            ..ExceptionSeed::default()
        }],
        environment: Some("staging".into()),
        ..EventSeed::default()
    };
    rig.sandbox.record_events(
        &bare,
        t0(),
        1,
        Some(LatestEvent::Event(Box::new(bare_event))),
    );
    let logged = rig
        .sandbox
        .add_issue(IssueSeed::new("payments", "disk full"));
    let log_event = EventSeed {
        message: Some("disk full on /var".into()),
        ..EventSeed::default()
    };
    rig.sandbox.record_events(
        &logged,
        t0(),
        1,
        Some(LatestEvent::Event(Box::new(log_event))),
    );
    let source = SentrySource::new(
        &SentryConfig {
            projects: vec!["shop".into(), "payments".into()],
            environment: Some("production".into()),
            ..config(&rig)
        },
        TOKEN,
        salt(),
    )
    .expect("source");
    let batch = source
        .pull(&SentryCursor::default(), t0())
        .await
        .expect("run 1");
    let later = t0() + Duration::minutes(30);
    rig.sandbox.set_now(later);
    rig.sandbox
        .record_events(&ids[0], later, 1, Some(key_error("u9")));
    source.pull(&batch.cursor, later).await.expect("run 2");
    source
        .set_issue_status(&ids[1], IssueStatus::Resolved)
        .await
        .expect("resolve");
    rig
}

crate::trial!(
    current_thread,
    client_requests_and_emulator_responses_follow_the_contract
);
async fn client_requests_and_emulator_responses_follow_the_contract() {
    let contract = sentry_contract();
    let rig = traffic().await;
    let requests = rig.sandbox.requests();
    assert!(requests.len() > 120, "{} requests", requests.len());
    let mut operations = std::collections::BTreeSet::new();
    for request in &requests {
        let template = contract
            .template_of(&request.method, &request.path)
            .unwrap_or_else(|| {
                panic!("{} {} is not in the contract", request.method, request.path)
            });
        operations.insert(format!("{} {template}", request.method));
        let problems =
            contract.check_parameters(&template, &request.method, &request.path, &request.query);
        assert!(
            problems.is_empty(),
            "{} {}: {problems:#?}",
            request.method,
            request.path
        );
        if let Some(body) = &request.body {
            let body: Value = serde_json::from_str(body).expect("request body is JSON");
            let problems = contract.check_request_body(&template, &request.method, &body);
            assert!(problems.is_empty(), "request body {body}: {problems:#?}");
        }
        assert_eq!(request.status, 200, "{} {}", request.method, request.path);
        let response = request.response_body.as_deref().expect("kept");
        let response: Value = serde_json::from_str(response).expect("response is JSON");
        let problems = contract.check_response(&template, &request.method, 200, &response);
        assert!(
            problems.is_empty(),
            "{} {} response: {problems:#?}",
            request.method,
            request.path
        );
    }
    assert_eq!(
        operations.into_iter().collect::<Vec<_>>(),
        [
            "GET /api/0/organizations/{organization_id_or_slug}/issues/",
            "GET /api/0/organizations/{organization_id_or_slug}/issues/{issue_id}/events/{event_id}/",
            "PUT /api/0/organizations/{organization_id_or_slug}/issues/{issue_id}/",
        ]
    );
}

crate::trial!(
    current_thread,
    the_single_issue_endpoint_follows_the_contract
);
async fn the_single_issue_endpoint_follows_the_contract() {
    let contract = sentry_contract();
    let rig = rig(22).await;
    let ids = seed_issues(&rig.sandbox, 1, t0(), 4);
    let response: Value = reqwest::Client::new()
        .get(format!(
            "{}/api/0/organizations/{ORG}/issues/{}/",
            rig.server.url(),
            ids[0]
        ))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("response")
        .json()
        .await
        .expect("json");
    let problems = contract.check_response(
        "/api/0/organizations/{organization_id_or_slug}/issues/{issue_id}/",
        "GET",
        200,
        &response,
    );
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(response["count"], "4");
}

crate::trial!(sync, the_checks_catch_contract_breaches);
fn the_checks_catch_contract_breaches() {
    let contract = sentry_contract();
    let list = "/api/0/organizations/{organization_id_or_slug}/issues/";
    let path = "/api/0/organizations/acme/issues/";
    let query = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    };
    assert!(
        contract
            .check_parameters(
                list,
                "GET",
                path,
                &query(&[("limit", "100"), ("project", "7"), ("project", "shop")])
            )
            .is_empty()
    );
    assert!(
        !contract
            .check_parameters(list, "GET", path, &query(&[("limit", "lots")]))
            .is_empty()
    );
    assert!(
        !contract
            .check_parameters(list, "GET", path, &query(&[("sort", "random")]))
            .is_empty()
    );
    assert!(
        !contract
            .check_parameters(list, "GET", path, &query(&[("pageSize", "5")]))
            .is_empty()
    );
    assert!(
        !contract
            .check_parameters(list, "GET", path, &query(&[("cursor", "")]))
            .is_empty()
    );
    let event =
        "/api/0/organizations/{organization_id_or_slug}/issues/{issue_id}/events/{event_id}/";
    assert!(
        !contract
            .check_parameters(
                event,
                "GET",
                "/api/0/organizations/acme/issues/1/events/newest/",
                &[]
            )
            .is_empty()
    );
    let issue = "/api/0/organizations/{organization_id_or_slug}/issues/{issue_id}/";
    assert!(
        contract
            .check_request_body(issue, "PUT", &json!({"status": "resolved"}))
            .is_empty()
    );
    assert!(
        !contract
            .check_request_body(issue, "PUT", &json!({"status": "fixed"}))
            .is_empty()
    );
    assert!(
        !contract
            .check_response(list, "GET", 200, &json!([{"id": "1"}]))
            .is_empty()
    );
    assert!(
        !contract
            .check_response(event, "GET", 200, &json!({"eventID": 5}))
            .is_empty()
    );
}
