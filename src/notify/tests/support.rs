//! Emulators on loopback and destinations pointing at them.

use std::sync::Arc;
use std::time::Duration;

use crate::http_client::HttpPolicy;
use crate::notify::Destination;
use crate::secret::Secret;
use triaged_sandbox::SandboxServer;
use triaged_sandbox::slack::SlackSandbox;
use triaged_sandbox::teams::TeamsSandbox;

/// Short timeouts and backoffs, enough tries for a few injected faults.
pub(crate) fn fast_policy() -> HttpPolicy {
    HttpPolicy {
        connect_timeout: Duration::from_secs(2),
        request_timeout: Duration::from_secs(5),
        max_attempts: 6,
        base_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
        max_retry_after: Duration::from_secs(5),
        concurrency: 2,
    }
}

pub(crate) fn slack_destination(name: &str, url: &str) -> Destination {
    Destination::Slack {
        name: name.to_owned(),
        webhook_url: Secret::from_value(url),
        http: fast_policy(),
    }
}

pub(crate) fn teams_destination(name: &str, url: &str) -> Destination {
    Destination::Teams {
        name: name.to_owned(),
        webhook_url: Secret::from_value(url),
        http: fast_policy(),
    }
}

pub(crate) async fn start_slack(seed: u64) -> (Arc<SlackSandbox>, SandboxServer, String) {
    let sandbox = SlackSandbox::new(seed);
    let server = SandboxServer::start(sandbox.router()).await.expect("bind");
    let url = sandbox.webhook_url(&server.url());
    (sandbox, server, url)
}

pub(crate) async fn start_teams(seed: u64) -> (Arc<TeamsSandbox>, SandboxServer, String) {
    let sandbox = TeamsSandbox::new(seed);
    let server = SandboxServer::start(sandbox.router()).await.expect("bind");
    let url = sandbox.webhook_url(&server.url());
    (sandbox, server, url)
}
