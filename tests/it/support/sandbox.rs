//! `triaged sandbox` as a process for tests: started on a seed, its admin endpoint read and
//! driven, and the daemon run against its printed configuration.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_triaged");

/// The binary the sandbox tests run: `BIN`, or `$TRIAGED_TEST_BIN` (a copy, so that a long
/// storm keeps running one build while the tree is rebuilt).
fn binary() -> String {
    std::env::var("TRIAGED_TEST_BIN").unwrap_or_else(|_| BIN.to_owned())
}

/// A running `triaged sandbox`, killed when dropped.
pub struct Sandbox {
    pub child: Child,
    pub config: PathBuf,
    pub admin: String,
}

impl Sandbox {
    pub fn start(dir: &Path, seed: u64, extra: &[&str]) -> Sandbox {
        let seed = seed.to_string();
        let mut child = Command::new(binary())
            .args(["sandbox", "--dir", dir.to_str().unwrap(), "--seed", &seed])
            .args(["--daemon-bind", "127.0.0.1:0"])
            .args(extra)
            .env_remove("RUST_LOG")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary runs");
        let stderr = child.stderr.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let ready = lines
            .recv_timeout(Duration::from_secs(30))
            .expect("the sandbox says it is ready");
        let (config, admin) = ready
            .strip_prefix("sandbox ready: config ")
            .and_then(|rest| rest.split_once(", admin "))
            .unwrap_or_else(|| panic!("a ready line: {ready}"));
        Sandbox {
            config: PathBuf::from(config),
            admin: admin.to_owned(),
            child,
        }
    }

    /// `triaged --config <the sandbox's file> <args>` with the emulator's AWS credentials,
    /// not yet started.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(binary());
        command
            .arg("--config")
            .arg(&self.config)
            .args(args)
            .env("AWS_ACCESS_KEY_ID", "AKIDTRIAGEDSANDBOX")
            .env("AWS_SECRET_ACCESS_KEY", "sandbox")
            .env("RUST_LOG", "error");
        command
    }

    /// `command(args)` run to its end.
    pub fn daemon(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("the binary runs")
    }

    pub fn state(&self) -> Value {
        reqwest::blocking_get(&format!("{}/state", self.admin))
    }

    /// `GET <admin><path>` as JSON.
    pub fn get(&self, path: &str) -> Value {
        reqwest::blocking_get(&format!("{}{path}", self.admin))
    }

    pub fn post(&self, path: &str, body: Value) -> (u16, Value) {
        reqwest::blocking_post(&format!("{}{path}", self.admin), body)
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Blocking HTTP through reqwest on a throwaway runtime (the test itself is synchronous).
mod reqwest {
    use serde_json::Value;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    pub fn blocking_get(url: &str) -> Value {
        runtime().block_on(async { ::reqwest::get(url).await.unwrap().json().await.unwrap() })
    }

    pub fn blocking_post(url: &str, body: Value) -> (u16, Value) {
        runtime().block_on(async {
            let response = ::reqwest::Client::new()
                .post(url)
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            (status, response.json().await.unwrap_or(Value::Null))
        })
    }
}

/// The run's detail after `<job>: succeeded `.
pub fn succeeded(job: &str, out: &Output) -> Value {
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{job}: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let detail = stdout
        .trim()
        .strip_prefix(&format!("{job}: succeeded "))
        .unwrap_or_else(|| panic!("{job}: {stdout}"));
    serde_json::from_str(detail).unwrap()
}
