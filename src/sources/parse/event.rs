//! `ParsedLog` → `ErrorEvent`: validates what the log said about itself, falls back to the
//! configured service and environment, hashes the user id and composes the message.

use chrono::{DateTime, Utc};

use super::{MAX_MESSAGE_BYTES, ParsedLog, text};
use crate::domain::event::{
    Environment, ErrorEvent, EventError, LogLevel, Service, Source, UserHash, UserSalt,
};

/// What the configuration supplies for events whose log does not say.
#[derive(Debug, Clone, Copy)]
pub struct EventDefaults<'a> {
    pub service: &'a Service,
    pub environment: &'a Environment,
    /// Salt for `UserHash::from_raw`.
    pub salt: &'a UserSalt,
}

/// Longest accepted release string, in chars.
const RELEASE_MAX_CHARS: usize = 200;

impl ParsedLog {
    /// Builds the domain event. The log's own service/environment/release must be valid
    /// names (non-blank, ≤ 200 chars, no control characters) or the event is refused with
    /// the `EventError` naming the field; absent ones fall back to `defaults`. A missing
    /// timestamp is `received_at`, a missing level `Error` (sources select error logs).
    pub fn into_event(
        self,
        source: Source,
        received_at: DateTime<Utc>,
        defaults: &EventDefaults<'_>,
    ) -> Result<ErrorEvent, EventError> {
        let service = match self.service.as_deref() {
            Some(name) => Service::new(name)?,
            None => defaults.service.clone(),
        };
        let environment = match self.environment.as_deref() {
            Some(name) => Environment::new(name)?,
            None => defaults.environment.clone(),
        };
        let release = self.release.as_deref().map(validated_release).transpose()?;
        let message = self.event_message();
        Ok(ErrorEvent {
            source,
            timestamp: self.timestamp.unwrap_or(received_at),
            service,
            environment,
            release,
            level: self.level.unwrap_or(LogLevel::Error),
            handled: self.handled,
            exception_type: self.exception_type,
            message,
            frames: self.frames,
            endpoint: self.endpoint,
            user: self
                .user_id
                .as_deref()
                .and_then(|raw| UserHash::from_raw(defaults.salt, raw)),
            request_id: self.request_id,
            link: None,
        })
    }

    /// The event's message: the log's message, with the exception appended when the
    /// message does not already say it (`Checkout failed: KeyError: 'sku'`); bounded.
    pub fn event_message(&self) -> String {
        let exception = match (&self.exception_type, &self.exception_message) {
            (Some(t), Some(m)) if !self.message.contains(m.as_str()) => format!("{t}: {m}"),
            (None, Some(m)) if !self.message.contains(m.as_str()) => m.clone(),
            (Some(t), None) if self.message.is_empty() => t.clone(),
            _ => return self.message.clone(),
        };
        let composed = if self.message.is_empty() {
            exception
        } else {
            format!("{}: {exception}", self.message)
        };
        text::bounded(&composed, MAX_MESSAGE_BYTES).0
    }
}

fn validated_release(raw: &str) -> Result<String, EventError> {
    let release = raw.trim();
    if release.is_empty() {
        return Err(EventError::Empty { field: "release" });
    }
    if release.chars().count() > RELEASE_MAX_CHARS {
        return Err(EventError::TooLong {
            field: "release",
            max: RELEASE_MAX_CHARS,
        });
    }
    if release.chars().any(char::is_control) {
        return Err(EventError::ControlChar { field: "release" });
    }
    Ok(release.to_owned())
}
