-- The ticket of each cluster. A row is inserted before the tracker is asked to create or
-- link one, inside the same transaction as its intent: the primary key is the claim, so
-- two runs (or two replicas) can never both create a ticket for one cluster.
CREATE TABLE tickets (
    fingerprint TEXT   NOT NULL PRIMARY KEY,
    ticket_id   TEXT   NOT NULL,
    ticket_key  TEXT   NOT NULL,            -- '' until a create has landed
    phase       TEXT   NOT NULL,            -- open | done | canceled
    record      TEXT   NOT NULL,            -- JSON: the lifecycle record
    version     BIGINT NOT NULL,            -- bumped on every write (optimistic concurrency)
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX tickets_ticket_id ON tickets (ticket_id);

-- Tracker actions, written before the tracker is called and marked done with the record
-- after. A pending row is replayed before any new decision about its cluster; every
-- action is idempotent by its id (tickets and comments are created with that id).
CREATE TABLE ticket_intents (
    id          TEXT   NOT NULL PRIMARY KEY,
    fingerprint TEXT   NOT NULL,
    kind        TEXT   NOT NULL,
    action      TEXT   NOT NULL,            -- JSON: the action with its evidence
    status      TEXT   NOT NULL,            -- pending | done | failed
    attempts    BIGINT NOT NULL,
    last_error  TEXT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX ticket_intents_one_pending ON ticket_intents (fingerprint)
    WHERE status = 'pending';

-- What happened to each ticket and why (dashboard timeline, morning summary).
CREATE TABLE ticket_events (
    fingerprint TEXT   NOT NULL,
    at          BIGINT NOT NULL,
    kind        TEXT   NOT NULL,            -- create | link | comment | reopen | close | label | observe
    ticket_key  TEXT   NOT NULL,
    evidence    TEXT   NOT NULL
);
CREATE INDEX ticket_events_at ON ticket_events (at);
CREATE INDEX ticket_events_fingerprint ON ticket_events (fingerprint, at);
