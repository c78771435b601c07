//! Puts a `ParsedLog` together: JSON object or plain text, then header, logfmt pairs, the
//! trace and the message. Every field is filled once: what is found first wins, in this
//! order — a structured field, the plain header before it, the trace.

use super::fields::{LogFields, StackField};
use super::json::{self, Detected};
use super::stack::{self, Trace};
use super::{MAX_FRAMES, MAX_MESSAGE_BYTES, ParseIssue, ParsedLog, endpoint, logfmt, plain, text};

/// A container log line (`{"log": …}`) is parsed once more, not deeper.
const MAX_DEPTH: u8 = 1;

pub(super) fn parse_into(input: &str, out: &mut ParsedLog) {
    let body = input.trim();
    if body.is_empty() {
        out.issues.push(ParseIssue::Empty);
        return;
    }
    let own = parse_text(body, out, 0);
    finish(out, own, body);
}

/// Fills `out` from `body`; returns the log's own message, if it has one.
fn parse_text(body: &str, out: &mut ParsedLog, depth: u8) -> Option<String> {
    match json::detect(body) {
        Detected::Object { prefix, map, rest } => {
            let fields = LogFields::read(&map);
            let own = parse_object(prefix, fields, out, depth);
            // A trace printed after a one-line object (`msg {…}\nTraceback …`).
            if out.frames.is_empty()
                && let Some(trace) = stack::parse_text(rest)
            {
                apply_trace(out, trace);
            }
            return own;
        }
        Detected::Truncated => out.issues.push(ParseIssue::TruncatedJson),
        Detected::Malformed => out.issues.push(ParseIssue::MalformedJson),
        Detected::NotAnObject => out.issues.push(ParseIssue::JsonNotAnObject),
        Detected::Plain => {}
    }
    parse_plain(body, out)
}

fn parse_object(prefix: &str, f: LogFields, out: &mut ParsedLog, depth: u8) -> Option<String> {
    let mut embedded = None;
    if depth < MAX_DEPTH
        && let Some(log) = f.embedded_log.as_deref().map(str::trim)
        && !log.is_empty()
    {
        embedded = parse_text(log, out, depth + 1);
    }
    apply_fields(&f, out);
    let header = plain::strip_header(prefix.trim());
    apply_header(&header, out);
    match f.stack {
        Some(StackField::Frames(mut frames)) if out.frames.is_empty() => {
            frames.truncate(MAX_FRAMES);
            out.frames = frames;
        }
        Some(StackField::Text(s)) => match stack::parse_text(&s) {
            Some(trace) => apply_trace(out, trace),
            None if s.contains('\n') => fill_exception_message(out, s.lines().next()),
            None => {}
        },
        _ => {}
    }
    let mut message = f.message;
    if out.frames.is_empty()
        && let Some(m) = message.as_deref()
        && m.contains('\n')
    {
        let lines = text::lines(m);
        if let Some(trace) = stack::parse_lines(&lines) {
            let own = non_empty(span(m, &lines[..trace.start]));
            apply_trace(out, trace);
            message = own;
        }
    }
    message.or(embedded).or_else(|| non_empty(header.rest))
}

fn parse_plain(body: &str, out: &mut ParsedLog) -> Option<String> {
    let mut lines = text::lines(body);
    let header = plain::strip_header(lines.first().copied().unwrap_or_default());
    apply_header(&header, out);
    if let Some(first) = lines.first_mut() {
        *first = header.rest;
    }
    let mut skip_first = false;
    let mut logfmt_message = None;
    if let Some(pairs) = logfmt::parse(header.rest) {
        let f = LogFields::read(&pairs.fields);
        apply_fields(&f, out);
        if pairs.whole_line {
            skip_first = true;
            logfmt_message = f.message;
            if let Some(StackField::Text(s)) = &f.stack
                && let Some(trace) = stack::parse_text(s)
            {
                apply_trace(out, trace);
            }
        }
    }
    if out.endpoint.is_none()
        && let Some((method, path, status)) = endpoint::from_text(header.rest)
    {
        out.endpoint = endpoint::endpoint_from(Some(&method), None, Some(&path));
        out.status = out.status.or(status);
    }
    let rest = if skip_first { &lines[1..] } else { &lines[..] };
    let own = match stack::parse_lines(rest) {
        Some(trace) => {
            let own = non_empty(span(body, &rest[..trace.start]));
            apply_trace(out, trace);
            own
        }
        // No trace: the whole text after the header, even past `MAX_LINES`.
        None => non_empty(rest.first().map_or("", |first| span(body, &[first, body]))),
    };
    let own = logfmt_message.or(own);
    if out.exception_type.is_none()
        && let Some(first_line) = own.as_deref().and_then(|m| m.lines().next())
        && let Some((ty, message)) = stack::bare_exception_line(first_line)
    {
        out.exception_type = Some(ty);
        fill_exception_message(out, message.as_deref());
    }
    own
}

/// The text of `body` from the first to the last of `lines` (all sub-slices of `body`,
/// `body` itself included).
fn span<'a>(body: &'a str, lines: &[&'a str]) -> &'a str {
    let (Some(first), Some(last)) = (lines.first(), lines.last()) else {
        return "";
    };
    let base = body.as_ptr() as usize;
    let start = (first.as_ptr() as usize).saturating_sub(base);
    let end = (last.as_ptr() as usize).saturating_sub(base) + last.len();
    body.get(start..end).unwrap_or_default()
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

fn apply_header(h: &plain::Header<'_>, out: &mut ParsedLog) {
    out.timestamp = out.timestamp.or(h.timestamp);
    out.level = out.level.or(h.level);
    if out.request_id.is_none() {
        out.request_id.clone_from(&h.request_id);
    }
}

fn apply_fields(f: &LogFields, out: &mut ParsedLog) {
    out.timestamp = out.timestamp.or(f.timestamp);
    out.level = out.level.or(f.level);
    fill_short(
        &mut out.exception_type,
        f.error_type.as_deref(),
        "exception_type",
        &mut out.issues,
    );
    fill_exception_message(out, f.error_message.as_deref());
    if out.exception_type.is_none()
        && let Some((ty, message)) = out
            .exception_message
            .as_deref()
            .and_then(stack::bare_exception_line)
    {
        out.exception_type = Some(ty);
        out.exception_message = message;
    }
    fill_short(
        &mut out.request_id,
        f.request_id.as_deref(),
        "request_id",
        &mut out.issues,
    );
    fill_short(
        &mut out.user_id,
        f.user_id.as_deref(),
        "user_id",
        &mut out.issues,
    );
    if out.endpoint.is_none() {
        out.endpoint =
            endpoint::endpoint_from(f.method.as_deref(), f.route.as_deref(), f.path.as_deref());
    }
    out.status = out.status.or(f.status);
    fill_raw(&mut out.service, f.service.as_deref());
    fill_raw(&mut out.environment, f.environment.as_deref());
    fill_raw(&mut out.release, f.release.as_deref());
}

fn apply_trace(out: &mut ParsedLog, trace: Trace) {
    if out.exception_type.is_none() {
        let mut issues = std::mem::take(&mut out.issues);
        fill_short(
            &mut out.exception_type,
            trace.exception_type.as_deref(),
            "exception_type",
            &mut issues,
        );
        out.issues = issues;
    }
    fill_exception_message(out, trace.exception_message.as_deref());
    out.handled = out.handled.or(trace.handled);
    out.level = out.level.or(trace.level);
    if out.frames.is_empty() {
        out.frames = trace.frames;
    }
}

fn fill_exception_message(out: &mut ParsedLog, value: Option<&str>) {
    if out.exception_message.is_none()
        && let Some(v) = value.map(str::trim).filter(|v| !v.is_empty())
    {
        out.exception_message = Some(text::bounded(v, MAX_MESSAGE_BYTES).0);
    }
}

/// Sets an empty short field; an unusable value is dropped and recorded.
fn fill_short(
    slot: &mut Option<String>,
    value: Option<&str>,
    field: &'static str,
    issues: &mut Vec<ParseIssue>,
) {
    let Some(value) = value else { return };
    if slot.is_some() {
        return;
    }
    match text::short_field(value) {
        Ok(v) => *slot = v,
        Err(()) => issues.push(ParseIssue::FieldDropped { field }),
    }
}

/// Service, environment and release are kept raw: `into_event` validates them.
fn fill_raw(slot: &mut Option<String>, value: Option<&str>) {
    if slot.is_none()
        && let Some(v) = value.map(str::trim).filter(|v| !v.is_empty())
    {
        *slot = Some(text::head(v, 1024).to_owned());
    }
}

/// Chooses the message — the log's own, else the exception's first line (`Type: message`),
/// else the raw text (`NoMessage`) — bounds it, and marks unhandled errors.
fn finish(out: &mut ParsedLog, own: Option<String>, body: &str) {
    let headline = || match (&out.exception_type, &out.exception_message) {
        (Some(t), Some(m)) => Some(format!("{t}: {m}")),
        (Some(t), None) => Some(t.clone()),
        (None, Some(m)) => Some(m.clone()),
        (None, None) => None,
    };
    let chosen = match own.or_else(headline) {
        Some(m) => m,
        None => {
            out.issues.push(ParseIssue::NoMessage);
            body.to_owned()
        }
    };
    let (message, cut) = text::bounded(chosen.trim(), MAX_MESSAGE_BYTES);
    if cut {
        out.issues.push(ParseIssue::MessageTruncated {
            bytes: chosen.trim().len(),
        });
    }
    out.message = message;
    if out.handled.is_none() && text::mentions_unhandled(&out.message) {
        out.handled = Some(false);
    }
}
