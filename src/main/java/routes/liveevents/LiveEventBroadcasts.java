package routes.liveevents;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;

import org.apache.camel.Exchange;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import routes.shared.HttpProblem;
import routes.shared.LiveEvent;

/**
 * Bean {@code liveEventBroadcasts}: the internal broadcast endpoint's steps around the JSON schema
 * ({@code contracts/live-events/broadcast-event.schema.json}, whose findings {@link BroadcastSchemaProblems} turns
 * into a 400): body size first, then the validated body as a {@link LiveEvent}, and the 503 when the Redis stream
 * does not take it.
 */
public final class LiveEventBroadcasts {

    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    private final ObjectMapper json;
    private final int maxEventBytes;

    LiveEventBroadcasts(ObjectMapper json, int maxEventBytes) {
        this.json = json;
        this.maxEventBytes = maxEventBytes;
    }

    /** Refuses an empty or oversized body before it is parsed. */
    public void checkSize(String body) {
        if (body == null || body.isBlank()) {
            throw HttpProblem.badRequest("body", "the request body must be a live event as JSON");
        }
        int bytes = body.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxEventBytes) {
            throw new HttpProblem(413, "payload_too_large", "body",
                    "the event is " + bytes + " bytes; at most " + maxEventBytes + " are accepted", null);
        }
    }

    /** The validated body as a LiveEvent; {@code timestamp} defaults to now and must be an ISO-8601 instant. */
    public LiveEvent toLiveEvent(String body) throws JsonProcessingException {
        JsonNode node = json.readTree(body);
        String timestamp = node.hasNonNull("timestamp") ? node.get("timestamp").asText() : Instant.now().toString();
        try {
            OffsetDateTime.parse(timestamp);
        } catch (DateTimeParseException e) {
            throw HttpProblem.badRequest("timestamp", "'" + timestamp + "' is not an ISO-8601 date-time with offset, "
                    + "e.g. 2025-11-05T12:00:00Z");
        }
        Map<String, Object> data = node.hasNonNull("data") ? json.convertValue(node.get("data"), OBJECT) : null;
        return new LiveEvent(node.get("type").asText(), timestamp, text(node, "video_id"), text(node, "status"),
                node.hasNonNull("progress") ? node.get("progress").asInt() : null, text(node, "message"), data);
    }

    /**
     * The Redis stream did not take the event (XADD failed): replaces the caught exception with a 503 problem
     * (Retry-After 5) for the shared {@code httpProblemResponse} to render; the worker retries.
     */
    public void unavailable(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new HttpProblem(503, "stream_unavailable", null,
                "the live events stream (Redis) did not take the event: " + (caught == null ? "unknown" : caught.getMessage()), 5));
    }

    private static String text(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asText() : null;
    }
}
