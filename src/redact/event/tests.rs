use chrono::{TimeZone, Utc};

use super::*;
use crate::domain::event::{Environment, LogLevel};
use crate::redact::testing::{look_alikes, planted};

fn clean_event() -> ErrorEvent {
    ErrorEvent {
        source: Source::CloudWatch {
            log_group: "/ecs/checkout".into(),
            log_stream: "web/7".into(),
            event_id: "381".into(),
        },
        timestamp: Utc.with_ymd_and_hms(2026, 11, 20, 8, 15, 0).unwrap(),
        service: Service::new("checkout").unwrap(),
        environment: Environment::new("production").unwrap(),
        release: Some("1.4.2".into()),
        level: LogLevel::Error,
        handled: Some(false),
        exception_type: Some("TypeError".into()),
        message: "cart total failed".into(),
        frames: vec![StackFrame {
            module: "app.cart".into(),
            file: "/srv/app/cart.py".into(),
            function: "total".into(),
            line: Some(12),
            in_app: true,
        }],
        endpoint: Some(Endpoint::new("POST", "/carts/:id").unwrap()),
        user: None,
        request_id: Some("req-1".into()),
        link: Some("https://sentry.example/issues/1".into()),
    }
}

/// Every field a source fills from production, each given `text` in turn.
fn with_text_in_each_field(text: &str) -> Vec<(&'static str, Observed)> {
    let put = |field: &'static str, change: &dyn Fn(&mut ErrorEvent)| {
        let mut event = clean_event();
        change(&mut event);
        (field, Observed::one(event, None))
    };
    let short = text.lines().next().unwrap_or(text).chars().take(190);
    let short: String = short.collect();
    let mut placed = vec![
        put("message", &|e| e.message = text.to_owned()),
        put("exception_type", &|e| e.exception_type = Some(text.into())),
        put("release", &|e| e.release = Some(text.into())),
        put("frame module", &|e| e.frames[0].module = text.into()),
        put("frame file", &|e| e.frames[0].file = text.into()),
        put("frame function", &|e| e.frames[0].function = text.into()),
        put("request_id", &|e| e.request_id = Some(text.into())),
        put("link", &|e| {
            e.link = Some(format!("https://x.example/?q={text}"))
        }),
        put("log stream", &|e| {
            e.source = Source::CloudWatch {
                log_group: "/ecs/checkout".into(),
                log_stream: text.into(),
                event_id: "1".into(),
            }
        }),
    ];
    if let Ok(service) = Service::new(&short) {
        placed.push(put("service", &|e| e.service = service.clone()));
    }
    // After a space: in a path, `/token: x` is a path segment, not a credential.
    if let Ok(endpoint) = Endpoint::new("GET", &format!("/v1/login {short}")) {
        placed.push(put("endpoint", &|e| e.endpoint = Some(endpoint.clone())));
    }
    let mut on_host = Observed::one(clean_event(), Some(text.to_owned()));
    on_host.reported_users = Some(3);
    placed.push(("host", on_host));
    placed
}

#[test]
fn a_secret_in_any_field_of_an_event_is_redacted() {
    let redactor = Redactor::default();
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in planted() {
        for (field, observed) in with_text_in_each_field(&case.line) {
            checked += 1;
            let planted = format!("{observed:?}").contains(&case.secret);
            let redacted = redactor.observed(&observed);
            let dump = format!("{:?}", redacted.as_ref().unwrap_or(&observed));
            if dump.contains(&case.secret) || (planted && redacted.is_none()) {
                failures.push(format!("{} in {field}: {:?}", case.kind, case.line));
            }
        }
    }
    assert!(checked > 1000, "only {checked} placements");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_clean_event_is_left_alone_and_what_is_not_secret_survives() {
    let redactor = Redactor::default();
    let observed = Observed::one(clean_event(), Some("web/7".into()));
    assert_eq!(
        redactor.observed(&observed),
        None,
        "nothing to redact, no copy"
    );
    for look_alike in look_alikes() {
        for (field, observed) in with_text_in_each_field(&look_alike) {
            assert_eq!(
                redactor.observed(&observed),
                None,
                "{field}: {look_alike:?}"
            );
        }
    }
}

#[test]
fn what_is_not_production_text_is_kept_as_it_was() {
    let redactor = Redactor::default();
    let key = ["AKIA", "IOSFODNN7EXAMPLE"].concat();
    let mut observed = Observed::one(clean_event(), Some(format!("host {key}")));
    observed.event.message = format!("auth failed for {key}");
    observed.counts = vec![(observed.event.timestamp, 4)];
    observed.reported_users = Some(2);
    let redacted = redactor.observed(&observed).expect("a secret was in it");
    assert_eq!(redacted.counts, observed.counts);
    assert_eq!(redacted.reported_users, Some(2));
    assert_eq!(redacted.event.timestamp, observed.event.timestamp);
    assert_eq!(redacted.event.frames, observed.event.frames);
    assert_eq!(redacted.event.endpoint, observed.event.endpoint);
    assert_eq!(redacted.event.handled, Some(false));
    assert_eq!(
        redacted.event.message,
        "auth failed for [REDACTED:aws_access_key]"
    );
    assert_eq!(
        redacted.host.as_deref(),
        Some("host [REDACTED:aws_access_key]")
    );
}

#[test]
fn a_service_or_route_that_redacts_to_an_invalid_name_is_replaced_not_kept() {
    let redactor = Redactor::default();
    let jwt = [
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
        ".eyJzdWIiOiIxMjM0NTY3ODkwIn0",
        ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    ]
    .concat();
    let mut event = clean_event();
    event.service = Service::new(&jwt).unwrap();
    event.endpoint = Some(Endpoint::new("GET", &format!("/t/{jwt}")).unwrap());
    let redacted = redactor.event(&event).unwrap();
    assert!(
        !redacted.service.as_str().contains("SflKxwRJ"),
        "{}",
        redacted.service
    );
    let route = redacted.endpoint.map(|e| e.route).unwrap_or_default();
    assert!(!route.contains("SflKxwRJ"), "{route}");
}
