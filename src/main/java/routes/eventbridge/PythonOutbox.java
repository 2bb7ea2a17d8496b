package routes.eventbridge;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Header;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import routes.shared.HttpProblem;

/**
 * The durable outbox of the Python leg ({@code hub.event-bridge.python.outbox-queue}): route eventBridgeProcess
 * publishes one message per ingest request (the accepted events in Python format, a JSON array) before the 202;
 * route eventBridgePythonOutbox reads the messages one at a time and cuts each into batches for the Python event API.
 */
public final class PythonOutbox {

    private static final TypeReference<List<Map<String, Object>>> EVENTS = new TypeReference<>() {
    };

    private final ObjectMapper json;
    private final int batchSize;
    private final int retryAfterSeconds;

    public PythonOutbox(ObjectMapper json, int batchSize, int retryAfterSeconds) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("hub.event-bridge.python.batch-size must be at least 1, not " + batchSize);
        }
        this.json = json;
        this.batchSize = batchSize;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** One outbox message (a JSON array of events) cut into batches of at most batch-size events, in order. */
    public List<List<Map<String, Object>>> groups(@Body String message) throws JsonProcessingException {
        List<Map<String, Object>> events = json.readValue(message, EVENTS);
        List<List<Map<String, Object>>> groups = new ArrayList<>();
        for (int from = 0; from < events.size(); from += batchSize) {
            groups.add(List.copyOf(events.subList(from, Math.min(events.size(), from + batchSize))));
        }
        return groups;
    }

    /** The longest client {@code Idempotency-Key} taken (the IETF draft sets none; 200 covers UUIDs and ULIDs). */
    static final int MAX_CLIENT_KEY_LENGTH = 200;

    /**
     * The outbox message's id, from which every batch's {@code Idempotency-Key} to Python is made: derived from the
     * client's own {@code Idempotency-Key} when the ingest request carries one (a name-based UUID of it), so a request
     * retried after an answer that never arrived (a 503 whose publish the broker took after all, a lost 202) is the same
     * outbox message to Python, which drops it; else the exchange's id (every request is new). A key that is not 1-200
     * visible ASCII characters is refused (400).
     */
    public String messageId(@Header("Idempotency-Key") String clientKey, Exchange exchange) {
        if (clientKey == null) {
            return exchange.getExchangeId();
        }
        if (clientKey.isEmpty() || clientKey.length() > MAX_CLIENT_KEY_LENGTH
                || !clientKey.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
            throw new HttpProblem(400, "invalid_idempotency_key", null,
                    "Idempotency-Key must be 1 to " + MAX_CLIENT_KEY_LENGTH + " visible ASCII characters", null);
        }
        return UUID.nameUUIDFromBytes(("event-bridge ingest " + clientKey).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The outbox publish was not confirmed: the request is refused (503) before anything was written to Redis. */
    public void unavailable() {
        throw new HttpProblem(503, "broker_unavailable", null,
                "the events could not be handed to the message broker; nothing was recorded, retry later",
                retryAfterSeconds);
    }
}
