//! The deploy files agree with the daemon's defaults: health check path and port, stop
//! timeouts that fit the shutdown grace, least-privilege IAM, a hardened systemd unit.

use std::path::Path;
use std::time::Duration;

use triaged::config::Config;

fn read(rel: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
}

fn json(rel: &str) -> serde_json::Value {
    serde_json::from_str(&read(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

crate::trial!(sync, ecs_task_definition_matches_the_defaults);
fn ecs_task_definition_matches_the_defaults() {
    let defaults = Config::default();
    let port: u64 = defaults.http.bind_addr().port().into();
    let task = json("deploy/ecs/task-definition.json");
    assert_eq!(task["requiresCompatibilities"][0], "FARGATE");
    assert_eq!(task["networkMode"], "awsvpc");
    let c = &task["containerDefinitions"][0];
    assert_eq!(c["portMappings"][0]["containerPort"], port);
    let check = c["healthCheck"]["command"][1].as_str().unwrap();
    assert!(
        check.contains(&format!("127.0.0.1:{port}/healthz")),
        "{check}"
    );
    let grace = c["environment"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "TRIAGED__SHUTDOWN_GRACE")
        .map(|e| humantime::parse_duration(e["value"].as_str().unwrap()).unwrap())
        .unwrap_or(defaults.shutdown_grace);
    let stop = Duration::from_secs(c["stopTimeout"].as_u64().unwrap());
    assert!(
        stop > grace,
        "stopTimeout {stop:?} must exceed shutdown_grace {grace:?}"
    );
    assert!(
        stop <= Duration::from_secs(120),
        "ECS caps stopTimeout at 120 s"
    );
    assert_eq!(c["logConfiguration"]["logDriver"], "awslogs");
    // Secrets come from Secrets Manager / SSM, never as plain environment values.
    for s in c["secrets"].as_array().unwrap() {
        let from = s["valueFrom"].as_str().unwrap();
        assert!(from.starts_with("arn:aws:secretsmanager:") || from.starts_with("arn:aws:ssm:"));
    }
    for e in c["environment"].as_array().unwrap() {
        let name = e["name"].as_str().unwrap();
        assert!(
            !name.contains("DSN") && !name.contains("KEY") && !name.contains("TOKEN"),
            "{name}"
        );
    }
    // Every environment override in the task definition is a key triaged accepts.
    let env: Vec<(String, String)> = c["environment"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap().into(),
                e["value"].as_str().unwrap().into(),
            )
        })
        .collect();
    Config::from_toml_str("", &env).unwrap();
}

crate::trial!(sync, task_role_is_read_only_cloudwatch_logs);
fn task_role_is_read_only_cloudwatch_logs() {
    let policy = json("deploy/ecs/task-role-policy.json");
    let mut actions: Vec<String> = policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| {
            assert_eq!(s["Effect"], "Allow");
            s["Action"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap().to_string())
        })
        .collect();
    actions.sort();
    assert_eq!(
        actions,
        [
            "logs:DescribeLogGroups",
            "logs:FilterLogEvents",
            "logs:GetQueryResults",
            "logs:StartQuery"
        ]
    );
}

crate::trial!(
    sync,
    systemd_unit_is_notify_hardened_and_waits_for_the_grace
);
fn systemd_unit_is_notify_hardened_and_waits_for_the_grace() {
    let unit = read("deploy/systemd/triaged.service");
    let value = |key: &str| {
        unit.lines()
            .find_map(|l| l.strip_prefix(&format!("{key}=")))
            .unwrap_or_else(|| panic!("{key} missing"))
            .to_string()
    };
    assert_eq!(value("Type"), "notify");
    assert_eq!(value("Restart"), "on-failure");
    for key in [
        "NoNewPrivileges",
        "ProtectHome",
        "PrivateTmp",
        "DynamicUser",
    ] {
        assert_eq!(value(key), "yes", "{key}");
    }
    assert_eq!(value("ProtectSystem"), "strict");
    assert_eq!(value("StateDirectory"), "triaged");
    let stop = humantime::parse_duration(&value("TimeoutStopSec")).unwrap();
    assert!(stop > Config::default().shutdown_grace);
    assert!(value("ExecStart").ends_with(" run"));
}

crate::trial!(sync, dockerfile_is_multi_stage_and_non_root);
fn dockerfile_is_multi_stage_and_non_root() {
    let file = read("deploy/Dockerfile");
    assert_eq!(file.lines().filter(|l| l.starts_with("FROM ")).count(), 2);
    let user = file
        .lines()
        .find_map(|l| l.strip_prefix("USER "))
        .expect("USER");
    assert_ne!(user.trim(), "root");
    assert_ne!(user.trim(), "0");
    assert!(file.contains("/healthz"));
}
