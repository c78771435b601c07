//! OpenAI-compatible chat completions: `POST {base}/chat/completions` with
//! `Authorization: Bearer` (omitted for a self-hosted endpoint configured without a key),
//! a system and a user message, `tools` as functions, and a named `tool_choice` when a
//! tool is forced. Function `arguments` arrive as a JSON string that must parse into an
//! object.
//!
//! Retries follow the shared HTTP policy (429 after `retry-after`, 503 overloaded, 5xx,
//! timeouts); the POST is marked safe to repeat. A 429 `insufficient_quota` is an
//! exhausted account, not a rate limit: it is final.

mod wire;

#[cfg(test)]
mod tests;

use bytes::Bytes;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};

use super::error::{VendorError, from_http};
use super::reply::{self, finish};
use super::{AgentConfig, AgentError, ModelReply, ModelRequest, Provider, ProviderFuture};
use crate::http_client::{
    BodyFault, HttpError, Idempotency, ResponseHead, VendorClient, Verdict, default_verdict,
};
use crate::secret::Secret;

const NAME: &str = "openai";

/// A model behind a chat-completions endpoint. `Debug` shows no key.
#[derive(Debug)]
pub struct OpenAiProvider {
    url: String,
    model: String,
    max_tokens: u32,
    /// OpenAI's own API wants `max_completion_tokens`; other servers `max_tokens`.
    completion_field: bool,
    api_key: Option<Secret>,
    client: VendorClient,
}

impl OpenAiProvider {
    /// A provider for `config` (its `provider` setting aside) calling with `api_key`
    /// (empty = no `Authorization` header, for a self-hosted endpoint).
    pub fn new(config: &AgentConfig, api_key: &str) -> Result<OpenAiProvider, AgentError> {
        let config = AgentConfig {
            provider: super::ProviderKind::OpenAi,
            ..config.clone()
        };
        config.check_usable(api_key)?;
        let client =
            VendorClient::new(NAME, config.http_policy()).map_err(|e| AgentError::Config {
                provider: NAME,
                reason: e.to_string(),
            })?;
        let base = config.base_url();
        Ok(OpenAiProvider {
            url: format!("{base}/chat/completions"),
            model: config.model.trim().to_owned(),
            max_tokens: config.max_tokens,
            completion_field: base == super::ProviderKind::OpenAi.default_base_url(),
            api_key: (!api_key.is_empty()).then(|| Secret::from_value(api_key)),
            client,
        })
    }

    /// The JSON body sent for `req`.
    pub fn body(&self, req: &ModelRequest) -> Bytes {
        let max_tokens = reply::max_tokens(req.max_tokens, self.max_tokens);
        let chat = wire::ChatRequest::new(&self.model, max_tokens, self.completion_field, req);
        // Strings, numbers and JSON values always serialize.
        Bytes::from(serde_json::to_vec(&chat).unwrap_or_default())
    }

    /// Asks the model (with the policy's retries) and checks the reply.
    pub async fn send(&self, req: &ModelRequest) -> Result<ModelReply, AgentError> {
        let body = self.body(req);
        let key = self.api_key.as_ref().map_or("", Secret::expose);
        let answer = self
            .client
            .with_idempotency(Idempotency::Safe)
            .send_with(
                |client| {
                    let request = client
                        .post(&self.url)
                        .header(CONTENT_TYPE, "application/json")
                        .header(ACCEPT, "application/json")
                        .body(body.clone());
                    if key.is_empty() {
                        request
                    } else {
                        request.header(AUTHORIZATION, format!("Bearer {key}"))
                    }
                },
                classify,
            )
            .await;
        let fail = |e| from_http(NAME, e, key, decode_error);
        let (_, bytes) = answer.map_err(fail)?;
        let completion: wire::ChatCompletion = self.client.decode_json(&bytes).map_err(fail)?;
        let raw = completion.into_raw().ok_or_else(|| AgentError::Http {
            provider: NAME,
            source: HttpError::Body {
                vendor: NAME,
                fault: BodyFault::Shape,
                path: "choices".to_owned(),
                reason: "no choice in the answer".to_owned(),
            },
        })?;
        let reply = finish(NAME, req, raw);
        reply::trace(NAME, &self.model, &reply);
        reply
    }
}

impl Provider for OpenAiProvider {
    fn name(&self) -> &'static str {
        NAME
    }

    fn model(&self) -> &str {
        &self.model
    }

    fn complete<'a>(&'a self, req: &'a ModelRequest) -> ProviderFuture<'a> {
        Box::pin(self.send(req))
    }
}

/// The shared policy, except that a 429 for an exhausted quota is final.
fn classify(head: &ResponseHead, body: &[u8]) -> Verdict {
    if head.status.as_u16() == 429
        && decode_error(&String::from_utf8_lossy(body))
            .is_some_and(|error| error.kind.contains("insufficient_quota"))
    {
        Verdict::Reject
    } else {
        default_verdict(head)
    }
}

fn decode_error(body: &str) -> Option<VendorError> {
    let body: wire::ErrorBody = serde_json::from_str(body).ok()?;
    let detail = body.error;
    let code = match detail.code {
        Some(serde_json::Value::String(code)) => Some(code),
        Some(serde_json::Value::Number(code)) => Some(code.to_string()),
        _ => None,
    };
    let kind = match (detail.kind.filter(|k| !k.is_empty()), code) {
        (Some(kind), Some(code)) if kind != code => format!("{kind}/{code}"),
        (Some(kind), _) => kind,
        (None, Some(code)) => code,
        (None, None) => String::new(),
    };
    Some(VendorError {
        kind,
        message: detail.message,
    })
}
