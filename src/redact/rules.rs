//! The built-in redaction rules: vendor token formats, credential headers, `name=value`
//! assignments with a telling name, e-mail addresses and card numbers, in the order applied.

use super::Accept;
use super::accept::{
    has_digit, is_bare_credential, is_card_number, is_email, looks_like_credential, not_placeholder,
};

/// A built-in rule before compiling.
pub(super) struct Builtin {
    pub(super) kind: &'static str,
    pub(super) pattern: String,
    pub(super) accept: Option<Accept>,
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
pub(super) fn builtin_rules() -> Vec<Builtin> {
    let mut rules = vec![
        // A PEM block from its `BEGIN … PRIVATE KEY` line through its `END` line, with real
        // or JSON-escaped newlines (`\n`, or `\\n` when a JSON string was put in another)
        // and optional RFC 1421 headers (`Proc-Type: …`); also when the log cut the block
        // short before its END line.
        rule(
            "private_key",
            concat!(
                r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----",
                r"(?:\s|\\+[rn])*",
                r"(?:[A-Za-z][A-Za-z-]*:[^\r\n\\]*(?:\r?\n|(?:\\+r)?\\+n))*",
                r"(?:[A-Za-z0-9+/=\s]|\\+[rnt])*",
                r"(?:-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----)?",
            ),
            None,
        ),
        // header.payload.signature, base64url, the header JSON starting `{"` = `eyJ`; also
        // a token cut short after its payload (a vendor truncating a long field).
        rule(
            "jwt",
            r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*)?",
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
/// text, or follow a space, quote, bracket or a query's `?`, `&` or `=` (not `/`, as in
/// `stream/token: …`).
fn loose_assignment(kind: &'static str, words: &str) -> Builtin {
    rule(
        kind,
        format!(r#"(?i)(?:^|[\s"'`(\[{{,;|?&=])(?:{words})[ \t]*:[ \t]*({BARE})"#),
        Some(looks_like_credential),
    )
}
