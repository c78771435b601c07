//! Persistence of a miner: its templates as plain records, and a miner rebuilt from them.

use super::entry::Template;
use super::{TemplateId, TemplateMiner};

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

impl TemplateMiner {
    /// All templates as plain records, in creation order (keep that order for `restore`).
    pub fn export(&self) -> Vec<TemplateRecord> {
        let rec = |t: &Template| TemplateRecord {
            id: t.id,
            template: t.text().to_owned(),
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
