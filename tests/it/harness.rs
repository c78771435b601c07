//! The test harness: every test registers itself with `trial!` and runs under libtest-mimic,
//! so a test whose prerequisite is missing (a Postgres server, a browser) is reported
//! `ignored` with the reason, never `ok`.

use std::future::Future;
use std::pin::Pin;

use libtest_mimic::{Arguments, Failed, Trial};

use crate::support::postgres;

/// What a test needs beyond the build.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Needs {
    Nothing,
    /// A Postgres server (configured, or a throwaway one this process starts).
    Postgres,
    /// Headless Chromium.
    Browser,
}

/// A test body and the runtime it runs on.
pub enum Body {
    Sync(fn()),
    /// `#[tokio::test]`'s runtime: one thread.
    CurrentThread(fn() -> Pin<Box<dyn Future<Output = ()>>>),
    /// A two-worker runtime, for tests that block or spawn.
    MultiThread(fn() -> Pin<Box<dyn Future<Output = ()>>>),
}

/// One registered test.
pub struct Case {
    /// `module_path!()` where it was registered (`it::store::…`).
    pub module: &'static str,
    pub name: &'static str,
    pub needs: Needs,
    pub body: Body,
}

inventory::collect!(Case);

/// `trial!(multi_thread, name)` registers `async fn name()` on a two-worker runtime;
/// `current_thread` on one thread; `sync` a plain `fn name()`. `needs = Postgres` or
/// `needs = Browser` names a prerequisite.
#[macro_export]
macro_rules! trial {
    ($runtime:ident, $name:ident) => {
        $crate::trial!($runtime, $name, needs = Nothing);
    };
    (sync, $name:ident, needs = $needs:ident) => {
        $crate::trial!(@case $name, $needs, $crate::harness::Body::Sync($name));
    };
    (current_thread, $name:ident, needs = $needs:ident) => {
        $crate::trial!(@case $name, $needs,
            $crate::harness::Body::CurrentThread(|| ::std::boxed::Box::pin($name())));
    };
    (multi_thread, $name:ident, needs = $needs:ident) => {
        $crate::trial!(@case $name, $needs,
            $crate::harness::Body::MultiThread(|| ::std::boxed::Box::pin($name())));
    };
    (@case $name:ident, $needs:ident, $body:expr) => {
        ::inventory::submit! {
            $crate::harness::Case {
                module: module_path!(),
                name: stringify!($name),
                needs: $crate::harness::Needs::$needs,
                body: $body,
            }
        }
    };
}

impl Case {
    /// The name libtest shows and filters on: the module path below the crate, then the test.
    pub fn full_name(&self) -> String {
        match self.module.split_once("::") {
            Some((_, below)) => format!("{below}::{}", self.name),
            None => self.name.to_owned(),
        }
    }

    fn run(&self) -> Result<(), Failed> {
        match self.body {
            Body::Sync(test) => test(),
            Body::CurrentThread(test) => tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?
                .block_on(test()),
            Body::MultiThread(test) => tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()?
                .block_on(test()),
        }
        Ok(())
    }
}

/// Why a prerequisite is missing, or `None` when it is there.
fn missing(needs: Needs) -> Option<String> {
    match needs {
        Needs::Nothing => None,
        Needs::Postgres => postgres::unavailable(),
        Needs::Browser => crate::demo::browser::unavailable(),
    }
}

/// Runs every registered test; one line on stderr per missing prerequisite.
pub fn main() {
    let args = Arguments::from_args();
    let mut cases: Vec<&'static Case> = inventory::iter::<Case>.into_iter().collect();
    cases.sort_by_key(|case| case.full_name());
    let mut told = Vec::new();
    let trials = cases
        .into_iter()
        .map(|case| {
            let trial = Trial::test(case.full_name(), move || case.run());
            match missing(case.needs) {
                None => trial,
                Some(reason) => {
                    if !told.contains(&case.needs) {
                        eprintln!("{reason}: the tests that need it are reported ignored");
                        told.push(case.needs);
                    }
                    trial.with_ignored_flag(true)
                }
            }
        })
        .collect();
    let conclusion = libtest_mimic::run(&args, trials);
    postgres::stop();
    conclusion.exit();
}

/// Every test goes through `trial!`: a `#[test]` in this crate would never run, since the
/// crate has its own `main`.
fn no_test_escapes_the_harness() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it");
    let attributes = [concat!("#[", "test]"), concat!("#[", "tokio::test")];
    let mut stray = Vec::new();
    let mut registered = 0;
    for file in rust_files(&root) {
        let text = std::fs::read_to_string(&file).unwrap();
        registered += text.matches("trial!(").count();
        for (number, line) in text.lines().enumerate() {
            if attributes.iter().any(|a| line.trim_start().starts_with(a)) {
                stray.push(format!("{}:{}", file.display(), number + 1));
            }
        }
    }
    assert!(stray.is_empty(), "tests the harness never runs: {stray:?}");
    assert!(
        inventory::iter::<Case>.into_iter().count() >= 50 && registered >= 50,
        "the tests are registered"
    );
}
crate::trial!(sync, no_test_escapes_the_harness);

fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}
