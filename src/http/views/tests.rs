//! The pure view functions: chart scaling and edge cases, badges, links, escaping.

use chrono::{Duration, TimeZone, Utc};

use super::charts::{hourly_chart, sparkline_points, sparkline_svg};
use super::runs::duration;
use super::*;
use crate::store::HourCount;

#[test]
fn the_sparkline_puts_the_peak_at_the_top_and_zero_at_the_bottom() {
    let points = sparkline_points(&[0, 5, 10], 21.0, 12.0);
    assert_eq!(points, [(0.0, 11.0), (10.0, 6.0), (20.0, 1.0)]);
}

#[test]
fn an_all_zero_sparkline_is_flat_on_the_bottom_and_an_empty_one_has_no_line() {
    let flat = sparkline_points(&[0; 168], 168.0, 24.0);
    assert_eq!(flat.len(), 168);
    assert!(flat.iter().all(|&(x, y)| y == 23.0 && x.is_finite()));
    assert_eq!(flat.last().unwrap().0, 167.0);
    assert!(sparkline_points(&[], 168.0, 24.0).is_empty());
    let one = sparkline_points(&[7], 168.0, 24.0);
    assert_eq!(one, [(0.0, 1.0)]);

    let empty = sparkline_svg(&[]).into_string();
    assert!(
        !empty.contains("polyline") && empty.contains("no hourly data"),
        "{empty}"
    );
    let zero = sparkline_svg(&[0; 168]).into_string();
    assert!(zero.contains("168 hours: 0 events, peak 0"), "{zero}");
}

#[test]
fn the_sparkline_has_one_point_per_hour_and_says_its_numbers() {
    let mut values = vec![0u64; 168];
    values[10] = 40;
    values[167] = 2;
    let svg = sparkline_svg(&values).into_string();
    assert!(svg.contains("role=\"img\""));
    assert!(
        svg.contains(
            "aria-label=\"168 hours: 42 events, peak 40 in an hour, 2 in the last 24 hours\""
        ),
        "{svg}"
    );
    let points = svg
        .split("points=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    assert_eq!(points.split(' ').count(), 168);
    assert!(
        points.contains("10.0,1.0"),
        "the peak is at the top: {points}"
    );
}

#[test]
fn the_hourly_chart_has_a_bar_per_hour_scaled_to_the_peak() {
    let start = Utc.with_ymd_and_hms(2026, 11, 16, 22, 0, 0).unwrap();
    let hours: Vec<HourCount> = [0, 3, 6]
        .iter()
        .enumerate()
        .map(|(i, &events)| HourCount {
            hour: start + Duration::hours(i as i64),
            events,
        })
        .collect();
    let svg = hourly_chart(&hours).into_string();
    assert_eq!(svg.matches("<rect").count(), 3);
    assert!(svg.contains("height=\"0\""), "an empty hour has no bar");
    assert!(svg.contains("y=\"60\" width=\"3\" height=\"60\""), "{svg}");
    assert!(svg.contains("y=\"0\" width=\"3\" height=\"120\""), "{svg}");
    assert!(svg.contains("2026-11-17 00:00 UTC: 6 events"));
    assert!(svg.contains(">11-17</text>"), "midnight is labelled: {svg}");
    let none = hourly_chart(&[]).into_string();
    assert!(!none.contains("<rect"));
}

#[test]
fn badges_say_the_level_in_text_and_links_keep_only_http() {
    let badge = level_badge(Some(Level::Critical), Some(81.6)).into_string();
    assert!(
        badge.contains("level-critical\">critical<") && badge.contains("82"),
        "{badge}"
    );
    assert!(level_badge(None, None).into_string().contains(">unscored<"));
    assert_eq!(
        safe_href("https://linear.app/x"),
        Some("https://linear.app/x")
    );
    assert_eq!(safe_href("javascript:alert(1)"), None);
    assert_eq!(safe_href(" JavaScript:alert(1)"), None);
    let text = link_or_text(Some("javascript:alert(1)"), "ENG-1").into_string();
    assert_eq!(text, "ENG-1");
}

#[test]
fn store_text_is_escaped_in_the_layout() {
    let page = layout("<script>alert(1)</script>", None, maud::html! {}).into_string();
    assert!(!page.contains("<script>"));
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(page.starts_with("<!DOCTYPE html><html lang=\"en\">"));
}

#[test]
fn durations_read_naturally() {
    assert_eq!(duration(850), "850 ms");
    assert_eq!(duration(12_345), "12.3 s");
    assert_eq!(duration(245_000), "4 min 5 s");
}
