//! Summary cards held to the Adaptive Card subset.

use triaged_sandbox::contracts::validate::teams_card;

#[test]
fn summary_cards_validate_for_rich_and_quiet_days() {
    use crate::domain::summary::template_paragraph;
    use crate::domain::summary::testing::{quiet, rich};
    use crate::notify::teams::teams_message;

    let schema = teams_card();
    for day in [rich(), quiet()] {
        for paragraph in [template_paragraph(&day), super::model_paragraph()] {
            let message = serde_json::to_value(teams_message(&day, &paragraph)).expect("json");
            schema.assert_valid(&message["attachments"][0]["content"]);
        }
    }
}
