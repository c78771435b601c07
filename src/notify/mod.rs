//! The morning summary in chat: where it goes (`Destination`), the payload builders
//! (`slack`, `teams`) and the posting client (`Notifier`, `post_all`).
//!
//! A webhook URL is the credential: it lives in a [`Secret`] and never reaches a log, a
//! `Debug` output or an error.

mod post;
pub mod slack;
pub mod teams;
mod text;

#[cfg(test)]
mod tests;

use serde::Deserialize;

use crate::http_client::{HttpError, HttpPolicy};
use crate::secret::Secret;

pub use post::{Notifier, post_all};

/// One chat destination of the summary, from configuration:
///
/// ```toml
/// [[notify.destinations]]
/// kind = "slack"            # or "teams"
/// name = "ops"
/// webhook_url = "${SLACK_OPS_WEBHOOK}"
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum Destination {
    /// A Slack incoming webhook (`https://hooks.slack.com/services/...`).
    Slack {
        name: String,
        webhook_url: Secret,
        #[serde(default)]
        http: HttpPolicy,
    },
    /// A Teams workflow webhook (Power Automate "post to a channel when a webhook request
    /// is received").
    Teams {
        name: String,
        webhook_url: Secret,
        #[serde(default)]
        http: HttpPolicy,
    },
}

/// Which chat a destination is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DestinationKind {
    Slack,
    Teams,
}

impl DestinationKind {
    /// The vendor name used in errors and logs.
    pub fn vendor(self) -> &'static str {
        match self {
            DestinationKind::Slack => "slack",
            DestinationKind::Teams => "teams",
        }
    }
}

impl Destination {
    pub fn name(&self) -> &str {
        match self {
            Destination::Slack { name, .. } | Destination::Teams { name, .. } => name,
        }
    }

    pub fn kind(&self) -> DestinationKind {
        match self {
            Destination::Slack { .. } => DestinationKind::Slack,
            Destination::Teams { .. } => DestinationKind::Teams,
        }
    }

    pub fn webhook_url(&self) -> &Secret {
        match self {
            Destination::Slack { webhook_url, .. } | Destination::Teams { webhook_url, .. } => {
                webhook_url
            }
        }
    }

    /// Resolves the webhook URL's `${ENV_VAR}` / `file:/path` reference (for the
    /// configuration loader; see [`Secret`]). The error names the destination, not the URL.
    pub fn resolve_webhook_url(
        &mut self,
        env: &dyn Fn(&str) -> Option<String>,
        literal_allowed: bool,
    ) -> Result<(), String> {
        let name = self.name().to_owned();
        let (Destination::Slack { webhook_url, .. } | Destination::Teams { webhook_url, .. }) =
            self;
        webhook_url
            .resolve(env, literal_allowed)
            .map_err(|reason| format!("destination {name}: webhook_url: {reason}"))
    }

    pub fn http(&self) -> &HttpPolicy {
        match self {
            Destination::Slack { http, .. } | Destination::Teams { http, .. } => http,
        }
    }

    /// Rejects an empty name or an HTTP policy that cannot work.
    pub fn validate(&self) -> Result<(), String> {
        if self.name().trim().is_empty() {
            return Err("a notify destination needs a name".into());
        }
        self.http()
            .validate()
            .map_err(|reason| format!("destination {}: {reason}", self.name()))
    }
}

/// Why posting the summary to one destination failed. Names the destination, never its URL.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    /// The destination cannot be used as configured (bad webhook URL or HTTP policy).
    #[error("notify destination {destination}: {reason}")]
    Config { destination: String, reason: String },
    /// The chat answered, but not with success: Slack's short error string (e.g.
    /// `invalid_blocks`, `no_text`, `channel_is_archived`) or Teams' error body, cut short.
    #[error("notify destination {destination}: {vendor} answered HTTP {status}: {body}")]
    Rejected {
        destination: String,
        vendor: &'static str,
        status: u16,
        body: String,
        retryable: bool,
    },
    /// No usable answer: connection, timeout, rate limit, or a body that was cut short.
    #[error("notify destination {destination}: {source}")]
    Http {
        destination: String,
        #[source]
        source: HttpError,
    },
}

impl NotifyError {
    /// Whether posting again later may succeed (5xx, 429, timeouts, connection failures).
    pub fn is_retryable(&self) -> bool {
        match self {
            NotifyError::Config { .. } => false,
            NotifyError::Rejected { retryable, .. } => *retryable,
            NotifyError::Http { source, .. } => source.is_retryable(),
        }
    }

    /// Whether the chat may have taken the post although the call failed: its answer was
    /// lost (timeout, cut connection), garbled (a 2xx whose body is not the success
    /// answer), or a server error other than 503. Such a post is never made again, so a
    /// window reaches a chat at most once.
    pub fn may_have_posted(&self) -> bool {
        let unclear =
            |status: u16| (200..300).contains(&status) || (status >= 500 && status != 503);
        match self {
            NotifyError::Config { .. } => false,
            NotifyError::Rejected { status, .. } => unclear(*status),
            NotifyError::Http { source, .. } => match source {
                HttpError::Config { .. }
                | HttpError::Connect { .. }
                | HttpError::RateLimited { .. } => false,
                HttpError::Timeout { .. }
                | HttpError::Transport { .. }
                | HttpError::Body { .. }
                | HttpError::TooLarge { .. } => true,
                HttpError::Status { status, .. } => unclear(*status),
            },
        }
    }

    /// The destination's name.
    pub fn destination(&self) -> &str {
        match self {
            NotifyError::Config { destination, .. }
            | NotifyError::Rejected { destination, .. }
            | NotifyError::Http { destination, .. } => destination,
        }
    }

    /// The HTTP status, when the chat answered with one.
    pub fn status(&self) -> Option<u16> {
        match self {
            NotifyError::Rejected { status, .. } => Some(*status),
            NotifyError::Http { source, .. } => source.status(),
            NotifyError::Config { .. } => None,
        }
    }
}
