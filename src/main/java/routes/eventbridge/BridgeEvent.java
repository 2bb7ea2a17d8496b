package routes.eventbridge;

import java.util.Map;

/**
 * One accepted event on its way to the sinks: its position in the request, the request's source and the
 * event in the Python service's format ({@code event_type, user_id, session_id, timestamp, app_version,
 * device_type, location, data}).
 */
public record BridgeEvent(int index, String source, Map<String, Object> event) {

    public String userId() {
        return (String) event.get("user_id");
    }

    public String eventType() {
        return (String) event.get("event_type");
    }

    public String timestamp() {
        return (String) event.get("timestamp");
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> data() {
        return (Map<String, Object>) event.get("data");
    }
}
