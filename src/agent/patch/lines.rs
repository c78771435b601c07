//! What a change does line by line: how many lines it adds and removes, and the added
//! lines with their numbers in the new text, from a line diff of original and result.

use std::time::Duration;

use similar::{ChangeTag, TextDiff};

/// A diff of a very large file gives up on the minimal diff after this long and reports
/// a coarser one, which can only count more changed lines, never fewer.
const DIFF_DEADLINE: Duration = Duration::from_secs(2);

/// A line the change adds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct AddedLine {
    /// 1-based, in the new text.
    pub(super) line: usize,
    /// Without its line ending.
    pub(super) text: String,
}

/// The line-level effect of turning one text into another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct LineChanges {
    /// Added plus removed lines. A line whose only change is its ending (a newline added
    /// at the end of the file) counts as removed and added.
    pub(super) changed: usize,
    pub(super) added: Vec<AddedLine>,
}

pub(super) fn changes(original: &str, new: &str) -> LineChanges {
    let diff = TextDiff::configure()
        .timeout(DIFF_DEADLINE)
        .diff_lines(original, new);
    let mut changed = 0;
    let mut added = Vec::new();
    for change in diff.iter_all_changes() {
        match change.tag() {
            ChangeTag::Equal => {}
            ChangeTag::Delete => changed += 1,
            ChangeTag::Insert => {
                changed += 1;
                let text = change.value();
                let text = text.strip_suffix('\n').unwrap_or(text);
                let text = text.strip_suffix('\r').unwrap_or(text);
                added.push(AddedLine {
                    line: change.new_index().map_or(0, |index| index + 1),
                    text: text.to_owned(),
                });
            }
        }
    }
    LineChanges { changed, added }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_added_and_removed_lines_and_numbers_the_added_ones() {
        let change = changes("a\nb\nc\nd\n", "a\nB\nc\nd\ne\n");
        assert_eq!(change.changed, 3);
        let added: Vec<_> = change
            .added
            .iter()
            .map(|a| (a.line, a.text.as_str()))
            .collect();
        assert_eq!(added, [(2, "B"), (5, "e")]);
    }

    #[test]
    fn pure_removals_and_line_endings() {
        assert_eq!(changes("a\nb\nc\n", "a\nc\n").changed, 1);
        assert!(changes("a\nb\nc\n", "a\nc\n").added.is_empty());
        let crlf = changes("a\r\nb\r\n", "a\r\nx\r\n");
        assert_eq!(crlf.changed, 2);
        assert_eq!(crlf.added[0].text, "x");
        // Adding the final newline changes the last line.
        assert_eq!(changes("a\nb", "a\nb\n").changed, 2);
        assert_eq!(changes("", "x\ny\n").changed, 2);
        assert_eq!(changes("same\n", "same\n").changed, 0);
    }
}
