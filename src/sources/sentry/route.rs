//! Endpoints as route templates: a request URL or a transaction name becomes
//! `METHOD /carts/:id/items`, never a raw URL carrying ids, tokens or e-mail addresses.

use crate::domain::event::Endpoint;

/// Most path segments kept; longer paths are cut (the route must stay short).
const MAX_SEGMENTS: usize = 12;

/// The endpoint of a request: method + the URL's path with id-like segments masked.
/// Query string, fragment, scheme and host are dropped.
pub fn endpoint_from_url(method: &str, url: &str) -> Option<Endpoint> {
    let without_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path_start = if url.contains("://") {
        without_scheme.find('/')?
    } else {
        0
    };
    let path = &without_scheme[path_start..];
    let path = path.split(['?', '#']).next().unwrap_or("");
    if !path.starts_with('/') {
        return None;
    }
    Endpoint::new(method, &route_of(path)).ok()
}

/// The endpoint named by a transaction: `POST /carts/{id}` or `/carts/<int:id>/`. Names
/// that are not paths (`app.views.checkout`) give `None`.
pub fn endpoint_from_transaction(transaction: &str) -> Option<Endpoint> {
    let transaction = transaction.trim();
    let (method, path) = match transaction.split_once(' ') {
        Some((method, path)) if is_method(method) => (method, path.trim()),
        _ => ("", transaction),
    };
    if !path.starts_with('/') {
        return None;
    }
    let path = path.split(['?', '#']).next().unwrap_or("");
    Endpoint::new(method, &route_of(path)).ok()
}

fn is_method(word: &str) -> bool {
    matches!(
        word.to_ascii_uppercase().as_str(),
        "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS"
    )
}

/// `/carts/8812/items/` → `/carts/:id/items`.
pub fn route_of(path: &str) -> String {
    let segments: Vec<&str> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .take(MAX_SEGMENTS)
        .map(|s| if is_id_like(s) { ":id" } else { s })
        .collect();
    if segments.is_empty() {
        "/".to_owned()
    } else {
        format!("/{}", segments.join("/"))
    }
}

/// Numbers, UUIDs, hex digests, long tokens, anything with an `@` or 4+ digits,
/// percent-encoded or control characters, and route placeholders (`{id}`, `<int:id>`,
/// `:id`, `[id]`).
fn is_id_like(segment: &str) -> bool {
    let is_placeholder = (segment.starts_with('{') && segment.ends_with('}'))
        || (segment.starts_with('<') && segment.ends_with('>'))
        || (segment.starts_with('[') && segment.ends_with(']'))
        || segment.starts_with(':');
    let digits = segment.chars().filter(char::is_ascii_digit).count();
    let letters = segment.chars().filter(char::is_ascii_alphabetic).count();
    let hex = segment.len() >= 8 && segment.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    is_placeholder
        || digits == segment.len()
        || digits >= 4
        || (hex && digits > 0)
        || (segment.len() >= 16 && digits > 0 && letters > 0)
        || segment.len() > 48
        || segment.contains('@')
        || segment.contains('%')
        || segment.chars().any(|c| c.is_control() || c.is_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_become_routes_without_ids() {
        let cases = [
            (
                "https://shop.example.com/carts/8812/items?x=1#top",
                "/carts/:id/items",
            ),
            (
                "http://h/users/3f2b8c1e-9d4a-4f5e-8b7c-1a2b3c4d5e6f/",
                "/users/:id",
            ),
            ("/orders/ord_20240101XYZ/pay", "/orders/:id/pay"),
            ("/files/d41d8cd98f00b204e9800998ecf8427e", "/files/:id"),
            ("/u/jane.doe@example.com/settings", "/u/:id/settings"),
            ("/api/v1/health", "/api/v1/health"),
            ("/reset/eyJhbGciOiJIUzI1NiJ9abc123", "/reset/:id"),
            ("https://h", "/"),
            ("/", "/"),
        ];
        for (url, route) in cases {
            let endpoint = endpoint_from_url("get", url);
            let got = endpoint.map(|e| e.route);
            if url == "https://h" {
                assert_eq!(got, None, "{url}");
            } else {
                assert_eq!(got.as_deref(), Some(route), "{url}");
            }
        }
        assert_eq!(
            endpoint_from_url("post", "/carts/1").map(|e| e.to_string()),
            Some("POST /carts/:id".to_owned())
        );
    }

    #[test]
    fn transactions_with_placeholders_and_methods() {
        let e = endpoint_from_transaction("POST /carts/{cart_id}/items").expect("route");
        assert_eq!(e.to_string(), "POST /carts/:id/items");
        let e = endpoint_from_transaction("/users/<int:pk>/").expect("route");
        assert_eq!(e.to_string(), "ANY /users/:id");
        assert_eq!(endpoint_from_transaction("app.views.checkout"), None);
        assert_eq!(endpoint_from_transaction("GET app.views"), None);
    }

    #[test]
    fn very_long_paths_are_cut() {
        let path = "/a".repeat(100);
        let route = route_of(&path);
        assert_eq!(route.matches('/').count(), MAX_SEGMENTS);
    }
}
