//! Wording shared by the Slack and Teams payloads: the date line, the notification
//! fallback, level ordering and the order services are listed in.

use crate::domain::summary::{HealthSummary, ServiceHealth, group_thousands, trend_label};

/// Characters of a cluster title in list lines.
pub(crate) const TITLE_CHARS: usize = 150;
/// Characters of a cluster title in a service's "worst" line.
pub(crate) const WORST_TITLE_CHARS: usize = 80;
/// Characters of a service name, ticket key or failure name.
pub(crate) const NAME_CHARS: usize = 60;
/// Characters of a failure's detail.
pub(crate) const DETAIL_CHARS: usize = 200;

/// `Sun 1 Mar 2026`: the day the window ends.
pub(crate) fn day_label(summary: &HealthSummary) -> String {
    summary.window_end.format("%a %-d %b %Y").to_string()
}

/// `2026-02-28 07:00 → 2026-03-01 07:00 UTC`.
pub(crate) fn window_label(summary: &HealthSummary) -> String {
    format!(
        "{} → {} UTC",
        summary.window_start.format("%Y-%m-%d %H:%M"),
        summary.window_end.format("%Y-%m-%d %H:%M")
    )
}

/// The one-line notification text, numbers only (no data strings).
pub(crate) fn fallback_text(summary: &HealthSummary) -> String {
    let day = day_label(summary);
    if summary.is_quiet() {
        return format!(
            "Morning health summary, {day}: all clear, no errors in the last 24 hours."
        );
    }
    let mut parts = vec![format!(
        "{} events ({})",
        group_thousands(summary.events),
        trend_label(summary.events, summary.previous_events)
    )];
    let counts = [
        (summary.new_clusters.len(), "new"),
        (summary.regressions.len(), "regressed"),
        (summary.auto_closed.len(), "closed automatically"),
    ];
    parts.extend(
        counts
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, what)| format!("{n} {what}")),
    );
    match summary.failures.len() {
        0 => {}
        1 => parts.push("1 failed run".to_owned()),
        n => parts.push(format!("{n} failed runs")),
    }
    format!("Morning health summary, {day}: {}.", parts.join(", "))
}

/// `"1,840 events ↑ 52%"`.
pub(crate) fn events_with_trend(events: u64, previous: u64) -> String {
    format!(
        "{} events {}",
        group_thousands(events),
        trend_label(events, previous)
    )
}

/// `"3,171 ↑ 26% (previous 24 h: 2,520)"`.
pub(crate) fn total_with_trend(events: u64, previous: u64) -> String {
    format!(
        "{} {} (previous 24 h: {})",
        group_thousands(events),
        trend_label(events, previous),
        group_thousands(previous)
    )
}

/// Services with the most events first (then by name), for lists that are cut short.
pub(crate) fn services_by_events(summary: &HealthSummary) -> Vec<&ServiceHealth> {
    let mut services: Vec<&ServiceHealth> = summary.services.iter().collect();
    services.sort_by(|a, b| b.events.cmp(&a.events).then(a.service.cmp(&b.service)));
    services
}

/// `"1 user"` / `"312 users"`.
pub(crate) fn users(n: u64) -> String {
    match n {
        1 => "1 user".to_owned(),
        n => format!("{} users", group_thousands(n)),
    }
}

/// Whether `url` is an absolute http(s) URL (anything else is not made a link).
pub(crate) fn is_web_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}
