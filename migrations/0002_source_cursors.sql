-- Where each source stopped reading: a file offset, a CloudWatch time window, a Sentry
-- timestamp. The position is opaque JSON owned by the source adapter.
CREATE TABLE source_cursors (
    source     TEXT   NOT NULL PRIMARY KEY,
    position   TEXT   NOT NULL,
    updated_at BIGINT NOT NULL
);
