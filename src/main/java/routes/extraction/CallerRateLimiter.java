package routes.extraction;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import org.apache.camel.Exchange;

import routes.shared.HttpProblem;

/**
 * A token bucket per caller address: {@code ratePerSecond} sustained, {@code burst} at once. Memory is bounded:
 * at most {@code maxClients} buckets, the least recently seen caller is forgotten first (it starts again with a
 * full bucket, which errs on the side of letting a call through).
 */
public final class CallerRateLimiter {

    private final double ratePerNano;
    private final double burst;
    private final LongSupplier clock;
    private final Map<String, Bucket> buckets;

    public CallerRateLimiter(double ratePerSecond, int burst, int maxClients) {
        this(ratePerSecond, burst, maxClients, System::nanoTime);
    }

    CallerRateLimiter(double ratePerSecond, int burst, int maxClients, LongSupplier clock) {
        if (ratePerSecond <= 0 || burst < 1 || maxClients < 1) {
            throw new IllegalArgumentException("rate limit needs ratePerSecond > 0, burst >= 1, maxClients >= 1");
        }
        this.ratePerNano = ratePerSecond / 1_000_000_000d;
        this.burst = burst;
        this.clock = clock;
        this.buckets = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
                return size() > maxClients;
            }
        };
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
    long tryAcquire(String caller) {
        long now = clock.getAsLong();
        synchronized (buckets) {
            Bucket bucket = buckets.computeIfAbsent(caller, c -> new Bucket(burst, now));
            bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.updatedNanos) * ratePerNano);
            bucket.updatedNanos = now;
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return 0;
            }
            double nanos = (1 - bucket.tokens) / ratePerNano;
            return Math.max(1, (long) Math.ceil(nanos / 1_000_000_000d));
        }
    }

    int trackedClients() {
        synchronized (buckets) {
            return buckets.size();
        }
    }

    private static final class Bucket {
        double tokens;
        long updatedNanos;

        Bucket(double tokens, long updatedNanos) {
            this.tokens = tokens;
            this.updatedNanos = updatedNanos;
        }
    }
}
