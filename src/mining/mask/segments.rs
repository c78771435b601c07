//! Masking inside a token that is not a plain word: whole-token variables, `key=value`, and
//! the variable segments of mixed tokens (`core.4900`, `blk_-562`); list membership.

use super::VARB;
use super::classes::{ALNUM, ALPHA, DIGIT, HEX, JOIN, SLASH, class, digit_run, letters, run_of};
use super::classify::{is_quoted, is_whole_var, key_value};

/// Masks the core `tok[a..z]` of a token that is not a word (see [`super::classify::is_word`]).
/// `any` is the OR of the byte classes of the core.
pub(super) fn mask_core(tok: &[u8], a: usize, z: usize, any: u32, out: &mut Vec<u8>) {
    let core = &tok[a..z];
    if a > 0 {
        out.extend_from_slice(&tok[..a]);
    }
    if any == class(b'0') || is_quoted(tok, a, z) || is_whole_var(core, any) {
        out.extend_from_slice(VARB);
    } else if let Some(eq) = key_value(core, any) {
        out.extend_from_slice(&core[..=eq]);
        if eq + 1 < core.len() {
            out.extend_from_slice(VARB);
        }
    } else if any & (DIGIT | SLASH) == 0 {
        out.extend_from_slice(core); // `c.f.Bar`: nothing left to mask
    } else {
        let start = out.len();
        // a token made mostly of variables (`[<*>]-Logs-<*>.txt`) is one variable
        if mask_segments(core, out) >= 2 {
            out.truncate(start);
            out.extend_from_slice(VARB);
        }
    }
    if z < tok.len() {
        out.extend_from_slice(&tok[z..]);
    }
}

/// Masks the variable segments of a token and joins neighbouring ones (`<*>:<*>` → `<*>`);
/// returns how many `<*>` it wrote.
fn mask_segments(c: &[u8], out: &mut Vec<u8>) -> usize {
    let mut vars = 0;
    let mut last_var_end = usize::MAX; // out.len() right after the last `<*>` written
    let mut i = 0;
    while i < c.len() {
        let first = class(c[i]);
        if first & ALNUM == 0 {
            out.push(c[i]);
            i += 1;
            continue;
        }
        // one segment (a run of letters/digits), classified while scanning it
        let s = i;
        let (mut digits, mut first_digit, mut letter_after_digit, mut all) = (0, 0, false, !0);
        if first & DIGIT != 0 {
            // starts with a digit: a number whatever follows (42, 12ms, 0x1f)
            i += digit_run(&c[i..]);
            i += run_of(&c[i..], ALNUM);
            digits = 1;
        } else {
            i += run_of(&c[i..], ALPHA); // letters: only what follows them matters
        }
        while i < c.len() && class(c[i]) & ALNUM != 0 {
            let cl = class(c[i]);
            all &= cl;
            if cl & DIGIT != 0 {
                first_digit = if digits == 0 { i - s } else { first_digit };
                digits += 1;
            } else {
                letter_after_digit |= digits > 0;
            }
            i += 1;
        }
        if digits > 0 && first_digit > 0 {
            // the letters skipped above count for `all` too
            all &= c[s..s + first_digit]
                .iter()
                .fold(!0, |acc, &b| acc & class(b));
        }
        let seg = &c[s..i];
        let number = first_digit == 0 || (seg.len() >= 4 && all & HEX != 0);
        if digits == 0 || (!number && digits <= 2) {
            out.extend_from_slice(seg); // a word, or a name with a short number: eth0, ssh2
        } else if !number && !letter_after_digit {
            out.extend_from_slice(&seg[..first_digit]); // a name with a long number: dn228
            out.extend_from_slice(VARB);
            (last_var_end, vars) = (out.len(), vars + 1);
        } else {
            // a number (42, -7, 12ms, 4GB, 0x1f, e0000340) joins a variable just before it
            if s > 0 && c[s - 1] == b'-' && (s == 1 || class(c[s - 2]) & ALNUM == 0) {
                out.pop(); // its sign
            }
            let gap = out.get(last_var_end..).unwrap_or(&[]);
            if gap.len() <= 3
                && gap.iter().all(|&b| class(b) & JOIN != 0)
                && last_var_end <= out.len()
            {
                out.truncate(last_var_end);
            } else {
                out.extend_from_slice(VARB);
                vars += 1;
            }
            last_var_end = out.len();
        }
        if c.get(i..i + 2) == Some(b":/") {
            out.extend_from_slice(b":<*>"); // `path:/usr/lib`
            return vars + 1;
        }
    }
    vars
}

/// What a masked token is as a member of a list.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Item {
    No,
    /// Only variables, digits and punctuation (`42,`, `(<*>)`, `blk_<*>`, `QQ.<*>`), or `()`.
    Value,
    /// A name with a number (`an14`, `IRQ9`): a list item only next to another name.
    Name,
}

/// Classifies a masked token as a list member; keys (`uid=<*>`, `onExtend:<*>`) and calls
/// (`deny(<*>)`) are not.
pub(super) fn list_item(t: &[u8]) -> Item {
    if t == VARB || matches!(t, b"()" | b"[]" | b"{}" | b"''" | b"\"\"") {
        return Item::Value; // `<*>` is by far the most common
    }
    let p = letters(t);
    let mut i = p + (p > 0 && matches!(t.get(p), Some(b'.' | b'_' | b'-'))) as usize;
    if p > 0 && !t.get(i).is_some_and(|b| b.is_ascii_digit() || *b == b'<') {
        return Item::No;
    }
    let (mut var, mut digit) = (false, false);
    while i < t.len() {
        if t[i..].starts_with(VARB) {
            (var, i) = (true, i + 3);
            continue;
        }
        if class(t[i]) & ALPHA != 0 || t[i] == b'=' {
            return Item::No;
        }
        digit |= t[i].is_ascii_digit();
        i += 1;
    }
    if var || (digit && p == 0) {
        Item::Value
    } else if digit {
        Item::Name
    } else {
        Item::No
    }
}
