package routes.eventbridge;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.data.redis.connection.RedisStreamCommands.XAddOptions;
import org.springframework.data.redis.connection.stream.RecordId;
import org.springframework.data.redis.connection.stream.StreamRecords;
import org.springframework.data.redis.core.StringRedisTemplate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Sink 1, storage: appends the event to the user's Redis stream {@code events:{user_id}}
 * ({@code XADD events:{user_id} MAXLEN ~ cap * ...}), fields {@code event_type, user_id, session_id,
 * timestamp, source} for reading without parsing, and {@code event}: the whole event as JSON.
 */
public final class EventStreamStore {

    public static final String KEY_PREFIX = "events:";

    private final StringRedisTemplate redis;
    private final ObjectMapper json;
    private final long maxLength;

    public EventStreamStore(StringRedisTemplate redis, ObjectMapper json, long maxLength) {
        this.redis = redis;
        this.json = json;
        this.maxLength = maxLength;
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
        RecordId id = redis.opsForStream().add(StreamRecords.string(fields).withStreamKey(KEY_PREFIX + event.userId()),
                XAddOptions.maxlen(maxLength).approximateTrimming(true));
        return id == null ? null : id.getValue();
    }
}
