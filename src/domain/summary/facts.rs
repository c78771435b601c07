//! The fact sheet a language model is given to write the paragraph from: counts, trends,
//! levels, service names and quoted cluster titles (redacted templates). No raw log text,
//! no failure details, no URLs.

use std::fmt::Write;

use super::prose::shorten;
use super::{ClusterLine, HealthSummary, Trend, percent_change};

/// Characters of a cluster title in the fact sheet.
const TITLE_CHARS: usize = 160;
/// Items listed per section; the rest are counted.
const ITEMS: usize = 10;

/// The numbers of `summary` as plain text, one fact a line.
pub fn summary_facts(s: &HealthSummary) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "window: the 24 hours from {} to {} UTC",
        s.window_start.format("%Y-%m-%d %H:%M"),
        s.window_end.format("%Y-%m-%d %H:%M")
    );
    let _ = writeln!(
        out,
        "events: {} (previous 24 hours: {}; trend: {})",
        s.events,
        s.previous_events,
        trend_words(s.events, s.previous_events)
    );
    list(&mut out, "new clusters", &s.new_clusters);
    list(&mut out, "regressions", &s.regressions);
    list(&mut out, "tickets closed automatically", &s.auto_closed);
    list(&mut out, "top clusters by score", &s.top);
    let _ = writeln!(out, "services: {}", s.services.len());
    for service in s.services.iter().take(ITEMS * 3) {
        let _ = write!(
            out,
            "  - service {:?}: {} events (previous 24 hours: {}; trend: {})",
            shorten(&service.service, 60),
            service.events,
            service.previous_events,
            trend_words(service.events, service.previous_events)
        );
        if let Some(worst) = &service.worst {
            let _ = write!(out, "; worst: {}", line_facts(worst));
        }
        out.push('\n');
    }
    more(&mut out, s.services.len(), ITEMS * 3);
    let _ = writeln!(out, "open tickets: {}", s.open_tickets);
    let _ = writeln!(out, "pull requests drafted: {}", s.prs_drafted);
    let _ = writeln!(out, "pull requests merged: {}", s.prs_merged);
    let _ = writeln!(
        out,
        "failed runs or sources of triaged: {}",
        s.failures.len()
    );
    for failure in s.failures.iter().take(ITEMS) {
        let _ = writeln!(out, "  - {:?}", shorten(&failure.what, 80));
    }
    more(&mut out, s.failures.len(), ITEMS);
    out
}

fn list(out: &mut String, heading: &str, lines: &[ClusterLine]) {
    let _ = writeln!(out, "{heading}: {}", lines.len());
    for (rank, line) in lines.iter().take(ITEMS).enumerate() {
        let _ = writeln!(out, "  {}. {}", rank + 1, line_facts(line));
    }
    more(out, lines.len(), ITEMS);
}

fn more(out: &mut String, total: usize, shown: usize) {
    if total > shown {
        let _ = writeln!(out, "  (and {} more)", total - shown);
    }
}

fn line_facts(line: &ClusterLine) -> String {
    let ticket = match &line.ticket {
        Some(ticket) => format!("ticket {}", shorten(&ticket.key, 30)),
        None => "no ticket".to_owned(),
    };
    format!(
        "level {}, title {:?}, service {:?}, {} events, {} users, score {:.1}, {ticket}",
        shorten(&line.level, 20),
        shorten(&line.title, TITLE_CHARS),
        shorten(&line.service, 60),
        line.events,
        line.users,
        line.score,
    )
}

fn trend_words(current: u64, previous: u64) -> String {
    let trend = match Trend::between(current, previous) {
        Trend::Up => "rising",
        Trend::Down => "falling",
        Trend::Flat => "flat",
        Trend::New => "new, none the day before",
    };
    match percent_change(current, previous) {
        Some(pct) if pct < 0 => format!("-{}% ({trend})", pct.unsigned_abs()),
        Some(pct) => format!("+{pct}% ({trend})"),
        None => trend.to_owned(),
    }
}
