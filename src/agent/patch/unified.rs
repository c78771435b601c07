//! A small strict unified-diff applier for one file (the `diff_applies` check).
//!
//! Strict where it matters: every context and removed line must equal the file's line
//! exactly (trailing whitespace included); each hunk's line counts must match its body;
//! hunks come in order without overlapping; a diff that names another file, edits more
//! than one, renames, deletes or carries binary data is refused. It allows what `git
//! apply` allows: a hunk whose stated line number is off is placed where its lines match,
//! but only when they match at exactly one place after the previous hunk.
//!
//! Line endings are the file's, not the diff's: lines are compared without their
//! endings, kept lines keep theirs, and added lines take the file's usual ending, so an
//! LF diff applies to a CRLF file and the result stays CRLF. `\ No newline at end of
//! file` after an added or context line leaves the new file without a final newline.
//!
//! Why not the `diffy` crate: it fails to apply an LF diff to a CRLF file (its open
//! issue #20) and does not let us say how strictly hunks are placed.

use std::iter::Peekable;
use std::sync::LazyLock;

use regex::Regex;

#[cfg(test)]
mod tests;

static HUNK_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^@@ -([0-9]+)(?:,([0-9]+))? \+([0-9]+)(?:,([0-9]+))? @@")
        .expect("the hunk header pattern compiles")
});

/// Header lines a diff of one edited file may start with.
const HEADER_PREFIXES: [&str; 6] = [
    "diff --git ",
    "index ",
    "--- ",
    "+++ ",
    "old mode ",
    "new mode ",
];

/// A line of the file: its text and its ending (`"\n"`, `"\r\n"` or `""` at the end).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Line<'a> {
    text: &'a str,
    ending: &'a str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Context,
    Remove,
    Add,
}

#[derive(Debug)]
struct Hunk<'a> {
    number: usize,
    old_start: usize,
    /// The body; the flag is a `\ No newline at end of file` after the line.
    lines: Vec<(Op, &'a str, bool)>,
}

/// `original` with `diff` applied, or why it does not apply.
pub(super) fn apply(original: &str, diff: &str, path: &str) -> Result<String, String> {
    let hunks = parse(diff, path)?;
    let lines = split_lines(original);
    let ending = usual_ending(&lines);
    let mut out: Vec<(String, &str)> = Vec::with_capacity(lines.len() + 8);
    let mut cursor = 0;
    for hunk in &hunks {
        let at = place(hunk, &lines, cursor)?;
        out.extend(
            lines[cursor..at]
                .iter()
                .map(|l| (l.text.to_owned(), l.ending)),
        );
        let mut index = at;
        for &(op, text, no_newline) in &hunk.lines {
            match op {
                Op::Context => {
                    let kept = lines[index].ending;
                    out.push((text.to_owned(), if no_newline { "" } else { kept }));
                    index += 1;
                }
                Op::Remove => index += 1,
                Op::Add => out.push((text.to_owned(), if no_newline { "" } else { ending })),
            }
        }
        cursor = index;
    }
    out.extend(
        lines[cursor..]
            .iter()
            .map(|l| (l.text.to_owned(), l.ending)),
    );
    let last = out.len().saturating_sub(1);
    let mut text = String::with_capacity(original.len() + 256);
    for (i, (line, line_ending)) in out.iter().enumerate() {
        text.push_str(line);
        // Only the last line may lack an ending.
        text.push_str(if line_ending.is_empty() && i < last {
            ending
        } else {
            line_ending
        });
    }
    Ok(text)
}

fn split_lines(text: &str) -> Vec<Line<'_>> {
    text.split_inclusive('\n')
        .map(|raw| {
            if let Some(text) = raw.strip_suffix("\r\n") {
                Line {
                    text,
                    ending: "\r\n",
                }
            } else if let Some(text) = raw.strip_suffix('\n') {
                Line { text, ending: "\n" }
            } else {
                Line {
                    text: raw,
                    ending: "",
                }
            }
        })
        .collect()
}

/// CRLF if most lines end so, else LF.
fn usual_ending(lines: &[Line<'_>]) -> &'static str {
    let crlf = lines.iter().filter(|l| l.ending == "\r\n").count();
    let lf = lines.iter().filter(|l| l.ending == "\n").count();
    if crlf > lf { "\r\n" } else { "\n" }
}

/// Where `hunk`'s old lines start in `lines`, at or after `cursor`.
fn place(hunk: &Hunk<'_>, lines: &[Line<'_>], cursor: usize) -> Result<usize, String> {
    let n = hunk.number;
    let old: Vec<&str> = hunk
        .lines
        .iter()
        .filter(|(op, ..)| *op != Op::Add)
        .map(|&(_, text, _)| text)
        .collect();
    if old.is_empty() {
        // Pure insertion after line `old_start`: no context to place it by.
        let at = hunk.old_start;
        if at < cursor || at > lines.len() {
            return Err(format!(
                "hunk {n} inserts after line {at}, outside the file or before the previous hunk"
            ));
        }
        return Ok(at);
    }
    let matches_at = |at: usize| {
        old.iter()
            .zip(&lines[at..at + old.len()])
            .all(|(a, b)| *a == b.text)
    };
    let stated = hunk.old_start.saturating_sub(1);
    if stated >= cursor && stated + old.len() <= lines.len() && matches_at(stated) {
        return Ok(stated);
    }
    let last_start = lines.len().checked_sub(old.len());
    let found: Vec<usize> = last_start
        .map(|last| {
            (cursor..=last)
                .filter(|&at| matches_at(at))
                .take(2)
                .collect()
        })
        .unwrap_or_default();
    match found.as_slice() {
        [at] => Ok(*at),
        [] => Err(format!(
            "hunk {n}: its context and removed lines do not match the file at line {} (nor anywhere after the previous hunk)",
            hunk.old_start
        )),
        _ => Err(format!(
            "hunk {n} does not match at line {} and matches at more than one other place",
            hunk.old_start
        )),
    }
}

fn parse<'a>(diff: &'a str, path: &str) -> Result<Vec<Hunk<'a>>, String> {
    let mut rows = diff
        .split('\n')
        .map(|row| row.strip_suffix('\r').unwrap_or(row))
        .peekable();
    // Header: up to the first hunk.
    while let Some(&row) = rows.peek() {
        if row.starts_with("@@") {
            break;
        }
        rows.next();
        if row.trim().is_empty() {
            continue;
        }
        if !HEADER_PREFIXES.iter().any(|prefix| row.starts_with(prefix)) {
            return Err(
                "the diff has a line before its first hunk that is not a file header".into(),
            );
        }
        if let Some(name) = row
            .strip_prefix("--- ")
            .or_else(|| row.strip_prefix("+++ "))
        {
            let name = name.split('\t').next().unwrap_or(name).trim_end();
            let same = name == path
                || name.strip_prefix("a/") == Some(path)
                || name.strip_prefix("b/") == Some(path)
                || (name == "/dev/null" && row.starts_with("--- "));
            if !same {
                return Err("the diff's header names another file".into());
            }
        }
    }
    let mut hunks = Vec::new();
    while let Some(row) = rows.next() {
        if row.is_empty() && rows.clone().all(str::is_empty) {
            break;
        }
        if !row.starts_with("@@") {
            let why = if row.starts_with("--- ") || row.starts_with("diff ") {
                "the diff edits more than one file"
            } else {
                "the diff has a line outside its hunks"
            };
            return Err(format!("{why} (after hunk {})", hunks.len()));
        }
        let hunk = parse_hunk(row, &mut rows, hunks.len() + 1)?;
        hunks.push(hunk);
    }
    if hunks.is_empty() {
        return Err("the diff has no hunk".into());
    }
    Ok(hunks)
}

fn parse_hunk<'a>(
    header: &str,
    rows: &mut Peekable<impl Iterator<Item = &'a str>>,
    number: usize,
) -> Result<Hunk<'a>, String> {
    let caps = HUNK_HEADER
        .captures(header)
        .ok_or_else(|| format!("hunk {number} has a malformed header"))?;
    let count = |group: usize| -> Result<usize, String> {
        caps.get(group).map_or(Ok(1), |m| {
            m.as_str()
                .parse()
                .map_err(|_| format!("hunk {number}: a number in its header is too large"))
        })
    };
    let (old_start, old_count, new_count) = (count(1)?, count(2)?, count(4)?);
    if old_count == 0 && new_count == 0 {
        return Err(format!("hunk {number} is empty"));
    }
    let ends_early = || {
        format!(
            "hunk {number} ends before the {old_count} old and {new_count} new lines its header says"
        )
    };
    let (mut old_left, mut new_left) = (old_count, new_count);
    let mut lines: Vec<(Op, &str, bool)> = Vec::new();
    while old_left > 0 || new_left > 0 {
        let row = rows.next().ok_or_else(ends_early)?;
        if row.starts_with('\\') {
            mark_no_newline(&mut lines, number)?;
            continue;
        }
        let (op, text) = match row.chars().next() {
            Some(' ') => (Op::Context, &row[1..]),
            // The diff's own final newline, not a line of the hunk.
            None if rows.peek().is_none() => return Err(ends_early()),
            // An empty context line whose leading space was trimmed.
            None => (Op::Context, ""),
            Some('-') => (Op::Remove, &row[1..]),
            Some('+') => (Op::Add, &row[1..]),
            Some(_) => {
                return Err(format!(
                    "hunk {number} has a line that is not context, added or removed"
                ));
            }
        };
        let old_uses = usize::from(op != Op::Add);
        let new_uses = usize::from(op != Op::Remove);
        if old_uses > old_left || new_uses > new_left {
            return Err(format!(
                "hunk {number} has more lines than its header says ({old_count} old, {new_count} new)"
            ));
        }
        old_left -= old_uses;
        new_left -= new_uses;
        lines.push((op, text, false));
    }
    if rows.peek().is_some_and(|row| row.starts_with('\\')) {
        rows.next();
        mark_no_newline(&mut lines, number)?;
    }
    Ok(Hunk {
        number,
        old_start,
        lines,
    })
}

fn mark_no_newline(lines: &mut [(Op, &str, bool)], number: usize) -> Result<(), String> {
    let last = lines
        .last_mut()
        .ok_or_else(|| format!("hunk {number} starts with a no-newline marker"))?;
    last.2 = true;
    Ok(())
}
