-- Transcripts flow: the inbox of TranscriptRequestedIntegrationEvent deliveries (idempotent consumer).
-- One row per MassTransit messageId. The row survives restarts, so a redelivered or duplicate envelope never
-- calls transcript-api again, and it keeps the envelope context (conversationId, MT-Activity-Id, payload) that
-- the 202 callbacks need to publish their events as replies in the same conversation.
--
-- status: RECEIVED  claimed, transcript-api call under way (or interrupted: a redelivery resumes it)
--         ACCEPTED  transcript-api answered 202 and will call back (/internal/transcripts/{id}/progress|completed)
--         SUCCEEDED the transcript is stored, the completed event is not yet confirmed by the broker
--         FAILED    the failure is stored, the completed/fault events are not yet confirmed by the broker
--         COMPLETED every event the request causes is confirmed: a further delivery is a duplicate
CREATE TABLE transcript_inbox (
    message_id              TEXT        PRIMARY KEY,
    transcript_request_id   TEXT        NOT NULL,
    user_id                 TEXT        NOT NULL,
    conversation_id         TEXT        NOT NULL,
    envelope_correlation_id TEXT,
    activity_id             TEXT,
    payload                 TEXT        NOT NULL,
    status                  TEXT        NOT NULL CHECK (status IN ('RECEIVED', 'ACCEPTED', 'SUCCEEDED', 'FAILED', 'COMPLETED')),
    deliveries              INTEGER     NOT NULL DEFAULT 1,
    success                 BOOLEAN,
    transcript_content      TEXT,
    error_message           TEXT,
    fault                   BOOLEAN     NOT NULL DEFAULT FALSE,
    exception_type          TEXT,
    retry_count             INTEGER     NOT NULL DEFAULT 0,
    received_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    completed_at            TIMESTAMPTZ
);

-- callbacks find the request by its transcriptRequestId (latest delivery first)
CREATE INDEX transcript_inbox_request_idx ON transcript_inbox (transcript_request_id, received_at DESC);
