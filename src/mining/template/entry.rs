//! One stored template: its tokens, and the evidence weight of each token used when a line
//! is compared with it.

use super::TemplateId;
use crate::mining::mask::VAR;

/// Evidence weights of a template token, in quarter points.
pub(super) const BARE: u8 = 0; // `<*>:`, `(<*>)`: only variables and punctuation
pub(super) const LIGHT: u8 = 4; // lower-case word, word with digits: may be a value
const HEAVY: u8 = 12; // `key:`, `key=`, word with capitals: names another event
pub(super) const IS_VAR: u8 = u8::MAX; // exactly `<*>`: matches anything

/// Bytes before the text in a row: 16 hex digits and a tab.
const ROW_HEAD: usize = 17;

pub(super) struct Template {
    pub(super) id: TemplateId,
    /// `<id as 16 hex digits>\t<template text>\n`, as `triaged cluster` prints it; the text
    /// is kept only here (see [`text`](Self::text)).
    row: String,
    /// `(start, end)` of each token in `row`.
    spans: Vec<(u32, u32)>,
    pub(super) weights: Vec<u8>,
    /// Tokens with weight above `BARE` (the budget is one quarter point each).
    pub(super) consts: u32,
    pub(super) count: u64,
}

impl Template {
    pub(super) fn new(id: TemplateId, tokens: &[&[u8]], count: u64) -> Self {
        let mut text = Vec::with_capacity(tokens.iter().map(|t| t.len() + 1).sum());
        let mut spans = Vec::with_capacity(tokens.len());
        for t in tokens {
            if !text.is_empty() {
                text.push(b' ');
            }
            let start = ROW_HEAD + text.len();
            spans.push((start as u32, (start + t.len()) as u32));
            text.extend_from_slice(t);
        }
        let weights: Vec<u8> = tokens.iter().map(|t| weight(t)).collect();
        let consts = weights
            .iter()
            .filter(|&&w| w != BARE && w != IS_VAR)
            .count() as u32;
        let mut row = String::with_capacity(ROW_HEAD + text.len() + 1);
        row.extend(id.to_hex().map(char::from));
        row.push('\t');
        row.push_str(&String::from_utf8_lossy(&text));
        row.push('\n');
        Template {
            id,
            row,
            spans,
            weights,
            consts,
            count,
        }
    }

    /// Tokens joined by single spaces; variables are `<*>`.
    pub(super) fn text(&self) -> &str {
        &self.row[ROW_HEAD..self.row.len() - 1]
    }

    /// The output row: the id as 16 hex digits, a tab, the text and a newline.
    pub(super) fn row(&self) -> &[u8] {
        self.row.as_bytes()
    }

    /// Number of tokens.
    pub(super) fn len(&self) -> usize {
        self.spans.len()
    }

    /// Token `i`.
    pub(super) fn token(&self, i: usize) -> &[u8] {
        let (s, e) = self.spans[i];
        &self.row.as_bytes()[s as usize..e as usize]
    }
}

/// Evidence weight of a token, judged by its *skeleton* (the token without its `<*>` parts):
/// `BARE` without letters or digits, `HEAVY` for a key (`name:`, `name=`) or a word with
/// capitals, `LIGHT` for other words and words with digits.
pub(super) fn weight(t: &[u8]) -> u8 {
    if t == VAR.as_bytes() {
        return IS_VAR;
    }
    let (mut alnum, mut digit, mut upper, mut last, mut len) = (false, false, false, 0u8, 0usize);
    let mut i = 0;
    while i < t.len() {
        if t[i..].starts_with(VAR.as_bytes()) {
            i += VAR.len();
            continue;
        }
        let b = t[i];
        alnum |= b.is_ascii_alphanumeric() || b >= 0x80;
        digit |= b.is_ascii_digit();
        upper |= b.is_ascii_uppercase();
        (last, len, i) = (b, len + 1, i + 1);
    }
    if !alnum {
        BARE
    } else if len > 1 && (last == b':' || last == b'=') {
        HEAVY
    } else if digit {
        LIGHT
    } else if upper {
        HEAVY
    } else {
        LIGHT
    }
}
