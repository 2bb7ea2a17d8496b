package routes.shared.access;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Who may call the public port's API ({@code hub.access.*} in application.yaml).
 *
 * @param apiKeys            {@code EVENT_API_KEYS}: comma-separated keys of the event bridge's endpoints; empty: open
 * @param streamTokens       {@code EVENT_STREAM_TOKENS}: comma-separated tokens of the live event stream; empty: open
 * @param allowOpenEndpoints {@code HUB_ALLOW_OPEN_ENDPOINTS}: lets the {@code prod} profile start with either empty
 * @param publicCallbackRateLimit the per-caller limit of the secret-guarded endpoints on the public port
 */
@ConfigurationProperties(prefix = "hub.access")
public record AccessSettings(String apiKeys, String streamTokens, boolean allowOpenEndpoints,
                             RateLimit publicCallbackRateLimit) {

    /**
     * @param perSecond {@code PUBLIC_CALLBACK_RATE_LIMIT_PER_SECOND}, sustained, per caller, all instances together
     * @param burst     {@code PUBLIC_CALLBACK_RATE_LIMIT_BURST}, calls at once
     * @param keyPrefix the Redis key prefix of the buckets ({@code <prefix><caller address>})
     */
    public record RateLimit(double perSecond, int burst, String keyPrefix) {
    }
}
