package routes.eventbridge;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Turns one app event into the Python event API's format (seed 004): {@code event_type}, {@code user_id},
 * {@code session_id}, {@code timestamp} (ISO-8601 UTC, default now), {@code app_version}, {@code device_type},
 * {@code location} (defaults configurable) at the top, every other field moved into {@code data}
 * (an explicit {@code data} object is kept and wins over a top-level field of the same name; {@code data.source}
 * is the request's source unless the event names its own). A bad event yields a {@link Rejection}.
 */
public final class EventNormaliser {

    static final Set<String> TOP_LEVEL = Set.of("event_type", "user_id", "session_id", "timestamp", "app_version",
            "device_type", "location", "data");
    private static final Pattern EVENT_TYPE = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");
    private static final Pattern ID = Pattern.compile("[^\\s\\p{Cntrl}]{1,128}");
    private static final int MAX_TEXT = 64;
    /** Integral timestamps below this are epoch seconds, above it epoch milliseconds (1e11 s is year 5138). */
    private static final long EPOCH_SECONDS_LIMIT = 100_000_000_000L;

    private final ObjectMapper json;
    private final EventBridgeSettings.Defaults defaults;
    private final Supplier<Instant> clock;

    public EventNormaliser(ObjectMapper json, EventBridgeSettings.Defaults defaults, Supplier<Instant> clock) {
        this.json = json;
        this.defaults = defaults;
        this.clock = clock;
    }

    /** The outcome for one event: exactly one of {@code event} and {@code rejection} is set. */
    public record Result(BridgeEvent event, Rejection rejection) {
    }

    public Result normalise(int index, JsonNode raw, String source) {
        try {
            return new Result(new BridgeEvent(index, source, toPython(raw, source)), null);
        } catch (BadField bad) {
            return new Result(null, new Rejection(index, bad.field, bad.getMessage()));
        }
    }

    private Map<String, Object> toPython(JsonNode raw, String source) {
        if (raw == null || !raw.isObject()) {
            throw new BadField(null, "event must be a JSON object");
        }
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("event_type", eventType(raw.get("event_type")));
        event.put("user_id", identifier("user_id", raw.get("user_id"), true));
        String session = identifier("session_id", raw.get("session_id"), false);
        if (session != null) {
            event.put("session_id", session);
        }
        event.put("timestamp", timestamp(raw.get("timestamp")));
        event.put("app_version", text("app_version", raw.get("app_version"), defaults.appVersion()));
        event.put("device_type", text("device_type", raw.get("device_type"), defaults.deviceType()));
        event.put("location", location(raw.get("location")));
        event.put("data", data(raw, source));
        return event;
    }

    private static String eventType(JsonNode node) {
        if (absent(node)) {
            throw new BadField("event_type", "event_type is required");
        }
        if (!node.isTextual()) {
            throw new BadField("event_type", "event_type must be a string");
        }
        String value = node.asText().trim();
        if (!EVENT_TYPE.matcher(value).matches()) {
            throw new BadField("event_type", "event_type must be 1-100 letters, digits or _ . : -");
        }
        return value;
    }

    private static String identifier(String field, JsonNode node, boolean required) {
        if (absent(node)) {
            if (required) {
                throw new BadField(field, field + " is required");
            }
            return null;
        }
        String value;
        if (node.isTextual()) {
            value = node.asText().trim();
        } else if (node.isIntegralNumber()) {
            value = node.asText();
        } else {
            throw new BadField(field, field + " must be a string or an integer");
        }
        if (!ID.matcher(value).matches()) {
            throw new BadField(field, field + " must be 1-128 characters without spaces or control characters");
        }
        return value;
    }

    private String timestamp(JsonNode node) {
        if (absent(node)) {
            return clock.get().truncatedTo(ChronoUnit.MILLIS).toString();
        }
        if (node.isIntegralNumber()) {
            long value = node.asLong();
            if (value < 0) {
                throw new BadField("timestamp", "timestamp must not be negative");
            }
            Instant instant = value < EPOCH_SECONDS_LIMIT ? Instant.ofEpochSecond(value) : Instant.ofEpochMilli(value);
            return instant.toString();
        }
        if (!node.isTextual()) {
            throw new BadField("timestamp", "timestamp must be an ISO-8601 string or epoch seconds/milliseconds");
        }
        String text = node.asText().trim();
        try {
            return OffsetDateTime.parse(text).toInstant().toString();
        } catch (DateTimeParseException withoutOffset) {
            try {
                // no offset given: the apps send UTC
                return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC).toString();
            } catch (DateTimeParseException invalid) {
                throw new BadField("timestamp", "timestamp '" + abbreviate(text) + "' is not ISO-8601 (e.g. 2025-01-10T16:45:30Z)");
            }
        }
    }

    private static String text(String field, JsonNode node, String fallback) {
        if (absent(node)) {
            return fallback;
        }
        if (!node.isTextual()) {
            throw new BadField(field, field + " must be a string");
        }
        String value = node.asText().trim();
        if (value.isEmpty() || value.length() > MAX_TEXT) {
            throw new BadField(field, field + " must be 1-" + MAX_TEXT + " characters");
        }
        return value;
    }

    private Map<String, Object> location(JsonNode node) {
        Map<String, Object> location = new LinkedHashMap<>();
        if (absent(node)) {
            location.put("lat", defaults.location().lat());
            location.put("lng", defaults.location().lng());
            return location;
        }
        if (!node.isObject()) {
            throw new BadField("location", "location must be an object {\"lat\": number, \"lng\": number}");
        }
        location.put("lat", coordinate(node.get("lat"), "location.lat", 90));
        location.put("lng", coordinate(node.get("lng"), "location.lng", 180));
        // anything else the app measured (accuracy, heading, ...) travels with it
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!"lat".equals(field.getKey()) && !"lng".equals(field.getKey())) {
                location.put(field.getKey(), json.convertValue(field.getValue(), Object.class));
            }
        }
        return location;
    }

    private static double coordinate(JsonNode node, String field, double limit) {
        if (absent(node)) {
            throw new BadField(field, field + " is required when location is given");
        }
        if (!node.isNumber()) {
            throw new BadField(field, field + " must be a number");
        }
        double value = node.asDouble();
        if (Double.isNaN(value) || value < -limit || value > limit) {
            throw new BadField(field, field + " must be between -" + (int) limit + " and " + (int) limit);
        }
        return value;
    }

    private Map<String, Object> data(JsonNode raw, String source) {
        Map<String, Object> data = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = raw.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!TOP_LEVEL.contains(field.getKey())) {
                data.put(field.getKey(), json.convertValue(field.getValue(), Object.class));
            }
        }
        JsonNode explicit = raw.get("data");
        if (!absent(explicit)) {
            if (!explicit.isObject()) {
                throw new BadField("data", "data must be an object");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = explicit.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                data.put(field.getKey(), json.convertValue(field.getValue(), Object.class));
            }
        }
        data.putIfAbsent("source", source);
        return data;
    }

    private static boolean absent(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }

    private static final class BadField extends RuntimeException {
        private final String field;

        BadField(String field, String message) {
            super(message, null, false, false);
            this.field = field;
        }
    }
}
