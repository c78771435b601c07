-- Every model call: the prompt as sent (already redacted), the answer, tokens, cost,
-- latency and outcome. Spend caps read it.
CREATE TABLE agent_runs (
    id          TEXT   NOT NULL PRIMARY KEY,
    fingerprint TEXT,                          -- the cluster, when the call was about one
    purpose     TEXT   NOT NULL,               -- fix | summary
    provider    TEXT   NOT NULL,
    model       TEXT   NOT NULL,
    prompt      TEXT   NOT NULL,
    response    TEXT   NOT NULL,
    tokens_in   BIGINT NOT NULL,
    tokens_out  BIGINT NOT NULL,
    cost_usd    DOUBLE PRECISION NOT NULL,
    latency_ms  BIGINT NOT NULL,
    outcome     TEXT   NOT NULL,               -- ok | refused | bad_tool_call | error: …
    created_at  BIGINT NOT NULL
);
CREATE INDEX agent_runs_created ON agent_runs (created_at);

-- One drafted fix per cluster. The row is inserted before the branch is created (the
-- claim); a run that finds it pending resumes with the same branch and finds the same PR.
CREATE TABLE drafts (
    fingerprint TEXT   NOT NULL PRIMARY KEY,
    repo        TEXT   NOT NULL,
    branch      TEXT   NOT NULL,
    state       TEXT   NOT NULL,               -- pending | opened | rejected
    pr_number   BIGINT,
    pr_url      TEXT,
    reason      TEXT,
    run_id      TEXT,
    plan        TEXT,                          -- JSON: the checked patch and PR text, saved
                                               -- before the branch so a rerun needs no model
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX drafts_updated ON drafts (updated_at);
