//! Function-name normalization: closures, lambdas and blocks of every language reduced to
//! `enclosing{closure}`, generated suffixes, hashes, argument lists and addresses removed.

use super::normalize::{collapse_ws, normalize_module, strip_noise};

/// Marker appended to the enclosing function of a closure/lambda/block: `handle{closure}`.
pub const CLOSURE: &str = "{closure}";

/// Bare function name with closures/lambdas/blocks reduced to `enclosing{closure}`, hash
/// suffixes, argument lists and addresses removed, and a `module.` prefix stripped
/// (`module` is the frame's module as reported; C# `MoveNext` of `+<Handle>d__5` → `Handle`).
pub fn normalize_function(raw: &str, raw_module: &str) -> String {
    let mut s = strip_noise(raw.trim());
    for prefix in ["async ", "new ", "await ", "rescue in ", "ensure in "] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest.to_owned();
        }
    }
    if let Some(i) = s.find(" [as ") {
        s.truncate(i);
    }
    strip_trailing_args(&mut s);
    strip_rust_hash(&mut s);
    if let Some(i) = s.find("[...]") {
        s.replace_range(i..i + 5, "");
    }
    let module = normalize_module(raw_module);
    if !module.is_empty()
        && !s.contains("::")
        && let Some(rest) = s
            .strip_prefix(module.as_str())
            .and_then(|r| r.strip_prefix('.'))
    {
        s = rest.to_owned();
    }
    if let (Some(outer), Some((_, local))) = (between(&s, "<", ">g__"), s.split_once(">g__")) {
        let local = local.split('|').next().unwrap_or_default();
        s = format!("{outer}.{local}");
    }
    if s == "MoveNext"
        && let Some(name) = between(raw_module, "<", ">d__")
    {
        s = name.to_owned();
    }
    let s = collapse_ws(&s);
    if s == "<anonymous>"
        || s.ends_with(".<anonymous>")
        || [
            "?",
            "anonymous",
            "(anonymous)",
            "<anon>",
            "(anonymous function)",
            "<unknown>",
        ]
        .contains(&s.as_str())
    {
        return String::new();
    }
    match closure_parent(&s) {
        Some(parent) => format!("{}{CLOSURE}", parent.trim_end_matches(['.', ':'])),
        None => s,
    }
}

fn between<'a>(s: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let end = s.find(close)?;
    let start = s[..end].rfind(open)? + open.len();
    Some(&s[start..end])
}

/// Drops a trailing `(…)` argument list unless it is the whole name (Go `(*T).M` keeps).
fn strip_trailing_args(s: &mut String) {
    if !s.ends_with(')') {
        return;
    }
    let mut depth = 0i32;
    for (i, c) in s.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' => {
                depth -= 1;
                if depth == 0 {
                    if i > 0 {
                        s.truncate(i);
                        let trimmed = s.trim_end().len();
                        s.truncate(trimmed);
                    }
                    return;
                }
            }
            _ => {}
        }
    }
}

/// Rust legacy-mangling hash: `…::h0123456789abcdef`.
fn strip_rust_hash(s: &mut String) {
    if let Some(i) = s.rfind("::h") {
        let tail = &s[i + 3..];
        if tail.len() == 16 && tail.bytes().all(|b| b.is_ascii_hexdigit()) {
            s.truncate(i);
        }
    }
}

/// The enclosing function when `s` names a closure, lambda or block; `None` otherwise.
fn closure_parent(s: &str) -> Option<String> {
    // Rust `a::b::{{closure}}`, `{closure#0}`; PHP `{closure}`.
    if s.contains("{closure") || s.contains("{{closure}}") {
        let parts: Vec<&str> = s
            .split("::")
            .filter(|p| !p.starts_with("{{closure") && !p.starts_with("{closure"))
            .collect();
        return Some(parts.join("::"));
    }
    // Java `lambda$handle$0`, Scala `$anonfun$handle$1`, Kotlin `handle$lambda$0` / `handle$lambda-0`.
    if let Some(i) = s.find("$lambda") {
        return Some(s[..i].to_owned());
    }
    for marker in ["lambda$", "$anonfun$"] {
        if let Some(i) = s.find(marker) {
            let rest = &s[i + marker.len()..];
            let name = rest.split('$').next().unwrap_or_default();
            return Some(format!("{}{name}", &s[..i]));
        }
    }
    if s == "<lambda>" {
        return Some(String::new());
    }
    // Ruby `block (2 levels) in process`, `rescue in process`.
    if s.starts_with("block ") || s.starts_with("block(") {
        return s.split_once(" in ").map(|(_, m)| m.to_owned());
    }
    // C# `<Handle>b__0_1` (lambda), `<Handle>g__Local|0_0` (local function → `Handle.Local`).
    if let Some(name) = between(s, "<", ">b__") {
        return Some(name.to_owned());
    }
    // Go `handler.func1`, `handler.func1.2`, `glob..func1`.
    let is_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    let segs: Vec<&str> = s.split('.').collect();
    let mut end = segs.len();
    while end > 1 && is_digits(segs[end - 1]) {
        end -= 1;
    }
    let last = segs[end - 1];
    if end > 1 && last.strip_prefix("func").is_some_and(is_digits) {
        return Some(segs[..end - 1].join("."));
    }
    None
}

#[cfg(test)]
mod tests;
