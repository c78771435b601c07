//! Secrets in configuration: written as `${ENV_VAR}` or `file:/path`, resolved once at load,
//! never printed. Adapters and their clients hold a [`Secret`], never a bare `String`. A
//! leaf: it imports nothing else of the crate.

use std::fmt;

use serde::{Deserialize, Deserializer};

/// A secret value. `Debug` and `Display` never show it; only [`Secret::expose`] does.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret {
    spec: String,
    value: Option<String>,
}

impl Secret {
    /// A secret already known (tests, the demo).
    pub fn from_value(value: impl Into<String>) -> Self {
        Self {
            spec: String::new(),
            value: Some(value.into()),
        }
    }

    /// The secret itself. Empty only for a secret that was never resolved, which a loaded
    /// loaded configuration cannot contain.
    pub fn expose(&self) -> &str {
        self.value.as_deref().unwrap_or("")
    }

    /// Resolves `${VAR}` from `env`, `file:/path` from disk, and accepts a literal only when
    /// `literal_allowed` (the value came from an environment override, not from the file).
    pub(crate) fn resolve(
        &mut self,
        env: &dyn Fn(&str) -> Option<String>,
        literal_allowed: bool,
    ) -> Result<(), String> {
        if self.value.is_some() {
            return Ok(());
        }
        let spec = self.spec.trim();
        let value = if let Some(var) = spec.strip_prefix("${").and_then(|s| s.strip_suffix('}')) {
            match env(var) {
                Some(v) if !v.is_empty() => v,
                Some(_) => return Err(format!("environment variable {var} is empty")),
                None => return Err(format!("environment variable {var} is not set")),
            }
        } else if let Some(path) = spec.strip_prefix("file:") {
            let text = read_capped(path)?;
            if text.trim().is_empty() {
                return Err(format!("secret file {path} is empty"));
            }
            text.trim_end_matches(['\n', '\r']).to_string()
        } else if literal_allowed {
            spec.to_string()
        } else {
            return Err(
                "secrets must not be written in the file: use \"${ENV_VAR}\" or \"file:/path\""
                    .to_string(),
            );
        };
        self.value = Some(value);
        Ok(())
    }
}

/// Longest `file:` secret read: a token, key or URL is far shorter, and a path such as
/// `/dev/zero` or a log file by mistake must not be read until memory runs out.
pub const MAX_SECRET_FILE_BYTES: usize = 64 * 1024;

/// The file's text, read up to one byte past `MAX_SECRET_FILE_BYTES` (so a longer file is
/// refused without being read whole); the error names the path and what was wrong.
fn read_capped(path: &str) -> Result<String, String> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| {
            file.take(MAX_SECRET_FILE_BYTES as u64 + 1)
                .read_to_end(&mut bytes)
        })
        .map_err(|e| format!("cannot read secret file {path}: {e}"))?;
    if bytes.len() > MAX_SECRET_FILE_BYTES {
        return Err(format!(
            "secret file {path} is larger than {MAX_SECRET_FILE_BYTES} bytes"
        ));
    }
    String::from_utf8(bytes).map_err(|_| format!("secret file {path} is not UTF-8 text"))
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spec = String::deserialize(deserializer)?;
        Ok(Self { spec, value: None })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(s: &str) -> Secret {
        Secret {
            spec: s.into(),
            value: None,
        }
    }

    #[test]
    fn env_reference_resolves_and_debug_hides_it() {
        let mut s = spec("${TOKEN}");
        s.resolve(&|k| (k == "TOKEN").then(|| "s3cr3t".to_string()), false)
            .unwrap();
        assert_eq!(s.expose(), "s3cr3t");
        assert!(!format!("{s:?}").contains("s3cr3t"));
    }

    #[test]
    fn missing_env_var_is_named() {
        let err = spec("${NOPE}").resolve(&|_| None, false).unwrap_err();
        assert!(err.contains("NOPE"), "{err}");
    }

    #[test]
    fn literal_in_file_is_refused_but_allowed_from_env_override() {
        assert!(spec("abc").resolve(&|_| None, false).is_err());
        let mut s = spec("abc");
        s.resolve(&|_| None, true).unwrap();
        assert_eq!(s.expose(), "abc");
    }

    #[test]
    fn file_reference_reads_and_trims_newline() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        std::fs::write(&path, "from-file\n").unwrap();
        let mut s = spec(&format!("file:{}", path.display()));
        s.resolve(&|_| None, false).unwrap();
        assert_eq!(s.expose(), "from-file");
    }

    #[test]
    fn a_secret_file_is_read_up_to_a_cap_never_whole() {
        let err = spec("file:/dev/zero")
            .resolve(&|_| None, false)
            .unwrap_err();
        assert_eq!(
            err,
            format!("secret file /dev/zero is larger than {MAX_SECRET_FILE_BYTES} bytes")
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        std::fs::write(&path, "k".repeat(MAX_SECRET_FILE_BYTES)).unwrap();
        let mut at_cap = spec(&format!("file:{}", path.display()));
        at_cap.resolve(&|_| None, false).unwrap();
        assert_eq!(at_cap.expose().len(), MAX_SECRET_FILE_BYTES);
        std::fs::write(&path, [0xff, 0xfe]).unwrap();
        let err = spec(&format!("file:{}", path.display()))
            .resolve(&|_| None, false)
            .unwrap_err();
        assert!(err.ends_with("is not UTF-8 text"), "{err}");
    }
}
