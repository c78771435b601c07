//! Byte classes for the masking pass, looked up in one table, and word-at-a-time scans.

pub(super) const DIGIT: u32 = 1;
pub(super) const ALPHA: u32 = 2; // ASCII letter, or any byte of a non-ASCII character
pub(super) const OPEN: u32 = 4; // may open a wrapped token: `(` `[` `{` `<` quotes
pub(super) const CLOSE: u32 = 8; // may close one: `)` `]` `}` `>` quotes `,` `;` `:` `.` `!` `?`
pub(super) const JOIN: u32 = 16; // may sit inside one variable: `10.0.0.1:80`, `2024-05-01`
pub(super) const SPECIAL: u32 = 32; // needs a closer look: `/` `@` `=` `\` `.` `:`
pub(super) const PLAIN: u32 = 64; // letter or `_`
pub(super) const HOST: u32 = 128; // ASCII letter, digit, `.`, `-`, `:`
pub(super) const SPACE: u32 = 256;
pub(super) const QUOTE: u32 = 512;
pub(super) const HEX: u32 = 1024;
pub(super) const SLASH: u32 = 2048; // `/` or `\`
pub(super) const AT: u32 = 4096;
pub(super) const ALNUM: u32 = 1 << 13; // `ALPHA` or `DIGIT`
pub(super) const LETTER: u32 = 1 << 14; // ASCII letter
pub(super) const HEX_SEP: u32 = 1 << 15; // `.` `:` `-`: between the groups of an address
pub(super) const COLON: u32 = 1 << 16;
pub(super) const DOT: u32 = 1 << 17;
pub(super) const EQUALS: u32 = 1 << 18;
pub(super) const CALENDAR_FIRST: u32 = 1 << 19; // first letter of a month or weekday name
pub(super) const CALENDAR_SECOND: u32 = 1 << 20; // second letter of one
pub(super) const UNIT_FIRST: u32 = 1 << 21; // first letter of a unit of measure

const fn has(yes: bool, bit: u32) -> u32 {
    if yes { bit } else { 0 }
}

/// True if `set` holds the lower-case form of `b`.
const fn has_letter(set: &[u8], b: u8) -> bool {
    let mut i = 0;
    while i < set.len() {
        if set[i] == b.to_ascii_lowercase() {
            return true;
        }
        i += 1;
    }
    false
}

#[rustfmt::skip]
const fn byte_class(b: u8) -> u32 {
    let letter = b.is_ascii_alphabetic();
    has(b.is_ascii_digit(), DIGIT | HOST | ALNUM)
        | has(letter || b >= 0x80, ALPHA | PLAIN | ALNUM)
        | has(letter || matches!(b, b'.' | b'-' | b':'), HOST)
        | has(matches!(b, b'(' | b'[' | b'{' | b'<' | b'\'' | b'"' | b'`'), OPEN)
        | has(matches!(b, b')' | b']' | b'}' | b'>' | b'\'' | b'"' | b'`' | b',' | b';' | b':' | b'.'
            | b'!' | b'?'), CLOSE)
        | has(matches!(b, b'.' | b':' | b',' | b'-' | b'_' | b'/' | b'#' | b'+' | b'@' | b'|'), JOIN)
        | has(matches!(b, b'/' | b'@' | b'=' | b'\\' | b'.' | b':'), SPECIAL)
        | has(b == b'_', PLAIN)
        | has(b == b' ' || b == b'\t', SPACE)
        | has(matches!(b, b'\'' | b'"' | b'`'), QUOTE)
        | has(b.is_ascii_hexdigit(), HEX)
        | has(b == b'/' || b == b'\\', SLASH)
        | has(b == b'@', AT)
        | has(letter, LETTER)
        | has(matches!(b, b'.' | b':' | b'-'), HEX_SEP)
        | has(b == b':', COLON)
        | has(b == b'.', DOT)
        | has(b == b'=', EQUALS)
        | has(letter && has_letter(b"jfmasondtw", b), CALENDAR_FIRST)
        | has(letter && has_letter(b"aepucohr", b), CALENDAR_SECOND)
        | has(letter && has_letter(b"bkmgtpunsh", b), UNIT_FIRST)
}

static CLASSES: [u32; 256] = {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = byte_class(i as u8);
        i += 1;
    }
    t
};

/// The classes of one byte.
#[inline(always)]
pub(super) fn class(b: u8) -> u32 {
    CLASSES[b as usize]
}

/// The OR of the classes of every byte of `t`.
#[inline]
pub(super) fn classes_of(t: &[u8]) -> u32 {
    let mut chunks = t.chunks_exact(4);
    let mut acc = 0;
    for c in &mut chunks {
        acc |= class(c[0]) | class(c[1]) | class(c[2]) | class(c[3]);
    }
    for &b in chunks.remainder() {
        acc |= class(b);
    }
    acc
}

/// How many bytes at the start of `t` all have one of the classes in `bits`.
#[inline]
pub(super) fn run_of(t: &[u8], bits: u32) -> usize {
    let mut i = 0;
    while let Some(q) = t.get(i..i + 4) {
        if class(q[0]) & class(q[1]) & class(q[2]) & class(q[3]) & bits == 0 {
            break;
        }
        i += 4;
    }
    while i < t.len() && class(t[i]) & bits != 0 {
        i += 1;
    }
    i
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// Length of the token at the start of `b` (up to a space or tab), eight bytes at a time.
#[inline]
pub(super) fn token_len(b: &[u8]) -> usize {
    let mut i = 0;
    while let Some(w) = b.get(i..i + 8) {
        let x = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        let (sp, tab) = (x ^ (LO * b' ' as u64), x ^ (LO * b'\t' as u64));
        let hit = (sp.wrapping_sub(LO) & !sp | tab.wrapping_sub(LO) & !tab) & HI;
        if hit != 0 {
            return i + (hit.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    i + b[i..]
        .iter()
        .position(|&c| c == b' ' || c == b'\t')
        .unwrap_or(b.len() - i)
}

/// How many ASCII digits `t` starts with, eight bytes at a time.
#[inline]
pub(super) fn digit_run(t: &[u8]) -> usize {
    let mut i = 0;
    while let Some(w) = t.get(i..i + 8) {
        let x = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        // a byte is a digit when its high nibble is 3 and adding 6 leaves it there
        let not_digit = ((x & 0xf0f0_f0f0_f0f0_f0f0) ^ 0x3030_3030_3030_3030)
            | (((x & 0x0f0f_0f0f_0f0f_0f0f) + 0x0606_0606_0606_0606) & 0xf0f0_f0f0_f0f0_f0f0);
        if not_digit != 0 {
            return i + (not_digit.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    i + t[i..]
        .iter()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(t.len() - i)
}

/// How many ASCII letters `t` starts with.
#[inline]
pub(super) fn letters(t: &[u8]) -> usize {
    run_of(t, LETTER)
}
