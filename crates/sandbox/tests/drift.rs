//! The drift test: every contract subset held to the vendor's published file it was cut
//! from, in `$TRIAGED_CONTRACTS` or else `../shared/contracts` beside the checkout.
//!
//! Everything a subset keeps must be upstream unchanged (see `contracts::drift`). Without
//! the upstream files the checks are reported as ignored, with one line saying why, never
//! as passed; with `TRIAGED_REQUIRE_CONTRACTS=1` (as CI sets) they run and fail instead.

use std::path::{Path, PathBuf};

use apollo_compiler::Schema;
use libtest_mimic::{Arguments, Failed, Trial};
use triaged_sandbox::contracts::{SPECS, Spec, Subset, drift, text};

fn upstream_dir() -> PathBuf {
    match std::env::var_os("TRIAGED_CONTRACTS") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/contracts"),
    }
}

fn check(spec: &Spec, upstream: &Path) -> Result<(), Failed> {
    let path = upstream.join(spec.upstream);
    let theirs = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let drifts = if spec.subset == Subset::Linear {
        let ours = Schema::parse(text(spec.subset), spec.file).map_err(|e| e.errors.to_string())?;
        let theirs = Schema::parse(theirs, &path).map_err(|e| e.errors.to_string())?;
        drift::graphql(&ours, &theirs)
    } else {
        let theirs: serde_json::Value =
            serde_json::from_str(&theirs).map_err(|e| format!("{}: {e}", path.display()))?;
        drift::json(triaged_sandbox::contracts::json(spec.subset), &theirs)
    };
    if drifts.is_empty() {
        return Ok(());
    }
    Err(format!(
        "contracts/{} has drifted from {} ({}):\n  {}",
        spec.file,
        path.display(),
        drifts.len(),
        drifts.join("\n  ")
    )
    .into())
}

fn main() {
    let args = Arguments::from_args();
    let upstream = upstream_dir();
    let present = upstream.is_dir();
    let required = std::env::var("TRIAGED_REQUIRE_CONTRACTS").is_ok_and(|v| v == "1");
    if !present && !required {
        eprintln!(
            "drift: the vendors' published contracts are not at {} (set TRIAGED_CONTRACTS): \
             the drift checks are not run and show as ignored",
            upstream.display()
        );
    }
    let trials = SPECS
        .iter()
        .map(|spec| {
            let upstream = upstream.clone();
            Trial::test(format!("subset_is_upstream::{}", spec.file), move || {
                check(spec, &upstream)
            })
            .with_ignored_flag(!present && !required)
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
