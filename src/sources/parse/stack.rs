//! Stack traces in text: finds the trace among a message's lines and parses it with the
//! parser of its language (`python`, `rust`, `go`, `java`, `node`, `ruby`). Frames come out
//! innermost first, at most `MAX_FRAMES` (the innermost ones).
//!
//! Chained exceptions keep the **outermost** exception (its type, message and frames):
//! Java's first exception rather than its last `Caused by:`, Python's final traceback
//! (raised while handling the earlier ones). That is the exception the program let
//! escape, the one Sentry titles an event with (the last entry of `exception.values`),
//! so a trace from logs and the same error from Sentry fingerprint alike; and its frames
//! are where the application wrapped the failure, while a root cause often sits in a
//! driver or framework shared by unrelated bugs.

mod go;
mod java;
mod node;
mod python;
mod ruby;
mod rust;

use std::sync::LazyLock;

use regex::Regex;

use super::{MAX_FRAMES, text};
use crate::domain::event::{LogLevel, StackFrame};

/// One parsed trace.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Trace {
    pub exception_type: Option<String>,
    pub exception_message: Option<String>,
    /// Innermost first.
    pub frames: Vec<StackFrame>,
    pub handled: Option<bool>,
    /// The level the trace implies (`Fatal` for panics), if any.
    pub level: Option<LogLevel>,
    /// Index of the trace's first line: the lines before it are the log's own message.
    pub start: usize,
}

/// A language's trace parser: `None` when its markers are absent.
type LanguageParser = fn(&[&str]) -> Option<Trace>;

/// The trace in `lines`, trying each language whose markers are present.
pub(super) fn parse_lines(lines: &[&str]) -> Option<Trace> {
    let parsers: [LanguageParser; 6] = [
        python::parse,
        rust::parse,
        go::parse,
        java::parse,
        node::parse,
        ruby::parse,
    ];
    parsers.iter().find_map(|parse| parse(lines)).map(|mut t| {
        t.frames.truncate(MAX_FRAMES);
        t
    })
}

/// The trace in a text (a structured log's stack field).
pub(super) fn parse_text(s: &str) -> Option<Trace> {
    parse_lines(&text::lines(s))
}

/// In-app by path: not a dependency, runtime or standard library file, and a real path.
pub(super) fn path_in_app(file: &str) -> bool {
    const LIBRARY: &[&str] = &[
        "node_modules/",
        "site-packages/",
        "dist-packages/",
        "/lib/python",
        "/pkg/mod/",
        "/vendor/",
        "vendor/bundle/",
        "/gems/",
        "/lib/ruby/",
        "/rubygems/",
        ".cargo/registry/",
        ".cargo/git/",
        "/rustc/",
        "/usr/lib/",
        "/usr/local/go/",
        "/usr/local/lib/",
        "/var/runtime/",
        "/var/lang/",
    ];
    const PREFIXES: &[&str] = &["node:", "internal/", "<", "[", "native", "/rustc/"];
    let file = file.trim().replace('\\', "/");
    !file.is_empty()
        && !PREFIXES.iter().any(|p| file.starts_with(p))
        && !LIBRARY.iter().any(|m| file.contains(m))
}

/// In-app by JVM (or .NET) class name: not the JDK, the Kotlin/Scala runtimes, .NET's
/// `System`/`Microsoft` or a common framework.
pub(super) fn jvm_in_app(class: &str) -> bool {
    const LIBRARY: &[&str] = &[
        "java.",
        "javax.",
        "jakarta.",
        "jdk.",
        "sun.",
        "com.sun.",
        "kotlin.",
        "kotlinx.",
        "scala.",
        "akka.",
        "org.springframework.",
        "org.apache.",
        "org.hibernate.",
        "org.eclipse.",
        "org.glassfish.",
        "org.jboss.",
        "io.netty.",
        "io.micrometer.",
        "io.grpc.",
        "io.undertow.",
        "io.vertx.",
        "io.reactivex.",
        "reactor.",
        "com.fasterxml.",
        "com.google.",
        "com.zaxxer.",
        "ch.qos.logback.",
        "org.slf4j.",
        "okhttp3.",
        "retrofit2.",
        "org.junit.",
        "org.mockito.",
        "groovy.",
        "org.codehaus.groovy.",
        "clojure.",
        "feign.",
        "net.bytebuddy.",
        "org.postgresql.",
        "com.mysql.",
        "software.amazon.",
        "com.amazonaws.",
        "System.",
        "Microsoft.",
    ];
    let class = class.trim();
    !class.is_empty() && !LIBRARY.iter().any(|p| class.starts_with(p))
}

/// `Type: message` where `Type` is unmistakably an exception class (its last part ends
/// in `Error`, `Exception`, …) — for a one-line error without a trace.
pub(super) fn bare_exception_line(line: &str) -> Option<(String, Option<String>)> {
    static BARE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"^(?:Uncaught\s+)?((?:[A-Za-z_$][\w$]*(?:\.|::))*[A-Za-z_$][\w$]*)(?:\s\[[\w-]+\])?(?::\s+(.*))?$",
        )
        .expect("static regex")
    });
    const SUFFIXES: &[&str] = &[
        "Error",
        "Exception",
        "Exit",
        "Interrupt",
        "Fault",
        "Panic",
        "Rejection",
        "Throwable",
    ];
    let line = line.trim();
    if !text::matchable(line) {
        return None;
    }
    let caps = BARE.captures(line)?;
    let ty = caps.get(1)?.as_str();
    if !SUFFIXES.iter().any(|s| ty.ends_with(s)) {
        return None;
    }
    let message = caps
        .get(2)
        .map(|m| m.as_str().trim().to_owned())
        .filter(|m| !m.is_empty());
    Some((ty.to_owned(), message))
}

/// Drops a trailing balanced `(…)` argument list: `main.(*Cart).Total(0xc0, ...)` →
/// `main.(*Cart).Total`; a name that is only a list stays.
pub(super) fn strip_call_args(s: &str) -> &str {
    let s = s.trim_end();
    if !s.ends_with(')') {
        return s;
    }
    let mut depth = 0i32;
    for (i, c) in s.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' => {
                depth -= 1;
                if depth == 0 {
                    return if i == 0 { s } else { s[..i].trim_end() };
                }
            }
            _ => {}
        }
    }
    s
}

/// The line's text when it may be matched against patterns (see `text::matchable`).
fn usable(line: &str) -> Option<&str> {
    text::matchable(line).then_some(line)
}
