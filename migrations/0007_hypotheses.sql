-- Investigation hypotheses asked of the model for a newly created ticket: at most one
-- model call per ticket. The row is the claim, inserted before the call; the comment is
-- kept until it has landed, so a rerun posts it (with the same comment id) instead of
-- asking again. A claim found still `asking` (the run died mid-call) is not asked again.
CREATE TABLE hypotheses (
    fingerprint TEXT   NOT NULL PRIMARY KEY,
    ticket_id   TEXT   NOT NULL,
    state       TEXT   NOT NULL,               -- asking | ready | posted | failed
    run_id      TEXT,                          -- the agent_runs row of the call
    comment     TEXT,                          -- the ticket comment, once the answer passed
    reason      TEXT,                          -- why there is no comment
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
