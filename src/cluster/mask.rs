//! Stateless masking of one log line (numbers, ids, addresses, times → `<*>`); header detection.

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
            let mut whole = 0;
            // four bytes at a time while none of them is a separator
            while let Some(q) = b.get(i..i + 4) {
                let c = class(q[0]) | class(q[1]) | class(q[2]) | class(q[3]);
                if c & SPACE != 0 {
                    break;
                }
                (whole, i) = (whole | c, i + 4);
            }
            while i < b.len() && class(b[i]) & SPACE == 0 {
                whole |= class(b[i]);
                i += 1;
            }
            let tok = &b[s..i];
            // the classes of the core (the token without wrapping punctuation)
            let (a, z) = if whole & (OPEN | CLOSE) == 0 {
                (0, tok.len())
            } else {
                core_bounds(tok)
            };
            let any = if z - a == tok.len() {
                whole
            } else {
                tok[a..z].iter().fold(0, |acc, &x| acc | class(x))
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
                self.text.extend_from_slice(tok); // nothing to mask: the common case
                calendar |= tok.len() >= 3 && calendar_kind(tok).is_some();
                matches!(tok, b"()" | b"[]" | b"{}")
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

/// Length of the token at the start of `b` (up to a space or tab), eight bytes at a time.
#[inline]
fn token_len(b: &[u8]) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let mut i = 0;
    while i + 8 <= b.len() {
        let x = u64::from_le_bytes(b[i..i + 8].try_into().unwrap());
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

/// The token without wrapping punctuation: `(`, `[`, quotes … and trailing `)`, `:`, `,` ….
fn core_bounds(tok: &[u8]) -> (usize, usize) {
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

/// True if nothing in the token needs masking: no digit, no `/@=\\.:` inside, not a quoted
/// value (`'Active'` is a word, `'/dev/x'` a value). `any` is the OR of the byte classes of
/// the core `tok[a..z]`.
fn is_word(tok: &[u8], a: usize, z: usize, any: u16) -> bool {
    let quoted = a > 0 && z < tok.len() && class(tok[a - 1]) & QUOTE != 0 && tok[z] == tok[a - 1];
    let plain = || tok[a..z].iter().all(|&b| class(b) & PLAIN != 0);
    a == z || (any & (DIGIT | SPECIAL) == 0 && (!quoted || plain()))
}

/// Masks the core `tok[a..z]` of a token that is not a word (see [`is_word`]).
fn mask_core(tok: &[u8], a: usize, z: usize, any: u16, out: &mut Vec<u8>) {
    let core = &tok[a..z];
    let quoted_value =
        a > 0 && z < tok.len() && class(tok[a - 1]) & QUOTE != 0 && tok[z] == tok[a - 1];
    out.extend_from_slice(&tok[..a]);
    if any == class(b'0') || quoted_value || is_whole_var(core, any) {
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
    out.extend_from_slice(&tok[z..]);
}

/// Whole-token variables: paths, URLs, e-mails, hex/number groups (IPs, MACs, UUIDs, dates,
/// times), host names. `any` is the OR of the byte classes of `c`.
fn is_whole_var(c: &[u8], any: u16) -> bool {
    let path =
        c[0] == b'/' || c.starts_with(b"~/") || c.starts_with(b"./") || c.starts_with(b"../");
    if c.len() > 1 && path {
        return true;
    }
    if any & SLASH != 0 && (c.windows(3).any(|w| w == b"://") || c.get(1..3) == Some(b":\\")) {
        return true; // URL, Windows path
    }
    if any & AT != 0 {
        let at = c.iter().position(|&b| b == b'@').unwrap_or(0);
        let domain = &c[at + 1..];
        if at > 0 && domain.contains(&b'.') && domain.iter().all(|&b| class(b) & HOST != 0) {
            return true; // e-mail
        }
    }
    (any & DIGIT != 0 && is_hex_groups(c)) || (any & SPECIAL != 0 && is_host(c))
}

/// `10.0.0.1`, `00:1a:2b:3c:4d:5e`, `fe80::1`, UUIDs, `12:16:49`, `2005-06-03`: three or more
/// groups of hex digits separated by `.`, `:` or `-`.
fn is_hex_groups(c: &[u8]) -> bool {
    let (mut groups, mut in_group) = (0, false);
    for &b in c {
        if class(b) & HEX != 0 {
            groups += !in_group as u32;
            in_group = true;
        } else if matches!(b, b'.' | b':' | b'-') {
            in_group = false;
        } else {
            return false;
        }
    }
    groups >= 3
}

/// `mail.example.com`, `dsl-1-2.isp.net:8080`, `host.isp.com.br`: dotted labels ending in a
/// common top-level domain, or in a country code after `com`, `co`, `ac`, … or digits.
fn is_host(c: &[u8]) -> bool {
    let c = match c.iter().rposition(|&b| b == b':') {
        Some(p) if p + 1 < c.len() && c[p + 1..].iter().all(u8::is_ascii_digit) => &c[..p],
        Some(_) => return false,
        None => c,
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
fn key_value(c: &[u8], any: u16) -> Option<usize> {
    let eq = if any & SPECIAL != 0 {
        c.iter().position(|&b| b == b'=')?
    } else {
        return None;
    };
    let key = &c[..eq];
    let ok = !key.is_empty()
        && key
            .iter()
            .all(|&b| class(b) & (ALPHA | DIGIT) != 0 || b"_-.[]".contains(&b));
    ok.then_some(eq)
}

/// Masks the variable segments of a token and joins neighbouring ones (`<*>:<*>` → `<*>`);
/// returns how many `<*>` it wrote.
fn mask_segments(c: &[u8], out: &mut Vec<u8>) -> usize {
    let mut vars = 0;
    let mut last_var_end = usize::MAX; // out.len() right after the last `<*>` written
    let mut i = 0;
    while i < c.len() {
        if class(c[i]) & (ALPHA | DIGIT) == 0 {
            out.push(c[i]);
            i += 1;
            continue;
        }
        // one segment (a run of letters/digits), classified while scanning it
        let s = i;
        let (mut digits, mut first_digit, mut letter_after_digit, mut all) =
            (0, 0, false, u16::MAX);
        if class(c[i]) & DIGIT != 0 {
            // starts with a digit: a number whatever follows (42, 12ms, 0x1f)
            while i < c.len() && class(c[i]) & (ALPHA | DIGIT) != 0 {
                i += 1;
            }
            digits = 1;
        }
        while i < c.len() && class(c[i]) & (ALPHA | DIGIT) != 0 {
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
            if s > 0 && c[s - 1] == b'-' && (s == 1 || class(c[s - 2]) & (ALPHA | DIGIT) == 0) {
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
enum Item {
    No,
    /// Only variables, digits and punctuation (`42,`, `(<*>)`, `blk_<*>`, `QQ.<*>`), or `()`.
    Value,
    /// A name with a number (`an14`, `IRQ9`): a list item only next to another name.
    Name,
}

/// Classifies a masked token as a list member; keys (`uid=<*>`, `onExtend:<*>`) and calls
/// (`deny(<*>)`) are not.
fn list_item(t: &[u8]) -> Item {
    if matches!(t, b"()" | b"[]" | b"{}" | b"''" | b"\"\"") {
        return Item::Value;
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

#[rustfmt::skip]
const TLDS: [&str; 15] = [
    "com", "net", "org", "edu", "gov", "mil", "int", "info", "biz", "io", "local", "lan", "arpa",
    "internal", "localdomain",
];
#[rustfmt::skip]
const MONTHS: [&str; 24] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec", "sept",
    "january", "february", "march", "april", "june", "july", "august", "september", "october",
    "november", "december",
];
#[rustfmt::skip]
const WEEKDAYS: [&str; 14] = [
    "mon", "tue", "wed", "thu", "fri", "sat", "sun", "monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday",
];
#[rustfmt::skip]
const LEVELS: [&str; 12] = [
    "trace", "debug", "info", "notice", "warn", "warning", "error", "err", "fatal", "critical",
    "crit", "severe",
];

/// Length of a unit of measure at the start of `tok` when only punctuation follows it
/// (`KB,` → 2, `ms` → 2), else 0.
fn unit_len(tok: &[u8]) -> usize {
    const FIRST: u32 = bits(b"bkmgtpunsh");
    if !(tok[0].is_ascii_alphabetic() && FIRST >> ((tok[0] | 0x20) - b'a') & 1 != 0) {
        return 0;
    }
    let end = letters(tok);
    if end == 0 || end > 7 || !tok[end..].iter().all(|&b| class(b) & CLOSE != 0) {
        return 0;
    }
    let mut low = [0u8; 7];
    for (l, &b) in low.iter_mut().zip(tok) {
        *l = b.to_ascii_lowercase();
    }
    if is_unit(&low[..end]) { end } else { 0 }
}

/// A lower-case unit of measure (data sizes, durations, frequencies).
#[rustfmt::skip]
fn is_unit(w: &[u8]) -> bool {
    matches!(w,
        b"b" | b"kb" | b"mb" | b"gb" | b"tb" | b"pb" | b"kib" | b"mib" | b"gib" | b"tib"
        | b"bytes" | b"ms" | b"us" | b"ns" | b"s" | b"sec" | b"secs" | b"msecs" | b"seconds"
        | b"min" | b"mins" | b"h" | b"hrs" | b"hz" | b"khz" | b"mhz" | b"ghz")
}

/// How many ASCII letters `t` starts with.
fn letters(t: &[u8]) -> usize {
    t.iter()
        .position(|b| !b.is_ascii_alphabetic())
        .unwrap_or(t.len())
}

/// A set of lower-case letters as bits (`a` = bit 0).
const fn bits(letters: &[u8]) -> u32 {
    let (mut set, mut i) = (0, 0);
    while i < letters.len() {
        set |= 1 << (letters[i] - b'a');
        i += 1;
    }
    set
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Calendar {
    Month,
    Weekday,
}

/// Whether `tok` (trailing punctuation ignored) names a month or a weekday.
#[inline]
fn calendar_kind(tok: &[u8]) -> Option<Calendar> {
    // cheap filters: first letters j f m a s o n d t w, second letters a e p u c o h r
    const FIRST: u32 = bits(b"jfmasondtw");
    const SECOND: u32 = bits(b"aepucohr");
    let letter_in =
        |b: u8, set: u32| b.is_ascii_alphabetic() && set >> ((b | 0x20) - b'a') & 1 != 0;
    if tok.len() < 3 || !letter_in(tok[0], FIRST) || !letter_in(tok[1], SECOND) {
        return None;
    }
    calendar_name(tok)
}

#[inline(never)]
fn calendar_name(tok: &[u8]) -> Option<Calendar> {
    let kind = match &[tok[0] | 0x20, tok[1] | 0x20, tok[2] | 0x20] {
        b"jan" | b"feb" | b"mar" | b"apr" | b"may" | b"jun" | b"jul" | b"aug" | b"sep" | b"oct"
        | b"nov" | b"dec" => Calendar::Month,
        b"mon" | b"tue" | b"wed" | b"thu" | b"fri" | b"sat" | b"sun" => Calendar::Weekday,
        _ => return None, // the cheap filter
    };
    let names = if kind == Calendar::Month {
        &MONTHS[..]
    } else {
        &WEEKDAYS[..]
    };
    is_one_of(tok, names).then_some(kind)
}

/// True if `tok` (trailing punctuation ignored) is one of `names`, case-insensitively.
fn is_one_of(tok: &[u8], names: &[&str]) -> bool {
    let end = letters(tok);
    !tok[end..].iter().any(u8::is_ascii_alphanumeric)
        && names
            .iter()
            .any(|n| tok[..end].eq_ignore_ascii_case(n.as_bytes()))
}

/// Byte offset where the message body starts after a leading header such as
/// `2024-05-01 12:00:03,123 ERROR [main] c.f.Bar: `, `Jun 14 15:16:01 host sshd[42]: ` or
/// `[2024-05-01 12:00:03] [error] `; 0 when the line does not start with a timestamp.
///
/// After the timestamp it skips at most five header fields (a level, `[thread]`, a pid, `-`,
/// `|`), then a logger name (`c.f.Bar:`, any `name:` after `[thread]`, `host proc[pid]:`,
/// `c.f.Bar -`), then at most two more level words or logger names, and stops.
pub fn header_len(line: &str) -> usize {
    let b = line.as_bytes();
    // quick reject, most lines: the first token must be a date, a time or a month/weekday
    let lead = b
        .iter()
        .position(|&c| class(c) & OPEN == 0)
        .unwrap_or(b.len());
    let rest = &b[lead..b.len().min(lead + 10)];
    let word = &rest[..letters(rest)];
    if !rest
        .first()
        .is_some_and(|c| c.is_ascii_digit() || calendar_kind(word).is_some())
    {
        return 0;
    }
    let first = trim(&b[..token_len(b)]);
    let digits = first.iter().all(u8::is_ascii_digit);
    if !(is_time_like(first) || calendar_kind(first).is_some() || (digits && first.len() >= 6)) {
        return 0;
    }
    let mut toks = [(0usize, 0usize); 12];
    let (mut n, mut pos) = (0, 0);
    while n < toks.len() {
        while pos < b.len() && class(b[pos]) & SPACE != 0 {
            pos += 1;
        }
        if pos >= b.len() {
            break;
        }
        toks[n] = (pos, pos + token_len(&b[pos..]));
        pos = toks[n].1;
        n += 1;
    }
    let tok = |i: usize| &b[toks[i].0..toks[i].1];
    // 1. the timestamp: dates, times, month and weekday names, a day of the month
    let (mut i, mut stamp, mut month) = (0, false, false);
    while i < n {
        let t = trim(tok(i));
        let kind = calendar_kind(t);
        if is_time_like(t) {
            stamp = true;
        } else if !stamp && kind.is_some() {
            month |= kind == Some(Calendar::Month);
        } else if month && !stamp && t.len() <= 2 && t.iter().all(u8::is_ascii_digit) {
            // the day of the month
        } else if !stamp && i + 1 < n && is_digit_date_pair(t, tok(i + 1)) {
            (stamp, i) = (true, i + 1); // `081109 203615`
        } else {
            break;
        }
        i += 1;
    }
    if !stamp {
        return 0;
    }
    // 2. level, [thread], pid, separators, then the logger name
    let mut after_thread = false;
    for _ in 0..5 {
        if i >= n {
            break;
        }
        let (t, inner) = (tok(i), trim(tok(i)));
        let pid = !inner.is_empty() && inner.iter().all(u8::is_ascii_digit);
        let bracketed =
            t.len() > 2 && class(t[0]) & OPEN != 0 && matches!(t[t.len() - 1], b']' | b')');
        if is_level(inner) || pid || t == b"-" || t == b"|" {
            i += 1;
        } else if bracketed && !is_time_like(inner) {
            (i, after_thread) = (i + 1, true); // `[12:00:03.123]` would belong to the message
        } else if t.len() > 1 && t.ends_with(b":") {
            i += (after_thread || is_logger(t)) as usize;
            break;
        } else if i + 1 < n && tok(i + 1).ends_with(b"]:") && tok(i + 1).contains(&b'[') {
            i += 2; // `host proc[pid]:`
            break;
        } else {
            i += 2 * (i + 1 < n && tok(i + 1) == b"-" && t.contains(&b'.')) as usize; // `c.f.Bar -`
            break;
        }
    }
    // 3. a level or another logger name may follow (`c.f.Bar: ERROR: …`)
    for _ in 0..2 {
        i += (i < n && (is_level(trim(tok(i))) || is_logger(tok(i)))) as usize;
    }
    let mut body = toks[i - 1].1;
    while body < b.len() && class(b[body]) & SPACE != 0 {
        body += 1;
    }
    body
}

/// `c.f.Bar:`, `dfs.DataNode$PacketResponder:`, `sshd[42]:`: a logger name before a message.
fn is_logger(t: &[u8]) -> bool {
    t.len() > 2
        && t[0].is_ascii_alphabetic()
        && t.ends_with(b":")
        && t.iter().any(|c| b".$[/".contains(c))
}

/// `081109 203615`, `20240501 120003`: a 6- or 8-digit date and a 6-digit time.
fn is_digit_date_pair(a: &[u8], b: &[u8]) -> bool {
    (a.len() == 6 || a.len() == 8) && b.len() == 6 && a.iter().chain(b).all(u8::is_ascii_digit)
}

/// The token without wrapping punctuation (`[info]` → `info`, `12:00:03,` → `12:00:03`).
fn trim(t: &[u8]) -> &[u8] {
    let a = t
        .iter()
        .position(|&c| class(c) & OPEN == 0)
        .unwrap_or(t.len());
    let z = t
        .iter()
        .rposition(|&c| class(c) & CLOSE == 0)
        .map_or(a, |z| (z + 1).max(a));
    &t[a..z]
}

fn is_level(t: &[u8]) -> bool {
    t.len() <= 8 && LEVELS.iter().any(|l| l.as_bytes().eq_ignore_ascii_case(t))
}

/// Dates and times: `2024-05-01`, `17/06/09`, `2005.06.03`, `12:00:03,123`,
/// `2024-05-01T12:00:03Z`: a time (`h:mm`) somewhere, or three number groups joined by the
/// same `-`, `/` or `.` with a 4-digit year at either end or two digits each. Not an IP.
fn is_time_like(t: &[u8]) -> bool {
    let mut groups = [(0u8, 0u8); 8]; // (digits, separator after)
    let (mut n, mut len) = (0, 0u8);
    for &b in t {
        if b.is_ascii_digit() {
            len = len.saturating_add(1);
        } else if b"-:/.,TZ+".contains(&b) && len > 0 && n < groups.len() {
            (groups[n], n, len) = ((len, b), n + 1, 0);
        } else if len > 0 || !b"TZ".contains(&b) {
            return false;
        }
    }
    if len > 0 && n < groups.len() {
        (groups[n], n) = ((len, 0), n + 1);
    }
    let g = &groups[..n];
    // `h:mm`, the hour first or after a date (`T`, `-`, `/`): `10.0.0.1:80` is no time
    let hour = |i: usize| i == 0 || b"T-/".contains(&g[i - 1].1);
    let time = (0..n.saturating_sub(1))
        .any(|i| g[i].1 == b':' && (1..=2).contains(&g[i].0) && g[i + 1].0 == 2 && hour(i));
    let date = n >= 3 && b"-/.".contains(&g[0].1) && g[1].1 == g[0].1 && {
        let (y, m, d) = (g[0].0, g[1].0, g[2].0);
        (y == 4 && m <= 2 && d <= 2) || (y <= 2 && m <= 2 && (d == 2 || d == 4))
    };
    t.first().is_some_and(u8::is_ascii_digit) && (time || date)
}

// Byte classes, looked up in one table: the masking pass is the hot loop of the miner.
const DIGIT: u16 = 1;
const ALPHA: u16 = 2; // ASCII letter, or any byte of a non-ASCII character
const OPEN: u16 = 4; // may open a wrapped token: `(` `[` `{` `<` quotes
const CLOSE: u16 = 8; // may close one: `)` `]` `}` `>` quotes `,` `;` `:` `.` `!` `?`
const JOIN: u16 = 16; // may sit inside one variable: `10.0.0.1:80`, `2024-05-01`
const SPECIAL: u16 = 32; // needs a closer look: `/` `@` `=` `\` `.` `:`
const PLAIN: u16 = 64; // letter or `_`
const HOST: u16 = 128; // ASCII letter, digit, `.`, `-`, `:`
const SPACE: u16 = 256;
const QUOTE: u16 = 512;
const HEX: u16 = 1024;
const SLASH: u16 = 2048; // `/` or `\`
const AT: u16 = 4096;

const fn has(yes: bool, bit: u16) -> u16 {
    if yes { bit } else { 0 }
}

#[rustfmt::skip]
const fn byte_class(b: u8) -> u16 {
    let letter = b.is_ascii_alphabetic();
    has(b.is_ascii_digit(), DIGIT | HOST)
        | has(letter || b >= 0x80, ALPHA | PLAIN)
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
}

static CLASSES: [u16; 256] = {
    let mut t = [0u16; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = byte_class(i as u8);
        i += 1;
    }
    t
};

#[inline]
fn class(b: u8) -> u16 {
    CLASSES[b as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> String {
        mask_variables(s)
    }

    #[test]
    fn numbers_signed_and_decimal() {
        assert_eq!(
            m("took 42 then -7 and 3.14 left"),
            "took <*> then <*> and <*> left"
        );
        assert_eq!(m("boot = -107, init = 146"), "boot = <*> init = <*>");
    }

    #[test]
    fn hex() {
        assert_eq!(m("reg 0x7f3a at e0000340 ok"), "reg <*> at <*> ok");
    }

    #[test]
    fn uuid_mac_ipv6() {
        assert_eq!(m("id 550e8400-e29b-41d4-a716-446655440000 ok"), "id <*> ok");
        assert_eq!(m("mac 00:1a:2b:3c:4d:5e up"), "mac <*> up");
        assert_eq!(m("addr fe80::1ff:fe23:4567:890a up"), "addr <*> up");
    }

    #[test]
    fn ipv4_with_and_without_port() {
        assert_eq!(
            m("from 10.0.0.1 via /10.0.0.2:50010 to 10.0.0.3:80, done"),
            "from <*> via <*> to <*>, done"
        );
    }

    #[test]
    fn emails_urls_hosts() {
        assert_eq!(m("mail bob@example.com ok"), "mail <*> ok");
        assert_eq!(
            m("GET https://api.example.com/v1/items?id=42 ok"),
            "GET <*> ok"
        );
        assert_eq!(
            m("connect db-3.prod.example.com:5432 and db1.example.com"),
            "connect <*> and <*>"
        );
        assert_eq!(
            m("logger c.f.Bar and NameSystem.delete: stay"),
            "logger c.f.Bar and NameSystem.delete: stay"
        );
    }

    #[test]
    fn file_paths() {
        assert_eq!(m("open /var/lib/app/state.db failed"), "open <*> failed");
        assert_eq!(
            m("load C:\\Windows\\x.dll and ~/a/b and path:/usr/lib"),
            "load <*> and <*> and path:<*>"
        );
    }

    #[test]
    fn timestamps_and_dates() {
        assert_eq!(m("at 2024-05-01T12:00:03.123Z done"), "at <*> done");
        assert_eq!(m("at 2024-05-01 12:00:03,123 done"), "at <*> done");
        assert_eq!(
            m("connection at Sat Jul  9 12:16:49 2005"),
            "connection at <*>"
        );
    }

    #[test]
    fn durations_and_sizes() {
        assert_eq!(m("took 12ms, then 3.5s"), "took <*>, then <*>");
        assert_eq!(
            m("(estimated size 5.2 KB, free 384.0 B)"),
            "(estimated size <*>, free <*>)"
        );
    }

    #[test]
    fn quoted_values() {
        assert_eq!(
            m("node '/udev/vcs2' and \"x-42\""),
            "node '<*>' and \"<*>\""
        );
        assert_eq!(m("state 'Active'"), "state 'Active'"); // a plain word names a state
    }

    #[test]
    fn key_value() {
        assert_eq!(
            m("uid=0 user=root ruser= tty=NODEVssh"),
            "uid=<*> user=<*> ruser= tty=<*>"
        );
        assert_eq!(m("packageName = com.huawei.health"), "packageName = <*>");
    }

    #[test]
    fn ids_inside_tokens_and_names_kept() {
        assert_eq!(
            m("generating core.4900 for blk_-5626 in rdd_21_0"),
            "generating core.<*> for blk_<*> in rdd_<*>"
        );
        assert_eq!(
            m("eth0 up, ssh2 ok, wl0: stay"),
            "eth0 up, ssh2 ok, wl0: stay"
        );
        assert_eq!(
            m("file [2017-07-03_16,05,51.0317]-Logs-003.txt, ok"),
            "file [<*>, ok"
        );
    }

    #[test]
    fn lists_collapse() {
        assert_eq!(m("IRQs 3 4 5 7 10 ok"), "IRQs <*> ok");
        assert_eq!(m("name an14 an15 an16"), "name <*>");
        assert_eq!(m("report : 1 2 3 4"), "report : <*>");
    }

    #[test]
    fn header_detection() {
        let body = |l: &str| l[header_len(l)..].to_string();
        assert_eq!(
            body("2024-05-01 12:00:03,123 ERROR [main] c.f.Bar: disk full"),
            "disk full"
        );
        assert_eq!(
            body("2024-05-01T12:00:03.123Z WARN 4242 disk full"),
            "disk full"
        );
        assert_eq!(
            body("May  1 12:00:03 web-3 sshd[4154]: Accepted password"),
            "Accepted password"
        );
        assert_eq!(
            body("[2024-05-01 12:00:03.123] [error] disk full"),
            "disk full"
        );
        assert_eq!(
            body("081109 203615 148 INFO dfs.DataNode$PacketResponder: Received block"),
            "Received block"
        );
        assert_eq!(body("10.0.0.1:80 connected"), "10.0.0.1:80 connected"); // an address is no stamp
        assert_eq!(body("ciod: Error loading /x"), "ciod: Error loading /x");
    }
}
