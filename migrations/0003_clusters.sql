-- Clusters: one row per error fingerprint. Raw events are never stored: counts, bounded
-- collections (`stats`, JSON: users, endpoints, releases, hosts, source keys, redacted
-- samples) and the latest severity. Times are epoch milliseconds; booleans 0/1.
CREATE TABLE clusters (
    fingerprint    TEXT   NOT NULL PRIMARY KEY,
    service        TEXT   NOT NULL,
    kind           TEXT   NOT NULL,             -- 'stack' | 'template'
    exception_type TEXT,
    merge_key      TEXT,                        -- service + exception + top in-app frame
    title          TEXT   NOT NULL,
    template       TEXT   NOT NULL,
    first_seen     BIGINT NOT NULL,
    last_seen      BIGINT NOT NULL,
    events_total   BIGINT NOT NULL,
    worst_level    TEXT   NOT NULL,
    unhandled      BIGINT NOT NULL,
    stats          TEXT   NOT NULL,
    regressed_at   BIGINT,                      -- set when it came back after a fix/close
    score          DOUBLE PRECISION,
    level          TEXT,
    severity       TEXT,                        -- JSON: the nine dimensions
    scored_at      BIGINT,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX clusters_merge_key ON clusters (merge_key);
CREATE INDEX clusters_last_seen ON clusters (last_seen);

-- A fingerprint that was merged into another cluster (the same error from another source).
CREATE TABLE cluster_aliases (
    alias       TEXT NOT NULL PRIMARY KEY,
    fingerprint TEXT NOT NULL
);

-- Events per cluster per hour (hour start, epoch ms), kept for `hourly_retention`; older
-- hours are rolled up into days, kept for `daily_retention`.
CREATE TABLE cluster_hours (
    fingerprint TEXT   NOT NULL,
    hour        BIGINT NOT NULL,
    events      BIGINT NOT NULL,
    PRIMARY KEY (fingerprint, hour)
);
CREATE INDEX cluster_hours_hour ON cluster_hours (hour);
CREATE TABLE cluster_days (
    fingerprint TEXT   NOT NULL,
    day         BIGINT NOT NULL,
    events      BIGINT NOT NULL,
    PRIMARY KEY (fingerprint, day)
);

-- The message templates mined so far, in creation order (the miner is rebuilt from them).
CREATE TABLE templates (
    id       TEXT   NOT NULL PRIMARY KEY,
    position BIGINT NOT NULL,
    template TEXT   NOT NULL,
    events   BIGINT NOT NULL
);

-- Installation-wide values triaged generates once (the user-id hashing salt).
CREATE TABLE settings (
    name  TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
);
