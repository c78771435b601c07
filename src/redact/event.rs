//! The ingest choke point: every string of an observed event that a source took from
//! production — message, exception type, frames (module, file, function), service,
//! release, endpoint, request id, link, log stream and host — redacted before the event is
//! masked, mined into a template, fingerprinted or stored.

use std::borrow::Cow;

use super::Redactor;
use crate::domain::event::{Endpoint, ErrorEvent, Observed, Service, Source, StackFrame};

/// The service an event is filed under when its name was nothing but a secret and the
/// redacted name is not a valid service name.
const REDACTED_SERVICE: &str = "redacted";

impl Redactor {
    /// `observed` with every production string redacted; `None` when nothing in it needed
    /// redacting (the common case, which then costs no copy).
    #[must_use]
    pub fn observed(&self, observed: &Observed) -> Option<Observed> {
        let event = self.event(&observed.event);
        let host = observed.host.as_deref().map(|h| self.redact(h));
        let host_changed = matches!(host, Some(Cow::Owned(_)));
        if event.is_none() && !host_changed {
            return None;
        }
        Some(Observed {
            event: event.unwrap_or_else(|| observed.event.clone()),
            counts: observed.counts.clone(),
            reported_users: observed.reported_users,
            host: host.map(Cow::into_owned),
        })
    }

    /// `event` with every production string redacted; `None` when none needed it.
    #[must_use]
    pub fn event(&self, event: &ErrorEvent) -> Option<ErrorEvent> {
        let mut changed = false;
        let mut redact = |text: &str| -> String {
            match self.redact(text) {
                Cow::Borrowed(clean) => clean.to_owned(),
                Cow::Owned(redacted) => {
                    changed = true;
                    redacted
                }
            }
        };
        let redacted = ErrorEvent {
            source: redacted_source(&event.source, &mut redact),
            timestamp: event.timestamp,
            service: redacted_service(&event.service, &mut redact),
            environment: event.environment.clone(),
            release: event.release.as_deref().map(&mut redact),
            level: event.level,
            handled: event.handled,
            exception_type: event.exception_type.as_deref().map(&mut redact),
            message: redact(&event.message),
            frames: event
                .frames
                .iter()
                .map(|frame| StackFrame {
                    module: redact(&frame.module),
                    file: redact(&frame.file),
                    function: redact(&frame.function),
                    ..frame.clone()
                })
                .collect(),
            endpoint: event
                .endpoint
                .as_ref()
                .and_then(|e| redacted_endpoint(e, &mut redact)),
            user: event.user.clone(),
            request_id: event.request_id.as_deref().map(&mut redact),
            link: event.link.as_deref().map(&mut redact),
        };
        changed.then_some(redacted)
    }
}

fn redacted_source(source: &Source, redact: &mut impl FnMut(&str) -> String) -> Source {
    match source {
        Source::CloudWatch {
            log_group,
            log_stream,
            event_id,
        } => Source::CloudWatch {
            log_group: log_group.clone(),
            log_stream: redact(log_stream),
            event_id: redact(event_id),
        },
        Source::Sentry { .. } | Source::File { .. } => source.clone(),
    }
}

fn redacted_service(service: &Service, redact: &mut impl FnMut(&str) -> String) -> Service {
    let name = redact(service.as_str());
    if name == service.as_str() {
        return service.clone();
    }
    Service::new(&name).unwrap_or_else(|_| {
        Service::new(REDACTED_SERVICE).expect("the placeholder is a valid service name")
    })
}

/// The endpoint with its route redacted; none when the redacted route is not a valid one.
fn redacted_endpoint(
    endpoint: &Endpoint,
    redact: &mut impl FnMut(&str) -> String,
) -> Option<Endpoint> {
    let route = redact(&endpoint.route);
    if route == endpoint.route {
        return Some(endpoint.clone());
    }
    Endpoint::new(&endpoint.method, &route).ok()
}

#[cfg(test)]
mod tests;
