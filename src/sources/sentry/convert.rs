//! A Sentry event (web API shape) → the domain's `ErrorEvent`: frames innermost first,
//! `absPath` preferred to `filename`, the endpoint as a route, the user id hashed.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::route::{endpoint_from_transaction, endpoint_from_url};
use super::wire::{
    ApiEvent, ApiException, ApiExceptions, ApiFrame, ApiMessage, ApiRequest, scalar_text,
};
use crate::domain::event::{
    Environment, ErrorEvent, LogLevel, Service, Source, StackFrame, UserHash, UserSalt,
};

/// Sentry SDKs report `production` when the application sets no environment.
const DEFAULT_ENVIRONMENT: &str = "production";
/// Most frames kept per event (innermost first); deeper ones are dropped.
const MAX_FRAMES: usize = 200;

/// What the conversion needs besides the event.
pub(super) struct EventContext<'a> {
    pub(super) project: &'a str,
    pub(super) issue_id: &'a str,
    pub(super) issue_level: Option<&'a str>,
    pub(super) issue_title: &'a str,
    /// When the event has no time of its own (the issue's last-seen time, else now).
    pub(super) fallback_time: DateTime<Utc>,
    pub(super) permalink: Option<&'a str>,
    pub(super) service: &'a str,
    pub(super) salt: &'a UserSalt,
}

/// A converted event, and why it is less than complete when it is.
#[derive(Debug)]
pub(super) struct Converted {
    pub(super) event: ErrorEvent,
    pub(super) degraded: Option<String>,
}

/// Converts; `Err` names why the event has no usable data.
pub(super) fn convert_event(ctx: &EventContext<'_>, raw: Value) -> Result<Converted, String> {
    let api: ApiEvent = decode(raw).map_err(|e| format!("not an event: {e}"))?;
    let tags: BTreeMap<&str, &str> = api
        .tags
        .iter()
        .flatten()
        .filter_map(|t| Some((t.key.as_str(), t.value.as_deref()?)))
        .collect();
    let mut problems = Vec::new();
    let mut exceptions: Option<Vec<ApiException>> = None;
    let mut request: Option<ApiRequest> = None;
    let mut logged: Option<String> = None;
    for entry in api.entries.iter().flatten() {
        let data = entry.get("data").cloned().unwrap_or(Value::Null);
        match entry.get("type").and_then(Value::as_str) {
            Some("exception") => match decode::<ApiExceptions>(data) {
                Ok(e) => exceptions = e.values,
                Err(e) => problems.push(format!("exception entry unreadable: {e}")),
            },
            Some("request") => match decode::<ApiRequest>(data) {
                Ok(r) => request = Some(r),
                Err(e) => problems.push(format!("request entry unreadable: {e}")),
            },
            Some("message") => logged = decode::<ApiMessage>(data).ok().and_then(|m| m.formatted),
            _ => {}
        }
    }
    // Chained exceptions are listed oldest first: the one raised last is the event's.
    let primary = exceptions.as_ref().and_then(|values| values.last());
    let frames = primary.map(frames_of).unwrap_or_default();
    let non_empty = |text: Option<String>| text.filter(|t| !t.trim().is_empty());
    let message = non_empty(primary.and_then(|e| e.value.clone()))
        .or_else(|| non_empty(logged))
        .or_else(|| non_empty(api.message))
        .or_else(|| non_empty(api.title))
        .unwrap_or_else(|| ctx.issue_title.to_owned());
    let exception_type = primary.and_then(|e| e.exception_type.clone());
    if exception_type.is_none() && message.trim().is_empty() {
        return Err("the event has neither an exception nor a message".into());
    }
    if frames.is_empty() {
        problems.push("no stack frames".into());
    }
    let handled = primary
        .and_then(|e| e.mechanism.as_ref()?.handled)
        .or_else(|| match tags.get("handled").copied() {
            Some("yes") => Some(true),
            Some("no") => Some(false),
            _ => None,
        });
    let endpoint = request
        .as_ref()
        .and_then(|r| endpoint_from_url(r.method.as_deref().unwrap_or(""), r.url.as_deref()?))
        .or_else(|| endpoint_from_transaction(tags.get("transaction")?));
    let level = tags
        .get("level")
        .copied()
        .or(ctx.issue_level)
        .and_then(LogLevel::parse_lenient)
        .unwrap_or(LogLevel::Error);
    let environment = tags
        .get("environment")
        .copied()
        .unwrap_or(DEFAULT_ENVIRONMENT);
    let environment = Environment::new(environment)
        .or_else(|_| Environment::new(DEFAULT_ENVIRONMENT))
        .map_err(|e| e.to_string())?;
    let service = Service::new(ctx.service).map_err(|e| format!("service name: {e}"))?;
    let release = api
        .release
        .and_then(|r| r.version)
        .or_else(|| tags.get("release").map(|r| (*r).to_owned()))
        .filter(|r| !r.trim().is_empty());
    let event = ErrorEvent {
        source: Source::Sentry {
            project: ctx.project.to_owned(),
            issue_id: ctx.issue_id.to_owned(),
            event_id: api.event_id,
        },
        timestamp: api.date_created.unwrap_or(ctx.fallback_time),
        service,
        environment,
        release,
        level,
        handled,
        exception_type,
        message,
        frames,
        endpoint,
        user: user_of(api.user.as_ref(), ctx.salt),
        request_id: ["request_id", "requestId", "request.id", "x-request-id"]
            .iter()
            .find_map(|k| tags.get(k).map(|v| (*v).to_owned())),
        link: ctx.permalink.map(str::to_owned),
    };
    Ok(Converted {
        event,
        degraded: (!problems.is_empty()).then(|| problems.join("; ")),
    })
}

/// Frames innermost first (Sentry lists the innermost last).
fn frames_of(exception: &ApiException) -> Vec<StackFrame> {
    let frames = exception
        .stacktrace
        .as_ref()
        .and_then(|s| s.frames.as_ref());
    frames
        .into_iter()
        .flatten()
        .rev()
        .take(MAX_FRAMES)
        .map(frame_of)
        .collect()
}

fn frame_of(frame: &ApiFrame) -> StackFrame {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let file = frame
        .abs_path
        .clone()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| text(&frame.filename));
    StackFrame {
        module: text(&frame.module),
        file,
        function: text(&frame.function),
        line: frame
            .line_no
            .as_ref()
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok()),
        in_app: frame.in_app.unwrap_or(false),
    }
}

/// The hashed user: `id`, else `email`, `username`, `ip_address` (the raw value is
/// never kept).
fn user_of(user: Option<&BTreeMap<String, Value>>, salt: &UserSalt) -> Option<UserHash> {
    let user = user?;
    ["id", "email", "username", "ip_address"]
        .iter()
        .filter_map(|key| scalar_text(user.get(*key)?))
        .find_map(|raw| UserHash::from_raw(salt, &raw))
}

/// The entry decoded, or where and why not. The reason never quotes the value: serde
/// writes `invalid type: string "…"`, and that string is production data.
fn decode<T: DeserializeOwned>(value: Value) -> Result<T, String> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        format!(
            "at `{path}`: {}",
            without_quoted(&e.into_inner().to_string())
        )
    })
}

/// `reason` cut where serde starts quoting the value (`"…"`, or `` `…` `` for a number),
/// keeping what it expected: `invalid type: string …, expected u32`. Nothing of the value
/// is kept, whatever quotes or escapes it holds.
fn without_quoted(reason: &str) -> String {
    let Some(cut) = reason.find(['"', '`']) else {
        return reason.to_owned();
    };
    let mut out = format!("{} …", reason[..cut].trim_end());
    if let Some(expected) = reason.rfind(", expected").filter(|&at| at > cut) {
        out.push_str(&reason[expected..]);
    }
    out
}

#[cfg(test)]
mod decode_tests {
    use super::*;

    #[test]
    fn a_reason_never_quotes_the_value_it_could_not_read() {
        let token = ["sk-live-", "4f9a8b7c6d5e4f3a2b1c"].concat();
        let quoted = format!("{{\"token\":\"{token}\"}}");
        for value in [token.clone(), quoted] {
            let err = decode::<Vec<u32>>(serde_json::json!([1, value])).unwrap_err();
            assert!(!err.contains("sk-live"), "{err}");
            assert_eq!(err, "at `[1]`: invalid type: string …, expected u32");
        }
        let card = 4_111_111_111_111_111_u64;
        let err = decode::<Vec<bool>>(serde_json::json!([card])).unwrap_err();
        assert!(!err.contains("4111"), "{err}");
        assert_eq!(without_quoted("no quotes"), "no quotes");
    }
}
