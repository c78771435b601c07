//! HTTP handlers of the Sentry emulator, one per contract operation; each runs inside
//! `serve` (auth, rate limits, faults, request log).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;

use super::serve::{Answer, serve};
use super::{LatestEvent, SentrySandbox, event_json, list, render};

pub(super) async fn list_issues(
    State(sandbox): State<Arc<SentrySandbox>>,
    Path(org): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    serve(&sandbox, method, uri, headers, query, None, |s, req| {
        if org != s.org {
            return Answer::not_found();
        }
        list::list_issues(s, req)
    })
    .await
}

pub(super) async fn get_issue(
    State(sandbox): State<Arc<SentrySandbox>>,
    Path((org, issue_id)): Path<(String, String)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    serve(&sandbox, method, uri, headers, query, None, |s, _| {
        let now = s.now();
        let inner = s.lock();
        match inner.issues.iter().find(|i| i.id_str == issue_id) {
            Some(issue) if org == s.org => {
                Answer::json(StatusCode::OK, &render::issue_detail(&s.org, issue, now))
            }
            _ => Answer::not_found(),
        }
    })
    .await
}

pub(super) async fn update_issue(
    State(sandbox): State<Arc<SentrySandbox>>,
    Path((org, issue_id)): Path<(String, String)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let raw = body.clone();
    serve(&sandbox, method, uri, headers, query, Some(body), |s, _| {
        if org != s.org {
            return Answer::not_found();
        }
        list::update_issue(s, &issue_id, &raw)
    })
    .await
}

pub(super) async fn get_issue_event(
    State(sandbox): State<Arc<SentrySandbox>>,
    Path((org, issue_id, event_id)): Path<(String, String, String)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    serve(&sandbox, method, uri, headers, query, None, |s, _| {
        let inner = s.lock();
        let issue = match inner.issues.iter().find(|i| i.id_str == issue_id) {
            Some(issue) if org == s.org => issue,
            _ => return Answer::not_found(),
        };
        if !matches!(event_id.as_str(), "latest" | "oldest" | "recommended") {
            return Answer::not_found();
        }
        match &issue.latest {
            None => Answer::detail(StatusCode::NOT_FOUND, "No events found for group"),
            Some((_, _, LatestEvent::RawBody(raw))) => Answer {
                status: StatusCode::OK,
                body: raw.clone().into_bytes(),
                link: None,
            },
            Some((id, at, LatestEvent::Event(event))) => Answer::json(
                StatusCode::OK,
                &event_json::event_json(issue, id, *at, event),
            ),
        }
    })
    .await
}

pub(super) async fn not_found(
    State(sandbox): State<Arc<SentrySandbox>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    serve(&sandbox, method, uri, headers, query, None, |_, _| {
        Answer::not_found()
    })
    .await
}
