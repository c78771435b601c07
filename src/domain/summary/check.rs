//! The check a model-written paragraph must pass before it is shown: every number it cites
//! is one the summary justifies, and it carries no links, URLs or mentions.

use chrono::{DateTime, Datelike, Timelike, Utc};

use super::{ClusterLine, HealthSummary, percent_change};

/// Longest model paragraph accepted, in characters.
pub const MODEL_PARAGRAPH_MAX_CHARS: usize = 800;

/// Text that would link, mention or notify when rendered in chat.
const FORBIDDEN: [(&str, &str); 10] = [
    ("://", "a URL"),
    ("www.", "a URL"),
    ("mailto:", "a URL"),
    ("](", "a markdown link"),
    ("<http", "a link"),
    ("<!", "a mention"),
    ("<#", "a channel link"),
    ("@", "an '@' mention"),
    ("<@", "a mention"),
    ("\u{0}", "a NUL character"),
];

/// `Ok` when `text` may be shown as the summary's paragraph; otherwise why not (naming the
/// offending number or construct). Numbers inside a quoted cluster title, or inside a
/// service name, ticket key or failure name the summary holds, are not checked.
pub fn check_model_paragraph(text: &str, summary: &HealthSummary) -> Result<(), String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("the paragraph is empty".into());
    }
    let chars = text.chars().count();
    if chars > MODEL_PARAGRAPH_MAX_CHARS {
        return Err(format!(
            "the paragraph has {chars} characters, more than {MODEL_PARAGRAPH_MAX_CHARS}"
        ));
    }
    let lower = text.to_lowercase();
    if let Some((_, what)) = FORBIDDEN.iter().find(|(needle, _)| lower.contains(needle)) {
        return Err(format!("the paragraph contains {what}"));
    }
    let scrubbed = strip_known_names(&strip_quoted_titles(text, summary), summary);
    let justified = Justified::of(summary);
    match numbers_in(&scrubbed)
        .into_iter()
        .find(|n| !justified.allows(n))
    {
        Some(number) => Err(format!(
            "the paragraph cites {}, which the summary does not justify",
            number.raw
        )),
        None => Ok(()),
    }
}

/// Every cluster line the summary holds.
fn all_lines(summary: &HealthSummary) -> impl Iterator<Item = &ClusterLine> {
    summary
        .new_clusters
        .iter()
        .chain(&summary.regressions)
        .chain(&summary.auto_closed)
        .chain(&summary.top)
        .chain(summary.services.iter().filter_map(|s| s.worst.as_ref()))
}

/// Blanks quoted spans (`"…"`, `“…”`) that are (the start of) a cluster title.
fn strip_quoted_titles(text: &str, summary: &HealthSummary) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find(['"', '“']) {
        let (before, from_quote) = rest.split_at(open);
        out.push_str(before);
        let quote = from_quote.chars().next().unwrap_or('"');
        let inner_start = quote.len_utf8();
        let close = if quote == '“' { '”' } else { '"' };
        let Some(inner_len) = from_quote[inner_start..].find(close) else {
            out.push_str(from_quote);
            return out;
        };
        let inner = &from_quote[inner_start..inner_start + inner_len];
        let core = inner.trim_end_matches('…').trim_end_matches("...").trim();
        let is_title = !core.is_empty() && all_lines(summary).any(|line| line.title.contains(core));
        let span_end = inner_start + inner_len + close.len_utf8();
        if is_title {
            out.push(' ');
        } else {
            out.push_str(&from_quote[..span_end]);
        }
        rest = &from_quote[span_end..];
    }
    out.push_str(rest);
    out
}

/// Blanks the service names, ticket keys, fingerprints and failure names (longest first).
fn strip_known_names(text: &str, summary: &HealthSummary) -> String {
    let mut names: Vec<&str> = all_lines(summary)
        .flat_map(|line| {
            let key = line.ticket.as_ref().map(|t| t.key.as_str());
            [
                Some(line.title.as_str()),
                Some(line.service.as_str()),
                Some(line.fingerprint.as_str()),
                key,
            ]
        })
        .flatten()
        .chain(summary.services.iter().map(|s| s.service.as_str()))
        .chain(summary.failures.iter().map(|f| f.what.as_str()))
        .filter(|name| !name.trim().is_empty())
        .collect();
    names.sort_by_key(|name| std::cmp::Reverse(name.len()));
    names.dedup();
    names
        .into_iter()
        .fold(text.to_owned(), |text, name| text.replace(name, " "))
}

/// A number as written in the paragraph.
#[derive(Debug, Clone, PartialEq)]
struct Cited {
    raw: String,
    value: f64,
    decimals: i32,
    percent: bool,
}

/// Numbers in `text`: digit runs with optional `1,234` grouping and decimals, marked as
/// percentages when `%` or the word "percent" follows.
fn numbers_in(text: &str) -> Vec<Cited> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        let mut digits = String::new();
        while i < chars.len() && chars[i].is_ascii_digit() {
            digits.push(chars[i]);
            i += 1;
        }
        // `,ddd` groups: exactly three digits and no fourth.
        while chars.get(i) == Some(&',')
            && i + 4 <= chars.len()
            && chars[i + 1..i + 4].iter().all(char::is_ascii_digit)
            && !chars.get(i + 4).is_some_and(char::is_ascii_digit)
        {
            digits.extend(&chars[i + 1..i + 4]);
            i += 4;
        }
        let mut decimals = 0;
        if chars.get(i) == Some(&'.') && chars.get(i + 1).is_some_and(char::is_ascii_digit) {
            digits.push('.');
            i += 1;
            while i < chars.len() && chars[i].is_ascii_digit() {
                digits.push(chars[i]);
                decimals += 1;
                i += 1;
            }
        }
        let raw: String = chars[start..i].iter().collect();
        let after: String = chars[i..].iter().take(12).collect();
        let after = after.trim_start().to_lowercase();
        let percent = after.starts_with('%') || after.starts_with("percent");
        let value = digits.parse::<f64>().unwrap_or(f64::NAN);
        found.push(Cited {
            raw: if percent { format!("{raw}%") } else { raw },
            value,
            decimals,
            percent,
        });
    }
    found
}

/// The numbers a summary justifies.
struct Justified {
    /// Counts, ranks 1–5, 24 (hours) and the window's date and time parts.
    counts: Vec<u64>,
    /// Derived percentages (trends, shares of all events), unsigned and unrounded.
    percents: Vec<f64>,
    /// Cluster scores.
    scores: Vec<f64>,
}

impl Justified {
    fn of(s: &HealthSummary) -> Justified {
        let mut counts = vec![
            s.events,
            s.previous_events,
            s.events.abs_diff(s.previous_events),
            s.new_clusters.len() as u64,
            s.regressions.len() as u64,
            s.auto_closed.len() as u64,
            s.top.len() as u64,
            s.services.len() as u64,
            s.failures.len() as u64,
            s.open_tickets,
            s.prs_drafted,
            s.prs_merged,
            24,
        ];
        counts.extend(1..=5);
        counts.extend(date_parts(s.window_start));
        counts.extend(date_parts(s.window_end));
        let mut percents = Vec::new();
        let mut scores = Vec::new();
        let share = |events: u64| (s.events > 0).then(|| events as f64 / s.events as f64 * 100.0);
        percents.extend(unrounded_change(s.events, s.previous_events));
        for line in all_lines(s) {
            counts.extend([line.events, line.users]);
            scores.push(line.score);
            percents.extend(share(line.events));
        }
        for service in &s.services {
            counts.extend([
                service.events,
                service.previous_events,
                service.events.abs_diff(service.previous_events),
            ]);
            percents.extend(unrounded_change(service.events, service.previous_events));
            percents.extend(share(service.events));
        }
        Justified {
            counts,
            percents,
            scores,
        }
    }

    fn allows(&self, cited: &Cited) -> bool {
        let matches = |candidate: &f64| same_at(*candidate, cited.value, cited.decimals);
        if cited.percent {
            return self.percents.iter().any(matches);
        }
        let is_count = cited.decimals == 0 && self.counts.iter().any(|c| *c as f64 == cited.value);
        is_count || self.scores.iter().chain(&self.percents).any(matches)
    }
}

/// The unsigned change in percent, unrounded (matched at the precision cited).
fn unrounded_change(current: u64, previous: u64) -> Option<f64> {
    percent_change(current, previous)?;
    Some((current as f64 - previous as f64).abs() / previous as f64 * 100.0)
}

/// Whether `candidate` rounded to `decimals` places is `cited`.
fn same_at(candidate: f64, cited: f64, decimals: i32) -> bool {
    let scale = 10f64.powi(decimals);
    ((candidate * scale).round() - (cited * scale).round()).abs() < 0.5
}

fn date_parts(at: DateTime<Utc>) -> [u64; 5] {
    [
        u64::try_from(at.year()).unwrap_or(0),
        u64::from(at.month()),
        u64::from(at.day()),
        u64::from(at.hour()),
        u64::from(at.minute()),
    ]
}

#[cfg(test)]
mod scanner_tests {
    use super::numbers_in;

    #[test]
    fn reads_grouped_decimal_and_percent_numbers() {
        let found = numbers_in("1,234 events, up 25% (87.5); 3 percent; 1,23 and 12,3456.");
        let raw: Vec<&str> = found.iter().map(|n| n.raw.as_str()).collect();
        assert_eq!(raw, ["1,234", "25%", "87.5", "3%", "1", "23", "12", "3456"]);
        assert_eq!(found[0].value, 1234.0);
        assert_eq!(found[2].decimals, 1);
        assert!(found[1].percent && found[3].percent && !found[0].percent);
    }
}
