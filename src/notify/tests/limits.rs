//! Oversized and hostile data: very long titles and names, 60 services, many failures,
//! and markdown / mention / link injection. Payloads stay within limits, are accepted by
//! the emulators, and neutralise the injection.

use serde_json::Value;

use super::support::{slack_destination, start_slack, start_teams, teams_destination};
use crate::domain::summary::testing::{at, line, rich};
use crate::domain::summary::{HealthSummary, RunFailure, ServiceHealth, template_paragraph};
use crate::notify::slack::{
    Block, HEADER_MAX_CHARS, MAX_BLOCKS, SECTION_MAX_CHARS, Text, slack_message,
};
use crate::notify::teams::teams_message;
use crate::notify::{Notifier, post_all};
use triaged_sandbox::contracts::validate::teams_card;

const INJECTION: &str = "<!channel> *bold* <http://evil|x> & `tick` [link](http://evil) _i_";

fn huge() -> HealthSummary {
    let long = |prefix: &str| format!("{prefix} {}", "word ".repeat(1_000));
    let mut day = rich();
    for (n, cluster) in day.top.iter_mut().enumerate() {
        cluster.title = long(&format!("Top {n}"));
    }
    day.new_clusters = (0..30)
        .map(|n| line(n, &long("New"), "svc", "high", 50.0, (n.into(), 2), Some(n)))
        .collect();
    day.regressions = day.new_clusters.clone();
    day.auto_closed = day.new_clusters.clone();
    day.services = (0..60)
        .map(|n| ServiceHealth {
            service: format!("service-{n:02}-{}", "x".repeat(200)),
            events: 1_000 + u64::from(n),
            previous_events: 500,
            worst: Some(line(
                n,
                &long("Worst"),
                "svc",
                "critical",
                90.0,
                (9, 9),
                None,
            )),
        })
        .collect();
    day.failures = (0..20)
        .map(|n| RunFailure {
            what: format!("ingest: source {n} {}", "y".repeat(300)),
            at: at(5, n),
            detail: long("connection refused"),
        })
        .collect();
    day
}

fn injected() -> HealthSummary {
    let mut day = rich();
    day.top[0].title = INJECTION.to_owned();
    day.new_clusters[0].title = INJECTION.to_owned();
    day.services[0].service = INJECTION.to_owned();
    day.services[1].worst.as_mut().expect("worst").title = INJECTION.to_owned();
    day.failures[0].what = INJECTION.to_owned();
    day.failures[0].detail = INJECTION.to_owned();
    day
}

fn text_of(text: &Text) -> &str {
    match text {
        Text::PlainText { text, .. } | Text::Mrkdwn { text } => text,
    }
}

/// Every text object of the message with its block type.
fn slack_texts(blocks: &[Block]) -> Vec<(&'static str, &Text)> {
    blocks
        .iter()
        .flat_map(|block| match block {
            Block::Header { text } => vec![("header", text)],
            Block::Section { text } => vec![("section", text)],
            Block::Context { elements } => elements.iter().map(|e| ("context", e)).collect(),
            Block::Divider => Vec::new(),
        })
        .collect()
}

#[test]
fn slack_payload_stays_within_the_readme_limits() {
    let day = huge();
    let message = slack_message(&day, &template_paragraph(&day));
    assert!(
        message.blocks.len() <= MAX_BLOCKS,
        "{} blocks",
        message.blocks.len()
    );
    for (kind, text) in slack_texts(&message.blocks) {
        let chars = text_of(text).chars().count();
        let max = if kind == "header" {
            HEADER_MAX_CHARS
        } else {
            SECTION_MAX_CHARS
        };
        assert!((1..=max).contains(&chars), "{kind} of {chars} characters");
    }
    let all = serde_json::to_string(&message).expect("json");
    assert!(
        all.contains(" more services"),
        "services are cut with a count"
    );
    assert!(all.contains("…and"), "long lists say how many are left out");
}

#[test]
fn teams_payload_stays_within_28_kb_and_the_schema() {
    let day = huge();
    let message =
        serde_json::to_value(teams_message(&day, &template_paragraph(&day))).expect("json");
    let size = serde_json::to_vec(&message).expect("bytes").len();
    assert!(size <= 28 * 1024, "{size} bytes");
    teams_card().assert_valid(&message["attachments"][0]["content"]);
}

#[test]
fn slack_neutralises_mentions_links_and_formatting_in_data() {
    let day = injected();
    let message = slack_message(&day, &template_paragraph(&day));
    let neutral =
        "`&lt;!channel&gt; *bold* &lt;http://evil|x&gt; &amp; ˋtickˋ [link](http://evil) _i_`";
    let mut seen = 0;
    for (_, text) in slack_texts(&message.blocks) {
        match text {
            Text::Mrkdwn { text } => {
                assert!(!text.contains("<!"), "raw mention in {text}");
                assert!(!text.contains("<http://evil"), "raw link in {text}");
                // Outside code spans (even segments) no injected formatting survives.
                for (n, part) in text.split('`').enumerate() {
                    if n % 2 == 0 {
                        assert!(!part.contains("*bold*") && !part.contains("_i_"), "{text}");
                    }
                }
                seen += text.matches(neutral).count();
            }
            Text::PlainText { text, .. } => {
                // Plain text is never formatted or linked by Slack; it may quote a title.
                assert!(!text.contains("&lt;"), "plain text is not escaped: {text}");
            }
        }
    }
    assert!(
        seen >= 4,
        "the title shows, escaped, as code ({seen} times)"
    );
    assert!(
        !message.text.contains('<'),
        "the fallback has no data: {}",
        message.text
    );
}

#[test]
fn teams_keeps_data_out_of_markdown_elements() {
    let day = injected();
    let message =
        serde_json::to_value(teams_message(&day, &template_paragraph(&day))).expect("json");
    let card = &message["attachments"][0]["content"];
    teams_card().assert_valid(card);
    let mut markdown = Vec::new();
    let mut runs = Vec::new();
    collect_teams_texts(card, &mut markdown, &mut runs);
    for text in &markdown {
        assert!(
            !text.contains("evil") && !text.contains("channel"),
            "markdown element: {text}"
        );
    }
    assert!(
        runs.iter().filter(|t| t.contains(INJECTION)).count() >= 4,
        "{runs:#?}"
    );
    let fallback = card["fallbackText"].as_str().expect("fallback");
    assert!(!fallback.contains("evil"));
}

/// Texts of markdown-rendering elements (TextBlock, Fact) and of TextRuns (no markdown).
fn collect_teams_texts(node: &Value, markdown: &mut Vec<String>, runs: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            let text = map.get("text").and_then(Value::as_str).map(str::to_owned);
            match map.get("type").and_then(Value::as_str) {
                Some("TextRun") => runs.extend(text),
                Some("TextBlock") => markdown.extend(text),
                _ => {}
            }
            if let (Some(Value::String(t)), Some(Value::String(v))) =
                (map.get("title"), map.get("value"))
            {
                markdown.push(format!("{t} {v}"));
            }
            map.values()
                .for_each(|v| collect_teams_texts(v, markdown, runs));
        }
        Value::Array(items) => items
            .iter()
            .for_each(|v| collect_teams_texts(v, markdown, runs)),
        _ => {}
    }
}

#[tokio::test]
async fn emulators_accept_oversized_and_hostile_summaries() {
    let (slack, _slack_server, slack_url) = start_slack(11).await;
    let (teams, _teams_server, teams_url) = start_teams(12).await;
    let destinations = [
        slack_destination("ops-slack", &slack_url),
        teams_destination("ops-teams", &teams_url),
    ];
    let schema = teams_card();
    for day in [huge(), injected()] {
        let paragraph = template_paragraph(&day);
        for (name, result) in post_all(&destinations, &day, &paragraph).await {
            result.unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        let notifier = Notifier::from_destination(&destinations[0]).expect("notifier");
        let sent: Value = serde_json::from_slice(&notifier.body(&day, &paragraph)).expect("json");
        assert_eq!(slack.posted().last(), Some(&sent));
    }
    assert_eq!(slack.posted().len(), 2);
    let cards = teams.posted();
    assert_eq!(cards.len(), 2);
    cards.iter().for_each(|card| schema.assert_valid(card));
}
