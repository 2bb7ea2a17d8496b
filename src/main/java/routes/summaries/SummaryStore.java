package routes.summaries;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.apache.camel.ExchangeProperty;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import routes.shared.tracing.ActiveSpan;

/**
 * Writes a finished summary in ONE database transaction: the {@code video_summaries} row (inserted, or updated
 * when the video had a summary of another transcript) and the {@code outbox_events} row the relay publishes as
 * {@code video.summarized}. When the same video already has a summary of the same transcript (a duplicate that
 * raced this one through the pipeline), nothing is written and no event is added.
 */
public final class SummaryStore {

    static final String UPSERT_SUMMARY = """
            INSERT INTO video_summaries (video_id, summary_text, summary_path, transcript_key, model_info, quality_score)
            VALUES (:videoId, :summaryText, :summaryPath, :transcriptKey, CAST(:modelInfo AS jsonb), :qualityScore)
            ON CONFLICT (video_id) DO UPDATE
               SET summary_text = EXCLUDED.summary_text, summary_path = EXCLUDED.summary_path,
                   transcript_key = EXCLUDED.transcript_key, model_info = EXCLUDED.model_info,
                   quality_score = EXCLUDED.quality_score, updated_at = now()
             WHERE video_summaries.transcript_key IS DISTINCT FROM EXCLUDED.transcript_key""";

    static final String INSERT_OUTBOX = """
            INSERT INTO outbox_events (id, topic, payload, service, traceparent)
            VALUES (:id, :topic, CAST(:payload AS jsonb), :service, :traceparent)""";

    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final ObjectMapper json;
    private final String topic;
    private final String service;

    public SummaryStore(NamedParameterJdbcTemplate jdbc, TransactionTemplate transaction, ObjectMapper json, String topic,
                        String service) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.json = json;
        this.topic = topic;
        this.service = service;
    }

    /** Returns the outbox event id, or null when this summary was already stored (nothing written). */
    /** The exchange property holding the consuming span of the record as a W3C traceparent (tracing on only). */
    public static final String TRACEPARENT = "summaryTraceparent";

    public String record(@ExchangeProperty("summaryDocument") SummaryDocument document,
                         @ExchangeProperty(SummaryWork.PROPERTY) SummaryWork work,
                         @ExchangeProperty("summaryFileKey") String summaryFileKey,
                         @ExchangeProperty("modelInfo") Map<String, Object> modelInfo,
                         @ExchangeProperty(TRACEPARENT) String recordTraceparent) throws JsonProcessingException {
        UUID eventId = UUID.randomUUID();
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("id", eventId.toString());
        payload.put("videoId", document.videoId());
        payload.put("summaryFileKey", summaryFileKey);
        payload.put("summaryText", document.summaryText());
        payload.put("ts", Instant.now().toString());
        String payloadJson = json.writeValueAsString(payload);
        String modelInfoJson = json.writeValueAsString(modelInfo);
        // the consuming span, kept when the record arrived (summariesKeepTrace): after the parallel map-reduce this
        // step may run on a pool thread whose current span is not the record's
        String traceparent = recordTraceparent != null ? recordTraceparent : ActiveSpan.traceparent().orElse(null);
        return transaction.execute(status -> {
            int changed = jdbc.update(UPSERT_SUMMARY, new MapSqlParameterSource()
                    .addValue("videoId", document.videoId())
                    .addValue("summaryText", document.summaryText())
                    .addValue("summaryPath", summaryFileKey)
                    .addValue("transcriptKey", work.transcriptKey())
                    .addValue("modelInfo", modelInfoJson)
                    .addValue("qualityScore", document.qualityScore()));
            if (changed == 0) {
                return null;
            }
            jdbc.update(INSERT_OUTBOX, new MapSqlParameterSource()
                    .addValue("id", eventId)
                    .addValue("topic", topic)
                    .addValue("payload", payloadJson)
                    .addValue("service", service)
                    .addValue("traceparent", traceparent));
            return eventId.toString();
        });
    }
}
