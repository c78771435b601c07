//! Posting the summary: one `Notifier` per destination over the shared HTTP policy, and
//! `post_all`, where one destination failing does not stop the others.
//!
//! Both webhooks are retried on 429 and 5xx (POSTs marked safe to repeat): Slack says a
//! 5xx means the message was not posted, and a rare duplicate summary costs less than a
//! missing one. 4xx answers are final.

use bytes::Bytes;
use reqwest::header::CONTENT_TYPE;

use super::slack::slack_message;
use super::teams::teams_message;
use super::{Destination, DestinationKind, NotifyError};
use crate::domain::summary::{HealthSummary, Paragraph, shorten};
use crate::http_client::{
    HttpError, Idempotency, ResponseHead, VendorClient, Verdict, default_verdict,
};
use crate::secret::Secret;

/// Characters of an error body kept in a [`NotifyError::Rejected`].
const ERROR_BODY_CHARS: usize = 300;

/// Posts the summary to one destination. `Debug` shows neither the URL nor any secret.
#[derive(Debug)]
pub struct Notifier {
    name: String,
    kind: DestinationKind,
    webhook_url: Secret,
    client: VendorClient,
}

impl Notifier {
    /// A notifier posting to `url` (normally `destination.webhook_url().expose()`; the
    /// demo and tests pass an emulator's URL) under the destination's HTTP policy.
    pub fn new(destination: &Destination, url: &str) -> Result<Notifier, NotifyError> {
        let config = |reason: String| NotifyError::Config {
            destination: destination.name().to_owned(),
            reason,
        };
        destination.validate().map_err(config)?;
        // The parse error never repeats the URL; ours must not either.
        let parsed = reqwest::Url::parse(url.trim())
            .map_err(|e| config(format!("the webhook URL is not a valid URL: {e}")))?;
        if !matches!(parsed.scheme(), "https" | "http") {
            return Err(config("the webhook URL must be an http(s) URL".into()));
        }
        let kind = destination.kind();
        let client = VendorClient::new(kind.vendor(), destination.http().clone())
            .map_err(|e| config(e.to_string()))?;
        Ok(Notifier {
            name: destination.name().to_owned(),
            kind,
            webhook_url: Secret::from_value(url.trim()),
            client,
        })
    }

    /// A notifier posting to the destination's own webhook URL.
    pub fn from_destination(destination: &Destination) -> Result<Notifier, NotifyError> {
        Notifier::new(destination, destination.webhook_url().expose())
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn kind(&self) -> DestinationKind {
        self.kind
    }

    /// The JSON body this destination is sent.
    pub fn body(&self, summary: &HealthSummary, paragraph: &Paragraph) -> Bytes {
        let body = match self.kind {
            DestinationKind::Slack => serde_json::to_vec(&slack_message(summary, paragraph)),
            DestinationKind::Teams => serde_json::to_vec(&teams_message(summary, paragraph)),
        };
        // Plain structs of strings and numbers always serialize.
        Bytes::from(body.unwrap_or_default())
    }

    /// Posts once. Slack must answer 200 `ok`, Teams 200 or 202. Webhooks take no
    /// idempotency key, so only failures that surely did not post (no connection, 429,
    /// 503) are retried; a timeout or a cut connection may have posted, and is not.
    pub async fn post(
        &self,
        summary: &HealthSummary,
        paragraph: &Paragraph,
    ) -> Result<(), NotifyError> {
        let body = self.body(summary, paragraph);
        let url = self.webhook_url.expose();
        let kind = self.kind;
        let answer = self
            .client
            .with_idempotency(Idempotency::Unsafe)
            .send_with(
                |client| {
                    client
                        .post(url)
                        .header(CONTENT_TYPE, "application/json")
                        .body(body.clone())
                },
                |head, body| classify(kind, head, body),
            )
            .await;
        match answer {
            Ok(_) => {
                tracing::info!(
                    destination = %self.name,
                    vendor = kind.vendor(),
                    "morning summary posted"
                );
                Ok(())
            }
            Err(HttpError::Status {
                vendor,
                status,
                body_excerpt,
                retryable,
            }) => Err(NotifyError::Rejected {
                destination: self.name.clone(),
                vendor,
                status,
                body: shorten(&body_excerpt, ERROR_BODY_CHARS),
                retryable,
            }),
            Err(source) => Err(NotifyError::Http {
                destination: self.name.clone(),
                source,
            }),
        }
    }
}

/// Slack: only 200 with the body `ok` is success. Teams: 200 or 202. Any other 2xx is
/// rejected as is; everything else follows the shared policy (429/5xx retried).
fn classify(kind: DestinationKind, head: &ResponseHead, body: &[u8]) -> Verdict {
    let accepted = match kind {
        DestinationKind::Slack => head.status.as_u16() == 200 && body == b"ok",
        DestinationKind::Teams => matches!(head.status.as_u16(), 200 | 202),
    };
    if accepted {
        Verdict::Accept
    } else if head.status.is_success() {
        Verdict::Reject
    } else {
        default_verdict(head)
    }
}

/// Posts to every destination at once; returns each destination's name and outcome, in
/// the order given. A failure is logged (by name, never URL) and does not stop the others.
pub async fn post_all(
    destinations: &[Destination],
    summary: &HealthSummary,
    paragraph: &Paragraph,
) -> Vec<(String, Result<(), NotifyError>)> {
    let posts = destinations.iter().map(|destination| async move {
        let result = match Notifier::from_destination(destination) {
            Ok(notifier) => notifier.post(summary, paragraph).await,
            Err(error) => Err(error),
        };
        if let Err(error) = &result {
            tracing::warn!(
                destination = destination.name(),
                retryable = error.is_retryable(),
                %error,
                "posting the morning summary failed"
            );
        }
        (destination.name().to_owned(), result)
    });
    futures_util::future::join_all(posts).await
}
