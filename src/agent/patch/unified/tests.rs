//! Tests of the unified-diff applier: clean applies, offsets, CRLF files, missing final
//! newlines, and every way a diff is refused.

use super::apply;

const FILE: &str = "fn main() {\n    let a = 1;\n    let b = 2;\n    println!(\"{}\", a + b);\n}\n";

fn ok(original: &str, diff: &str) -> String {
    apply(original, diff, "src/main.rs").unwrap_or_else(|why| panic!("{why}"))
}

fn refused(original: &str, diff: &str) -> String {
    apply(original, diff, "src/main.rs").expect_err("the diff should be refused")
}

#[test]
fn a_git_style_diff_applies() {
    let diff = "diff --git a/src/main.rs b/src/main.rs\nindex 1234567..89abcde 100644\n--- a/src/main.rs\n+++ b/src/main.rs\n@@ -1,5 +1,5 @@\n fn main() {\n     let a = 1;\n-    let b = 2;\n+    let b = 3;\n     println!(\"{}\", a + b);\n }\n";
    assert_eq!(ok(FILE, diff), FILE.replace("b = 2", "b = 3"));
}

#[test]
fn a_bare_hunk_without_headers_applies_and_blank_context_lines_may_lose_their_space() {
    let original = "a\n\nb\nc\n";
    let diff = "@@ -1,4 +1,4 @@\n a\n\n-b\n+B\n c\n";
    assert_eq!(ok(original, diff), "a\n\nB\nc\n");
}

#[test]
fn several_hunks_insertions_and_removals() {
    let original: String = (1..=20).map(|i| format!("line {i}\n")).collect();
    let diff = "--- src/main.rs\n+++ src/main.rs\n@@ -2,3 +2,4 @@\n line 2\n+inserted\n line 3\n line 4\n@@ -15,3 +16,2 @@\n line 15\n-line 16\n line 17\n";
    let out = ok(&original, diff);
    assert!(out.contains("line 2\ninserted\nline 3\n"));
    assert!(out.contains("line 15\nline 17\n"));
    assert_eq!(out.lines().count(), 20);
}

#[test]
fn a_wrong_line_number_is_corrected_only_when_the_match_is_unique() {
    let diff = "@@ -40,3 +40,3 @@\n     let a = 1;\n-    let b = 2;\n+    let b = 3;\n     println!(\"{}\", a + b);\n";
    assert_eq!(ok(FILE, diff), FILE.replace("b = 2", "b = 3"));
    let repeated = "x\ny\nx\ny\n";
    let why = refused(repeated, "@@ -9,2 +9,2 @@\n x\n-y\n+z\n");
    assert!(why.contains("more than one other place"), "{why}");
    // At the stated place the match is taken even if it also occurs elsewhere.
    assert_eq!(
        ok(repeated, "@@ -3,2 +3,2 @@\n x\n-y\n+z\n"),
        "x\ny\nx\nz\n"
    );
}

#[test]
fn a_context_mismatch_is_refused() {
    let diff =
        "@@ -1,3 +1,3 @@\n fn main() {\n-    let a = 100;\n+    let a = 2;\n     let b = 2;\n";
    let why = refused(FILE, diff);
    assert!(why.contains("do not match the file at line 1"), "{why}");
    // Trailing whitespace counts.
    let why = refused(
        FILE,
        "@@ -1,2 +1,2 @@\n fn main() { \n-    let a = 1;\n+    let a = 9;\n",
    );
    assert!(why.contains("do not match"), "{why}");
}

#[test]
fn crlf_files_stay_crlf_whatever_the_diffs_line_endings() {
    let original = "a\r\nb\r\nc\r\n";
    let expected = "a\r\nB\r\nnew\r\nc\r\n";
    assert_eq!(
        ok(original, "@@ -1,3 +1,4 @@\n a\n-b\n+B\n+new\n c\n"),
        expected
    );
    assert_eq!(
        ok(
            original,
            "@@ -1,3 +1,4 @@\r\n a\r\n-b\r\n+B\r\n+new\r\n c\r\n"
        ),
        expected
    );
}

#[test]
fn a_file_without_a_final_newline() {
    let original = "a\nb";
    // A context-only tail keeps the missing newline.
    assert_eq!(
        ok(original, "@@ -1,2 +1,3 @@\n+first\n a\n b\n"),
        "first\na\nb"
    );
    // git's form: the last line is replaced, the marker on the old side only.
    let diff = "@@ -1,2 +1,3 @@\n a\n-b\n\\ No newline at end of file\n+b\n+c\n";
    assert_eq!(ok(original, diff), "a\nb\nc\n");
    // The marker on the new side keeps the file without a final newline.
    let diff =
        "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+B\n\\ No newline at end of file\n";
    assert_eq!(ok(original, diff), "a\nB");
    // Appending after an unterminated last line without the marker still breaks the line.
    assert_eq!(ok(original, "@@ -2,1 +2,2 @@\n b\n+c\n"), "a\nb\nc\n");
}

#[test]
fn new_files_are_diffs_against_nothing() {
    let diff = "--- /dev/null\n+++ b/src/main.rs\n@@ -0,0 +1,2 @@\n+one\n+two\n";
    assert_eq!(ok("", diff), "one\ntwo\n");
}

#[test]
fn malformed_diffs_are_refused() {
    let cases = [
        ("", "no hunk"),
        ("just text\n", "not a file header"),
        (
            "--- a/src/other.rs\n+++ b/src/other.rs\n@@ -1 +1 @@\n-a\n+b\n",
            "names another file",
        ),
        ("@@ -1,2 +1,2 @@\n a\n", "ends before"),
        (
            "@@ -1,1 +1,2 @@\n-a\n-b\n+c\n",
            "more lines than its header",
        ),
        (
            "@@ -1 +1 @@\n-fn main() {\n+fn main() {}\n--- a/x\n+++ b/x\n",
            "more than one file",
        ),
        (
            "@@ -1 +1 @@\n-fn main() {\n+fn main() {}\ntrailing junk\n",
            "outside its hunks",
        ),
        ("@@ -1,1 +1,1 @\n-a\n+b\n", "malformed header"),
        ("@@ -1,0 +1,0 @@\n", "is empty"),
        ("@@ -1,1 +1,1 @@\n*a\n", "not context, added or removed"),
        ("@@ -99,0 +99,1 @@\n+x\n", "outside the file"),
        (
            "deleted file mode 100644\n@@ -1 +0,0 @@\n-a\n",
            "not a file header",
        ),
        ("Binary files a/x and b/x differ\n", "not a file header"),
        (
            "@@ -99999999999999999999999,1 +1,1 @@\n-a\n+b\n",
            "too large",
        ),
    ];
    for (diff, expected) in cases {
        let why = refused(FILE, diff);
        assert!(why.contains(expected), "{diff:?}: {why}");
    }
}

#[test]
fn hunks_out_of_order_are_refused() {
    let diff = "@@ -4,1 +4,1 @@\n-    println!(\"{}\", a + b);\n+    println!(\"{a}\");\n@@ -2,1 +2,1 @@\n-    let a = 1;\n+    let a = 2;\n";
    let why = refused(FILE, diff);
    assert!(why.contains("hunk 2"), "{why}");
}
