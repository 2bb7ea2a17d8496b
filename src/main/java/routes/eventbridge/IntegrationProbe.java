package routes.eventbridge;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code POST /api/ml/bridge/python {"action": "test_integration"}}: one synthetic event (user
 * {@code integration_test}, event type {@code integration_test}) through each sink in turn, the Python service
 * called directly (not batched, not parked), reporting each sink's result and latency.
 */
public final class IntegrationProbe {

    public static final String USER_ID = "integration_test";
    private static final Map<String, String> SINKS = Map.of(
            "storage", "direct:event-bridge-sink-storage",
            "aggregations", "direct:event-bridge-sink-aggregations",
            "features", "direct:event-bridge-sink-features");

    private final ProducerTemplate producer;
    private final ObjectMapper json;
    private final EventBridgeSettings.Defaults defaults;
    private final boolean pythonEnabled;

    public IntegrationProbe(ProducerTemplate producer, ObjectMapper json, EventBridgeSettings.Defaults defaults,
                            boolean pythonEnabled) {
        this.producer = producer;
        this.json = json;
        this.defaults = defaults;
        this.pythonEnabled = pythonEnabled;
    }

    public Map<String, Object> run(Exchange request) throws JsonProcessingException {
        BridgeEvent event = syntheticEvent();
        Map<String, Object> sinks = new LinkedHashMap<>();
        boolean allOk = true;
        for (String sink : List.of("storage", "aggregations", "features")) {
            Exchange result = send(request, SINKS.get(sink), event);
            String error = result.getProperty(FanOut.SINK_ERROR, String.class);
            if (result.getException() != null) {
                error = result.getException().getMessage();
            }
            sinks.put(sink, outcome(error == null, result, error));
            allOk &= error == null;
        }
        if (!pythonEnabled) {
            sinks.put("python", Map.of("ok", false, "skipped", "ENABLE_PYTHON_BRIDGE=false"));
            return answer(event, sinks, allOk);
        }
        Exchange python = send(request, "direct:event-bridge-python-deliver", json.writeValueAsString(List.of(event.event())));
        String outcome = python.getProperty(FanOut.PYTHON_OUTCOME, String.class);
        Map<String, Object> pythonResult = outcome(FanOut.DELIVERED.equals(outcome), python,
                FanOut.DELIVERED.equals(outcome) ? null : outcome);
        pythonResult.put("http_status", python.getProperty(FanOut.PYTHON_STATUS));
        pythonResult.put("circuit_breaker_state", python.getProperty(Exchange.CIRCUIT_BREAKER_STATE));
        sinks.put("python", pythonResult);
        allOk &= FanOut.DELIVERED.equals(outcome);
        return answer(event, sinks, allOk);
    }

    private static Map<String, Object> answer(BridgeEvent event, Map<String, Object> sinks, boolean allOk) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("action", EventBridgeRequests.TEST_INTEGRATION);
        answer.put("success", allOk);
        answer.put("event", event.event());
        answer.put("sinks", sinks);
        return answer;
    }

    private Exchange send(Exchange request, String uri, Object body) {
        Exchange exchange = new DefaultExchange(request.getContext());
        exchange.setProperty("correlationId", request.getProperty("correlationId"));
        exchange.setProperty(FanOut.STARTED, System.nanoTime());
        exchange.getMessage().setBody(body);
        return producer.send(uri, exchange);
    }

    private static Map<String, Object> outcome(boolean ok, Exchange exchange, String error) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("ok", ok);
        result.put("latency_ms", (System.nanoTime() - exchange.getProperty(FanOut.STARTED, Long.class)) / 1_000_000.0);
        if (error != null) {
            result.put("error", error);
        }
        return result;
    }

    private BridgeEvent syntheticEvent() {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("event_type", "integration_test");
        event.put("user_id", USER_ID);
        event.put("session_id", "integration-" + UUID.randomUUID());
        event.put("timestamp", Instant.now().toString());
        event.put("app_version", defaults.appVersion());
        event.put("device_type", defaults.deviceType());
        event.put("location", Map.of("lat", defaults.location().lat(), "lng", defaults.location().lng()));
        event.put("data", Map.of("source", "integration_test", "probe", true));
        return new BridgeEvent(0, "integration_test", event);
    }
}
