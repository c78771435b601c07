//! The summaries page: each posted morning summary, its paragraph, numbers and destinations.

use maud::{Markup, html};

use super::{Section, layout, when};
use crate::store::PostedSummary;

pub fn summaries_page(summaries: &[PostedSummary]) -> Markup {
    let content = html! {
        @if summaries.is_empty() { p { "No summary has been posted yet." } }
        @for s in summaries {
            article.summary {
                h2 { "24 hours to " (when(s.window_end)) }
                p { (s.paragraph) }
                p.muted { "Paragraph by " (s.paragraph_author) "; posted " (when(s.posted_at)) }
                @let n = &s.summary;
                dl {
                    dt { "Events" } dd { (n.events) " (the 24 hours before: " (n.previous_events) ")" }
                    dt { "New clusters" } dd { (n.new_clusters.len()) }
                    dt { "Regressions" } dd { (n.regressions.len()) }
                    dt { "Auto-closed" } dd { (n.auto_closed.len()) }
                    dt { "Open tickets" } dd { (n.open_tickets) }
                    dt { "PRs drafted / merged" } dd { (n.prs_drafted) " / " (n.prs_merged) }
                    dt { "Own failures" } dd { (n.failures.len()) }
                }
                @if !n.top.is_empty() {
                    h3 { "Top clusters" }
                    ol { @for c in &n.top {
                        li { a href={ "/clusters/" (c.fingerprint) } { (c.title) }
                             " — " (c.service) ", " (c.level) ", " (c.events) " events" }
                    } }
                }
                p {
                    "Posted to: "
                    @if s.posted_to.is_empty() { "nowhere" } @else { (s.posted_to.join(", ")) }
                }
                @if !s.failed.is_empty() {
                    p { "Not posted to:" }
                    ul { @for f in &s.failed { li { (f.destination) ": " (f.error) } } }
                }
            }
        }
    };
    layout("Summaries", Some(Section::Summaries), content)
}
