//! Ruby backtraces: the interpreter's `/app/models/cart.rb:42:in 'total': undefined method
//! 'x' for nil (NoMethodError)` followed by `\tfrom /app/x.rb:1:in 'block in call'`
//! lines (innermost first; backtick-quoted `` in `total' `` too), and Rails' `NoMethodError
//! (undefined method …):` followed by bare `app/models/cart.rb:42:in 'total'` lines.
//! Ruby 3.4's `'Cart#total'` labels are split into module `Cart` and function `total`.
//! Gems, the standard library and `<internal:…>` are not in-app.

use std::sync::LazyLock;

use regex::Regex;

use super::{Trace, path_in_app, usable};
use crate::domain::event::StackFrame;

static FIRST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(\S.*?):(\d+):in [`']([^']+)': (.*?)(?: \(([A-Z][\w:]*)\))?\s*$")
        .expect("static regex")
});
static FRAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:from\s+)?(\S.*?):(\d+):in [`']([^']+)'\s*$").expect("static regex")
});
static RAILS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([A-Z][\w:]*) \((.*)\):\s*$").expect("static regex"));
static TYPE_SUFFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r" \(([A-Z][\w:]*)\)\s*$").expect("static regex"));

/// How many lines below a multi-line first line the `(ErrorClass)` is looked for.
const TYPE_LOOKAHEAD: usize = 6;

pub(super) fn parse(lines: &[&str]) -> Option<Trace> {
    let mut trace = Trace::default();
    let mut from = None;
    let mut needs_frames = false;
    for (i, raw) in lines.iter().enumerate() {
        let Some(line) = usable(raw) else { continue };
        if FRAME.is_match(line) {
            from = Some(i);
            trace.start = i;
            break;
        }
        if let Some(caps) = FIRST.captures(line) {
            trace.start = i;
            let file = caps.get(1).map_or("", |m| m.as_str());
            let label = caps.get(3).map_or("", |m| m.as_str());
            trace
                .frames
                .push(frame(file, caps.get(2).map(|m| m.as_str()), label));
            let mut message = caps.get(4).map_or("", |m| m.as_str()).trim().to_owned();
            let mut ty = caps.get(5).map(|m| m.as_str().to_owned());
            if ty.is_none() {
                ty = lines[i + 1..].iter().take(TYPE_LOOKAHEAD).find_map(|l| {
                    TYPE_SUFFIX
                        .captures(l)
                        .and_then(|c| c.get(1))
                        .map(|m| m.as_str().to_owned())
                });
            }
            if message.is_empty()
                && let Some(t) = &ty
            {
                message.clone_from(t);
            }
            trace.exception_type = ty;
            trace.exception_message = (!message.is_empty()).then_some(message);
            from = Some(i + 1);
            break;
        }
        if let Some(caps) = RAILS.captures(line.trim()) {
            trace.start = i;
            trace.exception_type = caps.get(1).map(|m| m.as_str().to_owned());
            trace.exception_message = caps.get(2).map(|m| m.as_str().trim().to_owned());
            from = Some(i + 1);
            needs_frames = true;
            break;
        }
    }
    let from = from?;
    let mut seen_frame = !trace.frames.is_empty();
    for raw in &lines[from..] {
        let Some(caps) = usable(raw).and_then(|l| FRAME.captures(l)) else {
            if seen_frame && !raw.trim().is_empty() {
                break;
            }
            continue;
        };
        seen_frame = true;
        let file = caps.get(1).map_or("", |m| m.as_str());
        trace.frames.push(frame(
            file,
            caps.get(2).map(|m| m.as_str()),
            caps.get(3).map_or("", |m| m.as_str()),
        ));
        if trace.frames.len() >= super::MAX_FRAMES {
            break;
        }
    }
    let found = !trace.frames.is_empty() || (trace.exception_type.is_some() && !needs_frames);
    found.then_some(trace)
}

/// `'block in Cart#total'` → module `Cart`, function `block in total`.
fn frame(file: &str, line: Option<&str>, label: &str) -> StackFrame {
    let (prefix, name) = match label.rsplit_once(" in ") {
        Some((p, n)) => (format!("{p} in "), n),
        None => (String::new(), label),
    };
    let (module, function) = match name.rsplit_once(['#', '.']) {
        Some((m, f)) if m.starts_with(|c: char| c.is_ascii_uppercase()) && !f.is_empty() => (m, f),
        _ => ("", name),
    };
    StackFrame {
        module: module.to_owned(),
        in_app: path_in_app(file) && !file.starts_with("<internal:"),
        file: file.to_owned(),
        function: format!("{prefix}{function}"),
        line: line.and_then(|l| l.parse().ok()),
    }
}
