package routes.shared;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A status event for the live event stream (seed 003's DTOs): every flow publishes these through
 * {@code direct:live-event} (live-events.camel.yaml), which fans them out to every hub instance.
 * {@code type} is one of {@code video.status}, {@code summary.ready}, {@code extraction.completed}, {@code error}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LiveEvent(String type, String timestamp, @JsonProperty("video_id") String videoId, String status,
                        Integer progress, String message, Map<String, Object> data) {

    public static final String VIDEO_STATUS = "video.status";
    public static final String SUMMARY_READY = "summary.ready";
    public static final String EXTRACTION_COMPLETED = "extraction.completed";
    public static final String ERROR = "error";

    /** {@code status}: PENDING, QUEUED, PROCESSING, PROCESSED or FAILED. */
    public static LiveEvent videoStatus(String videoId, String status, Integer progress, String message) {
        return new LiveEvent(VIDEO_STATUS, now(), videoId, status, progress, message, null);
    }

    public static LiveEvent summaryReady(String videoId, Map<String, Object> data) {
        return new LiveEvent(SUMMARY_READY, now(), videoId, null, null, null, data);
    }

    public static LiveEvent extractionCompleted(Map<String, Object> data) {
        return new LiveEvent(EXTRACTION_COMPLETED, now(), null, null, null, null, data);
    }

    /** A flow dead-lettered a message: {@code data} says which flow and why. */
    public static LiveEvent error(String videoId, String message, Map<String, Object> data) {
        return new LiveEvent(ERROR, now(), videoId, null, null, message, data);
    }

    private static String now() {
        return Instant.now().toString();
    }
}
