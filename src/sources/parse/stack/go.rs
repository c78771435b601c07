//! Go panics and stacks: `panic: …` (or `fatal error: …`), `[signal SIGSEGV …]`,
//! `goroutine 1 [running]:`, then pairs of a function line `main.(*Cart).Total(...)` and a
//! `\t/app/cart.go:42 +0x1d` location, innermost first. Only the first goroutine is read.
//! Stacks without a panic header (zap's `stacktrace`) parse too. Panics are unhandled
//! and fatal; their type is `panic` (`fatal error` for runtime fatal errors), as the
//! text does not name the Go type of the panic value.

use std::sync::LazyLock;

use regex::Regex;

use super::{Trace, strip_call_args, usable};
use crate::domain::event::{LogLevel, StackFrame};

static LOCATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s+(\S.*?\.(?:go|s)):(\d+)(?:\s+\+0x[0-9a-fA-F]+)?\s*$").expect("static regex")
});

/// Packages of the standard library seen in stacks whose files do not show GOROOT.
const STD_PACKAGES: &[&str] = &[
    "runtime", "net", "syscall", "reflect", "sync", "os", "io", "fmt", "encoding", "internal",
    "database", "crypto", "context", "testing", "time", "strings", "bytes", "bufio", "errors",
    "log", "sort", "strconv", "math", "path", "unicode", "text", "html", "mime", "compress",
];

pub(super) fn parse(lines: &[&str]) -> Option<Trace> {
    let header = lines.iter().enumerate().find_map(|(i, l)| {
        let t = usable(l)?.trim_start();
        if let Some(m) = t.strip_prefix("panic: ") {
            Some((i, "panic", m))
        } else {
            t.strip_prefix("fatal error: ")
                .map(|m| (i, "fatal error", m))
        }
    });
    let from = header.map_or(0, |(i, _, _)| i);
    let frames = frames_after(lines, from);
    if header.is_none() && frames.is_empty() {
        return None;
    }
    let mut trace = Trace {
        frames,
        ..Trace::default()
    };
    match header {
        Some((i, ty, message)) => {
            let message = message.trim().trim_end_matches(" [recovered]").trim();
            trace.start = i;
            trace.exception_type = Some(ty.to_owned());
            trace.exception_message = (!message.is_empty()).then(|| message.to_owned());
            trace.handled = Some(false);
            trace.level = Some(LogLevel::Fatal);
        }
        None => trace.start = first_function_line(lines).unwrap_or(0),
    }
    Some(trace)
}

fn first_function_line(lines: &[&str]) -> Option<usize> {
    (0..lines.len().saturating_sub(1))
        .find(|&i| is_function_line(lines[i]) && is_location(lines[i + 1]))
}

/// The frames of the first goroutine after line `from`.
fn frames_after(lines: &[&str], from: usize) -> Vec<StackFrame> {
    let mut frames = Vec::new();
    let mut i = from;
    let mut started = false;
    while i + 1 < lines.len() && frames.len() < super::MAX_FRAMES {
        let line = lines[i];
        if started && (line.trim().is_empty() || line.starts_with("goroutine ")) {
            break;
        }
        if is_function_line(line)
            && let Some(caps) = usable(lines[i + 1]).and_then(|l| LOCATION.captures(l))
        {
            if line.starts_with("created by ") {
                break;
            }
            started = true;
            let file = caps.get(1).map_or("", |m| m.as_str());
            frames.push(frame(
                line,
                file,
                caps.get(2).and_then(|m| m.as_str().parse().ok()),
            ));
            i += 2;
            continue;
        }
        i += 1;
    }
    frames
}

fn is_function_line(line: &str) -> bool {
    usable(line).is_some_and(|l| !l.is_empty() && !l.starts_with(char::is_whitespace))
}

fn is_location(line: &str) -> bool {
    usable(line).is_some_and(|l| LOCATION.is_match(l))
}

/// `github.com/shop/checkout.(*Cart).Add(0xc0000b2000)` → module
/// `github.com/shop/checkout`, function `(*Cart).Add`.
fn frame(function_line: &str, file: &str, line: Option<u32>) -> StackFrame {
    let name = strip_call_args(function_line.trim());
    let last_slash = name[..name.find('(').unwrap_or(name.len())]
        .rfind('/')
        .map_or(0, |i| i + 1);
    let (module, function) = match name[last_slash..].find('.') {
        Some(dot) => (&name[..last_slash + dot], &name[last_slash + dot + 1..]),
        None => ("", name),
    };
    StackFrame {
        in_app: in_app(module, file),
        module: module.to_owned(),
        file: file.to_owned(),
        function: function.to_owned(),
        line,
    }
}

/// Not a module-cache or vendored dependency, not the standard library (a package whose
/// first path element has no dot, other than `main`, found under GOROOT or named in
/// `STD_PACKAGES`).
fn in_app(module: &str, file: &str) -> bool {
    let file = file.replace('\\', "/");
    if file.contains("/pkg/mod/") || file.contains("/vendor/") {
        return false;
    }
    let first = module.split('/').next().unwrap_or_default();
    let std_like = !first.contains('.') && module != "main";
    !(std_like
        && (file.contains("/go/src/")
            || file.contains("/usr/local/go/")
            || STD_PACKAGES.contains(&first)))
}
