//! Stateless masking of one log line (numbers, ids, addresses, times → `<*>`); header detection.

mod classes;
mod classify;
mod header;
mod segments;
#[cfg(test)]
mod tests;
mod words;

pub use header::header_len;

use classes::{CLOSE, OPEN, SPACE, class, classes_of, token_len};
use classify::{core_bounds, is_word};
use segments::{Item, list_item, mask_core};
use words::{Calendar, calendar_kind, unit_len};

/// The placeholder that replaces a variable.
pub const VAR: &str = "<*>";
const VARB: &[u8] = b"<*>";

/// Masks the variable parts of `message`; returns the masked tokens joined by one space.
///
/// Works token by token (tokens are separated by spaces/tabs) on bytes, without regexes.
/// Inside a token it looks at *segments* (runs of letters/digits between punctuation), so
/// `core.4900` becomes `core.<*>`, `blk_-562` becomes `blk_<*>` and `10.0.0.1:80` one `<*>`.
/// A run of two or more list items (`3 4 5`, `an14 an15`, a date written as several tokens)
/// becomes a single `<*>`, so lists and dates of any length look alike. A header is not
/// skipped here (see [`header_len`]).
///
/// Masked kinds: integers, decimals and signed numbers, hex (`0x1f`, long hex runs), UUIDs,
/// IPv4/IPv6 addresses with or without a port, MAC addresses, e-mail addresses, URLs, file
/// paths, dates and times (also month/weekday names next to numbers), numbers with a unit
/// (`12ms`, `3.5s`, `5.2 KB`), quoted values other than a plain word, values of `key=value`
/// and `key = value`, and host names (`db1.example.com`, `host.example.com:5432`).
pub fn mask_variables(message: &str) -> String {
    let mut m = Masked::default();
    m.mask_line(message);
    String::from_utf8_lossy(&m.text).into_owned()
}

/// A reusable masking buffer: the masked line and the byte span of each token in it.
#[derive(Default, Debug)]
pub struct Masked {
    /// Masked tokens joined by single spaces.
    pub text: Vec<u8>,
    /// `(start, end)` of each token in `text`.
    pub spans: Vec<(u32, u32)>,
    scratch: Vec<u8>,
}

impl Masked {
    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// True when the line had no token.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Token `i` of the masked line.
    pub fn token(&self, i: usize) -> &[u8] {
        let (s, e) = self.spans[i];
        &self.text[s as usize..e as usize]
    }

    /// Masks `line` into this buffer (previous content is discarded).
    pub fn mask_line(&mut self, line: &str) {
        let b = line.as_bytes();
        self.text.clear();
        self.spans.clear();
        self.text.reserve(b.len() + 64);
        let (mut calendar, mut lists, mut prev_item, mut mask_next) = (false, false, false, false);
        let mut i = 0;
        while i < b.len() {
            if class(b[i]) & SPACE != 0 {
                i += 1;
                continue;
            }
            let s = i;
            i += token_len(&b[s..]);
            let tok = &b[s..i];
            let whole = classes_of(tok);
            // the classes of the core (the token without wrapping punctuation)
            let (a, z) = if whole & (OPEN | CLOSE) == 0 {
                (0, tok.len())
            } else {
                core_bounds(tok)
            };
            let any = if z - a == tok.len() {
                whole
            } else {
                classes_of(&tok[a..z])
            };
            let word = is_word(tok, a, z, any);
            if !self.text.is_empty() {
                self.text.push(b' ');
            }
            let start = self.text.len();
            let unit = if prev_item && word { unit_len(tok) } else { 0 };
            let item = if mask_next {
                self.text.extend_from_slice(VARB); // `key = value`
                true
            } else if unit > 0 {
                self.text.extend_from_slice(VARB); // `5.2 KB,`: a unit belongs to its number
                self.text.extend_from_slice(&tok[unit..]);
                true
            } else if word {
                append(&mut self.text, b, s, i); // nothing to mask: the common case
                calendar |= tok.len() >= 3 && calendar_kind(tok).is_some();
                tok.len() == 2 && matches!(tok, b"()" | b"[]" | b"{}")
            } else {
                mask_core(tok, a, z, any, &mut self.text);
                list_item(&self.text[start..]) != Item::No
            };
            mask_next = tok == b"=";
            lists |= item && prev_item;
            prev_item = item;
            self.spans.push((start as u32, self.text.len() as u32));
        }
        if calendar && self.mask_calendar_words() {
            lists = true; // a date may now be a run of `<*>`
        }
        if lists {
            self.collapse_lists();
        }
    }

    /// Drops leading tokens that are exactly `<*>` (a line number, a pid or a time left over
    /// from a header), keeping at least one token.
    #[inline]
    pub fn skip_leading_vars(&mut self) {
        if self.is_empty() {
            return;
        }
        let mut k = 0;
        while k + 1 < self.spans.len() && self.token(k) == VARB {
            k += 1;
        }
        if k > 0 {
            let cut = self.spans[k].0;
            self.text.drain(..cut as usize);
            self.spans.drain(..k);
            for sp in &mut self.spans {
                *sp = (sp.0 - cut, sp.1 - cut);
            }
        }
    }

    /// Month and weekday names next to a masked value are part of a date; months go first so
    /// that `Sat Jul 9` loses its weekday too. Returns true if anything was masked.
    fn mask_calendar_words(&mut self) -> bool {
        let mut changed = false;
        for pass in [Calendar::Month, Calendar::Weekday] {
            for i in 0..self.spans.len() {
                if calendar_kind(self.token(i)) != Some(pass) {
                    continue;
                }
                let near = |j: usize| self.token(j).starts_with(VARB);
                if (i > 0 && near(i - 1)) || (i + 1 < self.spans.len() && near(i + 1)) {
                    let (s, e) = (self.spans[i].0 as usize, self.spans[i].1 as usize);
                    self.text.splice(s..e, VARB.iter().copied());
                    let shift = |x: u32| (x as i64 + 3 - (e - s) as i64) as u32;
                    self.spans[i].1 = (s + 3) as u32;
                    for sp in &mut self.spans[i + 1..] {
                        *sp = (shift(sp.0), shift(sp.1));
                    }
                    changed = true;
                }
            }
        }
        changed
    }

    /// Replaces each run of list items by one `<*>`: runs of two or more values, or of names
    /// only (`3 4 5`, `an14 an15`; but `22 ssh2` stays).
    fn collapse_lists(&mut self) {
        let mut out = std::mem::take(&mut self.scratch);
        out.clear();
        let (n, mut w, mut i) = (self.spans.len(), 0, 0);
        while i < n {
            let (mut j, mut values, mut names) = (i, 0, 0);
            while j < n {
                match list_item(self.token(j)) {
                    Item::Value => values += 1,
                    Item::Name => names += 1,
                    Item::No => break,
                }
                j += 1;
            }
            if !out.is_empty() {
                out.push(b' ');
            }
            let s = out.len();
            if values >= 2 || (values == 0 && names >= 2) {
                // one `<*>`, keeping the closing punctuation of the last item (`5.2 KB,`)
                let last = self.token(j - 1);
                let mut k = last.len();
                while k > 0 && class(last[k - 1]) & CLOSE != 0 && !last[..k].ends_with(VARB) {
                    k -= 1;
                }
                out.extend_from_slice(VARB);
                out.extend_from_slice(&last[k..]);
                i = j;
            } else {
                out.extend_from_slice(self.token(i));
                i += 1;
            }
            self.spans[w] = (s as u32, out.len() as u32);
            w += 1;
        }
        self.spans.truncate(w);
        self.scratch = std::mem::replace(&mut self.text, out);
    }
}

/// Appends `b[s..e]` to `out`; a short token is copied as one 16-byte block (then cut to
/// length) where the line has that many bytes left, which is cheaper than a `memcpy` call.
#[inline(always)]
fn append(out: &mut Vec<u8>, b: &[u8], s: usize, e: usize) {
    match b.get(s..).and_then(|rest| rest.first_chunk::<16>()) {
        Some(block) if e - s <= 16 => {
            let end = out.len() + (e - s);
            out.extend_from_slice(block);
            out.truncate(end);
        }
        _ => out.extend_from_slice(&b[s..e]),
    }
}
