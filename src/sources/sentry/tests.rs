//! Event conversion against the contract's own example event and hand-made odd ones.

use chrono::{TimeZone, Utc};
use serde_json::{Value, json};

use super::convert::{EventContext, convert_event};
use super::wire::hourly_series;
use super::*;
use crate::domain::event::{LogLevel, Source, UserHash};

fn contract_example_event() -> Value {
    let spec = triaged_sandbox::contracts::json(triaged_sandbox::contracts::Subset::Sentry);
    spec.pointer(
        "/paths/~1api~10~1organizations~1{organization_id_or_slug}~1issues~1{issue_id}~1events~1{event_id}~1/get/responses/200/content/application~1json/examples/ReturnAnIssueEvent/value",
    )
    .cloned()
    .expect("example event")
}

fn salt() -> UserSalt {
    UserSalt::new(b"0123456789abcdef0123".to_vec()).expect("salt")
}

fn convert(raw: Value) -> Result<convert::Converted, String> {
    let salt = salt();
    let ctx = EventContext {
        project: "pump-station",
        issue_id: "1341191803",
        issue_level: Some("warning"),
        issue_title: "Issue title",
        fallback_time: Utc
            .with_ymd_and_hms(2026, 1, 2, 3, 4, 5)
            .single()
            .expect("t"),
        permalink: Some("https://acme.sentry.io/issues/1341191803/"),
        service: "pumps",
        salt: &salt,
    };
    convert_event(&ctx, raw)
}

#[test]
fn converts_the_contract_example_event() {
    let converted = convert(contract_example_event()).expect("usable");
    assert_eq!(converted.degraded, None);
    let event = converted.event;
    assert_eq!(event.exception_type.as_deref(), Some("ForbiddenError"));
    assert_eq!(
        event.message,
        "GET /organizations/hellboy-meowmeow/users/ 403"
    );
    assert_eq!(event.handled, Some(true));
    assert_eq!(event.environment.as_str(), "prod");
    assert_eq!(event.level, LogLevel::Error, "the event's level tag wins");
    assert_eq!(event.service.as_str(), "pumps");
    assert_eq!(
        event.release.as_deref(),
        Some("b65bc521378269d3eaefdc964f8ef56621414943")
    );
    assert_eq!(
        event.user,
        UserHash::from_raw(&salt(), "550747"),
        "the user id, hashed"
    );
    assert_eq!(
        event.endpoint.map(|e| e.to_string()).as_deref(),
        Some("ANY /organizations/hellboy-meowmeow/issues")
    );
    assert_eq!(
        event.source,
        Source::Sentry {
            project: "pump-station".into(),
            issue_id: "1341191803".into(),
            event_id: "9999aaaaca8b46d797c23c6077c6ff01".into(),
        }
    );
    assert_eq!(
        event.timestamp.to_rfc3339(),
        "2020-06-17T22:26:56.098086+00:00"
    );
    // Sentry lists the raising frame last; the domain wants it first.
    let functions: Vec<&str> = event.frames.iter().map(|f| f.function.as_str()).collect();
    assert_eq!(functions, ["apply", "ignoreOnError"]);
    assert_eq!(
        event.frames[0].file,
        "webpack:////usr/src/getsentry/src/sentry/node_modules/reflux-core/lib/PublisherMethods.js",
        "absPath is preferred to filename"
    );
    assert_eq!(event.frames[0].line, Some(74));
    assert!(!event.frames[0].in_app);
    assert_eq!(
        event.link.as_deref(),
        Some("https://acme.sentry.io/issues/1341191803/")
    );
}

fn minimal_event(entries: Value) -> Value {
    json!({ "eventID": "ab12", "entries": entries, "tags": [{"key": "transaction", "value": "POST /carts/{id}/items"}] })
}

#[test]
fn an_exception_without_frames_is_kept_and_marked_degraded() {
    let converted = convert(minimal_event(json!([{
        "type": "exception",
        "data": { "values": [{ "type": "TimeoutError", "value": "upstream timed out", "stacktrace": null }] }
    }])))
    .expect("usable");
    assert_eq!(converted.degraded.as_deref(), Some("no stack frames"));
    let event = converted.event;
    assert!(event.frames.is_empty());
    assert_eq!(event.exception_type.as_deref(), Some("TimeoutError"));
    assert_eq!(
        event.level,
        LogLevel::Warning,
        "the issue's level when no tag"
    );
    assert_eq!(event.environment.as_str(), "production");
    assert_eq!(
        event.endpoint.map(|e| e.to_string()).as_deref(),
        Some("POST /carts/:id/items")
    );
    assert_eq!(event.timestamp.to_rfc3339(), "2026-01-02T03:04:05+00:00");
}

#[test]
fn filename_is_used_without_abs_path_and_odd_values_do_not_fail() {
    let converted = convert(minimal_event(json!([
        { "type": "exception", "data": { "values": [
            { "type": "Inner", "value": "cause", "stacktrace": { "frames": [{ "filename": "a.py", "function": "x" }] } },
            { "type": "Outer", "value": "boom", "mechanism": { "handled": false },
              "stacktrace": { "frames": [
                { "filename": "app/main.py", "absPath": "", "function": "main", "lineNo": 3, "inApp": true },
                { "filename": "app/cart.py", "absPath": null, "function": "add", "lineNo": -1, "inApp": null },
              ] } }
        ] } },
        { "type": "request", "data": "not an object" },
        { "type": "breadcrumbs", "data": { "values": [] } },
        "not even an object"
    ])))
    .expect("usable");
    let event = converted.event;
    assert_eq!(
        event.exception_type.as_deref(),
        Some("Outer"),
        "the last exception is the event's"
    );
    assert_eq!(event.handled, Some(false));
    assert_eq!(event.frames[0].file, "app/cart.py");
    assert_eq!(event.frames[0].line, None, "a negative line is no line");
    assert!(!event.frames[0].in_app);
    assert_eq!(event.frames[1].file, "app/main.py");
    assert!(event.frames[1].in_app);
    assert!(
        converted
            .degraded
            .is_some_and(|d| d.contains("request entry unreadable"))
    );
}

#[test]
fn a_message_event_and_a_useless_one() {
    let converted = convert(minimal_event(json!([
        { "type": "message", "data": { "formatted": "disk almost full" } }
    ])))
    .expect("usable");
    assert_eq!(converted.event.message, "disk almost full");
    assert_eq!(converted.event.exception_type, None);

    assert!(convert(json!({ "entries": [] })).is_err(), "no eventID");
    assert!(convert(json!([1, 2])).is_err());
    let no_data = convert(json!({ "eventID": "e1", "title": "", "message": "" }));
    assert!(no_data.is_ok(), "falls back to the issue title");
}

#[test]
fn user_falls_back_to_other_identifiers_and_numbers() {
    let mut raw = minimal_event(json!([]));
    raw["user"] = json!({ "id": null, "email": "a@b.c" });
    let event = convert(raw.clone()).expect("usable").event;
    assert_eq!(event.user, UserHash::from_raw(&salt(), "a@b.c"));
    raw["user"] = json!({ "id": 42 });
    let event = convert(raw).expect("usable").event;
    assert_eq!(event.user, UserHash::from_raw(&salt(), "42"));
}

#[test]
fn stats_buckets_are_read_leniently() {
    let stats = json!([
        [1_700_000_000, 3],
        [1_700_003_600, 0.0],
        ["x", 1],
        [1_700_007_200],
        [1_700_010_800, -4],
        7
    ]);
    let (series, bad) = hourly_series(Some(&stats));
    assert_eq!(series.len(), 2);
    assert_eq!(series[0].1, 3);
    assert_eq!(bad, 4);
    assert_eq!(hourly_series(Some(&json!({"no": "array"}))), (vec![], 0));
}

#[test]
fn config_validation_reports_every_problem() {
    let config = SentryConfig {
        base_url: "ftp://x".into(),
        org: "bad org".into(),
        projects: vec!["ok".into(), "../etc".into()],
        lookback: std::time::Duration::from_secs(60),
        max_issues_per_run: 0,
        ..SentryConfig::default()
    };
    let problems = config.validate().expect_err("invalid");
    assert_eq!(problems.lines().count(), 5, "{problems}");
    let good = SentryConfig {
        org: "acme".into(),
        ..SentryConfig::default()
    };
    assert!(SentrySource::new(&good, "", salt()).is_err(), "empty token");
    let source = SentrySource::new(&good, "sntrys_abc", salt()).expect("valid");
    assert!(!format!("{source:?}").contains("sntrys_abc"));
    let with_token = SentryConfig {
        token: Some(crate::secret::Secret::from_value("sntrys_abc")),
        ..good
    };
    assert!(!format!("{with_token:?}").contains("sntrys_abc"));
}
