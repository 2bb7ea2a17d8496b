package routes.eventbridge;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The event bridge's own settings ({@code hub.event-bridge.*} in config/event-bridge.yaml). */
@ConfigurationProperties(prefix = "hub.event-bridge")
public record EventBridgeSettings(int maxBatchSize, long streamMaxLength, long counterTtlSeconds, long featuresTtlSeconds,
                                  int recentResponsesWindow, long sinkTimeoutMs, Defaults defaults, Python python) {

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
