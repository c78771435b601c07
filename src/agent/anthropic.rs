//! The Anthropic Messages API: `POST {base}/v1/messages` with `x-api-key` and
//! `anthropic-version: 2023-06-01`, one user message, tools with `input_schema`, and
//! `tool_choice: {type:"tool"}` when a tool is forced.
//!
//! Retries follow the shared HTTP policy, with Anthropic's 529 `overloaded_error` retried
//! like a 503 and 429 `rate_limit_error` after its `retry-after`. The POST is marked safe
//! to repeat: a completion asked twice costs tokens, never a double effect.

mod wire;

#[cfg(test)]
mod tests;

use std::time::SystemTime;

use bytes::Bytes;
use reqwest::header::{ACCEPT, CONTENT_TYPE};

use super::error::{VendorError, from_http};
use super::reply::{self, finish};
use super::{AgentConfig, AgentError, ModelReply, ModelRequest, Provider, ProviderFuture};
use crate::http_client::{
    Idempotency, ResponseHead, VendorClient, Verdict, default_verdict, server_requested_wait,
};
use crate::secret::Secret;

/// The API version triaged is written against.
pub const ANTHROPIC_VERSION: &str = "2023-06-01";

const NAME: &str = "anthropic";

/// A model behind the Messages API. `Debug` shows no key.
#[derive(Debug)]
pub struct AnthropicProvider {
    url: String,
    model: String,
    max_tokens: u32,
    api_key: Secret,
    client: VendorClient,
}

impl AnthropicProvider {
    /// A provider for `config` (its `provider` setting aside) calling with `api_key`.
    pub fn new(config: &AgentConfig, api_key: &str) -> Result<AnthropicProvider, AgentError> {
        let config = AgentConfig {
            provider: super::ProviderKind::Anthropic,
            ..config.clone()
        };
        config.check_usable(api_key)?;
        let client =
            VendorClient::new(NAME, config.http_policy()).map_err(|e| AgentError::Config {
                provider: NAME,
                reason: e.to_string(),
            })?;
        Ok(AnthropicProvider {
            url: format!("{}/v1/messages", config.base_url()),
            model: config.model.trim().to_owned(),
            max_tokens: config.max_tokens,
            api_key: Secret::from_value(api_key),
            client,
        })
    }

    /// The JSON body sent for `req`.
    pub fn body(&self, req: &ModelRequest) -> Bytes {
        let max_tokens = reply::max_tokens(req.max_tokens, self.max_tokens);
        let params = wire::CreateParams::new(&self.model, max_tokens, req);
        // Strings, numbers and JSON values always serialize.
        Bytes::from(serde_json::to_vec(&params).unwrap_or_default())
    }

    /// Asks the model (with the policy's retries) and checks the reply.
    pub async fn send(&self, req: &ModelRequest) -> Result<ModelReply, AgentError> {
        let body = self.body(req);
        let key = self.api_key.expose();
        let answer = self
            .client
            .with_idempotency(Idempotency::Safe)
            .send_with(
                |client| {
                    client
                        .post(&self.url)
                        .header("x-api-key", key)
                        .header("anthropic-version", ANTHROPIC_VERSION)
                        .header(CONTENT_TYPE, "application/json")
                        .header(ACCEPT, "application/json")
                        .body(body.clone())
                },
                classify,
            )
            .await;
        let fail = |e| from_http(NAME, e, key, decode_error);
        let (_, bytes) = answer.map_err(fail)?;
        let message: wire::Message = self.client.decode_json(&bytes).map_err(fail)?;
        let reply = finish(NAME, req, message.into_raw());
        reply::trace(NAME, &self.model, &reply);
        reply
    }
}

impl Provider for AnthropicProvider {
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

/// The shared policy, plus 529 (overloaded) retried after any wait the server asked.
fn classify(head: &ResponseHead, _body: &[u8]) -> Verdict {
    if head.status.as_u16() == 529 {
        Verdict::Retry {
            after: server_requested_wait(&head.headers, SystemTime::now()),
        }
    } else {
        default_verdict(head)
    }
}

fn decode_error(body: &str) -> Option<VendorError> {
    let body: wire::ErrorBody = serde_json::from_str(body).ok()?;
    Some(VendorError {
        kind: body.error.kind,
        message: body.error.message,
    })
}
