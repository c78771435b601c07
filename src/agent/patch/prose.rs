//! The `proposal` check: the prose fields (summary, root cause, test plan, risk) and the
//! confidence. The prose ends up in a PR body and a ticket comment, so it may not hide
//! characters, embed images (a browser fetches them, with whatever the URL carries) or
//! carry secrets.

use super::checks::PROPOSAL;
use super::{PatchRejection, Proposal, reject, secrets};
use crate::agent::untrusted::first_hidden;
use crate::redact::Redactor;

/// Longest prose field accepted, in characters.
const MAX_PROSE_CHARS: usize = 20_000;

/// HTML elements that make a browser fetch a URL.
const FETCHING_TAGS: [&str; 8] = [
    "<img", "<picture", "<source", "<video", "<audio", "<svg", "<image", "<iframe",
];

pub(super) fn check(proposal: &Proposal, redactor: &Redactor) -> Result<(), PatchRejection> {
    let fields = [
        ("summary", &proposal.summary),
        ("root_cause", &proposal.root_cause),
        ("test_plan", &proposal.test_plan),
        ("risk", &proposal.risk),
    ];
    for (name, text) in fields {
        let why = if text.trim().is_empty() {
            "is empty"
        } else if text.chars().count() > MAX_PROSE_CHARS {
            "is too long"
        } else if first_hidden(&text.replace("\r\n", "\n")).is_some() {
            "holds a hidden or control character"
        } else if has_image(text) {
            "embeds an image"
        } else if secrets::in_prose(text, redactor).is_some() {
            "holds what looks like a secret"
        } else {
            continue;
        };
        return reject(PROPOSAL, format!("the {name} {why}"));
    }
    if !(0.0..=1.0).contains(&proposal.confidence) {
        return reject(PROPOSAL, "confidence is not between 0 and 1");
    }
    Ok(())
}

/// A markdown image (`![…](…)`, `![…][ref]`) or an HTML element that loads a URL.
fn has_image(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.contains("![") || FETCHING_TAGS.iter().any(|tag| lower.contains(tag))
}
