//! Failures of the CloudWatch source, each naming the log group (or prefix) it concerns,
//! and which of them a later run may cure.

use aws_sdk_cloudwatchlogs::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

#[derive(Debug, thiserror::Error)]
pub enum CloudWatchError {
    #[error("CloudWatch log group {group}: does not exist")]
    NotFound { group: String },
    #[error("CloudWatch log group {group}: access denied ({code}): {message}")]
    AccessDenied {
        group: String,
        code: String,
        message: String,
    },
    #[error("CloudWatch log group {group}: request rejected ({code}): {message}")]
    InvalidRequest {
        group: String,
        code: String,
        message: String,
    },
    #[error("CloudWatch log group {group}: throttled, retries exhausted: {message}")]
    Throttled { group: String, message: String },
    #[error("CloudWatch log group {group}: service error {status} ({code}): {message}")]
    Service {
        group: String,
        status: u16,
        code: String,
        message: String,
    },
    #[error("CloudWatch log group {group}: timed out: {detail}")]
    Timeout { group: String, detail: String },
    #[error("CloudWatch log group {group}: request failed: {detail}")]
    Transport { group: String, detail: String },
    #[error("CloudWatch log group {group}: unreadable response: {detail}")]
    BadResponse { group: String, detail: String },
    #[error("CloudWatch source configuration: {0}")]
    Config(String),
}

/// Codes that mean the caller's identity or permissions are wrong.
const ACCESS_CODES: [&str; 7] = [
    "AccessDeniedException",
    "UnrecognizedClientException",
    "MissingAuthenticationTokenException",
    "IncompleteSignatureException",
    "InvalidSignatureException",
    "InvalidClientTokenId",
    "NotAuthorized",
];
const THROTTLE_CODES: [&str; 5] = [
    "ThrottlingException",
    "Throttling",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "LimitExceededException",
];
const INVALID_CODES: [&str; 5] = [
    "InvalidParameterException",
    "ValidationException",
    "SerializationException",
    "UnknownOperationException",
    "InvalidOperationException",
];
/// 4xx codes that a later attempt may still pass (credentials refresh, slow requests).
const TRANSIENT_CLIENT_CODES: [&str; 3] = [
    "ExpiredTokenException",
    "RequestTimeout",
    "RequestTimeoutException",
];

impl CloudWatchError {
    /// Whether a later run may succeed without anyone changing anything.
    pub fn is_retryable(&self) -> bool {
        match self {
            CloudWatchError::Throttled { .. }
            | CloudWatchError::Timeout { .. }
            | CloudWatchError::Transport { .. }
            | CloudWatchError::BadResponse { .. } => true,
            CloudWatchError::Service { status, code, .. } => {
                *status >= 500 || TRANSIENT_CLIENT_CODES.contains(&code.as_str())
            }
            CloudWatchError::NotFound { .. }
            | CloudWatchError::AccessDenied { .. }
            | CloudWatchError::InvalidRequest { .. }
            | CloudWatchError::Config(_) => false,
        }
    }

    /// Classifies an SDK failure (after the SDK's own retries) for `group`.
    pub fn from_sdk<E>(group: &str, error: SdkError<E>) -> CloudWatchError
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let group = group.to_string();
        let detail = DisplayErrorContext(&error).to_string();
        match &error {
            SdkError::ServiceError(service) => {
                let code = service.err().code().unwrap_or("Unknown").to_string();
                let message = service.err().message().unwrap_or("").to_string();
                let status = service.raw().status().as_u16();
                if (200..300).contains(&status) {
                    CloudWatchError::BadResponse { group, detail }
                } else if code == "ResourceNotFoundException" {
                    CloudWatchError::NotFound { group }
                } else if ACCESS_CODES.contains(&code.as_str()) {
                    CloudWatchError::AccessDenied {
                        group,
                        code,
                        message,
                    }
                } else if THROTTLE_CODES.contains(&code.as_str()) {
                    CloudWatchError::Throttled { group, message }
                } else if INVALID_CODES.contains(&code.as_str()) {
                    CloudWatchError::InvalidRequest {
                        group,
                        code,
                        message,
                    }
                } else {
                    CloudWatchError::Service {
                        group,
                        status,
                        code,
                        message,
                    }
                }
            }
            SdkError::TimeoutError(_) => CloudWatchError::Timeout { group, detail },
            SdkError::DispatchFailure(failure) if failure.is_timeout() => {
                CloudWatchError::Timeout { group, detail }
            }
            SdkError::DispatchFailure(failure) if failure.is_user() => {
                CloudWatchError::Config(format!("{group}: {detail}"))
            }
            SdkError::ResponseError(_) => CloudWatchError::BadResponse { group, detail },
            SdkError::ConstructionFailure(_) => {
                CloudWatchError::Config(format!("{group}: {detail}"))
            }
            _ => CloudWatchError::Transport { group, detail },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(status: u16, code: &str) -> CloudWatchError {
        CloudWatchError::Service {
            group: "g".into(),
            status,
            code: code.into(),
            message: String::new(),
        }
    }

    #[test]
    fn transient_failures_are_retryable_and_mistakes_are_not() {
        assert!(service(503, "ServiceUnavailableException").is_retryable());
        assert!(service(500, "InternalFailure").is_retryable());
        assert!(service(400, "ExpiredTokenException").is_retryable());
        assert!(!service(400, "SomethingElse").is_retryable());
        assert!(
            CloudWatchError::Throttled {
                group: "g".into(),
                message: String::new()
            }
            .is_retryable()
        );
        assert!(
            CloudWatchError::Timeout {
                group: "g".into(),
                detail: String::new()
            }
            .is_retryable()
        );
        assert!(!CloudWatchError::NotFound { group: "g".into() }.is_retryable());
        assert!(!CloudWatchError::Config("x".into()).is_retryable());
        let denied = CloudWatchError::AccessDenied {
            group: "/aws/x".into(),
            code: "AccessDeniedException".into(),
            message: "no".into(),
        };
        assert!(!denied.is_retryable());
        assert!(denied.to_string().contains("/aws/x"));
    }
}
