package routes.eventbridge;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Sink 1, storage: appends the event to the user's Redis stream {@code events:{user_id}}
 * ({@code XADD events:{user_id} MAXLEN ~ cap * ...}), fields {@code event_type, user_id, session_id,
 * timestamp, source} for reading without parsing, and {@code event}: the whole event as JSON. The same script
 * (re)sets the stream's expiry ({@code EXPIRE events:{user_id} EVENT_BRIDGE_KEY_TTL_SECONDS}), so the stream never
 * exists without one and a user without events for that long is forgotten.
 */
public final class EventStreamStore {

    public static final String KEY_PREFIX = "events:";

    /** KEYS[1] the stream; ARGV[1] the MAXLEN cap, ARGV[2] the expiry (s), then field, value, ... Returns the id. */
    private static final RedisScript<String> APPEND = RedisScript.of("""
            local fields = {}
            for i = 3, #ARGV do fields[#fields + 1] = ARGV[i] end
            local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', unpack(fields))
            redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
            return id
            """, String.class);

    private final StringRedisTemplate redis;
    private final ObjectMapper json;
    private final String maxLength;
    private final String ttlSeconds;

    public EventStreamStore(StringRedisTemplate redis, ObjectMapper json, long maxLength, long ttlSeconds) {
        if (ttlSeconds <= 0) {
            throw new IllegalArgumentException("the streams' expiry must be positive, not " + ttlSeconds);
        }
        this.redis = redis;
        this.json = json;
        this.maxLength = Long.toString(maxLength);
        this.ttlSeconds = Long.toString(ttlSeconds);
    }

    /** Returns the stream entry id. */
    public String store(BridgeEvent event) throws JsonProcessingException {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("event_type", event.eventType());
        fields.put("user_id", event.userId());
        Object session = event.event().get("session_id");
        if (session != null) {
            fields.put("session_id", session.toString());
        }
        fields.put("timestamp", event.timestamp());
        fields.put("source", event.source());
        fields.put("event", json.writeValueAsString(event.event()));
        List<String> args = new ArrayList<>(2 + fields.size() * 2);
        args.add(maxLength);
        args.add(ttlSeconds);
        fields.forEach((name, value) -> {
            args.add(name);
            args.add(value);
        });
        return redis.execute(APPEND, List.of(KEY_PREFIX + event.userId()), args.toArray());
    }
}
