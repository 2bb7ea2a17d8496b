package routes.eventbridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Normalisation to the Python event API's format (seed 004): every field, defaults, nesting, bad types. */
class EventNormaliserTest {

    private static final Instant NOW = Instant.parse("2025-01-10T16:45:30Z");
    private final ObjectMapper json = new ObjectMapper();
    private final EventNormaliser normaliser = new EventNormaliser(json, new EventBridgeSettings.Defaults("1.0.0", "android",
            "unknown", new EventBridgeSettings.Location(14.5995, 120.9842)), () -> NOW);

    private EventNormaliser.Result normalise(String event) throws Exception {
        return normaliser.normalise(3, json.readTree(event), "driver_app");
    }

    private Map<String, Object> accepted(String event) throws Exception {
        EventNormaliser.Result result = normalise(event);
        assertThat(result.rejection()).as("rejection").isNull();
        return result.event().event();
    }

    private Rejection rejected(String event) throws Exception {
        EventNormaliser.Result result = normalise(event);
        assertThat(result.event()).as("accepted event").isNull();
        assertThat(result.rejection().index()).isEqualTo(3);
        return result.rejection();
    }

    @Test
    void theSeedsTypeScriptEventBecomesThePythonFormat() throws Exception {
        Map<String, Object> event = accepted("""
                {"event_type": "ride_request_response", "user_id": "driver_123", "session_id": "session_456",
                 "driver_id": "driver_123", "request_id": "req_789", "response": "accepted", "response_time": 3.2}""");

        assertThat(event).containsOnlyKeys("event_type", "user_id", "session_id", "timestamp", "app_version",
                "device_type", "location", "data");
        assertThat(List.copyOf(event.keySet())).containsExactly("event_type", "user_id", "session_id", "timestamp",
                "app_version", "device_type", "location", "data");
        assertThat(event.get("event_type")).isEqualTo("ride_request_response");
        assertThat(event.get("user_id")).isEqualTo("driver_123");
        assertThat(event.get("session_id")).isEqualTo("session_456");
        assertThat(event.get("timestamp")).isEqualTo("2025-01-10T16:45:30Z");
        assertThat(event.get("app_version")).isEqualTo("1.0.0");
        assertThat(event.get("device_type")).isEqualTo("android");
        assertThat(event.get("location")).isEqualTo(Map.of("lat", 14.5995, "lng", 120.9842));
        assertThat(event.get("data")).isEqualTo(Map.of("driver_id", "driver_123", "request_id", "req_789",
                "response", "accepted", "response_time", 3.2, "source", "driver_app"));
    }

    @Test
    void givenFieldsWinOverDefaults() throws Exception {
        Map<String, Object> event = accepted("""
                {"event_type": "ui_interaction", "user_id": 42, "timestamp": "2025-01-10T18:45:30+02:00",
                 "app_version": "2.3.1", "device_type": "ios", "location": {"lat": -33.9, "lng": 18.4, "accuracy": 5},
                 "source": "passenger_app", "screen": "home"}""");

        assertThat(event.get("user_id")).isEqualTo("42");
        assertThat(event).doesNotContainKey("session_id");
        assertThat(event.get("timestamp")).isEqualTo("2025-01-10T16:45:30Z");
        assertThat(event.get("app_version")).isEqualTo("2.3.1");
        assertThat(event.get("device_type")).isEqualTo("ios");
        assertThat(event.get("location")).isEqualTo(Map.of("lat", -33.9, "lng", 18.4, "accuracy", 5));
        // the event's own source wins over the request's
        assertThat(event.get("data")).isEqualTo(Map.of("source", "passenger_app", "screen", "home"));
    }

    @Test
    void timestampsInOtherShapesBecomeIsoUtc() throws Exception {
        assertThat(accepted("{\"event_type\": \"a\", \"user_id\": \"u\", \"timestamp\": \"2025-01-10T16:45:30\"}")
                .get("timestamp")).isEqualTo("2025-01-10T16:45:30Z");
        assertThat(accepted("{\"event_type\": \"a\", \"user_id\": \"u\", \"timestamp\": 1736527530}")
                .get("timestamp")).isEqualTo("2025-01-10T16:45:30Z");
        assertThat(accepted("{\"event_type\": \"a\", \"user_id\": \"u\", \"timestamp\": 1736527530250}")
                .get("timestamp")).isEqualTo("2025-01-10T16:45:30.250Z");
        assertThat(accepted("{\"event_type\": \"a\", \"user_id\": \"u\", \"timestamp\": null}")
                .get("timestamp")).isEqualTo("2025-01-10T16:45:30Z");
    }

    @Test
    @SuppressWarnings("unchecked")
    void nestedValuesAndAnExplicitDataObjectAreKept() throws Exception {
        Map<String, Object> event = accepted("""
                {"event_type": "trip", "user_id": "u", "fare": {"amount": 120.5, "currency": "PHP"},
                 "stops": [1, 2, {"name": "x"}], "flag": null,
                 "data": {"fare": "explicit wins", "extra": {"deep": [true]}}}""");

        Map<String, Object> data = (Map<String, Object>) event.get("data");
        assertThat(data.get("fare")).isEqualTo("explicit wins");
        assertThat(data.get("stops")).isEqualTo(List.of(1, 2, Map.of("name", "x")));
        assertThat(data.get("extra")).isEqualTo(Map.of("deep", List.of(true)));
        assertThat(data).containsEntry("flag", null).containsEntry("source", "driver_app");
    }

    @Test
    void requiredFieldsMissing() throws Exception {
        assertThat(rejected("{\"user_id\": \"u\"}")).isEqualTo(new Rejection(3, "event_type", "event_type is required"));
        assertThat(rejected("{\"event_type\": \"a\"}")).isEqualTo(new Rejection(3, "user_id", "user_id is required"));
        assertThat(rejected("{\"event_type\": \"a\", \"user_id\": null}").field()).isEqualTo("user_id");
        assertThat(rejected("{\"event_type\": \"a\", \"user_id\": \"  \"}").field()).isEqualTo("user_id");
    }

    @Test
    void badTypesAreRejectedWithTheField() throws Exception {
        assertThat(rejected("[1, 2]")).isEqualTo(new Rejection(3, null, "event must be a JSON object"));
        assertThat(rejected("\"text\"").reason()).isEqualTo("event must be a JSON object");
        assertThat(rejected("{\"event_type\": 7, \"user_id\": \"u\"}"))
                .isEqualTo(new Rejection(3, "event_type", "event_type must be a string"));
        assertThat(rejected("{\"event_type\": \"has space\", \"user_id\": \"u\"}").field()).isEqualTo("event_type");
        assertThat(rejected("{\"event_type\": \"a\", \"user_id\": {\"id\": 1}}"))
                .isEqualTo(new Rejection(3, "user_id", "user_id must be a string or an integer"));
        assertThat(rejected("{\"event_type\": \"a\", \"user_id\": 1.5}").field()).isEqualTo("user_id");
        assertThat(rejected("{\"event_type\": \"a\", \"user_id\": \"u\", \"session_id\": true}").field()).isEqualTo("session_id");
        assertThat(rejected("{\"event_type\": \"a\", \"user_id\": \"u\", \"timestamp\": true}").field()).isEqualTo("timestamp");
        assertThat(rejected("{\"event_type\": \"a\", \"user_id\": \"u\", \"timestamp\": \"yesterday\"}").reason())
                .isEqualTo("timestamp 'yesterday' is not ISO-8601 (e.g. 2025-01-10T16:45:30Z)");
        assertThat(rejected("{\"event_type\": \"a\", \"user_id\": \"u\", \"timestamp\": -5}").field()).isEqualTo("timestamp");
        assertThat(rejected("{\"event_type\": \"a\", \"user_id\": \"u\", \"app_version\": 2}"))
                .isEqualTo(new Rejection(3, "app_version", "app_version must be a string"));
        assertThat(rejected("{\"event_type\": \"a\", \"user_id\": \"u\", \"device_type\": \"\"}").field()).isEqualTo("device_type");
        assertThat(rejected("{\"event_type\": \"a\", \"user_id\": \"u\", \"location\": \"Manila\"}").field()).isEqualTo("location");
        assertThat(rejected("{\"event_type\": \"a\", \"user_id\": \"u\", \"location\": {\"lat\": \"14\", \"lng\": 120}}"))
                .isEqualTo(new Rejection(3, "location.lat", "location.lat must be a number"));
        assertThat(rejected("{\"event_type\": \"a\", \"user_id\": \"u\", \"location\": {\"lat\": 14}}"))
                .isEqualTo(new Rejection(3, "location.lng", "location.lng is required when location is given"));
        assertThat(rejected("{\"event_type\": \"a\", \"user_id\": \"u\", \"location\": {\"lat\": 91, \"lng\": 0}}").reason())
                .isEqualTo("location.lat must be between -90 and 90");
        assertThat(rejected("{\"event_type\": \"a\", \"user_id\": \"u\", \"data\": [1]}"))
                .isEqualTo(new Rejection(3, "data", "data must be an object"));
    }

    @Test
    void theAcceptedEventKeepsItsIndexAndSource() throws Exception {
        BridgeEvent event = normalise("{\"event_type\": \"a\", \"user_id\": \"u\"}").event();
        assertThat(event.index()).isEqualTo(3);
        assertThat(event.source()).isEqualTo("driver_app");
        assertThat(event.userId()).isEqualTo("u");
        assertThat(event.eventType()).isEqualTo("a");
        JsonNode roundTrip = json.valueToTree(event.event());
        assertThat(roundTrip.path("location").path("lat").asDouble()).isEqualTo(14.5995);
    }
}
