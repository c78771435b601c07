//! Tests for `policy`: defaults, validation listing every problem, strict deserialization.

use serde::Deserialize;

use super::*;
use crate::domain::score::testing::{now, quiet};
use crate::domain::score::{ScoreInput, Severity};
#[test]
fn default_policy_is_valid_and_problems_are_all_listed() {
    assert_eq!(SeverityPolicy::default().validate(), vec![]);
    let mut p = SeverityPolicy::default();
    p.weights.users = -1.0;
    p.weights.trend = f64::NAN;
    p.thresholds.high = 90.0;
    p.thresholds.medium = 120.0;
    p.breadth.high_hosts = 1;
    p.trend.high_ratio = 1.0;
    p.criticality.low = 0.9;
    p.level.unhandled = 0.5;
    p.persistence.window_hours = 0;
    let keys: Vec<String> = p.validate().into_iter().map(|(k, _)| k).collect();
    assert_eq!(
        keys,
        [
            "weights.trend",
            "weights.users",
            "thresholds.medium",
            "thresholds.high",
            "thresholds.medium",
            "breadth.high_hosts",
            "trend.high_ratio",
            "criticality.low",
            "level.unhandled",
            "persistence.window_hours",
        ]
    );
    let zero = SeverityPolicy {
        weights: Weights {
            volume: 0.0,
            trend: 0.0,
            users: 0.0,
            breadth: 0.0,
            criticality: 0.0,
            level: 0.0,
            novelty: 0.0,
            regression: 0.0,
            persistence: 0.0,
        },
        ..SeverityPolicy::default()
    };
    assert_eq!(
        zero.validate(),
        vec![(
            "weights".to_owned(),
            "weights sum to 0: at least one dimension must count".to_owned()
        )]
    );
    // Scoring tolerates an invalid policy.
    let s = Severity::assess(
        &ScoreInput {
            events_24h: 9,
            ..quiet()
        },
        now(),
        &zero,
    );
    assert_eq!(s.score, 0.0);
    let s = Severity::assess(
        &ScoreInput {
            events_24h: 9,
            ..quiet()
        },
        now(),
        &p,
    );
    assert!(s.score.is_finite() && (0.0..=100.0).contains(&s.score));
}
#[test]
fn policy_deserializes_with_defaults_and_rejects_unknown_keys() {
    use serde::de::value::{Error, MapDeserializer};
    type Entries<'a> = std::iter::Copied<std::slice::Iter<'a, (&'static str, f64)>>;
    fn map<'a>(entries: &'a [(&'static str, f64)]) -> MapDeserializer<'a, Entries<'a>, Error> {
        MapDeserializer::new(entries.iter().copied())
    }
    let w = Weights::deserialize(map(&[("users", 4.0)])).unwrap();
    assert_eq!(
        w,
        Weights {
            users: 4.0,
            ..Weights::default()
        }
    );
    let err = Weights::deserialize(map(&[("userz", 4.0)])).unwrap_err();
    assert!(err.to_string().contains("unknown field `userz`"), "{err}");
    assert!(SeverityPolicy::deserialize(map(&[("weight", 1.0)])).is_err());
    let de = map(&[]);
    assert_eq!(
        SeverityPolicy::deserialize(de).unwrap(),
        SeverityPolicy::default()
    );
}
