//! Token classification: where a token's core is, whether it is a plain word, and whether
//! the whole core is one variable (path, URL, e-mail, address, host name) or a `key=value`.

use super::classes::{
    ALNUM, AT, CLOSE, COLON, DIGIT, DOT, EQUALS, HEX, HEX_SEP, HOST, OPEN, PLAIN, QUOTE, SLASH,
    SPECIAL, class,
};

#[rustfmt::skip]
const TLDS: [&str; 15] = [
    "com", "net", "org", "edu", "gov", "mil", "int", "info", "biz", "io", "local", "lan", "arpa",
    "internal", "localdomain",
];

/// The token without wrapping punctuation: `(`, `[`, quotes … and trailing `)`, `:`, `,` ….
#[inline]
pub(super) fn core_bounds(tok: &[u8]) -> (usize, usize) {
    let mut a = 0;
    while a < tok.len() && class(tok[a]) & OPEN != 0 {
        a += 1;
    }
    let mut z = tok.len();
    while z > a && class(tok[z - 1]) & CLOSE != 0 {
        z -= 1;
    }
    (a, z)
}

/// True if the core `tok[a..z]` sits between two equal quotes (`'x'`, `"x"`).
#[inline]
pub(super) fn is_quoted(tok: &[u8], a: usize, z: usize) -> bool {
    a > 0 && z < tok.len() && class(tok[a - 1]) & QUOTE != 0 && tok[z] == tok[a - 1]
}

/// True if nothing in the token needs masking: no digit, no `/@=\\.:` inside, not a quoted
/// value (`'Active'` is a word, `'/dev/x'` a value). `any` is the OR of the byte classes of
/// the core `tok[a..z]`.
#[inline]
pub(super) fn is_word(tok: &[u8], a: usize, z: usize, any: u32) -> bool {
    a == z
        || (any & (DIGIT | SPECIAL) == 0
            && (a == 0
                || !is_quoted(tok, a, z)
                || tok[a..z].iter().all(|&b| class(b) & PLAIN != 0)))
}

/// Whole-token variables: paths, URLs, e-mails, hex/number groups (IPs, MACs, UUIDs, dates,
/// times), host names. `any` is the OR of the byte classes of `c`.
pub(super) fn is_whole_var(c: &[u8], any: u32) -> bool {
    let path =
        c[0] == b'/' || c.starts_with(b"~/") || c.starts_with(b"./") || c.starts_with(b"../");
    if c.len() > 1 && path {
        return true;
    }
    if any & SLASH != 0
        && any & COLON != 0
        && (c.windows(3).any(|w| w == b"://") || c.get(1..3) == Some(b":\\"))
    {
        return true; // URL, Windows path
    }
    if any & AT != 0 {
        let at = c.iter().position(|&b| b == b'@').unwrap_or(0);
        let domain = &c[at + 1..];
        if at > 0 && domain.contains(&b'.') && domain.iter().all(|&b| class(b) & HOST != 0) {
            return true; // e-mail
        }
    }
    (any & DIGIT != 0 && is_hex_groups(c, any)) || (any & DOT != 0 && is_host(c, any))
}

/// `10.0.0.1`, `00:1a:2b:3c:4d:5e`, `fe80::1`, UUIDs, `12:16:49`, `2005-06-03`: three or more
/// groups of hex digits separated by `.`, `:` or `-`. `any` is the OR of the classes of `c`.
#[inline]
fn is_hex_groups(c: &[u8], any: u32) -> bool {
    // bytes that are neither hex digits nor separators
    if any & (OPEN | QUOTE | SLASH | AT | EQUALS) != 0 {
        return false;
    }
    let (mut groups, mut in_group) = (0, false);
    for &b in c {
        let cl = class(b);
        if cl & (HEX | HEX_SEP) == 0 {
            return false;
        }
        let hex = cl & HEX != 0;
        groups += (hex && !in_group) as u32;
        in_group = hex;
    }
    groups >= 3
}

/// `mail.example.com`, `dsl-1-2.isp.net:8080`, `host.isp.com.br`: dotted labels ending in a
/// common top-level domain, or in a country code after `com`, `co`, `ac`, … or digits.
/// `any` is the OR of the classes of `c`.
fn is_host(c: &[u8], any: u32) -> bool {
    let c = match (any & COLON != 0).then(|| c.iter().rposition(|&b| b == b':')) {
        Some(Some(p)) if p + 1 < c.len() && c[p + 1..].iter().all(u8::is_ascii_digit) => &c[..p],
        Some(Some(_)) => return false,
        _ => c,
    };
    let tld = |l: &[u8]| TLDS.iter().any(|t| t.as_bytes() == l);
    // the top-level domain first: it rejects most dotted names (`c.f.Bar`) at once
    let Some(dot) = c.iter().rposition(|&b| b == b'.') else {
        return false;
    };
    let last = &c[dot + 1..];
    if !last.iter().all(u8::is_ascii_lowercase) || !(tld(last) || last.len() == 2) {
        return false;
    }
    let (mut n, mut prev): (usize, &[u8]) = (0, b"");
    for label in c[..dot].split(|&b| b == b'.') {
        if label.is_empty()
            || !label
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return false;
        }
        (n, prev) = (n + 1, label);
    }
    tld(last) || (n >= 2 && (tld(prev) || c.iter().any(u8::is_ascii_digit)))
}

/// `key=value` with a key of letters, digits and `_-.[]`: the index of the `=`.
/// `any` is the OR of the classes of `c`.
#[inline]
pub(super) fn key_value(c: &[u8], any: u32) -> Option<usize> {
    if any & EQUALS == 0 {
        return None;
    }
    let eq = c.iter().position(|&b| b == b'=')?;
    let key = &c[..eq];
    let ok = !key.is_empty()
        && key
            .iter()
            .all(|&b| class(b) & ALNUM != 0 || b"_-.[]".contains(&b));
    ok.then_some(eq)
}
