//! Length bounds for parsed text: cutting on char boundaries, marking cuts, short fields.

/// Appended to text that was cut to its bound.
pub const TRUNCATION_MARKER: &str = " …[truncated]";

/// Longest accepted value of a short field (request id, user id, service, …), in chars.
pub(super) const SHORT_FIELD_MAX_CHARS: usize = 200;

/// The longest prefix of `s` of at most `max` bytes that ends on a char boundary.
pub(super) fn head(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Longest secret a cut can leave a piece of: no credential the redactor knows of spans
/// more bytes without whitespace (PEM blocks are made of shorter lines).
pub(super) const LONGEST_TOKEN_CUT: usize = 512;

/// `s` itself when it fits in `max` bytes; otherwise its head plus `TRUNCATION_MARKER`,
/// `max` bytes at most in all. The flag says whether it was cut.
///
/// The redactor runs after parsing, and a secret cut in two no longer matches its
/// pattern: so a word the cut goes through is dropped whole (back to the whitespace before
/// it, or `LONGEST_TOKEN_CUT` bytes at most), and no piece of a secret is left behind.
pub(super) fn bounded(s: &str, max: usize) -> (String, bool) {
    if s.len() <= max {
        return (s.to_owned(), false);
    }
    let kept = head(s, max.saturating_sub(TRUNCATION_MARKER.len()));
    let mid_word = s[kept.len()..].starts_with(|c: char| !c.is_whitespace());
    let kept = if mid_word {
        without_cut_word(kept)
    } else {
        kept
    };
    let mut out = kept.to_owned();
    out.push_str(TRUNCATION_MARKER);
    (out, true)
}

/// `head` without its last word (the one a cut went through), or without its last
/// `LONGEST_TOKEN_CUT` bytes when that word is longer.
fn without_cut_word(head: &str) -> &str {
    let word_start = head.rfind(char::is_whitespace).map_or(0, |i| {
        i + head[i..].chars().next().map_or(1, char::len_utf8)
    });
    let mut start = word_start.max(head.len().saturating_sub(LONGEST_TOKEN_CUT));
    while !head.is_char_boundary(start) {
        start -= 1;
    }
    &head[..start]
}

/// A short single-line field: trimmed, non-empty, at most 200 chars, no control characters.
/// `Err(())` when the value is present but unusable (the caller records `FieldDropped`).
pub(super) fn short_field(raw: &str) -> Result<Option<String>, ()> {
    let value = raw.trim();
    if value.is_empty() {
        return Ok(None);
    }
    if value.len() > SHORT_FIELD_MAX_CHARS * 4
        || value.chars().count() > SHORT_FIELD_MAX_CHARS
        || value.chars().any(char::is_control)
    {
        return Err(());
    }
    Ok(Some(value.to_owned()))
}

/// The lines of a message, at most `MAX_LINES` of them (`\r\n` and `\n` endings).
pub(super) fn lines(s: &str) -> Vec<&str> {
    s.lines().take(super::MAX_LINES).collect()
}

/// True when the line is short enough to be matched against trace and header patterns.
pub(super) fn matchable(line: &str) -> bool {
    line.len() <= super::MAX_LINE_BYTES
}

/// True when `s` mentions an uncaught / unhandled error near its start.
pub(super) fn mentions_unhandled(s: &str) -> bool {
    let start = head(s, 512).to_ascii_lowercase();
    ["uncaught", "unhandled"]
        .iter()
        .any(|marker| start.contains(marker))
}
