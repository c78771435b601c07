//! Tests for `parse`: one file per trace language, structured and plain logs, bad input,
//! grouping (fingerprints of parsed events) and the conversion to `ErrorEvent`.

mod event;
mod go;
mod grouping;
mod java;
mod json;
mod node;
mod plain;
mod python;
mod robust;
mod ruby;
mod rust;

use super::*;

/// The function names of the frames, innermost first.
fn functions(p: &ParsedLog) -> Vec<&str> {
    p.frames.iter().map(|f| f.function.as_str()).collect()
}

/// The in-app flags of the frames, innermost first.
fn in_app(p: &ParsedLog) -> Vec<bool> {
    p.frames.iter().map(|f| f.in_app).collect()
}

fn lines_of(p: &ParsedLog) -> Vec<Option<u32>> {
    p.frames.iter().map(|f| f.line).collect()
}

fn utc(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339)
        .expect("test timestamp")
        .with_timezone(&Utc)
}
