//! The deploy files agree with the daemon's defaults: health check path and port, stop
//! timeouts that fit the shutdown grace, least-privilege IAM, a hardened systemd unit, and
//! a Docker build of the daemon alone whose context holds what it copies.

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
    let build = file
        .lines()
        .find(|l| l.starts_with("RUN cargo build"))
        .expect("the build step");
    assert!(
        build.contains("--no-default-features") && build.contains("--profile dist"),
        "the image ships the daemon alone, built with the dist profile: {build}"
    );
    assert!(file.contains("COPY --from=build /src/target/dist/triaged "));
}

/// The build stage's `COPY` sources (not `--from`), relative to the context.
fn dockerfile_copies(dockerfile: &str) -> Vec<String> {
    dockerfile
        .lines()
        .skip_while(|l| !l.starts_with("FROM "))
        .skip(1)
        .take_while(|l| !l.starts_with("FROM "))
        .filter_map(|l| l.strip_prefix("COPY "))
        .filter(|l| !l.starts_with("--from"))
        .flat_map(|l| {
            let parts: Vec<&str> = l.split_whitespace().collect();
            let (dest, sources) = parts.split_last().expect("COPY has a destination");
            assert!(
                *dest == "./" || sources == [dest.trim_start_matches("./")],
                "COPY {l}: the Dockerfile copies each path to the same place"
            );
            sources.iter().map(|s| s.to_string()).collect::<Vec<_>>()
        })
        .collect()
}

fn copy_tree(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            copy_tree(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        std::fs::copy(from, to).unwrap();
    }
}

/// Loads the workspace in `dir` with `cargo metadata` (its members, without resolving
/// dependencies, which would need every platform's crates downloaded), then returns the
/// source files of the targets its manifests declare that are missing: cargo refuses to
/// build a manifest whose declared bench, test or binary is not there.
fn missing_targets(dir: &Path) -> Result<Vec<String>, String> {
    let out = std::process::Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(dir)
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .expect("cargo runs");
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let metadata: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut missing = Vec::new();
    for manifest in metadata["workspace_members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| {
            let package = metadata["packages"].as_array().unwrap().iter();
            let mut package = package.filter(|p| p["id"] == *id);
            package.next().unwrap()["manifest_path"]
                .as_str()
                .unwrap()
                .to_owned()
        })
    {
        let crate_dir = Path::new(&manifest).parent().unwrap();
        let text = std::fs::read_to_string(&manifest).unwrap();
        let declared: toml::Table = toml::from_str(&text).unwrap();
        for (kind, default_dir) in [("bin", "src/bin"), ("test", "tests"), ("bench", "benches")] {
            for target in declared
                .get(kind)
                .and_then(|t| t.as_array())
                .into_iter()
                .flatten()
            {
                let name = target["name"].as_str().unwrap();
                let candidates = match target.get("path").and_then(|p| p.as_str()) {
                    Some(path) => vec![crate_dir.join(path)],
                    None => vec![
                        crate_dir.join(format!("{default_dir}/{name}.rs")),
                        crate_dir.join(format!("{default_dir}/{name}/main.rs")),
                    ],
                };
                if !candidates.iter().any(|c| c.exists()) {
                    missing.push(candidates[0].display().to_string());
                }
            }
        }
    }
    Ok(missing)
}

crate::trial!(
    sync,
    the_docker_build_context_holds_what_the_dockerfile_copies
);
/// Docker is not here, so the build context is emulated: only what `.dockerignore` lets in
/// and the build stage copies, in a directory of its own, where the manifest must resolve.
fn the_docker_build_context_holds_what_the_dockerfile_copies() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dockerfile = read("deploy/Dockerfile");
    let ignore = read(".dockerignore");
    let rules: Vec<&str> = ignore
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    assert_eq!(rules.first(), Some(&"*"), "the context starts from nothing");
    let allowed: Vec<&str> = rules[1..]
        .iter()
        .map(|r| r.strip_prefix('!').expect("only exceptions after `*`"))
        .map(|r| r.trim_end_matches('/'))
        .collect();
    let runtime_copy = dockerfile
        .lines()
        .filter(|l| l.starts_with("COPY config/"))
        .map(|l| l.split_whitespace().nth(1).unwrap());
    for source in runtime_copy.chain(dockerfile_copies(&dockerfile).iter().map(String::as_str)) {
        assert!(
            allowed.contains(&source),
            "{source} is left out by .dockerignore"
        );
        assert!(
            root.join(source).exists(),
            "the Dockerfile copies {source}, which is missing"
        );
    }

    let context = tempfile::tempdir().unwrap();
    let copies = dockerfile_copies(&dockerfile);
    assert!(
        dockerfile.contains("--locked") && copies.iter().any(|c| c == "Cargo.lock"),
        "the image builds with --locked from the lockfile it copies"
    );
    for source in &copies {
        copy_tree(&root.join(source), &context.path().join(source));
    }
    let resolved = missing_targets(context.path())
        .unwrap_or_else(|e| panic!("the manifest does not resolve with only {copies:?}: {e}"));
    assert_eq!(
        resolved,
        Vec::<String>::new(),
        "targets missing from the context"
    );
    // The check can fail: without `benches/`, the bench the manifest declares is missing.
    std::fs::remove_dir_all(context.path().join("benches")).unwrap();
    let missing = missing_targets(context.path()).unwrap();
    assert!(
        missing
            .iter()
            .any(|p| p.ends_with("benches/ingest_cloudwatch.rs")),
        "{missing:?}"
    );
}
