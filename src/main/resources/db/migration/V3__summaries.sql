-- Summaries flow (seed 001): one row per summarized video, and the outbox shared with nest-be.

CREATE TABLE IF NOT EXISTS video_summaries (
    video_id       BIGINT PRIMARY KEY,
    summary_text   TEXT             NOT NULL,
    summary_path   TEXT             NOT NULL,
    -- the transcript object this summary was made from: a second event for the same key is a duplicate
    transcript_key TEXT             NOT NULL,
    -- {"model": ..., "method": "map-reduce", "chunkCount": ..., "reduceLevels": ..., ...}
    model_info     JSONB            NOT NULL,
    quality_score  DOUBLE PRECISION NOT NULL,
    created_at     TIMESTAMPTZ      NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ      NOT NULL DEFAULT now()
);

-- Transactional outbox shared by every service writing events (service = who wrote the row).
CREATE TABLE IF NOT EXISTS outbox_events (
    id              UUID PRIMARY KEY,
    topic           TEXT        NOT NULL,
    payload         JSONB       NOT NULL,
    published       BOOLEAN     NOT NULL DEFAULT false,
    attempts        INTEGER     NOT NULL DEFAULT 0,
    service         TEXT        NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    published_at    TIMESTAMPTZ,
    -- relay bookkeeping: when a failed row may be tried again, and why it failed
    next_attempt_at TIMESTAMPTZ,
    last_error      TEXT
);

-- the relay reads unpublished rows of one topic in creation order
CREATE INDEX IF NOT EXISTS outbox_events_unpublished
    ON outbox_events (topic, created_at, id) WHERE NOT published;
