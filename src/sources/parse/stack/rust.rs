//! Rust panics: `thread 'main' panicked at src/cart.rs:42:5:` with the message on the next
//! line (Rust ≥ 1.73), or `thread 'main' panicked at 'msg', src/cart.rs:42:5` (older);
//! then an optional `stack backtrace:` of `   3: shop::cart::total` lines, each maybe
//! followed by `             at ./src/cart.rs:42:5`, innermost first. Without a backtrace the
//! panic location is the one frame. Panics are unhandled and fatal, of type `panic` (as
//! the Sentry panic integration reports them). `std`/`core`/`alloc`/runtime frames are not in-app.

use std::sync::LazyLock;

use regex::Regex;

use super::{Trace, path_in_app, usable};
use crate::domain::event::{LogLevel, StackFrame};

static PANIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"thread '([^']*)' panicked at (?:",
        r"(?P<file>[^\s'][^:]*):(?P<line>\d+):\d+:?\s*$",
        r#"|['"](?P<msg>.*)['"], (?P<ofile>[^:]+):(?P<oline>\d+)(?::\d+)?\s*$)"#,
    ))
    .expect("static regex")
});
static NUMBERED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*\d+:\s+(?:0x[0-9a-fA-F]+ - )?(.+?)\s*$").expect("static regex")
});
static AT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s+at (.+?):(\d+)(?::\d+)?\s*$").expect("static regex"));

/// Crates whose frames are the runtime, not the application.
const RUNTIME_PREFIXES: &[&str] = &[
    "std::",
    "core::",
    "alloc::",
    "tokio::",
    "futures::",
    "futures_util::",
    "futures_core::",
    "hyper::",
    "axum::",
    "tower::",
    "tracing::",
    "backtrace::",
    "sentry::",
    "sentry_",
    "anyhow::",
    "__rust",
    "__libc_start",
    "<unknown>",
];
/// Runtime symbols without a path.
const RUNTIME_SYMBOLS: &[&str] = &[
    "rust_begin_unwind",
    "rust_panic",
    "main",
    "_start",
    "start_thread",
    "clone",
    "clone3",
];

pub(super) fn parse(lines: &[&str]) -> Option<Trace> {
    let panic = lines.iter().enumerate().find_map(|(i, l)| {
        let line = usable(l)?;
        if !line.contains("panicked at") {
            return None;
        }
        PANIC.captures(line).map(|c| (i, c))
    });
    let backtrace = lines
        .iter()
        .position(|l| l.trim().eq_ignore_ascii_case("stack backtrace:"));
    if panic.is_none() && backtrace.is_none() {
        return None;
    }
    let mut trace = Trace {
        frames: backtrace
            .map(|b| frames_after(&lines[b + 1..]))
            .unwrap_or_default(),
        start: backtrace.unwrap_or(0),
        ..Trace::default()
    };
    if let Some((i, caps)) = panic {
        trace.start = i;
        trace.exception_type = Some("panic".to_owned());
        trace.handled = Some(false);
        trace.level = Some(LogLevel::Fatal);
        let (file, line, message) = match caps.name("file") {
            Some(file) => {
                let message = lines.get(i + 1).map(|l| l.trim()).filter(|l| {
                    !l.is_empty()
                        && !l.starts_with("note:")
                        && !l.eq_ignore_ascii_case("stack backtrace:")
                });
                (file.as_str(), caps.name("line"), message)
            }
            None => (
                caps.name("ofile").map_or("", |m| m.as_str()),
                caps.name("oline"),
                caps.name("msg").map(|m| m.as_str()),
            ),
        };
        trace.exception_message = message.map(str::to_owned);
        if trace.frames.is_empty() && !file.is_empty() {
            trace.frames.push(StackFrame {
                in_app: path_in_app(file),
                file: file.to_owned(),
                line: line.and_then(|m| m.as_str().parse().ok()),
                ..StackFrame::default()
            });
        }
    }
    Some(trace)
}

fn frames_after(lines: &[&str]) -> Vec<StackFrame> {
    let mut frames: Vec<StackFrame> = Vec::new();
    for line in lines {
        let Some(line) = usable(line) else { break };
        if let Some(caps) = AT.captures(line)
            && let Some(last) = frames.last_mut()
            && last.file.is_empty()
        {
            last.file = caps.get(1).map_or("", |m| m.as_str()).to_owned();
            last.line = caps.get(2).and_then(|m| m.as_str().parse().ok());
            last.in_app = last.in_app && path_in_app(&last.file);
        } else if let Some(caps) = NUMBERED.captures(line) {
            if frames.len() >= super::MAX_FRAMES {
                break;
            }
            let function = strip_hash(caps.get(1).map_or("", |m| m.as_str()));
            frames.push(StackFrame {
                in_app: !is_runtime(function),
                function: function.to_owned(),
                ..StackFrame::default()
            });
        } else if !line.trim().is_empty() {
            break;
        }
    }
    frames
}

/// `shop::cart::total::h0123456789abcdef` → `shop::cart::total`.
fn strip_hash(function: &str) -> &str {
    match function.rsplit_once("::h") {
        Some((name, hash)) if hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()) => {
            name
        }
        _ => function,
    }
}

/// `std::…`, `<alloc::boxed::Box<F> as core::ops::FnOnce>::call_once`, `rust_begin_unwind` …
fn is_runtime(function: &str) -> bool {
    let name = function.trim_start_matches('<');
    RUNTIME_SYMBOLS.contains(&name) || RUNTIME_PREFIXES.iter().any(|p| name.starts_with(p))
}
