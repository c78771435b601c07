//! The morning summary end to end: `triaged once summary` posts the store's last 24 h to
//! the Slack and Teams emulators (the card valid against Adaptive Card 1.5), `--dry-run`
//! prints it and posts nothing, one destination failing does not stop the other, and a
//! scheduled window is posted once however often it is run.

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use triaged::app::App;
use triaged::clock::DrivenClock;
use triaged::config::Config;
use triaged::scheduler::{Execution, JobName};
use triaged::store::{RunOutcome, Trigger};
use triaged_sandbox::slack::SlackSandbox;
use triaged_sandbox::teams::TeamsSandbox;
use triaged_sandbox::{FaultKnobs, SandboxServer};

use crate::lifecycle::World;
use crate::support::TestDb;

struct Chats {
    slack: Arc<SlackSandbox>,
    teams: Arc<TeamsSandbox>,
    slack_url: String,
    teams_url: String,
    _servers: (SandboxServer, SandboxServer),
}

async fn chats() -> Chats {
    let slack = SlackSandbox::new(3);
    let teams = TeamsSandbox::new(4);
    let slack_server = SandboxServer::start(slack.router()).await.unwrap();
    let teams_server = SandboxServer::start(teams.router()).await.unwrap();
    Chats {
        slack_url: slack.webhook_url(&slack_server.url()),
        teams_url: teams.webhook_url(&teams_server.url()),
        slack,
        teams,
        _servers: (slack_server, teams_server),
    }
}

const DESTINATIONS: &str = "[[notify.destinations]]\nkind = \"slack\"\nname = \"ops\"\nwebhook_url = \"${SLACK_URL}\"\n\
    [notify.destinations.http]\nmax_attempts = 2\nbase_backoff = \"10ms\"\n\
    [[notify.destinations]]\nkind = \"teams\"\nname = \"eng\"\nwebhook_url = \"${TEAMS_URL}\"\n";

crate::trial!(
    multi_thread,
    once_summary_posts_to_slack_and_teams_and_dry_run_posts_nothing
);
async fn once_summary_posts_to_slack_and_teams_and_dry_run_posts_nothing() {
    let db = TestDb::sqlite().await;
    let mut w = World::for_processes(&db.url).await;
    w.log_recent("checkout", 3, 20, "KeyError: 'voucher'", "5.2");
    w.log_recent("search", 3, 3, "slow shard 2 answered in 900 ms", "1.0");
    w.ingest(Utc::now()).await;
    w.triage(Utc::now()).await;
    let chats = chats().await;
    let config = w.config_file_with(&db.url, DESTINATIONS);
    let chat_env = [
        ("SLACK_URL", chats.slack_url.as_str()),
        ("TEAMS_URL", chats.teams_url.as_str()),
    ];
    let run = |extra: &[&str]| {
        let mut args = vec!["once", "summary"];
        args.extend_from_slice(extra);
        w.run_binary(&config, &args, &chat_env)
    };
    let preview = run(&["--dry-run"]);
    assert!(
        preview.contains("Slack payload") && preview.contains("Teams payload"),
        "{preview}"
    );
    assert!(chats.slack.posted().is_empty() && chats.teams.posted().is_empty());

    run(&[]);
    let slack = chats.slack.posted();
    assert_eq!(slack.len(), 1);
    let text = serde_json::to_string(&slack[0]).unwrap();
    assert!(slack[0]["text"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(text.contains("voucher") && text.contains("ENG-1"), "{text}");
    let teams = chats.teams.posted();
    assert_eq!(teams.len(), 1);
    let card = &teams[0];
    assert_eq!(
        card["type"], "AdaptiveCard",
        "the emulator keeps the card it unwrapped"
    );
    triaged_sandbox::contracts::validate::teams_card().assert_valid(card);
    assert!(serde_json::to_string(card).unwrap().contains("checkout"));
    db.cleanup().await;
}

crate::trial!(
    multi_thread,
    a_window_is_posted_once_and_one_failing_chat_does_not_stop_the_other
);
async fn a_window_is_posted_once_and_one_failing_chat_does_not_stop_the_other() {
    let db = TestDb::sqlite().await;
    let chats = chats().await;
    let toml = format!("database_url = \"{}\"\n{DESTINATIONS}", db.url);
    let env = vec![
        ("SLACK_URL".to_owned(), chats.slack_url.clone()),
        ("TEAMS_URL".to_owned(), chats.teams_url.clone()),
    ];
    let path = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(path.path(), toml).unwrap();
    let config = Config::load(triaged::config::Source::Explicit(path.path()), &env).unwrap();
    let tick = Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap();
    let app = App::build(config, Arc::new(DrivenClock::new(tick)))
        .await
        .unwrap();
    chats.slack.faults().set(FaultKnobs {
        server_error: 1.0,
        ..FaultKnobs::none()
    });
    let job = app.job(JobName::Summary).unwrap();
    let signals = &app.shutdown.signals;
    let first = app
        .scheduler
        .execute(
            JobName::Summary,
            job.as_ref(),
            tick,
            Trigger::Schedule,
            signals,
        )
        .await
        .unwrap();
    let Execution::Ran(RunOutcome::Failed { error }) = first else {
        panic!("{first:?}")
    };
    assert!(
        error.contains("posted to [eng]") && error.contains("ops"),
        "{error}"
    );
    assert_eq!(
        chats.teams.posted().len(),
        1,
        "Teams got it though Slack failed"
    );
    let recorded = app.store.summaries(10).await.unwrap();
    assert_eq!(recorded.len(), 1, "a partly failed post is recorded");
    assert_eq!(recorded[0].window_end, tick);
    assert_eq!(recorded[0].posted_to, ["eng"]);
    assert_eq!(recorded[0].failed.len(), 1);
    assert_eq!(recorded[0].failed[0].destination, "ops");
    assert!(!recorded[0].failed[0].error.is_empty());
    assert_eq!(recorded[0].summary.events, 0);
    let quiet = serde_json::to_string(&chats.teams.posted()[0]).unwrap();
    assert!(
        quiet.to_lowercase().contains("all clear") || quiet.contains("No error"),
        "{quiet}"
    );
    // Slack is back, a restart or a second replica runs the same tick: nothing is reposted.
    chats.slack.faults().clear();
    let again = app
        .scheduler
        .execute(
            JobName::Summary,
            job.as_ref(),
            tick,
            Trigger::Schedule,
            signals,
        )
        .await
        .unwrap();
    assert!(matches!(again, Execution::AlreadyClaimed), "{again:?}");
    assert_eq!(chats.teams.posted().len(), 1);
    assert!(chats.slack.posted().is_empty());
    // The next morning's window posts again.
    let next = tick + Duration::days(1);
    let outcome = app
        .scheduler
        .execute(
            JobName::Summary,
            job.as_ref(),
            next,
            Trigger::Schedule,
            signals,
        )
        .await
        .unwrap();
    assert!(
        matches!(outcome, Execution::Ran(RunOutcome::Succeeded { .. })),
        "{outcome:?}"
    );
    assert_eq!(
        (chats.slack.posted().len(), chats.teams.posted().len()),
        (1, 2)
    );
    let recorded = app.store.summaries(10).await.unwrap();
    assert_eq!(recorded.len(), 2);
    assert_eq!(recorded[0].window_end, next, "newest first");
    assert_eq!(recorded[0].posted_to, ["ops", "eng"]);
    assert!(recorded[0].failed.is_empty());
    assert_eq!(recorded[0].paragraph_author, "template");
    db.cleanup().await;
}

crate::trial!(
    multi_thread,
    the_model_writes_the_paragraph_only_when_its_numbers_check_out
);
async fn the_model_writes_the_paragraph_only_when_its_numbers_check_out() {
    use triaged_sandbox::anthropic::AnthropicSandbox;
    use triaged_sandbox::llm::Scripted;

    let db = TestDb::sqlite().await;
    let chats = chats().await;
    let model = AnthropicSandbox::new(5);
    let model_server = SandboxServer::start(model.router()).await.unwrap();
    let toml = format!(
        "database_url = \"{}\"\n{DESTINATIONS}[agent]\nenabled = true\nmodel = \"claude-test\"\n\
         base_url = \"{}\"\napi_key = \"${{MODEL_KEY}}\"\n",
        db.url,
        model_server.url()
    );
    let env = vec![
        ("SLACK_URL".to_owned(), chats.slack_url.clone()),
        ("TEAMS_URL".to_owned(), chats.teams_url.clone()),
        ("MODEL_KEY".to_owned(), model.api_key()),
    ];
    let path = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(path.path(), toml).unwrap();
    let config = Config::load(triaged::config::Source::Explicit(path.path()), &env).unwrap();
    let tick = Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap();
    let app = App::build(config, Arc::new(DrivenClock::new(tick)))
        .await
        .unwrap();
    let job = app.job(JobName::Summary).unwrap();
    let signals = &app.shutdown.signals;
    let run = |at| {
        let job = job.clone();
        let app = &app;
        async move {
            app.scheduler
                .execute(
                    JobName::Summary,
                    job.as_ref(),
                    at,
                    Trigger::Schedule,
                    signals,
                )
                .await
                .unwrap()
        }
    };

    let written = "A quiet night: no errors were recorded in the last 24 hours.";
    model.script(Scripted::Text(written.into()));
    let Execution::Ran(RunOutcome::Succeeded { detail }) = run(tick).await else {
        panic!("the summary run failed")
    };
    assert!(detail.unwrap_or_default().contains("claude-test"));
    assert!(
        serde_json::to_string(&chats.slack.posted()[0])
            .unwrap()
            .contains(written)
    );
    // The model saw numbers only: nothing from the store's raw text, no URL.
    let asked = serde_json::to_string(&model.requests()[0]).unwrap();
    assert!(!asked.contains("http"), "{asked}");

    model.script(Scripted::Text("There were 42 errors overnight.".into()));
    let next = tick + Duration::days(1);
    let Execution::Ran(RunOutcome::Succeeded { detail }) = run(next).await else {
        panic!("the summary run failed")
    };
    let detail = detail.unwrap_or_default();
    assert!(
        detail.contains("\"paragraph_by\":\"template\"") && detail.contains("42"),
        "{detail}"
    );
    let second = serde_json::to_string(&chats.slack.posted()[1]).unwrap();
    assert!(!second.contains("42 errors"), "{second}");
    db.cleanup().await;
}
