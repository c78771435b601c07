//! Secrets hidden by an encoding: a percent-encoded run (`note=card%204111…`) or a
//! base64-wrapped payload is decoded and redacted; when its decoded text held a secret,
//! a percent-encoded run is replaced by its redacted text (encoded again, so the record's
//! structure does not change) and a base64 run by `[REDACTED:base64]`. One level of encoding is looked through.

use std::borrow::Cow;
use std::sync::LazyLock;

use base64::Engine;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::{DecodePaddingMode, general_purpose};
use regex::{Captures, Regex};

use super::Redactor;

/// A run of URL text holding at least one `%XX` escape.
static PERCENT_RUN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"[^\s"'<>]*%[0-9A-Fa-f]{2}[^\s"'<>]*"#).expect("the percent-run pattern")
});

/// A run that may be base64 (standard or URL-safe alphabet) long enough to hide a secret.
static BASE64_RUN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[A-Za-z0-9+/_-]{16,}={0,2}").expect("the base64-run pattern"));

/// What a run whose decoded text held a secret becomes.
#[derive(Clone, Copy)]
enum Rewrite {
    /// Its redacted text, percent-encoded again where it matters (`REENCODED`).
    Reencoded,
    /// A marker in its place.
    Marker(&'static str),
}

/// The marker a base64 run that held a secret becomes.
const BASE64_MARKER: &str = "[REDACTED:base64]";

/// Shortest decoded text looked at: shorter ones cannot hold a credential.
const MIN_DECODED_BYTES: usize = 12;

const PADDING_EITHER: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
const STANDARD: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, PADDING_EITHER);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::URL_SAFE, PADDING_EITHER);

impl Redactor {
    /// `text` with its encoded runs looked through (see the module doc).
    pub(super) fn redact_encoded<'a>(&self, text: Cow<'a, str>) -> Cow<'a, str> {
        let mut out = text;
        if out.contains('%')
            && let Some(replaced) =
                self.replace_runs(&out, &PERCENT_RUN, decode_percent, Rewrite::Reencoded)
        {
            out = Cow::Owned(replaced);
        }
        if let Some(replaced) = self.replace_runs(
            &out,
            &BASE64_RUN,
            decode_base64,
            Rewrite::Marker(BASE64_MARKER),
        ) {
            out = Cow::Owned(replaced);
        }
        out
    }

    /// Each run of `runs` whose decoded text held a secret rewritten; `None` when no run
    /// held one.
    fn replace_runs(
        &self,
        text: &str,
        runs: &Regex,
        decode: fn(&str) -> Option<String>,
        rewrite: Rewrite,
    ) -> Option<String> {
        let mut changed = false;
        let replaced = runs.replace_all(text, |caps: &Captures| {
            let run = &caps[0];
            let Some(decoded) = decode(run) else {
                return run.to_owned();
            };
            match self.redact_rules(&decoded) {
                Cow::Borrowed(_) => run.to_owned(),
                Cow::Owned(redacted) => {
                    changed = true;
                    match rewrite {
                        Rewrite::Reencoded => reencode(redacted),
                        Rewrite::Marker(marker) => marker.to_owned(),
                    }
                }
            }
        });
        changed.then(|| replaced.into_owned())
    }
}

/// What a decoded, redacted run is written back with: everything that could end a field
/// or start a new one when the record is parsed (quotes, backslashes, whitespace, control
/// characters, `%`) stays percent-encoded, so looking through an encoding never changes
/// the structure of the text around it. The marker's `[`, `:` and `]` stay readable.
const REENCODED: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'\'')
    .add(b'`')
    .add(b'\\')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'{')
    .add(b'}');

fn reencode(redacted: String) -> String {
    percent_encoding::utf8_percent_encode(&redacted, REENCODED).to_string()
}

fn decode_percent(run: &str) -> Option<String> {
    let spaced = run.replace('+', " ");
    let decoded = percent_encoding::percent_decode_str(&spaced)
        .decode_utf8()
        .ok()?
        .into_owned();
    (decoded != run).then_some(decoded)
}

/// The run decoded as base64 when that gives printable text (a secret hides in text, not
/// in binary; hex ids and hashes decode to binary and are left alone).
fn decode_base64(run: &str) -> Option<String> {
    let bytes = STANDARD
        .decode(run)
        .or_else(|_| URL_SAFE.decode(run))
        .or_else(|_| general_purpose::STANDARD_NO_PAD.decode(run.trim_end_matches('=')))
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let printable = text
        .chars()
        .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'));
    (text.len() >= MIN_DECODED_BYTES && printable).then_some(text)
}

#[cfg(test)]
mod tests;
