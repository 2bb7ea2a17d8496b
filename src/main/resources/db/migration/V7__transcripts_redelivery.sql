-- Transcripts flow: MassTransit's delayed redelivery (TRANSCRIPTS_REDELIVERY_INTERVALS).
--
-- status RETRY_SCHEDULED  the delivery failed through its immediate retries and was acked; a copy of it carrying
--                         MT-Redelivery-Count = redelivery_count waits in transcript-consumer_delay_<interval>.
-- redelivery_count        the MT-Redelivery-Count of the delivery that owns (or last owned) the row; while
--                         RETRY_SCHEDULED: the count the scheduled copy carries.
-- The claim lets a delivery carrying at least that count take the row over (it is the scheduled copy); a delivery
-- with a lower count (the original again: a lost ack, a second publish) is a duplicate as before.
ALTER TABLE transcript_inbox DROP CONSTRAINT transcript_inbox_status_check;
ALTER TABLE transcript_inbox ADD CONSTRAINT transcript_inbox_status_check
    CHECK (status IN ('RECEIVED', 'RETRY_SCHEDULED', 'ACCEPTED', 'SUCCEEDED', 'FAILED', 'COMPLETED'));
ALTER TABLE transcript_inbox ADD COLUMN redelivery_count INTEGER NOT NULL DEFAULT 0;

DROP FUNCTION transcript_inbox_claim(TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, INTEGER, TEXT);

-- As V5's claim, plus:
--   RETRY_SCHEDULED and this delivery carries the scheduled MT-Redelivery-Count (or more) -> RECEIVED, claimed
--   RETRY_SCHEDULED and a lower count                                                   -> not claimed (duplicate)
CREATE FUNCTION transcript_inbox_claim(p_message_id TEXT, p_transcript_request_id TEXT, p_user_id TEXT,
                                       p_conversation_id TEXT, p_envelope_correlation_id TEXT, p_activity_id TEXT,
                                       p_payload TEXT, p_owner TEXT, p_lease_seconds INTEGER, p_redrive_of TEXT,
                                       p_redelivery_count INTEGER)
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
                                       redrive_of, redelivery_count)
    VALUES (p_message_id, p_transcript_request_id, p_user_id, p_conversation_id, p_envelope_correlation_id,
            p_activity_id, p_payload, 'RECEIVED', p_owner, lease_end, p_redrive_of, p_redelivery_count)
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
               redelivery_count = p_redelivery_count, deliveries = i.deliveries + 1, updated_at = now()
         WHERE i.message_id = p_message_id
        RETURNING * INTO row;
        RETURN QUERY SELECT row.status, row.deliveries, row.generation, TRUE, NULL::TEXT, NULL::TEXT, FALSE, NULL::TEXT, 0;
    ELSIF row.status = 'RETRY_SCHEDULED' AND p_redelivery_count >= row.redelivery_count THEN
        UPDATE transcript_inbox i
           SET status = 'RECEIVED', owner = p_owner, lease_until = lease_end, redelivery_count = p_redelivery_count,
               deliveries = i.deliveries + 1, updated_at = now()
         WHERE i.message_id = p_message_id
        RETURNING * INTO row;
        RETURN QUERY SELECT row.status, row.deliveries, row.generation, TRUE, NULL::TEXT, NULL::TEXT, FALSE, NULL::TEXT, 0;
    ELSIF row.status = 'RECEIVED' AND (row.lease_until IS NULL OR row.lease_until <= now()) THEN
        UPDATE transcript_inbox i
           SET owner = p_owner, lease_until = lease_end, redelivery_count = GREATEST(i.redelivery_count, p_redelivery_count),
               deliveries = i.deliveries + 1, updated_at = now()
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
