//! Golden payloads (insta snapshots in `snapshots/`) for a rich and a quiet day; the
//! schema, limits, injection and posting tests live in the submodules.

mod builders;
mod contract;
mod limits;
mod posting;
mod support;

use super::slack::slack_message;
use super::teams::teams_message;
use crate::domain::summary::testing::{quiet, rich};
use crate::domain::summary::{Paragraph, ParagraphAuthor, template_paragraph};

/// A paragraph as a model would write it (it passes `check_model_paragraph`).
pub(super) fn model_paragraph() -> Paragraph {
    Paragraph {
        text: "Errors rose 26% to 3,171 events. Checkout's timeout cluster leads with 1,840 \
               events and 312 users, and Sentry could not be read once, so counts may be low."
            .to_owned(),
        author: ParagraphAuthor::Model {
            model: "claude-test".to_owned(),
        },
    }
}

#[test]
fn slack_payload_for_a_rich_day() {
    let day = rich();
    insta::assert_json_snapshot!("slack_rich", slack_message(&day, &template_paragraph(&day)));
}

#[test]
fn slack_payload_for_a_quiet_day() {
    let day = quiet();
    insta::assert_json_snapshot!(
        "slack_quiet",
        slack_message(&day, &template_paragraph(&day))
    );
}

#[test]
fn teams_payload_for_a_rich_day() {
    let day = rich();
    insta::assert_json_snapshot!("teams_rich", teams_message(&day, &model_paragraph()));
}

#[test]
fn teams_payload_for_a_quiet_day() {
    let day = quiet();
    insta::assert_json_snapshot!(
        "teams_quiet",
        teams_message(&day, &template_paragraph(&day))
    );
}

#[test]
fn model_paragraph_fixture_passes_the_check() {
    let text = model_paragraph().text;
    assert_eq!(
        crate::domain::summary::check_model_paragraph(&text, &rich()),
        Ok(())
    );
}
