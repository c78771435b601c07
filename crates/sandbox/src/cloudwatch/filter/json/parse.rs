//! Tokenizer and recursive-descent parser of JSON filter conditions (`&&` binds tighter
//! than `||`; parentheses group).

use serde_json::Value;

use super::{JsonCondition, Literal, Op, Step, err};
use crate::cloudwatch::filter::PatternError;

/// Parses the text between the braces.
pub(super) fn condition(text: &str) -> Result<JsonCondition, PatternError> {
    let tokens = tokenize(text)?;
    let mut parser = Parser { tokens, at: 0 };
    let condition = parser.or()?;
    if parser.at != parser.tokens.len() {
        return Err(err("unexpected text after the condition"));
    }
    Ok(condition)
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    And,
    Or,
    Op(Op),
    Quoted(String),
    Word(String),
}

fn tokenize(text: &str) -> Result<Vec<Token>, PatternError> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let token = match c {
            c if c.is_whitespace() => continue,
            '(' => Token::Open,
            ')' => Token::Close,
            '&' if chars.next_if_eq(&'&').is_some() => Token::And,
            '|' if chars.next_if_eq(&'|').is_some() => Token::Or,
            '=' => Token::Op(Op::Eq),
            '!' if chars.next_if_eq(&'=').is_some() => Token::Op(Op::Ne),
            '<' if chars.next_if_eq(&'=').is_some() => Token::Op(Op::Le),
            '<' => Token::Op(Op::Lt),
            '>' if chars.next_if_eq(&'=').is_some() => Token::Op(Op::Ge),
            '>' => Token::Op(Op::Gt),
            '"' => {
                let mut value = String::new();
                loop {
                    match chars.next() {
                        None => return Err(err("unterminated string value")),
                        Some('"') => break,
                        Some('\\') => value.push(chars.next().ok_or_else(|| err("dangling \\"))?),
                        Some(c) => value.push(c),
                    }
                }
                Token::Quoted(value)
            }
            c if is_word_char(c) => {
                let mut word = c.to_string();
                while let Some(c) = chars.next_if(|c| is_word_char(*c)) {
                    word.push(c);
                }
                Token::Word(word)
            }
            other => return Err(PatternError(format!("unexpected '{other}'"))),
        };
        tokens.push(token);
    }
    Ok(tokens)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '$' | '.' | '_' | '-' | '[' | ']' | '*' | '@' | '+')
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn eat(&mut self, expected: &Token) -> bool {
        let found = self.tokens.get(self.at) == Some(expected);
        if found {
            self.at += 1;
        }
        found
    }

    fn or(&mut self) -> Result<JsonCondition, PatternError> {
        let mut left = self.and()?;
        while self.eat(&Token::Or) {
            left = JsonCondition::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<JsonCondition, PatternError> {
        let mut left = self.unary()?;
        while self.eat(&Token::And) {
            left = JsonCondition::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<JsonCondition, PatternError> {
        if self.eat(&Token::Open) {
            let inner = self.or()?;
            if !self.eat(&Token::Close) {
                return Err(err("missing ')'"));
            }
            return Ok(inner);
        }
        self.condition()
    }

    fn condition(&mut self) -> Result<JsonCondition, PatternError> {
        let selector = match self.next() {
            Some(Token::Word(word)) => parse_selector(&word)?,
            _ => return Err(err("expected a selector such as $.level")),
        };
        match self.next() {
            Some(Token::Op(op)) => {
                let value = match self.next() {
                    Some(Token::Quoted(text)) => Literal::Text(text),
                    Some(Token::Word(word)) => match word.parse::<f64>() {
                        Ok(number) if number.is_finite() => Literal::Number(number),
                        _ => Literal::Text(word),
                    },
                    _ => return Err(err("expected a value after the operator")),
                };
                if matches!(value, Literal::Text(_)) && !matches!(op, Op::Eq | Op::Ne) {
                    return Err(err("strings can only be compared with = or !="));
                }
                Ok(JsonCondition::Compare {
                    selector,
                    op,
                    value,
                })
            }
            Some(Token::Word(word)) => self.keyword_condition(selector, &word),
            _ => Err(err("expected an operator after the selector")),
        }
    }

    fn keyword_condition(
        &mut self,
        selector: Vec<Step>,
        keyword: &str,
    ) -> Result<JsonCondition, PatternError> {
        let next_word = |parser: &mut Parser| match parser.next() {
            Some(Token::Word(word)) => Ok(word),
            _ => Err(err("incomplete IS / EXISTS condition")),
        };
        match keyword {
            "EXISTS" => Ok(JsonCondition::Exists {
                selector,
                present: true,
            }),
            "NOT" if next_word(self)? == "EXISTS" => Ok(JsonCondition::Exists {
                selector,
                present: false,
            }),
            "IS" => {
                let expected = match next_word(self)?.as_str() {
                    "TRUE" => Value::Bool(true),
                    "FALSE" => Value::Bool(false),
                    "NULL" => Value::Null,
                    other => return Err(PatternError(format!("unsupported IS {other}"))),
                };
                Ok(JsonCondition::Is { selector, expected })
            }
            other => Err(PatternError(format!(
                "unexpected '{other}' after the selector"
            ))),
        }
    }
}

fn parse_selector(text: &str) -> Result<Vec<Step>, PatternError> {
    let bad = || PatternError(format!("invalid selector '{text}'"));
    let mut rest = text.strip_prefix('$').ok_or_else(bad)?;
    let mut steps = Vec::new();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            let key = &after[..end];
            if key.is_empty() || key.contains([']', '*']) {
                return Err(bad());
            }
            steps.push(Step::Key(key.to_string()));
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let end = after.find(']').ok_or_else(bad)?;
            let index = after[..end].parse::<usize>().map_err(|_| bad())?;
            steps.push(Step::Index(index));
            rest = &after[end + 1..];
        } else {
            return Err(bad());
        }
    }
    if steps.is_empty() {
        return Err(bad());
    }
    Ok(steps)
}
