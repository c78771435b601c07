//! `into_event`: defaults, validation of what the log says about itself, user hashing,
//! message composition.

use super::*;
use crate::domain::event::{Environment, EventError, Service, Source, UserHash, UserSalt};

struct Config {
    service: Service,
    environment: Environment,
    salt: UserSalt,
}

fn config() -> Config {
    Config {
        service: Service::new("checkout").expect("service"),
        environment: Environment::new("production").expect("environment"),
        salt: UserSalt::new(*b"0123456789abcdef-salt").expect("salt"),
    }
}

fn source() -> Source {
    Source::CloudWatch {
        log_group: "/ecs/checkout".into(),
        log_stream: "web/1".into(),
        event_id: "3690".into(),
    }
}

fn convert(raw: &str, c: &Config) -> Result<crate::domain::event::ErrorEvent, EventError> {
    let defaults = EventDefaults {
        service: &c.service,
        environment: &c.environment,
        salt: &c.salt,
    };
    parse_message(raw).into_event(source(), utc("2024-05-01T13:00:00Z"), &defaults)
}

#[test]
fn defaults_fill_what_the_log_does_not_say() {
    let c = config();
    let e = convert("something broke", &c).expect("event");
    assert_eq!(e.service, c.service);
    assert_eq!(e.environment, c.environment);
    assert_eq!(e.timestamp, utc("2024-05-01T13:00:00Z"));
    assert_eq!(e.level, LogLevel::Error);
    assert_eq!(e.release, None);
    assert_eq!(e.user, None);
    assert_eq!(e.link, None);
    assert_eq!(e.source, source());
}

#[test]
fn the_log_s_own_fields_win_and_the_user_is_hashed() {
    let c = config();
    let raw = r#"{"time":"2024-05-01T12:00:00Z","level":"warn","msg":"slow","service":"payments","env":"staging","release":"2.0.1","user_id":" u-42 ","request_id":"r-1","method":"GET","path":"/a/1"}"#;
    let e = convert(raw, &c).expect("event");
    assert_eq!(e.service.as_str(), "payments");
    assert_eq!(e.environment.as_str(), "staging");
    assert_eq!(e.release.as_deref(), Some("2.0.1"));
    assert_eq!(e.level, LogLevel::Warning);
    assert_eq!(e.timestamp, utc("2024-05-01T12:00:00Z"));
    assert_eq!(e.user, UserHash::from_raw(&c.salt, "u-42"));
    assert!(e.user.is_some());
    assert_eq!(e.request_id.as_deref(), Some("r-1"));
    assert_eq!(
        e.endpoint.map(|ep| ep.to_string()).as_deref(),
        Some("GET /a/:id")
    );
}

#[test]
fn unusable_service_environment_or_release_is_refused() {
    let c = config();
    let too_long = format!(r#"{{"msg":"x","service":"{}"}}"#, "s".repeat(201));
    assert!(matches!(
        convert(&too_long, &c),
        Err(EventError::TooLong {
            field: "service",
            ..
        })
    ));
    assert_eq!(
        convert(r#"{"msg":"x","env":"prod\nx"}"#, &c).unwrap_err(),
        EventError::ControlChar {
            field: "environment"
        }
    );
    assert_eq!(
        convert(r#"{"msg":"x","release":"1.0\u0000"}"#, &c).unwrap_err(),
        EventError::ControlChar { field: "release" }
    );
}

#[test]
fn event_message_adds_the_exception_when_the_message_lacks_it() {
    let c = config();
    let raw = "ERROR Checkout failed\nTraceback (most recent call last):\n  File \"/app/cart.py\", line 3, in add\n    x = d['sku']\nKeyError: 'sku'";
    let e = convert(raw, &c).expect("event");
    assert_eq!(e.message, "Checkout failed: KeyError: 'sku'");
    assert_eq!(e.exception_type.as_deref(), Some("KeyError"));

    let e = convert("TypeError: x is undefined\n    at f (/app/a.js:1:1)", &c).expect("event");
    assert_eq!(e.message, "TypeError: x is undefined");

    let e = convert(r#"{"msg":"lookup failed","error":"sql: no rows"}"#, &c).expect("event");
    assert_eq!(e.message, "lookup failed: sql: no rows");
}

#[test]
fn panics_are_unhandled_and_fatal() {
    let c = config();
    let e = convert("thread 'main' panicked at src/a.rs:1:5:\nboom", &c).expect("event");
    assert!(e.is_unhandled());
    assert_eq!(e.level, LogLevel::Fatal);
    assert_eq!(e.message, "panic: boom");
}
