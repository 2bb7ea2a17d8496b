package routes.extraction;

import java.util.List;

import org.apache.camel.Exchange;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

import routes.shared.HttpProblem;

/**
 * A token bucket per caller address, shared by every hub instance: {@code ratePerSecond} sustained,
 * {@code burst} at once, across all instances together (N replicas do not allow N times the limit). Each bucket
 * is one Redis hash {@code {keyPrefix}{caller}} ({@code tokens}, {@code at} in microseconds), refilled and taken
 * from in one atomic Lua script on Redis's own clock ({@code TIME}), so instances' clocks need not agree. A bucket
 * expires once it would be full again, so Redis holds only callers seen within {@code burst / ratePerSecond}
 * seconds; a forgotten caller starts with a full bucket, which is what it would have had anyway.
 */
public final class CallerRateLimiter {

    public static final String DEFAULT_KEY_PREFIX = "ratelimit:extraction:";

    /**
     * KEYS[1] the bucket; ARGV rate per microsecond, burst, now in microseconds (negative: Redis TIME).
     * Returns 0 when a token was taken, else the microseconds until one is available.
     */
    private static final RedisScript<Long> TAKE = RedisScript.of("""
            local rate = tonumber(ARGV[1])
            local burst = tonumber(ARGV[2])
            local now = tonumber(ARGV[3])
            if now < 0 then
              local t = redis.call('TIME')
              now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            end
            local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
            local tokens = tonumber(state[1])
            local at = tonumber(state[2])
            if tokens == nil or at == nil then
              tokens = burst
              at = now
            end
            if now > at then
              tokens = math.min(burst, tokens + (now - at) * rate)
              at = now
            end
            local wait = 0
            if tokens >= 1 then
              tokens = tokens - 1
            else
              wait = math.ceil((1 - tokens) / rate)
            end
            redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(at))
            redis.call('PEXPIRE', KEYS[1], math.max(1, math.ceil((burst - tokens) / rate / 1000)))
            return wait
            """, Long.class);

    private final StringRedisTemplate redis;
    private final String keyPrefix;
    private final String ratePerMicro;
    private final String burst;

    public CallerRateLimiter(StringRedisTemplate redis, String keyPrefix, double ratePerSecond, int burst) {
        if (ratePerSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("rate limit needs ratePerSecond > 0, burst >= 1");
        }
        this.redis = redis;
        this.keyPrefix = keyPrefix;
        this.ratePerMicro = Double.toString(ratePerSecond / 1_000_000d);
        this.burst = Integer.toString(burst);
    }

    /** Takes a token for the caller in exchange property {@link ExtractionCallbacks#CALLER}, or answers 429. */
    public void acquire(Exchange exchange) {
        String caller = exchange.getProperty(ExtractionCallbacks.CALLER, "unknown", String.class);
        long waitSeconds = tryAcquire(caller);
        if (waitSeconds > 0) {
            throw new HttpProblem(429, "rate_limited", null,
                    "too many calls from " + caller + "; retry after " + waitSeconds + " s", (int) waitSeconds);
        }
    }

    /** 0 when the call may go ahead, else the whole seconds until a token is available (at least 1). */
    public long tryAcquire(String caller) {
        return tryAcquire(caller, -1);
    }

    /** As {@link #tryAcquire(String)} at {@code nowMicros} instead of Redis's clock (tests). */
    long tryAcquire(String caller, long nowMicros) {
        Long waitMicros = redis.execute(TAKE, List.of(keyPrefix + caller), ratePerMicro, burst, Long.toString(nowMicros));
        if (waitMicros == null || waitMicros <= 0) {
            return 0;
        }
        return Math.max(1, (waitMicros + 999_999) / 1_000_000);
    }
}
