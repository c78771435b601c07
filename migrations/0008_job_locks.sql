-- One lock per job: which run may work on it now, so two runs of one job (two ticks, or a
-- manual run beside a daemon) never overlap. `fence` rises on every acquisition; writes
-- made for a run check it in their own transaction, so a holder that lost the lock commits
-- nothing. A lock is free once released or once its lease ran out. Times are epoch ms.
CREATE TABLE job_locks (
    job           TEXT   NOT NULL PRIMARY KEY,
    fence         BIGINT NOT NULL,
    holder        TEXT   NOT NULL,   -- instance id of the run holding it
    boot_id       TEXT,              -- the kernel boot it runs in, when known
    scheduled_for BIGINT NOT NULL,   -- the tick (or manual start) of that run
    lease_until   BIGINT NOT NULL,
    released_at   BIGINT
);
