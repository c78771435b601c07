//! Shared set-up of the GitHub integration tests: a seeded emulator on loopback and the
//! client pointed at it.

mod contract;

use std::sync::Arc;
use std::time::Duration;

use triaged::forge::RepoName;
use triaged::forge::github::{GitHub, GitHubConfig};
use triaged::http_client::HttpPolicy;
use triaged_sandbox::SandboxServer;
use triaged_sandbox::github::GitHubSandbox;

pub const TOKEN: &str = "ghp_FAKEintegrationintegrationintegration00";
pub const REPO: &str = "acme/shop";

pub struct Rig {
    pub sandbox: Arc<GitHubSandbox>,
    pub server: SandboxServer,
    pub github: GitHub,
    pub repo: RepoName,
}

/// Short timeouts and backoffs: loopback answers in microseconds.
pub fn fast_policy() -> HttpPolicy {
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

pub async fn rig(seed: u64) -> Rig {
    let sandbox = GitHubSandbox::new(seed, TOKEN);
    sandbox.add_repo(REPO, "main");
    sandbox.put_file(
        REPO,
        "main",
        "app/cart.py",
        "def add(cart, sku):\n    return cart[sku]\n",
    );
    sandbox.put_file(REPO, "main", "app/util/money.py", "CENTS = 100\n");
    let server = SandboxServer::start(sandbox.router())
        .await
        .expect("bind loopback");
    let config = GitHubConfig {
        base_url: server.url(),
        http: fast_policy(),
        ..GitHubConfig::default()
    };
    let github = GitHub::new(&config, TOKEN).expect("client");
    Rig {
        sandbox,
        server,
        github,
        repo: RepoName::parse(REPO).expect("repo"),
    }
}
