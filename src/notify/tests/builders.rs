//! Builder details: mrkdwn escaping, ticket links, the quiet day's shape, fallbacks.

use serde_json::Value;

use super::model_paragraph;
use crate::domain::summary::testing::{quiet, rich};
use crate::domain::summary::{TicketRef, template_paragraph};
use crate::notify::slack::{Block, Text, code, escape_mrkdwn, slack_message, ticket_link};
use crate::notify::teams::teams_message;

#[test]
fn mrkdwn_escapes_and_code_spans() {
    assert_eq!(escape_mrkdwn("a & <b> c"), "a &amp; &lt;b&gt; c");
    assert_eq!(code("<!channel> *x*", 100), "`&lt;!channel&gt; *x*`");
    assert_eq!(code("a`b", 100), "`aˋb`");
    assert_eq!(code("  ", 100), "`(none)`");
    assert_eq!(code("line\nbreak", 100), "`line break`");
    let long = code(&"é".repeat(500), 10);
    assert_eq!(long, format!("`{}…`", "é".repeat(9)));
}

#[test]
fn ticket_links_escape_the_url_and_refuse_other_schemes() {
    let ticket = TicketRef {
        key: "ENG-12".into(),
        url: "https://linear.app/a/ENG-12?x=1&y=<2>|z".into(),
    };
    assert_eq!(
        ticket_link(&ticket),
        "<https://linear.app/a/ENG-12?x=1&amp;y=&lt;2&gt;%7Cz|ENG-12>"
    );
    let odd = TicketRef {
        key: "ENG-13".into(),
        url: "javascript:alert(1)".into(),
    };
    assert_eq!(ticket_link(&odd), "`ENG-13`");
}

#[test]
fn slack_quiet_day_is_short_but_complete() {
    let day = quiet();
    let message = slack_message(&day, &template_paragraph(&day));
    assert!(message.text.contains("all clear"), "{}", message.text);
    assert_eq!(message.blocks.len(), 4, "{:#?}", message.blocks);
    assert!(matches!(message.blocks[0], Block::Header { .. }));
    match &message.blocks[1] {
        Block::Section {
            text: Text::PlainText { text, .. },
        } => assert!(text.contains("All clear"), "{text}"),
        other => panic!("paragraph block: {other:?}"),
    }
}

#[test]
fn slack_failures_come_first_and_loud() {
    let day = rich();
    let message = slack_message(&day, &model_paragraph());
    match &message.blocks[1] {
        Block::Section {
            text: Text::Mrkdwn { text },
        } => {
            assert!(
                text.starts_with(":rotating_light: *1 failed run or source"),
                "{text}"
            );
            assert!(
                text.contains("`ingest: source sentry` at 06:10 UTC"),
                "{text}"
            );
        }
        other => panic!("failures block: {other:?}"),
    }
    assert!(message.text.contains("1 failed run"), "{}", message.text);
}

#[test]
fn slack_footer_names_the_model_and_links_the_dashboard() {
    let message = slack_message(&rich(), &model_paragraph());
    let Some(Block::Context { elements }) = message.blocks.last() else {
        panic!("footer: {:?}", message.blocks.last());
    };
    let texts: Vec<&str> = elements
        .iter()
        .map(|e| match e {
            Text::Mrkdwn { text } | Text::PlainText { text, .. } => text.as_str(),
        })
        .collect();
    assert!(
        texts.contains(&"Summary written by `claude-test`"),
        "{texts:?}"
    );
    assert!(texts.contains(&"<https://triaged.example.com/dashboard|Open the dashboard>"));
}

#[test]
fn teams_card_has_the_envelope_and_the_dashboard_action() {
    let message = serde_json::to_value(teams_message(&rich(), &model_paragraph())).expect("json");
    assert_eq!(message["type"], "message");
    let attachment = &message["attachments"][0];
    assert_eq!(
        attachment["contentType"],
        "application/vnd.microsoft.card.adaptive"
    );
    assert_eq!(attachment["contentUrl"], Value::Null);
    let card = &attachment["content"];
    assert_eq!(card["type"], "AdaptiveCard");
    assert_eq!(card["version"], "1.5");
    assert_eq!(card["actions"][0]["type"], "Action.OpenUrl");
    assert_eq!(
        card["actions"][0]["url"],
        "https://triaged.example.com/dashboard"
    );
    let first = &card["body"][2];
    assert_eq!(first["type"], "Container", "failures right after the title");
    assert_eq!(first["style"], "attention");
}

#[test]
fn teams_quiet_day_has_no_lists_and_no_action_without_dashboard() {
    let day = quiet();
    let message =
        serde_json::to_value(teams_message(&day, &template_paragraph(&day))).expect("json");
    let card = &message["attachments"][0]["content"];
    assert!(card.get("actions").is_none());
    let body = card["body"].as_array().expect("body");
    assert_eq!(body.len(), 5, "{body:#?}");
    assert!(
        body[2]["inlines"][0]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("✅ All clear"))
    );
}

#[test]
fn an_empty_paragraph_falls_back_to_the_numbers() {
    let mut paragraph = template_paragraph(&rich());
    paragraph.text = "   ".into();
    let slack = slack_message(&rich(), &paragraph);
    let Block::Section {
        text: Text::PlainText { text, .. },
    } = &slack.blocks[2]
    else {
        panic!("paragraph: {:?}", slack.blocks[2]);
    };
    assert!(text.starts_with("Morning health summary"), "{text}");
}
