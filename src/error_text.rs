//! One line for an error and its causes, each said once. Many errors already write their
//! source into their own message (`while executing migration 4: error returned from
//! database: …`), so joining the whole chain with `: ` repeats it; a cause whose text the
//! line already holds is left out.

/// `error` and its causes joined by `: `, skipping a cause whose text is already in the
/// line.
pub fn error_line(error: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if text.is_empty() || line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("while executing migration 4: {0}")]
    struct Migration(#[source] Database);

    #[derive(Debug, thiserror::Error)]
    #[error("error returned from database: {0}")]
    struct Database(#[source] Sqlite);

    #[derive(Debug, thiserror::Error)]
    #[error("(code: 1) table tickets already exists")]
    struct Sqlite;

    #[test]
    fn each_cause_is_said_once() {
        let error = anyhow::Error::new(Migration(Database(Sqlite))).context("opening the store");
        assert_eq!(
            error_line(&error),
            "opening the store: while executing migration 4: error returned from database: \
             (code: 1) table tickets already exists"
        );
    }

    #[test]
    fn causes_that_do_not_repeat_are_all_kept_in_order() {
        let error = anyhow::anyhow!("connection refused")
            .context("reading log group /ecs/web")
            .context("cloudwatch");
        assert_eq!(
            error_line(&error),
            "cloudwatch: reading log group /ecs/web: connection refused"
        );
    }
}
