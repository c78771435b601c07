//! The JSON Schema of the `propose_fix` tool's input, as given to the model. It mirrors
//! [`super::Proposal`] field for field (`additionalProperties: false` where serde denies
//! unknown fields); what a schema cannot say — exactly one of `new_contents` and `diff`,
//! the path rules — [`super::check_patch`] enforces.

use serde_json::{Value, json};

/// The tool's name, as offered to the model.
pub const PROPOSE_FIX_TOOL: &str = "propose_fix";

/// The JSON Schema of [`super::Proposal`].
pub fn propose_fix_schema() -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["summary", "root_cause", "confidence", "files", "test_plan", "risk"],
        "properties": {
            "summary": {
                "type": "string",
                "description": "One or two plain sentences: what the patch changes and why. No links or images."
            },
            "root_cause": {
                "type": "string",
                "description": "Why the error happens, citing the evidence (frames, messages)."
            },
            "confidence": {
                "type": "number",
                "minimum": 0,
                "maximum": 1,
                "description": "How likely the patch fixes the error, from 0 to 1."
            },
            "files": {
                "type": "array",
                "minItems": 1,
                "description": "The files to change: only files you were shown, each once.",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["path"],
                    "properties": {
                        "path": {
                            "type": "string",
                            "description": "The path exactly as shown, relative to the repository root."
                        },
                        "new_contents": {
                            "type": "string",
                            "description": "The whole new text of the file. Give this or diff, not both."
                        },
                        "diff": {
                            "type": "string",
                            "description": "A unified diff of this one file against the text you were shown (@@ -l,n +l,n @@ hunks with 3 lines of context; the counts must match the hunk). Give this or new_contents, not both."
                        }
                    }
                }
            },
            "test_plan": {
                "type": "string",
                "description": "How a reviewer can check the fix: tests added or to run, and what they show."
            },
            "risk": {
                "type": "string",
                "description": "What could break and how likely that is."
            }
        }
    })
}
