//! The dashboard of a demo run in a real browser: headless Chromium loads the clusters
//! page and a cluster's page, screenshots them and dumps the DOM it built. Runs when
//! Chromium is installed (`.ci/run` installs it and sets TRIAGED_REQUIRE_BROWSER, so in CI
//! a missing browser fails the test instead of skipping it).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

use super::BIN;

/// The browser to drive: `$TRIAGED_CHROMIUM`, else `chromium` (Debian's package) or
/// `chromium-browser` on the `PATH`.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("TRIAGED_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| ["chromium", "chromium-browser"].map(|name| dir.join(name)))
        .find(|p| p.is_file())
}

/// The longest one browser run may take (`timeout` kills it after).
const BROWSER_TIMEOUT: &str = "90";

/// A demo left serving its dashboard; stopped with SIGTERM when dropped.
struct ServingDemo {
    child: Child,
    report: Value,
    /// The narrative (the demo's stderr), for failure messages.
    narrative: tempfile::NamedTempFile,
}

impl ServingDemo {
    /// Starts `triaged demo --json` and waits for its report (the three days played).
    fn start() -> ServingDemo {
        let narrative = tempfile::NamedTempFile::new().unwrap();
        let mut child = Command::new(BIN)
            .args(["demo", "--json", "--bind", "127.0.0.1:0"])
            .env_remove("RUST_LOG")
            .stdout(Stdio::piped())
            .stderr(narrative.reopen().unwrap())
            .spawn()
            .expect("the binary runs");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut json = String::new();
        for line in BufReader::new(stdout).lines() {
            let line = line.expect("a line of the report");
            let done = line == "}";
            json.push_str(&line);
            json.push('\n');
            if done {
                break;
            }
        }
        let report = serde_json::from_str(&json).unwrap_or_else(|e| {
            let told = std::fs::read_to_string(narrative.path()).unwrap_or_default();
            panic!("no report ({e}): {json}\n{told}")
        });
        ServingDemo {
            child,
            report,
            narrative,
        }
    }

    fn dashboard(&self) -> String {
        self.report["dashboard"]
            .as_str()
            .expect("a dashboard URL")
            .to_owned()
    }

    /// SIGTERM, then the exit status (the daemon drains and exits 0).
    fn stop(mut self) -> std::process::ExitStatus {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success());
        self.child.wait().expect("the demo exits")
    }
}

impl Drop for ServingDemo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One headless Chromium run with a fresh profile: `mode` is `--dump-dom` or
/// `--screenshot=<path>`; returns standard output.
fn chromium_run(browser: &Path, profile: &Path, mode: &str, url: &str) -> String {
    let out = Command::new("timeout")
        .arg(BROWSER_TIMEOUT)
        .arg(browser)
        .args([
            "--headless",
            "--disable-dev-shm-usage",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            "--window-size=1400,2200",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(mode)
        .arg(url)
        .output()
        .expect("chromium runs");
    assert!(
        out.status.success(),
        "chromium {mode} {url}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Loads `url` twice (the DOM, then a screenshot into `shot`); returns the DOM.
fn visit(browser: &Path, url: &str, shot: &Path) -> String {
    let profile = tempfile::tempdir().unwrap();
    let dom = chromium_run(browser, profile.path(), "--dump-dom", url);
    chromium_run(
        browser,
        profile.path(),
        &format!("--screenshot={}", shot.display()),
        url,
    );
    let png = std::fs::read(shot).expect("the screenshot was written");
    assert!(png.starts_with(b"\x89PNG"), "{} is a PNG", shot.display());
    assert!(
        png.len() > 20_000,
        "{} holds a rendered page",
        shot.display()
    );
    dom
}

/// Why the browser test cannot run here (`None` when it can). With TRIAGED_REQUIRE_BROWSER
/// set, a missing browser is not a reason: the test runs and fails.
pub fn unavailable() -> Option<String> {
    if chromium().is_some() || std::env::var_os("TRIAGED_REQUIRE_BROWSER").is_some() {
        return None;
    }
    Some("browser test not run: no Chromium on the PATH (apt-get install chromium)".to_owned())
}

crate::trial!(
    multi_thread,
    the_dashboard_of_a_demo_run_renders_in_a_real_browser,
    needs = Browser
);
async fn the_dashboard_of_a_demo_run_renders_in_a_real_browser() {
    let browser = chromium().expect("Chromium (TRIAGED_CHROMIUM, chromium or chromium-browser)");
    let demo = tokio::task::spawn_blocking(ServingDemo::start)
        .await
        .unwrap();
    assert_eq!(
        demo.report["job_runs"]["failed"],
        0,
        "{}",
        std::fs::read_to_string(demo.narrative.path()).unwrap_or_default()
    );
    let base = demo.dashboard();
    let clusters: Vec<Value> = reqwest::get(format!("{base}/api/clusters"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        clusters.len() as u64,
        demo.report["clusters"].as_u64().unwrap(),
        "the API lists every cluster of the report"
    );
    let checkout = clusters
        .iter()
        .find(|c| c["title"].as_str().is_some_and(|t| t.contains("NoneType")))
        .expect("the checkout bug is listed");
    let fingerprint = checkout["fingerprint"].as_str().unwrap().to_owned();

    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let (list_shot, page_shot) = (shots.join("clusters.png"), shots.join("cluster.png"));
    let (list_url, page_url) = (format!("{base}/"), format!("{base}/clusters/{fingerprint}"));
    let (list, page) = tokio::task::spawn_blocking({
        let (browser, list_shot, page_shot) =
            (browser.clone(), list_shot.clone(), page_shot.clone());
        move || {
            (
                visit(&browser, &list_url, &list_shot),
                visit(&browser, &page_url, &page_shot),
            )
        }
    })
    .await
    .unwrap();

    // The clusters page: a row and a sparkline per cluster, the tickets linked.
    assert_eq!(
        list.matches("class=\"spark\"").count(),
        clusters.len(),
        "one sparkline per cluster:\n{list}"
    );
    assert!(
        list.contains("TypeError: 'NoneType' object is not iterable"),
        "{list}"
    );
    for ticket in ["ENG-1", "ENG-2", "ENG-3"] {
        assert!(
            list.contains(&format!(">{ticket}</a>")),
            "{ticket} linked from the list:\n{list}"
        );
    }
    // The cluster page: nine severity bars with reasons, the hourly chart, the timeline.
    assert_eq!(page.matches("class=\"sev-bar\"").count(), 9, "{page}");
    assert!(page.contains("class=\"hours\""), "the hourly chart");
    for step in ["created", "closed", "reopened"] {
        assert!(
            page.contains(&format!("<strong>{step}</strong>")),
            "the timeline shows {step}:\n{page}"
        );
    }
    assert!(page.contains("1.4.4"), "the regression's release");
    eprintln!(
        "screenshots: {} and {}",
        list_shot.display(),
        page_shot.display()
    );

    let status = tokio::task::spawn_blocking(move || demo.stop())
        .await
        .unwrap();
    assert!(
        status.success(),
        "the demo drains and exits 0 on SIGTERM: {status}"
    );
}
