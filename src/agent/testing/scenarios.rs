//! What both providers must do against their emulators; each provider's tests run these.
//! Every scenario also checks that the traffic followed the vendor's contracts.

use std::time::{Duration, Instant};

use super::{FIX_TOOL, Harness, fix_input, fix_request, text_request};
use crate::agent::{AgentError, StopReason};
use crate::http_client::{BodyFault, HttpError};
use triaged_sandbox::{FaultKnobs, Scripted};

pub(crate) async fn text_reply(h: &Harness) {
    h.emulator.script(Scripted::Text("Errors rose 26%.".into()));
    let reply = h.provider.complete(&text_request()).await.expect("reply");
    assert_eq!(reply.text.as_deref(), Some("Errors rose 26%."));
    assert_eq!(reply.stop, StopReason::EndTurn);
    assert!(reply.tool_calls.is_empty());
    assert_eq!(reply.model, h.provider.model());
    assert!(reply.usage.input_tokens > 0 && reply.usage.output_tokens > 0);
    h.assert_traffic_follows_contracts(&[]);
}

pub(crate) async fn forced_tool_call(h: &Harness) {
    h.emulator.script(Scripted::ToolUse {
        name: FIX_TOOL.into(),
        input: fix_input(),
    });
    let reply = h
        .provider
        .complete(&fix_request(true))
        .await
        .expect("reply");
    assert_eq!(reply.stop, StopReason::ToolUse);
    assert_eq!(reply.tool_calls.len(), 1);
    assert_eq!(reply.tool_input(FIX_TOOL), Some(&fix_input()));
    assert!(!reply.tool_calls[0].id.is_empty());
    h.assert_traffic_follows_contracts(&[]);
}

/// `schema_rejects`: whether the vendor's answer schema itself refuses the malformed
/// answer (Anthropic's does: `input` must be an object).
pub(crate) async fn malformed_tool_call(h: &Harness, schema_rejects: bool) {
    h.emulator.script(Scripted::MalformedToolUse);
    let err = h.provider.complete(&fix_request(true)).await.unwrap_err();
    match &err {
        AgentError::BadToolCall { tool, usage, .. } => {
            assert_eq!(tool, FIX_TOOL);
            assert!(usage.output_tokens > 0, "the spent tokens are kept");
        }
        other => panic!("{other:?}"),
    }
    assert!(!err.is_retryable());
    assert_eq!(h.emulator.requests().len(), 1, "not retried");
    let off = if schema_rejects { vec![0] } else { Vec::new() };
    h.assert_traffic_follows_contracts(&off);
}

pub(crate) async fn unknown_tool_call(h: &Harness) {
    h.emulator.script(Scripted::ToolUse {
        name: "delete_branch".into(),
        input: serde_json::json!({"branch": "main"}),
    });
    let err = h.provider.complete(&fix_request(false)).await.unwrap_err();
    assert!(
        matches!(&err, AgentError::BadToolCall { tool, .. } if tool == "delete_branch"),
        "{err:?}"
    );
}

pub(crate) async fn text_when_a_tool_was_forced(h: &Harness) {
    h.emulator
        .script(Scripted::Text("Here is my analysis…".into()));
    let err = h.provider.complete(&fix_request(true)).await.unwrap_err();
    match &err {
        AgentError::NoToolCall { expected, stop, .. } => {
            assert_eq!(expected, FIX_TOOL);
            assert_eq!(*stop, StopReason::EndTurn);
        }
        other => panic!("{other:?}"),
    }
    assert!(!err.is_retryable());
}

pub(crate) async fn refusal(h: &Harness) {
    h.emulator.script(Scripted::Refusal);
    let reply = h
        .provider
        .complete(&fix_request(true))
        .await
        .expect("a refusal is a reply");
    assert_eq!(reply.stop, StopReason::Refusal);
    assert!(reply.tool_calls.is_empty());
    assert!(
        reply.text.is_some_and(|t| t.contains("can't help")),
        "the explanation is kept"
    );
    h.assert_traffic_follows_contracts(&[]);
}

pub(crate) async fn max_tokens_stop(h: &Harness) {
    h.emulator.script(Scripted::MaxTokens);
    let reply = h.provider.complete(&text_request()).await.expect("reply");
    assert_eq!(reply.stop, StopReason::MaxTokens);
    assert!(reply.text.is_some_and(|t| !t.is_empty()));
    h.emulator.script(Scripted::MaxTokens);
    let reply = h
        .provider
        .complete(&fix_request(true))
        .await
        .expect("reply");
    assert_eq!(reply.stop, StopReason::MaxTokens);
    assert!(
        reply.tool_calls.iter().all(|call| call.input.is_object()),
        "a call cut off is dropped, never passed on malformed"
    );
    h.assert_traffic_follows_contracts(&[]);
}

pub(crate) async fn rate_limited_then_success(h: &Harness) {
    h.emulator.script(Scripted::RateLimited {
        retry_after: Duration::from_secs(1),
    });
    h.emulator.script(Scripted::Text("ok".into()));
    let started = Instant::now();
    let reply = h.provider.complete(&text_request()).await.expect("retried");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After honoured"
    );
    assert_eq!(reply.text.as_deref(), Some("ok"));
    assert_eq!(h.emulator.requests().len(), 2);
    assert_eq!(h.emulator.answers()[0].status, 429);
    h.assert_traffic_follows_contracts(&[]);
}

/// `status`: how the vendor says "overloaded" (529 Anthropic, 503 OpenAI).
pub(crate) async fn overloaded_retried_then_given_up(h: &Harness, status: u16) {
    h.emulator.script(Scripted::Overloaded);
    h.emulator.script(Scripted::Text("ok".into()));
    let reply = h
        .provider
        .complete(&text_request())
        .await
        .expect("retried once");
    assert_eq!(reply.text.as_deref(), Some("ok"));
    let tries = h.config.http.max_attempts as usize;
    for _ in 0..tries {
        h.emulator.script(Scripted::Overloaded);
    }
    let err = h.provider.complete(&text_request()).await.unwrap_err();
    assert_eq!(
        err,
        AgentError::Overloaded {
            provider: h.provider.name(),
            status
        }
    );
    assert!(err.is_retryable());
    assert_eq!(h.emulator.requests().len(), 2 + tries);
    h.assert_traffic_follows_contracts(&[]);
}

/// The harness must have a 1 s timeout and 2 tries.
pub(crate) async fn timeout_gives_up(h: &Harness) {
    for _ in 0..2 {
        h.emulator
            .script(Scripted::Timeout(Duration::from_millis(2500)));
    }
    let err = h.provider.complete(&text_request()).await.unwrap_err();
    assert_eq!(
        err,
        AgentError::Timeout {
            provider: h.provider.name()
        }
    );
    assert!(err.is_retryable());
    assert_eq!(h.emulator.requests().len(), 2, "timeouts are retried");
}

/// The harness must send a wrong key.
pub(crate) async fn refused_key(h: &Harness) {
    let err = h.provider.complete(&text_request()).await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert!(!err.is_retryable());
    assert_eq!(h.emulator.requests().len(), 1, "not retried");
    let tail = &h.key[h.key.len() - 4..];
    let shown = format!("{err} | {err:?} | {:?}", h.config);
    assert!(!shown.contains(&h.key) && !shown.contains(tail), "{shown}");
    h.assert_traffic_follows_contracts(&[]);
}

pub(crate) async fn rejected_request(h: &Harness) {
    let mut req = fix_request(false);
    req.tools[0].name = "report fix".into();
    let err = h.provider.complete(&req).await.unwrap_err();
    match &err {
        AgentError::Api {
            status,
            kind,
            message,
            ..
        } => {
            assert_eq!(*status, 400);
            assert!(kind.starts_with("invalid_request_error"), "{kind}");
            assert!(message.contains("tools"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert!(!err.is_retryable());
}

pub(crate) async fn default_replies(h: &Harness) {
    let reply = h.provider.complete(&text_request()).await.expect("reply");
    assert!(
        reply
            .text
            .is_some_and(|t| t.starts_with("Sandbox model reply to: errors"))
    );
    let reply = h
        .provider
        .complete(&fix_request(true))
        .await
        .expect("reply");
    let input = reply
        .tool_input(FIX_TOOL)
        .expect("the forced tool is called");
    for field in ["summary", "root_cause", "patch", "risk"] {
        assert!(input.get(field).is_some(), "{field} in {input}");
    }
    h.assert_traffic_follows_contracts(&[]);
}

pub(crate) async fn truncated_body(h: &Harness) {
    h.emulator.faults().set(FaultKnobs {
        truncate: 1.0,
        ..FaultKnobs::none()
    });
    let err = h.provider.complete(&text_request()).await.unwrap_err();
    assert!(
        matches!(
            &err,
            AgentError::Http {
                source: HttpError::Body {
                    fault: BodyFault::Truncated,
                    ..
                },
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.is_retryable());
}
