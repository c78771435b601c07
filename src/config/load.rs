//! Loading: file → environment overrides → serde (collecting every type error and unknown
//! key) → validation (ranges, schedules, secrets), so one run reports every problem.

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;

use serde_path_to_error::Segment;
use toml::{Table, Value};

use super::Config;
pub use crate::problem::Problem;

/// The prefix of environment overrides: `TRIAGED__HTTP__BIND=0.0.0.0:9464`.
pub const ENV_PREFIX: &str = "TRIAGED__";

/// Every problem found while loading, in file order where possible.
#[derive(Debug, thiserror::Error)]
pub struct ConfigError {
    pub problems: Vec<Problem>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} configuration problem(s):", self.problems.len())?;
        for p in &self.problems {
            writeln!(f, "  {p}")?;
        }
        Ok(())
    }
}

/// Where the file comes from: an explicit `--config` must exist; the default may be absent.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    Explicit(&'a Path),
    Default(&'a Path),
}

impl Config {
    /// Loads from a file (or built-in defaults when the default file is absent), applies
    /// overrides from `env`, resolves secrets and validates.
    pub fn load(source: Source<'_>, env: &[(String, String)]) -> Result<Config, ConfigError> {
        let (path, required) = match source {
            Source::Explicit(p) => (p, true),
            Source::Default(p) => (p, false),
        };
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => {
                return Err(ConfigError {
                    problems: vec![Problem::new(path.display().to_string(), e.to_string())],
                });
            }
        };
        Self::from_toml_str(&text, env)
    }

    /// Parses TOML text, then as [`Config::load`].
    pub fn from_toml_str(text: &str, env: &[(String, String)]) -> Result<Config, ConfigError> {
        let mut table: Table = text.parse().map_err(|e: toml::de::Error| ConfigError {
            problems: vec![Problem::new("(file)", e.to_string().trim().to_string())],
        })?;
        let mut problems = Vec::new();
        let overridden = apply_env_overrides(&mut table, env, &mut problems);
        let mut config = deserialize_collecting(table, &mut problems);
        let lookup = |name: &str| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        config.resolve_secrets(&lookup, &overridden, &mut problems);
        config.validate(&mut problems);
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(ConfigError { problems })
        }
    }
}

/// `TRIAGED__A__B=v` sets `a.b = v`. The value is read as a TOML value when it parses as one
/// (`140`, `true`, `["x"]`), else as a string. Returns the overridden key paths.
fn apply_env_overrides(
    table: &mut Table,
    env: &[(String, String)],
    problems: &mut Vec<Problem>,
) -> BTreeSet<String> {
    let mut overridden = BTreeSet::new();
    for (name, raw) in env {
        let Some(rest) = name.strip_prefix(ENV_PREFIX) else {
            continue;
        };
        let keys: Vec<String> = rest.split("__").map(|k| k.to_ascii_lowercase()).collect();
        if keys.iter().any(String::is_empty) {
            problems.push(Problem::new(name.clone(), "malformed override name"));
            continue;
        }
        let value = format!("v = {raw}")
            .parse::<Table>()
            .ok()
            .and_then(|mut t| t.remove("v"))
            .unwrap_or_else(|| Value::String(raw.clone()));
        if let Err(reason) = set_path(table, &keys, value) {
            problems.push(Problem::new(keys.join("."), reason));
            continue;
        }
        overridden.insert(keys.join("."));
    }
    overridden
}

/// Sets `keys` (a path) to `value`, creating tables on the way.
fn set_path(table: &mut Table, keys: &[String], value: Value) -> Result<(), &'static str> {
    match keys {
        [] => Err("empty key"),
        [last] => {
            table.insert(last.clone(), value);
            Ok(())
        }
        [first, rest @ ..] => match table
            .entry(first.clone())
            .or_insert_with(|| Value::Table(Table::new()))
        {
            Value::Table(child) => set_path(child, rest, value),
            _ => Err("override goes through a value that is not a table"),
        },
    }
}

/// Deserializes, reporting every unknown key and every type error: a value that fails is
/// reported and removed (its default applies) and deserialization is retried.
fn deserialize_collecting(mut table: Table, problems: &mut Vec<Problem>) -> Config {
    // Each retry removes one key, so this terminates within the number of keys.
    for _ in 0..=count_keys(&table) {
        let mut unknown = Vec::new();
        // serde_ignored writes an `Option` layer as `?`; users never see that layer.
        let mut note_unknown =
            |p: serde_ignored::Path<'_>| unknown.push(p.to_string().replace(".?", ""));
        let deserializer =
            serde_ignored::Deserializer::new(Value::Table(table.clone()), &mut note_unknown);
        match serde_path_to_error::deserialize::<_, Config>(deserializer) {
            Ok(config) => {
                problems.extend(unknown.into_iter().map(|p| Problem::new(p, "unknown key")));
                return config;
            }
            Err(e) => {
                let segments: Vec<Segment> = e.path().iter().cloned().collect();
                problems.push(Problem::new(e.path().to_string(), clean_reason(e.inner())));
                if !remove_path(&mut table, &segments) {
                    return Config::default();
                }
            }
        }
    }
    Config::default()
}

fn clean_reason(e: &toml::de::Error) -> String {
    e.message().trim().to_string()
}

fn count_keys(table: &Table) -> usize {
    table
        .values()
        .map(|v| match v {
            Value::Table(t) => 1 + count_keys(t),
            _ => 1,
        })
        .sum()
}

/// Removes the deepest map key named by `segments` (an array element removes its array).
fn remove_path(table: &mut Table, segments: &[Segment]) -> bool {
    let keys: Vec<&str> = segments
        .iter()
        .map_while(|s| match s {
            Segment::Map { key } => Some(key.as_str()),
            _ => None,
        })
        .collect();
    let Some((last, parents)) = keys.split_last() else {
        return false;
    };
    let mut node = table;
    for key in parents {
        match node.get_mut(*key) {
            Some(Value::Table(t)) => node = t,
            _ => return false,
        }
    }
    node.remove(*last).is_some()
}
