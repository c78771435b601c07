//! Tests for `dimensions`: a hand-computed example (raw, normalized, reason) per dimension.

use chrono::Duration;

use super::super::testing::{check, dim, now, quiet, steady_then};
use super::super::{DimensionKind, ScoreInput, Tier, TrendPolicy};
use super::assess_spike;
use crate::domain::event::LogLevel;
#[test]
fn volume_is_log_scaled_against_the_high_anchor() {
    // ln(413) / ln(1001) = 6.02345 / 6.90875
    let d = dim(
        &ScoreInput {
            events_24h: 412,
            ..quiet()
        },
        DimensionKind::Volume,
    );
    check(&d, 412.0, 0.871_857_199, "412 events in 24 h (elevated)");
    assert_eq!(d.weight, 2.0);
    let d = dim(
        &ScoreInput {
            events_24h: 5_000,
            ..quiet()
        },
        DimensionKind::Volume,
    );
    check(&d, 5_000.0, 1.0, "5,000 events in 24 h (high)");
    check(
        &dim(&quiet(), DimensionKind::Volume),
        0.0,
        0.0,
        "no events in 24 h",
    );
}
#[test]
fn users_are_log_scaled_against_the_high_anchor() {
    let d = dim(
        &ScoreInput {
            users_24h: 412,
            ..quiet()
        },
        DimensionKind::Users,
    );
    check(&d, 412.0, 1.0, "412 users in 24 h (high)");
    // ln(11) / ln(101) = 2.39790 / 4.61512
    let d = dim(
        &ScoreInput {
            users_24h: 10,
            ..quiet()
        },
        DimensionKind::Users,
    );
    check(&d, 10.0, 0.519_574_281, "10 users in 24 h (moderate)");
    let d = dim(
        &ScoreInput {
            users_24h: 1,
            ..quiet()
        },
        DimensionKind::Users,
    );
    assert_eq!(d.reason, "1 user in 24 h (low)");
}
#[test]
fn trend_spike_against_the_seven_day_baseline() {
    // mean 10, stddev 2 → T = max(10 + 5·2, 10) = 20; 50 > 20 is a spike.
    // normalized = 0.5 + 0.5 · ln(50/20) / ln(5) = 0.5 + 0.5 · 0.569323
    let d = dim(
        &ScoreInput {
            hourly_counts: steady_then(50),
            ..quiet()
        },
        DimensionKind::Trend,
    );
    check(
        &d,
        5.0,
        0.784_661_721,
        "5.0× the 7-day hourly baseline (50 in the last hour vs 10.0/h)",
    );
    let d = dim(
        &ScoreInput {
            hourly_counts: steady_then(380),
            ..quiet()
        },
        DimensionKind::Trend,
    );
    check(
        &d,
        38.0,
        1.0,
        "38× the 7-day hourly baseline (380 in the last hour vs 10.0/h)",
    );
    // Not a spike: 0.5 · (15 − 10) / (20 − 10).
    let d = dim(
        &ScoreInput {
            hourly_counts: steady_then(15),
            ..quiet()
        },
        DimensionKind::Trend,
    );
    check(
        &d,
        1.5,
        0.25,
        "15 in the last hour, under the spike threshold of 20 (10.0/h over the 7-day hourly baseline)",
    );
    let d = dim(
        &ScoreInput {
            hourly_counts: steady_then(0),
            ..quiet()
        },
        DimensionKind::Trend,
    );
    check(&d, 0.0, 0.0, "no events in the last hour");
}
#[test]
fn trend_of_a_young_cluster_needs_the_higher_floor() {
    let first_seen = now() - Duration::hours(5);
    let young = |current| ScoreInput {
        hourly_counts: vec![2, 3, 4, 5, 6, current],
        first_seen,
        ..quiet()
    };
    let spike = assess_spike(
        &young(40).hourly_counts,
        first_seen,
        now(),
        &TrendPolicy::default(),
    );
    assert_eq!(
        (spike.baseline_hours, spike.young, spike.is_spike),
        (5, true, true)
    );
    assert!((spike.mean - 4.0).abs() < 1e-12 && (spike.stddev - 2f64.sqrt()).abs() < 1e-12);
    assert_eq!(spike.threshold, 30.0); // max(4 + 5·1.414, 30)
    // 0.5 + 0.5 · ln(40/30) / ln(5)
    let d = dim(&young(40), DimensionKind::Trend);
    check(
        &d,
        10.0,
        0.589_373_461,
        "10× the hourly baseline of the last 5 h (40 in the last hour vs 4.0/h)",
    );
    // 25 > mean + 5σ (11.07) but under the young floor: 0.5 · (25 − 4) / (30 − 4).
    let d = dim(&young(25), DimensionKind::Trend);
    assert!((d.normalized - 0.403_846_154).abs() < 1e-6);
    // Brand new: no baseline at all.
    let d = dim(
        &ScoreInput {
            hourly_counts: vec![45],
            first_seen: now() - Duration::minutes(10),
            ..quiet()
        },
        DimensionKind::Trend,
    );
    check(
        &d,
        45.0,
        0.5 + 0.5 * (1.5f64).ln() / 5f64.ln(),
        "spike: 45 events in its first hour",
    );
}
#[test]
fn breadth_takes_the_broadest_component() {
    // max(ln 3 / ln 10, 0, ln 5 / ln 50) = max(0.477121, 0, 0.411408)
    let d = dim(
        &ScoreInput {
            endpoints: 3,
            services: 1,
            hosts: 5,
            ..quiet()
        },
        DimensionKind::Breadth,
    );
    check(&d, 9.0, 0.477_121_255, "3 endpoints, 1 service, 5 hosts");
    let d = dim(
        &ScoreInput {
            endpoints: 1,
            services: 3,
            hosts: 1,
            ..quiet()
        },
        DimensionKind::Breadth,
    );
    check(&d, 5.0, 1.0, "1 endpoint, 3 services, 1 host");
}
#[test]
fn criticality_is_the_tier_value() {
    let d = dim(
        &ScoreInput {
            tier: Tier::Critical,
            ..quiet()
        },
        DimensionKind::Criticality,
    );
    check(&d, 1.0, 1.0, "critical tier service or route");
    let d = dim(
        &ScoreInput {
            tier: Tier::Low,
            ..quiet()
        },
        DimensionKind::Criticality,
    );
    check(&d, 0.1, 0.1, "low tier service or route");
}
#[test]
fn level_ranks_fatal_and_unhandled_above_errors_and_warnings() {
    let d = dim(
        &ScoreInput {
            worst_level: LogLevel::Fatal,
            ..quiet()
        },
        DimensionKind::Level,
    );
    check(&d, 1.0, 1.0, "fatal");
    let d = dim(
        &ScoreInput {
            unhandled: true,
            ..quiet()
        },
        DimensionKind::Level,
    );
    check(&d, 0.9, 0.9, "unhandled error");
    check(
        &dim(&quiet(), DimensionKind::Level),
        0.6,
        0.6,
        "error (handled)",
    );
    let d = dim(
        &ScoreInput {
            worst_level: LogLevel::Warning,
            ..quiet()
        },
        DimensionKind::Level,
    );
    check(&d, 0.3, 0.3, "warning (handled)");
}
#[test]
fn novelty_decays_with_age_unless_new_in_the_release() {
    let d = dim(
        &ScoreInput {
            first_seen: now() - Duration::hours(3),
            ..quiet()
        },
        DimensionKind::Novelty,
    );
    check(&d, 3.0, 1.0 - 3.0 / 168.0, "first seen 3 h ago");
    let ten_days = now() - Duration::days(10);
    let d = dim(
        &ScoreInput {
            first_seen: ten_days,
            new_in_latest_release: true,
            ..quiet()
        },
        DimensionKind::Novelty,
    );
    check(
        &d,
        240.0,
        1.0,
        "new in the latest release (first seen 10 days ago)",
    );
    let d = dim(
        &ScoreInput {
            first_seen: ten_days,
            ..quiet()
        },
        DimensionKind::Novelty,
    );
    check(&d, 240.0, 0.0, "first seen 10 days ago");
    let d = dim(
        &ScoreInput {
            first_seen: now() + Duration::hours(1),
            ..quiet()
        },
        DimensionKind::Novelty,
    );
    check(&d, 0.0, 1.0, "first seen just now");
}
#[test]
fn regression_is_binary() {
    let d = dim(
        &ScoreInput {
            regressed: true,
            ..quiet()
        },
        DimensionKind::Regression,
    );
    check(&d, 1.0, 1.0, "came back after a fix or a close");
    check(
        &dim(&quiet(), DimensionKind::Regression),
        0.0,
        0.0,
        "no regression",
    );
}
#[test]
fn persistence_is_the_share_of_recent_hours_with_events() {
    let mut hourly = vec![5; 100];
    hourly.extend((0..24).map(|i| if i % 4 == 0 { 0 } else { 3 })); // 18 of 24 active
    let d = dim(
        &ScoreInput {
            hourly_counts: hourly,
            ..quiet()
        },
        DimensionKind::Persistence,
    );
    check(&d, 18.0, 0.75, "seen in 18 of the last 24 h");
    let d = dim(
        &ScoreInput {
            hourly_counts: vec![1; 5],
            ..quiet()
        },
        DimensionKind::Persistence,
    );
    check(&d, 5.0, 5.0 / 24.0, "seen in 5 of the last 24 h");
}
