//! Test summaries shared by the domain and notify tests: a rich day and a quiet one.

use chrono::{DateTime, TimeZone, Utc};

use super::{ClusterLine, HealthSummary, RunFailure, ServiceHealth, TicketRef};

pub(crate) fn at(hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, hour, minute, 0)
        .single()
        .expect("valid time")
}

pub(crate) fn line(
    n: u32,
    title: &str,
    service: &str,
    level: &str,
    score: f64,
    (events, users): (u64, u64),
    ticket: Option<u32>,
) -> ClusterLine {
    ClusterLine {
        fingerprint: format!("fp{n:04x}"),
        title: title.to_owned(),
        service: service.to_owned(),
        level: level.to_owned(),
        score,
        events,
        users,
        ticket: ticket.map(|t| TicketRef {
            key: format!("ENG-{t}"),
            url: format!("https://linear.app/acme/issue/ENG-{t}/fix"),
        }),
    }
}

/// A busy day: top 5, new clusters, a regression, auto-closed tickets, failures.
pub(crate) fn rich() -> HealthSummary {
    let timeout = line(
        1,
        "TimeoutError: upstream <host> did not answer within <n> ms",
        "checkout",
        "critical",
        92.4,
        (1_840, 312),
        Some(101),
    );
    let key_error = line(
        2,
        "KeyError: 'currency' in PriceFormatter.render",
        "catalog",
        "high",
        71.0,
        (655, 88),
        Some(102),
    );
    let db = line(
        3,
        "OperationalError: could not obtain lock on row in relation <name>",
        "orders",
        "high",
        64.25,
        (402, 41),
        None,
    );
    let null = line(
        4,
        "TypeError: Cannot read properties of undefined (reading 'id')",
        "web",
        "medium",
        38.0,
        (230, 97),
        Some(97),
    );
    let retry = line(
        5,
        "Retry budget exhausted for <queue> consumer",
        "mailer",
        "low",
        12.5,
        (44, 0),
        None,
    );
    let closed = line(
        6,
        "ValueError: invalid literal for int() with base <n>",
        "orders",
        "low",
        3.0,
        (0, 0),
        Some(88),
    );
    HealthSummary {
        window_start: at(7, 0) - chrono::Duration::hours(24),
        window_end: at(7, 0),
        events: 3_171,
        previous_events: 2_520,
        new_clusters: vec![key_error.clone(), retry.clone()],
        regressions: vec![db.clone()],
        auto_closed: vec![closed],
        top: vec![
            timeout.clone(),
            key_error.clone(),
            db.clone(),
            null.clone(),
            retry,
        ],
        services: vec![
            ServiceHealth {
                service: "checkout".into(),
                events: 1_840,
                previous_events: 1_210,
                worst: Some(timeout),
            },
            ServiceHealth {
                service: "catalog".into(),
                events: 655,
                previous_events: 0,
                worst: Some(key_error),
            },
            ServiceHealth {
                service: "orders".into(),
                events: 402,
                previous_events: 980,
                worst: Some(db),
            },
            ServiceHealth {
                service: "web".into(),
                events: 230,
                previous_events: 260,
                worst: Some(null),
            },
            ServiceHealth {
                service: "mailer".into(),
                events: 44,
                previous_events: 70,
                worst: None,
            },
        ],
        open_tickets: 14,
        prs_drafted: 3,
        prs_merged: 1,
        failures: vec![RunFailure {
            what: "ingest: source sentry".into(),
            at: at(6, 10),
            detail: "sentry: HTTP 503: service unavailable".into(),
        }],
        dashboard_url: Some("https://triaged.example.com/dashboard".into()),
    }
}

/// Nothing happened and every run succeeded.
pub(crate) fn quiet() -> HealthSummary {
    HealthSummary {
        window_start: at(7, 0) - chrono::Duration::hours(24),
        window_end: at(7, 0),
        events: 0,
        previous_events: 0,
        new_clusters: Vec::new(),
        regressions: Vec::new(),
        auto_closed: Vec::new(),
        top: Vec::new(),
        services: Vec::new(),
        open_tickets: 2,
        prs_drafted: 0,
        prs_merged: 0,
        failures: Vec::new(),
        dashboard_url: None,
    }
}
