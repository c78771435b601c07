-- The morning summaries as they were posted: one row per run of the summary job, with the
-- paragraph that headed it, the numbers (the HealthSummary as JSON), and where it went.
-- Failed destinations keep the error as the job reported it (already free of secrets).
CREATE TABLE summaries (
    window_end       BIGINT NOT NULL,           -- epoch ms: the end of the 24 h reported
    posted_at        BIGINT NOT NULL,
    paragraph        TEXT   NOT NULL,
    paragraph_author TEXT   NOT NULL,           -- 'template' or the model's name
    summary          TEXT   NOT NULL,           -- JSON: the HealthSummary
    posted_to        TEXT   NOT NULL,           -- JSON: destination names that took it
    failed           TEXT   NOT NULL,           -- JSON: [{destination, error}]
    PRIMARY KEY (window_end, posted_at)
);
CREATE INDEX summaries_posted ON summaries (posted_at);
