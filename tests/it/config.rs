//! Configuration: every kind of problem is reported with its key path, all at once; the
//! example file loads; environment overrides and secrets resolve.

use std::path::Path;
use std::time::Duration;

use triaged::config::{Config, Source};

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn problems(toml: &str, vars: &[(&str, &str)]) -> Vec<(String, String)> {
    match Config::from_toml_str(toml, &env(vars)) {
        Ok(_) => Vec::new(),
        Err(e) => e.problems.into_iter().map(|p| (p.path, p.reason)).collect(),
    }
}

fn has(problems: &[(String, String)], path: &str, needle: &str) -> bool {
    problems
        .iter()
        .any(|(p, r)| p == path && r.contains(needle))
}

crate::trial!(
    sync,
    every_kind_of_problem_is_reported_at_once_with_its_path
);
fn every_kind_of_problem_is_reported_at_once_with_its_path() {
    let toml = r#"
        database_url = "mysql://root:S3cretPassw0rd@db:3306/shop"
        timezone = "Mars/Olympus"
        shutdown_grace = "forever"
        [http]
        bind = "localhost"
        bnid = "typo"
        [log]
        format = "xml"
        [scheduler]
        lease = "5s"
        [jobs.summary]
        schedule = "0 9 * * 8"
        [jobs.verify]
        schedule = "0 9 * *"
        enabeld = false
        [telemetry]
        sentry_dsn = "${TRIAGED_TEST_UNSET_DSN}"
        [sources.file]
        paths = "not-a-list"
        [nonsense]
        x = 1
    "#;
    let p = problems(toml, &[]);
    let expected = [
        ("database_url", "must start with sqlite"),
        ("timezone", "Mars/Olympus"),
        ("shutdown_grace", "forever"),
        ("http.bind", "not an address"),
        ("http.bnid", "unknown key"),
        ("log.format", "xml"),
        ("scheduler.lease", "between 10s and 24h, got 5s"),
        ("jobs.summary.schedule", "day-of-week"),
        ("jobs.verify.schedule", "expected 5 fields"),
        ("jobs.verify.enabeld", "unknown key"),
        ("telemetry.sentry_dsn", "TRIAGED_TEST_UNSET_DSN is not set"),
        ("sources.file.paths", "sequence"),
        ("nonsense", "unknown key"),
    ];
    for (path, needle) in expected {
        assert!(
            has(&p, path, needle),
            "missing {path} ~ {needle:?} in {p:#?}"
        );
    }
    assert!(has(&p, "database_url", "\"mysql\" URL"), "{p:#?}");
    let told = format!("{p:?}");
    assert!(
        !told.contains("S3cretPassw0rd") && !told.contains("root"),
        "{told}"
    );
}

crate::trial!(sync, the_message_reads_path_colon_reason);
fn the_message_reads_path_colon_reason() {
    let err = Config::from_toml_str("[scheduler]\nheartbeat = \"90s\"\n", &[]).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("scheduler.heartbeat: must be at least 1s and at most half of scheduler.lease (2m), got 1m 30s"),
        "{text}"
    );
}

crate::trial!(sync, the_example_config_loads_and_matches_the_defaults);
fn the_example_config_loads_and_matches_the_defaults() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/triaged.example.toml");
    let example = Config::load(Source::Explicit(&path), &[]).unwrap();
    let defaults = Config::default();
    assert_eq!(example.database_url, defaults.database_url);
    assert_eq!(example.shutdown_grace, defaults.shutdown_grace);
    assert_eq!(example.http.bind, defaults.http.bind);
    assert_eq!(example.http.dashboard, defaults.http.dashboard);
    assert_eq!(example.scheduler.lease, defaults.scheduler.lease);
    assert_eq!(
        example.jobs.summary.schedule(),
        defaults.jobs.summary.schedule()
    );
    assert_eq!(
        example.jobs.ingest.schedule(),
        defaults.jobs.ingest.schedule()
    );
    assert_eq!(defaults.jobs.summary.schedule(), "0 9 * * *");
    assert_eq!(example.severity, defaults.severity);
    assert_eq!(example.tiers, defaults.tiers);
    assert_eq!(example.clusters, defaults.clusters);
    // Every other key, nested or not, holds its default (the job schedules, compared
    // above, differ only in being written out).
    let mut example = example;
    example.jobs = defaults.jobs.clone();
    assert_eq!(format!("{example:?}"), format!("{defaults:?}"));
}

crate::trial!(
    sync,
    a_missing_default_file_means_defaults_but_a_missing_explicit_file_is_an_error
);
fn a_missing_default_file_means_defaults_but_a_missing_explicit_file_is_an_error() {
    let nowhere = Path::new("/nonexistent/triaged.toml");
    assert!(Config::load(Source::Default(nowhere), &[]).is_ok());
    let err = Config::load(Source::Explicit(nowhere), &[]).unwrap_err();
    assert!(
        err.to_string().contains("/nonexistent/triaged.toml"),
        "{err}"
    );
}

crate::trial!(sync, environment_overrides_win_over_the_file_and_are_typed);
fn environment_overrides_win_over_the_file_and_are_typed() {
    let vars = [
        ("TRIAGED__SCHEDULER__LEASE", "5m"),
        ("TRIAGED__HTTP__BIND", "0.0.0.0:9999"),
        ("TRIAGED__JOBS__VERIFY__ENABLED", "false"),
        ("TRIAGED__SOURCES__FILE__PATHS", "[\"/var/log/a.log\"]"),
        ("UNRELATED", "x"),
    ];
    let c = Config::from_toml_str("[http]\nbind = \"127.0.0.1:1\"\n", &env(&vars)).unwrap();
    assert_eq!(c.scheduler.lease, Duration::from_secs(300));
    assert_eq!(c.http.bind, "0.0.0.0:9999");
    assert!(!c.jobs.verify.enabled);
    assert_eq!(c.sources.file.paths, [Path::new("/var/log/a.log")]);
    // An override with a bad value is reported under its key path.
    let p = problems("", &[("TRIAGED__SCHEDULER__LEASE", "1s")]);
    assert!(has(&p, "scheduler.lease", "got 1s"), "{p:?}");
    // An override naming an unknown key is an unknown key.
    let p = problems("", &[("TRIAGED__HTTP__PORT", "1")]);
    assert!(has(&p, "http.port", "unknown key"), "{p:?}");
}

crate::trial!(
    sync,
    secrets_resolve_from_env_or_file_and_never_sit_in_the_file
);
fn secrets_resolve_from_env_or_file_and_never_sit_in_the_file() {
    let c = Config::from_toml_str(
        "[telemetry]\nsentry_dsn = \"${MY_DSN}\"\n",
        &env(&[("MY_DSN", "https://k@o1.ingest.example/1")]),
    )
    .unwrap();
    let dsn = c.telemetry.sentry_dsn.as_ref().unwrap();
    assert_eq!(dsn.expose(), "https://k@o1.ingest.example/1");
    assert!(
        !format!("{c:?}").contains("o1.ingest"),
        "Debug leaks the secret"
    );

    let p = problems("[telemetry]\nsentry_dsn = \"${ABSENT_DSN}\"\n", &[]);
    assert!(has(&p, "telemetry.sentry_dsn", "ABSENT_DSN"), "{p:?}");

    let p = problems("[telemetry]\nsentry_dsn = \"https://k@host/1\"\n", &[]);
    assert!(
        has(
            &p,
            "telemetry.sentry_dsn",
            "must not be written in the file"
        ),
        "{p:?}"
    );

    // A literal given through an environment override is fine: it is not in the file.
    let c = Config::from_toml_str(
        "",
        &env(&[("TRIAGED__TELEMETRY__SENTRY_DSN", "https://k@h/1")]),
    )
    .unwrap();
    assert_eq!(c.telemetry.sentry_dsn.unwrap().expose(), "https://k@h/1");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dsn");
    std::fs::write(&file, "https://k@f/2\n").unwrap();
    let c = Config::from_toml_str(
        &format!("[telemetry]\nsentry_dsn = \"file:{}\"\n", file.display()),
        &[],
    )
    .unwrap();
    assert_eq!(c.telemetry.sentry_dsn.unwrap().expose(), "https://k@f/2");
}

crate::trial!(sync, triage_sections_are_checked_with_their_paths);
fn triage_sections_are_checked_with_their_paths() {
    let found = problems(
        r#"
        [severity.weights]
        users = -1.0
        [tiers.routes]
        "POST checkout" = "critical"
        [tiers.services]
        payments = "vital"
        [clusters]
        max_samples = 0
        [retention]
        hourly = "2days"
        [privacy]
        redact_patterns = ["(unclosed"]
        "#,
        &[],
    );
    assert!(has(&found, "severity.weights.users", "≥ 0"), "{found:?}");
    assert!(has(&found, "tiers.services.payments", "vital"), "{found:?}");
    assert!(has(&found, "clusters.max_samples", "1 to 50"), "{found:?}");
    assert!(has(&found, "retention.hourly", "8 days"), "{found:?}");
    assert!(has(&found, "privacy.redact_patterns", ""), "{found:?}");
}

crate::trial!(
    sync,
    source_sections_are_checked_and_the_sentry_token_is_a_secret
);
fn source_sections_are_checked_and_the_sentry_token_is_a_secret() {
    let toml = r#"
        [sources.cloudwatch]
        groups = [{ name = "/ecs/checkout", service = "checkout" }]
        page_limit = 20000
        [sources.sentry]
        org = "acme"
    "#;
    let found = problems(toml, &[]);
    assert!(has(&found, "sources.cloudwatch", "page_limit"), "{found:?}");
    assert!(has(&found, "sources.sentry.token", "required"), "{found:?}");
    let literal = problems(
        &format!("{toml}\ntoken = \"sntrys_literal\"").replace("page_limit = 20000", ""),
        &[],
    );
    assert!(
        has(&literal, "sources.sentry.token", "must not be written"),
        "{literal:?}"
    );
    let from_env = Config::from_toml_str(
        &format!("{toml}\ntoken = \"${{SENTRY_TOKEN}}\"").replace("page_limit = 20000", ""),
        &env(&[("SENTRY_TOKEN", "sntrys_from_env")]),
    )
    .unwrap();
    let sentry = from_env.sources.sentry.unwrap();
    assert!(
        !format!("{sentry:?}").contains("sntrys_from_env"),
        "Debug hides it"
    );
    assert_eq!(sentry.token.unwrap().expose(), "sntrys_from_env");
}
