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
     */
    public record Security(String internalSecret, String internalSecretPrevious, String internalAuth,
                           long signatureToleranceSeconds) {
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
