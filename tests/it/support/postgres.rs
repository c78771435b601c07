//! The Postgres server the Postgres variants run against: the one `TRIAGED_TEST_POSTGRES_URL`
//! names, else a throwaway server this process starts from `initdb` and `pg_ctl` (a
//! temporary data directory on a free loopback port, stopped when the tests end), else none.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock};

/// The admin URL of the test Postgres server, e.g. postgres://postgres@127.0.0.1:5432/postgres.
pub const POSTGRES_ENV: &str = "TRIAGED_TEST_POSTGRES_URL";

/// Why no Postgres test can run here, or `None` when one can.
pub fn unavailable() -> Option<String> {
    if std::env::var_os(POSTGRES_ENV).is_some() {
        return None;
    }
    match Binaries::find() {
        Ok(_) => None,
        Err(why) => Some(format!(
            "Postgres half not run: {POSTGRES_ENV} is unset and {why}"
        )),
    }
}

/// The admin URL to create test databases with; starts the throwaway server on first use.
pub fn admin_url() -> Result<String, String> {
    if let Ok(url) = std::env::var(POSTGRES_ENV) {
        return Ok(url);
    }
    static STARTED: OnceLock<Result<String, String>> = OnceLock::new();
    STARTED
        .get_or_init(|| {
            let server = Throwaway::start()?;
            let url = server.admin_url();
            eprintln!("Postgres: started a throwaway server at {url}");
            *RUNNING.lock().unwrap() = Some(server);
            Ok(url)
        })
        .clone()
}

/// Stops the throwaway server, if one was started.
pub fn stop() {
    if let Some(server) = RUNNING.lock().unwrap().take() {
        server.stop();
    }
}

static RUNNING: Mutex<Option<Throwaway>> = Mutex::new(None);

/// `initdb` and `pg_ctl`, and the user to run them as (they refuse to run as root).
struct Binaries {
    bin: PathBuf,
    run_as: Option<String>,
}

impl Binaries {
    fn find() -> Result<Binaries, String> {
        let bin = search_path()
            .into_iter()
            .chain(debian_dirs())
            .find(|dir| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file())
            .ok_or("no initdb/pg_ctl is on the PATH or in /usr/lib/postgresql")?;
        let root = output("id", &["-u"]).is_ok_and(|uid| uid == "0");
        let run_as = if root {
            output("id", &["-u", "postgres"])
                .map_err(|_| "initdb will not run as root and there is no postgres user")?;
            Some("postgres".to_owned())
        } else {
            None
        };
        Ok(Binaries { bin, run_as })
    }

    /// A command for `tool`, as the server's user.
    fn command(&self, tool: &str) -> Command {
        let tool = self.bin.join(tool);
        match &self.run_as {
            Some(user) => {
                let mut command = Command::new("runuser");
                command.args(["-u", user, "--"]).arg(tool);
                command
            }
            None => Command::new(tool),
        }
    }
}

fn search_path() -> Vec<PathBuf> {
    std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect())
        .unwrap_or_default()
}

/// Debian's `/usr/lib/postgresql/<version>/bin`, newest first.
fn debian_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|entries| entries.flatten().map(|e| e.path().join("bin")).collect())
        .unwrap_or_default();
    dirs.sort_by_key(|dir| std::cmp::Reverse(dir.clone()));
    dirs
}

fn output(program: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new(program)
        .args(args)
        .stderr(Stdio::null())
        .output()
        .map_err(|e| format!("{program}: {e}"))?;
    if !out.status.success() {
        return Err(format!("{program} {}: {}", args.join(" "), out.status));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// A server on a temporary data directory.
struct Throwaway {
    binaries: Binaries,
    data: PathBuf,
    port: u16,
}

impl Throwaway {
    fn start() -> Result<Throwaway, String> {
        let binaries = Binaries::find()?;
        let data = tempfile::Builder::new()
            .prefix("triaged-test-pg-")
            .tempdir()
            .map_err(|e| format!("a data directory: {e}"))?
            .keep();
        if let Some(user) = &binaries.run_as {
            let uid = output("id", &["-u", user])?;
            let gid = output("id", &["-g", user])?;
            std::os::unix::fs::chown(&data, uid.parse().ok(), gid.parse().ok())
                .map_err(|e| format!("chown {}: {e}", data.display()))?;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("a free port: {e}"))?
            .port();
        let server = Throwaway {
            binaries,
            data,
            port,
        };
        server.watch_for_exit();
        server.run(
            "initdb",
            &[
                "-D",
                &server.dir(),
                "-U",
                "postgres",
                "-A",
                "trust",
                "--no-sync",
            ],
        )?;
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
            server.dir()
        );
        let log = server.data.join("server.log").display().to_string();
        server.run(
            "pg_ctl",
            &[
                "-D",
                &server.dir(),
                "-l",
                &log,
                "-w",
                "-t",
                "60",
                "-o",
                &options,
                "start",
            ],
        )?;
        Ok(server)
    }

    fn dir(&self) -> String {
        self.data.display().to_string()
    }

    fn admin_url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn run(&self, tool: &str, args: &[&str]) -> Result<(), String> {
        let out = self
            .binaries
            .command(tool)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("{tool}: {e}"))?;
        if out.status.success() {
            return Ok(());
        }
        Err(format!(
            "{tool} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }

    /// A detached watcher that stops the server and removes its directory once this
    /// process is gone, however it ends.
    fn watch_for_exit(&self) {
        let stop = self.binaries.command("pg_ctl");
        let mut line: Vec<String> = std::iter::once(stop.get_program())
            .chain(stop.get_args())
            .map(|part| shell_quote(&part.to_string_lossy()))
            .collect();
        line.extend(["-D", &shell_quote(&self.dir()), "-m", "immediate", "stop"].map(String::from));
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {stop} >/dev/null 2>&1; rm -rf {dir}",
            pid = std::process::id(),
            stop = line.join(" "),
            dir = shell_quote(&self.dir()),
        );
        use std::os::unix::process::CommandExt;
        let _ = Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn();
    }

    fn stop(self) {
        let _ = self.run("pg_ctl", &["-D", &self.dir(), "-m", "immediate", "stop"]);
        let _ = std::fs::remove_dir_all(Path::new(&self.data));
    }
}

fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}
