//! The deterministic executive paragraph, written from the summary's numbers alone.

use super::{ClusterLine, HealthSummary, Paragraph, ParagraphAuthor, Trend, percent_change};

/// Characters of a cluster title quoted in the paragraph.
const TITLE_CHARS: usize = 80;
/// Failures named in the paragraph; the rest are counted.
const FAILURES_NAMED: usize = 2;

/// `1234567` → `"1,234,567"`.
pub fn group_thousands(n: u64) -> String {
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

/// `text` on one line (control characters become spaces), at most `max_chars` characters:
/// longer text is cut on a character boundary and ends with `…`.
pub fn shorten(text: &str, max_chars: usize) -> String {
    let one_line = text.chars().map(|c| if c.is_control() { ' ' } else { c });
    if text.chars().count() <= max_chars {
        return one_line.collect();
    }
    let mut out: String = one_line.take(max_chars.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A 2–4 sentence paragraph: failures first (they make the numbers doubtful), then events
/// and their trend, what is new, regressed or closed, and the worst cluster. A quiet day
/// gets one "all clear" sentence.
pub fn template_paragraph(summary: &HealthSummary) -> Paragraph {
    let text = if summary.is_quiet() {
        "All clear: no errors were recorded in the last 24 hours, and all of triaged's own runs succeeded."
            .to_owned()
    } else {
        let mut sentences = Vec::with_capacity(4);
        if !summary.failures.is_empty() {
            sentences.push(failures_sentence(summary));
        }
        sentences.push(events_sentence(summary));
        sentences.push(changes_sentence(summary));
        if let Some(worst) = summary.worst() {
            sentences.push(worst_sentence(worst));
        }
        sentences.join(" ")
    };
    Paragraph {
        text,
        author: ParagraphAuthor::Template,
    }
}

fn failures_sentence(summary: &HealthSummary) -> String {
    let count = summary.failures.len();
    let mut named: Vec<String> = summary
        .failures
        .iter()
        .take(FAILURES_NAMED)
        .map(|f| shorten(&f.what, 60))
        .collect();
    if count > FAILURES_NAMED {
        named.push(format!("{} more", count - FAILURES_NAMED));
    }
    let what = if count == 1 {
        "run or source of triaged failed"
    } else {
        "runs or sources of triaged failed"
    };
    format!(
        "Heads-up: {count} {what} ({}), so these numbers may be incomplete.",
        named.join(", ")
    )
}

fn events_sentence(summary: &HealthSummary) -> String {
    let (now, before) = (summary.events, summary.previous_events);
    let (now_text, before_text) = (group_thousands(now), group_thousands(before));
    if now == 0 {
        return format!(
            "In the last 24 hours triaged recorded no events, against {before_text} the day before."
        );
    }
    let pct = percent_change(now, before).map_or(0, i64::unsigned_abs);
    let trend = match Trend::between(now, before) {
        Trend::Up => format!("up {pct}% from {before_text} the day before"),
        Trend::Down => format!("down {pct}% from {before_text} the day before"),
        Trend::New => "after none the day before".to_owned(),
        Trend::Flat if now == before => "the same as the day before".to_owned(),
        Trend::Flat => format!("about the same as the {before_text} of the day before"),
    };
    format!("In the last 24 hours triaged recorded {now_text} events, {trend}.")
}

fn changes_sentence(summary: &HealthSummary) -> String {
    let counted = [
        (
            summary.new_clusters.len(),
            "new cluster appeared",
            "new clusters appeared",
        ),
        (
            summary.regressions.len(),
            "regression came back",
            "regressions came back",
        ),
        (
            summary.auto_closed.len(),
            "ticket was closed automatically",
            "tickets were closed automatically",
        ),
    ];
    let parts: Vec<String> = counted
        .iter()
        .filter(|(n, _, _)| *n > 0)
        .map(|(n, one, many)| format!("{n} {}", if *n == 1 { one } else { many }))
        .collect();
    match parts.as_slice() {
        [] => "No new clusters or regressions appeared.".to_owned(),
        [only] => format!("{only}."),
        [first, second] => format!("{first} and {second}."),
        [first, rest @ .., last] => format!("{first}, {}, and {last}.", rest.join(", ")),
    }
}

fn worst_sentence(worst: &ClusterLine) -> String {
    let users = match worst.users {
        1 => "1 user".to_owned(),
        n => format!("{} users", group_thousands(n)),
    };
    format!(
        "The worst is \"{}\" in {} ({}, {} events, {users}).",
        shorten(&worst.title, TITLE_CHARS),
        shorten(&worst.service, 60),
        shorten(&worst.level, 20),
        group_thousands(worst.events),
    )
}
