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

    public record Python(int batchSize, long batchTimeoutMs, long healthIntervalMs,
                         String parkingQueue, String deadLetterQueue, long replayFailurePauseMs) {
    }
}
