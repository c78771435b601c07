//! Errors as Linear writes them: `message` plus `extensions` with `code`, `type`,
//! `statusCode`, `userError` and `userPresentableMessage` (shapes observed from the live
//! API: an unknown id is `INPUT_ERROR` "Entity not found: Issue", a missing key
//! `AUTHENTICATION_ERROR` with HTTP 401, a spent quota `RATELIMITED` with HTTP 400).

use serde_json::{Map, Value, json};

/// One GraphQL error the emulator answers with.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct LinearError {
    pub(super) message: String,
    /// `extensions.code`, e.g. `INPUT_ERROR`.
    pub(super) code: &'static str,
    /// `extensions.type`, e.g. `invalid input`.
    pub(super) kind: &'static str,
    /// The HTTP status a response made of this error gets.
    pub(super) status: u16,
    pub(super) user_message: Option<String>,
}

impl LinearError {
    /// An id or key that names nothing (`entity` is the GraphQL type, e.g. `Issue`).
    pub(super) fn not_found(entity: &str) -> LinearError {
        LinearError {
            message: format!("Entity not found: {entity}"),
            code: "INPUT_ERROR",
            kind: "invalid input",
            status: 400,
            user_message: Some(format!("Could not find referenced {entity}.")),
        }
    }

    /// An input Linear refuses (a title too long, an id already taken, …).
    pub(super) fn invalid_input(explanation: impl Into<String>) -> LinearError {
        LinearError {
            message: "Argument Validation Error".to_owned(),
            code: "INPUT_ERROR",
            kind: "invalid input",
            status: 400,
            user_message: Some(explanation.into()),
        }
    }

    /// Something valid for Linear that this emulator does not do: said loudly, so a
    /// client relying on it fails a test instead of getting a silently wrong answer.
    pub(super) fn unsupported(detail: impl Into<String>) -> LinearError {
        LinearError {
            message: format!("the Linear emulator does not implement {}", detail.into()),
            code: "EMULATOR_UNSUPPORTED",
            kind: "graphql error",
            status: 400,
            user_message: None,
        }
    }

    /// The document does not parse or does not validate against the schema.
    pub(super) fn validation(message: impl Into<String>) -> LinearError {
        LinearError {
            message: message.into(),
            code: "GRAPHQL_VALIDATION_FAILED",
            kind: "graphql error",
            status: 400,
            user_message: None,
        }
    }

    /// The variables do not fit the operation's variable definitions.
    pub(super) fn bad_variables(message: impl Into<String>) -> LinearError {
        LinearError {
            message: message.into(),
            code: "BAD_USER_INPUT",
            kind: "graphql error",
            status: 400,
            user_message: None,
        }
    }

    /// The body is not a GraphQL request.
    pub(super) fn bad_request(message: impl Into<String>) -> LinearError {
        LinearError {
            message: message.into(),
            code: "BAD_REQUEST",
            kind: "graphql error",
            status: 400,
            user_message: None,
        }
    }

    pub(super) fn authentication() -> LinearError {
        LinearError {
            message: "Authentication required, not authenticated".to_owned(),
            code: "AUTHENTICATION_ERROR",
            kind: "authentication error",
            status: 401,
            user_message: Some("You need to authenticate to access this operation.".to_owned()),
        }
    }

    pub(super) fn ratelimited() -> LinearError {
        LinearError {
            message: "Rate limit exceeded".to_owned(),
            code: "RATELIMITED",
            kind: "ratelimited",
            status: 400,
            user_message: Some(
                "Too many API requests: the rate limit resets at the time in X-RateLimit-Requests-Reset."
                    .to_owned(),
            ),
        }
    }

    pub(super) fn internal(message: impl Into<String>) -> LinearError {
        LinearError {
            message: message.into(),
            code: "INTERNAL_SERVER_ERROR",
            kind: "internal error",
            status: 500,
            user_message: None,
        }
    }

    /// The `extensions` object.
    pub(super) fn extensions(&self) -> Map<String, Value> {
        let mut extensions = Map::new();
        extensions.insert("code".into(), json!(self.code));
        extensions.insert("type".into(), json!(self.kind));
        extensions.insert("statusCode".into(), json!(self.status));
        extensions.insert("userError".into(), json!(self.status < 500));
        if let Some(user_message) = &self.user_message {
            extensions.insert("userPresentableMessage".into(), json!(user_message));
        }
        extensions
    }

    /// `{ message, extensions }`.
    pub(super) fn to_json(&self) -> Value {
        json!({ "message": self.message, "extensions": self.extensions() })
    }
}

/// A response body made of request errors only (no `data`).
pub(super) fn errors_body(errors: &[LinearError]) -> Value {
    json!({ "errors": errors.iter().map(LinearError::to_json).collect::<Vec<_>>() })
}
