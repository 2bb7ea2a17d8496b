-- Transcripts flow: who works on a request until when, and re-drives from transcript-consumer_error.
--
-- owner       the claim token of the delivery working on the row (instance id + a token per delivery)
-- lease_until the owner's lease; the owning instance extends it while it works (route transcriptsLeaseRenewal).
--             A delivery that finds the row RECEIVED under a live lease waits; after the lease it takes over.
-- generation  0 for the first processing; +1 for each re-drive from _error. Published event ids derive from
--             (message_id, generation, event kind), so a republish after a crash repeats the same messageId.
-- redrive_of  the dead-letter mark (MT-Reason + MT-Fault-Timestamp) of the last re-drive this row started
ALTER TABLE transcript_inbox
    ADD COLUMN owner       TEXT,
    ADD COLUMN lease_until TIMESTAMPTZ,
    ADD COLUMN generation  INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN redrive_of  TEXT;

-- The inbox claim as one atomic step: insert the row, or decide what this delivery may do with the existing one.
-- Returns the row as it is after the claim and whether this delivery now owns it (claimed):
--   new row                                                   -> claimed
--   a re-drive (new dead-letter mark) of a finished row or
--   of an abandoned one (RECEIVED, lease over)                -> reset to RECEIVED, generation + 1, claimed
--   RECEIVED and the lease is over (its owner died or gave up) -> taken over, claimed
--   anything else (in work elsewhere, ACCEPTED, stored outcome, COMPLETED) -> not claimed
CREATE FUNCTION transcript_inbox_claim(p_message_id TEXT, p_transcript_request_id TEXT, p_user_id TEXT,
                                       p_conversation_id TEXT, p_envelope_correlation_id TEXT, p_activity_id TEXT,
                                       p_payload TEXT, p_owner TEXT, p_lease_seconds INTEGER, p_redrive_of TEXT)
    RETURNS TABLE (status TEXT, deliveries INTEGER, generation INTEGER, claimed BOOLEAN, transcript_content TEXT,
                   error_message TEXT, fault BOOLEAN, exception_type TEXT, retry_count INTEGER)
    LANGUAGE plpgsql AS
$$
#variable_conflict use_column
DECLARE
    row       transcript_inbox%ROWTYPE;
    lease_end TIMESTAMPTZ := now() + make_interval(secs => p_lease_seconds);
BEGIN
    INSERT INTO transcript_inbox AS i (message_id, transcript_request_id, user_id, conversation_id,
                                       envelope_correlation_id, activity_id, payload, status, owner, lease_until,
                                       redrive_of)
    VALUES (p_message_id, p_transcript_request_id, p_user_id, p_conversation_id, p_envelope_correlation_id,
            p_activity_id, p_payload, 'RECEIVED', p_owner, lease_end, p_redrive_of)
    ON CONFLICT (message_id) DO NOTHING;
    IF FOUND THEN
        RETURN QUERY SELECT 'RECEIVED'::TEXT, 1, 0, TRUE, NULL::TEXT, NULL::TEXT, FALSE, NULL::TEXT, 0;
        RETURN;
    END IF;

    SELECT * INTO row FROM transcript_inbox i WHERE i.message_id = p_message_id FOR UPDATE;
    IF p_redrive_of IS NOT NULL AND row.redrive_of IS DISTINCT FROM p_redrive_of
       AND (row.status = 'COMPLETED' OR (row.status = 'RECEIVED' AND (row.lease_until IS NULL OR row.lease_until <= now()))) THEN
        UPDATE transcript_inbox i
           SET status = 'RECEIVED', generation = i.generation + 1, redrive_of = p_redrive_of, owner = p_owner,
               lease_until = lease_end, success = NULL, transcript_content = NULL, error_message = NULL,
               fault = FALSE, exception_type = NULL, retry_count = 0, completed_at = NULL,
               deliveries = i.deliveries + 1, updated_at = now()
         WHERE i.message_id = p_message_id
        RETURNING * INTO row;
        RETURN QUERY SELECT row.status, row.deliveries, row.generation, TRUE, NULL::TEXT, NULL::TEXT, FALSE, NULL::TEXT, 0;
    ELSIF row.status = 'RECEIVED' AND (row.lease_until IS NULL OR row.lease_until <= now()) THEN
        UPDATE transcript_inbox i
           SET owner = p_owner, lease_until = lease_end, deliveries = i.deliveries + 1, updated_at = now()
         WHERE i.message_id = p_message_id
        RETURNING * INTO row;
        RETURN QUERY SELECT row.status, row.deliveries, row.generation, TRUE, NULL::TEXT, NULL::TEXT, FALSE, NULL::TEXT, 0;
    ELSE
        UPDATE transcript_inbox i SET deliveries = i.deliveries + 1, updated_at = now()
         WHERE i.message_id = p_message_id
        RETURNING * INTO row;
        RETURN QUERY SELECT row.status, row.deliveries, row.generation, FALSE, row.transcript_content,
                            row.error_message, row.fault, row.exception_type, row.retry_count;
    END IF;
END
$$;
