//! Linear's shapes ↔ triaged's: an issue as a `Ticket`, a title within Linear's limit,
//! a priority within Linear's range.

use super::ops::TicketNode;
use crate::domain::ticket::{Ticket, TicketPhase};

/// Linear's title limit, counted like JavaScript counts string length (UTF-16 units).
pub const TITLE_MAX_UTF16: usize = 255;

const ELLIPSIS: char = '…';

/// The issue as a `Ticket`: key = identifier, phase from the state's type, label names.
pub(super) fn ticket_of(node: TicketNode) -> Ticket {
    Ticket {
        phase: TicketPhase::from_state_type(&node.state.state_type),
        id: node.id,
        key: node.identifier,
        url: node.url,
        title: node.title,
        state_name: node.state.name,
        labels: node.labels.nodes.into_iter().map(|l| l.name).collect(),
    }
}

/// `title` cut on a character boundary so that it fits Linear's limit, ending in "…"
/// when cut; whitespace around it trimmed.
pub fn truncate_title(title: &str) -> String {
    let title = title.trim();
    let units: usize = title.chars().map(char::len_utf16).sum();
    if units <= TITLE_MAX_UTF16 {
        return title.to_owned();
    }
    let budget = TITLE_MAX_UTF16 - ELLIPSIS.len_utf16();
    let mut used = 0;
    let mut cut = String::new();
    for c in title.chars() {
        used += c.len_utf16();
        if used > budget {
            break;
        }
        cut.push(c);
    }
    let mut cut = cut.trim_end().to_owned();
    cut.push(ELLIPSIS);
    cut
}

/// A triaged priority (1 urgent … 4 low) as Linear's (0 none, 1 … 4).
pub(super) fn linear_priority(priority: u8) -> i32 {
    i32::from(priority.min(4))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16_len(s: &str) -> usize {
        s.chars().map(char::len_utf16).sum()
    }

    #[test]
    fn short_titles_are_kept() {
        assert_eq!(
            truncate_title("  KeyError in checkout  "),
            "KeyError in checkout"
        );
        let exact = "x".repeat(255);
        assert_eq!(truncate_title(&exact), exact);
    }

    #[test]
    fn long_titles_are_cut_with_an_ellipsis() {
        let cut = truncate_title(&"a".repeat(400));
        assert_eq!(utf16_len(&cut), 255);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn cuts_never_split_a_character() {
        // 'é' is 2 bytes, '😀' is 4 bytes and 2 UTF-16 units.
        for filler in ["é", "😀", "a😀"] {
            let cut = truncate_title(&filler.repeat(300));
            assert!(utf16_len(&cut) <= 255, "{filler}: {}", utf16_len(&cut));
            assert!(cut.ends_with('…'));
            let body = cut.trim_end_matches('…');
            assert!(filler.repeat(300).starts_with(body));
        }
    }

    #[test]
    fn priorities_stay_in_linears_range() {
        assert_eq!(linear_priority(1), 1);
        assert_eq!(linear_priority(4), 4);
        assert_eq!(linear_priority(9), 4);
        assert_eq!(linear_priority(0), 0);
    }
}
