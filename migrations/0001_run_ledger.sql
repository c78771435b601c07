-- The run ledger: one row per (job, scheduled_for). Inserting the row is how a replica
-- claims a run; a row whose lease expired may be taken over. Times are epoch milliseconds.
CREATE TABLE job_runs (
    job           TEXT    NOT NULL,
    scheduled_for BIGINT  NOT NULL,
    trigger_kind  TEXT    NOT NULL,           -- 'schedule' | 'manual'
    holder        TEXT    NOT NULL,           -- instance id of the claimant
    status        TEXT    NOT NULL,           -- 'running' | 'succeeded' | 'failed' | 'interrupted'
    attempt       BIGINT  NOT NULL DEFAULT 1, -- 1 + number of takeovers
    started_at    BIGINT  NOT NULL,
    heartbeat_at  BIGINT  NOT NULL,
    lease_until   BIGINT  NOT NULL,
    finished_at   BIGINT,
    error         TEXT,
    detail        TEXT,                       -- JSON summary written by the job
    PRIMARY KEY (job, scheduled_for)
);
CREATE INDEX job_runs_started ON job_runs (started_at);
