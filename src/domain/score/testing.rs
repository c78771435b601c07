//! Shared fixtures for the `score` tests.

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::{Dimension, DimensionKind, ScoreInput, Severity, SeverityPolicy, Tier};
use crate::domain::event::LogLevel;

pub(super) fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 1, 10, 0, 0).unwrap()
}

/// A quiet, old, handled-error cluster in a normal-tier service.
pub(super) fn quiet() -> ScoreInput {
    ScoreInput {
        events_24h: 0,
        hourly_counts: vec![],
        users_24h: 0,
        endpoints: 0,
        services: 1,
        hosts: 1,
        tier: Tier::Normal,
        worst_level: LogLevel::Error,
        unhandled: false,
        first_seen: now() - Duration::days(30),
        new_in_latest_release: false,
        regressed: false,
    }
}

/// 168 baseline hours alternating 8 and 12 (mean 10, stddev 2), then `current`.
pub(super) fn steady_then(current: u64) -> Vec<u64> {
    let mut h: Vec<u64> = (0..168).map(|i| if i % 2 == 0 { 8 } else { 12 }).collect();
    h.push(current);
    h
}

pub(super) fn dim(input: &ScoreInput, kind: DimensionKind) -> Dimension {
    Severity::assess(input, now(), &SeverityPolicy::default())
        .dimension(kind)
        .clone()
}

pub(super) fn check(d: &Dimension, raw: f64, normalized: f64, reason: &str) {
    assert!(
        (d.raw - raw).abs() < 1e-6,
        "{:?} raw {} != {raw}",
        d.kind,
        d.raw
    );
    assert!(
        (d.normalized - normalized).abs() < 1e-6,
        "{:?} normalized {} != {normalized}",
        d.kind,
        d.normalized
    );
    assert_eq!(d.reason, reason);
}
