//! The `no_added_secrets` check: the project's [`Redactor`] run over the lines a patch
//! adds (and over the proposal's prose).
//!
//! Code is not a log line. The redactor's context rules (`password=…`, `token: …`,
//! `Cookie: …`) also fire on ordinary code — `password = config.password`,
//! `token = get_token(req)` — so in a source file a finding of those kinds counts only
//! when the value is a string literal (`"…"`, `'…'`, `` `…` ``) or the password of a
//! URL. Vendor-format secrets (AWS, GitHub, Slack, Stripe, … keys, JWTs, private keys,
//! bearer and basic credentials, card numbers, the configured extra patterns) always
//! count. In configuration files (`.properties`, `.yaml`, `.toml`, `.json`, …) every
//! finding counts. E-mail addresses are personal data, not secrets, and do not count.

use crate::redact::Redactor;

use super::lines::AddedLine;

/// Marker kinds that also match ordinary code and count only for literal values.
const CONTEXT_KINDS: [&str; 7] = [
    "password",
    "secret",
    "token",
    "api_key",
    "authorization",
    "cookie",
    "signature",
];

/// Extensions of configuration files, where a bare value is a literal.
const CONFIG_EXTENSIONS: [&str; 11] = [
    "properties",
    "ini",
    "cfg",
    "conf",
    "config",
    "yaml",
    "yml",
    "toml",
    "json",
    "xml",
    "env",
];

const MARKER_PREFIX: &str = "[REDACTED:";

/// A secret in an added line, by kind (never its value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Found {
    pub(super) line: usize,
    pub(super) kind: String,
}

/// The first secret among the lines `path` gains. Each line is checked alone, then each
/// run of consecutive added lines as one text (a secret may span lines).
pub(super) fn in_added_lines(
    path: &str,
    added: &[AddedLine],
    redactor: &Redactor,
) -> Option<Found> {
    let config = is_config(path);
    for line in added {
        if let Some(kind) = finding(&line.text, redactor, config) {
            return Some(Found {
                line: line.line,
                kind,
            });
        }
    }
    let mut start = 0;
    while start < added.len() {
        let mut end = start + 1;
        while end < added.len() && added[end].line == added[end - 1].line + 1 {
            end += 1;
        }
        if end - start > 1 {
            let block: Vec<&str> = added[start..end].iter().map(|a| a.text.as_str()).collect();
            if let Some(kind) = finding(&block.join("\n"), redactor, config) {
                return Some(Found {
                    line: added[start].line,
                    kind,
                });
            }
        }
        start = end;
    }
    None
}

/// The kind of the first secret in free text (every kind but e-mail counts).
pub(super) fn in_prose(text: &str, redactor: &Redactor) -> Option<String> {
    finding(text, redactor, true)
}

fn is_config(path: &str) -> bool {
    path.rsplit_once('.')
        .is_some_and(|(_, ext)| CONFIG_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()))
}

/// The kind of the first redaction in `text` that counts as a secret.
fn finding(text: &str, redactor: &Redactor, config: bool) -> Option<String> {
    let redacted = redactor.redact(text);
    if redacted == text {
        return None;
    }
    let mut rest = redacted.as_ref();
    let mut offset = 0;
    while let Some(at) = rest.find(MARKER_PREFIX) {
        let start = offset + at;
        let after_prefix = &redacted[start + MARKER_PREFIX.len()..];
        let kind_len = after_prefix.find(']')?;
        let kind = &after_prefix[..kind_len];
        let end = start + MARKER_PREFIX.len() + kind_len + 1;
        let counts = match kind {
            "email" => false,
            k if CONTEXT_KINDS.contains(&k) => config || is_literal(&redacted, start, end),
            _ => true,
        };
        if counts {
            return Some(kind.to_owned());
        }
        offset = end;
        rest = &redacted[end..];
    }
    None
}

/// Whether the marker at `start..end` replaced a whole quoted literal or a URL's password.
fn is_literal(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let quoted = matches!(before, Some('"' | '\'' | '`')) && before == after;
    let url_password = before == Some(':') && after == Some('@');
    quoted || url_password
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(line: &str) -> Option<String> {
        finding(line, &Redactor::default(), false)
    }

    #[test]
    fn vendor_secrets_count_in_code_context_rules_only_for_literals() {
        let aws = ["AKIA", "IOSFODNN7EXAMPLE"].concat();
        assert_eq!(
            code(&format!("let k = {aws};")).as_deref(),
            Some("aws_access_key")
        );
        assert_eq!(code("password = \"hunter2x\"").as_deref(), Some("password"));
        assert_eq!(
            code("db = 'postgres://app:pw0rd@db/x'").as_deref(),
            Some("password")
        );
        assert_eq!(code("let password = config.password;"), None);
        assert_eq!(code("token = get_token(request)"), None);
        assert_eq!(code("// ask ops@example.com"), None);
        assert_eq!(code("no secrets here"), None);
    }

    #[test]
    fn in_config_files_every_finding_but_email_counts() {
        let redactor = Redactor::default();
        assert_eq!(
            finding("db.password=hunter2x", &redactor, true).as_deref(),
            Some("password")
        );
        assert_eq!(finding("owner: ana@example.com", &redactor, true), None);
        assert!(is_config("src/main/resources/application.properties"));
        assert!(is_config("app/config/settings.YML"));
        assert!(!is_config("src/app.py"));
    }

    #[test]
    fn a_secret_spanning_added_lines_is_found_at_the_runs_first_line() {
        let redactor = Redactor::new(&[r"SPLIT-[0-9]+\n[0-9]+-KEY".to_owned()]).unwrap();
        let lines = [
            (3, "x = 1"),
            (7, "a = 'SPLIT-12"),
            (8, "34-KEY'"),
            (9, "y = 2"),
        ];
        let added: Vec<AddedLine> = lines
            .iter()
            .map(|&(line, text)| AddedLine {
                line,
                text: text.into(),
            })
            .collect();
        let found = in_added_lines("src/k.py", &added, &redactor).unwrap();
        assert_eq!(
            found,
            Found {
                line: 7,
                kind: "custom".into()
            }
        );
        let header = ["-----BEGIN RSA ", "PRIVATE KEY-----"].concat();
        let one = [AddedLine {
            line: 4,
            text: header,
        }];
        let found = in_added_lines("src/k.py", &one, &Redactor::default()).unwrap();
        assert_eq!(
            found,
            Found {
                line: 4,
                kind: "private_key".into()
            }
        );
    }
}
