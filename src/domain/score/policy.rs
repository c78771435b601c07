//! `SeverityPolicy`: the weights, anchors and thresholds of severity scoring, as written in
//! the `[severity]` config section, with defaults and a validation that lists every problem.

use serde::{Deserialize, Serialize};

use super::DimensionKind;

/// Everything tunable about scoring. Every table and key is optional (defaults below).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SeverityPolicy {
    pub weights: Weights,
    /// Score → level cut-offs.
    pub thresholds: Thresholds,
    pub volume: VolumePolicy,
    pub users: UsersPolicy,
    pub breadth: BreadthPolicy,
    pub trend: TrendPolicy,
    /// Normalized value of each criticality tier.
    pub criticality: TierValues,
    /// Normalized value of each event level.
    pub level: LevelValues,
    pub novelty: NoveltyPolicy,
    pub persistence: PersistencePolicy,
    pub floors: Floors,
}

macro_rules! defaulted {
    ($(#[$doc:meta])* $name:ident { $($(#[$fdoc:meta])* $field:ident : $ty:ty = $value:expr),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields, default)]
        pub struct $name { $($(#[$fdoc])* pub $field: $ty),+ }
        impl Default for $name {
            fn default() -> Self { Self { $($field: $value),+ } }
        }
    };
}

defaulted!(
    /// Relative weight of each dimension (≥ 0; at least one > 0). Defaults sum to 14.
    Weights {
        volume: f64 = 2.0,
        trend: f64 = 2.0,
        users: f64 = 2.5,
        breadth: f64 = 1.0,
        criticality: f64 = 2.0,
        level: f64 = 1.5,
        novelty: f64 = 1.0,
        regression: f64 = 1.5,
        persistence: f64 = 0.5,
    }
);

impl Weights {
    pub fn get(&self, kind: DimensionKind) -> f64 {
        match kind {
            DimensionKind::Volume => self.volume,
            DimensionKind::Trend => self.trend,
            DimensionKind::Users => self.users,
            DimensionKind::Breadth => self.breadth,
            DimensionKind::Criticality => self.criticality,
            DimensionKind::Level => self.level,
            DimensionKind::Novelty => self.novelty,
            DimensionKind::Regression => self.regression,
            DimensionKind::Persistence => self.persistence,
        }
    }
}

defaulted!(
    /// Lowest score of each level (0–100, `medium ≤ high ≤ critical`); below `medium` is low.
    Thresholds { critical: f64 = 80.0, high: f64 = 60.0, medium: f64 = 35.0 }
);
defaulted!(
    /// Events in 24 h that count as fully "high" (log scale below it).
    VolumePolicy { high_events_24h: u64 = 1_000 }
);
defaulted!(
    /// Distinct users in 24 h that count as fully "high" (log scale below it).
    UsersPolicy { high_users_24h: u64 = 100 }
);
defaulted!(
    /// Counts at which each breadth component saturates (each ≥ 2; log scale from 1).
    BreadthPolicy { high_endpoints: u64 = 10, high_services: u64 = 3, high_hosts: u64 = 50 }
);
defaulted!(
    /// The spike rule (see the `score` module doc).
    TrendPolicy {
        /// `k` in `mean + k·stddev` (Sentry's escalating-issues calibration is 5).
        stddev_multiplier: f64 = 5.0,
        /// A spike needs more than this many events in the hour (mature clusters).
        min_events: u64 = 10,
        /// Same floor for young clusters (less than `baseline_hours` of history).
        young_min_events: u64 = 30,
        /// `current / threshold` at which the trend is fully 1.0 (> 1).
        high_ratio: f64 = 5.0,
        /// Baseline length in hours (7 days).
        baseline_hours: u32 = 168,
    }
);
defaulted!(
    /// Value of each tier in 0..=1, `critical ≥ high ≥ normal ≥ low`.
    TierValues { critical: f64 = 1.0, high: f64 = 0.7, normal: f64 = 0.4, low: f64 = 0.1 }
);
defaulted!(
    /// Value of the worst level seen in 0..=1, ordered `fatal ≥ error ≥ warning ≥ info ≥
    /// debug`; `unhandled` applies to any unhandled event and must be `≥ error`.
    LevelValues {
        fatal: f64 = 1.0,
        unhandled: f64 = 0.9,
        error: f64 = 0.6,
        warning: f64 = 0.3,
        info: f64 = 0.1,
        debug: f64 = 0.0,
    }
);
defaulted!(
    /// Novelty decays linearly from 1 at first sight to 0 after `window_hours`.
    NoveltyPolicy { window_hours: u32 = 168 }
);
defaulted!(
    /// Persistence is the share of the last `window_hours` (1–168) with an occurrence.
    PersistencePolicy { window_hours: u32 = 24 }
);
defaulted!(
    /// Minimum scores for situations users expect at the top (0 disables a floor).
    Floors {
        /// A spike of fatal or unhandled errors in a critical-tier service or route.
        critical_fatal_spike: f64 = 85.0,
    }
);

type Problems = Vec<(String, String)>;

fn check_range(p: &mut Problems, key: &str, v: f64, lo: f64, hi: f64) {
    if !(v.is_finite() && (lo..=hi).contains(&v)) {
        p.push((
            key.to_owned(),
            format!("must be a number from {lo} to {hi}, got {v}"),
        ));
    }
}

fn check_order(p: &mut Problems, prefix: &str, chain: &[(&str, f64)]) {
    for pair in chain.windows(2) {
        let ((hi_key, hi), (lo_key, lo)) = (pair[0], pair[1]);
        if lo > hi {
            p.push((
                format!("{prefix}.{lo_key}"),
                format!("must be ≤ {prefix}.{hi_key} ({hi}), got {lo}"),
            ));
        }
    }
}

fn check_min(p: &mut Problems, key: &str, v: u64, min: u64) {
    if v < min {
        p.push((key.to_owned(), format!("must be at least {min}, got {v}")));
    }
}

impl SeverityPolicy {
    /// Every problem as `(key path below the section, reason)`; empty when valid.
    pub fn validate(&self) -> Vec<(String, String)> {
        let mut p = Problems::new();
        let mut sum = 0.0;
        for kind in DimensionKind::ALL {
            let w = self.weights.get(kind);
            if !(w.is_finite() && w >= 0.0) {
                p.push((
                    format!("weights.{}", kind.key()),
                    format!("must be a finite number ≥ 0, got {w}"),
                ));
            } else {
                sum += w;
            }
        }
        if sum <= 0.0 {
            p.push((
                "weights".into(),
                "weights sum to 0: at least one dimension must count".into(),
            ));
        }
        let t = &self.thresholds;
        for (k, v) in [
            ("critical", t.critical),
            ("high", t.high),
            ("medium", t.medium),
        ] {
            check_range(&mut p, &format!("thresholds.{k}"), v, 0.0, 100.0);
        }
        check_order(
            &mut p,
            "thresholds",
            &[
                ("critical", t.critical),
                ("high", t.high),
                ("medium", t.medium),
            ],
        );
        check_min(
            &mut p,
            "volume.high_events_24h",
            self.volume.high_events_24h,
            1,
        );
        check_min(&mut p, "users.high_users_24h", self.users.high_users_24h, 1);
        let b = &self.breadth;
        check_min(&mut p, "breadth.high_endpoints", b.high_endpoints, 2);
        check_min(&mut p, "breadth.high_services", b.high_services, 2);
        check_min(&mut p, "breadth.high_hosts", b.high_hosts, 2);
        let tr = &self.trend;
        check_range(
            &mut p,
            "trend.stddev_multiplier",
            tr.stddev_multiplier,
            0.0,
            100.0,
        );
        if !(tr.high_ratio.is_finite() && tr.high_ratio > 1.0) {
            p.push((
                "trend.high_ratio".into(),
                format!("must be a finite number > 1, got {}", tr.high_ratio),
            ));
        }
        if !(1..=720).contains(&tr.baseline_hours) {
            p.push((
                "trend.baseline_hours".into(),
                format!("must be 1 to 720, got {}", tr.baseline_hours),
            ));
        }
        let c = &self.criticality;
        let tiers = [
            ("critical", c.critical),
            ("high", c.high),
            ("normal", c.normal),
            ("low", c.low),
        ];
        for (k, v) in tiers {
            check_range(&mut p, &format!("criticality.{k}"), v, 0.0, 1.0);
        }
        check_order(&mut p, "criticality", &tiers);
        let l = &self.level;
        let levels = [
            ("fatal", l.fatal),
            ("error", l.error),
            ("warning", l.warning),
            ("info", l.info),
            ("debug", l.debug),
        ];
        for (k, v) in levels.iter().copied().chain([("unhandled", l.unhandled)]) {
            check_range(&mut p, &format!("level.{k}"), v, 0.0, 1.0);
        }
        check_order(&mut p, "level", &levels);
        if l.error > l.unhandled {
            p.push((
                "level.unhandled".into(),
                format!("must be ≥ level.error ({}), got {}", l.error, l.unhandled),
            ));
        }
        check_min(
            &mut p,
            "novelty.window_hours",
            self.novelty.window_hours.into(),
            1,
        );
        if !(1..=168).contains(&self.persistence.window_hours) {
            p.push((
                "persistence.window_hours".into(),
                format!("must be 1 to 168, got {}", self.persistence.window_hours),
            ));
        }
        check_range(
            &mut p,
            "floors.critical_fatal_spike",
            self.floors.critical_fatal_spike,
            0.0,
            100.0,
        );
        p
    }
}

#[cfg(test)]
mod tests;
