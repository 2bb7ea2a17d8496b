package routes.eventbridge;

import java.util.List;
import java.util.Locale;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Sink 3, features: the user's running features in Redis hash {@code features:{user_id}} (the key the Python
 * service reads and writes too, seed 004), updated atomically by one script per event:
 * <ul>
 * <li>{@code event_count}, {@code last_event_type}, {@code last_event_at}, {@code user_id}</li>
 * <li>from {@code data.response_time} (seconds): {@code response_time} (latest), {@code response_time_count},
 * {@code response_time_sum}, {@code avg_response_time}</li>
 * <li>from {@code data.response} ({@code accepted}; {@code rejected}/{@code declined}; {@code ignored}/
 * {@code timeout}/{@code missed}/{@code expired}): {@code response_count}, {@code accepted_count},
 * {@code rejected_count}, {@code acceptance_rate} (accepted / responses), {@code recent_responses} (the last N as
 * letters A, R, M) and {@code recent_rejections} (the R among them)</li>
 * </ul>
 * The script also (re)sets the hash's expiry ({@code EVENT_BRIDGE_FEATURES_TTL_SECONDS}, by default
 * {@code EVENT_BRIDGE_KEY_TTL_SECONDS}) in the same atomic step: a user without events for that long is forgotten.
 */
public final class RunningFeatures {

    public static final String KEY_PREFIX = "features:";
    private static final RedisScript<Long> UPDATE = RedisScript.of("""
            local key = KEYS[1]
            redis.call('HSET', key, 'user_id', ARGV[1], 'last_event_type', ARGV[2], 'last_event_at', ARGV[3])
            redis.call('HINCRBY', key, 'event_count', 1)
            local function round(x) return math.floor(x * 10000 + 0.5) / 10000 end
            if ARGV[5] ~= '' then
              local count = redis.call('HINCRBY', key, 'response_time_count', 1)
              local sum = tonumber(redis.call('HINCRBYFLOAT', key, 'response_time_sum', ARGV[5]))
              redis.call('HSET', key, 'response_time', ARGV[5], 'avg_response_time', tostring(round(sum / count)))
            end
            if ARGV[4] ~= '' then
              local responses = redis.call('HINCRBY', key, 'response_count', 1)
              local accepted = tonumber(redis.call('HGET', key, 'accepted_count') or '0')
              if ARGV[4] == 'A' then
                accepted = redis.call('HINCRBY', key, 'accepted_count', 1)
              elseif ARGV[4] == 'R' then
                redis.call('HINCRBY', key, 'rejected_count', 1)
              end
              local recent = (redis.call('HGET', key, 'recent_responses') or '') .. ARGV[4]
              local window = tonumber(ARGV[6])
              if string.len(recent) > window then recent = string.sub(recent, -window) end
              local _, rejections = string.gsub(recent, 'R', 'R')
              redis.call('HSET', key, 'acceptance_rate', tostring(round(accepted / responses)),
                'recent_responses', recent, 'recent_rejections', rejections)
            end
            redis.call('HSET', key, 'updated_at', ARGV[3])
            redis.call('EXPIRE', key, tonumber(ARGV[7]))
            return 1
            """, Long.class);

    private final StringRedisTemplate redis;
    private final int recentWindow;
    private final long ttlSeconds;

    public RunningFeatures(StringRedisTemplate redis, int recentWindow, long ttlSeconds) {
        if (ttlSeconds <= 0) {
            throw new IllegalArgumentException("the features' expiry must be positive, not " + ttlSeconds);
        }
        this.redis = redis;
        this.recentWindow = recentWindow;
        this.ttlSeconds = ttlSeconds;
    }

    /** Returns the hash that was updated. */
    public String update(BridgeEvent event) {
        String key = KEY_PREFIX + event.userId();
        redis.execute(UPDATE, List.of(key), event.userId(), event.eventType(), event.timestamp(),
                responseLetter(event.data().get("response")), responseTime(event.data().get("response_time")),
                Integer.toString(recentWindow), Long.toString(ttlSeconds));
        return key;
    }

    /** A for accepted, R for rejected or declined, M for a request left unanswered; empty for anything else. */
    static String responseLetter(Object response) {
        if (!(response instanceof String text)) {
            return "";
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "accepted", "accept" -> "A";
            case "rejected", "reject", "declined", "decline" -> "R";
            case "ignored", "timeout", "timed_out", "missed", "expired" -> "M";
            default -> "";
        };
    }

    /** A non-negative finite number of seconds as text, or empty when the event carries none. */
    static String responseTime(Object value) {
        double seconds;
        if (value instanceof Number number) {
            seconds = number.doubleValue();
        } else if (value instanceof String text) {
            try {
                seconds = Double.parseDouble(text.trim());
            } catch (NumberFormatException notANumber) {
                return "";
            }
        } else {
            return "";
        }
        return Double.isFinite(seconds) && seconds >= 0 ? Double.toString(seconds) : "";
    }
}
