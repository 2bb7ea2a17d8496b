-- Extraction flow: idempotent consumer keys (routes.extraction.ClaimingIdempotentRepository).
-- scope 'event' holds eventIds, scope 'content' holds contentIds (the time window). A row is a claim while
-- confirmed = false (delivery in progress) and a processed key once confirmed. The hourly cleanup route
-- (extractionIdempotencyCleanup) deletes rows older than hub.extraction.idempotency.retention-days.
CREATE TABLE extraction_idempotency (
    scope       VARCHAR(16)  NOT NULL,
    message_key VARCHAR(256) NOT NULL,
    claimed_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    confirmed   BOOLEAN      NOT NULL DEFAULT FALSE,
    PRIMARY KEY (scope, message_key)
);

CREATE INDEX extraction_idempotency_claimed_at ON extraction_idempotency (claimed_at);
