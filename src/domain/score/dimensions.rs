//! The nine dimension functions of severity: each turns a `ScoreInput` into a raw value,
//! a normalized value in 0..=1 and a one-line reason (curves documented in `score`).

use chrono::{DateTime, Utc};

use super::policy::{SeverityPolicy, TrendPolicy};
use super::{Dimension, DimensionKind, ScoreInput, Tier};
use crate::domain::event::LogLevel;

/// `(raw, normalized, reason)` of one dimension.
pub(super) type Value = (f64, f64, String);

pub(super) fn dimension(kind: DimensionKind, value: Value, policy: &SeverityPolicy) -> Dimension {
    let (raw, normalized, reason) = value;
    let finite = |x: f64| if x.is_finite() { x } else { 0.0 };
    let weight = policy.weights.get(kind);
    Dimension {
        kind,
        raw: finite(raw),
        normalized: finite(normalized).clamp(0.0, 1.0),
        weight: if weight.is_finite() {
            weight.max(0.0)
        } else {
            0.0
        },
        reason,
    }
}

/// `ln(1 + n) / ln(1 + high)`, capped at 1.
fn log_scale(n: u64, high: u64) -> f64 {
    (((n as f64).ln_1p()) / (high.max(1) as f64).ln_1p()).min(1.0)
}

/// `ln(n) / ln(high)` for counts where 1 is the normal case (0 and 1 → 0), capped at 1.
fn log_scale_from_one(n: u64, high: u64) -> f64 {
    if n <= 1 {
        0.0
    } else {
        ((n as f64).ln() / (high.max(2) as f64).ln()).min(1.0)
    }
}

fn band(normalized: f64) -> &'static str {
    match normalized {
        n if n >= 1.0 => "high",
        n if n >= 0.66 => "elevated",
        n if n >= 0.33 => "moderate",
        _ => "low",
    }
}

/// `12345` → `12,345`.
pub(super) fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", count(n), if n == 1 { one } else { many })
}

pub(super) fn volume(input: &ScoreInput, policy: &SeverityPolicy) -> Value {
    let n = input.events_24h;
    let norm = log_scale(n, policy.volume.high_events_24h);
    let reason = if n == 0 {
        "no events in 24 h".to_owned()
    } else {
        format!("{} in 24 h ({})", plural(n, "event", "events"), band(norm))
    };
    (n as f64, norm, reason)
}

pub(super) fn users(input: &ScoreInput, policy: &SeverityPolicy) -> Value {
    let n = input.users_24h;
    let norm = log_scale(n, policy.users.high_users_24h);
    let reason = if n == 0 {
        "no identified users in 24 h".to_owned()
    } else {
        format!("{} in 24 h ({})", plural(n, "user", "users"), band(norm))
    };
    (n as f64, norm, reason)
}

pub(super) fn breadth(input: &ScoreInput, policy: &SeverityPolicy) -> Value {
    let b = &policy.breadth;
    let norm = log_scale_from_one(input.endpoints, b.high_endpoints)
        .max(log_scale_from_one(input.services, b.high_services))
        .max(log_scale_from_one(input.hosts, b.high_hosts));
    let raw = input
        .endpoints
        .saturating_add(input.services)
        .saturating_add(input.hosts);
    let reason = format!(
        "{}, {}, {}",
        plural(input.endpoints, "endpoint", "endpoints"),
        plural(input.services, "service", "services"),
        plural(input.hosts, "host", "hosts")
    );
    (raw as f64, norm, reason)
}

pub(super) fn criticality(input: &ScoreInput, policy: &SeverityPolicy) -> Value {
    let t = &policy.criticality;
    let value = match input.tier {
        Tier::Critical => t.critical,
        Tier::High => t.high,
        Tier::Normal => t.normal,
        Tier::Low => t.low,
    };
    (
        value,
        value,
        format!("{} tier service or route", input.tier.as_str()),
    )
}

pub(super) fn level(input: &ScoreInput, policy: &SeverityPolicy) -> Value {
    let l = &policy.level;
    let base = match input.worst_level {
        LogLevel::Fatal => l.fatal,
        LogLevel::Error => l.error,
        LogLevel::Warning => l.warning,
        LogLevel::Info => l.info,
        LogLevel::Debug => l.debug,
    };
    let value = if input.unhandled {
        base.max(l.unhandled)
    } else {
        base
    };
    let reason = match (input.worst_level, input.unhandled) {
        (LogLevel::Fatal, true) => "fatal, unhandled".to_owned(),
        (LogLevel::Fatal, false) => "fatal".to_owned(),
        (level, true) => format!("unhandled {level}"),
        (level, false) => format!("{level} (handled)"),
    };
    (value, value, reason)
}

pub(super) fn age_text(hours: f64) -> String {
    match hours {
        h if h < 1.0 / 60.0 => "just now".to_owned(),
        h if h < 1.0 => format!("{} min ago", (h * 60.0).floor()),
        h if h < 48.0 => format!("{} h ago", h.floor()),
        h => format!("{} days ago", (h / 24.0).floor()),
    }
}

fn hours_since(earlier: DateTime<Utc>, now: DateTime<Utc>) -> f64 {
    ((now - earlier).num_seconds().max(0) as f64) / 3600.0
}

pub(super) fn novelty(input: &ScoreInput, now: DateTime<Utc>, policy: &SeverityPolicy) -> Value {
    let age = hours_since(input.first_seen, now);
    let window = f64::from(policy.novelty.window_hours.max(1));
    let by_age = (1.0 - age / window).clamp(0.0, 1.0);
    let first_seen = format!("first seen {}", age_text(age));
    if input.new_in_latest_release {
        (
            age,
            1.0,
            format!("new in the latest release ({first_seen})"),
        )
    } else {
        (age, by_age, first_seen)
    }
}

pub(super) fn regression(input: &ScoreInput) -> Value {
    if input.regressed {
        (1.0, 1.0, "came back after a fix or a close".to_owned())
    } else {
        (0.0, 0.0, "no regression".to_owned())
    }
}

pub(super) fn persistence(input: &ScoreInput, policy: &SeverityPolicy) -> Value {
    let window = policy.persistence.window_hours.clamp(1, 168) as usize;
    let recent = &input.hourly_counts[input.hourly_counts.len().saturating_sub(window)..];
    let active = recent.iter().filter(|&&c| c > 0).count();
    let reason = format!("seen in {active} of the last {window} h");
    (active as f64, active as f64 / window as f64, reason)
}

/// The spike test of the latest hour against its hourly baseline (see the `score` doc).
#[derive(Debug, Clone, PartialEq)]
pub struct Spike {
    /// Events in the latest hour.
    pub current: u64,
    /// Baseline hours used: the hours before the latest one since first seen, at most
    /// `trend.baseline_hours`.
    pub baseline_hours: usize,
    pub mean: f64,
    /// Population standard deviation of the baseline.
    pub stddev: f64,
    /// The latest hour is a spike when `current > threshold`.
    pub threshold: f64,
    /// Fewer than `trend.baseline_hours` of baseline: the young-cluster floor applies.
    pub young: bool,
    pub is_spike: bool,
}

pub fn assess_spike(
    hourly_counts: &[u64],
    first_seen: DateTime<Utc>,
    now: DateTime<Utc>,
    policy: &TrendPolicy,
) -> Spike {
    let Some((&current, before)) = hourly_counts.split_last() else {
        return Spike {
            current: 0,
            baseline_hours: 0,
            mean: 0.0,
            stddev: 0.0,
            threshold: 0.0,
            young: true,
            is_spike: false,
        };
    };
    let history = (now - first_seen).num_hours().max(0) as usize;
    let wanted = policy.baseline_hours.max(1) as usize;
    let used = before.len().min(history).min(wanted);
    let baseline = &before[before.len() - used..];
    let (mean, stddev) = if used == 0 {
        (0.0, 0.0)
    } else {
        let n = used as f64;
        let mean = baseline.iter().map(|&c| c as f64).sum::<f64>() / n;
        let var = baseline
            .iter()
            .map(|&c| (c as f64 - mean).powi(2))
            .sum::<f64>()
            / n;
        (mean, var.sqrt())
    };
    let young = used < wanted;
    let floor = if young {
        policy.young_min_events
    } else {
        policy.min_events
    } as f64;
    let k = if policy.stddev_multiplier.is_finite() {
        policy.stddev_multiplier.max(0.0)
    } else {
        0.0
    };
    let threshold = (mean + k * stddev).max(floor);
    Spike {
        current,
        baseline_hours: used,
        mean,
        stddev,
        threshold,
        young,
        is_spike: current as f64 > threshold,
    }
}

pub(super) fn trend(spike: &Spike, policy: &TrendPolicy) -> Value {
    let c = spike.current as f64;
    let ratio = c / spike.mean.max(1.0);
    let high = if policy.high_ratio.is_finite() && policy.high_ratio > 1.0 {
        policy.high_ratio
    } else {
        5.0
    };
    let norm = if spike.is_spike {
        0.5 + 0.5 * ((c / spike.threshold).ln() / high.ln()).min(1.0)
    } else if c <= spike.mean || spike.threshold <= spike.mean {
        0.0
    } else {
        0.5 * (c - spike.mean) / (spike.threshold - spike.mean)
    };
    let baseline = match spike.baseline_hours {
        h if spike.young => format!("the hourly baseline of the last {h} h"),
        h if h % 24 == 0 => format!("the {}-day hourly baseline", h / 24),
        h => format!("the {h}-hour hourly baseline"),
    };
    let times = if ratio >= 10.0 {
        format!("{ratio:.0}×")
    } else {
        format!("{ratio:.1}×")
    };
    let reason = match (spike.current, spike.is_spike) {
        (0, _) => "no events in the last hour".to_owned(),
        (n, true) if spike.baseline_hours == 0 => {
            format!("spike: {} in its first hour", plural(n, "event", "events"))
        }
        (n, true) if spike.mean == 0.0 => {
            format!(
                "spike: {} in the last hour, none in {baseline}",
                plural(n, "event", "events")
            )
        }
        (n, true) => format!(
            "{times} {baseline} ({} in the last hour vs {:.1}/h)",
            count(n),
            spike.mean
        ),
        (n, false) => format!(
            "{} in the last hour, under the spike threshold of {:.0} ({:.1}/h over {baseline})",
            count(n),
            spike.threshold,
            spike.mean
        ),
    };
    (ratio, norm, reason)
}

#[cfg(test)]
mod tests;
