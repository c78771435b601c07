//! `Fingerprint`: the stable 16-hex-digit cluster id of an error, computed from its stack
//! (or from its message template when it has none) so that one bug gets one id across
//! sources, releases, hosts and line shifts, and different bugs get different ids.
//!
//! Stack fingerprint = SHA-256 over (`"stack"`, service, exception type, the top 3 frames),
//! first 64 bits. Each part is normalized first:
//! - **service**: trimmed, lower-cased.
//! - **exception type**: `normalize_exception_type` (`builtins.KeyError` = `KeyError`,
//!   `Uncaught TypeError` = `TypeError`; Java/C# fully qualified names kept).
//! - **frames**: innermost first (see `event`); only in-app frames — `in_app` set by the
//!   source *and* not a library/runtime path or module (`is_library_frame`); when no frame is
//!   in-app, the top frames whatever they are. Frames that normalize to nothing are
//!   skipped and consecutive duplicates (recursion) collapse, then the first 3 are kept.
//! - **each frame** → `(file, function)`, never line, column or address:
//!   `normalize_path` (deploy roots, release dirs, package versions, bundler hashes;
//!   JVM files become `package/dirs/File.java` from the module) and `normalize_function`
//!   (closures/lambdas/blocks → `enclosing{closure}`: Java `lambda$handle$0`, Kotlin
//!   `handle$lambda$0`, Scala `$anonfun$handle$1`, Python `<lambda>`, Rust `{{closure}}`,
//!   Go `.func1`, C# `<Handle>b__0_1`, Ruby `block (2 levels) in handle`; JS anonymous →
//!   empty; Rust `::h<16 hex>`, `$$Lambda$12/0x…`, CGLIB `$$…` and argument lists removed;
//!   a qualifying module prefix stripped so text traces match Sentry's split fields).
//!
//! Message fingerprint = SHA-256 over (`"template"`, service, template with whitespace
//! collapsed). The template (variables masked) is made elsewhere.
//!
//! Every part is length-prefixed before hashing, and the input starts with a version
//! tag: changing any rule here means bumping `VERSION`, which re-keys every cluster.

mod function;
mod normalize;
mod paths;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::event::{ErrorEvent, Service, StackFrame};

pub use function::{CLOSURE, normalize_function};
pub use normalize::{
    NormalizedFrame, is_library_frame, normalize_exception_type, normalize_frame, normalize_module,
};
pub use paths::normalize_path;

/// How many frames a stack fingerprint uses.
pub const TOP_FRAMES: usize = 3;
/// Hashed into every fingerprint; bump when a normalization rule changes.
pub const VERSION: &str = "triaged-fp-v1";

/// A stable cluster id, shown as 16 lowercase hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Fingerprint(u64);

/// Why a string is not a fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a fingerprint is exactly 16 hex digits, got {0:?}")]
pub struct FingerprintParseError(pub String);

impl Fingerprint {
    /// From the stack: `None` when no frame normalizes to anything (use the template).
    pub fn from_stack(
        service: &Service,
        exception_type: Option<&str>,
        frames: &[StackFrame],
    ) -> Option<Fingerprint> {
        let top = select_frames(frames);
        if top.is_empty() {
            return None;
        }
        let exception = normalize_exception_type(exception_type.unwrap_or_default());
        let service = service_key(service);
        let mut parts: Vec<&str> = vec!["stack", &service, &exception];
        for frame in &top {
            parts.push(&frame.file);
            parts.push(&frame.function);
        }
        Some(digest(&parts))
    }

    /// From a message template (for errors without a usable stack).
    pub fn from_template(service: &Service, template: &str) -> Fingerprint {
        let template = template.split_whitespace().collect::<Vec<_>>().join(" ");
        digest(&["template", &service_key(service), &template])
    }

    /// The stack fingerprint when the event has a usable stack, otherwise the template
    /// fingerprint; `template_of` gets the message and is only called when needed.
    pub fn of_event(event: &ErrorEvent, template_of: impl FnOnce(&str) -> String) -> Fingerprint {
        Self::from_stack(
            &event.service,
            event.exception_type.as_deref(),
            &event.frames,
        )
        .unwrap_or_else(|| Self::from_template(&event.service, &template_of(&event.message)))
    }

    /// The key on which one error's stacks from two sources merge even when their deeper
    /// frames differ: service + exception type + the top in-app frame (as 16 hex digits).
    /// `None` when no frame normalizes to anything.
    pub fn merge_key(
        service: &Service,
        exception_type: Option<&str>,
        frames: &[StackFrame],
    ) -> Option<String> {
        let top = select_frames(frames).into_iter().next()?;
        let exception = normalize_exception_type(exception_type.unwrap_or_default());
        let service = service_key(service);
        let parts = ["merge", &service, &exception, &top.file, &top.function];
        Some(digest(&parts).to_string())
    }

    pub fn as_u64(self) -> u64 {
        self.0
    }
}

/// The frames a stack fingerprint is made of (also what a ticket shows as "top frames").
pub fn select_frames(frames: &[StackFrame]) -> Vec<NormalizedFrame> {
    let normalized: Vec<(bool, NormalizedFrame)> = frames
        .iter()
        .map(|f| (f.in_app && !is_library_frame(f), normalize_frame(f)))
        .filter(|(_, n)| !n.is_empty())
        .collect();
    let any_in_app = normalized.iter().any(|(in_app, _)| *in_app);
    let mut top: Vec<NormalizedFrame> = Vec::with_capacity(TOP_FRAMES);
    for (in_app, frame) in normalized {
        if (in_app || !any_in_app) && top.last() != Some(&frame) {
            top.push(frame);
            if top.len() == TOP_FRAMES {
                break;
            }
        }
    }
    top
}

fn service_key(service: &Service) -> String {
    service.as_str().trim().to_lowercase()
}

fn digest(parts: &[&str]) -> Fingerprint {
    let mut hasher = Sha256::new();
    for part in std::iter::once(&VERSION).chain(parts) {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    let out = hasher.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&out[..8]);
    Fingerprint(u64::from_be_bytes(first))
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl FromStr for Fingerprint {
    type Err = FingerprintParseError;
    /// Exactly 16 hex digits, either case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() != 16 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(FingerprintParseError(s.to_owned()));
        }
        u64::from_str_radix(s, 16)
            .map(Fingerprint)
            .map_err(|_| FingerprintParseError(s.to_owned()))
    }
}

impl TryFrom<String> for Fingerprint {
    type Error = FingerprintParseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Fingerprint> for String {
    fn from(fp: Fingerprint) -> String {
        fp.to_string()
    }
}

#[cfg(test)]
mod tests;
