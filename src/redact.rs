//! Scrubs secrets and personal data out of text before it is stored or leaves the process.
//!
//! Every byte that triaged writes to the database, to Linear, into an LLM prompt or to
//! Slack goes through [`Redactor::redact`] first. Each secret found is replaced by a marker
//! that names what was there, and the text around it is left alone:
//!
//! ```text
//! password=hunter2                      ->  password=[REDACTED:password]
//! https://app:pw@db.internal:5432/x     ->  https://app:[REDACTED:password]@db.internal:5432/x
//! Authorization: Bearer 9f2c…           ->  Authorization: Bearer [REDACTED:bearer_token]
//! {"email":"ana@example.com"}           ->  {"email":"[REDACTED:email]"}
//! ```
//!
//! # How it works
//!
//! - A *rule* is a regex, the kind written into its marker, and optionally an `accept`
//!   check for what a regex cannot express (the Luhn checksum of a card number, "has a
//!   digit", "is not a placeholder like `null`"). The part of a match that is replaced is
//!   the first capture group that took part in the match, or the whole match when none
//!   did. That is how `password=` survives while its value goes.
//! - All rules are also compiled into one [`RegexSet`]. One pass of the set over the text
//!   says which rules can match at all, so clean text — the common case — costs one pass
//!   and comes back as [`Cow::Borrowed`].
//! - The rules that can match then run one after another: the configured extra patterns,
//!   then the built-in rules in the order of `builtin_rules` — vendor formats first (their
//!   markers say the most), then context rules (`Authorization:`, `password=`), then emails and card
//!   numbers. Later rules see the markers earlier ones wrote. A candidate that lies wholly
//!   inside an existing marker is skipped; that is what makes redacting twice the same as
//!   redacting once.
//! - Everything is matched by the `regex` crate, which runs in time linear in the input
//!   whatever the pattern. Keep it that way: no backtracking regex engine here.
//!
//! # Marker kinds
//!
//! `private_key`, `jwt`, `aws_access_key`, `aws_secret_key`, `anthropic_key`, `openai_key`,
//! `github_token`, `slack_token`, `slack_webhook`, `teams_webhook`, `stripe_key`,
//! `google_api_key`, `linear_token`, `sentry_token`, `password`, `secret`, `token`,
//! `api_key`, `basic_auth`, `bearer_token`, `authorization`, `cookie`, `signature`,
//! `email`, `card_number`, and `custom` for the configured extra patterns.
//!
//! # Limits
//!
//! This is pattern matching. A secret with no recognisable shape and no telling name
//! next to it (a bare random password in prose) is not found. Phone numbers, names and
//! postal addresses are not redacted; IP addresses are deliberately kept.

use std::borrow::Cow;
use std::ops::Range;

use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};

use rules::builtin_rules;

mod accept;
mod encoded;
mod event;
mod rules;
#[cfg(test)]
pub(crate) mod testing;
#[cfg(test)]
mod tests;

/// Every marker starts with this; the kind and a closing `]` follow.
const MARKER_PREFIX: &str = "[REDACTED:";

/// Upper bound on the length of a whole marker, used to look back for one cheaply.
const MAX_MARKER_LEN: usize = 64;

/// Marker kind of the patterns given in the configuration.
const CUSTOM_KIND: &str = "custom";

/// Compiled-size budget for each regex and for the combined set.
const SIZE_LIMIT: usize = 64 << 20;

/// Why a [`Redactor`] could not be built from the configured extra patterns.
#[derive(thiserror::Error, Debug)]
pub enum RedactError {
    /// An extra pattern is not a valid regex (or is too big to compile).
    #[error("extra redaction pattern at index {index} ({pattern:?}) is invalid: {error}")]
    InvalidPattern {
        /// Position of the pattern in the configured list, from 0.
        index: usize,
        /// The pattern as configured.
        pattern: String,
        /// What the regex compiler said.
        error: regex::Error,
    },
    /// An extra pattern matches the empty string, which is almost always a typo
    /// (`a*` instead of `a+`) and would find nothing useful.
    #[error("extra redaction pattern at index {index} ({pattern:?}) matches empty text")]
    MatchesEmpty {
        /// Position of the pattern in the configured list, from 0.
        index: usize,
        /// The pattern as configured.
        pattern: String,
    },
    /// All patterns together are too large to compile into one set.
    #[error("the redaction patterns together are too large to compile: {error}")]
    TooLarge {
        /// What the regex compiler said.
        error: regex::Error,
    },
}

/// Finds secrets and personal data in text and replaces them with `[REDACTED:kind]`.
///
/// Build it once at start-up (compiling takes some milliseconds) and share it by
/// reference or in an `Arc`: it is `Send + Sync`.
#[derive(Debug, Clone)]
pub struct Redactor {
    /// Applied in this order.
    rules: Vec<Rule>,
    /// The same patterns as `rules`, same order: which rules can match at all.
    any: RegexSet,
}

impl Redactor {
    /// Builds a redactor from the built-in rules plus `extra_patterns` from the
    /// configuration.
    ///
    /// Extra patterns use the `regex` crate's syntax and are marked `[REDACTED:custom]`.
    /// If a pattern has capture groups, only the first group that took part in a match is
    /// replaced (`session=([0-9a-f]{32})` keeps `session=`); use `(?:…)` for grouping
    /// that is not the secret. Write word boundaries as `(?-u:\b)` where you can: a
    /// Unicode `\b` makes scans of non-ASCII text much slower.
    ///
    /// # Errors
    ///
    /// [`RedactError::InvalidPattern`] or [`RedactError::MatchesEmpty`] naming the first
    /// bad pattern by its index.
    ///
    /// # Panics
    ///
    /// If a built-in pattern does not compile: a bug caught by the tests.
    pub fn new(extra_patterns: &[String]) -> Result<Self, RedactError> {
        let mut rules = Vec::with_capacity(extra_patterns.len() + 40);
        for (index, pattern) in extra_patterns.iter().enumerate() {
            let regex = compile(pattern).map_err(|error| RedactError::InvalidPattern {
                index,
                pattern: pattern.clone(),
                error,
            })?;
            if regex.is_match("") {
                return Err(RedactError::MatchesEmpty {
                    index,
                    pattern: pattern.clone(),
                });
            }
            rules.push(Rule::new(CUSTOM_KIND, regex, None));
        }
        for builtin in builtin_rules() {
            let pattern = ascii_word_boundaries(&builtin.pattern);
            let regex = compile(&pattern).unwrap_or_else(|error| {
                panic!("built-in {} rule does not compile: {error}", builtin.kind)
            });
            rules.push(Rule::new(builtin.kind, regex, builtin.accept));
        }
        let any = RegexSetBuilder::new(rules.iter().map(|rule| rule.regex.as_str()))
            .size_limit(SIZE_LIMIT)
            .dfa_size_limit(SIZE_LIMIT)
            .build()
            .map_err(|error| RedactError::TooLarge { error })?;
        Ok(Self { rules, any })
    }

    /// Returns `text` with every secret replaced by `[REDACTED:kind]`.
    ///
    /// Borrows `text` unchanged when nothing was found. Redacting the result again
    /// changes nothing.
    #[must_use]
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        self.redact_encoded(self.redact_rules(text))
    }

    /// The rules' pass alone: what is written in clear.
    fn redact_rules<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out = Cow::Borrowed(text);
        for index in &self.any.matches(text) {
            if let Some(replaced) = self.rules[index].replace(&out) {
                out = Cow::Owned(replaced);
            }
        }
        out
    }

    /// Whether [`redact`](Self::redact) would change `text`; cheaper, as it stops at the
    /// first secret and builds no string.
    #[must_use]
    pub fn contains_secret(&self, text: &str) -> bool {
        self.any
            .matches(text)
            .iter()
            .any(|index| self.rules[index].secrets(text).next().is_some())
            || matches!(self.redact_encoded(Cow::Borrowed(text)), Cow::Owned(_))
    }
}

impl Default for Redactor {
    /// The built-in rules only.
    fn default() -> Self {
        Self::new(&[]).expect("the built-in redaction rules compile")
    }
}

/// Extra test of a candidate the regex found. Gets the whole text and the byte range of
/// the part that would be replaced, so it can look at the neighbours.
pub(super) type Accept = fn(&str, Range<usize>) -> bool;

/// One kind of secret: how to find it and what to write instead.
#[derive(Debug, Clone)]
struct Rule {
    regex: Regex,
    accept: Option<Accept>,
    /// `[REDACTED:kind]`
    marker: String,
}

impl Rule {
    fn new(kind: &str, regex: Regex, accept: Option<Accept>) -> Self {
        Self {
            regex,
            accept,
            marker: format!("{MARKER_PREFIX}{kind}]"),
        }
    }

    /// Byte ranges of `text` this rule replaces, in order, not overlapping.
    fn secrets<'t>(&'t self, text: &'t str) -> impl Iterator<Item = Range<usize>> + 't {
        self.regex.captures_iter(text).filter_map(move |caps| {
            // The first group that took part, else the whole match.
            let secret = caps
                .iter()
                .skip(1)
                .flatten()
                .next()
                .or_else(|| caps.get(0))?;
            let span = secret.range();
            let found = !span.is_empty()
                && !inside_marker(text, &span)
                && self.accept.is_none_or(|accept| accept(text, span.clone()));
            found.then_some(span)
        })
    }

    /// `text` with this rule's secrets replaced, or `None` if it has none.
    fn replace(&self, text: &str) -> Option<String> {
        let mut secrets = self.secrets(text).peekable();
        secrets.peek()?;
        let mut out = String::with_capacity(text.len());
        let mut kept_up_to = 0;
        for span in secrets {
            out.push_str(&text[kept_up_to..span.start]);
            out.push_str(&self.marker);
            kept_up_to = span.end;
        }
        out.push_str(&text[kept_up_to..]);
        Some(out)
    }
}

fn compile(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern)
        .size_limit(SIZE_LIMIT)
        .dfa_size_limit(SIZE_LIMIT)
        .build()
}

/// The built-in patterns write `\b` for an ASCII word boundary. The regex crate's default,
/// Unicode `\b`, cannot run on its fast DFA engine once the text holds a non-ASCII byte,
/// which would make a whole log with one `é` in it many times slower to scan. No built-in
/// pattern contains `\\b` (a literal backslash then `b`), so a plain replace is safe.
fn ascii_word_boundaries(pattern: &str) -> String {
    pattern.replace(r"\b", r"(?-u:\b)")
}

/// Whether `span` lies wholly inside a marker already in `text`.
fn inside_marker(text: &str, span: &Range<usize>) -> bool {
    let bytes = text.as_bytes();
    let earliest = span.start.saturating_sub(MAX_MARKER_LEN);
    (earliest..=span.start)
        .any(|at| marker_len_at(bytes, at).is_some_and(|len| span.end <= at + len))
}

/// Length of the marker starting at byte `at`, if one does.
fn marker_len_at(bytes: &[u8], at: usize) -> Option<usize> {
    let kind_and_rest = bytes.get(at..)?.strip_prefix(MARKER_PREFIX.as_bytes())?;
    let kind_len = kind_and_rest
        .iter()
        .take_while(|&&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        .count();
    (kind_len > 0 && kind_and_rest.get(kind_len) == Some(&b']'))
        .then_some(MARKER_PREFIX.len() + kind_len + 1)
}
