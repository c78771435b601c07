//! One cluster's page: severity breakdown, hourly chart, samples, frames, endpoints,
//! releases and the ticket and PR timeline.

use maud::{Markup, html};

use super::charts::{hourly_chart, severity_bars};
use super::clusters::pull;
use super::{Section, layout, level_badge, link_or_text, when, when_opt};
use crate::domain::event::StackFrame;
use crate::store::ClusterDetail;

pub fn cluster_page(d: &ClusterDetail) -> Markup {
    let c = &d.cluster;
    let content = html! {
        p {
            (level_badge(c.level, c.score)) " "
            code { (c.fingerprint) } " · " (c.service) " · " (d.kind)
            @if let Some(t) = &d.exception_type { " · " code { (t) } }
            @if d.unhandled { " · unhandled" }
        }
        dl {
            dt { "Status" } dd { (c.status.as_str()) }
            dt { "Ticket" } dd {
                @match &c.ticket {
                    Some(t) => (link_or_text(Some(&t.url), &t.key)),
                    None => "none",
                }
            }
            dt { "Fix PR" } dd { (pull(c.pr.as_ref())) }
            dt { "Events" } dd { (c.events_24h) " in 24 hours, " (c.events_total) " in all" }
            dt { "Users (24 h)" } dd { (c.users_24h) }
            dt { "Hosts" } dd { (d.hosts) }
            dt { "First seen" } dd { (when(c.first_seen)) }
            dt { "Last seen" } dd { (when(c.last_seen)) }
            @if d.regressed_at.is_some() { dt { "Regressed" } dd { (when_opt(d.regressed_at)) } }
        }
        h2 { "Template" }
        pre { (d.template) }
        h2 { "Severity" }
        @match &d.severity {
            Some(s) => (severity_bars(s)),
            None => p { "Not scored yet." },
        }
        h2 { "Events per hour, last 7 days" }
        (hourly_chart(&d.hourly))
        h2 { "Ticket and PR timeline" }
        @if d.timeline.is_empty() {
            p { "Nothing yet." }
        } @else {
            ol.timeline {
                @for e in &d.timeline {
                    li {
                        (when(e.at)) " — " strong { (timeline_label(&e.kind)) }
                        @if !e.ticket_key.is_empty() { " " (e.ticket_key) }
                        @if let Some(url) = &e.url { " " (link_or_text(Some(url), "link")) }
                        @if !e.evidence.is_empty() { pre { (e.evidence) } }
                    }
                }
            }
        }
        h2 { "Samples" }
        @if d.samples.is_empty() { p { "No samples kept." } }
        @for s in &d.samples {
            section.sample {
                h3 { (when(s.at)) " · " (s.source_key)
                    @if let Some(r) = &s.release { " · release " (r) } }
                pre { (s.message) }
                @if let Some(link) = &s.link { p { (link_or_text(Some(link), "at the source")) } }
            }
        }
        h2 { "Top frames" }
        @if d.top_frames.is_empty() { p { "No stack kept." } } @else { (frames(&d.top_frames)) }
        h2 { "Endpoints" }
        @if d.endpoints.is_empty() { p { "None recorded." } } @else {
            table {
                caption { "Endpoints, most events first" }
                thead { tr { th scope="col" { "Endpoint" } th scope="col" class="num" { "Events" } th scope="col" { "Last seen" } } }
                tbody {
                    @for e in &d.endpoints {
                        tr { th scope="row" { code { (e.endpoint.method) " " (e.endpoint.route) } }
                             td.num { (e.events) } td { (when(e.last_seen)) } }
                    }
                }
            }
        }
        h2 { "Releases" }
        @if d.releases.is_empty() { p { "None recorded." } } @else {
            table {
                caption { "Releases, most recently seen first" }
                thead { tr { th scope="col" { "Release" } th scope="col" class="num" { "Events" } th scope="col" { "First seen" } th scope="col" { "Last seen" } } }
                tbody {
                    @for r in &d.releases {
                        tr { th scope="row" { (r.release) } td.num { (r.events) }
                             td { (when(r.first_seen)) } td { (when(r.last_seen)) } }
                    }
                }
            }
        }
    };
    layout(&c.title, Some(Section::Clusters), content)
}

fn frames(frames: &[StackFrame]) -> Markup {
    html! {
        table {
            caption { "The newest sample's stack, innermost first" }
            thead { tr { th scope="col" { "Function" } th scope="col" { "File" } th scope="col" { "Module" } th scope="col" { "Own code" } } }
            tbody {
                @for f in frames {
                    tr {
                        th scope="row" { code { (f.function) } }
                        td { code { (f.file) @if let Some(l) = f.line { ":" (l) } } }
                        td { (f.module) }
                        td { (if f.in_app { "yes" } else { "no" }) }
                    }
                }
            }
        }
    }
}

/// What a timeline entry's kind says to a reader (the JSON keeps the raw kind).
pub fn timeline_label(kind: &str) -> &str {
    match kind {
        "create" => "created",
        "link" => "linked",
        "comment" => "updated",
        "reopen" => "reopened",
        "close" => "closed",
        "label" => "labelled",
        "observe" => "changed by a person",
        "fix_merged" => "fix merged",
        "pr_opened" => "draft PR opened",
        "pr_rejected" => "no PR (checks failed)",
        "pr_pending" => "draft PR in progress",
        other => other,
    }
}
