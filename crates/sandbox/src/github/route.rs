//! Routing of the GitHub emulator: a method and a percent-encoded path → the operation,
//! its repository and the rest of the path (file paths and refs keep their slashes).

use axum::http::Method;

use super::RouteKind;
use super::serve::Target;

/// The operation a method and path name, if any.
pub(super) fn route(method: &Method, path: &str) -> Option<Target> {
    let segments: Vec<String> = path.split('/').skip(1).map(percent_decode).collect();
    let [repos, owner, name, rest @ ..] = segments.as_slice() else {
        return None;
    };
    if repos != "repos" || owner.is_empty() || name.is_empty() {
        return None;
    }
    let tail = |from: usize| rest.get(from..).map(|s| s.join("/")).unwrap_or_default();
    let words: Vec<&str> = rest.iter().map(String::as_str).collect();
    let (kind, rest) = match (method.as_str(), words.as_slice()) {
        ("GET", []) => (RouteKind::GetRepo, String::new()),
        ("GET", ["contents", _, ..]) => (RouteKind::GetContent, tail(1)),
        ("PUT", ["contents", _, ..]) => (RouteKind::PutContent, tail(1)),
        ("GET", ["git", "ref", _, ..]) => (RouteKind::GetRef, tail(2)),
        ("POST", ["git", "refs"]) => (RouteKind::CreateRef, String::new()),
        ("PATCH", ["git", "refs", _, ..]) => (RouteKind::UpdateRef, tail(2)),
        ("POST", ["git", "trees"]) => (RouteKind::CreateTree, String::new()),
        ("GET", ["git", "commits", sha]) => (RouteKind::GetCommit, (*sha).to_owned()),
        ("POST", ["git", "commits"]) => (RouteKind::CreateCommit, String::new()),
        ("GET", ["pulls"]) => (RouteKind::ListPulls, String::new()),
        ("POST", ["pulls"]) => (RouteKind::CreatePull, String::new()),
        ("GET", ["pulls", number]) => (RouteKind::GetPull, (*number).to_owned()),
        ("POST", ["issues", number, "labels"]) => (RouteKind::AddLabels, (*number).to_owned()),
        ("GET", ["compare", _, ..]) => (RouteKind::Compare, tail(1)),
        _ => return None,
    };
    Some(Target {
        kind,
        repo: format!("{owner}/{name}"),
        rest,
    })
}

/// `%XX` escapes of a path segment decoded (invalid ones kept as they are).
fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
