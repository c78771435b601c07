//! Lines longer than the reader's limit: skipped, counted once, never blocking the cursor.

use std::io::Write;
use std::path::Path;

use super::*;

/// Lines of at most 8 bytes; 1 KiB per run.
const SMALL: Limits = Limits {
    line_bytes: 8,
    run_bytes: 1024,
};

fn texts(batch: &FileBatch) -> Vec<&str> {
    batch.lines.iter().map(|(_, l)| l.as_str()).collect()
}

fn append(path: &Path, bytes: &[u8]) {
    let mut f = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    f.write_all(bytes).unwrap();
}

#[test]
fn a_line_over_the_limit_is_skipped_counted_and_the_lines_after_it_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.log");
    let log = format!(
        "one\n{}\ntwo\n12345678\r\nabcdefgh\n123456789\nabcdefgh\r\r\nlast\n",
        "x".repeat(20)
    );
    std::fs::write(&path, &log).unwrap();
    let batch = read_new_lines_with(&path, None, SMALL).unwrap();
    assert_eq!(
        texts(&batch),
        ["one", "two", "12345678", "abcdefgh", "last"]
    );
    assert_eq!(
        batch.too_long, 3,
        "20 bytes, 9 bytes, and 9 bytes before `\\r\\n`"
    );
    assert_eq!(batch.lines[1].0, 25, "offset of `two`");
    assert_eq!(batch.lines[4].0, log.len() as u64 - 5, "offset of `last`");
    let cursor = batch.cursor.unwrap();
    assert_eq!(
        (cursor.offset, cursor.skip_to_newline),
        (log.len() as u64, false)
    );
    assert_eq!(batch.invalid_utf8, 0);
}

#[test]
fn a_line_longer_than_the_whole_read_window_does_not_stall_the_cursor() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.log");
    // 2 + 40 + 1 + 6 bytes; the 40-byte line spans three 16-byte windows.
    std::fs::write(&path, format!("a\n{}\nafter\n", "x".repeat(40))).unwrap();
    let limits = Limits {
        line_bytes: 8,
        run_bytes: 16,
    };
    let first = read_new_lines_with(&path, None, limits).unwrap();
    assert_eq!(texts(&first), ["a"]);
    assert_eq!(first.too_long, 1);
    let cursor = first.cursor.unwrap();
    assert_eq!((cursor.offset, cursor.skip_to_newline), (16, true));

    let (mut lines, mut too_long, mut offsets) = (Vec::new(), first.too_long, vec![16]);
    let mut cursor = first.cursor;
    for _ in 0..10 {
        let batch = read_new_lines_with(&path, cursor, limits).unwrap();
        lines.extend(batch.lines);
        too_long += batch.too_long;
        cursor = batch.cursor;
        offsets.push(cursor.unwrap().offset);
    }
    assert_eq!(lines, [(43, "after".to_owned())]);
    assert_eq!(
        too_long, 1,
        "one line, counted once across the runs it spans"
    );
    assert_eq!(&offsets[..5], [16, 32, 43, 49, 49]);
    assert!(!cursor.unwrap().skip_to_newline);
}

#[test]
fn a_long_line_still_being_written_is_not_read_as_a_new_line_once_complete() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.log");
    std::fs::write(&path, format!("ok\n{}", "x".repeat(12))).unwrap();
    let first = read_new_lines_with(&path, None, SMALL).unwrap();
    assert_eq!((texts(&first), first.too_long), (vec!["ok"], 1));
    let cursor = first.cursor.unwrap();
    assert_eq!((cursor.offset, cursor.skip_to_newline), (15, true));

    // Nothing new yet: still inside the long line, not counted again.
    let idle = read_new_lines_with(&path, first.cursor, SMALL).unwrap();
    assert_eq!((idle.lines.len(), idle.too_long), (0, 0));
    assert_eq!(idle.cursor, first.cursor);

    append(&path, b"tail\nnext\npart");
    let second = read_new_lines_with(&path, idle.cursor, SMALL).unwrap();
    assert_eq!(
        texts(&second),
        ["next"],
        "`tail` is the end of the long line"
    );
    assert_eq!(second.lines[0].0, 20);
    assert_eq!(second.too_long, 0);
    let cursor = second.cursor.unwrap();
    assert_eq!((cursor.offset, cursor.skip_to_newline), (25, false));

    append(&path, b"ial\n");
    let third = read_new_lines_with(&path, second.cursor, SMALL).unwrap();
    assert_eq!(texts(&third), ["partial"]);
}

#[test]
fn a_rotated_file_is_read_from_its_start_even_when_the_old_one_ended_in_a_long_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.log");
    std::fs::write(&path, "x".repeat(30)).unwrap();
    let first = read_new_lines_with(&path, None, SMALL).unwrap();
    assert!(first.cursor.unwrap().skip_to_newline);
    std::fs::remove_file(&path).unwrap();
    std::fs::write(&path, "fresh\n").unwrap();
    let second = read_new_lines_with(&path, first.cursor, SMALL).unwrap();
    assert_eq!(texts(&second), ["fresh"]);
}

#[test]
fn old_cursor_json_without_the_new_field_still_parses() {
    let old: FileCursor = serde_json::from_str(r#"{"inode":7,"offset":42}"#).unwrap();
    let expected = FileCursor {
        inode: 7,
        offset: 42,
        skip_to_newline: false,
    };
    assert_eq!(old, expected);
    assert_eq!(
        serde_json::to_string(&old).unwrap(),
        r#"{"inode":7,"offset":42}"#
    );
    let skipping = FileCursor {
        skip_to_newline: true,
        ..old
    };
    let json = serde_json::to_string(&skipping).unwrap();
    assert_eq!(json, r#"{"inode":7,"offset":42,"skip_to_newline":true}"#);
    assert_eq!(serde_json::from_str::<FileCursor>(&json).unwrap(), skipping);
}

#[test]
fn a_pipe_with_a_long_line_skips_and_counts_it_within_the_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .unwrap();
    assert!(made.success());
    let writer_path = path.clone();
    let writer = std::thread::spawn(move || {
        let mut pipe = std::fs::OpenOptions::new()
            .write(true)
            .open(writer_path)
            .unwrap();
        let long = "y".repeat(3000);
        write!(pipe, "a\n{long}\nb\n{long}").unwrap();
    });
    let limits = Limits {
        line_bytes: 8,
        run_bytes: 64 * 1024,
    };
    let batch = read_new_lines_with(&path, None, limits).unwrap();
    writer.join().unwrap();
    assert_eq!(texts(&batch), ["a", "b"]);
    assert_eq!(
        batch.too_long, 2,
        "the complete long line and the unfinished one"
    );
    assert_eq!(batch.cursor, None);
}

#[test]
fn the_default_limit_keeps_a_line_of_max_file_line_bytes_and_skips_a_longer_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.log");
    let kept = "k".repeat(MAX_FILE_LINE_BYTES);
    let skipped = "s".repeat(MAX_FILE_LINE_BYTES + 1);
    std::fs::write(&path, format!("first\n{skipped}\n{kept}\r\nlast\n")).unwrap();
    let batch = read_new_lines(&path, None).unwrap();
    assert_eq!(texts(&batch), ["first", kept.as_str(), "last"]);
    assert_eq!(batch.too_long, 1);
}
