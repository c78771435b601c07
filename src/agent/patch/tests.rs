//! Tests of `check_patch`: each check passing and failing by name (what a patch adds,
//! and the tool's input type and schema, in the submodules).

use std::collections::BTreeMap;

use super::checks::*;
use super::*;

pub(super) const APP: &str =
    "def handler(event):\n    user = event[\"user\"]\n    return user.name\n";

pub(super) fn proposal(files: Vec<ProposedFile>) -> Proposal {
    Proposal {
        summary: "Return None when the event has no user.".into(),
        root_cause: "KeyError at src/app.py line 2: events from the cron have no user.".into(),
        confidence: 0.7,
        files,
        test_plan: "Unit test with an event without a user.".into(),
        risk: "Low: callers already handle None.".into(),
    }
}

pub(super) fn contents(path: &str, text: &str) -> ProposedFile {
    ProposedFile {
        path: path.into(),
        new_contents: Some(text.into()),
        diff: None,
    }
}

pub(super) fn diff(path: &str, diff: &str) -> ProposedFile {
    ProposedFile {
        path: path.into(),
        new_contents: None,
        diff: Some(diff.into()),
    }
}

pub(super) fn shown(files: &[(&str, &str)]) -> BTreeMap<String, String> {
    files
        .iter()
        .map(|&(p, t)| (p.to_owned(), t.to_owned()))
        .collect()
}

pub(super) fn app() -> BTreeMap<String, String> {
    shown(&[("src/app.py", APP)])
}

/// `APP` with one line added after line 2.
pub(super) fn adding(line: &str) -> ProposedFile {
    contents(
        "src/app.py",
        &APP.replace("\"]\n", &format!("\"]\n{line}\n")),
    )
}

pub(super) fn rejection(
    proposal: &Proposal,
    originals: &BTreeMap<String, String>,
    rules: &PatchRules,
) -> PatchRejection {
    check_patch(proposal, originals, rules).expect_err("the proposal should be rejected")
}

const FIX_DIFF: &str = "--- a/src/app.py\n+++ b/src/app.py\n@@ -1,3 +1,5 @@\n def handler(event):\n-    user = event[\"user\"]\n+    user = event.get(\"user\")\n+    if user is None:\n+        return None\n     return user.name\n";

#[test]
fn a_good_patch_passes_every_check_in_order() {
    let originals = shown(&[("src/app.py", APP), ("lib/util.py", "X = 1\n")]);
    let p = proposal(vec![
        diff("src/app.py", FIX_DIFF),
        contents("lib/util.py", "X = 2\n"),
    ]);
    let checked = check_patch(&p, &originals, &PatchRules::default()).unwrap();
    assert_eq!(
        checked.checks,
        [
            PROPOSAL,
            FILE_COUNT,
            PATH_ALLOWED,
            FILE_WAS_SHOWN,
            ONE_CHANGE_PER_FILE,
            DIFF_APPLIES,
            CHANGES_SOMETHING,
            NO_HIDDEN_CHARACTERS,
            NO_ADDED_SECRETS,
            CHANGED_LINES
        ]
    );
    assert_eq!(checked.files[0].0, "src/app.py");
    assert!(
        checked.files[0]
            .1
            .contains("if user is None:\n        return None\n    return user.name\n")
    );
    assert_eq!(
        checked.files[1],
        ("lib/util.py".to_owned(), "X = 2\n".to_owned())
    );
    // 1 removed + 3 added, and 1 removed + 1 added.
    assert_eq!(checked.changed_lines, 6);
}

/// A change that spoils a good proposal.
type Spoil = Box<dyn Fn(&mut Proposal)>;

#[test]
fn the_proposal_check_refuses_bad_prose_and_confidence() {
    let file = || vec![diff("src/app.py", FIX_DIFF)];
    let aws = ["AKIA", "IOSFODNN7EXAMPLE"].concat();
    let cases: Vec<(Spoil, &str)> = vec![
        (Box::new(|p| p.summary = "  ".into()), "summary is empty"),
        (
            Box::new(|p| p.risk = "x".repeat(20_001)),
            "risk is too long",
        ),
        (Box::new(|p| p.root_cause = "a\u{202E}b".into()), "hidden"),
        (
            Box::new(|p| p.summary = "see ![x](https://evil.example/?q=1)".into()),
            "image",
        ),
        (
            Box::new(|p| p.test_plan = "<IMG src=https://evil.example/>".into()),
            "image",
        ),
        (
            Box::new(move |p| p.risk = format!("uses key {aws}")),
            "secret",
        ),
        (Box::new(|p| p.confidence = 1.5), "confidence"),
        (Box::new(|p| p.confidence = -0.1), "confidence"),
        (Box::new(|p| p.confidence = f64::NAN), "confidence"),
    ];
    for (spoil, expected) in cases {
        let mut p = proposal(file());
        spoil(&mut p);
        let rejected = rejection(&p, &app(), &PatchRules::default());
        assert_eq!(rejected.check, PROPOSAL);
        assert!(rejected.reason.contains(expected), "{}", rejected.reason);
    }
    let mut crlf = proposal(file());
    crlf.test_plan = "one\r\ntwo".into();
    assert!(check_patch(&crlf, &app(), &PatchRules::default()).is_ok());
}

#[test]
fn the_file_count_check_wants_one_to_max_files_each_once() {
    let rules = PatchRules::default();
    assert_eq!(
        rejection(&proposal(vec![]), &app(), &rules).check,
        FILE_COUNT
    );
    let six: Vec<_> = (0..6)
        .map(|i| contents(&format!("src/f{i}.py"), "x\n"))
        .collect();
    let too_many = rejection(&proposal(six), &app(), &rules);
    assert_eq!(
        (too_many.check, too_many.reason.as_str()),
        (FILE_COUNT, "6 files; 1 to 5 allowed")
    );
    let twice = proposal(vec![
        diff("src/app.py", FIX_DIFF),
        contents("src/app.py", "x\n"),
    ]);
    let twice = rejection(&twice, &app(), &rules);
    assert_eq!(
        (twice.check, twice.reason.as_str()),
        (FILE_COUNT, "src/app.py is named twice")
    );
}

#[test]
fn the_file_was_shown_check_and_new_files() {
    let p = proposal(vec![contents("src/new.py", "def f():\n    pass\n")]);
    let rejected = rejection(&p, &app(), &PatchRules::default());
    assert_eq!(rejected.check, FILE_WAS_SHOWN);
    assert!(
        rejected
            .reason
            .starts_with("src/new.py was not among the files shown")
    );
    let rules = PatchRules {
        allow_new_files: true,
        ..PatchRules::default()
    };
    let checked = check_patch(&p, &app(), &rules).unwrap();
    assert_eq!(checked.changed_lines, 2);
    // New files still obey the path rules.
    let outside = proposal(vec![contents("tools/new.py", "x\n")]);
    assert_eq!(rejection(&outside, &app(), &rules).check, PATH_ALLOWED);
}

#[test]
fn the_one_change_per_file_check() {
    let mut both = diff("src/app.py", FIX_DIFF);
    both.new_contents = Some("x\n".into());
    let neither = ProposedFile {
        path: "src/app.py".into(),
        new_contents: None,
        diff: None,
    };
    for file in [both, neither] {
        let rejected = rejection(&proposal(vec![file]), &app(), &PatchRules::default());
        assert_eq!(rejected.check, ONE_CHANGE_PER_FILE);
        assert_eq!(
            rejected.reason,
            "src/app.py needs exactly one of new_contents and diff"
        );
    }
}

#[test]
fn the_diff_applies_check() {
    let stale = FIX_DIFF.replace("def handler(event):", "def handler(evt):");
    let rejected = rejection(
        &proposal(vec![diff("src/app.py", &stale)]),
        &app(),
        &PatchRules::default(),
    );
    assert_eq!(rejected.check, DIFF_APPLIES);
    assert!(
        rejected.reason.starts_with("src/app.py: hunk 1"),
        "{}",
        rejected.reason
    );
}

#[test]
fn the_changes_something_check() {
    let same = proposal(vec![contents("src/app.py", APP)]);
    assert_eq!(
        rejection(&same, &app(), &PatchRules::default()).check,
        CHANGES_SOMETHING
    );
    let round_trip = "@@ -3 +3 @@\n-    return user.name\n+    return user.name\n";
    let round_trip = proposal(vec![diff("src/app.py", round_trip)]);
    let rejected = rejection(&round_trip, &app(), &PatchRules::default());
    assert_eq!(
        (rejected.check, rejected.reason.as_str()),
        (CHANGES_SOMETHING, "src/app.py comes out as it was")
    );
}

mod added_lines;
mod types;
