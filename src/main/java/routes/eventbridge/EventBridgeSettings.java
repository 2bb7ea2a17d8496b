package routes.eventbridge;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The event bridge's own settings ({@code hub.event-bridge.*} in config/event-bridge.yaml). Every Redis key the bridge
 * writes expires: the streams {@code events:{user_id}} after {@code keyTtlSeconds} ({@code EVENT_BRIDGE_KEY_TTL_SECONDS})
 * without an event, the features {@code features:{user_id}} after {@code featuresTtlSeconds} (the same by default), the
 * per-minute counters after {@code counterTtlSeconds}; each must be positive.
 */
@ConfigurationProperties(prefix = "hub.event-bridge")
public record EventBridgeSettings(int maxBatchSize, long streamMaxLength, long keyTtlSeconds, long counterTtlSeconds,
                                  long featuresTtlSeconds,
                                  int recentResponsesWindow, long sinkTimeoutMs, Defaults defaults, Python python) {

    public EventBridgeSettings {
        positive("EVENT_BRIDGE_KEY_TTL_SECONDS", keyTtlSeconds);
        positive("EVENT_BRIDGE_COUNTER_TTL_SECONDS", counterTtlSeconds);
        positive("EVENT_BRIDGE_FEATURES_TTL_SECONDS", featuresTtlSeconds);
    }

    private static void positive(String variable, long seconds) {
        if (seconds <= 0) {
            throw new IllegalArgumentException(variable + " must be a positive number of seconds (every Redis key of the"
                    + " event bridge expires), not " + seconds);
        }
    }

    /** What a normalised event gets when the app left a field out. */
    public record Defaults(String appVersion, String deviceType, String source, Location location) {
    }

    public record Location(double lat, double lng) {
    }

    /**
     * The Python leg: batch size, health check period, the durable outbox (one message per ingest request, published
     * before the 202) with the Retry-After of the 503 when it cannot be published, the parking and dead-letter queues.
     */
    public record Python(int batchSize, long healthIntervalMs, String outboxQueue, int outboxRetryAfterSeconds,
                         String parkingQueue, String deadLetterQueue, long replayFailurePauseMs) {
    }
}
