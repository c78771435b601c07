//! Online log-template miner: assigns each message a template with a stable, content-derived id.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::hash::{BuildHasher, Hasher};

pub use super::mask::mask_variables;
use super::mask::{Masked, VAR, header_len};

/// Stable id of a template: a fixed hash of the first masked message of the template.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct TemplateId(pub u64);

impl TemplateId {
    /// The id as 16 lower-case hex digits, as `Display` prints it, without allocating.
    pub fn to_hex(self) -> [u8; 16] {
        let mut out = [0u8; 16];
        for (pair, &byte) in out.chunks_exact_mut(2).zip(&self.0.to_be_bytes()) {
            pair.copy_from_slice(&HEX_PAIRS[byte as usize]);
        }
        out
    }
}

/// `HEX_PAIRS[b]` is `b` as two lower-case hex digits.
static HEX_PAIRS: [[u8; 2]; 256] = {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut t = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = [HEX[i >> 4], HEX[i & 0xf]];
        i += 1;
    }
    t
};

impl fmt::Display for TemplateId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

/// Result of [`TemplateMiner::observe`]: the template's id and its current text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Observation<'a> {
    /// The template's id, final when `observe` returns.
    pub id: TemplateId,
    /// The template as it is now (it may generalise later; the id does not change).
    pub template: &'a str,
}

/// Plain-data form of one template, for persistence ([`TemplateMiner::export`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateRecord {
    /// The template's id.
    pub id: TemplateId,
    /// Template tokens joined by single spaces; variables are `<*>`.
    pub template: String,
    /// Messages assigned so far.
    pub count: u64,
}

/// Evidence weights of a template token, in quarter points.
const BARE: u8 = 0; // `<*>:`, `(<*>)`: only variables and punctuation
const LIGHT: u8 = 4; // lower-case word, word with digits: may be a value
const HEAVY: u8 = 12; // `key:`, `key=`, word with capitals: names another event
const IS_VAR: u8 = u8::MAX; // exactly `<*>`: matches anything
/// Cost of a disagreement where one side is a bare value.
const BARE_COST: u32 = 2;
/// Most templates kept; past it a line that fits nowhere joins the closest template.
const MAX_TEMPLATES: usize = 20_000;
/// Most templates compared with one line (the oldest ones of its length).
const MAX_SCAN: usize = 1_024;
/// Most memo entries (the memo is cleared when full), and the longest masked line memoised.
const MEMO_CAP: usize = 1 << 15;
const MEMO_MAX_LINE: usize = 1 << 10;
/// Only the first 8 KiB of a message are clustered.
const MAX_MESSAGE: usize = 8 << 10;

struct Template {
    id: TemplateId,
    text: String,
    spans: Vec<(u32, u32)>,
    weights: Vec<u8>,
    /// Tokens with weight above `BARE` (the budget is one quarter point each).
    consts: u32,
    count: u64,
}

impl Template {
    fn new(id: TemplateId, tokens: &[&[u8]], count: u64) -> Self {
        let mut text = Vec::with_capacity(tokens.iter().map(|t| t.len() + 1).sum());
        let mut spans = Vec::with_capacity(tokens.len());
        for t in tokens {
            if !text.is_empty() {
                text.push(b' ');
            }
            spans.push((text.len() as u32, (text.len() + t.len()) as u32));
            text.extend_from_slice(t);
        }
        let weights: Vec<u8> = tokens.iter().map(|t| weight(t)).collect();
        let consts = weights
            .iter()
            .filter(|&&w| w != BARE && w != IS_VAR)
            .count() as u32;
        let text = String::from_utf8_lossy(&text).into_owned();
        Template {
            id,
            text,
            spans,
            weights,
            consts,
            count,
        }
    }

    fn token(&self, i: usize) -> &[u8] {
        let (s, e) = self.spans[i];
        &self.text.as_bytes()[s as usize..e as usize]
    }
}

/// Online template miner, with one configuration for every input.
///
/// 1. A leading `timestamp level [thread] logger:` header is skipped and variables are
///    masked ([`mask_variables`]); leading `<*>` tokens are dropped too.
/// 2. A masked line seen before goes to the same template (a bounded memo: the fast path).
/// 3. Otherwise the line is compared with every template that has as many tokens. Each
///    template token that disagrees costs by its kind: next to a bare value (`<*>:`) ½ point;
///    a lower-case word or a word with digits (user names, `eth0`) 1; a `key:`/`key=` or a
///    Capitalised/UPPER word (states, enum values, class names) 3; when two or more words
///    disagree the cost is 1.5 times higher. A template accepts the line if the cost is at
///    most ¼ point per informative (not bare) constant token; the line joins the cheapest
///    template (per constant; the oldest on a tie) and the disagreeing positions become `<*>`.
///    If no template accepts it, the line starts a new one.
/// 4. A template's id is a fixed hash (FNV-1a) of the masked line that created it, so
///    replicas that see the same first message agree; it never changes afterwards.
///
/// Memory grows with the number of templates only, and everything is capped: a message is
/// clustered on its first 8 KiB; the memo holds at most 32 768 masked lines of at most 1 KiB;
/// a line is compared with at most 1 024 templates (the oldest of its length); past 20 000
/// templates a line that fits nowhere joins the closest template of its length.
pub struct TemplateMiner {
    templates: Vec<Template>,
    /// Template indices by token count.
    by_len: HashMap<usize, Vec<u32>>,
    /// Masked line → template index: the fast path. Bounded by `MEMO_CAP`.
    memo: HashMap<Box<[u8]>, u32, SeededState>,
    ids: HashSet<u64>,
    masked: Masked,
    line_weights: Vec<u8>,
}

impl Default for TemplateMiner {
    fn default() -> Self {
        Self::new()
    }
}

impl TemplateMiner {
    /// An empty miner with the one built-in configuration.
    pub fn new() -> Self {
        TemplateMiner {
            templates: Vec::new(),
            by_len: HashMap::new(),
            memo: HashMap::with_hasher(SeededState::new()),
            ids: HashSet::new(),
            masked: Masked::default(),
            line_weights: Vec::new(),
        }
    }

    /// Number of templates.
    pub fn len(&self) -> usize {
        self.templates.len()
    }

    /// True when there is no template yet.
    pub fn is_empty(&self) -> bool {
        self.templates.is_empty()
    }

    /// Assigns one message to a template, online: the id is final when this returns.
    pub fn observe(&mut self, message: &str) -> Observation<'_> {
        let mut body = &message[header_len(message)..];
        if body.len() > MAX_MESSAGE {
            let mut end = MAX_MESSAGE;
            while !body.is_char_boundary(end) {
                end -= 1;
            }
            body = &body[..end];
        }
        self.masked.mask_line(body);
        self.masked.skip_leading_vars();
        let idx = match self.memo.get(self.masked.text.as_slice()) {
            Some(&i) => i as usize,
            None => {
                let i = match self.best_match() {
                    Some(i) => self.generalise(i),
                    None => self.create(),
                };
                if self.masked.text.len() <= MEMO_MAX_LINE {
                    if self.memo.len() >= MEMO_CAP {
                        self.memo.clear();
                    }
                    self.memo
                        .insert(self.masked.text.as_slice().into(), i as u32);
                }
                i
            }
        };
        let t = &mut self.templates[idx];
        t.count += 1;
        Observation {
            id: t.id,
            template: &t.text,
        }
    }

    /// The cheapest template that accepts the masked line (see [`TemplateMiner`]).
    fn best_match(&mut self) -> Option<usize> {
        let m = &self.masked;
        self.line_weights.clear();
        // a `<*>` in the line is a bare value
        self.line_weights
            .extend((0..m.len()).map(|i| match weight(m.token(i)) {
                IS_VAR => BARE,
                w => w,
            }));
        let line_bare = self.line_weights.iter().all(|&w| w == BARE);
        let cands = self.by_len.get(&m.len())?;
        let full = self.templates.len() >= MAX_TEMPLATES;
        let mut best: Option<(u32, u32, usize)> = None; // (cost, consts, index)
        let mut catch_all = None; // an all-variable template of this length
        for unlimited in [false, true] {
            for &ti in cands.iter().take(MAX_SCAN) {
                let t = &self.templates[ti as usize];
                if t.consts == 0 {
                    catch_all = catch_all.or(Some(ti as usize));
                    if !line_bare && !unlimited {
                        continue; // an all-variable template takes only all-variable lines
                    }
                }
                let limit = if unlimited { u32::MAX } else { t.consts };
                let cost = self.cost(t, limit);
                // prefer the lowest cost per constant, then the oldest
                let cheaper = |(bc, bk, _): (u32, u32, usize)| {
                    (cost as u64) * (bk.max(1) as u64) < (bc as u64) * (t.consts.max(1) as u64)
                };
                if cost <= limit && best.is_none_or(cheaper) {
                    best = Some((cost, t.consts, ti as usize));
                }
            }
            // past the template cap a line that fits nowhere joins the closest template
            if best.is_some() || !full {
                break;
            }
            if catch_all.is_some() {
                return catch_all;
            }
        }
        best.map(|(_, _, i)| i)
    }

    /// What it costs template `t` to take the masked line; stops early past `limit`.
    fn cost(&self, t: &Template, limit: u32) -> u32 {
        let m = &self.masked;
        let (mut cost, mut words) = (0u32, 0);
        for (i, &tw) in t.weights.iter().enumerate() {
            if tw == IS_VAR || t.token(i) == m.token(i) {
                continue;
            }
            let lw = self.line_weights[i];
            let c = if tw == BARE || lw == BARE {
                BARE_COST
            } else {
                tw.max(lw) as u32
            };
            words += (c >= LIGHT as u32) as u32;
            cost += c;
            if cost > limit {
                return cost;
            }
        }
        if words >= 2 {
            cost += cost / 2; // several words differ: likely another event
        }
        cost
    }

    /// Turns the positions where template `ti` and the masked line disagree into `<*>`.
    fn generalise(&mut self, ti: usize) -> usize {
        let (m, t) = (&self.masked, &self.templates[ti]);
        if (0..m.len()).all(|i| t.weights[i] == IS_VAR || t.token(i) == m.token(i)) {
            return ti;
        }
        let tokens: Vec<&[u8]> = (0..m.len())
            .map(|i| {
                if t.token(i) == m.token(i) {
                    t.token(i)
                } else {
                    VAR.as_bytes()
                }
            })
            .collect();
        let next = Template::new(t.id, &tokens, t.count);
        self.templates[ti] = next;
        ti
    }

    fn create(&mut self) -> usize {
        let tokens: Vec<&[u8]> = (0..self.masked.len())
            .map(|i| self.masked.token(i))
            .collect();
        let mut h = fnv1a(&self.masked.text);
        while self.ids.contains(&h) {
            h = fnv1a(&h.to_le_bytes()); // a deterministic re-hash on the unlikely collision
        }
        let t = Template::new(TemplateId(h), &tokens, 0);
        self.push(t)
    }

    fn push(&mut self, t: Template) -> usize {
        let i = self.templates.len();
        self.ids.insert(t.id.0);
        self.by_len.entry(t.spans.len()).or_default().push(i as u32);
        self.templates.push(t);
        i
    }

    /// All templates as plain records, in creation order (keep that order for `restore`).
    pub fn export(&self) -> Vec<TemplateRecord> {
        let rec = |t: &Template| TemplateRecord {
            id: t.id,
            template: t.text.clone(),
            count: t.count,
        };
        self.templates.iter().map(rec).collect()
    }

    /// Rebuilds a miner from [`export`](Self::export)ed records; the same message then gets
    /// the same id as before (the memo starts empty and is rebuilt from the templates).
    pub fn restore(records: Vec<TemplateRecord>) -> Self {
        let mut m = Self::new();
        for r in records {
            let tokens: Vec<&[u8]> = r
                .template
                .split(' ')
                .filter(|t| !t.is_empty())
                .map(str::as_bytes)
                .collect();
            m.push(Template::new(r.id, &tokens, r.count));
        }
        m
    }
}

/// Evidence weight of a token, judged by its *skeleton* (the token without its `<*>` parts):
/// `BARE` without letters or digits, `HEAVY` for a key (`name:`, `name=`) or a word with
/// capitals, `LIGHT` for other words and words with digits.
fn weight(t: &[u8]) -> u8 {
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

/// FNV-1a, 64 bit: a fixed, documented hash, so ids agree across builds and replicas.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Seeded multiply-fold hash for the memo: much faster than SipHash on ~100-byte keys, and
/// the per-process random seed keeps crafted lines from colliding on purpose.
#[derive(Clone, Copy)]
struct SeededState(u64);

impl SeededState {
    fn new() -> Self {
        SeededState(std::collections::hash_map::RandomState::new().hash_one(0x5eed_u64) | 1)
    }
}

impl BuildHasher for SeededState {
    type Hasher = SeededHasher;
    fn build_hasher(&self) -> SeededHasher {
        SeededHasher(self.0)
    }
}

struct SeededHasher(u64);

const MUL: u64 = 0x9E37_79B9_7F4A_7C15;

fn fold(a: u64, b: u64) -> u64 {
    let p = (a as u128).wrapping_mul(b as u128);
    (p as u64) ^ ((p >> 64) as u64)
}

impl Hasher for SeededHasher {
    fn write(&mut self, bytes: &[u8]) {
        // two independent lanes over 16-byte blocks, folded together at the end
        let word = |b: &[u8]| u64::from_le_bytes(b.try_into().unwrap());
        let (mut h1, mut h2) = (self.0 ^ bytes.len() as u64, self.0.rotate_left(32) ^ MUL);
        let mut chunks = bytes.chunks_exact(16);
        for c in &mut chunks {
            h1 = fold(word(&c[..8]) ^ h1, MUL);
            h2 = fold(word(&c[8..]) ^ h2, MUL ^ 0x5851_f42d_4c95_7f2d);
        }
        let mut buf = [0u8; 16];
        buf[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
        self.0 = fold(word(&buf[..8]) ^ h1, word(&buf[8..]) ^ h2);
    }
    fn write_usize(&mut self, i: usize) {
        self.0 = fold(self.0 ^ i as u64, MUL);
    }
    fn finish(&self) -> u64 {
        fold(self.0, MUL ^ 0x2d35_8dcc_aa6c_78a5)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small log with several events and varying values.
    fn replay_lines() -> Vec<String> {
        let mut v = Vec::new();
        for i in 0..8 {
            v.push(format!(
                "Received block blk_{} of size {} from /10.0.{i}.{}",
                1000 + i,
                64 * i,
                7 + i
            ));
            v.push(format!(
                "Failed password for {} from 10.1.2.{i} port {} ssh2",
                ["root", "admin", "git"][i % 3],
                4000 + i
            ));
            v.push(format!(
                "session opened for user {} by (uid={i})",
                ["cyrus", "news"][i % 2]
            ));
            v.push(format!("Connection closed by 10.9.{i}.1 [preauth]"));
            v.push(format!(
                "connection from 10.{i}.3.4 () at Sat Jul  {} 12:16:{:02} 2005",
                1 + i,
                10 + i
            ));
            v.push(format!("Block broadcast_{i} stored as values in memory (estimated size {}.0 KB, free 3.2 MB)", 5 + i));
            v.push(format!(
                "Location icon should now be in state '{}'",
                ["Active", "Inactive"][i % 2]
            ));
            v.push(format!("took {}ms to flush {} entries", 3 * i + 1, 10 * i));
        }
        v
    }

    #[test]
    fn same_message_twice_same_id() {
        let mut m = TemplateMiner::new();
        let a = m.observe("disk /dev/sda1 is 93% full").id;
        let b = m.observe("disk /dev/sda1 is 93% full").id;
        assert_eq!(a, b);
        assert_eq!(m.len(), 1);
    }

    #[test]
    fn values_share_a_template_events_do_not() {
        let mut m = TemplateMiner::new();
        let a = m
            .observe("Failed password for root from 10.0.0.1 port 22 ssh2")
            .id;
        let b = m.observe("Failed password for admin from 10.0.0.9 port 2222 ssh2");
        assert_eq!(
            (a, b.template),
            (b.id, "Failed password for <*> from <*> port <*> ssh2")
        );
        let s1 = m
            .observe("Location icon should now be in state 'Active'")
            .id;
        let s2 = m
            .observe("Location icon should now be in state 'Inactive'")
            .id;
        assert_ne!(s1, s2, "capitalised words are states, not values");
        assert_eq!(m.len(), 3);
    }

    #[test]
    fn id_is_content_derived_stable_and_printed_as_16_hex_digits() {
        let mut m1 = TemplateMiner::new();
        let mut m2 = TemplateMiner::new();
        m2.observe("something else first");
        let a = m1.observe("user bob logged in from 10.0.0.1").id;
        assert_eq!(
            a,
            m2.observe("user bob logged in from 10.0.0.1").id,
            "replicas agree"
        );
        assert_eq!(a, TemplateId(fnv1a(b"user bob logged in from <*>")));
        // the template generalises, the id does not change
        assert_eq!(m1.observe("user alice logged in from 10.0.0.2").id, a);
        assert_eq!(m1.export()[0].template, "user <*> logged in from <*>");
        let hex = a.to_string();
        assert_eq!(hex.len(), 16);
        assert!(
            hex.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        );
        assert_eq!(hex.as_bytes(), a.to_hex());
        assert_eq!(TemplateId(0xab).to_string(), "00000000000000ab");
    }

    #[test]
    fn a_header_does_not_change_the_template() {
        let mut m = TemplateMiner::new();
        let plain = m.observe("Connection closed by 10.9.1.1 [preauth]").id;
        for line in [
            "2024-05-01 12:00:03,123 ERROR [main] c.f.Bar: Connection closed by 10.9.1.2 [preauth]",
            "2024-05-01T12:00:03.123Z INFO 4242 Connection closed by 10.9.1.3 [preauth]",
            "May  1 12:00:03 web-3 sshd[4154]: Connection closed by 10.9.1.4 [preauth]",
        ] {
            assert_eq!(m.observe(line).id, plain, "{line}");
        }
    }

    #[test]
    fn ids_survive_export_and_restore() {
        let lines = replay_lines();
        let mut m = TemplateMiner::new();
        let first: Vec<TemplateId> = lines.iter().map(|l| m.observe(l).id).collect();
        let records = m.export();
        assert_eq!(
            records.iter().map(|r| r.count).sum::<u64>(),
            lines.len() as u64
        );
        let mut restored = TemplateMiner::restore(records.clone());
        assert_eq!(restored.export(), records);
        let again: Vec<TemplateId> = lines.iter().map(|l| restored.observe(l).id).collect();
        assert_eq!(first, again);
        assert_eq!(restored.len(), m.len());
    }

    #[test]
    fn replaying_500_times_adds_no_template() {
        let lines = replay_lines();
        let mut m = TemplateMiner::new();
        let mut ids = HashSet::new();
        lines.iter().for_each(|l| _ = ids.insert(m.observe(l).id));
        let (one_pass, templates) = (ids.len(), m.len());
        for _ in 0..499 {
            lines.iter().for_each(|l| _ = ids.insert(m.observe(l).id));
        }
        assert_eq!((ids.len(), m.len()), (one_pass, templates));
        assert!(templates <= 9, "{:#?}", m.export());
    }

    #[test]
    fn memory_is_bounded_by_templates_not_lines() {
        let mut m = TemplateMiner::new();
        for i in 0..100_000u32 {
            m.observe(&format!(
                "request {i} from 10.0.{}.{} took {}ms",
                i % 250,
                i % 200,
                i % 977
            ));
            m.observe(&format!("user u{i} logged out after {i} seconds"));
        }
        assert_eq!(m.len(), 2, "{:#?}", m.export());
        assert!(m.memo.len() <= MEMO_CAP);
        for i in 0..(MEMO_CAP as u32 + 10) {
            m.observe(&format!("user u{i}x logged out"));
        }
        assert!(m.memo.len() <= MEMO_CAP, "the memo is capped");
        assert_eq!(m.len(), 3);
    }

    #[test]
    fn empty_and_odd_lines() {
        let mut m = TemplateMiner::new();
        assert_eq!(m.observe("").template, "");
        assert_eq!(m.observe("   ").id, m.observe("").id);
        assert_eq!(m.observe("42").template, "<*>");
        assert_eq!(
            m.observe("naïve café – ünïcödé 12").template,
            "naïve café – ünïcödé <*>"
        );
    }
}
