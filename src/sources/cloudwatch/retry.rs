//! Retry classification the SDK lacks: a 2xx answer whose body cannot be read (cut short,
//! or an HTML page from a proxy) surfaces as an unhandled service error that the SDK would
//! not retry; it is transient, so it is retried like a 5xx.

use aws_sdk_cloudwatchlogs::config::interceptors::InterceptorContext;
use aws_sdk_cloudwatchlogs::config::retry::{ClassifyRetry, RetryAction};

#[derive(Debug, Clone, Copy, Default)]
pub(super) struct UnreadableSuccessClassifier;

impl ClassifyRetry for UnreadableSuccessClassifier {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        let failed = matches!(ctx.output_or_error(), Some(Err(_)));
        let success_status = ctx.response().is_some_and(|r| r.status().is_success());
        if failed && success_status {
            RetryAction::transient_error()
        } else {
            RetryAction::NoActionIndicated
        }
    }

    fn name(&self) -> &'static str {
        "UnreadableSuccessClassifier"
    }
}
