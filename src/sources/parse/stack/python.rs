//! Python tracebacks: `Traceback (most recent call last):`, `  File "x.py", line 12, in f`
//! frames (innermost last in the text, so reversed), the exception line (`KeyError: 'sku'`,
//! `app.errors.PaymentError: declined`) and chains (`During handling …`, `The above
//! exception …`), of which the final exception is kept. Frames without a header (Lambda's
//! `stackTrace` array) parse too.

use std::sync::LazyLock;

use regex::Regex;

use super::{Trace, path_in_app, usable};
use crate::domain::event::StackFrame;

static FRAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\s*File "([^"]*)", line (\d+)(?:, in (.+?))?\s*$"#).expect("static regex")
});
static EXCEPTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([A-Za-z_][\w.]*)(?::\s?(.*))?$").expect("static regex"));

const HEADER: &str = "Traceback (most recent call last):";
const CHAIN_MARKERS: &[&str] = &[
    "During handling of the above exception",
    "The above exception was the direct cause",
];

#[derive(Default)]
struct Block {
    frames: Vec<StackFrame>,
    exception: Option<(String, Option<String>)>,
    start: usize,
}

pub(super) fn parse(lines: &[&str]) -> Option<Trace> {
    let mut first_start = None;
    let mut current: Option<Block> = None;
    let mut last: Option<Block> = None;
    let mut expect_exception = false;
    for (i, raw) in lines.iter().enumerate() {
        let Some(line) = usable(raw) else { continue };
        let trimmed = line.trim();
        if trimmed.ends_with(HEADER) {
            finish(&mut current, &mut last);
            first_start.get_or_insert(i);
            current = Some(Block {
                start: i,
                ..Block::default()
            });
            expect_exception = true;
        } else if let Some(caps) = FRAME.captures(line) {
            first_start.get_or_insert(i);
            let block = current.get_or_insert_with(|| Block {
                start: i,
                ..Block::default()
            });
            let file = caps.get(1).map_or("", |m| m.as_str()).to_owned();
            block.frames.push(StackFrame {
                module: String::new(),
                in_app: path_in_app(&file),
                file,
                function: caps.get(3).map_or("", |m| m.as_str()).to_owned(),
                line: caps.get(2).and_then(|m| m.as_str().parse().ok()),
            });
            expect_exception = true;
        } else if CHAIN_MARKERS.iter().any(|m| trimmed.starts_with(m)) {
            finish(&mut current, &mut last);
            expect_exception = false;
        } else if expect_exception
            && !trimmed.is_empty()
            && !line.starts_with(char::is_whitespace)
            && let Some(block) = current.as_mut()
        {
            expect_exception = false;
            if let Some(caps) = EXCEPTION.captures(trimmed) {
                let ty = caps.get(1).map_or("", |m| m.as_str()).to_owned();
                let message = caps.get(2).map(|m| m.as_str().trim().to_owned());
                block.exception = Some((ty, message.filter(|m| !m.is_empty())));
            }
        }
    }
    finish(&mut current, &mut last);
    let block = last?;
    let (exception_type, exception_message) = block.exception.unzip();
    let mut frames = block.frames;
    frames.reverse();
    Some(Trace {
        exception_type,
        exception_message: exception_message.flatten(),
        frames,
        handled: None,
        level: None,
        start: first_start.unwrap_or(block.start),
    })
}

/// Keeps `current` as the latest block when it holds anything.
fn finish(current: &mut Option<Block>, last: &mut Option<Block>) {
    if let Some(block) = current.take()
        && (!block.frames.is_empty() || block.exception.is_some())
    {
        *last = Some(block);
    }
}
