//! Inline SVG charts (no JavaScript): the 7-day sparkline of the clusters table, the hourly
//! bar chart of a cluster page, and the severity breakdown as labelled bars.

use maud::{Markup, html};

use crate::domain::score::Severity;
use crate::store::HourCount;

const SPARK_WIDTH: f64 = 168.0;
const SPARK_HEIGHT: f64 = 24.0;

/// The sparkline's points in a `width`×`height` box: one per value, left to right, the
/// largest value at the top (y = 1), zero at the bottom (y = height − 1).
pub fn sparkline_points(values: &[u64], width: f64, height: f64) -> Vec<(f64, f64)> {
    let max = values.iter().copied().max().unwrap_or(0);
    let step = if values.len() > 1 {
        (width - 1.0) / (values.len() - 1) as f64
    } else {
        0.0
    };
    values
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let share = if max == 0 { 0.0 } else { v as f64 / max as f64 };
            (i as f64 * step, (height - 1.0) - share * (height - 2.0))
        })
        .collect()
}

/// A sparkline of hourly counts, oldest first, with a text summary for screen readers.
pub fn sparkline_svg(values: &[u64]) -> Markup {
    let total: u64 = values.iter().sum();
    let peak = values.iter().copied().max().unwrap_or(0);
    let last_day: u64 = values[values.len().saturating_sub(24)..].iter().sum();
    let label = if values.is_empty() {
        "no hourly data".to_owned()
    } else {
        format!(
            "{} hours: {total} events, peak {peak} in an hour, {last_day} in the last 24 hours",
            values.len()
        )
    };
    let points = sparkline_points(values, SPARK_WIDTH, SPARK_HEIGHT)
        .iter()
        .map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect::<Vec<_>>()
        .join(" ");
    html! {
        svg.spark xmlns="http://www.w3.org/2000/svg" role="img" aria-label=(label)
            width=(SPARK_WIDTH) height=(SPARK_HEIGHT)
            viewBox={ "0 0 " (SPARK_WIDTH) " " (SPARK_HEIGHT) } {
            @if !values.is_empty() { polyline points=(points) {} }
        }
    }
}

const BAR_WIDTH: u32 = 4;
const CHART_HEIGHT: u32 = 120;
const AXIS: u32 = 14;

/// Hourly counts as SVG bars, one per hour (each with its hour and count as a tooltip),
/// the day's date under each midnight.
pub fn hourly_chart(hours: &[HourCount]) -> Markup {
    let peak = hours.iter().map(|h| h.events).max().unwrap_or(0);
    let total: u64 = hours.iter().map(|h| h.events).sum();
    let width = BAR_WIDTH * hours.len().max(1) as u32;
    let label = format!(
        "Events per hour over {} hours: {total} in all, at most {peak} in one hour",
        hours.len()
    );
    let bar_height = |events: u64| -> u32 {
        if peak == 0 {
            0
        } else {
            ((events as f64 / peak as f64) * f64::from(CHART_HEIGHT)).round() as u32
        }
    };
    html! {
        svg.hours xmlns="http://www.w3.org/2000/svg" role="img" aria-label=(label)
            width=(width) height=(CHART_HEIGHT + AXIS)
            viewBox={ "0 0 " (width) " " (CHART_HEIGHT + AXIS) } {
            @for (i, h) in hours.iter().enumerate() {
                @let height = bar_height(h.events);
                rect x=(i as u32 * BAR_WIDTH) y=(CHART_HEIGHT - height)
                    width=(BAR_WIDTH - 1) height=(height) {
                    title { (h.hour.format("%Y-%m-%d %H:00 UTC")) ": " (h.events) " events" }
                }
                @if h.hour.format("%H").to_string() == "00" {
                    text x=(i as u32 * BAR_WIDTH) y=(CHART_HEIGHT + AXIS - 2) {
                        (h.hour.format("%m-%d"))
                    }
                }
            }
        }
    }
}

/// The nine dimensions as a table of labelled bars: name, weight, value (0–1, as a bar
/// and as text) and the reason.
pub fn severity_bars(severity: &Severity) -> Markup {
    html! {
        table.severity {
            caption {
                "Severity " (format!("{:.0}", severity.score)) " of 100 ("
                (severity.level.as_str()) "), from nine dimensions"
            }
            thead {
                tr {
                    th scope="col" { "Dimension" }
                    th scope="col" class="num" { "Weight" }
                    th scope="col" { "Value" }
                    th scope="col" { "Reason" }
                }
            }
            tbody {
                @for d in &severity.dimensions {
                    @let share = if d.normalized.is_finite() { d.normalized.clamp(0.0, 1.0) } else { 0.0 };
                    tr {
                        th scope="row" { (d.kind.key()) }
                        td.num { (format!("{:.2}", d.weight)) }
                        td {
                            span.sev-track aria-hidden="true" {
                                span.sev-bar style={ "display:block;width:" (format!("{:.0}", share * 100.0)) "%" } {}
                            }
                            " " (format!("{share:.2}"))
                        }
                        td { (d.reason) }
                    }
                }
            }
        }
        @if let Some(floor) = &severity.floor { p { "Floor: " (floor) } }
    }
}
