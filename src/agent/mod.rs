//! LLM providers behind one provider-neutral API: a [`ModelRequest`] (system prompt, one
//! user message, tools the model may call) goes in, a [`ModelReply`] (text, tool calls,
//! why it stopped, tokens used) comes out.
//!
//! - `anthropic`: the Anthropic Messages API (`POST /v1/messages`).
//! - `openai`: any OpenAI-compatible chat-completions endpoint (OpenAI itself, or a
//!   self-hosted model behind vLLM, llama.cpp, Ollama, …).
//! - `config`: the `[agent]` section ([`AgentConfig`]); `agent.enabled = false` is the
//!   kill switch and [`build_provider`] refuses to build anything then.
//! - `error`: [`AgentError`], what a model call can fail with.
//! - `untrusted`: production text on its way into a prompt — [`untrusted::neutralise`]
//!   (strip invisible and control characters, redact, truncate), [`untrusted::Fence`]
//!   (quote it between random boundary lines) and [`untrusted::SYSTEM_DATA_RULE`].
//! - `prompt`: the fix-drafting prompt (rules, fenced evidence and source, its digest).
//! - `hypotheses`: investigation hypotheses for a new ticket (`suggest_hypotheses`), and
//!   the ticket comment that shows them as the model's unverified words.
//! - `patch`: the `propose_fix` tool the model answers through ([`patch::Proposal`],
//!   [`patch::propose_fix_schema`]) and [`patch::check_patch`], the checks a proposed
//!   patch must pass before anything is written.
//!
//! Replies are checked the same way for both providers (`reply`): every tool call's input
//! must be a JSON object and name a tool that was offered ([`AgentError::BadToolCall`]),
//! and a forced tool must be called ([`AgentError::NoToolCall`]). A refusal or a
//! `max_tokens` stop is a reply, not an error: its [`StopReason`] tells the caller.
//!
//! The API key lives in a [`crate::secret::Secret`]; it never reaches an error, a log or
//! a `Debug` output.

pub mod anthropic;
mod config;
mod error;
pub mod hypotheses;
pub mod openai;
pub mod patch;
pub mod prompt;
mod reply;

#[cfg(test)]
mod testing;
pub mod untrusted;

use std::future::Future;
use std::pin::Pin;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use config::{AgentConfig, Prices, ProviderKind};
pub use error::AgentError;

/// One question to a model: a system prompt, one user message, and the tools it may call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelRequest {
    /// Instructions; untrusted data belongs in `user`, fenced as data.
    pub system: String,
    pub user: String,
    /// Tools the model may answer through; empty = a plain text answer.
    pub tools: Vec<ToolSpec>,
    /// The tool the model must call (one of `tools`), if any.
    pub force_tool: Option<String>,
    /// Output tokens at most; capped by `agent.max_tokens` (0 = the configured value).
    pub max_tokens: u32,
}

/// A tool offered to the model: it answers by "calling" it with input of this schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolSpec {
    /// `^[a-zA-Z0-9_-]{1,64}$`, the rule both APIs share.
    pub name: String,
    pub description: String,
    /// A JSON Schema of an object (`{"type":"object","properties":…}`).
    pub input_schema: Value,
}

/// What the model answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelReply {
    /// The answer's text blocks joined; for a refusal, the model's explanation if any.
    pub text: Option<String>,
    /// Tool calls, each with an object `input`. After a [`StopReason::MaxTokens`] stop, a
    /// call cut off mid-input is dropped and the others may still be incomplete.
    pub tool_calls: Vec<ToolCall>,
    pub stop: StopReason,
    pub usage: Usage,
    /// The model that answered, as the API names it.
    pub model: String,
}

impl ModelReply {
    /// The input of the first call to `tool`.
    pub fn tool_input(&self, tool: &str) -> Option<&Value> {
        self.tool_calls
            .iter()
            .find(|call| call.name == tool)
            .map(|call| &call.input)
    }
}

/// One tool call in a reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    pub id: String,
    pub name: String,
    /// Always a JSON object.
    pub input: Value,
}

/// Why the model stopped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StopReason {
    /// It finished its answer.
    EndTurn,
    /// It ran out of output tokens: the answer is incomplete.
    MaxTokens,
    /// It called a tool.
    ToolUse,
    /// It declined to answer (Anthropic `refusal`, OpenAI `refusal` / `content_filter`).
    Refusal,
    /// Anything else, as the API named it (`stop_sequence`, `pause_turn`, …).
    Other(String),
}

/// Tokens a call used, the basis of its cost ([`Prices::cost`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub input_tokens: u64,
    pub output_tokens: u64,
}

/// The future a [`Provider`] returns (boxed, so the trait stays object-safe).
pub type ProviderFuture<'a> =
    Pin<Box<dyn Future<Output = Result<ModelReply, AgentError>> + Send + 'a>>;

/// A model behind an API. Implementations retry rate limits, overloads and timeouts
/// under the configured HTTP policy before giving up.
pub trait Provider: Send + Sync {
    /// `"anthropic"` or `"openai"`.
    fn name(&self) -> &'static str;
    /// The configured model.
    fn model(&self) -> &str;
    /// Asks the model once (with the policy's retries).
    fn complete<'a>(&'a self, req: &'a ModelRequest) -> ProviderFuture<'a>;
}

/// The provider `config` names, calling its API with `api_key` (normally
/// `config.api_key`'s resolved value; tests pass an emulator's key). Refuses when the
/// agent is disabled or the configuration has problems.
pub fn build_provider(
    config: &AgentConfig,
    api_key: &str,
) -> Result<Box<dyn Provider>, AgentError> {
    if !config.enabled {
        return Err(AgentError::Disabled);
    }
    Ok(match config.provider {
        ProviderKind::Anthropic => Box::new(anthropic::AnthropicProvider::new(config, api_key)?),
        ProviderKind::OpenAi => Box::new(openai::OpenAiProvider::new(config, api_key)?),
    })
}
