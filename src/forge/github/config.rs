//! `GitHubConfig`: where the GitHub API is (github.com or an Enterprise server), the
//! token, the branch prefix triaged owns, and the HTTP policy.

use serde::{Deserialize, Serialize};

use crate::domain::lifecycle::RELEASE_PLACEHOLDER;
use crate::http_client::HttpPolicy;
use crate::secret::Secret;

/// Settings of the GitHub code host (the `[github]` section).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GitHubConfig {
    /// The REST API root: `https://api.github.com`, or `https://HOST/api/v3` for GitHub
    /// Enterprise Server.
    pub base_url: String,
    /// A token with contents and pull-request write access to the named repositories only
    /// (`${ENV}` or `file:`), sent as `Authorization: Bearer`. The client takes the
    /// resolved token as a constructor argument.
    #[serde(skip_serializing)]
    pub token: Option<Secret>,
    /// Branches triaged creates start with this; it writes to no other branch.
    pub branch_prefix: String,
    /// The git ref (tag, branch) of a deployed release, with `{release}` standing for the
    /// release name the logs report: `"v{release}"` when release `1.4.2` is tagged `v1.4.2`.
    /// The verify job compares it with a merged fix's commit to learn the first release
    /// that carries the fix.
    pub release_ref: String,
    pub http: HttpPolicy,
}

impl Default for GitHubConfig {
    fn default() -> Self {
        GitHubConfig {
            base_url: "https://api.github.com".to_owned(),
            token: None,
            branch_prefix: "triaged/".to_owned(),
            release_ref: RELEASE_PLACEHOLDER.to_owned(),
            http: HttpPolicy::default(),
        }
    }
}

impl GitHubConfig {
    /// Every problem at once, one per line, each starting with its key (`base_url: …`).
    pub fn validate(&self) -> Result<(), String> {
        let mut problems = Vec::new();
        match reqwest::Url::parse(&self.base_url) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && !url.cannot_be_a_base() => {
                if url.query().is_some() || url.fragment().is_some() {
                    problems.push(format!(
                        "base_url: {:?} must not have a query or fragment",
                        self.base_url
                    ));
                }
            }
            _ => problems.push(format!(
                "base_url: {:?} must be an http(s) URL",
                self.base_url
            )),
        }
        let prefix = self.branch_prefix.as_str();
        let prefix_ok = prefix.len() >= 2
            && prefix.ends_with('/')
            && !prefix.starts_with('/')
            && prefix
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.'))
            && !prefix.contains("..")
            && !prefix.contains("//");
        if !prefix_ok {
            problems.push(format!(
                "branch_prefix: {prefix:?} must be a branch namespace ending in `/`, like \"triaged/\""
            ));
        }
        if !self.release_ref.contains(RELEASE_PLACEHOLDER)
            || self.release_ref.contains("...")
            || self.release_ref.contains(char::is_whitespace)
        {
            problems.push(format!(
                "release_ref: {:?} must hold {RELEASE_PLACEHOLDER} and no spaces or `...`, like \"v{RELEASE_PLACEHOLDER}\"",
                self.release_ref
            ));
        }
        if let Err(e) = self.http.validate() {
            problems.push(format!("http: {e}"));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("\n"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_point_at_github_com() {
        let config = GitHubConfig::default();
        config.validate().expect("valid");
        assert_eq!(config.base_url, "https://api.github.com");
        assert_eq!(config.branch_prefix, "triaged/");
    }

    #[test]
    fn every_problem_is_named_by_its_key() {
        let config = GitHubConfig {
            base_url: "ftp://ghe.example.com".into(),
            branch_prefix: "main".into(),
            release_ref: "latest".into(),
            http: HttpPolicy {
                max_attempts: 0,
                ..HttpPolicy::default()
            },
            ..GitHubConfig::default()
        };
        let problems = config.validate().expect_err("invalid");
        let keys: Vec<&str> = problems
            .lines()
            .filter_map(|l| l.split(':').next())
            .collect();
        assert_eq!(
            keys,
            ["base_url", "branch_prefix", "release_ref", "http"],
            "{problems}"
        );
    }

    #[test]
    fn parses_enterprise_settings_and_never_writes_the_token() {
        let config: GitHubConfig = toml::from_str(
            r#"
            base_url = "https://ghe.example.com/api/v3"
            token = "${GITHUB_TOKEN}"
            release_ref = "v{release}"
            "#,
        )
        .expect("parses");
        config.validate().expect("valid");
        assert!(config.token.is_some());
        assert_eq!(config.release_ref, "v{release}");
        let written = toml::to_string(&config).expect("serializes");
        assert!(!written.contains("token"), "{written}");
        assert!(!format!("{config:?}").contains("GITHUB_TOKEN"));
        let unknown = toml::from_str::<GitHubConfig>("base_uri = \"x\"");
        assert!(unknown.is_err());
    }
}
