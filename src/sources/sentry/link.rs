//! Sentry's pagination `Link` header:
//! `<url>; rel="previous"; results="false"; cursor="0:0:1", <url>; rel="next"; results="true"; cursor="0:100:0"`.
//! Only the next page's cursor is used; the request is rebuilt against the configured
//! base URL, so a `Link` pointing elsewhere never receives the token.

/// The cursor of the next page, when the header says it has results.
pub(super) fn next_cursor(header: &str) -> Option<String> {
    split_links(header).into_iter().find_map(|link| {
        let params = link_params(link);
        let param = |name: &str| params.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
        (param("rel") == Some("next") && param("results") == Some("true"))
            .then(|| param("cursor").map(str::to_owned))
            .flatten()
            .filter(|c| !c.is_empty())
    })
}

/// Splits on commas outside `<…>` and quotes.
fn split_links(header: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut in_url, mut in_quotes, mut start) = (false, false, 0);
    for (i, c) in header.char_indices() {
        match c {
            '<' if !in_quotes => in_url = true,
            '>' if !in_quotes => in_url = false,
            '"' if !in_url => in_quotes = !in_quotes,
            ',' if !in_url && !in_quotes => {
                parts.push(&header[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&header[start..]);
    parts
}

/// `name="value"` parameters after the `<url>`.
fn link_params(link: &str) -> Vec<(&str, &str)> {
    let after_url = link.rfind('>').map_or(link, |i| &link[i + 1..]);
    after_url
        .split(';')
        .filter_map(|param| {
            let (name, value) = param.split_once('=')?;
            Some((name.trim(), value.trim().trim_matches('"')))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sentry_links() {
        let first = r#"<https://sentry.io/api/0/organizations/acme/issues/?&cursor=0:0:1>; rel="previous"; results="false"; cursor="0:0:1", <https://sentry.io/api/0/organizations/acme/issues/?&cursor=0:100:0>; rel="next"; results="true"; cursor="0:100:0""#;
        assert_eq!(next_cursor(first).as_deref(), Some("0:100:0"));
        let last = r#"<https://x/?a=1,2&cursor=0:100:1>; rel="previous"; results="true"; cursor="0:100:1", <https://x/?a=1,2&cursor=0:200:0>; rel="next"; results="false"; cursor="0:200:0""#;
        assert_eq!(next_cursor(last), None);
    }

    #[test]
    fn tolerates_junk() {
        for header in [
            "",
            "garbage",
            "<>; rel=next",
            r#"<u>; rel="next"; results="true""#,
        ] {
            assert_eq!(next_cursor(header), None, "{header}");
        }
    }
}
