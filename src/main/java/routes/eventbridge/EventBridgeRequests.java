package routes.eventbridge;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import routes.shared.HttpProblem;
import routes.shared.JsonLimits;

/**
 * Reads the bridge's HTTP requests. A request that cannot be processed at all (not JSON, no {@code events}
 * array, too many events, bad {@code source}) is refused with an {@link HttpProblem} naming the field; inside
 * a good request each event is judged on its own ({@link EventNormaliser}): bad ones are rejected with their
 * index and reason, the rest go on.
 */
public final class EventBridgeRequests {

    public static final String SEND_BATCH = "send_batch";
    public static final String HYBRID_PROCESS = "hybrid_process";
    public static final String TEST_INTEGRATION = "test_integration";
    private static final Pattern SOURCE = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    private static final Pattern USER_ID = Pattern.compile("[^\\s\\p{Cntrl}]{1,128}");

    private final ObjectMapper json;
    private final JsonLimits limits;
    private final EventNormaliser normaliser;
    private final int maxBatchSize;
    private final String defaultSource;

    public EventBridgeRequests(ObjectMapper json, JsonLimits limits, EventNormaliser normaliser, int maxBatchSize,
                               String defaultSource) {
        this.json = json;
        this.limits = limits;
        this.normaliser = normaliser;
        this.maxBatchSize = maxBatchSize;
        this.defaultSource = defaultSource;
    }

    /** A {@code POST /api/ml/bridge/python} request: its action and the whole body. */
    public record BridgeCommand(String action, JsonNode body) {
    }

    /** {@code POST /api/ml/events/ingest}: {@code {"events": [...], "source": "driver_app"}}. */
    public EventBatch ingest(String body) {
        return batchOf(parseObject(body));
    }

    public BridgeCommand command(String body) {
        JsonNode root = parseObject(body);
        JsonNode action = root.get("action");
        if (action == null || action.isNull()) {
            throw HttpProblem.badRequest("action", "action is required: one of send_batch, hybrid_process, test_integration");
        }
        if (!action.isTextual()) {
            throw HttpProblem.badRequest("action", "action must be a string");
        }
        return new BridgeCommand(action.asText(), root);
    }

    public EventBatch batchOf(@ExchangeProperty("bridgeCommand") BridgeCommand command) {
        return batchOf(command.body());
    }

    /** A POST action this endpoint does not know: a 400 naming the ones it does. */
    public void unknownCommand(@ExchangeProperty("bridgeCommand") BridgeCommand command) {
        unknownAction(command.action());
    }

    /** The answer to send_batch and hybrid_process: the batch's counts plus what happened on the Python side. */
    public java.util.Map<String, Object> answer(@ExchangeProperty("eventBatch") EventBatch batch,
                                                @ExchangeProperty("bridgeCommand") BridgeCommand command,
                                                @ExchangeProperty("pythonOutcome") String python) {
        java.util.Map<String, Object> answer = new java.util.LinkedHashMap<>();
        answer.put("action", command.action());
        answer.putAll(batch.summary());
        if (python != null) {
            answer.put("python", python);
        }
        return answer;
    }

    /** An action this endpoint does not know: a 400 naming the ones it does. */
    public void unknownAction(@Header("action") String action) {
        throw HttpProblem.badRequest("action", "unknown action '" + (action == null ? "" : action)
                + "'; GET takes health or features, POST takes send_batch, hybrid_process or test_integration");
    }

    public String requireUserId(@Header("user_id") String userId) {
        if (userId == null || userId.isBlank()) {
            throw HttpProblem.badRequest("user_id", "user_id is required for action=features");
        }
        if (!USER_ID.matcher(userId).matches()) {
            throw HttpProblem.badRequest("user_id", "user_id must be 1-128 characters without spaces or control characters");
        }
        return userId;
    }

    private EventBatch batchOf(JsonNode root) {
        String source = source(root.get("source"));
        JsonNode events = root.get("events");
        if (events == null || events.isNull()) {
            throw HttpProblem.badRequest("events", "events is required: an array of events");
        }
        if (!events.isArray()) {
            throw HttpProblem.badRequest("events", "events must be an array");
        }
        if (events.isEmpty()) {
            throw HttpProblem.badRequest("events", "events must hold at least one event");
        }
        if (events.size() > maxBatchSize) {
            throw new HttpProblem(413, "batch_too_large", "events", "the batch has " + events.size()
                    + " events; at most " + maxBatchSize + " are accepted per request (EVENT_BRIDGE_MAX_BATCH_SIZE): split it", null);
        }
        List<BridgeEvent> accepted = new ArrayList<>(events.size());
        List<Rejection> rejected = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            EventNormaliser.Result result = normaliser.normalise(i, events.get(i), source);
            if (result.event() != null) {
                accepted.add(result.event());
            } else {
                rejected.add(result.rejection());
            }
        }
        return new EventBatch(source, List.copyOf(accepted), List.copyOf(rejected));
    }

    private String source(JsonNode node) {
        if (node == null || node.isNull()) {
            return defaultSource;
        }
        if (!node.isTextual() || !SOURCE.matcher(node.asText()).matches()) {
            throw HttpProblem.badRequest("source", "source must be 1-64 letters, digits or _ . : - (e.g. driver_app)");
        }
        return node.asText();
    }

    private JsonNode parseObject(String body) {
        if (body == null || body.isBlank()) {
            throw HttpProblem.badRequest(null, "the request body must be a JSON object");
        }
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw limits.violation(e).map(limit -> HttpProblem.badRequest("body", limit)).orElseGet(() ->
                    HttpProblem.badRequest(null, "the request body is not valid JSON: " + e.getOriginalMessage()));
        }
        if (root == null || !root.isObject()) {
            throw HttpProblem.badRequest(null, "the request body must be a JSON object");
        }
        return root;
    }
}
