//! Tests for `score`: the full weighted score, the floor, levels, and properties (bounds
//! and monotonicity on arbitrary input).

use chrono::Duration;
use proptest::prelude::*;

use super::testing::{now, quiet, steady_then};
use super::*;

#[test]
fn full_score_is_the_weighted_mean() {
    let input = ScoreInput {
        events_24h: 5_000,              // 1.0 × 2
        hourly_counts: steady_then(50), // 0.784662 × 2; persistence 1.0 × 0.5
        users_24h: 412,                 // 1.0 × 2.5
        endpoints: 3,                   // 0.477121 × 1
        services: 1,
        hosts: 5,
        tier: Tier::High, // 0.7 × 2
        worst_level: LogLevel::Error,
        unhandled: true, // 0.9 × 1.5
        regressed: true, // 1.0 × 1.5; novelty 0 × 1
        ..quiet()
    };
    // (2 + 1.569323 + 2.5 + 0.477121 + 1.4 + 1.35 + 0 + 1.5 + 0.5) / 14 × 100
    let s = Severity::assess(&input, now(), &SeverityPolicy::default());
    assert!((s.score - 80.688_890_69).abs() < 1e-6, "{}", s.score);
    assert_eq!(s.level, Level::Critical);
    assert_eq!(s.level.linear_priority(), 1);
    assert_eq!(s.floor, None);
    let kinds: Vec<DimensionKind> = s.dimensions.iter().map(|d| d.kind).collect();
    assert_eq!(kinds, DimensionKind::ALL.to_vec());
}

#[test]
fn critical_fatal_spike_floor() {
    let input = ScoreInput {
        hourly_counts: steady_then(50),
        tier: Tier::Critical,
        worst_level: LogLevel::Fatal,
        ..quiet()
    };
    let s = Severity::assess(&input, now(), &SeverityPolicy::default());
    assert_eq!(s.score, 85.0);
    assert_eq!(s.level, Level::Critical);
    assert!(s.floor.as_deref().unwrap().contains("critical-tier"));
    let mut off = SeverityPolicy::default();
    off.floors.critical_fatal_spike = 0.0;
    assert!(Severity::assess(&input, now(), &off).score < 85.0);
    let high_tier = ScoreInput {
        tier: Tier::High,
        ..input.clone()
    };
    assert_eq!(
        Severity::assess(&high_tier, now(), &SeverityPolicy::default()).floor,
        None
    );
    let no_spike = ScoreInput {
        hourly_counts: steady_then(12),
        ..input
    };
    assert_eq!(
        Severity::assess(&no_spike, now(), &SeverityPolicy::default()).floor,
        None
    );
}

#[test]
fn levels_and_linear_priorities() {
    let t = Thresholds::default();
    let cases = [
        (100.0, Level::Critical, 1),
        (80.0, Level::Critical, 1),
        (79.9, Level::High, 2),
        (60.0, Level::High, 2),
        (35.0, Level::Medium, 3),
        (34.9, Level::Low, 4),
        (0.0, Level::Low, 4),
    ];
    for (score, level, priority) in cases {
        assert_eq!(Level::from_score(score, &t), level, "{score}");
        assert_eq!(level.linear_priority(), priority);
    }
}

#[test]
fn empty_input_scores_low_and_finite() {
    let s = Severity::assess(&quiet(), now(), &SeverityPolicy::default());
    // Only criticality (0.4 × 2) and level (0.6 × 1.5) count: 1.7 / 14.
    assert!((s.score - 100.0 * 1.7 / 14.0).abs() < 1e-9);
    assert_eq!(s.level, Level::Low);
}

fn tier_strategy() -> impl Strategy<Value = Tier> {
    prop_oneof![
        Just(Tier::Low),
        Just(Tier::Normal),
        Just(Tier::High),
        Just(Tier::Critical)
    ]
}

fn count_strategy() -> impl Strategy<Value = u64> {
    prop_oneof![0..50u64, any::<u64>(), Just(u64::MAX), Just(0)]
}

prop_compose! {
    fn input_strategy()(
        events_24h in count_strategy(),
        hourly_counts in prop::collection::vec(count_strategy(), 0..200),
        users_24h in count_strategy(),
        endpoints in count_strategy(),
        services in count_strategy(),
        hosts in count_strategy(),
        tier in tier_strategy(),
        level in 0..5usize,
        unhandled in any::<bool>(),
        age_minutes in -10_000i64..1_000_000,
        new_in_latest_release in any::<bool>(),
        regressed in any::<bool>(),
    ) -> ScoreInput {
        ScoreInput {
            events_24h, hourly_counts, users_24h, endpoints, services, hosts, tier,
            worst_level: LogLevel::ALL[level], unhandled,
            first_seen: now() - Duration::minutes(age_minutes),
            new_in_latest_release, regressed,
        }
    }
}

prop_compose! {
    fn policy_strategy()(w in prop::collection::vec(0.0..10.0f64, 9), default in any::<bool>()) -> SeverityPolicy {
        let mut p = SeverityPolicy::default();
        if !default {
            p.weights = Weights { volume: w[0], trend: w[1], users: w[2], breadth: w[3], criticality: w[4],
                level: w[5], novelty: w[6], regression: w[7], persistence: w[8] };
        }
        p
    }
}

fn score(input: &ScoreInput, policy: &SeverityPolicy) -> f64 {
    Severity::assess(input, now(), policy).score
}

proptest! {
    #[test]
    fn scores_are_bounded_and_finite(input in input_strategy(), policy in policy_strategy()) {
        let s = Severity::assess(&input, now(), &policy);
        prop_assert!(s.score.is_finite() && (0.0..=100.0).contains(&s.score), "{}", s.score);
        prop_assert_eq!(s.level, Level::from_score(s.score, &policy.thresholds));
        for d in &s.dimensions {
            prop_assert!(d.raw.is_finite() && d.weight.is_finite());
            prop_assert!((0.0..=1.0).contains(&d.normalized), "{:?}", d);
            prop_assert!(!d.reason.is_empty() && !d.reason.contains('\n'));
        }
    }

    #[test]
    fn more_users_never_lower_the_score(input in input_strategy(), policy in policy_strategy(), extra in count_strategy()) {
        let more = ScoreInput { users_24h: input.users_24h.saturating_add(extra), ..input.clone() };
        prop_assert!(score(&more, &policy) >= score(&input, &policy));
    }

    #[test]
    fn more_events_never_lower_the_score(input in input_strategy(), policy in policy_strategy(), extra in count_strategy()) {
        let more = ScoreInput { events_24h: input.events_24h.saturating_add(extra), ..input.clone() };
        prop_assert!(score(&more, &policy) >= score(&input, &policy));
        // Events arriving in the latest hour count in the 24 h volume too.
        let mut latest = more.clone();
        if let Some(last) = latest.hourly_counts.last_mut() {
            *last = last.saturating_add(extra);
        }
        prop_assert!(score(&latest, &policy) >= score(&input, &policy));
    }

    #[test]
    fn a_higher_tier_never_lowers_the_score(input in input_strategy(), policy in policy_strategy(), a in tier_strategy(), b in tier_strategy()) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let low = ScoreInput { tier: lo, ..input.clone() };
        let high = ScoreInput { tier: hi, ..input };
        prop_assert!(score(&high, &policy) >= score(&low, &policy));
    }

    #[test]
    fn a_regression_never_lowers_the_score(input in input_strategy(), policy in policy_strategy()) {
        let no = ScoreInput { regressed: false, ..input.clone() };
        let yes = ScoreInput { regressed: true, ..input };
        prop_assert!(score(&yes, &policy) >= score(&no, &policy));
    }
}
