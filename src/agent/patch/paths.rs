//! The `path_allowed` check: which paths a patch may touch, and how a path the model
//! wrote is shown in a rejection.
//!
//! A path must be relative, `/`-separated and normalised (no empty, `.` or `..`
//! segment), made of ASCII letters, digits and `._-+@` only — which also refuses
//! look-alike letters from other scripts and hidden characters — and under one of the
//! allowed prefixes. Whatever the prefixes say, it may never be a CI or repository
//! governance file, a deploy or infrastructure file, a lock file, a file that usually
//! holds secrets, or under a configured denied prefix. Those matches ignore case: a
//! checkout on a case-insensitive file system reads `.GitHub/` as `.github/`.

use crate::redact::Redactor;

use super::PatchRules;

/// Longest path accepted, in bytes.
const MAX_PATH_LEN: usize = 255;

/// Directories, at any depth, that hold CI, workflow and repository governance files.
const CI_DIRS: [&str; 6] = [
    ".github",
    ".circleci",
    ".gitlab",
    ".buildkite",
    ".git",
    ".husky",
];

/// CI and governance files, by name.
const CI_FILES: [&str; 9] = [
    ".gitlab-ci.yml",
    "jenkinsfile",
    ".travis.yml",
    "azure-pipelines.yml",
    "bitbucket-pipelines.yml",
    ".gitmodules",
    ".gitattributes",
    "codeowners",
    ".pre-commit-config.yaml",
];

/// Directories, at any depth, that hold deploy and infrastructure files.
const DEPLOY_DIRS: [&str; 7] = [
    "deploy",
    "deployment",
    "deployments",
    "k8s",
    "kubernetes",
    "helm",
    "terraform",
];

/// Lock files, by name; also any `*.lock` and `*-lock.json` / `*-lock.yaml`.
const LOCK_FILES: [&str; 7] = [
    "go.sum",
    "bun.lockb",
    "npm-shrinkwrap.json",
    "packages.lock.json",
    "pnpm-lock.yaml",
    "package-lock.json",
    "gradle.lockfile",
];

/// Name prefixes of files that usually hold secrets.
const SECRET_PREFIXES: [&str; 7] = [
    ".env",
    "id_rsa",
    "id_dsa",
    "id_ecdsa",
    "id_ed25519",
    "credentials",
    "secrets",
];

/// Name suffixes of files that usually hold secrets.
const SECRET_SUFFIXES: [&str; 7] = [".pem", ".key", ".p12", ".pfx", ".jks", ".keystore", ".kdbx"];

/// Secret-holding files, by name.
const SECRET_FILES: [&str; 4] = [".npmrc", ".pypirc", ".netrc", ".htpasswd"];

/// Why `path` may not be touched, or `Ok`.
pub(super) fn check(path: &str, rules: &PatchRules) -> Result<(), String> {
    if path.is_empty() {
        return Err("the path is empty".into());
    }
    if path.len() > MAX_PATH_LEN {
        return Err(format!("the path is longer than {MAX_PATH_LEN} bytes"));
    }
    if path.starts_with('/') {
        return Err("an absolute path; paths are relative to the repository root".into());
    }
    if path.contains('\\') {
        return Err("a backslash; paths are `/`-separated".into());
    }
    if !path.chars().all(is_plain) {
        return Err("characters other than ASCII letters, digits and `._-+@/` \
             (look-alike letters and hidden characters are refused)"
            .into());
    }
    let segments: Vec<&str> = path.split('/').collect();
    if segments
        .iter()
        .any(|s| s.is_empty() || *s == "." || *s == "..")
    {
        return Err("not a normalised path (an empty, `.` or `..` segment)".into());
    }
    if let Some(why) = built_in_denial(&segments) {
        return Err(why);
    }
    let lower = path.to_ascii_lowercase();
    if let Some(prefix) = rules
        .denied_prefixes
        .iter()
        .find(|prefix| under(&lower, &prefix.to_ascii_lowercase()))
    {
        return Err(format!("under the denied prefix {prefix:?}"));
    }
    if !rules
        .allowed_prefixes
        .iter()
        .any(|prefix| under(path, prefix))
    {
        return Err(format!(
            "not under an allowed prefix ({})",
            rules.allowed_prefixes.join(", ")
        ));
    }
    Ok(())
}

fn is_plain(c: char) -> bool {
    c.is_ascii_alphanumeric() || "._-+@/".contains(c)
}

/// Why the built-in lists refuse a path with these (non-empty) segments.
fn built_in_denial(segments: &[&str]) -> Option<String> {
    let lower: Vec<String> = segments.iter().map(|s| s.to_ascii_lowercase()).collect();
    let (name, dirs) = lower.split_last()?;
    let name = name.as_str();
    if let Some(dir) = dirs.iter().find(|d| CI_DIRS.contains(&d.as_str())) {
        return Some(format!(
            "a CI or repository file (under {dir}/); never changed"
        ));
    }
    if CI_FILES.contains(&name) {
        return Some("a CI or repository file; never changed".into());
    }
    if let Some(dir) = dirs.iter().find(|d| DEPLOY_DIRS.contains(&d.as_str())) {
        return Some(format!("a deploy file (under {dir}/); never changed"));
    }
    let is_deploy_file = name.starts_with("dockerfile")
        || name.ends_with(".dockerfile")
        || name.starts_with("docker-compose")
        || name.starts_with("compose.y")
        || [".tf", ".tfvars", ".tfstate", ".hcl"]
            .iter()
            .any(|suffix| name.ends_with(suffix));
    if is_deploy_file {
        return Some("a deploy or infrastructure file; never changed".into());
    }
    let is_lock = LOCK_FILES.contains(&name)
        || name.ends_with(".lock")
        || name.ends_with("-lock.json")
        || name.ends_with("-lock.yaml");
    if is_lock {
        return Some("a lock file; never changed".into());
    }
    let is_secret = SECRET_FILES.contains(&name)
        || SECRET_PREFIXES
            .iter()
            .any(|prefix| name.starts_with(prefix))
        || SECRET_SUFFIXES.iter().any(|suffix| name.ends_with(suffix));
    if is_secret {
        return Some("a file that usually holds secrets; never changed".into());
    }
    None
}

/// Whether `path` is under `prefix`: `"src/"` matches what starts with it, `"src"`
/// the file `src` and what is under `src/`, `""` everything.
fn under(path: &str, prefix: &str) -> bool {
    if prefix.is_empty() || prefix.ends_with('/') {
        return path.starts_with(prefix);
    }
    path == prefix
        || path
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// `path` as a rejection may show it: as written when it is plain and short; otherwise
/// cut to 120 characters, non-ASCII and controls escaped (`\u{430}`), and redacted.
pub(super) fn shown(path: &str, redactor: &Redactor) -> String {
    if path.len() <= 120 && !path.is_empty() && path.chars().all(is_plain) {
        return redactor.redact(path).into_owned();
    }
    let escaped: String = path
        .chars()
        .take(120)
        .flat_map(char::escape_default)
        .collect();
    let cut = if path.chars().count() > 120 {
        "…"
    } else {
        ""
    };
    format!("\"{}{cut}\"", redactor.redact(&escaped))
}
