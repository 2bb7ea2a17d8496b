package routes.extraction;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/** The per-caller token bucket against the real Redis (127.0.0.1:6379), as several instances share it. */
class CallerRateLimiterIT {

    private final String prefix = "ratelimit:test-" + UUID.randomUUID() + ":";
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
        var keys = redis.keys(prefix + "*");
        if (keys != null && !keys.isEmpty()) {
            redis.delete(keys);
        }
        connections.destroy();
    }

    @Test
    void aBurstPassesThenTheCallerWaitsForTheRefill() {
        CallerRateLimiter limiter = new CallerRateLimiter(redis, prefix, 2, 3);
        long now = 1_000_000_000L;
        assertThat(limiter.tryAcquire("a", now)).isZero();
        assertThat(limiter.tryAcquire("a", now)).isZero();
        assertThat(limiter.tryAcquire("a", now)).isZero();
        assertThat(limiter.tryAcquire("a", now)).isEqualTo(1);
        // other callers have their own bucket
        assertThat(limiter.tryAcquire("b", now)).isZero();

        now += 500_000; // 0.5 s at 2/s = one token
        assertThat(limiter.tryAcquire("a", now)).isZero();
        assertThat(limiter.tryAcquire("a", now)).isEqualTo(1);
    }

    @Test
    void retryAfterRoundsUpToWholeSeconds() {
        CallerRateLimiter limiter = new CallerRateLimiter(redis, prefix, 0.1, 1);
        long now = 5_000_000_000L;
        assertThat(limiter.tryAcquire("slow", now)).isZero();
        assertThat(limiter.tryAcquire("slow", now)).isEqualTo(10);
        assertThat(limiter.tryAcquire("slow", now + 9_500_000)).isEqualTo(1);
    }

    @Test
    void aBucketExpiresOnceItWouldBeFullAgain() {
        CallerRateLimiter limiter = new CallerRateLimiter(redis, prefix, 10, 5);
        assertThat(limiter.tryAcquire("gone")).isZero();
        Long ttl = redis.getExpire(prefix + "gone", java.util.concurrent.TimeUnit.MILLISECONDS);
        // one token short of full at 10/s: 100 ms
        assertThat(ttl).isBetween(1L, 100L);
    }

    @Test
    void threeInstancesTogetherAllowTheBurstOnceNotThreeTimes() throws Exception {
        List<CallerRateLimiter> instances = List.of(
                new CallerRateLimiter(redis, prefix, 0.01, 20),
                new CallerRateLimiter(redis, prefix, 0.01, 20),
                new CallerRateLimiter(redis, prefix, 0.01, 20));
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Callable<Long>> calls = new ArrayList<>();
            for (int i = 0; i < 90; i++) {
                CallerRateLimiter instance = instances.get(i % 3);
                calls.add(() -> instance.tryAcquire("shared"));
            }
            long allowed = 0;
            for (Future<Long> result : pool.invokeAll(calls)) {
                if (result.get() == 0) {
                    allowed++;
                }
            }
            assertThat(allowed).isEqualTo(20);
        } finally {
            pool.shutdownNow();
        }
    }
}
