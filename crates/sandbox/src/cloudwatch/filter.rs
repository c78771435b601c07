//! CloudWatch Logs filter patterns as `FilterLogEvents` applies them: term patterns for
//! unstructured events and `{ ... }` conditions for JSON events.
//!
//! Supported: the empty pattern (everything), terms that must all appear (`ERROR Exception`),
//! optional terms of which one must appear (`?ERROR ?WARN`), excluded terms (`-DEBUG`),
//! quoted phrases (`"connection refused"`), and JSON conditions (see `json`). Matching is
//! case-sensitive. A term matches where it stands as a whole word: the characters around it
//! are not alphanumeric (so `ERROR` matches `[ERROR]` and `level=ERROR`, not `ERRORS`).
//! Space-delimited (`[a, b]`) and regex (`%...%`) patterns are rejected as unsupported.

mod json;

use json::JsonCondition;

/// Longest pattern the API accepts (`FilterPattern` max length in the model).
pub const MAX_PATTERN_CHARS: usize = 1024;

/// A pattern the emulator cannot parse or does not support; the text goes into an
/// `InvalidParameterException`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Invalid filter pattern: {0}")]
pub struct PatternError(pub String);

/// A parsed filter pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum FilterPattern {
    /// Empty pattern: every event matches.
    All,
    Terms(TermPattern),
    Json(JsonCondition),
}

/// Terms of an unstructured pattern.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TermPattern {
    /// Every one of these must appear.
    pub required: Vec<String>,
    /// When not empty, at least one of these must appear.
    pub any_of: Vec<String>,
    /// None of these may appear.
    pub excluded: Vec<String>,
}

impl FilterPattern {
    pub fn parse(text: &str) -> Result<FilterPattern, PatternError> {
        if text.chars().count() > MAX_PATTERN_CHARS {
            return Err(PatternError(format!(
                "longer than {MAX_PATTERN_CHARS} characters"
            )));
        }
        let trimmed = text.trim();
        match trimmed.chars().next() {
            None => Ok(FilterPattern::All),
            Some('{') => JsonCondition::parse(trimmed).map(FilterPattern::Json),
            Some('[') => Err(PatternError(
                "space-delimited patterns are not supported".to_string(),
            )),
            Some('%') => Err(PatternError("regex patterns are not supported".to_string())),
            Some(_) => parse_terms(trimmed).map(FilterPattern::Terms),
        }
    }

    pub fn matches(&self, message: &str) -> bool {
        match self {
            FilterPattern::All => true,
            FilterPattern::Terms(terms) => terms.matches(message),
            FilterPattern::Json(condition) => condition.matches(message),
        }
    }
}

impl TermPattern {
    pub fn matches(&self, message: &str) -> bool {
        self.required.iter().all(|t| contains_term(message, t))
            && (self.any_of.is_empty() || self.any_of.iter().any(|t| contains_term(message, t)))
            && !self.excluded.iter().any(|t| contains_term(message, t))
    }
}

fn parse_terms(text: &str) -> Result<TermPattern, PatternError> {
    let mut pattern = TermPattern::default();
    let mut chars = text.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let Some(&first) = chars.peek() else { break };
        let list = match first {
            '?' => {
                chars.next();
                &mut pattern.any_of
            }
            '-' => {
                chars.next();
                &mut pattern.excluded
            }
            _ => &mut pattern.required,
        };
        let term = if chars.next_if_eq(&'"').is_some() {
            read_quoted(&mut chars)?
        } else {
            read_bare(&mut chars)?
        };
        if term.is_empty() {
            return Err(PatternError(format!("empty term after '{first}'")));
        }
        list.push(term);
    }
    if !pattern.required.is_empty() && !pattern.any_of.is_empty() {
        return Err(PatternError(
            "mixing required terms with ?optional terms is not supported".to_string(),
        ));
    }
    Ok(pattern)
}

fn read_quoted(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
) -> Result<String, PatternError> {
    let mut term = String::new();
    loop {
        match chars.next() {
            None => return Err(PatternError("unterminated quoted phrase".to_string())),
            Some('"') => break,
            Some('\\') => match chars.next() {
                Some(c) => term.push(c),
                None => return Err(PatternError("unterminated quoted phrase".to_string())),
            },
            Some(c) => term.push(c),
        }
    }
    if chars.peek().is_some_and(|c| !c.is_whitespace()) {
        return Err(PatternError(
            "a quoted phrase must be followed by a space".to_string(),
        ));
    }
    Ok(term)
}

fn read_bare(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Result<String, PatternError> {
    let mut term = String::new();
    while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
        if matches!(c, '"' | '{' | '}' | '[' | ']' | '(' | ')' | '%') {
            return Err(PatternError(format!(
                "unexpected '{c}' in term; quote terms with special characters"
            )));
        }
        term.push(c);
    }
    Ok(term)
}

/// Whether `term` occurs in `message` as a whole word (its alphanumeric ends are not
/// glued to other alphanumeric characters).
pub fn contains_term(message: &str, term: &str) -> bool {
    let (Some(first), Some(last)) = (term.chars().next(), term.chars().next_back()) else {
        return true;
    };
    let check_before = first.is_alphanumeric();
    let check_after = last.is_alphanumeric();
    let mut from = 0;
    while let Some(found) = message[from..].find(term) {
        let start = from + found;
        let end = start + term.len();
        let before_ok = !check_before
            || message[..start]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric());
        let after_ok = !check_after
            || message[end..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric());
        if before_ok && after_ok {
            return true;
        }
        from = start + first.len_utf8();
    }
    false
}

#[cfg(test)]
mod tests;
