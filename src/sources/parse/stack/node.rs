//! Node.js / V8 stack traces: `TypeError: Cannot read properties of undefined` (possibly
//! `Uncaught …`, which is unhandled, or `Error [ERR_X]: …`) then `    at Cart.total (/app/src/cart.js:10:5)`,
//! `at /app/x.js:1:2` (anonymous), `at async …`, `at new Foo (…)`, `at Array.map (<anonymous>)`.
//! `node:internal`, `node_modules` and anonymous/native locations are not in-app.

use std::sync::LazyLock;

use regex::Regex;

use super::{Trace, path_in_app, usable};
use crate::domain::event::StackFrame;

static AT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*at\s+(.+?)\s*$").expect("static regex"));
static LOCATION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(.+?):(\d+)(?::(\d+))?$").expect("static regex"));
static EXCEPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(Uncaught\s+)?([A-Za-z_$][\w$.]*)(?:\s\[[^\]]*\])?(?::\s?(.*))?$")
        .expect("static regex")
});

/// How far above the first frame the exception line is looked for (multi-line messages).
const EXCEPTION_LOOKBACK: usize = 20;
const SPECIAL_LOCATIONS: &[&str] = &["native", "<anonymous>", "unknown location", "eval"];

pub(super) fn parse(lines: &[&str]) -> Option<Trace> {
    let first = lines.iter().position(|l| frame_of(l).is_some())?;
    let frames: Vec<StackFrame> = lines[first..]
        .iter()
        .map_while(|l| frame_of(l))
        .take(super::MAX_FRAMES)
        .collect();
    let mut trace = Trace {
        frames,
        start: first,
        ..Trace::default()
    };
    let exception = (first.saturating_sub(EXCEPTION_LOOKBACK)..first)
        .rev()
        .find_map(|i| exception_line(lines[i]).map(|e| (i, e)));
    if let Some((i, (uncaught, ty, message))) = exception {
        trace.start = i;
        trace.exception_type = Some(ty);
        trace.exception_message = message;
        if uncaught {
            trace.handled = Some(false);
        }
    }
    Some(trace)
}

/// `(uncaught, type, message)` of a line like `TypeError: x`; the type must look like an
/// error class (`…Error`, `…Exception`) or be followed by `: `.
fn exception_line(line: &str) -> Option<(bool, String, Option<String>)> {
    let caps = EXCEPTION.captures(usable(line)?.trim())?;
    let ty = caps.get(2)?.as_str();
    let message = caps.get(3).map(|m| m.as_str().trim().to_owned());
    let error_like = ["Error", "Exception", "Rejection"]
        .iter()
        .any(|s| ty.ends_with(s));
    if !error_like && message.is_none() {
        return None;
    }
    Some((
        caps.get(1).is_some(),
        ty.to_owned(),
        message.filter(|m| !m.is_empty()),
    ))
}

/// One `at …` line, if it is a V8 frame.
fn frame_of(line: &str) -> Option<StackFrame> {
    let body = AT.captures(usable(line)?)?.get(1)?.as_str();
    let body = body.strip_prefix("async ").unwrap_or(body);
    let (function, location) = match body.strip_suffix(')').and_then(|b| b.rsplit_once(" (")) {
        Some((function, location)) => (function.trim(), location),
        None => ("", body),
    };
    let (file, line_no) = match LOCATION.captures(location) {
        Some(caps) => (
            caps.get(1)?.as_str(),
            caps.get(2).and_then(|m| m.as_str().parse().ok()),
        ),
        None if SPECIAL_LOCATIONS.contains(&location) || location.starts_with("index ") => {
            (location, None)
        }
        None => return None,
    };
    // `at x.y(Foo.java:1)` is a JVM frame, not ours.
    if function.is_empty() && file.contains('(') {
        return None;
    }
    Some(StackFrame {
        module: String::new(),
        in_app: line_no.is_some() && path_in_app(file),
        file: file.to_owned(),
        function: function.to_owned(),
        line: line_no,
    })
}
