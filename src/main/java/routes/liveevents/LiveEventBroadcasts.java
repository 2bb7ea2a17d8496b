package routes.liveevents;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.component.jsonvalidator.JsonValidationException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.ValidationMessage;

import routes.shared.HttpProblem;
import routes.shared.LiveEvent;

/**
 * Bean {@code liveEventBroadcasts}: the internal broadcast endpoint's checks around the JSON schema
 * ({@code contracts/live-events/broadcast-event.schema.json}) - body size first, then the schema's findings as a
 * 400 naming the field, then the event as a {@link LiveEvent}.
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

    /** Turns what the schema validator (or the JSON parser inside it) found into a 400 that names the field. */
    public void reject(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (caught instanceof JsonValidationException invalid && !invalid.getErrors().isEmpty()) {
            ValidationMessage first = invalid.getErrors().stream()
                    .min(Comparator.comparing((ValidationMessage m) -> field(m)).thenComparing(ValidationMessage::getMessage))
                    .orElseThrow();
            throw HttpProblem.badRequest(field(first), describe(invalid.getErrors()));
        }
        Throwable cause = caught;
        while (cause != null && cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String detail = cause instanceof JsonProcessingException parse ? parse.getOriginalMessage()
                : String.valueOf(cause == null ? "unreadable" : cause.getMessage());
        throw HttpProblem.badRequest("body", "the request body is not valid JSON: " + detail);
    }

    private static String field(ValidationMessage message) {
        String location = message.getInstanceLocation() == null ? "$" : message.getInstanceLocation().toString();
        String field = location.startsWith("$.") ? location.substring(2) : location.equals("$") ? "" : location;
        if ((field.isEmpty()) && message.getProperty() != null) {
            field = message.getProperty();
        }
        return field.isEmpty() ? "body" : field;
    }

    private static String describe(Set<ValidationMessage> errors) {
        return String.join("; ", errors.stream().map(ValidationMessage::getMessage).sorted().toList());
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

    /** The fanout exchange refused the event: 503, the worker retries. */
    public void unavailable(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        throw new HttpProblem(503, "exchange_unavailable", null,
                "the live events exchange did not take the event: " + (caught == null ? "unknown" : caught.getMessage()), 5);
    }

    private static String text(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asText() : null;
    }
}
