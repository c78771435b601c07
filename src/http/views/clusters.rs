//! The clusters table: one row per cluster, sortable through links in its headers.

use maud::{Markup, html};

use super::charts::sparkline_svg;
use super::{Section, layout, level_badge, link_or_text, when};
use crate::store::{ClusterRow, ClusterSort, DraftState, PullLink};

/// The clusters page, rows already in `sort` order.
pub fn clusters_page(rows: &[ClusterRow], sort: ClusterSort) -> Markup {
    let header = |label: &str, by: ClusterSort, numeric: bool| {
        let current = by == sort;
        html! {
            th scope="col" class=[numeric.then_some("num")]
                aria-sort=(if current { "descending" } else { "none" }) {
                a href={ "/?sort=" (by.key()) } { (label) }
                @if current { span.muted aria-hidden="true" { " ▼" } }
            }
        }
    };
    let content = html! {
        @if rows.is_empty() {
            p { "No clusters seen in the last 30 days." }
        } @else {
            table #clusters {
                caption {
                    (rows.len()) " clusters, by " (sort_label(sort))
                    ". Follow a column's heading to sort by it."
                }
                thead {
                    tr {
                        (header("Level", ClusterSort::Score, false))
                        th scope="col" { "Title" }
                        th scope="col" { "Service" }
                        (header("Events 24 h", ClusterSort::Events, true))
                        th scope="col" { "7 days, hourly" }
                        (header("Users", ClusterSort::Users, true))
                        th scope="col" { "Status" }
                        th scope="col" { "Ticket" }
                        th scope="col" { "PR" }
                        (header("First seen", ClusterSort::FirstSeen, false))
                        (header("Last seen", ClusterSort::LastSeen, false))
                    }
                }
                tbody {
                    @for row in rows { (cluster_row(row)) }
                }
            }
        }
    };
    layout("Clusters", Some(Section::Clusters), content)
}

fn sort_label(sort: ClusterSort) -> &'static str {
    match sort {
        ClusterSort::Score => "severity score",
        ClusterSort::Events => "events in 24 hours",
        ClusterSort::LastSeen => "last seen",
        ClusterSort::FirstSeen => "first seen",
        ClusterSort::Users => "users in 24 hours",
    }
}

fn cluster_row(row: &ClusterRow) -> Markup {
    html! {
        tr data-fingerprint=(row.fingerprint) {
            td { (level_badge(row.level, row.score)) }
            th scope="row" { a href={ "/clusters/" (row.fingerprint) } { (row.title) } }
            td { (row.service) }
            td.num { (row.events_24h) }
            td { (sparkline_svg(&row.hourly_7d)) }
            td.num { (row.users_24h) }
            td { (row.status.as_str()) }
            td {
                @match &row.ticket {
                    Some(t) => (link_or_text(Some(&t.url), &t.key)),
                    None => span.muted { "—" },
                }
            }
            td { (pull(row.pr.as_ref())) }
            td { (when(row.first_seen)) }
            td { (when(row.last_seen)) }
        }
    }
}

/// A drafted fix: its PR link when opened, else its state.
pub fn pull(pr: Option<&PullLink>) -> Markup {
    match pr {
        None => html! { span.muted { "—" } },
        Some(p) if p.state == DraftState::Opened => {
            let text = p
                .number
                .map_or_else(|| "draft PR".to_owned(), |n| format!("#{n}"));
            link_or_text(p.url.as_deref(), &text)
        }
        Some(p) => html! {
            (match p.state {
                DraftState::Rejected => "rejected",
                _ => "drafting",
            })
        },
    }
}
