//! The sandbox's admin endpoint: what a person would do in the vendors' UIs (merge a pull
//! request, move a ticket, emit log lines, turn faults up or down, hold the world's traffic
//! back), scriptable over HTTP, and the emulators' state to check what triaged did.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};
use triaged_sandbox::cloudwatch::SeedEvent;
use triaged_sandbox::sentry::{EventSeed, ExceptionSeed, FrameSeed, IssueSeed, LatestEvent};

use super::faults::parse_faults;
use crate::demo::vendors::Vendors;
use crate::demo::world;

/// The admin routes over the running emulators.
pub fn router(vendors: Arc<Vendors>) -> Router {
    Router::new()
        .route("/state", get(state))
        .route("/github/merge", post(merge))
        .route("/linear/state", post(move_ticket))
        .route("/cloudwatch/logs", post(put_logs))
        .route("/sentry/issues", post(add_sentry_issue))
        .route("/faults", post(set_faults))
        .route("/traffic", post(set_traffic))
        .route("/received", get(received))
        .with_state(vendors)
}

/// A refused admin request: 400 (or 404) with `{"error": …}`.
struct Refused(StatusCode, String);

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        (self.0, Json(json!({ "error": self.1 }))).into_response()
    }
}

async fn state(State(vendors): State<Arc<Vendors>>) -> Json<Value> {
    let pulls: Vec<Value> = vendors
        .github
        .pulls(world::REPO)
        .into_iter()
        .map(|p| {
            json!({ "number": p.number, "title": p.title, "head": p.head, "draft": p.draft,
                    "open": p.open, "merged": p.merged, "labels": p.labels })
        })
        .collect();
    let issues: Vec<Value> = vendors
        .linear
        .issues()
        .into_iter()
        .map(|i| {
            let attachments: Vec<&str> = i.attachments.iter().map(|a| a.url.as_str()).collect();
            json!({ "identifier": i.identifier, "title": i.title, "state": i.state_name,
                    "labels": i.labels, "comments": i.comments.len(),
                    "attachments": attachments, "created_by_api": i.created_by_api })
        })
        .collect();
    let log_events: serde_json::Map<String, Value> = world::SERVICES
        .iter()
        .map(|(_, group)| {
            (
                group.to_string(),
                json!(vendors.cloudwatch.event_count(group)),
            )
        })
        .collect();
    Json(json!({
        "repo": world::REPO,
        "pulls": pulls,
        "issues": issues,
        "log_events": log_events,
        "traffic_paused": vendors.traffic_paused.load(Ordering::SeqCst),
        "slack_messages": vendors.slack.posted().len(),
        "teams_messages": vendors.teams.posted().len(),
        "faults_injected": {
            "cloudwatch": vendors.cloudwatch.faults().injected(),
            "sentry": vendors.sentry.faults().injected(),
            "linear": vendors.linear.faults().injected(),
            "anthropic": vendors.model.faults().injected(),
            "github": vendors.github.faults().injected(),
            "slack": vendors.slack.faults().injected(),
            "teams": vendors.teams.faults().injected(),
        },
        "faults_by_kind": {
            "cloudwatch": vendors.cloudwatch.faults().injected_by_kind(),
            "sentry": vendors.sentry.faults().injected_by_kind(),
            "linear": vendors.linear.faults().injected_by_kind(),
            "anthropic": vendors.model.faults().injected_by_kind(),
            "github": vendors.github.faults().injected_by_kind(),
            "slack": vendors.slack.faults().injected_by_kind(),
            "teams": vendors.teams.faults().injected_by_kind(),
        },
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MergeRequest {
    /// The pull request; without it, the open pull request triaged drafted.
    number: Option<u64>,
}

async fn merge(
    State(vendors): State<Arc<Vendors>>,
    Json(request): Json<MergeRequest>,
) -> Result<Json<Value>, Refused> {
    let number = match request.number {
        Some(number) => number,
        None => vendors
            .github
            .pulls(world::REPO)
            .into_iter()
            .find(|p| p.open && p.head.starts_with("triaged/"))
            .map(|p| p.number)
            .ok_or_else(|| Refused(StatusCode::NOT_FOUND, "no open triaged pull request".into()))?,
    };
    let sha = vendors
        .github
        .merge(world::REPO, number)
        .map_err(|e| Refused(StatusCode::BAD_REQUEST, format!("merging #{number}: {e}")))?;
    Ok(Json(json!({ "number": number, "merge_commit_sha": sha })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StateChange {
    identifier: String,
    state: String,
}

async fn move_ticket(
    State(vendors): State<Arc<Vendors>>,
    Json(change): Json<StateChange>,
) -> Result<Json<Value>, Refused> {
    vendors.linear.set_now(chrono::Utc::now());
    vendors
        .linear
        .set_state(&change.identifier, &change.state)
        .map_err(|e| {
            Refused(
                StatusCode::BAD_REQUEST,
                format!("{}: {e}", change.identifier),
            )
        })?;
    Ok(Json(
        json!({ "identifier": change.identifier, "state": change.state }),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LogLines {
    group: String,
    #[serde(default = "manual_stream")]
    stream: String,
    messages: Vec<String>,
}

fn manual_stream() -> String {
    "manual".to_owned()
}

async fn put_logs(
    State(vendors): State<Arc<Vendors>>,
    Json(lines): Json<LogLines>,
) -> Result<Json<Value>, Refused> {
    if !world::SERVICES
        .iter()
        .any(|(_, group)| *group == lines.group)
    {
        let groups: Vec<&str> = world::SERVICES.iter().map(|(_, g)| *g).collect();
        return Err(Refused(
            StatusCode::BAD_REQUEST,
            format!(
                "no log group {} (one of {})",
                lines.group,
                groups.join(", ")
            ),
        ));
    }
    let now = chrono::Utc::now().timestamp_millis();
    let count = lines.messages.len();
    let events: Vec<SeedEvent> = lines
        .messages
        .into_iter()
        .map(|message| SeedEvent::new(now, message))
        .collect();
    vendors
        .cloudwatch
        .put_events(&lines.group, &lines.stream, events);
    Ok(Json(
        json!({ "group": lines.group, "stream": lines.stream, "accepted": count }),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultSpec {
    spec: String,
}

async fn set_faults(
    State(vendors): State<Arc<Vendors>>,
    Json(request): Json<FaultSpec>,
) -> Result<Json<Value>, Refused> {
    let knobs = parse_faults(&request.spec)
        .map_err(|e| Refused(StatusCode::BAD_REQUEST, format!("faults: {e}")))?;
    vendors.set_faults(&knobs);
    Ok(Json(json!({ "faults": request.spec })))
}

/// A new Sentry issue with `count` events now, its latest event as given.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SentryIssueRequest {
    project: String,
    title: String,
    #[serde(default = "one")]
    count: u64,
    message: Option<String>,
    exception: Option<SentryException>,
    release: Option<String>,
    transaction: Option<String>,
    url: Option<String>,
    #[serde(default)]
    tags: Vec<(String, String)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SentryException {
    #[serde(rename = "type")]
    exception_type: String,
    value: String,
    /// `(filename, function)`, outermost first.
    #[serde(default)]
    frames: Vec<(String, String)>,
}

fn one() -> u64 {
    1
}

async fn add_sentry_issue(
    State(vendors): State<Arc<Vendors>>,
    Json(request): Json<SentryIssueRequest>,
) -> Json<Value> {
    let now = chrono::Utc::now();
    vendors.sentry.set_now(now);
    let issue_id = vendors
        .sentry
        .add_issue(IssueSeed::new(&request.project, &request.title));
    let exceptions = request.exception.into_iter().map(|e| ExceptionSeed {
        exception_type: e.exception_type,
        value: e.value,
        handled: Some(false),
        frames: e
            .frames
            .into_iter()
            .map(|(filename, function)| FrameSeed {
                filename,
                function,
                in_app: true,
                ..FrameSeed::default()
            })
            .collect(),
        ..ExceptionSeed::default()
    });
    let event = EventSeed {
        exceptions: exceptions.collect(),
        message: request.message,
        tags: request.tags,
        request: request.url.map(|url| ("POST".to_owned(), url)),
        release: request.release,
        transaction: request.transaction,
        ..EventSeed::default()
    };
    let latest = LatestEvent::Event(Box::new(event));
    vendors
        .sentry
        .record_events(&issue_id, now, request.count, Some(latest));
    Json(json!({ "issue_id": issue_id }))
}

/// Everything triaged sent the vendors that a person or a model would read: ticket titles,
/// descriptions, comments and attachments as Linear holds them, every GitHub request
/// body, every model request, every chat post. For checking that nothing secret left.
async fn received(State(vendors): State<Arc<Vendors>>) -> Json<Value> {
    let linear: Vec<Value> = vendors
        .linear
        .issues()
        .into_iter()
        .map(|i| {
            let attachments: Vec<Value> = i
                .attachments
                .iter()
                .map(|a| json!({ "url": a.url, "title": a.title, "subtitle": a.subtitle }))
                .collect();
            json!({ "title": i.title, "description": i.description, "labels": i.labels,
                    "comments": i.comments, "attachments": attachments })
        })
        .collect();
    let github: Vec<Option<String>> = vendors
        .github
        .requests()
        .into_iter()
        .map(|r| r.body)
        .collect();
    Json(json!({
        "linear": linear,
        "github": github,
        "anthropic": vendors.model.requests(),
        "slack": vendors.slack.posted(),
        "teams": vendors.teams.posted(),
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TrafficSwitch {
    paused: bool,
}

/// Holds the world's new traffic back (`{"paused": true}`) or lets it flow again; what
/// was held back is delivered then.
async fn set_traffic(
    State(vendors): State<Arc<Vendors>>,
    Json(switch): Json<TrafficSwitch>,
) -> Json<Value> {
    vendors
        .traffic_paused
        .store(switch.paused, Ordering::SeqCst);
    Json(json!({ "paused": switch.paused }))
}
