package routes.extraction;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The extraction flow's settings ({@code hub.extraction.*} in config/extraction.yaml). */
@ConfigurationProperties(prefix = "hub.extraction")
public record ExtractionSettings(String exchange, String routingKey, String queue, String deadLetterQueue,
                                 Callback callback, Idempotency idempotency) {

    public record Callback(long confirmTimeoutMs, int retryAfterSeconds, int maxBodyBytes, double rateLimitPerSecond,
                           int rateLimitBurst, boolean trustForwardedFor) {
    }

    public record Idempotency(long contentWindowSeconds, long claimLeaseSeconds, int retentionDays) {
    }
}
