//! JSON filter conditions: `{ $.level = "error" }`, `{ $.status >= 500 }`, `&&`, `||`,
//! parentheses, `!=`, `*` wildcards in string values, nested selectors (`$.err.type`,
//! `$.items[0].id`), and `IS TRUE|FALSE|NULL`, `EXISTS`, `NOT EXISTS`.
//!
//! A condition on a field that is missing or of another type is false (also for `!=`);
//! an event whose message is not a JSON object matches no JSON pattern.

use serde_json::Value;

use super::PatternError;

mod parse;

/// A parsed `{ ... }` pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum JsonCondition {
    And(Box<JsonCondition>, Box<JsonCondition>),
    Or(Box<JsonCondition>, Box<JsonCondition>),
    Compare {
        selector: Vec<Step>,
        op: Op,
        value: Literal,
    },
    Is {
        selector: Vec<Step>,
        expected: Value,
    },
    Exists {
        selector: Vec<Step>,
        present: bool,
    },
}

/// One step of a `$.a.b[0]` selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Index(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// A string value; `*` matches any run of characters.
    Text(String),
    Number(f64),
}

impl JsonCondition {
    /// Parses a whole pattern including its braces.
    pub fn parse(text: &str) -> Result<JsonCondition, PatternError> {
        let inner = text
            .strip_prefix('{')
            .and_then(|t| t.strip_suffix('}'))
            .ok_or_else(|| err("a JSON pattern must be enclosed in { }"))?;
        parse::condition(inner)
    }

    pub fn matches(&self, message: &str) -> bool {
        if !message.trim_start().starts_with('{') {
            return false;
        }
        match serde_json::from_str::<Value>(message) {
            Ok(event) => self.eval(&event),
            Err(_) => false,
        }
    }

    fn eval(&self, event: &Value) -> bool {
        match self {
            JsonCondition::And(a, b) => a.eval(event) && b.eval(event),
            JsonCondition::Or(a, b) => a.eval(event) || b.eval(event),
            JsonCondition::Compare {
                selector,
                op,
                value,
            } => select(event, selector).is_some_and(|field| compare(field, *op, value)),
            JsonCondition::Is { selector, expected } => {
                select(event, selector).is_some_and(|field| field == expected)
            }
            JsonCondition::Exists { selector, present } => {
                select(event, selector).is_some() == *present
            }
        }
    }
}

pub(super) fn err(message: &str) -> PatternError {
    PatternError(message.to_string())
}

fn select<'a>(event: &'a Value, selector: &[Step]) -> Option<&'a Value> {
    selector.iter().try_fold(event, |value, step| match step {
        Step::Key(key) => value.as_object()?.get(key),
        Step::Index(index) => value.as_array()?.get(*index),
    })
}

fn compare(field: &Value, op: Op, value: &Literal) -> bool {
    match value {
        Literal::Text(pattern) => match (field.as_str(), op) {
            (Some(text), Op::Eq) => glob_match(pattern, text),
            (Some(text), Op::Ne) => !glob_match(pattern, text),
            _ => false,
        },
        Literal::Number(number) => match field.as_f64() {
            Some(actual) => match op {
                Op::Eq => actual == *number,
                Op::Ne => actual != *number,
                Op::Lt => actual < *number,
                Op::Le => actual <= *number,
                Op::Gt => actual > *number,
                Op::Ge => actual >= *number,
            },
            None => false,
        },
    }
}

/// `*` matches any run of characters (also none); everything else literally.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let middle: Vec<&str> = parts.collect();
    let Some((last, middle)) = middle.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}
