//! The vendor contracts, read at test time: `contracts_dir()` and the Adaptive Card 1.5
//! schema validator.

use serde_json::Value;

pub(crate) use triaged_sandbox::contracts_dir;

/// Validates Adaptive Cards against `teams/adaptive-card-1.5.json` (draft-06).
pub(crate) struct CardSchema {
    validator: jsonschema::Validator,
}

impl CardSchema {
    pub(crate) fn load() -> CardSchema {
        let path = contracts_dir().join("teams/adaptive-card-1.5.json");
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
        let draft = match schema.get("$schema").and_then(Value::as_str) {
            Some(s) if s.contains("draft-07") => jsonschema::Draft::Draft7,
            Some(s) if s.contains("draft-04") => jsonschema::Draft::Draft4,
            _ => jsonschema::Draft::Draft6,
        };
        let validator = jsonschema::options()
            .with_draft(draft)
            .build(&schema)
            .expect("the card schema compiles");
        CardSchema { validator }
    }

    /// Every violation, with where it is.
    pub(crate) fn errors(&self, card: &Value) -> Vec<String> {
        self.validator
            .iter_errors(card)
            .map(|e| format!("at {}: {e}", e.instance_path()))
            .collect()
    }

    pub(crate) fn assert_valid(&self, card: &Value) {
        let errors = self.errors(card);
        assert!(errors.is_empty(), "card does not validate: {errors:#?}");
    }
}

#[test]
fn the_schema_rejects_what_it_should() {
    let schema = CardSchema::load();
    let good = serde_json::json!({
        "type": "AdaptiveCard", "version": "1.5",
        "body": [{ "type": "TextBlock", "text": "hi" }]
    });
    schema.assert_valid(&good);
    let unknown_property = serde_json::json!({
        "type": "AdaptiveCard", "version": "1.5",
        "body": [{ "type": "TextBlock", "text": "hi", "bogus": 1 }]
    });
    assert!(!schema.errors(&unknown_property).is_empty());
    let no_text = serde_json::json!({
        "type": "AdaptiveCard", "version": "1.5", "body": [{ "type": "TextBlock" }]
    });
    assert!(!schema.errors(&no_text).is_empty());
}

#[test]
fn summary_cards_validate_for_rich_and_quiet_days() {
    use crate::domain::summary::fixtures::{quiet, rich};
    use crate::domain::summary::template_paragraph;
    use crate::notify::teams::teams_message;

    let schema = CardSchema::load();
    for day in [rich(), quiet()] {
        for paragraph in [template_paragraph(&day), super::model_paragraph()] {
            let message = serde_json::to_value(teams_message(&day, &paragraph)).expect("json");
            schema.assert_valid(&message["attachments"][0]["content"]);
        }
    }
}
