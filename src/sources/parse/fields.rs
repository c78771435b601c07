//! The field names popular loggers use (pino/bunyan, winston, structlog, logrus/zap/zerolog,
//! log4j2 and logstash JSON layouts, ECS, Serilog, python-json-logger, Lambda runtimes and
//! Powertools, tracing-subscriber), read from a JSON object or a logfmt line. A dotted
//! name matches a flat key (`"http.method"`) or nested objects (`{"http":{"method":…}}`);
//! keys are also looked up inside `fields`, `context`, `ctx` and `extra`.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

mod names;

use names::{
    ENVIRONMENT, ERROR_MESSAGE, ERROR_TEXT, ERROR_TYPE, LEVEL, MESSAGE, METHOD, PATH, RELEASE,
    REQUEST_ID, ROUTE, SCOPES, SERVICE, STACK, STATUS, TIME, USER,
};

use super::time;
use crate::domain::event::{LogLevel, StackFrame};

/// A stack as a structured log carries it.
#[derive(Debug)]
pub(super) enum StackField {
    /// Trace text (an array of lines is joined with `\n`).
    Text(String),
    /// An array of frame objects (`{class, method, file, line}` …), innermost first.
    Frames(Vec<StackFrame>),
}

/// Everything `fields` recognizes in one structured record; raw values, not validated.
#[derive(Debug, Default)]
pub(super) struct LogFields {
    pub timestamp: Option<DateTime<Utc>>,
    pub level: Option<LogLevel>,
    pub message: Option<String>,
    pub error_type: Option<String>,
    pub error_message: Option<String>,
    pub stack: Option<StackField>,
    pub request_id: Option<String>,
    pub user_id: Option<String>,
    pub method: Option<String>,
    pub route: Option<String>,
    pub path: Option<String>,
    pub status: Option<u16>,
    pub service: Option<String>,
    pub environment: Option<String>,
    pub release: Option<String>,
    /// A container runtime's raw line (`{"log":"…","stream":"stderr"}`), parsed as a message.
    pub embedded_log: Option<String>,
}

impl LogFields {
    pub(super) fn read(map: &Map<String, Value>) -> LogFields {
        let text = |keys: &[&str]| keys.iter().find_map(|k| lookup(map, k).and_then(as_text));
        let mut f = LogFields {
            timestamp: TIME
                .iter()
                .find_map(|k| lookup(map, k).and_then(time::from_json)),
            level: LEVEL.iter().find_map(|k| lookup(map, k).and_then(level_of)),
            message: text(MESSAGE),
            error_type: text(ERROR_TYPE),
            error_message: text(ERROR_MESSAGE),
            stack: STACK.iter().find_map(|k| lookup(map, k).and_then(stack_of)),
            request_id: text(REQUEST_ID),
            user_id: text(USER),
            method: text(METHOD),
            route: text(ROUTE),
            path: text(PATH),
            status: STATUS
                .iter()
                .find_map(|k| lookup(map, k).and_then(status_of)),
            service: text(SERVICE),
            environment: text(ENVIRONMENT),
            release: text(RELEASE),
            embedded_log: None,
        };
        if f.stack.is_none() || f.error_message.is_none() {
            for key in ERROR_TEXT {
                let Some(Value::String(s)) = lookup(map, key) else {
                    continue;
                };
                let s = s.trim();
                if s.contains('\n') {
                    f.stack
                        .get_or_insert_with(|| StackField::Text(s.to_owned()));
                } else if !s.is_empty() {
                    f.error_message.get_or_insert_with(|| s.to_owned());
                }
                break;
            }
        }
        if f.message.is_none()
            && let Some(Value::String(log)) = map.get("log")
        {
            f.embedded_log = Some(log.clone());
        }
        f
    }
}

/// `key` at the top level or in one of the `SCOPES` objects.
fn lookup<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    get_path(map, key).or_else(|| {
        SCOPES.iter().find_map(|scope| match map.get(*scope) {
            Some(Value::Object(inner)) => get_path(inner, key),
            _ => None,
        })
    })
}

/// A dotted key as a flat key, or split at any of its dots into nested objects.
fn get_path<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    if let Some(v) = map.get(key) {
        return Some(v);
    }
    key.match_indices('.')
        .find_map(|(i, _)| match map.get(&key[..i]) {
            Some(Value::Object(inner)) => get_path(inner, &key[i + 1..]),
            _ => None,
        })
}

/// A string (trimmed, non-empty) or a number as text; objects, arrays, booleans: `None`.
fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn level_of(v: &Value) -> Option<LogLevel> {
    match v {
        Value::String(s) => LogLevel::parse_lenient(s),
        Value::Number(n) => n.as_i64().and_then(LogLevel::from_number),
        _ => None,
    }
}

fn status_of(v: &Value) -> Option<u16> {
    let n = match v {
        Value::Number(n) => n.as_u64()?,
        Value::String(s) => s.trim().parse().ok()?,
        _ => return None,
    };
    u16::try_from(n).ok().filter(|s| (100..=599).contains(s))
}

fn stack_of(v: &Value) -> Option<StackField> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(StackField::Text(s.clone())),
        Value::Array(items) if items.iter().all(Value::is_string) && !items.is_empty() => {
            let lines: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
            Some(StackField::Text(lines.join("\n")))
        }
        Value::Array(items) => {
            let frames: Vec<StackFrame> = items
                .iter()
                .take(super::MAX_FRAMES)
                .filter_map(|item| item.as_object().and_then(frame_of))
                .collect();
            (!frames.is_empty()).then_some(StackField::Frames(frames))
        }
        _ => None,
    }
}

/// A frame object: log4j2 `{class, method, file, line}`, zerolog `{func, source, line}`, …
fn frame_of(obj: &Map<String, Value>) -> Option<StackFrame> {
    let text = |keys: &[&str]| keys.iter().find_map(|k| obj.get(*k).and_then(as_text));
    let function = text(&["method", "function", "func", "methodName"]).unwrap_or_default();
    let module = text(&["class", "className", "declaringClass", "module"]).unwrap_or_default();
    let file =
        text(&["file", "fileName", "filename", "source", "abs_path", "path"]).unwrap_or_default();
    if function.is_empty() && file.is_empty() {
        return None;
    }
    let line = ["line", "lineNumber", "lineno"]
        .iter()
        .find_map(|k| obj.get(*k).and_then(as_text))
        .and_then(|l| l.parse().ok());
    let in_app = if module.is_empty() {
        super::stack::path_in_app(&file)
    } else {
        super::stack::jvm_in_app(&module)
    };
    Some(StackFrame {
        module,
        file,
        function,
        line,
        in_app,
    })
}
