//! An issue's event in the shape of the Sentry contract: exception, message and request
//! entries, frames with the web API's camelCase keys (`absPath`, `lineNo`, `inApp`).

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::render::ts;
use super::state::{EventSeed, ExceptionSeed, FrameSeed, IssueRecord};

fn frame_json(frame: &FrameSeed) -> Value {
    json!({
        "filename": frame.filename,
        "absPath": frame.abs_path,
        "function": frame.function,
        "module": frame.module,
        "lineNo": frame.line,
        "colNo": frame.column,
        "inApp": frame.in_app,
        "context": [],
        "vars": null,
        "package": null,
        "platform": null,
        "instructionAddr": null,
        "symbolAddr": null,
        "symbol": null,
        "trust": null,
        "errors": null,
        "rawFunction": null,
    })
}

fn exception_json(exception: &ExceptionSeed) -> Value {
    let stacktrace = if exception.frames.is_empty() {
        Value::Null
    } else {
        json!({
            "frames": exception.frames.iter().map(frame_json).collect::<Vec<_>>(),
            "framesOmitted": null,
            "registers": null,
            "hasSystemFrames": exception.frames.iter().any(|f| !f.in_app),
        })
    };
    json!({
        "type": exception.exception_type,
        "value": exception.value,
        "module": exception.module,
        "mechanism": { "type": "generic", "handled": exception.handled },
        "stacktrace": stacktrace,
        "rawStacktrace": null,
        "threadId": null,
    })
}

fn entries(event: &EventSeed) -> Vec<Value> {
    let mut entries = Vec::new();
    if !event.exceptions.is_empty() {
        let values: Vec<Value> = event.exceptions.iter().map(exception_json).collect();
        entries.push(json!({
            "type": "exception",
            "data": { "values": values, "excOmitted": null, "hasSystemFrames": false },
        }));
    }
    if let Some(message) = &event.message {
        entries.push(json!({
            "type": "message",
            "data": { "formatted": message, "message": null, "params": null },
        }));
    }
    if let Some((method, url)) = &event.request {
        let (path_url, query) = url.split_once('?').unwrap_or((url.as_str(), ""));
        let query: Vec<Value> = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                json!([k, v])
            })
            .collect();
        entries.push(json!({
            "type": "request",
            "data": {
                "url": path_url, "method": method, "query": query, "fragment": null,
                "cookies": [], "headers": [["User-Agent", "sandbox"]], "env": null,
                "data": null, "inferredContentType": null,
            },
        }));
    }
    entries
}

/// An event as `GET …/issues/{id}/events/latest/` returns it.
pub(super) fn event_json(
    issue: &IssueRecord,
    event_id: &str,
    at: DateTime<Utc>,
    event: &EventSeed,
) -> Value {
    let environment = event
        .environment
        .clone()
        .unwrap_or_else(|| issue.seed.environment.clone());
    let mut tags = vec![
        ("environment".to_owned(), environment),
        ("level".to_owned(), issue.seed.level.clone()),
    ];
    if let Some(release) = &event.release {
        tags.push(("release".to_owned(), release.clone()));
    }
    if let Some(transaction) = &event.transaction {
        tags.push(("transaction".to_owned(), transaction.clone()));
    }
    if let Some(handled) = event.exceptions.last().and_then(|e| e.handled) {
        tags.push((
            "handled".to_owned(),
            if handled { "yes" } else { "no" }.to_owned(),
        ));
    }
    tags.extend(event.tags.iter().cloned());
    let tags: Vec<Value> = tags
        .into_iter()
        .map(|(key, value)| json!({ "key": key, "value": value }))
        .collect();
    let user = event.user_id.as_ref().map_or(Value::Null, |id| {
        json!({ "id": id, "email": null, "username": null, "ip_address": null,
                "name": null, "geo": null, "data": null })
    });
    let release = event.release.as_ref().map_or(Value::Null, |version| {
        json!({ "id": 1, "version": version, "ref": null, "url": null, "commitCount": 0,
                "deployCount": 0, "data": {}, "dateCreated": ts(at), "dateReleased": null,
                "lastCommit": null, "lastDeploy": null, "userAgent": null, "versionInfo": null })
    });
    let last = event.exceptions.last();
    let location = last.and_then(|e| e.frames.last()).map_or(Value::Null, |f| {
        json!(format!("{}:{}", f.filename, f.line.unwrap_or(0)))
    });
    json!({
        "id": event_id,
        "eventID": event_id,
        "groupID": issue.id_str,
        "projectID": issue.project_id.to_string(),
        "message": event.message.clone().unwrap_or_default(),
        "title": issue.seed.title,
        "location": location,
        "culprit": issue.seed.culprit,
        "user": user,
        "tags": tags,
        "platform": issue.seed.platform,
        "dateReceived": ts(at),
        "dateCreated": ts(at),
        "contexts": {},
        "context": {},
        "size": 2048,
        "entries": entries(event),
        "dist": null,
        "sdk": { "name": "sentry.python", "version": "2.20.0" },
        "packages": {},
        "type": "error",
        "metadata": {
            "type": last.map(|e| e.exception_type.clone()),
            "value": last.map(|e| e.value.clone()),
        },
        "errors": [],
        "occurrence": null,
        "_meta": {},
        "crashFile": null,
        "fingerprints": [format!("{:032x}", issue.id)],
        "groupingConfig": { "id": "newstyle:2023-01-11", "enhancements": "sandbox" },
        "release": release,
        "userReport": null,
        "sdkUpdates": [],
        "resolvedWith": [],
        "nextEventID": null,
        "previousEventID": null,
    })
}
