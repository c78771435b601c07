//! `LinearTracker` against the Linear emulator on 127.0.0.1: resolving the team, creating
//! tickets idempotently, finding, listing, updating and commenting. Setup (config,
//! `prepare`, the API key) is in `tests/setup.rs`, fault handling in `tests/faults.rs`.

mod faults;
mod setup;

use std::sync::Arc;
use std::time::Duration;

use super::*;
use crate::domain::ticket::{TicketLink, TicketPhase};
use crate::http_client::HttpPolicy;
use triaged_sandbox::SandboxServer;
use triaged_sandbox::linear::schema;
use triaged_sandbox::linear::{IssueSeed, LinearSandbox, SANDBOX_API_KEY};

struct Fixture {
    sandbox: Arc<LinearSandbox>,
    _server: SandboxServer,
    tracker: LinearTracker,
    config: LinearConfig,
}

fn fast_policy() -> HttpPolicy {
    HttpPolicy {
        connect_timeout: Duration::from_secs(2),
        request_timeout: Duration::from_secs(5),
        max_attempts: 4,
        base_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(40),
        max_retry_after: Duration::from_secs(5),
        concurrency: 4,
    }
}

/// Teams ENG and OPS, the workspace label `triaged`, the ENG label `severity:high`.
async fn fixture_with(change: impl FnOnce(&mut LinearConfig)) -> Fixture {
    let sandbox = LinearSandbox::new(schema(), 11);
    sandbox.add_team("ENG", "Engineering");
    sandbox.add_team("OPS", "Operations");
    sandbox.add_workspace_label("triaged");
    sandbox.add_label("ENG", "severity:high").expect("team");
    let server = SandboxServer::start(sandbox.router())
        .await
        .expect("server");
    let mut config = LinearConfig {
        base_url: format!("{}/graphql", server.url()),
        team: "ENG".into(),
        labels: vec!["triaged".into()],
        http: fast_policy(),
        ..LinearConfig::default()
    };
    change(&mut config);
    let tracker = LinearTracker::new(&config, SANDBOX_API_KEY).expect("tracker");
    Fixture {
        sandbox,
        _server: server,
        tracker,
        config,
    }
}

async fn fixture() -> Fixture {
    fixture_with(|_| {}).await
}

fn new_ticket(n: u32) -> NewTicket {
    NewTicket {
        id: format!("5f0c1e3a-0000-4000-8000-{n:012}"),
        title: format!("KeyError: 'cart' in checkout ({n})"),
        description: format!("Seen 42 times.\n\ntriaged-fingerprint: fp{n}"),
        priority: 2,
        labels: Vec::new(),
        link: TicketLink {
            url: format!("https://triaged.example/clusters/fp{n}"),
            title: "triaged cluster".into(),
            subtitle: Some("42 events".into()),
        },
    }
}

#[tokio::test]
async fn create_makes_the_ticket_with_its_link() {
    let fixture = fixture().await;
    let mut new = new_ticket(1);
    new.labels = vec!["severity:high".into()];
    let ticket = fixture.tracker.create(&new).await.expect("create");
    assert_eq!(ticket.key, "ENG-1");
    assert_eq!(ticket.id, new.id);
    assert_eq!(ticket.phase, TicketPhase::Open);
    assert_eq!(ticket.state_name, "Backlog", "the team's default state");
    assert!(ticket.has_label("triaged") && ticket.has_label("severity:high"));
    assert!(ticket.url.contains("/issue/ENG-1/"));
    let issue = fixture.sandbox.issue("ENG-1").expect("in Linear");
    assert!(issue.created_by_api);
    assert_eq!(issue.priority, 2);
    assert_eq!(issue.description.as_deref(), Some(new.description.as_str()));
    assert_eq!(issue.attachments.len(), 1);
    assert_eq!(issue.attachments[0].url, new.link.url);
    assert_eq!(issue.attachments[0].subtitle.as_deref(), Some("42 events"));
}

#[tokio::test]
async fn create_uses_the_configured_state_and_cuts_long_titles() {
    let fixture = fixture_with(|c| c.create_state = Some("Triage".into())).await;
    let mut new = new_ticket(2);
    new.title = "ValueError: ".to_owned() + &"é".repeat(300);
    let ticket = fixture.tracker.create(&new).await.expect("create");
    assert_eq!(ticket.state_name, "Triage");
    assert_eq!(ticket.title.chars().count(), 255);
    assert!(ticket.title.ends_with('…'));
}

#[tokio::test]
async fn creating_the_same_id_again_returns_the_one_ticket() {
    let fixture = fixture().await;
    let new = new_ticket(3);
    let first = fixture.tracker.create(&new).await.expect("create");
    let again = fixture.tracker.create(&new).await.expect("create again");
    assert_eq!(again, first);
    assert_eq!(fixture.sandbox.issues().len(), 1);
    assert_eq!(fixture.sandbox.count_requests("issueCreate"), 1);
    assert_eq!(fixture.sandbox.issue("ENG-1").unwrap().attachments.len(), 1);
}

#[tokio::test]
async fn finds_tickets_by_id_link_and_text() {
    let fixture = fixture().await;
    let created = fixture
        .tracker
        .create(&new_ticket(4))
        .await
        .expect("create");
    let by_id = fixture.tracker.ticket(&created.id).await.expect("ticket");
    assert_eq!(by_id.as_ref(), Some(&created));
    let unknown = "5f0c1e3a-0000-4000-8000-999999999999";
    assert_eq!(fixture.tracker.ticket(unknown).await.expect("ticket"), None);
    let by_link = fixture.tracker.find_by_link(&new_ticket(4).link.url).await;
    assert_eq!(by_link.expect("find").map(|t| t.key), Some("ENG-1".into()));
    let nowhere = fixture
        .tracker
        .find_by_link("https://triaged.example/none")
        .await;
    assert_eq!(nowhere.expect("find"), None);
    let mut seed = IssueSeed::new("OPS", "Same text, other team");
    seed.description = "triaged-fingerprint: fp4".into();
    fixture.sandbox.add_issue(seed).expect("seed");
    let by_text = fixture
        .tracker
        .find_by_text("triaged-fingerprint: fp4")
        .await;
    assert_eq!(by_text.expect("find").map(|t| t.key), Some("ENG-1".into()));
    let absent = fixture
        .tracker
        .find_by_text("triaged-fingerprint: zzz")
        .await;
    assert_eq!(absent.expect("find"), None);
}

#[tokio::test]
async fn open_tickets_leaves_out_done_and_canceled_newest_first() {
    let fixture = fixture().await;
    for (title, state) in [
        ("todo", "Todo"),
        ("done", "Done"),
        ("canceled", "Canceled"),
        ("duplicate", "Duplicate"),
        ("started", "In Progress"),
    ] {
        let mut seed = IssueSeed::new("ENG", title);
        seed.state = state.into();
        fixture.sandbox.add_issue(seed).expect("seed");
    }
    fixture
        .sandbox
        .add_issue(IssueSeed::new("OPS", "other team"))
        .expect("seed");
    fixture
        .tracker
        .create(&new_ticket(5))
        .await
        .expect("create");
    fixture
        .sandbox
        .add_issue_label("ENG-1", "triaged")
        .expect("label"); // touched last
    let open = fixture.tracker.open_tickets(10).await.expect("open");
    let keys: Vec<&str> = open.iter().map(|t| t.key.as_str()).collect();
    assert_eq!(keys, ["ENG-1", "ENG-6", "ENG-5"]);
    assert!(open.iter().all(|t| t.phase == TicketPhase::Open));
    let two = fixture.tracker.open_tickets(2).await.expect("open");
    assert_eq!(two.len(), 2);
}

#[tokio::test]
async fn update_moves_reprioritizes_and_labels() {
    let fixture = fixture().await;
    let ticket = fixture
        .tracker
        .create(&new_ticket(6))
        .await
        .expect("create");
    let done = TicketChange {
        phase: Some(TicketPhase::Done),
        ..TicketChange::default()
    };
    let after = fixture
        .tracker
        .update(&ticket.id, &done)
        .await
        .expect("update");
    assert_eq!(
        (after.phase, after.state_name.as_str()),
        (TicketPhase::Done, "Done")
    );
    let reopen = TicketChange {
        phase: Some(TicketPhase::Open),
        priority: Some(1),
        add_labels: vec!["severity:high".into()],
    };
    let after = fixture
        .tracker
        .update(&ticket.id, &reopen)
        .await
        .expect("update");
    assert_eq!(after.state_name, fixture.config.reopen_state);
    assert!(after.has_label("severity:high") && after.has_label("triaged"));
    assert_eq!(fixture.sandbox.issue("ENG-1").unwrap().priority, 1);
    let unchanged = fixture
        .tracker
        .update(&ticket.id, &TicketChange::default())
        .await;
    assert_eq!(unchanged.expect("no-op").state_name, "Todo");
    let unknown_label = TicketChange {
        add_labels: vec!["flaky".into()],
        ..TicketChange::default()
    };
    let error = fixture
        .tracker
        .update(&ticket.id, &unknown_label)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, TrackerError::Config(m) if m.contains("\"flaky\"")),
        "{error}"
    );
}

#[tokio::test]
async fn a_label_a_human_just_created_is_found() {
    let fixture = fixture().await;
    fixture.tracker.prepare().await.expect("prepare");
    fixture
        .sandbox
        .add_label("ENG", "regression")
        .expect("team");
    let mut new = new_ticket(7);
    new.labels = vec!["regression".into()];
    let ticket = fixture.tracker.create(&new).await.expect("create");
    assert!(ticket.has_label("regression"));
}

fn comment_id(n: u32) -> String {
    format!("c0aaa000-0000-4000-8000-{n:012}")
}

#[tokio::test]
async fn a_comment_is_added_once_per_id() {
    let fixture = fixture().await;
    let ticket = fixture
        .tracker
        .create(&new_ticket(8))
        .await
        .expect("create");
    let (id, body) = (comment_id(1), "It is **back**.");
    fixture
        .tracker
        .comment(&ticket.id, &id, body)
        .await
        .expect("comment");
    fixture
        .tracker
        .comment(&ticket.id, &id, body)
        .await
        .expect("again");
    fixture
        .tracker
        .comment(&ticket.id, &comment_id(2), "Still.")
        .await
        .expect("another");
    let comments = fixture.sandbox.issue("ENG-1").unwrap().comments;
    assert_eq!(comments, [body, "Still."]);
    assert_eq!(fixture.sandbox.count_requests("commentCreate"), 2);
}
