package routes.extraction;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class CallerRateLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void aBurstPassesThenTheCallerWaitsForTheRefill() {
        CallerRateLimiter limiter = new CallerRateLimiter(2, 3, 100, now::get);
        assertThat(limiter.tryAcquire("a")).isZero();
        assertThat(limiter.tryAcquire("a")).isZero();
        assertThat(limiter.tryAcquire("a")).isZero();
        assertThat(limiter.tryAcquire("a")).isEqualTo(1);
        // other callers have their own bucket
        assertThat(limiter.tryAcquire("b")).isZero();

        now.addAndGet(500_000_000L); // 0.5 s at 2/s = one token
        assertThat(limiter.tryAcquire("a")).isZero();
        assertThat(limiter.tryAcquire("a")).isEqualTo(1);
    }

    @Test
    void retryAfterRoundsUpToWholeSeconds() {
        CallerRateLimiter limiter = new CallerRateLimiter(0.1, 1, 100, now::get);
        assertThat(limiter.tryAcquire("slow")).isZero();
        assertThat(limiter.tryAcquire("slow")).isEqualTo(10);
        now.addAndGet(9_500_000_000L);
        assertThat(limiter.tryAcquire("slow")).isEqualTo(1);
    }

    @Test
    void memoryIsBoundedByForgettingTheLeastRecentlySeenCaller() {
        CallerRateLimiter limiter = new CallerRateLimiter(1, 1, 3, now::get);
        for (int i = 0; i < 1000; i++) {
            limiter.tryAcquire("caller-" + i);
        }
        assertThat(limiter.trackedClients()).isEqualTo(3);
        // the most recent callers are still limited
        assertThat(limiter.tryAcquire("caller-999")).isPositive();
    }

    @Test
    void contentTypesThatCountAsJson() {
        assertThat(ExtractionCallbacks.isJson("application/json")).isTrue();
        assertThat(ExtractionCallbacks.isJson("Application/JSON; charset=UTF-8")).isTrue();
        assertThat(ExtractionCallbacks.isJson("application/vnd.hub+json")).isTrue();
        assertThat(ExtractionCallbacks.isJson("text/plain")).isFalse();
        assertThat(ExtractionCallbacks.isJson("application/x-www-form-urlencoded")).isFalse();
        assertThat(ExtractionCallbacks.isJson(null)).isFalse();
    }
}
