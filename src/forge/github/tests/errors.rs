//! Refusals and their retryability (401, 403, 404, 422), GitHub's rate limits waited
//! out, branches triaged does not own left alone, and the token kept out of `Debug`,
//! errors and everything but the `Authorization` header.

use std::time::Instant;

use super::*;
use crate::http_client::HttpError;
use triaged_sandbox::FaultKnobs;
use triaged_sandbox::github::Interrupt;

#[tokio::test]
async fn refusals_map_to_errors_that_are_not_retried() {
    let f = fixture().await;
    let unknown = RepoName::parse("acme/nope").expect("name");
    let missing = f.github.default_branch(&unknown).await;
    assert!(
        matches!(&missing, Err(e @ ForgeError::NotFound { .. }) if !e.is_retryable()),
        "{missing:?}"
    );
    let pull = f.github.pull(&f.repo, 99).await;
    assert!(matches!(pull, Err(ForgeError::NotFound { .. })), "{pull:?}");

    let intruder = client(&f.url, "ghp_FAKEwrongwrongwrongwrongwrongwrongwrong");
    let refused = intruder.default_branch(&f.repo).await.expect_err("refused");
    assert!(
        matches!(refused, ForgeError::Unauthorized { .. }),
        "{refused:?}"
    );
    assert!(!refused.is_retryable());
    assert!(refused.to_string().contains("Bad credentials"), "{refused}");

    f.sandbox
        .put_file(REPO, "triaged/fix-1", "x.txt", "x")
        .expect("pushed");
    let mut no_base = new_pull("triaged/fix-1");
    no_base.base = "release".into();
    let rejected = f.github.open_draft_pull(&f.repo, &no_base).await;
    match rejected {
        Err(
            ref e @ ForgeError::Rejected {
                status: 422,
                ref details,
                ..
            },
        ) => {
            assert!(!e.is_retryable());
            assert_eq!(details, &["PullRequest.base: invalid".to_owned()]);
        }
        other => panic!("expected a 422, got {other:?}"),
    }

    f.sandbox
        .fail_next(RouteKind::GetRepo, Interrupt::Reject(403));
    let forbidden = f.github.default_branch(&f.repo).await.expect_err("403");
    assert!(
        matches!(forbidden, ForgeError::Forbidden { .. }),
        "{forbidden:?}"
    );
    assert!(!forbidden.is_retryable());
    assert_eq!(
        count(&f.sandbox, RouteKind::GetRepo),
        3,
        "a 403 is not retried"
    );
}

#[tokio::test]
async fn writes_outside_triaged_branches_are_refused_before_any_request() {
    let f = fixture().await;
    let main = f.github.default_branch(&f.repo).await.expect("main");
    let before = f.sandbox.requests().len();
    for branch in [
        "main",
        "triaged/",
        "feature/x",
        "triaged/fix..x",
        "triaged/a b",
    ] {
        let made = f.github.ensure_branch(&f.repo, branch, &main.sha).await;
        assert!(
            matches!(made, Err(ForgeError::NotOurBranch { .. })),
            "{branch}: {made:?}"
        );
        let files = [change("a.txt", "a", None)];
        let committed = f.github.commit_files(&f.repo, branch, "m", &files).await;
        assert!(
            matches!(committed, Err(ForgeError::NotOurBranch { .. })),
            "{branch}"
        );
    }
    assert_eq!(f.sandbox.requests().len(), before);
}

#[tokio::test]
async fn primary_and_secondary_rate_limits_are_waited_out() {
    let f = fixture().await;
    f.sandbox.fail_next(
        RouteKind::GetRepo,
        Interrupt::Throttle(Duration::from_secs(1)),
    );
    let started = Instant::now();
    f.github
        .default_branch(&f.repo)
        .await
        .expect("after the wait");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );

    f.sandbox.set_quota(3, Duration::from_millis(1500));
    let started = Instant::now();
    for _ in 0..3 {
        f.github
            .default_branch(&f.repo)
            .await
            .expect("within quota, then after reset");
    }
    let statuses: Vec<u16> = f.sandbox.requests().iter().map(|r| r.status).collect();
    assert!(statuses.contains(&403), "{statuses:?}");
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "{:?}",
        started.elapsed()
    );

    let impatient = GitHubConfig {
        base_url: f.url.clone(),
        http: HttpPolicy {
            max_retry_after: Duration::from_millis(100),
            ..fast_policy()
        },
        ..GitHubConfig::default()
    };
    let impatient = GitHub::new(&impatient, TOKEN).expect("client");
    f.sandbox.fail_next(
        RouteKind::GetRepo,
        Interrupt::Throttle(Duration::from_secs(30)),
    );
    let limited = impatient
        .default_branch(&f.repo)
        .await
        .expect_err("too long a wait");
    assert!(
        matches!(limited, ForgeError::Http(HttpError::RateLimited { .. })),
        "{limited:?}"
    );
    assert!(limited.is_retryable());
}

#[tokio::test]
async fn transient_faults_on_reads_are_retried() {
    let f = fixture().await;
    f.sandbox.faults().set(FaultKnobs {
        server_error: 0.2,
        truncate: 0.15,
        malformed: 0.1,
        ..FaultKnobs::none()
    });
    for _ in 0..10 {
        let main = f.github.default_branch(&f.repo).await.expect("read");
        let file = f.github.file(&f.repo, "app/cart.py", &main.sha).await;
        assert_eq!(
            file.expect("read").map(|r| r.content).as_deref(),
            Some(CART)
        );
    }
    assert!(f.sandbox.faults().injected() > 0);
}

#[tokio::test]
async fn the_token_is_only_in_the_authorization_header() {
    let f = fixture().await;
    let debug = format!("{:?}", f.github);
    assert!(
        !debug.contains(TOKEN) && debug.contains("authorization: Sensitive"),
        "{debug}"
    );
    let config = GitHubConfig {
        token: Some(crate::secret::Secret::from_value(TOKEN)),
        ..GitHubConfig::default()
    };
    assert!(!format!("{config:?}").contains(TOKEN));
    let errors = [
        f.github.pull(&f.repo, 404).await.expect_err("404"),
        client(&f.url, "ghp_FAKEotherotherotherotherotherotherother")
            .default_branch(&f.repo)
            .await
            .expect_err("401"),
    ];
    for error in errors {
        assert!(!format!("{error} {error:?}").contains(TOKEN), "{error:?}");
    }
    for request in f.sandbox.requests() {
        assert!(request.had_token);
        let shown = format!("{request:?}");
        assert!(!shown.contains(TOKEN), "{shown}");
        assert_eq!(request.api_version.as_deref(), Some(API_VERSION));
        assert_eq!(
            request.accept.as_deref(),
            Some("application/vnd.github+json")
        );
        assert!(
            request
                .user_agent
                .as_deref()
                .is_some_and(|ua| ua.starts_with("triaged/"))
        );
    }
    let empty = GitHub::new(&GitHubConfig::default(), "  ");
    assert!(matches!(empty, Err(ForgeError::Config(_))));
}
