//! Severity: the 0–100 score of a cluster, its level and the nine dimensions behind it,
//! computed from a plain `ScoreInput` snapshot, `now` and a `SeverityPolicy`.
//!
//! **Score** = 100 × Σ wᵢ·nᵢ / Σ wᵢ, the weighted mean of the nine normalized values
//! (weights from `policy.weights`; defaults below, summing to 14), clamped to 0..=100, then
//! raised by the floor below. **Level**: score ≥ `thresholds.critical` (80) → Critical,
//! ≥ `high` (60) → High, ≥ `medium` (35) → Medium, else Low; `Level::linear_priority`
//! maps them to Linear's 1 (Urgent), 2 (High), 3 (Medium), 4 (Low).
//!
//! **Dimensions** — weight; raw → normalized (defaults in parentheses):
//! 1. volume — 2; events in 24 h → `ln(1+n) / ln(1+high)` capped at 1 (high 1,000:
//!    10 events → 0.35, 100 → 0.67).
//! 2. trend — 2; `current / max(mean, 1)` → 0 at or below the baseline mean, rising
//!    linearly to 0.5 at the spike threshold T, then `0.5 + 0.5·ln(current/T) /
//!    ln(high_ratio)` capped at 1 (high_ratio 5: 1.0 at five times the threshold).
//! 3. users — 2.5; distinct users in 24 h → the same log curve (high 100: 10 → 0.52).
//! 4. breadth — 1; endpoints + services + hosts → the largest of `ln(x) / ln(high_x)`
//!    (one of each is the normal case, 0; highs 10 endpoints, 3 services, 50 hosts).
//! 5. criticality — 2; tier value (critical 1, high 0.7, normal 0.4, low 0.1); raw = value.
//! 6. level — 1.5; worst level value (fatal 1, error 0.6, warning 0.3, info 0.1, debug 0),
//!    at least `unhandled` (0.9) when any event was unhandled; raw = value.
//! 7. novelty — 1; age in hours → 1 when new in the latest release, else
//!    `1 − age / window` (window 168 h).
//! 8. regression — 1.5; came back after a fix or a close → 1, else 0.
//! 9. persistence — 0.5; hours with ≥ 1 event among the last `window` → that share (24 h).
//!
//! **Spike rule** (trend), after Sentry's escalating-issues algorithm: `hourly_counts` ends
//! with the latest hour (`current`); the baseline is the hours before it since the cluster
//! was first seen, at most `trend.baseline_hours` (168 = 7 days), with mean μ and
//! population standard deviation σ. Threshold `T = max(μ + k·σ, floor)` where k is
//! `trend.stddev_multiplier` (5, Sentry's calibration) and the floor is `trend.min_events`
//! (10), or `trend.young_min_events` (30) for a young cluster — one with less than a full
//! baseline of history, whose μ and σ mean little. The hour is a spike when `current > T`.
//! Unlike Sentry we do not weight same-weekday hours, clamp the multiplier to 5–8 × μ or
//! add a bursty bound: the rule runs hourly and must be explainable on a ticket.
//!
//! **Floor**: a spike of fatal or unhandled errors in a critical-tier service or route
//! scores at least `floors.critical_fatal_spike` (85, i.e. Critical) — on-call expects it
//! at the top whatever the user count says. `Severity::floor` then says so.
//!
//! Everything is finite for any input (empty history, zero or `u64::MAX` counts, a first
//! seen in the future): counts become `f64`, ratios are guarded, and an invalid policy
//! (negative or NaN weight, all weights 0) is tolerated as 0 — `validate()` reports it.

mod dimensions;
mod policy;
mod tiers;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::event::LogLevel;

pub use dimensions::{Spike, assess_spike};
pub use policy::{
    BreadthPolicy, Floors, LevelValues, NoveltyPolicy, PersistencePolicy, SeverityPolicy,
    Thresholds, TierValues, TrendPolicy, UsersPolicy, VolumePolicy, Weights,
};
pub use tiers::TierRules;

/// Business criticality of a service or route, from config.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    Low,
    #[default]
    Normal,
    High,
    Critical,
}

impl Tier {
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Critical => "critical",
            Tier::High => "high",
            Tier::Normal => "normal",
            Tier::Low => "low",
        }
    }
}

/// What scoring needs to know about a cluster, as the store has it at `now`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreInput {
    pub events_24h: u64,
    /// Hourly event counts, oldest first, the last entry being the latest hour; normally
    /// the last 7 × 24 hours (+ the latest). Shorter is fine; older entries are ignored.
    pub hourly_counts: Vec<u64>,
    pub users_24h: u64,
    pub endpoints: u64,
    pub services: u64,
    pub hosts: u64,
    /// Highest tier among the cluster's service and routes.
    pub tier: Tier,
    pub worst_level: LogLevel,
    /// Any event in the window was unhandled.
    pub unhandled: bool,
    pub first_seen: DateTime<Utc>,
    pub new_in_latest_release: bool,
    /// Occurring again after a merged fix or a closed ticket.
    pub regressed: bool,
}

/// The nine dimensions, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DimensionKind {
    Volume,
    Trend,
    Users,
    Breadth,
    Criticality,
    Level,
    Novelty,
    Regression,
    Persistence,
}

impl DimensionKind {
    pub const ALL: [DimensionKind; 9] = [
        DimensionKind::Volume,
        DimensionKind::Trend,
        DimensionKind::Users,
        DimensionKind::Breadth,
        DimensionKind::Criticality,
        DimensionKind::Level,
        DimensionKind::Novelty,
        DimensionKind::Regression,
        DimensionKind::Persistence,
    ];

    /// Config key and serialized name: `volume`, `trend`, …
    pub fn key(self) -> &'static str {
        match self {
            DimensionKind::Volume => "volume",
            DimensionKind::Trend => "trend",
            DimensionKind::Users => "users",
            DimensionKind::Breadth => "breadth",
            DimensionKind::Criticality => "criticality",
            DimensionKind::Level => "level",
            DimensionKind::Novelty => "novelty",
            DimensionKind::Regression => "regression",
            DimensionKind::Persistence => "persistence",
        }
    }
}

/// One line of the severity breakdown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dimension {
    pub kind: DimensionKind,
    /// The measured value (count, ratio, hours, configured value …), finite.
    pub raw: f64,
    /// In 0..=1.
    pub normalized: f64,
    pub weight: f64,
    /// One human sentence: "412 users in 24 h (high)".
    pub reason: String,
}

/// Severity level of a cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Low,
    Medium,
    High,
    Critical,
}

impl Level {
    pub fn from_score(score: f64, t: &Thresholds) -> Level {
        match score {
            s if s >= t.critical => Level::Critical,
            s if s >= t.high => Level::High,
            s if s >= t.medium => Level::Medium,
            _ => Level::Low,
        }
    }

    /// Linear's priority: 1 Urgent, 2 High, 3 Medium, 4 Low.
    pub fn linear_priority(self) -> u8 {
        match self {
            Level::Critical => 1,
            Level::High => 2,
            Level::Medium => 3,
            Level::Low => 4,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Critical => "critical",
            Level::High => "high",
            Level::Medium => "medium",
            Level::Low => "low",
        }
    }
}

/// The scored result shown on tickets and the dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Severity {
    /// In 0..=100.
    pub score: f64,
    pub level: Level,
    /// In `DimensionKind::ALL` order.
    pub dimensions: [Dimension; 9],
    /// Set when a floor raised the score, saying which and why.
    pub floor: Option<String>,
}

impl Severity {
    /// Scores `input` at `now` under `policy` (see the module doc for every rule).
    pub fn assess(input: &ScoreInput, now: DateTime<Utc>, policy: &SeverityPolicy) -> Severity {
        use dimensions as d;
        let spike = assess_spike(&input.hourly_counts, input.first_seen, now, &policy.trend);
        let values = [
            d::volume(input, policy),
            d::trend(&spike, &policy.trend),
            d::users(input, policy),
            d::breadth(input, policy),
            d::criticality(input, policy),
            d::level(input, policy),
            d::novelty(input, now, policy),
            d::regression(input),
            d::persistence(input, policy),
        ];
        let mut values = values.into_iter();
        let dimensions = DimensionKind::ALL
            .map(|kind| d::dimension(kind, values.next().unwrap_or_default(), policy));
        let total: f64 = dimensions.iter().map(|d| d.weight).sum();
        let weighted: f64 = dimensions.iter().map(|d| d.weight * d.normalized).sum();
        let mut score = if total > 0.0 && total.is_finite() {
            100.0 * weighted / total
        } else {
            0.0
        };
        score = if score.is_finite() {
            score.clamp(0.0, 100.0)
        } else {
            0.0
        };
        let mut floor = None;
        let f = policy.floors.critical_fatal_spike;
        let fatal = input.worst_level == LogLevel::Fatal || input.unhandled;
        if f.is_finite() && f > score && input.tier == Tier::Critical && fatal && spike.is_spike {
            score = f.min(100.0);
            floor = Some(format!(
                "raised to {score:.0}: a spike of fatal or unhandled errors in a critical-tier service"
            ));
        }
        let level = Level::from_score(score, &policy.thresholds);
        Severity {
            score,
            level,
            dimensions,
            floor,
        }
    }

    pub fn dimension(&self, kind: DimensionKind) -> &Dimension {
        self.dimensions
            .iter()
            .find(|d| d.kind == kind)
            .unwrap_or(&self.dimensions[kind as usize])
    }
}

#[cfg(test)]
mod testing;
#[cfg(test)]
mod tests;
