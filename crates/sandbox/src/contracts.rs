//! The project's own subsets of the vendors' published contracts, in `contracts/`: only
//! the operations, types, fields and enum values triaged and its emulators use, as facts
//! with no vendor prose. They are compiled into the crate, so nothing is read from disk.
//!
//! - `catalog`: which subsets there are, their upstream files, and how each is cut.
//! - `cut` (JSON: OpenAPI, botocore, JSON Schema) and `graphql` (SDL) cut a subset from
//!   its upstream file; the `contract-subsets` command writes them.
//! - `drift`: what in a subset is not so upstream (the drift test).
//! - `validate`: compiled JSON Schemas that tests hold traffic to.

pub mod catalog;
pub mod cut;
pub mod drift;
pub mod graphql;
pub mod validate;

use std::sync::{Arc, OnceLock};

use apollo_compiler::Schema;
use apollo_compiler::validation::Valid;
use serde_json::Value;

pub use catalog::{Cut, SPECS, Spec, Subset};

/// The subset's text, as committed in `contracts/`.
pub fn text(subset: Subset) -> &'static str {
    match subset {
        Subset::Linear => include_str!("../contracts/linear/schema.graphql"),
        Subset::Sentry => include_str!("../contracts/sentry/openapi.json"),
        Subset::GitHub => include_str!("../contracts/github/openapi.json"),
        Subset::CloudWatchLogs => include_str!("../contracts/aws/logs.json"),
        Subset::AnthropicRequest => include_str!("../contracts/anthropic/create-params.json"),
        Subset::AnthropicMessage => include_str!("../contracts/anthropic/message.json"),
        Subset::OpenAiChat => include_str!("../contracts/openai/chat.json"),
        Subset::TeamsCard => include_str!("../contracts/teams/adaptive-card.json"),
    }
}

/// A JSON subset, parsed once per process.
///
/// # Panics
/// For `Subset::Linear` (SDL, see `linear_schema`), or if a committed file is not JSON,
/// which the crate's own tests rule out.
pub fn json(subset: Subset) -> &'static Value {
    static PARSED: [OnceLock<Value>; SPECS.len()] = [const { OnceLock::new() }; SPECS.len()];
    let index = SPECS
        .iter()
        .position(|spec| spec.subset == subset)
        .expect("every subset has a spec");
    PARSED[index].get_or_init(|| {
        assert!(subset != Subset::Linear, "the Linear subset is SDL");
        serde_json::from_str(text(subset))
            .unwrap_or_else(|e| panic!("contracts/{} is not JSON: {e}", subset.spec().file))
    })
}

/// Linear's schema subset, parsed and validated once per process and shared (about
/// 20 ms in a debug build).
///
/// # Panics
/// If the committed SDL does not validate, which the crate's own tests rule out.
pub fn linear_schema() -> Arc<Valid<Schema>> {
    static SCHEMA: OnceLock<Arc<Valid<Schema>>> = OnceLock::new();
    SCHEMA
        .get_or_init(|| {
            let schema = Schema::parse_and_validate(text(Subset::Linear), "linear/schema.graphql")
                .unwrap_or_else(|invalid| {
                    panic!("contracts/linear/schema.graphql: {}", invalid.errors)
                });
            Arc::new(schema)
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_subset_parses() {
        for spec in &SPECS {
            match spec.subset {
                Subset::Linear => assert!(!linear_schema().types.is_empty()),
                subset => assert!(json(subset).is_object(), "{}", spec.file),
            }
        }
    }
}
