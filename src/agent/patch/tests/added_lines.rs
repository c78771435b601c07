//! Checks on what a patch adds: hidden characters, secrets (and their look-alikes),
//! and the changed-line count.

use super::*;

#[test]
fn the_no_hidden_characters_check_looks_at_added_lines_only() {
    let trojan = proposal(vec![adding(
        "    if user.role != \"admin\u{202E} \u{2066}// check\u{2069}\u{2066}\":",
    )]);
    let rejected = rejection(&trojan, &app(), &PatchRules::default());
    assert_eq!(rejected.check, NO_HIDDEN_CHARACTERS);
    assert_eq!(
        rejected.reason,
        "src/app.py line 3: adds a hidden or control character U+202E"
    );
    let with_bom = format!("\u{FEFF}{APP}");
    let originals = shown(&[("src/app.py", &with_bom)]);
    let p = proposal(vec![contents(
        "src/app.py",
        &with_bom.replace("user.name", "user.display_name"),
    )]);
    assert!(check_patch(&p, &originals, &PatchRules::default()).is_ok());
}

#[test]
fn added_secrets_are_rejected_naming_file_and_line_but_not_the_secret() {
    let secrets = [
        (
            ["    key = \"", "AKIA", "IOSFODNN7EXAMPLE", "\""].concat(),
            "aws_access_key",
        ),
        (
            [
                "    token = \"",
                "ghp_",
                "R8fakeTOKENaaaaBBBBccccDDDDeeee0123",
                "\"",
            ]
            .concat(),
            "github_token",
        ),
        (
            ["    KEY = '''", "-----BEGIN RSA ", "PRIVATE KEY-----"].concat(),
            "private_key",
        ),
        (
            ["    url = \"postgres://app:", "hunter2x", "@db/app\""].concat(),
            "password",
        ),
    ];
    for (line, kind) in secrets {
        let rejected = rejection(
            &proposal(vec![adding(&line)]),
            &app(),
            &PatchRules::default(),
        );
        assert_eq!(rejected.check, NO_ADDED_SECRETS, "{line}");
        assert_eq!(
            rejected.reason,
            format!("src/app.py line 3: adds what looks like a secret ({kind})")
        );
        assert!(!rejected.to_string().contains(&line[12..]));
    }
}

#[test]
fn secret_look_alikes_in_added_lines_pass() {
    let look_alikes = [
        "    if key.startswith(\"AKIA\"): raise ValueError(\"use a role, not a key\")",
        "    example = \"AKIAEXAMPLE\"",
        "    prefix = \"ghp_\"",
        "    PEM = \"-----BEGIN PUBLIC KEY-----\"",
        "    token = get_token(event)",
        "    password = config.password",
        "    # questions: ops@example.com",
        "    sig = sign(payload, sig=signature)",
    ];
    for line in look_alikes {
        let result = check_patch(
            &proposal(vec![adding(line)]),
            &app(),
            &PatchRules::default(),
        );
        assert!(result.is_ok(), "{line}: {:?}", result.err());
    }
}

#[test]
fn the_changed_lines_check_counts_added_and_removed_lines() {
    let lines = |n: usize| {
        (0..n)
            .map(|i| format!("    x{i} = {i}\n"))
            .collect::<String>()
    };
    let at_limit = APP.replace("    return user.name\n", &lines(79));
    let checked = check_patch(
        &proposal(vec![contents("src/app.py", &at_limit)]),
        &app(),
        &PatchRules::default(),
    )
    .unwrap();
    assert_eq!(checked.changed_lines, 80);
    let over = APP.replace("    return user.name\n", &lines(80));
    let rejected = rejection(
        &proposal(vec![contents("src/app.py", &over)]),
        &app(),
        &PatchRules::default(),
    );
    assert_eq!(
        (rejected.check, rejected.reason.as_str()),
        (CHANGED_LINES, "81 lines changed; at most 80")
    );
}
