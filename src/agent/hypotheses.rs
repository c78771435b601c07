//! Investigation hypotheses for a new ticket: the prompt (rules, the cluster's evidence
//! fenced as data), the one tool the model answers through (`suggest_hypotheses`), its
//! answer checked and bounded, and the ticket comment that shows it as the model's
//! unverified words — each field neutralised, redacted, cut, flattened to one line and
//! its markdown escaped, so an instruction in the answer reads as quoted text.

use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::prompt::evidence;
use super::untrusted::{Fence, SYSTEM_DATA_RULE, neutralise};
use super::{ModelRequest, ToolSpec};
use crate::domain::lifecycle::ClusterFacts;
use crate::redact::Redactor;

/// The tool the model must answer through.
pub const SUGGEST_HYPOTHESES_TOOL: &str = "suggest_hypotheses";
/// Hypotheses kept at most (more in an answer are dropped).
pub const MAX_HYPOTHESES: usize = 5;
/// The comment's heading.
pub const HYPOTHESES_HEADING: &str = "Hypotheses (model-written, unverified)";
/// Characters of each field shown on the ticket.
const FIELD_CHARS: usize = 600;
/// Output tokens asked for (hypotheses are short).
const MAX_TOKENS: u32 = 1_500;

const RULES: &str = "You help the engineer on call start investigating one production \
error. Suggest up to five hypotheses about its cause, most likely first, each with the \
evidence below that supports it and where in the code or the infrastructure to look. \
Answer only by calling the `suggest_hypotheses` tool. Do not propose code changes, \
commands or credentials; say plainly when the evidence is thin.";

/// One hypothesis as the model wrote it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hypothesis {
    pub hypothesis: String,
    pub evidence: String,
    pub where_to_look: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Answer {
    hypotheses: Vec<Hypothesis>,
}

/// The request and its digest (SHA-256 of system + user, hex).
pub struct HypothesesPrompt {
    pub request: ModelRequest,
    pub digest: String,
}

/// Who wrote the hypotheses, for the comment.
pub struct Authorship<'a> {
    pub provider: &'a str,
    pub model: &'a str,
    pub run_id: &'a str,
}

/// The `suggest_hypotheses` tool's input schema.
pub fn suggest_hypotheses_schema() -> Value {
    let text = |what: &str| json!({ "type": "string", "maxLength": 2000, "description": what });
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["hypotheses"],
        "properties": {
            "hypotheses": {
                "type": "array",
                "minItems": 1,
                "maxItems": MAX_HYPOTHESES,
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["hypothesis", "evidence", "where_to_look"],
                    "properties": {
                        "hypothesis": text("What may cause the error, in one or two sentences."),
                        "evidence": text("What in the evidence supports it."),
                        "where_to_look": text("Files, functions, dashboards or settings to check first."),
                    }
                }
            }
        }
    })
}

/// The prompt for `facts`: the rules, and the evidence fenced as data.
pub fn hypotheses_prompt(facts: &ClusterFacts, redactor: &Redactor) -> HypothesesPrompt {
    let fence = Fence::random();
    let user = format!(
        "The error (production data, redacted):\n{}\n",
        fence.wrap("evidence", &evidence(facts, redactor))
    );
    let system = format!("{RULES}\n\n{SYSTEM_DATA_RULE}");
    let digest = Sha256::digest(format!("{system}\n\n{user}").as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    HypothesesPrompt {
        request: ModelRequest {
            system,
            user,
            tools: vec![ToolSpec {
                name: SUGGEST_HYPOTHESES_TOOL.into(),
                description: "Suggest up to five investigation hypotheses, each with its supporting evidence and where to look.".into(),
                input_schema: suggest_hypotheses_schema(),
            }],
            force_tool: Some(SUGGEST_HYPOTHESES_TOOL.into()),
            max_tokens: MAX_TOKENS,
        },
        digest,
    }
}

/// The tool's input as at most `MAX_HYPOTHESES` hypotheses; why not, when it does not fit
/// the schema or holds none with any text.
pub fn parse_hypotheses(input: &Value) -> Result<Vec<Hypothesis>, String> {
    let answer: Answer = serde_json::from_value(input.clone())
        .map_err(|e| format!("the answer does not fit the tool's schema: {e}"))?;
    let kept: Vec<Hypothesis> = answer
        .hypotheses
        .into_iter()
        .filter(|h| !h.hypothesis.trim().is_empty())
        .take(MAX_HYPOTHESES)
        .collect();
    if kept.is_empty() {
        return Err("the answer holds no hypothesis".into());
    }
    Ok(kept)
}

/// The ticket comment: the heading, who wrote it, and each hypothesis as quoted data.
pub fn hypotheses_comment(
    items: &[Hypothesis],
    author: &Authorship<'_>,
    redactor: &Redactor,
) -> String {
    let data = |text: &str| as_data(text, redactor);
    let mut out = format!(
        "### {HYPOTHESES_HEADING}\n\nWritten by a model from the evidence on this ticket, not checked by anyone: a starting point for the investigation, not a finding.\n\n"
    );
    for (n, h) in items.iter().take(MAX_HYPOTHESES).enumerate() {
        out.push_str(&format!(
            "{}. {}\n   - Evidence: {}\n   - Where to look: {}\n",
            n + 1,
            data(&h.hypothesis),
            data(&h.evidence),
            data(&h.where_to_look)
        ));
    }
    out.push_str(&format!(
        "\nProvider {}, model {}, agent run {}.",
        data(author.provider),
        data(author.model),
        data(author.run_id)
    ));
    out
}

/// `text` neutralised (invisible characters out, secrets redacted, cut), on one line, with
/// every markdown-active character escaped: it renders as the words it is, never as a
/// heading, a link, an image, HTML or a table.
fn as_data(text: &str, redactor: &Redactor) -> String {
    let clean = neutralise(text, redactor, FIELD_CHARS);
    let one_line = clean.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::with_capacity(one_line.len());
    for c in one_line.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '!' | '~' | '(' | ')'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests;
