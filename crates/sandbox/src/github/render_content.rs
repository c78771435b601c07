//! The GitHub emulator's contents API JSON: `content-file` (base64 in lines of 60, or no
//! content over 1 MiB, as GitHub does) and `content-directory` entries.

use base64::Engine;
use serde_json::{Value, json};

use super::render::Site;
use super::state::RepoState;

impl Site {
    /// `content-file`: base64 in lines of 60 like GitHub, or no content over 1 MiB.
    pub(super) fn content_file(
        &self,
        repo: &RepoState,
        path: &str,
        blob: &str,
        git_ref: &str,
    ) -> Value {
        let full = repo.full_name();
        let bytes = repo.blobs.get(blob).map_or(&[][..], Vec::as_slice);
        let (content, encoding) = if bytes.len() as u64 > super::FILE_SIZE_MAX {
            (String::new(), "none")
        } else {
            let packed = base64::engine::general_purpose::STANDARD.encode(bytes);
            let lines: Vec<&str> = packed
                .as_bytes()
                .chunks(60)
                .map(|c| std::str::from_utf8(c).unwrap_or_default())
                .collect();
            (format!("{}\n", lines.join("\n")), "base64")
        };
        let name = path.rsplit('/').next().unwrap_or(path);
        let (at, rev) = (encoded(path), encoded(git_ref));
        let url = self.api_url(&format!("repos/{full}/contents/{at}?ref={rev}"));
        let git_url = self.api_url(&format!("repos/{full}/git/blobs/{blob}"));
        let html_url = format!("{}/{full}/blob/{rev}/{at}", self.root);
        let download_url = format!("{}/raw/{full}/{rev}/{at}", self.root);
        json!({
            "type": "file", "encoding": encoding, "size": bytes.len(), "name": name,
            "path": path, "content": content, "sha": blob, "url": url, "git_url": git_url,
            "html_url": html_url, "download_url": download_url,
            "_links": { "self": url, "git": git_url, "html": html_url },
        })
    }

    /// One entry of a `content-directory` listing.
    pub(super) fn content_dir_entry(
        &self,
        repo: &RepoState,
        path: &str,
        kind: &str,
        sha: &str,
        size: usize,
    ) -> Value {
        let full = repo.full_name();
        let url = self.api_url(&format!("repos/{full}/contents/{}", encoded(path)));
        let name = path.rsplit('/').next().unwrap_or(path);
        json!({
            "type": kind, "size": size, "name": name, "path": path, "sha": sha, "url": url,
            "git_url": null, "html_url": null, "download_url": null,
            "_links": { "self": url, "git": null, "html": null },
        })
    }
}

/// A path for a URL: bytes outside the unreserved set and `/` percent-encoded.
pub(super) fn encoded(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
