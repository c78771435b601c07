//! Trend rule, template paragraph, model paragraph check and fact sheet.

use super::testing::{quiet, rich};
use super::*;

#[test]
fn trend_needs_twenty_percent_and_ten_events() {
    assert_eq!(Trend::between(120, 100), Trend::Up);
    assert_eq!(Trend::between(119, 100), Trend::Flat, "19 %");
    assert_eq!(Trend::between(80, 100), Trend::Down);
    assert_eq!(
        Trend::between(12, 5),
        Trend::Flat,
        "140 % but only 7 events"
    );
    assert_eq!(Trend::between(15, 5), Trend::Up);
    assert_eq!(Trend::between(3, 0), Trend::New);
    assert_eq!(Trend::between(0, 0), Trend::Flat);
    assert_eq!(Trend::between(0, 40), Trend::Down);
    assert_eq!(percent_change(3_171, 2_520), Some(26));
    assert_eq!(percent_change(402, 980), Some(-59));
    assert_eq!(percent_change(5, 0), None);
    assert_eq!(trend_label(3_171, 2_520), "↑ 26%");
    assert_eq!(trend_label(402, 980), "↓ 59%");
    assert_eq!(trend_label(230, 260), "→ 12%");
    assert_eq!(trend_label(655, 0), "↑ new");
    assert_eq!(trend_label(0, 0), "→");
}

#[test]
fn quiet_means_no_events_nothing_new_and_no_failures() {
    assert!(quiet().is_quiet());
    assert!(!rich().is_quiet());
    let mut failed = quiet();
    failed.failures = rich().failures;
    assert!(
        !failed.is_quiet(),
        "a failed run is news even on a quiet day"
    );
    let mut regressed = quiet();
    regressed.regressions = rich().regressions;
    assert!(!regressed.is_quiet());
}

#[test]
fn group_thousands_and_shorten() {
    assert_eq!(group_thousands(0), "0");
    assert_eq!(group_thousands(999), "999");
    assert_eq!(group_thousands(1_000), "1,000");
    assert_eq!(group_thousands(1_234_567), "1,234,567");
    assert_eq!(prose::shorten("abc", 3), "abc");
    assert_eq!(prose::shorten("abcd", 3), "ab…");
    assert_eq!(prose::shorten("ééééé", 4), "ééé…");
    assert_eq!(prose::shorten("a\nb\tc", 10), "a b c");
}

#[test]
fn template_paragraph_for_a_rich_day() {
    let paragraph = template_paragraph(&rich());
    assert_eq!(paragraph.author, ParagraphAuthor::Template);
    assert_eq!(
        paragraph.text,
        "Heads-up: 1 run or source of triaged failed (ingest: source sentry), so these \
         numbers may be incomplete. In the last 24 hours triaged recorded 3,171 events, up 26% \
         from 2,520 the day before. 2 new clusters appeared, 1 regression came back, and 1 \
         ticket was closed automatically. The worst is \"TimeoutError: upstream <host> did not \
         answer within <n> ms\" in checkout (critical, 1,840 events, 312 users)."
    );
    check_model_paragraph(&paragraph.text, &rich()).expect("the template cites real numbers");
}

#[test]
fn template_paragraph_for_a_quiet_day() {
    let paragraph = template_paragraph(&quiet());
    assert!(
        paragraph.text.starts_with("All clear"),
        "{}",
        paragraph.text
    );
    assert_eq!(paragraph.text.matches(". ").count(), 0, "one sentence");
    check_model_paragraph(&paragraph.text, &quiet()).expect("numbers justified");
}

#[test]
fn template_paragraph_flat_and_empty_variants() {
    let mut day = rich();
    day.failures.clear();
    day.previous_events = 3_000;
    day.new_clusters.clear();
    day.regressions.clear();
    day.auto_closed.clear();
    let text = template_paragraph(&day).text;
    assert!(text.contains("about the same as the 3,000"), "{text}");
    assert!(text.contains("No new clusters or regressions"), "{text}");
    assert_eq!(text.matches(". ").count() + 1, 3, "three sentences: {text}");
    let mut long = rich();
    long.top[0].title = "x".repeat(5_000);
    let text = template_paragraph(&long).text;
    assert!(text.chars().count() < 700, "titles are cut: {}", text.len());
}

#[test]
fn model_paragraph_citing_real_numbers_passes() {
    let text = "Errors rose 26% to 3,171 events over the past 24 hours (2,520 before). Two new \
                clusters and 1 regression appeared; the top issue, \"TimeoutError: upstream \
                <host> did not answer within <n> ms\" in checkout, hit 312 users with a score of \
                92.4. Catalog now accounts for 21% of events, and orders fell 59%. ENG-101 \
                tracks the worst; 14 tickets are open and 3 PRs were drafted.";
    assert_eq!(check_model_paragraph(text, &rich()), Ok(()));
}

#[test]
fn model_paragraph_with_a_wrong_number_is_rejected() {
    let err = check_model_paragraph("Events rose 30% to 3,171.", &rich()).unwrap_err();
    assert!(err.contains("30%"), "{err}");
    let err = check_model_paragraph("We saw 3,172 events.", &rich()).unwrap_err();
    assert!(err.contains("3,172"), "{err}");
    let err = check_model_paragraph("The worst scored 92.7.", &rich()).unwrap_err();
    assert!(err.contains("92.7"), "{err}");
    let err = check_model_paragraph("Rank 6 of the list is new.", &rich()).unwrap_err();
    assert!(err.contains('6'), "{err}");
    let err = check_model_paragraph("p95 latency doubled.", &rich()).unwrap_err();
    assert!(err.contains("95"), "{err}");
}

#[test]
fn model_paragraph_numbers_inside_titles_and_names_are_not_cited() {
    let mut day = rich();
    day.top[0].title = "Timeout after 30000 ms calling payments-v2".into();
    day.top[0].service = "payments-v2".into();
    let quoted = "The worst is \"Timeout after 30000 ms calling…\" in payments-v2.";
    assert_eq!(check_model_paragraph(quoted, &day), Ok(()));
    let bare = "Timeouts after 30000 ms hit payments.";
    assert!(
        check_model_paragraph(bare, &day).is_err(),
        "unquoted, it is a claim"
    );
}

#[test]
fn model_paragraph_links_mentions_and_length_are_rejected() {
    let day = rich();
    for text in [
        "",
        "   ",
        "See https://evil.example for details.",
        "See [the dashboard](x) for details.",
        "Ping <!channel> now.",
        "Ping @here now.",
        "Mail ops@example.com.",
        "Visit www.example.com today.",
        "<http://evil|click> here",
    ] {
        assert!(
            check_model_paragraph(text, &day).is_err(),
            "accepted {text:?}"
        );
    }
    let long = "All good. ".repeat(81);
    let err = check_model_paragraph(&long, &day).unwrap_err();
    assert!(err.contains("800"), "{err}");
}

#[test]
fn facts_hold_numbers_names_and_quoted_titles_but_no_urls_or_details() {
    let facts = summary_facts(&rich());
    assert!(facts.contains("events: 3171 (previous 24 hours: 2520; trend: +26% (rising))"));
    assert!(facts.contains("title \"KeyError: 'currency' in PriceFormatter.render\""));
    assert!(facts.contains("service \"catalog\": 655 events"));
    assert!(facts.contains("new, none the day before"));
    assert!(facts.contains("failed runs or sources of triaged: 1"));
    assert!(facts.contains("\"ingest: source sentry\""));
    assert!(!facts.contains("http"), "no URLs: {facts}");
    assert!(!facts.contains("503"), "no failure details: {facts}");
    let quiet_facts = summary_facts(&quiet());
    assert!(quiet_facts.contains("events: 0 (previous 24 hours: 0; trend: flat)"));
}

#[test]
fn summary_round_trips_through_json() {
    let day = rich();
    let json = serde_json::to_string(&day).expect("serialize");
    let back: HealthSummary = serde_json::from_str(&json).expect("deserialize");
    assert_eq!(back, day);
    let model = Paragraph {
        text: "x".into(),
        author: ParagraphAuthor::Model {
            model: "m-1".into(),
        },
    };
    let json = serde_json::to_value(&model).expect("serialize");
    assert_eq!(json["author"]["kind"], "model");
}
