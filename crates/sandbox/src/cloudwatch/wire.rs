//! awsJson 1.1 request and response bodies of the emulated CloudWatch Logs operations,
//! and the error shapes the emulator answers with (`{"__type": ..., "message": ...}`).

use serde::{Deserialize, Serialize};

/// `FilterLogEvents` input, as far as the emulator reads it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FilterLogEventsRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_group_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_group_identifier: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_stream_names: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_stream_name_prefix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter_pattern: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_from_head: Option<bool>,
    /// Deprecated and ignored by AWS (always interleaved); accepted and ignored here too.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interleaved: Option<bool>,
}

/// `FilterLogEvents` output.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FilterLogEventsResponse {
    pub events: Vec<FilteredLogEvent>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
    /// No longer populated by AWS (an empty list since 2020); kept for shape fidelity.
    pub searched_log_streams: Vec<SearchedLogStream>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FilteredLogEvent {
    pub log_stream_name: String,
    pub timestamp: i64,
    pub message: String,
    pub ingestion_time: i64,
    pub event_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchedLogStream {
    pub log_stream_name: String,
    pub searched_completely: bool,
}

/// `DescribeLogGroups` input, as far as the emulator reads it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeLogGroupsRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_group_name_prefix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_group_name_pattern: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<i32>,
}

/// `DescribeLogGroups` output.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeLogGroupsResponse {
    pub log_groups: Vec<LogGroup>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogGroup {
    pub log_group_name: String,
    pub creation_time: i64,
    pub metric_filter_count: i32,
    pub arn: String,
    pub stored_bytes: i64,
    pub log_group_class: String,
    pub log_group_arn: String,
}

/// The `__type` values the emulator answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    InvalidParameter,
    ResourceNotFound,
    ServiceUnavailable,
    Throttling,
    InternalFailure,
    Serialization,
    UnknownOperation,
    MissingAuthenticationToken,
    IncompleteSignature,
}

impl ErrorKind {
    pub const ALL: [ErrorKind; 9] = [
        ErrorKind::InvalidParameter,
        ErrorKind::ResourceNotFound,
        ErrorKind::ServiceUnavailable,
        ErrorKind::Throttling,
        ErrorKind::InternalFailure,
        ErrorKind::Serialization,
        ErrorKind::UnknownOperation,
        ErrorKind::MissingAuthenticationToken,
        ErrorKind::IncompleteSignature,
    ];

    pub fn type_name(self) -> &'static str {
        match self {
            ErrorKind::InvalidParameter => "InvalidParameterException",
            ErrorKind::ResourceNotFound => "ResourceNotFoundException",
            ErrorKind::ServiceUnavailable => "ServiceUnavailableException",
            ErrorKind::Throttling => "ThrottlingException",
            ErrorKind::InternalFailure => "InternalFailure",
            ErrorKind::Serialization => "SerializationException",
            ErrorKind::UnknownOperation => "UnknownOperationException",
            ErrorKind::MissingAuthenticationToken => "MissingAuthenticationTokenException",
            ErrorKind::IncompleteSignature => "IncompleteSignatureException",
        }
    }

    /// HTTP status, per the AWS common-errors table (client errors 400, auth 403,
    /// `InternalFailure` 500, `ServiceUnavailable` 503).
    pub fn status(self) -> u16 {
        match self {
            ErrorKind::MissingAuthenticationToken | ErrorKind::IncompleteSignature => 403,
            ErrorKind::InternalFailure => 500,
            ErrorKind::ServiceUnavailable => 503,
            _ => 400,
        }
    }
}

/// An error answer: status from the kind, body `{"__type", "message"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub kind: ErrorKind,
    pub message: String,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    #[serde(rename = "__type")]
    type_name: &'a str,
    message: &'a str,
}

impl ApiError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> ApiError {
        ApiError {
            kind,
            message: message.into(),
        }
    }

    pub fn invalid(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorKind::InvalidParameter, message)
    }

    /// The wording AWS uses for a member that breaks a model constraint.
    pub fn constraint(member: &str, value: impl std::fmt::Display, rule: &str) -> ApiError {
        ApiError::invalid(format!(
            "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {rule}"
        ))
    }

    pub fn body(&self) -> Vec<u8> {
        let body = ErrorBody {
            type_name: self.kind.type_name(),
            message: &self.message,
        };
        serde_json::to_vec(&body).unwrap_or_default()
    }
}
