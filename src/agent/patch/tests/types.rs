//! The tool's input type, its schema, the rules' defaults and the rejection's display.

use serde_json::json;

use super::*;

#[test]
fn rules_deserialise_with_defaults_and_refuse_unknown_keys() {
    let rules: PatchRules = serde_json::from_value(json!({"max_files": 2})).unwrap();
    assert_eq!(
        rules,
        PatchRules {
            max_files: 2,
            ..PatchRules::default()
        }
    );
    assert_eq!(
        PatchRules::default().allowed_prefixes,
        ["src/", "lib/", "app/"]
    );
    assert!(serde_json::from_value::<PatchRules>(json!({"max_file": 2})).is_err());
}

#[test]
fn rejections_display_the_check_and_reason() {
    let rejected = PatchRejection {
        check: CHANGED_LINES,
        reason: "81 lines changed; at most 80".into(),
    };
    assert_eq!(
        rejected.to_string(),
        "patch rejected by the changed_lines check: 81 lines changed; at most 80"
    );
}

#[test]
fn the_schema_matches_the_input_type() {
    let schema = propose_fix_schema();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let input = serde_json::to_value(proposal(vec![diff("src/app.py", FIX_DIFF)])).unwrap();
    assert!(validator.is_valid(&input), "{input}");
    let parsed: Proposal = serde_json::from_value(input.clone()).unwrap();
    assert_eq!(parsed.files[0].diff.as_deref(), Some(FIX_DIFF));
    // Every field of the type is a property, and unknown fields fail both ways.
    let properties = schema["properties"].as_object().unwrap();
    for key in input.as_object().unwrap().keys() {
        assert!(
            properties.contains_key(key),
            "{key} missing from the schema"
        );
    }
    let mut extra = input.clone();
    extra["files"][0]["mode"] = json!("100755");
    assert!(!validator.is_valid(&extra));
    assert!(serde_json::from_value::<Proposal>(extra).is_err());
    let mut top = input;
    top["approve"] = json!(true);
    assert!(!validator.is_valid(&top));
    assert!(serde_json::from_value::<Proposal>(top).is_err());
    // The model may leave out either file field or send null.
    let minimal = json!({"summary": "s", "root_cause": "r", "confidence": 0.5, "test_plan": "t", "risk": "k",
                         "files": [{"path": "src/app.py", "diff": FIX_DIFF, "new_contents": null}]});
    assert!(serde_json::from_value::<Proposal>(minimal).is_ok());
    assert_eq!(PROPOSE_FIX_TOOL, "propose_fix");
}
