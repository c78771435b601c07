//! HTTP endpoints as route templates: a logged route is kept, a raw path or URL loses its
//! scheme, host, query and fragment and has its id-like segments masked as `:id`, so that
//! `GET https://api.shop/carts/123/items?x=1` becomes `GET /carts/:id/items`.

use std::sync::LazyLock;

use regex::Regex;

use crate::domain::event::Endpoint;

/// Placeholder for a masked path segment.
const ID_SEGMENT: &str = ":id";
const ROUTE_MAX_CHARS: usize = 200;
const METHODS: &[&str] = &[
    "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT",
];

/// Request line in free text: `"GET /carts/1?x=2 HTTP/1.1" 500` or `POST /carts`.
static REQUEST_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"\b(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (/[^\s"]*)(?: HTTP/[\d.]+"?\s+(\d{3})\b)?"#,
    )
    .expect("static regex")
});

/// The route template of a path or URL; `None` when nothing path-like is left.
pub fn route_template(raw: &str) -> Option<String> {
    let mut s = raw.trim();
    if let Some(i) = s.find("://") {
        let after_host = &s[i + 3..];
        s = after_host.find('/').map_or("/", |j| &after_host[j..]);
    }
    if let Some(i) = s.find(['?', '#']) {
        s = &s[..i];
    }
    if s.is_empty() || s.chars().any(char::is_whitespace) {
        return None;
    }
    let mut route = String::new();
    for segment in s.split('/').filter(|seg| !seg.is_empty()) {
        let part = if is_id_like(segment) {
            ID_SEGMENT
        } else {
            segment
        };
        if route.chars().count() + part.chars().count() + 1 > ROUTE_MAX_CHARS {
            break;
        }
        route.push('/');
        route.push_str(part);
    }
    if route.is_empty() {
        route.push('/');
    }
    Some(route)
}

/// An endpoint from the fields a log had: a route wins over a path; the method must be
/// an HTTP method (anything else becomes `ANY`).
pub(super) fn endpoint_from(
    method: Option<&str>,
    route: Option<&str>,
    path: Option<&str>,
) -> Option<Endpoint> {
    let route = route
        .and_then(route_template)
        .or_else(|| path.and_then(route_template))?;
    let method = method
        .map(|m| m.trim().to_ascii_uppercase())
        .filter(|m| METHODS.contains(&m.as_str()))
        .unwrap_or_default();
    Endpoint::new(&method, &route).ok()
}

/// Method, path and status from a request line in free text.
pub(super) fn from_text(line: &str) -> Option<(String, String, Option<u16>)> {
    let caps = REQUEST_LINE.captures(super::text::head(line, super::MAX_LINE_BYTES))?;
    let method = caps.get(1)?.as_str().to_owned();
    let path = caps.get(2)?.as_str().to_owned();
    let status = caps
        .get(3)
        .and_then(|m| m.as_str().parse().ok())
        .filter(|s| (100..=599).contains(s));
    Some((method, path, status))
}

/// Numbers, UUIDs, hex ids (≥ 8 digits), long tokens with digits, digit-heavy ids
/// (`INV-2024-0001`) and e-mail addresses. Route parameters (`:id`, `{id}`) are kept.
fn is_id_like(segment: &str) -> bool {
    if segment.starts_with(':') || segment.starts_with('{') || segment.starts_with('<') {
        return false;
    }
    let len = segment.len();
    let digits = segment.bytes().filter(u8::is_ascii_digit).count();
    if digits == len || segment.contains('@') {
        return true;
    }
    let token_chars = segment
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_.=~%".contains(&b));
    let hex = segment.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-');
    (hex && len >= 8 && digits > 0)
        || (token_chars && len >= 16 && digits > 0)
        || (digits >= 4 && digits * 2 >= len)
}
