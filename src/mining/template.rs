//! Online log-template miner: assigns each message a template with a stable, content-derived id.

mod entry;
mod export;
mod id;
mod memo;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};

pub use super::mask::mask_variables;
use super::mask::{Masked, VAR, header_len};
use entry::{BARE, IS_VAR, LIGHT, Template, weight};
pub use export::TemplateRecord;
pub use id::TemplateId;
use id::fnv1a;
use memo::Memo;

/// Result of [`TemplateMiner::observe`]: the template's id and its current text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Observation<'a> {
    /// The template's id, final when `observe` returns.
    pub id: TemplateId,
    /// The template as it is now (it may generalise later; the id does not change).
    pub template: &'a str,
}

/// Cost of a disagreement where one side is a bare value.
const BARE_COST: u32 = 2;
/// Most templates kept; past it a line that fits nowhere joins the closest template.
const MAX_TEMPLATES: usize = 20_000;
/// Most templates compared with one line (the oldest ones of its length).
const MAX_SCAN: usize = 1_024;
/// Only the first 8 KiB of a message are clustered.
const MAX_MESSAGE: usize = 8 << 10;

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
    /// Masked line → template index: the fast path (bounded).
    memo: Memo,
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
            memo: Memo::new(),
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
        let i = self.assign(message);
        let t = &self.templates[i];
        Observation {
            id: t.id,
            template: t.text(),
        }
    }

    /// [`observe`](Self::observe) with the result as one output row of `triaged cluster`:
    /// the id as 16 hex digits, a tab, the template and a newline.
    pub fn observe_row(&mut self, message: &str) -> &[u8] {
        let i = self.assign(message);
        self.templates[i].row()
    }

    /// Assigns one message to a template and counts it there; returns the template's index.
    fn assign(&mut self, message: &str) -> usize {
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
        let idx = match self.memo.get(&self.masked.text) {
            Some(i) => i,
            None => {
                let i = match self.best_match() {
                    Some(i) => self.generalise(i),
                    None => self.create(),
                };
                self.memo.insert(&self.masked.text, i);
                i
            }
        };
        self.templates[idx].count += 1;
        idx
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
        self.by_len.entry(t.len()).or_default().push(i as u32);
        self.templates.push(t);
        i
    }
}
