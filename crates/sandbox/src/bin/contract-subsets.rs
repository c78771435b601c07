//! `contract-subsets UPSTREAM_DIR [--check]`, run from the workspace root (through
//! `scripts/contract-subsets`): cuts every contract subset in `crates/sandbox/contracts/`
//! from the vendors' published files in UPSTREAM_DIR, and prints each with its size.
//! With `--check` it writes nothing and exits 1 if a committed subset differs from what
//! the cut makes now.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use triaged_sandbox::contracts::{Cut, SPECS, Spec, cut, graphql};

const SUBSETS_DIR: &str = "crates/sandbox/contracts";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check = args.iter().any(|a| a == "--check");
    let Some(upstream) = args.iter().find(|a| !a.starts_with("--")) else {
        eprintln!("usage: contract-subsets UPSTREAM_DIR [--check]");
        return ExitCode::from(2);
    };
    let mut stale = 0;
    for spec in &SPECS {
        let made = match make(spec, Path::new(upstream)) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("{}: {e}", spec.file);
                return ExitCode::FAILURE;
            }
        };
        let target = PathBuf::from(SUBSETS_DIR).join(spec.file);
        let committed = std::fs::read_to_string(&target).unwrap_or_default();
        let state = if committed == made {
            "current"
        } else {
            "changed"
        };
        if check {
            stale += usize::from(committed != made);
        } else if committed != made
            && let Err(e) = std::fs::write(&target, &made)
        {
            eprintln!("{}: {e}", target.display());
            return ExitCode::FAILURE;
        }
        println!("{:>9} bytes  {}  ({state})", made.len(), spec.file);
    }
    if stale > 0 {
        eprintln!("{stale} subset(s) differ from a fresh cut: run scripts/contract-subsets");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// The subset's text as cut from `upstream_dir` now.
fn make(spec: &Spec, upstream_dir: &Path) -> Result<String, String> {
    let path = upstream_dir.join(spec.upstream);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let json = || serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()));
    let value = match spec.cut {
        Cut::GraphQl { documents } => {
            let schema = apollo_compiler::Schema::parse_and_validate(&text, &path)
                .map_err(|e| e.errors.to_string())?;
            return graphql::cut(&schema, &read_documents(documents)?);
        }
        Cut::OpenApi {
            operations,
            examples,
            union_members,
        } => cut::openapi(&json()?, operations, examples, union_members)?,
        Cut::Botocore { operations, shapes } => cut::botocore(&json()?, operations, shapes)?,
        Cut::JsonSchema { union_members } => cut::json_schema(&json()?, union_members)?,
    };
    let mut out = serde_json::to_string_pretty(&value).map_err(|e| e.to_string())?;
    out.push('\n');
    Ok(out)
}

/// Every `.graphql` file in the folders, in name order, as one document.
fn read_documents(folders: &[&str]) -> Result<String, String> {
    let mut files = Vec::new();
    for folder in folders {
        let entries = std::fs::read_dir(folder).map_err(|e| format!("{folder}: {e}"))?;
        for entry in entries {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.extension().is_some_and(|e| e == "graphql") {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut all = String::new();
    for file in files {
        let text =
            std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        all.push_str(&text);
        all.push('\n');
    }
    Ok(all)
}
