//! The GitHub client against the emulator: reading files at the default branch, and
//! writes repeated to show they happen once (branch, commit). `pulls`: draft pull
//! requests, their state after a reviewer merges, comparisons; `errors`: refusals, rate
//! limits, the token; `reruns`: lost answers and branches moved by someone else.

mod errors;
mod pulls;
mod reruns;

use std::sync::Arc;
use std::time::Duration;

use super::*;
use crate::forge::{ComparisonStatus, PullState};
use crate::http_client::HttpPolicy;
use triaged_sandbox::SandboxServer;
use triaged_sandbox::github::{GitHubSandbox, RouteKind};

/// Shaped like a real token, so a leak would also be caught by the redactor's rule.
const TOKEN: &str = "ghp_FAKEa1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8";
const REPO: &str = "acme/shop";
const CART: &str = "def add(cart, sku):\n    return cart[sku]\n";
const FIXED: &str = "def add(cart, sku):\n    return cart.get(sku)\n";

struct Fixture {
    sandbox: Arc<GitHubSandbox>,
    _server: SandboxServer,
    github: GitHub,
    repo: RepoName,
    url: String,
}

fn fast_policy() -> HttpPolicy {
    HttpPolicy {
        connect_timeout: Duration::from_secs(2),
        request_timeout: Duration::from_secs(2),
        max_attempts: 3,
        base_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
        max_retry_after: Duration::from_secs(3),
        concurrency: 4,
    }
}

async fn fixture() -> Fixture {
    let sandbox = GitHubSandbox::new(7, TOKEN);
    sandbox.add_repo(REPO, "main");
    sandbox
        .put_file(REPO, "main", "app/cart.py", CART)
        .expect("seeded");
    let server = SandboxServer::start(sandbox.router())
        .await
        .expect("bind loopback");
    let url = server.url();
    let github = client(&url, TOKEN);
    Fixture {
        sandbox,
        _server: server,
        github,
        repo: RepoName::parse(REPO).expect("repo"),
        url,
    }
}

fn client(url: &str, token: &str) -> GitHub {
    let config = GitHubConfig {
        base_url: url.to_owned(),
        http: fast_policy(),
        ..GitHubConfig::default()
    };
    GitHub::new(&config, token).expect("client")
}

fn change(path: &str, content: &str, base_sha: Option<&str>) -> FileChange {
    FileChange {
        path: path.to_owned(),
        content: content.to_owned(),
        base_sha: base_sha.map(str::to_owned),
    }
}

fn new_pull(head: &str) -> NewPull {
    NewPull {
        title: "Fix KeyError in cart.add".into(),
        body: "Fixes ENG-12.\n\nProvenance: run 42".into(),
        head: head.into(),
        base: "main".into(),
        labels: vec!["triaged".into(), "bug".into()],
    }
}

/// A branch with the cart fix committed; returns the commit.
async fn fixed_branch(f: &Fixture, branch: &str) -> String {
    let main = f.github.default_branch(&f.repo).await.expect("main");
    f.github
        .ensure_branch(&f.repo, branch, &main.sha)
        .await
        .expect("branch");
    let current = f
        .github
        .file(&f.repo, "app/cart.py", &main.name)
        .await
        .expect("read")
        .expect("exists");
    let files = [change("app/cart.py", FIXED, Some(&current.sha))];
    f.github
        .commit_files(&f.repo, branch, "Fix KeyError in cart.add", &files)
        .await
        .expect("commit")
}

fn count(sandbox: &GitHubSandbox, kind: RouteKind) -> usize {
    sandbox
        .requests()
        .iter()
        .filter(|r| r.kind == Some(kind))
        .count()
}

#[tokio::test]
async fn reads_files_at_the_default_branch() {
    let f = fixture().await;
    let main = f.github.default_branch(&f.repo).await.expect("main");
    assert_eq!(main.name, "main");
    assert_eq!(Some(&main.sha), f.sandbox.branches(REPO).get("main"));
    let file = f
        .github
        .file(&f.repo, "app/cart.py", &main.name)
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(
        (file.path.as_str(), file.content.as_str()),
        ("app/cart.py", CART)
    );
    assert_eq!(file.sha.len(), 40);
    let missing = f.github.file(&f.repo, "app/none.py", "main").await;
    assert!(matches!(missing, Ok(None)), "{missing:?}");
    let odd = "docs/read me #1 (ü).md";
    f.sandbox.put_file(REPO, "main", odd, "spaces\n");
    let read = f.github.file(&f.repo, odd, "main").await.expect("read");
    assert_eq!(read.map(|r| r.content), Some("spaces\n".to_owned()));
}

#[tokio::test]
async fn files_that_are_not_utf8_text_or_too_large_are_named() {
    let f = fixture().await;
    f.sandbox
        .put_file(REPO, "main", "logo.png", [0x89, b'P', 0xff, 0xfe]);
    f.sandbox
        .put_file(REPO, "main", "big.txt", "x".repeat(1024 * 1024 + 1));
    let binary = f.github.file(&f.repo, "logo.png", "main").await;
    assert!(
        matches!(binary, Err(ForgeError::NotUtf8 { .. })),
        "{binary:?}"
    );
    let big = f.github.file(&f.repo, "big.txt", "main").await;
    assert!(
        matches!(
            big,
            Err(ForgeError::FileTooLarge {
                size: 1_048_577,
                ..
            })
        ),
        "{big:?}"
    );
    let dir = f.github.file(&f.repo, "app", "main").await;
    assert!(matches!(dir, Err(ForgeError::NotAFile { .. })), "{dir:?}");
    let bad = f.github.file(&f.repo, "../etc/passwd", "main").await;
    assert!(matches!(bad, Err(ForgeError::Config(_))), "{bad:?}");
}

#[tokio::test]
async fn ensure_branch_twice_makes_one_branch_and_never_moves_it() {
    let f = fixture().await;
    let main = f.github.default_branch(&f.repo).await.expect("main");
    let branch = "triaged/fix-3f2a9c";
    let first = f
        .github
        .ensure_branch(&f.repo, branch, &main.sha)
        .await
        .expect("created");
    assert!(first.created);
    assert_eq!(first.sha, main.sha);
    let moved_main = f
        .sandbox
        .put_file(REPO, "main", "README.md", "hi")
        .expect("pushed");
    let again = f
        .github
        .ensure_branch(&f.repo, branch, &moved_main)
        .await
        .expect("reused");
    assert!(!again.created);
    assert_eq!(again.sha, main.sha, "an existing branch is not moved");
    assert_eq!(f.sandbox.branches(REPO).len(), 2);
    assert_eq!(count(&f.sandbox, RouteKind::CreateRef), 1);
}

#[tokio::test]
async fn commit_twice_makes_one_commit() {
    let f = fixture().await;
    let branch = "triaged/fix-3f2a9c";
    let commit = fixed_branch(&f, branch).await;
    assert_eq!(f.sandbox.branches(REPO).get(branch), Some(&commit));
    assert_eq!(
        f.sandbox.file_at(REPO, branch, "app/cart.py").as_deref(),
        Some(FIXED)
    );
    assert_eq!(
        f.sandbox.file_at(REPO, "main", "app/cart.py").as_deref(),
        Some(CART)
    );
    let history = f.sandbox.history_len(REPO, branch);
    let again = fixed_branch(&f, branch).await;
    assert_eq!(
        again, commit,
        "nothing left to change: the head is returned"
    );
    assert_eq!(f.sandbox.history_len(REPO, branch), history);
    assert_eq!(count(&f.sandbox, RouteKind::CreateCommit), 1);
    assert_eq!(count(&f.sandbox, RouteKind::UpdateRef), 1);

    let files = [
        change("app/cart.py", FIXED, None),
        change("tests/test_cart.py", "def test_add(): ...\n", None),
    ];
    let with_test = f
        .github
        .commit_files(&f.repo, branch, "Add a regression test", &files)
        .await
        .expect("a new file");
    assert_ne!(with_test, commit);
    assert_eq!(f.sandbox.history_len(REPO, branch), history + 1);
    assert!(
        f.sandbox
            .file_at(REPO, branch, "tests/test_cart.py")
            .is_some()
    );
}

impl GitHub {
    /// The default branch's head (test shorthand).
    async fn main_sha(&self, f: &Fixture) -> String {
        self.default_branch(&f.repo).await.expect("main").sha
    }
}
