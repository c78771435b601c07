//! A summary window reaches each chat at most once: a post whose answer was lost is not
//! retried, and a run that takes the window over (an interrupted run, another replica)
//! posts only where no earlier run posted or may have posted. A post that surely did not
//! land is made by the next run of the window.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use tokio_util::sync::CancellationToken;
use triaged::app::App;
use triaged::clock::{DrivenClock, SharedClock};
use triaged::config::Config;
use triaged::scheduler::{JobName, RunContext};
use triaged::store::Trigger;
use triaged_sandbox::slack::SlackSandbox;
use triaged_sandbox::teams::TeamsSandbox;
use triaged_sandbox::{FaultKnobs, SandboxServer};

use crate::support::TestDb;

crate::trial!(
    multi_thread,
    a_window_reaches_each_chat_at_most_once_across_reruns_and_lost_answers
);
async fn a_window_reaches_each_chat_at_most_once_across_reruns_and_lost_answers() {
    let db = TestDb::sqlite().await;
    let slack = SlackSandbox::new(3);
    let teams = TeamsSandbox::new(4);
    let slack_server = SandboxServer::start(slack.router()).await.unwrap();
    let teams_server = SandboxServer::start(teams.router()).await.unwrap();
    let toml = format!(
        "database_url = \"{}\"\n\
         [[notify.destinations]]\nkind = \"slack\"\nname = \"ops\"\nwebhook_url = \"${{SLACK_URL}}\"\n\
         [notify.destinations.http]\nmax_attempts = 3\nbase_backoff = \"10ms\"\nmax_backoff = \"20ms\"\n\
         [[notify.destinations]]\nkind = \"teams\"\nname = \"eng\"\nwebhook_url = \"${{TEAMS_URL}}\"\n",
        db.url
    );
    let env = vec![
        (
            "SLACK_URL".to_owned(),
            slack.webhook_url(&slack_server.url()),
        ),
        (
            "TEAMS_URL".to_owned(),
            teams.webhook_url(&teams_server.url()),
        ),
    ];
    let path = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(path.path(), toml).unwrap();
    let config = Config::load(triaged::config::Source::Explicit(path.path()), &env).unwrap();
    let tick = Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap();
    let clock: SharedClock = Arc::new(DrivenClock::new(tick));
    let app = App::build(config, clock.clone()).await.unwrap();
    let job = app.job(JobName::Summary).unwrap();
    // Each run of a window as the scheduler would start it (a takeover runs the same tick).
    let run = |window| {
        let ctx = RunContext::new(
            JobName::Summary,
            window,
            Trigger::Schedule,
            clock.clone(),
            CancellationToken::new(),
        );
        let job = job.clone();
        async move { job.run(&ctx).await }
    };

    // Slack takes the post but its answer comes back cut short: not retried, not reposted.
    slack.faults().set(FaultKnobs {
        truncate: 1.0,
        ..FaultKnobs::none()
    });
    let lost = run(tick).await.expect_err("Slack's answer was garbled");
    assert!(lost.to_string().contains("may have been posted"), "{lost}");
    assert_eq!(slack.posted().len(), 1, "one post, no retry");
    assert_eq!(teams.posted().len(), 1);

    slack.faults().clear();
    let taken_over = run(tick).await.expect("nothing left to post");
    assert_eq!(taken_over["posted"], serde_json::json!([]), "{taken_over}");
    assert_eq!(
        taken_over["already_posted"],
        serde_json::json!(["ops", "eng"]),
        "{taken_over}"
    );
    assert_eq!((slack.posted().len(), teams.posted().len()), (1, 1));

    // The next window: Slack refuses (429 each time) so it surely did not post; the rerun
    // posts it there, and not again to Teams.
    let next = tick + chrono::Duration::days(1);
    slack.faults().set(FaultKnobs {
        throttle: 1.0,
        retry_after: std::time::Duration::ZERO,
        ..FaultKnobs::none()
    });
    let refused = run(next).await.expect_err("Slack refused");
    assert!(
        !refused.to_string().contains("may have been posted"),
        "{refused}"
    );
    assert_eq!((slack.posted().len(), teams.posted().len()), (1, 2));
    slack.faults().clear();
    let rerun = run(next).await.expect("posted to Slack now");
    assert_eq!(rerun["posted"], serde_json::json!(["ops"]), "{rerun}");
    assert_eq!(
        rerun["already_posted"],
        serde_json::json!(["eng"]),
        "{rerun}"
    );
    assert_eq!((slack.posted().len(), teams.posted().len()), (2, 2));
    db.cleanup().await;
}
