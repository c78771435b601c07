//! Compiled JSON Schemas from the subsets, for tests to hold traffic to: Anthropic's
//! request and `Message` (pydantic output, JSON Schema 2020-12 with `$defs`), schemas
//! inside OpenAI's OpenAPI 3.1 description (the whole document is the root resource and
//! the validator points at a component through a `$ref`), and Adaptive Cards 1.5
//! (draft-06).

use std::sync::OnceLock;

use serde_json::Value;

use super::{Subset, json};

/// A compiled schema and what it is called in messages.
pub struct Contract {
    name: &'static str,
    validator: jsonschema::Validator,
}

impl Contract {
    /// Every violation, with where it is.
    pub fn errors(&self, value: &Value) -> Vec<String> {
        self.validator
            .iter_errors(value)
            .map(|e| format!("at {:?}: {e}", e.instance_path().to_string()))
            .collect()
    }

    pub fn assert_valid(&self, value: &Value) {
        let errors = self.errors(value);
        assert!(
            errors.is_empty(),
            "does not follow {}: {errors:#?}\n{value:#}",
            self.name
        );
    }

    pub fn assert_invalid(&self, value: &Value) {
        assert!(
            !self.errors(value).is_empty(),
            "{} accepted what it should not: {value:#}",
            self.name
        );
    }
}

fn compile(name: &'static str, draft: jsonschema::Draft, schema: &Value) -> Contract {
    let validator = jsonschema::options()
        .with_draft(draft)
        .build(schema)
        .unwrap_or_else(|e| panic!("{name} does not compile: {e}"));
    Contract { name, validator }
}

fn compile_subset(subset: Subset) -> Contract {
    let draft = match subset {
        Subset::TeamsCard => jsonschema::Draft::Draft6,
        _ => jsonschema::Draft::Draft202012,
    };
    compile(subset.spec().file, draft, json(subset))
}

/// The body of `POST /v1/messages`.
pub fn anthropic_request() -> &'static Contract {
    static CONTRACT: OnceLock<Contract> = OnceLock::new();
    CONTRACT.get_or_init(|| compile_subset(Subset::AnthropicRequest))
}

/// The `Message` answered.
pub fn anthropic_message() -> &'static Contract {
    static CONTRACT: OnceLock<Contract> = OnceLock::new();
    CONTRACT.get_or_init(|| compile_subset(Subset::AnthropicMessage))
}

/// An Adaptive Card as a Teams workflow takes it.
pub fn teams_card() -> &'static Contract {
    static CONTRACT: OnceLock<Contract> = OnceLock::new();
    CONTRACT.get_or_init(|| compile_subset(Subset::TeamsCard))
}

/// The OpenAI subset as the root resource, validating against
/// `#/components/schemas/{component}`.
fn openai_component(name: &'static str, component: &str) -> Contract {
    let mut root = json(Subset::OpenAiChat).clone();
    let Value::Object(document) = &mut root else {
        panic!("openai/chat.json is not an object");
    };
    assert!(
        document
            .get("components")
            .and_then(|c| c.get("schemas"))
            .and_then(|s| s.get(component))
            .is_some(),
        "openai/chat.json has no schema {component}"
    );
    document.insert(
        "$ref".to_owned(),
        Value::String(format!("#/components/schemas/{component}")),
    );
    compile(name, jsonschema::Draft::Draft202012, &root)
}

/// The body of `POST /chat/completions` (`CreateChatCompletionRequest`).
pub fn openai_request() -> &'static Contract {
    static CONTRACT: OnceLock<Contract> = OnceLock::new();
    CONTRACT.get_or_init(|| {
        openai_component(
            "openai/chat.json#CreateChatCompletionRequest",
            "CreateChatCompletionRequest",
        )
    })
}

/// A `chat.completion` answer (`CreateChatCompletionResponse`).
pub fn openai_response() -> &'static Contract {
    static CONTRACT: OnceLock<Contract> = OnceLock::new();
    CONTRACT.get_or_init(|| {
        openai_component(
            "openai/chat.json#CreateChatCompletionResponse",
            "CreateChatCompletionResponse",
        )
    })
}

/// An error answer (`ErrorResponse`).
pub fn openai_error() -> &'static Contract {
    static CONTRACT: OnceLock<Contract> = OnceLock::new();
    CONTRACT.get_or_init(|| openai_component("openai/chat.json#ErrorResponse", "ErrorResponse"))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn anthropic_schemas_accept_a_good_exchange_and_reject_broken_ones() {
        let request = json!({
            "model": "claude-sonnet-4-5", "max_tokens": 100,
            "messages": [{"role": "user", "content": "hi"}]
        });
        anthropic_request().assert_valid(&request);
        anthropic_request().assert_invalid(&json!({"model": "m", "messages": []}));
        anthropic_request().assert_invalid(&json!({
            "model": "m", "max_tokens": "many", "messages": [{"role": "user", "content": "hi"}]
        }));
        let message = json!({
            "id": "msg_1", "type": "message", "role": "assistant", "model": "m",
            "content": [{"type": "text", "text": "hello"}],
            "stop_reason": "end_turn", "stop_sequence": null,
            "usage": {"input_tokens": 3, "output_tokens": 1}
        });
        anthropic_message().assert_valid(&message);
        let mut wrong_stop = message.clone();
        wrong_stop["stop_reason"] = json!("bored");
        anthropic_message().assert_invalid(&wrong_stop);
    }

    #[test]
    fn openai_components_resolve_through_the_document() {
        let request = json!({"model": "gpt-4.1", "messages": [{"role": "user", "content": "hi"}]});
        openai_request().assert_valid(&request);
        openai_request().assert_invalid(&json!({"model": "gpt-4.1", "messages": []}));
        openai_request().assert_invalid(&json!({
            "model": "gpt-4.1", "messages": [{"role": "wizard", "content": "hi"}]
        }));
        openai_error().assert_valid(&json!({
            "error": {"message": "m", "type": "invalid_request_error", "param": null, "code": null}
        }));
        openai_error().assert_invalid(&json!({"error": {"message": "m"}}));
    }

    #[test]
    fn the_anthropic_subset_refuses_block_kinds_triaged_never_sends() {
        let image = json!({
            "model": "m", "max_tokens": 10,
            "messages": [{"role": "user", "content": [{"type": "image", "source": {
                "type": "url", "url": "https://example.com/a.png"
            }}]}]
        });
        anthropic_request().assert_invalid(&image);
        let text = json!({
            "model": "m", "max_tokens": 10,
            "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}]
        });
        anthropic_request().assert_valid(&text);
    }

    #[test]
    fn the_card_schema_rejects_what_teams_rejects() {
        let good = json!({
            "type": "AdaptiveCard", "version": "1.5",
            "body": [{ "type": "TextBlock", "text": "hi" }]
        });
        teams_card().assert_valid(&good);
        teams_card().assert_invalid(&json!({
            "type": "AdaptiveCard", "version": "1.5",
            "body": [{ "type": "TextBlock", "text": "hi", "bogus": 1 }]
        }));
        teams_card().assert_invalid(&json!({
            "type": "AdaptiveCard", "version": "1.5", "body": [{ "type": "TextBlock" }]
        }));
        teams_card().assert_invalid(&json!({
            "type": "AdaptiveCard", "version": "1.5",
            "body": [{ "type": "Media", "sources": [{"url": "https://example.com/a.mp4"}] }]
        }));
    }
}
