package routes.support;

import java.util.Set;

import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;

/** Isolation for integration tests that share one context: empty the queues, tables and keys a test uses. */
public final class HubResources {

    private final AmqpAdmin amqpAdmin;
    private final JdbcTemplate jdbc;
    private final StringRedisTemplate redis;

    HubResources(AmqpAdmin amqpAdmin, JdbcTemplate jdbc, StringRedisTemplate redis) {
        this.amqpAdmin = amqpAdmin;
        this.jdbc = jdbc;
        this.redis = redis;
    }

    /** Purges each queue that exists; a queue not declared yet is skipped. */
    public void purgeQueues(String... queues) {
        for (String queue : queues) {
            if (amqpAdmin.getQueueInfo(queue) != null) {
                amqpAdmin.purgeQueue(queue, false);
            }
        }
    }

    /** Deletes every row of the given tables (names are the test's own constants, never input). */
    public void truncate(String... tables) {
        jdbc.execute("TRUNCATE " + String.join(", ", tables) + " CASCADE");
    }

    /** Deletes the Redis keys matching each pattern, e.g. {@code events:test-*}. */
    public void deleteKeys(String... patterns) {
        for (String pattern : patterns) {
            Set<String> keys = redis.keys(pattern);
            if (keys != null && !keys.isEmpty()) {
                redis.delete(keys);
            }
        }
    }

    public AmqpAdmin amqpAdmin() {
        return amqpAdmin;
    }

    public JdbcTemplate jdbc() {
        return jdbc;
    }

    public StringRedisTemplate redis() {
        return redis;
    }
}
