//! JVM stack traces (Java, Kotlin, Scala, Groovy): `java.lang.IllegalStateException: msg`
//! (or `Exception in thread "main" …`, which is unhandled) then `\tat com.shop.Cart.total(Cart.java:42)`
//! frames, innermost first. The first (outermost) exception is kept with its own frames;
//! `Caused by:` and `Suppressed:` sections and `... 12 more` lines end them.
//! Frames: module = class, function = method, file = `Cart.java`. .NET frames have the
//! same shape (`at Shop.Cart.Total(Int32 id) in /src/Cart.cs:line 42`) and parse here too.

use std::sync::LazyLock;

use regex::Regex;

use super::{Trace, jvm_in_app, usable};
use crate::domain::event::{LogLevel, StackFrame};

static FRAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*at\s+([^\s()]+)\(([^()]*)\)(?:\s+in\s+(.+):line (\d+)|\s.*)?$")
        .expect("static regex")
});
static EXCEPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"^(Exception in thread "[^"]*"\s+)?([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+|[A-Z][\w$]*(?:Exception|Error|Throwable))(?::\s?(.*))?$"#,
    )
    .expect("static regex")
});

/// How far above the first frame the exception line is looked for (multi-line messages).
const EXCEPTION_LOOKBACK: usize = 20;

pub(super) fn parse(lines: &[&str]) -> Option<Trace> {
    let first = lines
        .iter()
        .position(|l| usable(l).is_some_and(|l| FRAME.is_match(l)))?;
    let mut frames = Vec::new();
    for line in &lines[first..] {
        let Some(caps) = usable(line).and_then(|l| FRAME.captures(l)) else {
            break;
        };
        let qualified = caps.get(1).map_or("", |m| m.as_str());
        let location = match (caps.get(3), caps.get(4)) {
            (Some(file), Some(line)) => Location::Dotnet(file.as_str(), line.as_str()),
            _ => Location::Jvm(caps.get(2).map_or("", |m| m.as_str())),
        };
        frames.push(frame(qualified, location));
        if frames.len() >= super::MAX_FRAMES {
            break;
        }
    }
    let exception = (first.saturating_sub(EXCEPTION_LOOKBACK)..first)
        .rev()
        .find_map(|i| {
            let line = usable(lines[i])?.trim();
            let caps = EXCEPTION.captures(line)?;
            Some((i, caps))
        });
    let mut trace = Trace {
        frames,
        start: first,
        ..Trace::default()
    };
    if let Some((i, caps)) = exception {
        trace.start = i;
        trace.exception_type = caps.get(2).map(|m| m.as_str().to_owned());
        trace.exception_message = caps
            .get(3)
            .map(|m| m.as_str().trim().to_owned())
            .filter(|m| !m.is_empty());
        if caps.get(1).is_some() {
            trace.handled = Some(false);
            trace.level = Some(LogLevel::Fatal);
        }
    }
    Some(trace)
}

/// Where a frame's code is.
enum Location<'a> {
    /// Inside the parentheses: `Cart.java:42`, `Cart.kt`, `Unknown Source`, `Native Method`.
    Jvm(&'a str),
    /// After ` in `: file and line (the parentheses hold argument types).
    Dotnet(&'a str, &'a str),
}

/// `java.base/java.lang.Thread.run` + `Thread.java:833` → class, method, file and line.
fn frame(qualified: &str, location: Location<'_>) -> StackFrame {
    let name = qualified.rsplit('/').next().unwrap_or(qualified);
    let (module, function) = match name.rsplit_once('.') {
        Some((class, method)) => (class.to_owned(), method.to_owned()),
        None => (String::new(), name.to_owned()),
    };
    let (file, line) = match location {
        Location::Dotnet(file, line) => (file, line.parse().ok()),
        Location::Jvm(inner) => match inner.rsplit_once(':') {
            Some((file, line)) => (file, line.trim().parse().ok()),
            None => (inner, None),
        },
    };
    let file = match file.trim() {
        "Unknown Source" | "Native Method" | "Unknown" => "",
        // Argument types (`Int32 id`) of a .NET frame without a file.
        f if f.contains(' ') || !f.contains('.') => "",
        f => f,
    };
    StackFrame {
        in_app: jvm_in_app(&module),
        module,
        file: file.to_owned(),
        function,
        line,
    }
}
