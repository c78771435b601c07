//! Finds where the message body starts after a leading log header (timestamp, level, thread,
//! pid, logger name).

use super::classes::{CLOSE, OPEN, SPACE, class, letters, token_len};
use super::words::{Calendar, calendar_kind, is_level, may_name_calendar};

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
    let stamp_like = match rest.first() {
        None => false,
        Some(c) if c.is_ascii_digit() => true,
        Some(_) => may_name_calendar(rest) && calendar_kind(&rest[..letters(rest)]).is_some(),
    };
    if !stamp_like {
        return 0;
    }
    let first_end = token_len(b);
    let first = trim(&b[..first_end]);
    let first_time = is_time_like(first);
    let digits = first.iter().all(u8::is_ascii_digit);
    if !(first_time || calendar_kind(first).is_some() || (digits && first.len() >= 6)) {
        return 0;
    }
    // the line starts with its first field (`first` is not empty)
    let mut spans = [(0, 0); 12];
    spans[0] = (0, first_end);
    let mut f = Fields {
        b,
        spans,
        n: 1,
        pos: first_end,
    };
    // 1. the timestamp: dates, times, month and weekday names, a day of the month
    let (mut i, mut stamp, mut month) = (0, false, false);
    while f.has(i) {
        let t = trim(f.get(i));
        let kind = calendar_kind(t);
        if (i == 0 && first_time) || (i > 0 && is_time_like(t)) {
            stamp = true;
        } else if !stamp && kind.is_some() {
            month |= kind == Some(Calendar::Month);
        } else if month && !stamp && t.len() <= 2 && t.iter().all(u8::is_ascii_digit) {
            // the day of the month
        } else if !stamp && f.has(i + 1) && is_digit_date_pair(t, f.get(i + 1)) {
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
        if !f.has(i) {
            break;
        }
        let (t, inner) = (f.get(i), trim(f.get(i)));
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
        } else if f.has(i + 1) && f.get(i + 1).ends_with(b"]:") && f.get(i + 1).contains(&b'[') {
            i += 2; // `host proc[pid]:`
            break;
        } else {
            i += 2 * (f.has(i + 1) && f.get(i + 1) == b"-" && t.contains(&b'.')) as usize; // `c.f.Bar -`
            break;
        }
    }
    // 3. a level or another logger name may follow (`c.f.Bar: ERROR: …`)
    for _ in 0..2 {
        i += (f.has(i) && (is_level(trim(f.get(i))) || is_logger(f.get(i)))) as usize;
    }
    let mut body = f.spans[i - 1].1;
    while body < b.len() && class(b[body]) & SPACE != 0 {
        body += 1;
    }
    body
}

/// The first fields (space-separated tokens) of a line, split only as far as they are asked for.
struct Fields<'a> {
    b: &'a [u8],
    /// `(start, end)` of the fields split so far.
    spans: [(usize, usize); 12],
    n: usize,
    /// Where splitting goes on.
    pos: usize,
}

impl<'a> Fields<'a> {
    /// Whether field `i` exists among the first 12, splitting the line up to it.
    fn has(&mut self, i: usize) -> bool {
        while self.n <= i && self.n < self.spans.len() {
            let b = self.b;
            while self.pos < b.len() && class(b[self.pos]) & SPACE != 0 {
                self.pos += 1;
            }
            if self.pos >= b.len() {
                break;
            }
            let end = self.pos + token_len(&b[self.pos..]);
            self.spans[self.n] = (self.pos, end);
            (self.pos, self.n) = (end, self.n + 1);
        }
        i < self.n
    }

    /// Field `i`, which [`has`](Self::has) has split.
    fn get(&self, i: usize) -> &'a [u8] {
        let (s, e) = self.spans[i];
        &self.b[s..e]
    }
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

/// Dates and times: `2024-05-01`, `17/06/09`, `2005.06.03`, `12:00:03,123`,
/// `2024-05-01T12:00:03Z`: a time (`h:mm`) somewhere, or three number groups joined by the
/// same `-`, `/` or `.` with a 4-digit year at either end or two digits each. Not an IP.
fn is_time_like(t: &[u8]) -> bool {
    if !t.first().is_some_and(u8::is_ascii_digit) {
        return false;
    }
    let mut groups = [(0u8, 0u8); 8]; // (digits, separator after)
    let (mut n, mut len) = (0, 0u8);
    for &b in t {
        if b.is_ascii_digit() {
            len = len.saturating_add(1);
        } else if matches!(b, b'-' | b':' | b'/' | b'.' | b',' | b'T' | b'Z' | b'+')
            && len > 0
            && n < groups.len()
        {
            (groups[n], n, len) = ((len, b), n + 1, 0);
        } else if len > 0 || !matches!(b, b'T' | b'Z') {
            return false;
        }
    }
    if len > 0 && n < groups.len() {
        (groups[n], n) = ((len, 0), n + 1);
    }
    let g = &groups[..n];
    // `h:mm`, the hour first or after a date (`T`, `-`, `/`): `10.0.0.1:80` is no time
    let hour = |i: usize| i == 0 || matches!(g[i - 1].1, b'T' | b'-' | b'/');
    let time = (0..n.saturating_sub(1))
        .any(|i| g[i].1 == b':' && (1..=2).contains(&g[i].0) && g[i + 1].0 == 2 && hour(i));
    let date = n >= 3 && matches!(g[0].1, b'-' | b'/' | b'.') && g[1].1 == g[0].1 && {
        let (y, m, d) = (g[0].0, g[1].0, g[2].0);
        (y == 4 && m <= 2 && d <= 2) || (y <= 2 && m <= 2 && (d == 2 || d == 4))
    };
    time || date
}
