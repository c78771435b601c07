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
type Accept = fn(&str, Range<usize>) -> bool;

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

/// A built-in rule before compiling.
struct Builtin {
    kind: &'static str,
    pattern: String,
    accept: Option<Accept>,
}

fn rule(kind: &'static str, pattern: impl Into<String>, accept: Option<Accept>) -> Builtin {
    Builtin {
        kind,
        pattern: pattern.into(),
        accept,
    }
}

/// An unquoted value: runs up to whitespace, a quote, a separator or a bracket.
const BARE: &str = r#"[^\s"'`,;&<>(){}\[\]\\]+"#;

/// A token68-style credential, as after `Bearer`.
const TOKEN68: &str = r"[A-Za-z0-9._~+/-]+=*";

/// `Authorization:` / `"authorization": "` / `'Proxy-Authorization': '` up to the value.
const AUTH_HEADER: &str = r#"(?i)\b(?:proxy-)?authorization\\?["']?[ \t]*[:=][ \t]*\\?["']?"#;

/// The built-in rules, in the order they are applied. Earlier rules win: a secret they
/// replaced is a marker by the time later rules look.
fn builtin_rules() -> Vec<Builtin> {
    let mut rules = vec![
        // A PEM block from its `BEGIN … PRIVATE KEY` line through its `END` line, with real
        // or JSON-escaped (`\n`) newlines and optional RFC 1421 headers (`Proc-Type: …`);
        // also when the log cut the block short before its END line.
        rule(
            "private_key",
            concat!(
                r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----",
                r"(?:\s|\\[rn])*",
                r"(?:[A-Za-z][A-Za-z-]*:[^\r\n\\]*(?:\r?\n|\\r\\n|\\n))*",
                r"(?:[A-Za-z0-9+/=\s]|\\[rnt])*",
                r"(?:-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----)?",
            ),
            None,
        ),
        // header.payload.signature, base64url, the header JSON starting `{"` = `eyJ`.
        rule(
            "jwt",
            r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*",
            None,
        ),
        // Long-term (AKIA), temporary (ASIA) and other credential key ids. Role and user
        // ids (AROA, AIDA) identify, they do not authenticate: kept.
        rule(
            "aws_access_key",
            r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b",
            None,
        ),
        // 40 base64 characters next to a secret-access-key name: env, ini, JSON, XML, CLI.
        rule(
            "aws_secret_key",
            concat!(
                r"(?i)(?:aws[_-]?secret[_-]?(?:access[_-]?)?key|secret[_-]?access[_-]?key)",
                r#"\\?["']?[ \t]*(?:=>|[:=>])?[ \t]*\\?["']?"#,
                r"([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)",
            ),
            None,
        ),
        // Before openai_key: these also start `sk-`.
        rule("anthropic_key", r"\bsk-ant-[A-Za-z0-9_-]{20,}", None),
        // Legacy, project, service-account and admin keys. The digit test keeps
        // hyphenated words such as `sk-learn-compatible-estimators`.
        rule(
            "openai_key",
            r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}",
            Some(has_digit),
        ),
        rule(
            "github_token",
            r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})",
            None,
        ),
        rule(
            "slack_token",
            r"\b(?:xox[abposre](?:\.xox[bp])?|xapp)-[A-Za-z0-9-]{10,}",
            None,
        ),
        rule(
            "slack_webhook",
            r"(?i)\bhooks\.slack\.com/(?:services|workflows|triggers)/([A-Za-z0-9_/+-]+)",
            None,
        ),
        // Power Automate / Teams workflow URLs carry their credential in `sig=`; the older
        // Office 365 connector URLs carry it in the path.
        rule(
            "teams_webhook",
            concat!(
                r"(?i)\b[A-Za-z0-9.-]+\.(?:logic\.azure\.com|powerplatform\.com|powerautomate\.com)",
                r#"(?::[0-9]+)?/[^\s"'<>]*[?&]sig=([A-Za-z0-9%_+/=-]+)"#,
                r#"|\bwebhook\.office\.com/webhookb2/([^\s"'<>]+)"#,
            ),
            None,
        ),
        // Secret and restricted keys, live and test, and webhook signing secrets. The
        // publishable `pk_` keys are public: kept.
        rule(
            "stripe_key",
            r"\b(?:(?:sk|rk)_(?:live|test)|whsec)_[A-Za-z0-9]{10,}",
            None,
        ),
        rule("google_api_key", r"\bAIza[0-9A-Za-z_-]{35}", None),
        rule(
            "linear_token",
            r"\blin_(?:api|oauth)_[A-Za-z0-9]{20,}",
            None,
        ),
        // Organization (sntrys_) and user (sntryu_) auth tokens …
        rule("sentry_token", r"\bsntry[su]_[A-Za-z0-9+/=_-]{20,}", None),
        // … and the older 64-hex auth tokens, when "sentry" is within 40 characters before.
        rule(
            "sentry_token",
            r"(?i)\bsentry[\x20-\x7e]{0,40}?\b([0-9a-f]{64})\b",
            None,
        ),
        // scheme://user:password@host — the password may itself contain `@` or `:`.
        rule(
            "password",
            r#"\b[A-Za-z][A-Za-z0-9+.-]*://[^\s:/?#@"'<>\[\]]*:([^\s/?#"'<>]+)@[^\s/?#@"'<>]"#,
            Some(not_placeholder),
        ),
        rule(
            "basic_auth",
            format!(r"{AUTH_HEADER}basic[ \t]+([A-Za-z0-9+/_-]+=*)"),
            None,
        ),
        rule(
            "bearer_token",
            format!(r"{AUTH_HEADER}bearer[ \t]+({TOKEN68})"),
            None,
        ),
        rule(
            "authorization",
            format!(
                r#"{AUTH_HEADER}(?:token|bot|apikey|api-key|key|sso-key|dsn|splunk|hmac|digest|negotiate|ntlm|aws4-hmac-sha256)[ \t]+([^\s"'\\]+)"#
            ),
            None,
        ),
        // `Authorization: <credential>` with no scheme word.
        rule(
            "authorization",
            format!(r#"{AUTH_HEADER}([^\s"'\\,;]+)"#),
            Some(is_bare_credential),
        ),
        // `Bearer <token>` anywhere; the credential test keeps "bearer authentication".
        rule(
            "bearer_token",
            format!(r"(?i)\bbearer[ \t]+({TOKEN68})"),
            Some(looks_like_credential),
        ),
        // Cookie / Set-Cookie header values: session cookies are credentials.
        rule(
            "cookie",
            concat!(
                r#"(?i)\b(?:set-)?cookie\\?["']?[ \t]*[:=][ \t]*\\?["']?"#,
                r#"([^\s=;,"'\\]+=[^\s;,"'\\]*(?:;[ \t]*[^\s=;,"'\\]+(?:=[^\s;,"'\\]*)?)*)"#,
            ),
            None,
        ),
        // Signed URLs (S3 and GCS presigned, Azure SAS) and SigV4's `, Signature=`; only
        // as a parameter, so `received sig=15` survives.
        rule(
            "signature",
            r"(?i)(?:[?&;]|,[ \t]*)(?:x-amz-|x-goog-)?(?:signature|sig)=([A-Za-z0-9%/+=._-]+)",
            Some(not_placeholder),
        ),
    ];

    // `name=value` assignments whose name ends in a telling word: first the strict forms
    // of every kind, then the loose `word: value` forms that need a credential-like value.
    let assignments = [
        (
            "password",
            r"password|passwd|passphrase|password[_-]?(?:confirm|confirmation|hash|digest)|[_.-]pwd",
        ),
        (
            "secret",
            r"secret|secret[_-]?key|secret[_-]?key[_-]?base|signing[_-]?key|encryption[_-]?key|master[_-]?key|credentials?",
        ),
        ("token", r"token"),
        (
            "api_key",
            r"api[_-]?key|apikey|access[_-]?key|app[_-]?key|account[_-]?key",
        ),
    ];
    rules.extend(
        assignments
            .iter()
            .map(|&(kind, words)| strict_assignment(kind, words)),
    );
    rules.extend(
        assignments
            .iter()
            .map(|&(kind, words)| loose_assignment(kind, words)),
    );

    rules.extend([
        // Unicode letters allowed; `%40` is a URL-encoded `@`.
        rule(
            "email",
            r"[\p{L}\p{N}._%+-]+(?:@|%40)(?:[\p{L}\p{N}-]+\.)+\p{L}{2,}",
            Some(is_email),
        ),
        // 13–19 digits, contiguous or in the printed groups (4-4-4-4, Amex 4-6-5,
        // Diners 4-6-4), first digit 2–6 as on every major network, Luhn-checked.
        rule(
            "card_number",
            concat!(
                r"\b(?:[2-6][0-9]{12,18}",
                r"|[2-6][0-9]{3}(?:[ -][0-9]{4}){3}",
                r"|3[0-9]{3}[ -][0-9]{6}[ -][0-9]{4,5})\b",
            ),
            Some(is_card_number),
        ),
    ]);
    rules
}

/// `password=x`, `"password": "x"`, `db_password: x`, `--password x`, `<password>x</…>`:
/// forms where the name makes the value a secret whatever it looks like.
fn strict_assignment(kind: &'static str, words: &str) -> Builtin {
    // Any name ending in one of the words: `password`, `DB_PASSWORD`, `spring.datasource.password`.
    let key = format!(r"[A-Za-z0-9_.-]*(?:{words})");
    // A name that is an identifier, not a word in a sentence or an exception class:
    // joined by `_ . -` (db_password, X-Auth-Token) or lowerCamelCase (accessToken).
    let ident_key = format!(r"(?:[A-Za-z0-9_.-]*[_.-]|(?-i:[a-z])[A-Za-z0-9]*)(?:{words})");
    // "…" (with escapes), '…', or \"…\" inside an escaped JSON string; optionally Some(…).
    let quoted = r#"(?:Some\()?(?:\\"([^"\\\r\n]*)\\"|"((?:[^"\\\r\n]|\\.)*)"|'([^'\r\n]*)')"#;
    let forms = [
        // Any separator, quoted value.
        format!(r#"{key}\\?["']?[ \t]*(?:=>|=|:)[ \t]*{quoted}"#),
        // Bare value right after `=`, or with spaces on both sides (`password= user=x`
        // is an empty password, not the password `user=x`).
        format!(r"{key}(?:=|[ \t]+=[ \t]+)({BARE})"),
        // Bare value after `:` when the name is an identifier or is quoted.
        format!(r#"(?:{ident_key}|"{key}\\?"|'{key}')[ \t]*:[ \t]*({BARE})"#),
        // Command-line flag.
        format!(r"--[A-Za-z0-9_-]*(?:{words})[ \t]+({BARE})"),
        // XML element.
        format!(r"<[A-Za-z0-9_.:-]*(?:{words})>([^<\r\n]+)</"),
    ];
    rule(
        kind,
        format!("(?i)(?:{})", forms.join("|")),
        Some(not_placeholder),
    )
}

/// `password: x` with a plain word as the name, as in prose: only when the value looks
/// like a credential, so "invalid token: expired" survives. The word must start the
/// text, or follow a space, quote or bracket (not `/`, as in `stream/token: …`).
fn loose_assignment(kind: &'static str, words: &str) -> Builtin {
    rule(
        kind,
        format!(r#"(?i)(?:^|[\s"'`(\[{{,;|])(?:{words})[ \t]*:[ \t]*({BARE})"#),
        Some(looks_like_credential),
    )
}

/// Rejects values that are themselves a mask or a non-value: `null`, `***`, `<redacted>`,
/// `${DB_PASSWORD}`.
fn not_placeholder(text: &str, span: Range<usize>) -> bool {
    const NON_VALUES: [&str; 10] = [
        "null",
        "none",
        "nil",
        "undefined",
        "true",
        "false",
        "redacted",
        "filtered",
        "hidden",
        "masked",
    ];
    let raw = &text[span];
    let value = raw.trim_matches(|c: char| "[]<>(){}".contains(c));
    let is_template = raw.starts_with("${") || raw.starts_with("{{");
    !(is_template
        || value
            .chars()
            .all(|c| matches!(c, '*' | 'x' | 'X' | '•' | '.' | '#' | '$'))
        || NON_VALUES
            .iter()
            .any(|word| value.eq_ignore_ascii_case(word)))
}

fn has_digit(text: &str, span: Range<usize>) -> bool {
    text[span].bytes().any(|b| b.is_ascii_digit())
}

/// At least 6 characters, one a digit, and not a placeholder: tells `abc123def456` from
/// `expired`.
fn looks_like_credential(text: &str, span: Range<usize>) -> bool {
    span.len() >= 6 && has_digit(text, span.clone()) && not_placeholder(text, span)
}

/// A credential-like word that is not the scheme of a credential already redacted, as in
/// `Authorization: AWS4-HMAC-SHA256 [REDACTED:authorization]`.
fn is_bare_credential(text: &str, span: Range<usize>) -> bool {
    let scheme_of_redacted = text[span.end..]
        .trim_start_matches([' ', '\t'])
        .starts_with(MARKER_PREFIX);
    !scheme_of_redacted && looks_like_credential(text, span)
}

/// Rejects look-alikes of an email address: `git@github.com`, an image `logo@2x.png`, and
/// the user name in `scheme://user@host`.
fn is_email(text: &str, span: Range<usize>) -> bool {
    let candidate = &text[span.clone()];
    let (local, domain) = candidate
        .split_once('@')
        .or_else(|| candidate.split_once("%40"))
        .unwrap_or((candidate, ""));
    let first_label = domain.split('.').next().unwrap_or("");
    let is_scale_suffix = first_label.len() >= 2
        && first_label.ends_with(['x', 'X'])
        && first_label[..first_label.len() - 1]
            .bytes()
            .all(|b| b.is_ascii_digit());
    !(local == "git" || is_scale_suffix || text[..span.start].ends_with("://"))
}

/// The Luhn checksum, plus the neighbours: a digit run that is part of a decimal, a
/// version, a phone number (`+…`) or a dash-joined identifier is not a card.
fn is_card_number(text: &str, span: Range<usize>) -> bool {
    let bytes = text.as_bytes();
    let before = |n: usize| span.start.checked_sub(n).map(|i| bytes[i]);
    let after = |n: usize| bytes.get(span.end + n - 1).copied();
    let joins = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_');
    let in_decimal = before(1) == Some(b'.')
        || (after(1) == Some(b'.') && after(2).is_some_and(|b| b.is_ascii_digit()));
    let in_identifier = (before(1) == Some(b'-') && joins(before(2)))
        || (after(1) == Some(b'-') && joins(after(2)));
    if in_decimal || in_identifier || before(1) == Some(b'+') {
        return false;
    }
    luhn_valid(&text[span])
}

/// The Luhn check over the digits of `number`, ignoring separators.
fn luhn_valid(number: &str) -> bool {
    let sum: u32 = number
        .bytes()
        .rev()
        .filter(u8::is_ascii_digit)
        .map(|b| u32::from(b - b'0'))
        .enumerate()
        .map(|(i, digit)| match (i % 2, digit * 2) {
            // Every second digit from the right is doubled, and a two-digit result
            // counts as the sum of its digits.
            (1, doubled) if doubled > 9 => doubled - 9,
            (1, doubled) => doubled,
            _ => digit,
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
#[path = "redact_corpus.rs"]
mod corpus;

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::corpus::{look_alikes, planted};
    use super::*;

    fn redact(text: &str) -> String {
        Redactor::default().redact(text).into_owned()
    }

    /// A part of `secret` still in `out` that is not also in the rest of `line`: the whole
    /// secret, or any 8-character window of it.
    fn leak(line: &str, secret: &str, out: &str) -> Option<String> {
        if out.contains(secret) {
            return Some(secret.to_owned());
        }
        let context = line.replace(secret, "\u{0}");
        let chars: Vec<char> = secret.chars().collect();
        chars
            .windows(8)
            .map(|window| window.iter().collect::<String>())
            .find(|window| out.contains(window.as_str()) && !context.contains(window.as_str()))
    }

    #[test]
    fn planted_secrets_are_replaced_by_a_marker_of_their_kind() {
        let redactor = Redactor::default();
        let cases = planted();
        assert!(cases.len() >= 100, "only {} planted secrets", cases.len());
        let mut failures = Vec::new();
        for case in &cases {
            let out = redactor.redact(&case.line);
            let marker = format!("[REDACTED:{}]", case.kind);
            if let Some(part) = leak(&case.line, &case.secret, &out) {
                failures.push(format!(
                    "LEAKED {part:?}\n  in:  {:?}\n  out: {out:?}",
                    case.line
                ));
            } else if !out.contains(&marker) {
                failures.push(format!(
                    "NO {marker}\n  in:  {:?}\n  out: {out:?}",
                    case.line
                ));
            }
        }
        assert!(
            failures.is_empty(),
            "{} of {} failed:\n{}",
            failures.len(),
            cases.len(),
            failures.join("\n")
        );
    }

    #[test]
    fn every_builtin_kind_is_planted_in_the_corpus() {
        let cases = planted();
        for builtin in builtin_rules() {
            assert!(
                cases.iter().any(|case| case.kind == builtin.kind),
                "no planted {}",
                builtin.kind
            );
        }
    }

    #[test]
    fn look_alikes_come_out_borrowed_and_identical() {
        let redactor = Redactor::default();
        let lines = look_alikes();
        assert!(lines.len() >= 40, "only {} look-alikes", lines.len());
        let changed: Vec<String> = lines
            .iter()
            .filter_map(|line| match redactor.redact(line) {
                Cow::Borrowed(out) if out == line => None,
                out => Some(format!("  in:  {line:?}\n  out: {out:?}")),
            })
            .collect();
        assert!(
            changed.is_empty(),
            "{} look-alikes changed:\n{}",
            changed.len(),
            changed.join("\n")
        );
    }

    /// Inputs made to trip the patterns up: long runs and repeats of their pieces.
    fn adversarial_seeds() -> Vec<String> {
        let pem_begin = ["-----BEGIN ", "PRIVATE KEY-----"].concat();
        vec![
            "a".into(),
            "4".into(),
            "4111 ".into(),
            "4111-".into(),
            "a@".into(),
            "a.a@a.".into(),
            "%40a.".into(),
            "password=".into(),
            "password: ".into(),
            "\"password\": \"".into(),
            "\\\"password\\\":\\\"".into(),
            "<password>".into(),
            "--password ".into(),
            "db_password:".into(),
            "https://u:".into(),
            "s://:@".into(),
            "eyJaaaa.".into(),
            "sentry ".into(),
            "Authorization: ".into(),
            "Authorization: Bearer ".into(),
            "Cookie: a=b;".into(),
            "&sig=".into(),
            "sk-".into(),
            "AKIA".into(),
            "aws_secret_access_key=".into(),
            "é".into(),
            "[REDACTED:".into(),
            pem_begin.clone(),
            format!("{pem_begin}AAAA"),
            format!("{pem_begin}\nProc-Type: "),
        ]
    }

    fn repeat_to(seed: &str, len: usize) -> String {
        seed.repeat(len / seed.len() + 1)
    }

    #[test]
    fn redacting_twice_is_redacting_once() {
        let redactor = Redactor::default();
        let mut inputs: Vec<String> = planted().into_iter().map(|case| case.line).collect();
        inputs.extend(look_alikes());
        inputs.push(inputs.join("\n"));
        inputs.push(inputs.join(" "));
        inputs.extend(
            adversarial_seeds()
                .iter()
                .map(|seed| repeat_to(seed, 2_000)),
        );
        for input in &inputs {
            let once = redactor.redact(input);
            let twice = redactor.redact(&once);
            assert_eq!(once, twice, "not idempotent for {input:?}");
            assert!(
                matches!(twice, Cow::Borrowed(_)),
                "second pass allocated for {input:?}"
            );
        }
    }

    #[test]
    fn contains_secret_agrees_with_redact() {
        let redactor = Redactor::default();
        let mut inputs: Vec<String> = planted().into_iter().map(|case| case.line).collect();
        inputs.extend(look_alikes());
        inputs.extend(adversarial_seeds().iter().map(|seed| repeat_to(seed, 200)));
        for input in &inputs {
            let changed = matches!(redactor.redact(input), Cow::Owned(_));
            assert_eq!(redactor.contains_secret(input), changed, "for {input:?}");
        }
        assert!(redactor.contains_secret("password=hunter2"));
        assert!(!redactor.contains_secret("invalid token for user 42"));
    }

    #[test]
    fn clean_text_is_borrowed() {
        let text = "2024-05-01T10:00:00Z INFO GET /api/orders/ord_12345 200 12ms";
        assert!(
            matches!(Redactor::default().redact(text), Cow::Borrowed(t) if std::ptr::eq(t, text))
        );
        assert!(matches!(Redactor::default().redact(""), Cow::Borrowed("")));
    }

    #[test]
    fn surrounding_text_is_kept_exactly() {
        let cases = [
            ("password=hunter2", "password=[REDACTED:password]"),
            (
                "https://user:pw@host/x",
                "https://user:[REDACTED:password]@host/x",
            ),
            (
                "retry 3: Authorization: Bearer 9f2c4e6a8b0d1f3e (upstream 401)",
                "retry 3: Authorization: Bearer [REDACTED:bearer_token] (upstream 401)",
            ),
            (
                r#"{"user":"bob","password":"a b\"c","ok":false}"#,
                r#"{"user":"bob","password":"[REDACTED:password]","ok":false}"#,
            ),
            ("contact: ana@example.com.", "contact: [REDACTED:email]."),
            (
                "pan=4111 1111 1111 1111, exp=12/29",
                "pan=[REDACTED:card_number], exp=12/29",
            ),
            (
                "POST https://hooks.slack.com/services/T0/B0/xyz failed",
                "POST https://hooks.slack.com/services/[REDACTED:slack_webhook] failed",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(redact(input), expected, "for {input:?}");
        }
    }

    #[test]
    fn multi_line_private_key_block_becomes_one_marker() {
        let block = [
            "-----BEGIN ",
            "RSA PRIVATE KEY-----\n",
            "MIIEfakeFAKEfake0123456789abcdefABCDEF+/\n",
            "ZZZZfakefake==\n",
            "-----END ",
            "RSA PRIVATE KEY-----",
        ]
        .concat();
        let text = format!("key loaded:\n{block}\nnext line");
        assert_eq!(
            redact(&text),
            "key loaded:\n[REDACTED:private_key]\nnext line"
        );
    }

    #[test]
    fn card_numbers_need_a_valid_luhn_checksum() {
        assert!(luhn_valid("4111 1111 1111 1111"));
        assert!(luhn_valid("378282246310005"));
        assert!(!luhn_valid("4111111111111112"));
        assert_eq!(redact("card 4111111111111112"), "card 4111111111111112");
        assert_eq!(
            redact("card 4111111111111111"),
            "card [REDACTED:card_number]"
        );
        // A 20-digit run is not a card, whatever its prefix.
        assert_eq!(redact("id 41111111111111111111"), "id 41111111111111111111");
    }

    #[test]
    fn non_ascii_text_is_kept_intact() {
        let text = "Ошибка входа: password=пароль123 для josé@exemple.fr — 用户 ✓ 🚀";
        assert_eq!(
            redact(text),
            "Ошибка входа: password=[REDACTED:password] для [REDACTED:email] — 用户 ✓ 🚀"
        );
        let clean = "Benutzer „Jürgen“ hat sich angemeldet — 成功 ✓ 🚀";
        assert!(matches!(
            Redactor::default().redact(clean),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn extra_patterns_are_redacted_as_custom() {
        let extra = [
            r"(?-u:\b)cus_[0-9]{6}".to_owned(),
            "session=([0-9a-f]{8})".to_owned(),
        ];
        let redactor = Redactor::new(&extra).unwrap();
        assert_eq!(
            redactor.redact("customer cus_123456 session=deadbeef"),
            "customer [REDACTED:custom] session=[REDACTED:custom]"
        );
        assert_eq!(
            redactor.redact("password=hunter2"),
            "password=[REDACTED:password]"
        );
    }

    #[test]
    fn a_bad_extra_pattern_is_named_in_the_error() {
        let extra = ["ok_[0-9]+".to_owned(), "(unclosed".to_owned()];
        let err = Redactor::new(&extra).unwrap_err();
        assert!(
            matches!(err, RedactError::InvalidPattern { index: 1, .. }),
            "{err:?}"
        );
        let message = err.to_string();
        assert!(message.contains("index 1"), "{message}");
        assert!(message.contains("(unclosed"), "{message}");
        assert!(message.contains("unclosed group"), "{message}");

        let err = Redactor::new(&["x*".to_owned()]).unwrap_err();
        assert!(
            matches!(err, RedactError::MatchesEmpty { index: 0, .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("\"x*\""), "{err}");
    }

    const MB: usize = 1 << 20;

    /// Fails if redacting any input takes longer than is plausible for a linear scan.
    /// Generous: a 1 MB input takes about a second in a debug build, while quadratic
    /// behaviour would take hours.
    fn assert_fast(inputs: &[(String, String)]) {
        let redactor = Redactor::default();
        for (name, text) in inputs {
            let start = Instant::now();
            let out = redactor.redact(text);
            let elapsed = start.elapsed();
            assert!(elapsed < Duration::from_secs(30), "{name} took {elapsed:?}");
            assert!(out.len() <= text.len() + text.len() / 2, "{name}");
        }
    }

    #[test]
    fn one_megabyte_inputs_finish_in_linear_time() {
        let clean = "2024-05-01T10:00:00.123Z INFO GET /api/orders/ord_12345 200 12ms req=3f2504e0-4f89-11d3\n";
        let dense = "user=bob@example.com password=hunter2 Authorization: Bearer 9f2c4e6a8b0d1f3e card=4111111111111111\n";
        // Every adversarial seed, each repeated into a 40 KB run.
        let mixed: String = adversarial_seeds()
            .iter()
            .map(|seed| repeat_to(seed, 40 << 10))
            .collect();
        assert!(mixed.len() >= MB);
        assert_fast(&[
            ("clean".into(), repeat_to(clean, MB)),
            ("dense".into(), repeat_to(dense, MB)),
            ("adversarial mix".into(), mixed),
        ]);
    }

    /// Each adversarial seed on its own, repeated to 64 KiB (the mixed 1 MB input above
    /// covers the full size; this isolates each seed so a slow one is named).
    #[test]
    fn each_adversarial_seed_alone_stays_linear() {
        let inputs: Vec<(String, String)> = adversarial_seeds()
            .iter()
            .map(|seed| (format!("{seed:?}"), repeat_to(seed, 64 * 1024)))
            .collect();
        assert_fast(&inputs);
    }

    #[test]
    fn redactor_is_shareable() {
        fn assert_send_sync<T: Send + Sync + Clone>() {}
        assert_send_sync::<Redactor>();
    }

    #[test]
    fn builtin_patterns_have_no_literal_backslash_b() {
        // `ascii_word_boundaries` would corrupt `\\b`.
        for builtin in builtin_rules() {
            assert!(
                !builtin.pattern.contains(r"\\b"),
                "{}: {}",
                builtin.kind,
                builtin.pattern
            );
        }
    }
}
