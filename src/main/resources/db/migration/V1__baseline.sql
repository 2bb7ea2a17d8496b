-- Integration Hub schema baseline. Each flow adds its own versioned migration:
--   V2 transcripts (inbox), V3 summaries (video_summaries, outbox_events), V4 extraction (processed events),
--   V5 event bridge.
SELECT 1;
