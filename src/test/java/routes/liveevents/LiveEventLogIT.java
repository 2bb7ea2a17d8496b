package routes.liveevents;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import io.lettuce.core.RedisClient;
import io.lettuce.core.codec.StringCodec;

/**
 * The live events stream against the machine's Redis: a stream nobody has appended to yet (a fresh Redis, or one
 * restarted without persistence) is an empty stream to the reader, not a failed read. Before, Spring's "Error in
 * execution" hid Redis's "no such key", and every hub's reader failed and backed off until the first event.
 */
class LiveEventLogIT {

    private LettuceConnectionFactory connections;
    private LiveEventLog log;
    private String key;

    @BeforeEach
    void connect() {
        connections = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 6379));
        connections.afterPropertiesSet();
        connections.start();
        key = "test:live-events:" + UUID.randomUUID();
        log = new LiveEventLog(new StringRedisTemplate(connections),
                () -> ((RedisClient) connections.getNativeClient()).connect(StringCodec.UTF8), key, 100);
    }

    @AfterEach
    void close() {
        new StringRedisTemplate(connections).delete(key);
        log.close();
        connections.destroy();
    }

    @Test
    void aStreamNotCreatedYetReadsAsEmpty() {
        assertThat(log.state()).isEqualTo(StreamState.EMPTY);

        LiveEventReader reader = new LiveEventReader(log, 10, 50, 1_000, java.time.Clock.systemUTC());
        assertThat(reader.read().entries()).isEmpty();

        String id = log.append("{\"type\":\"probe\"}");
        assertThat(log.state().length()).isEqualTo(1);
        assertThat(log.state().lastGenerated()).isEqualTo(StreamId.parse(id).orElseThrow());
        assertThat(reader.read().entries()).extracting(LiveEventEntry::id).containsExactly(StreamId.parse(id).orElseThrow());
    }
}
