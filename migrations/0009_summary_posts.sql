-- One row per (summary window, destination) that a run set out to post to, written before
-- the post: a run that takes over an interrupted one, or runs the window again, posts only
-- where no earlier run posted or may have posted. status: posting | posted | unknown.
-- A post that surely did not land deletes its row, so the window may be posted later.
CREATE TABLE summary_posts (
    window_end  BIGINT NOT NULL,           -- epoch ms, as in summaries
    destination TEXT   NOT NULL,
    status      TEXT   NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (window_end, destination)
);
