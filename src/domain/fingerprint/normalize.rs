//! Normalization of frames, modules and exception types so one bug looks the same in every
//! source, release and host; `normalize_frame` applies every rule (functions: `function`).

use super::function::normalize_function;
use super::paths::normalize_path;
use crate::domain::event::StackFrame;

/// A frame reduced to what identifies code: a repo-relative-ish file and a bare function.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NormalizedFrame {
    pub file: String,
    pub function: String,
}

impl NormalizedFrame {
    pub fn is_empty(&self) -> bool {
        self.file.is_empty() && self.function.is_empty()
    }
}

const JVM_EXT: &[&str] = &["java", "kt", "kts", "scala", "groovy", "clj", "cljc"];
const DOTNET_EXT: &[&str] = &["cs", "fs", "vb"];
const UNKNOWN_FILES: &[&str] = &[
    "unknown source",
    "native method",
    "<unknown>",
    "<anonymous>",
    "native",
    "[native code]",
    "?",
];

/// Normalizes one frame; see the module docs of `fingerprint` for the rules.
pub fn normalize_frame(frame: &StackFrame) -> NormalizedFrame {
    let raw_file = frame.file.trim().trim_matches(['(', ')', '"', '\'']);
    let raw_file = if UNKNOWN_FILES.contains(&raw_file.to_ascii_lowercase().as_str()) {
        ""
    } else {
        raw_file
    };
    let path = normalize_path(raw_file);
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let mut module = frame.module.trim().to_owned();
    let mut function = strip_noise(frame.function.trim());
    // Recover the module when a text stack trace gave a qualified name (`com.x.Cart.add`):
    // Go splits at the first `.` after the last `/`; JVM/.NET names, and any name without
    // a file, at the last `.`.
    if module.is_empty() && !function.starts_with('<') {
        if ext == "go" {
            let after_slash = function.rfind('/').map_or(0, |i| i + 1);
            if let Some(dot) = function[after_slash..].find('.').map(|d| d + after_slash)
                && !function[after_slash..].starts_with('(')
            {
                module = function[..dot].to_owned();
                function = function[dot + 1..].to_owned();
            }
        } else if (path.is_empty()
            || JVM_EXT.contains(&ext.as_str())
            || DOTNET_EXT.contains(&ext.as_str()))
            && let Some(dot) = last_dot_outside_brackets(&function)
        {
            module = function[..dot].to_owned();
            function = function[dot + 1..].to_owned();
        }
    }
    let function = normalize_function(&function, &module);
    let module = normalize_module(&module);
    let file = if path.is_empty() {
        module
            .split(['$', '+'])
            .next()
            .unwrap_or_default()
            .to_owned()
    } else if !path.contains('/') && JVM_EXT.contains(&ext.as_str()) {
        match module.rsplit_once('.') {
            Some((package, _)) => format!("{}/{path}", package.replace('.', "/")),
            None => path,
        }
    } else {
        path
    };
    NormalizedFrame { file, function }
}

fn last_dot_outside_brackets(s: &str) -> Option<usize> {
    let mut depth = 0i32;
    let mut found = None;
    for (i, c) in s.char_indices() {
        match c {
            '<' | '(' | '[' => depth += 1,
            '>' | ')' | ']' => depth -= 1,
            '.' if depth == 0 => found = Some(i),
            _ => {}
        }
    }
    found
}

/// Library / runtime code even if a source marked it in-app (keeps selection identical
/// across sources whose in-app heuristics differ).
pub fn is_library_frame(frame: &StackFrame) -> bool {
    let file = frame.file.replace('\\', "/").to_ascii_lowercase();
    const PATH_MARKERS: &[&str] = &[
        "node_modules/",
        "bower_components/",
        "site-packages/",
        "dist-packages/",
        "/pkg/mod/",
        ".cargo/registry/",
        ".cargo/git/",
        "/rustc/",
        "/gems/",
        "/lib/python",
        "/usr/lib/",
        "/usr/local/lib/",
        "/usr/local/go/src/",
        "vendor/bundle/",
        "webpack/bootstrap",
    ];
    const FILE_PREFIXES: &[&str] = &["node:", "<frozen", "internal/"];
    const MODULE_PREFIXES: &[&str] = &[
        "java.",
        "javax.",
        "jdk.",
        "sun.",
        "com.sun.",
        "kotlin.",
        "kotlinx.",
        "scala.",
        "System.",
        "Microsoft.",
        "std::",
        "core::",
        "alloc::",
    ];
    PATH_MARKERS.iter().any(|m| file.contains(m))
        || FILE_PREFIXES.iter().any(|p| file.starts_with(p))
        || MODULE_PREFIXES
            .iter()
            .any(|p| frame.module.trim().starts_with(p))
}

/// `builtins.KeyError` → `KeyError`; `Uncaught TypeError` → `TypeError`; `*url.Error` →
/// `url.Error`; addresses and `$$` generated suffixes removed; Java FQCNs kept.
pub fn normalize_exception_type(raw: &str) -> String {
    let mut s = strip_noise(raw.trim().trim_end_matches(':').trim());
    for prefix in ["Uncaught ", "uncaught "] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest.to_owned();
        }
    }
    let s = s.trim_start_matches('*');
    let s = ["builtins.", "exceptions.", "__builtin__."]
        .iter()
        .find_map(|p| s.strip_prefix(p))
        .unwrap_or(s);
    collapse_ws(s)
}

/// Module/class: addresses, `$$Lambda$…`/CGLIB parts and C# `+<…>` nested state machines removed.
pub fn normalize_module(raw: &str) -> String {
    let s = strip_noise(raw.trim());
    let s = match s.find("+<") {
        Some(i) => &s[..i],
        None => &s,
    };
    s.trim_end_matches(['.', '/']).to_owned()
}

/// Removes memory addresses (`0x7ffd…`, with a leading `/`, `@` or `+`) and generated
/// `$$…` class parts up to the next `.` (`Cart$$Lambda$12/0x…` → `Cart`).
pub(super) fn strip_noise(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("0x") {
        let hex_len = rest[i + 2..]
            .bytes()
            .take_while(u8::is_ascii_hexdigit)
            .count();
        let boundary = rest[..i]
            .chars()
            .last()
            .is_none_or(|c| !c.is_ascii_alphanumeric());
        if hex_len == 0 || !boundary {
            out.push_str(&rest[..i + 2]);
            rest = &rest[i + 2..];
            continue;
        }
        out.push_str(rest[..i].trim_end_matches(['/', '@', '+']));
        rest = &rest[i + 2 + hex_len..];
    }
    out.push_str(rest);
    while let Some(i) = out.find("$$") {
        let end = out[i..].find('.').map_or(out.len(), |j| i + j);
        out.replace_range(i..end, "");
    }
    out
}

pub(super) fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests;
