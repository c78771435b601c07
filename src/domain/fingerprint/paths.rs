//! File-path normalization: one repo-relative form for a file whatever the deploy root,
//! release directory, package version or bundler hash in the reported path.

/// Roots that deployments put the repository under (absolute paths only), as segments;
/// `*` matches any one segment. The longest matching root is dropped.
const DEPLOY_ROOTS: &[&[&str]] = &[
    &["usr", "src", "app"],
    &["usr", "local", "app"],
    &["usr", "app"],
    &["var", "task"],
    &["var", "app", "current"],
    &["var", "www", "html"],
    &["home", "site", "wwwroot"],
    &["inetpub", "wwwroot"],
    &["opt", "app"],
    &["home", "*"],
    &["Users", "*"],
    &["root"],
    &["opt"],
    &["srv"],
    &["app"],
    &["code"],
    &["workspace"],
    &["build"],
    &["src"],
];

/// Normalizes a reported file path or URL:
/// - `\` → `/`; query, fragment, `:line`/`:line:col`/`:line N` and ` +0x1d` suffixes dropped;
/// - URL scheme and host dropped (`https://cdn/x.js`, `app:///x.js`, `webpack://app/./x.js`);
///   `file://` and Windows drives (`C:\`) are absolute paths;
/// - `.` and `..` resolved;
/// - library paths cut to the package: `…/node_modules/<pkg>/…` (last one, so pnpm's
///   `.pnpm/x@1.2.3/node_modules/x` too) keeps `node_modules/`; `site-packages`,
///   `dist-packages`, `lib/pythonX.Y`, Go `pkg/mod` and `go/src` (GOPATH, GOROOT), cargo
///   registry and `/rustc/<hash>` drop everything before the package; Ruby `gems/` is kept;
/// - release directories dropped: `…/releases/<id>/`, Capistrano `…/current/`;
/// - otherwise an absolute path loses its deploy root (`/srv`, `/app`, `/usr/src/app`,
///   `/var/task`, `/home/<user>`, …, see `DEPLOY_ROOTS`) and its leading `/`;
/// - versions dropped from directories (`express@4.18.2` → `express`, `rack-2.2.8` → `rack`)
///   and version/timestamp/hash directories removed (`1.4.2`, `20240501`, `3f2a1b9c…`);
/// - bundler hashes dropped from the file name (`main.3f2a1b.js` → `main.js`,
///   `index-BkL9rW2x.js` → `index.js`, `123.chunk.js` → `chunk.js`).
pub fn normalize_path(raw: &str) -> String {
    let mut s = raw.trim().replace('\\', "/");
    if let Some(i) = s.find(" +0x") {
        s.truncate(i);
    }
    let (scheme_abs, rest) = strip_scheme(&s);
    let mut s = rest;
    if let Some(i) = s.find(['?', '#']) {
        s.truncate(i);
    }
    strip_line_suffix(&mut s);
    let mut absolute = scheme_abs || s.starts_with('/') || s.starts_with("~/");
    let bytes = s.as_bytes();
    if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        s.replace_range(..2, "");
        absolute = true;
    }
    let mut segs: Vec<&str> = Vec::new();
    for seg in s.split('/') {
        match seg {
            "" | "." | "~" => {}
            ".." => {
                segs.pop();
            }
            _ => segs.push(seg),
        }
    }
    let mut out: Vec<String> = Vec::new();
    if let Some((start, keep)) = library_cut(&segs) {
        out.extend(keep.map(str::to_owned));
        segs.drain(..start);
    } else if let Some(start) = release_cut(&segs, absolute) {
        segs.drain(..start);
    } else if absolute {
        let root = DEPLOY_ROOTS
            .iter()
            .filter(|r| {
                r.len() < segs.len() && r.iter().zip(&segs).all(|(p, s)| *p == "*" || p == s)
            })
            .map(|r| r.len())
            .max()
            .unwrap_or(0);
        segs.drain(..root);
    }
    let Some((base, dirs)) = segs.split_last() else {
        return out.join("/");
    };
    for dir in dirs {
        if !is_version_or_hash_dir(dir) {
            out.push(strip_dir_version(dir).to_owned());
        }
    }
    out.push(strip_file_hash(base));
    out.join("/")
}

/// `(scheme made the path absolute, rest)`: `file:///x` → `(true, "/x")`; `https://h/x` →
/// `(false, "x")`.
fn strip_scheme(s: &str) -> (bool, String) {
    let Some(i) = s.find("://") else {
        return (false, s.to_owned());
    };
    let scheme = &s[..i];
    let is_scheme = !scheme.is_empty()
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b));
    if !is_scheme {
        return (false, s.to_owned());
    }
    let rest = &s[i + 3..];
    if scheme.eq_ignore_ascii_case("file") {
        return (true, rest.to_owned());
    }
    (
        false,
        rest.split_once('/').map_or("", |(_, p)| p).to_owned(),
    )
}

/// Drops `:42`, `:42:7` and `:line 42` endings.
fn strip_line_suffix(s: &mut String) {
    if let Some(i) = s.rfind(":line ")
        && s[i + 6..].trim().bytes().all(|b| b.is_ascii_digit())
    {
        s.truncate(i);
    }
    for _ in 0..2 {
        match s.rfind(':') {
            Some(i) if i + 1 < s.len() && s[i + 1..].bytes().all(|b| b.is_ascii_digit()) => {
                s.truncate(i)
            }
            _ => break,
        }
    }
}

/// `(index where the kept part starts, prefix to keep)` for the last library marker.
fn library_cut(segs: &[&str]) -> Option<(usize, Option<&'static str>)> {
    let mut cut = None;
    for (i, seg) in segs.iter().enumerate() {
        let next = segs.get(i + 1).copied();
        let found = match *seg {
            "node_modules" => Some((i + 1, Some("node_modules"))),
            "site-packages" | "dist-packages" => Some((i + 1, None)),
            "gems" => Some((i + 1, Some("gems"))),
            "pkg" if next == Some("mod") => Some((i + 2, None)),
            "registry" if i > 0 && segs[i - 1] == ".cargo" && next == Some("src") => {
                Some((i + 3, None))
            }
            "rustc" if i == 0 => Some((i + 2, None)),
            "go" if i <= 2 && next == Some("src") => Some((i + 2, None)),
            s if s.starts_with("python")
                && s[6..].starts_with(|c: char| c.is_ascii_digit())
                && i > 0
                && segs[i - 1].starts_with("lib") =>
            {
                Some((i + 1, None))
            }
            _ => None,
        };
        if let Some((start, keep)) = found
            && start < segs.len()
        {
            cut = Some((start, keep));
        }
    }
    cut
}

/// Start after `releases/<id>/` (anywhere) or a Capistrano `current/` near the root.
fn release_cut(segs: &[&str], absolute: bool) -> Option<usize> {
    let releases = segs.windows(2).enumerate().rev().find(|(i, w)| {
        w[0] == "releases" && w[1].bytes().any(|b| b.is_ascii_digit()) && i + 2 < segs.len()
    });
    if let Some((i, _)) = releases {
        return Some(i + 2);
    }
    let near_root = absolute && ["var", "home", "srv", "opt"].contains(segs.first()?);
    let i = segs.iter().position(|s| *s == "current")?;
    (near_root && (1..=3).contains(&i) && i + 1 < segs.len()).then_some(i + 1)
}

fn is_version(s: &str) -> bool {
    let s = s.strip_prefix('v').unwrap_or(s);
    let mut parts = s.split('.');
    let head_ok = parts
        .next()
        .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let rest: Vec<&str> = parts.collect();
    head_ok
        && !rest.is_empty()
        && rest
            .iter()
            .all(|p| p.bytes().next().is_some_and(|b| b.is_ascii_digit()))
}

/// Bundler/content hashes: hex with a digit (≥ 6), or base64url with a digit and both cases (≥ 8).
fn is_hash(s: &str, min_hex: usize) -> bool {
    let has_digit = s.bytes().any(|b| b.is_ascii_digit());
    let hex = s.len() >= min_hex && s.bytes().all(|b| b.is_ascii_hexdigit());
    let b64 = s.len() >= 8
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        && s.bytes().any(|b| b.is_ascii_uppercase())
        && s.bytes().any(|b| b.is_ascii_lowercase());
    has_digit && (hex || b64)
}

fn is_version_or_hash_dir(s: &str) -> bool {
    let all_digits = s.bytes().all(|b| b.is_ascii_digit());
    is_version(s) || (all_digits && s.len() >= 6) || (!all_digits && is_hash(s, 8))
}

/// `express@4.18.2` → `express`; `rack-2.2.8` → `rack`; `@scope` kept.
fn strip_dir_version(s: &str) -> &str {
    if let Some(i) = s.rfind('@').filter(|&i| i > 0)
        && s[i + 1..].starts_with(|c: char| c.is_ascii_digit() || c == 'v')
    {
        return &s[..i];
    }
    let mut search = s;
    while let Some(i) = search.rfind('-') {
        let tail = &s[i + 1..];
        let version = tail.split(['-', '+']).next().unwrap_or_default();
        if i > 0 && is_version(version) {
            return &s[..i];
        }
        search = &s[..i];
    }
    s
}

/// Drops bundler hashes and numeric chunk ids from a file name, keeping the extension.
fn strip_file_hash(base: &str) -> String {
    let (stem, ext) = match base.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem, Some(ext)),
        _ => (base, None),
    };
    let mut tokens: Vec<&str> = stem.split('.').collect();
    if tokens.len() > 1 && tokens[0].bytes().all(|b| b.is_ascii_digit()) {
        tokens.remove(0);
    }
    let mut kept: Vec<&str> = Vec::with_capacity(tokens.len());
    for (i, token) in tokens.into_iter().enumerate() {
        match token.rsplit_once('-') {
            Some((name, tail)) if i == 0 && !name.is_empty() && is_hash(tail, 6) => kept.push(name),
            _ if is_hash(token, 6) => {}
            _ => kept.push(token),
        }
    }
    if kept.is_empty() {
        kept.push("chunk");
    }
    let mut out = kept.join(".");
    if let Some(ext) = ext {
        out.push('.');
        out.push_str(ext);
    }
    out
}

#[cfg(test)]
mod tests;
