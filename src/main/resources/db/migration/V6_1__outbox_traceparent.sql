-- Summaries flow, tracing: the W3C traceparent of the span that wrote an outbox row, so the relay's Kafka record
-- continues the trace of the video.transcribed record it answers (null when tracing is off or for other writers).
ALTER TABLE outbox_events ADD COLUMN IF NOT EXISTS traceparent TEXT;
