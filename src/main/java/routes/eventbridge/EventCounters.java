package routes.eventbridge;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Sink 2, aggregations: per-minute counters for dashboards. One Redis hash per minute of the event's
 * timestamp (UTC), {@code metrics:events:{yyyy-MM-ddTHH:mm}}, with fields {@code total},
 * {@code event_type:{event_type}} and {@code source:{source}}, incremented in one atomic script that also
 * (re)sets the key's expiry.
 */
public final class EventCounters {

    public static final String KEY_PREFIX = "metrics:events:";
    public static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm").withZone(ZoneOffset.UTC);
    private static final RedisScript<Long> COUNT = RedisScript.of("""
            redis.call('HINCRBY', KEYS[1], 'total', 1)
            redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
            redis.call('HINCRBY', KEYS[1], ARGV[2], 1)
            redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
            return 1
            """, Long.class);

    private final StringRedisTemplate redis;
    private final long ttlSeconds;

    public EventCounters(StringRedisTemplate redis, long ttlSeconds) {
        if (ttlSeconds <= 0) {
            throw new IllegalArgumentException("the counters' expiry must be positive, not " + ttlSeconds);
        }
        this.redis = redis;
        this.ttlSeconds = ttlSeconds;
    }

    public static String keyFor(String isoTimestamp) {
        return KEY_PREFIX + MINUTE.format(Instant.parse(isoTimestamp));
    }

    /** Returns the hash that was incremented. */
    public String count(BridgeEvent event) {
        String key = keyFor(event.timestamp());
        redis.execute(COUNT, List.of(key), "event_type:" + event.eventType(), "source:" + event.source(),
                Long.toString(ttlSeconds));
        return key;
    }
}
