package routes.eventbridge;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.Body;

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

    /** The outbox publish was not confirmed: the request is refused (503) before anything was written to Redis. */
    public void unavailable() {
        throw new HttpProblem(503, "broker_unavailable", null,
                "the events could not be handed to the message broker; nothing was recorded, retry later",
                retryAfterSeconds);
    }
}
