package routes.shared;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The settings every flow shares ({@code hub.*} in application.yaml, fed by environment variables). */
@ConfigurationProperties(prefix = "hub")
public record HubSettings(String name, S3 s3, Security security, Peers peers, Llm llm, Console console) {

    public record S3(String region, String endpoint, boolean overrideEndpoint, String accessKey, String secretKey,
                     String bucket, boolean createBucket) {
    }

    /**
     * @param internalAuth how callers of the internal endpoints prove the secret: secret, signature or either
     *                     ({@link InternalSecretGuard.Mode})
     * @param signatureToleranceSeconds how far a signature's timestamp may be from now (signature mode)
     * @param internalSecretPreviousExpiresAt ISO-8601 instant after which the previous secret is refused; empty: none
     * @param internalSignatureV1Accepted whether the deprecated v1 signature (body only, no method or path) passes
     * @param extractionWebhookSecret {@code whsec_<base64>} signing the extraction webhook deliveries; empty: unsigned
     * @param extractionWebhookSecretPrevious the webhook secret being rotated out (deliveries carry both signatures)
     */
    public record Security(String internalSecret, String internalSecretPrevious, String internalAuth,
                           long signatureToleranceSeconds, String internalSecretPreviousExpiresAt,
                           boolean internalSignatureV1Accepted, String extractionWebhookSecret,
                           String extractionWebhookSecretPrevious) {

        /** {@link #internalSecretPreviousExpiresAt} as an instant, null if empty. */
        public java.time.Instant previousSecretExpiry() {
            if (internalSecretPreviousExpiresAt == null || internalSecretPreviousExpiresAt.isBlank()) {
                return null;
            }
            try {
                return java.time.Instant.parse(internalSecretPreviousExpiresAt.trim());
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException("INTERNAL_API_SECRET_PREVIOUS_EXPIRES_AT must be an ISO-8601 instant "
                        + "such as 2026-12-31T23:00:00Z, not '" + internalSecretPreviousExpiresAt + "'", e);
            }
        }
    }

    /** Base URLs of the HTTP services the hub calls. */
    public record Peers(String transcriptApi, String llm, String pythonEventApi, String api, String extractionWebhook) {
    }

    public record Llm(String apiKey, String model) {
    }

    /** Hawtio and Jolokia: login on (HTTP basic) unless {@code loginEnabled} is false, as in the dev profile. */
    public record Console(boolean loginEnabled, String user, String password) {
    }
}
