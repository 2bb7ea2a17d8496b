package routes.eventbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.core.StringRedisTemplate;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Every Redis key the event bridge's sinks write carries an expiry, set by the same script as the write, against the
 * real Redis (127.0.0.1:6379): the stream {@code events:{user}}, the features {@code features:{user}} and the
 * per-minute counters. A later write renews it.
 */
class EventBridgeKeyExpiryIT {

    private final String user = "expiry-it-" + UUID.randomUUID();
    private LettuceConnectionFactory connections;
    private StringRedisTemplate redis;

    @BeforeEach
    void connect() {
        connections = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 6379));
        connections.afterPropertiesSet();
        connections.start();
        redis = new StringRedisTemplate(connections);
    }

    @AfterEach
    void cleanUp() {
        redis.delete(List.of(EventStreamStore.KEY_PREFIX + user, RunningFeatures.KEY_PREFIX + user));
        connections.destroy();
    }

    @Test
    void theStreamIsWrittenWithItsExpiryAndTrimmed() throws Exception {
        EventStreamStore store = new EventStreamStore(redis, new ObjectMapper(), 5, 2_592_000);
        String key = EventStreamStore.KEY_PREFIX + user;
        String id = store.store(event("ride_request_response"));
        assertThat(id).matches("\\d+-\\d+");
        assertThat(redis.getExpire(key, TimeUnit.SECONDS)).as("TTL of " + key).isBetween(2_591_990L, 2_592_000L);

        List<MapRecord<String, Object, Object>> entries = redis.opsForStream().read(StreamOffset.fromStart(key));
        assertThat(entries).singleElement().satisfies(entry -> {
            assertThat(entry.getId().getValue()).isEqualTo(id);
            assertThat(entry.getValue()).containsEntry("event_type", "ride_request_response").containsEntry("user_id", user)
                    .containsEntry("session_id", "s-1").containsEntry("source", "driver_app").containsKey("event");
        });

        redis.expire(key, Duration.ofSeconds(100));
        store.store(event("page_view"));
        assertThat(redis.getExpire(key, TimeUnit.SECONDS)).as("renewed by the next event").isGreaterThan(2_591_000L);
        for (int i = 0; i < 300; i++) {
            store.store(event("page_view"));
        }
        // MAXLEN ~ 5 trims whole nodes (100 entries each by default): far fewer than the 302 written
        assertThat(redis.opsForStream().size(key)).isLessThan(200);
    }

    @Test
    void featuresAndCountersCarryTheirExpiry() {
        BridgeEvent event = event("ride_request_response");
        String features = new RunningFeatures(redis, 10, 1_000).update(event);
        assertThat(features).isEqualTo(RunningFeatures.KEY_PREFIX + user);
        assertThat(redis.getExpire(features, TimeUnit.SECONDS)).isBetween(990L, 1_000L);
        assertThat(redis.<String, String>opsForHash().entries(features)).containsEntry("event_count", "1")
                .containsEntry("accepted_count", "1");

        String counter = new EventCounters(redis, 500).count(event);
        assertThat(redis.getExpire(counter, TimeUnit.SECONDS)).isBetween(490L, 500L);
    }

    @Test
    void anExpiryOfZeroIsRefused() {
        assertThatThrownBy(() -> new EventStreamStore(redis, new ObjectMapper(), 5, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RunningFeatures(redis, 10, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EventCounters(redis, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private BridgeEvent event(String type) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("event_type", type);
        event.put("user_id", user);
        event.put("session_id", "s-1");
        event.put("timestamp", Instant.now().toString());
        event.put("data", Map.of("response", "accepted", "response_time", 3.2));
        return new BridgeEvent(0, "driver_app", event);
    }
}
