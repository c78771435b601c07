//! The dashboard's markup: pure functions from read models to HTML (maud escapes every
//! interpolated string; store text is untrusted and is never emitted unescaped).

pub mod charts;
pub mod cluster;
pub mod clusters;
pub mod runs;
pub mod summaries;

use chrono::{DateTime, Utc};
use maud::{DOCTYPE, Markup, html};

use crate::domain::score::Level;

/// The pages of the nav.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Clusters,
    Runs,
    Summaries,
}

const STYLE: &str = "\
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;color:#1a1a1a;background:#fff;line-height:1.45}\
header,main,footer{padding:0 1.25rem}header{border-bottom:1px solid #ccc}\
nav ul{list-style:none;display:flex;gap:1.25rem;padding:0;margin:.75rem 0}\
nav a{color:#0645ad;font-weight:600}nav a[aria-current=page]{color:#1a1a1a;text-decoration:none}\
a{color:#0645ad}table{border-collapse:collapse;margin:1rem 0;width:100%}\
caption{text-align:left;font-weight:600;padding:.25rem 0}\
th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}\
th{background:#f3f3f3}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}\
.badge{display:inline-block;padding:0 .4rem;border-radius:.25rem;font-weight:600;font-size:.85rem}\
.level-critical{background:#a4000f;color:#fff}.level-high{background:#c2410c;color:#fff}\
.level-medium{background:#fde68a;color:#1a1a1a}.level-low{background:#dbeafe;color:#1a1a1a}\
.level-unscored{background:#e5e5e5;color:#1a1a1a}\
.sev-track{background:#eee;width:12rem;height:.8rem;display:inline-block;vertical-align:middle}\
.sev-bar{background:#1d4ed8;height:100%}\
pre{white-space:pre-wrap;word-break:break-word;background:#f6f6f6;padding:.5rem;border:1px solid #ddd}\
svg.spark polyline{fill:none;stroke:#1d4ed8;stroke-width:1}\
svg.hours rect{fill:#1d4ed8}svg.hours text{font-size:10px;fill:#444}\
.muted{color:#555}footer{border-top:1px solid #ccc;margin-top:2rem;color:#555}";

/// The shared page: nav, one `<h1>`, the content, and a footer.
pub fn layout(title: &str, section: Option<Section>, content: Markup) -> Markup {
    let link = |href: &str, name: &str, this: Section| {
        html! {
            li { a href=(href) aria-current=[(section == Some(this)).then_some("page")] { (name) } }
        }
    };
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · triaged" }
                style { (maud::PreEscaped(STYLE)) }
            }
            body {
                header {
                    nav aria-label="Main" {
                        ul {
                            (link("/", "Clusters", Section::Clusters))
                            (link("/runs", "Runs", Section::Runs))
                            (link("/summaries", "Summaries", Section::Summaries))
                        }
                    }
                }
                main {
                    h1 { (title) }
                    (content)
                }
                footer { p { "triaged dashboard · read-only · times in UTC" } }
            }
        }
    }
}

/// A time as the pages show it: `2026-11-16 08:00 UTC`, in a `<time>` element.
pub fn when(at: DateTime<Utc>) -> Markup {
    html! { time datetime=(at.to_rfc3339()) { (at.format("%Y-%m-%d %H:%M UTC")) } }
}

/// An optional time, or a dash.
pub fn when_opt(at: Option<DateTime<Utc>>) -> Markup {
    match at {
        Some(at) => when(at),
        None => html! { span.muted { "—" } },
    }
}

/// The severity level as a badge (text and colour), or "unscored".
pub fn level_badge(level: Option<Level>, score: Option<f64>) -> Markup {
    let name = level.map_or("unscored", Level::as_str);
    html! {
        span class={ "badge level-" (name) } { (name) }
        @if let Some(score) = score { " " span.muted { (format!("{score:.0}")) } }
    }
}

/// A link target from the store, kept only when it is an http(s) URL.
pub fn safe_href(url: &str) -> Option<&str> {
    let lower = url.trim_start().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")).then_some(url)
}

/// An external link when the URL is safe, else the text alone.
pub fn link_or_text(url: Option<&str>, text: &str) -> Markup {
    match url.and_then(safe_href) {
        Some(href) => html! { a href=(href) rel="noreferrer" { (text) } },
        None => html! { (text) },
    }
}

/// The 404 page.
pub fn not_found(what: &str) -> Markup {
    layout(
        "Not found",
        None,
        html! { p { (what) } p { a href="/" { "Back to the clusters" } } },
    )
}

/// The page shown when the store could not be read (the cause is logged, not shown).
pub fn unavailable() -> Markup {
    layout(
        "Unavailable",
        None,
        html! { p { "The store could not be read just now. Try again in a moment." } },
    )
}

#[cfg(test)]
mod tests;
