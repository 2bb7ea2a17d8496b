package routes.shared;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class ProductionSecretsTest {

    @Test
    void startUpStopsNamingEveryMissingSecret() {
        MockEnvironment env = new MockEnvironment().withProperty("hub.llm.api-key", "sk-test")
                .withProperty("hub.security.internal-secret", " ")
                .withProperty("hub.access.api-keys", "key-1").withProperty("hub.access.stream-tokens", "token-1");
        assertThatThrownBy(() -> new ProductionSecrets(env).afterPropertiesSet())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("INTERNAL_API_SECRET")
                .hasMessageContaining("HAWTIO_PASSWORD")
                .hasMessageContaining("EXTRACTION_WEBHOOK_SECRET")
                .message().doesNotContain("OPENAI_API_KEY").doesNotContain("EVENT_API_KEYS");
    }

    @Test
    void withEverySecretSetStartUpGoesOn() {
        assertThatCode(() -> new ProductionSecrets(everySecret()).afterPropertiesSet()).doesNotThrowAnyException();
        MockEnvironment rotating = everySecret().withProperty("hub.security.internal-secret-previous", "old")
                .withProperty("hub.security.internal-secret-previous-expires-at", "2026-12-31T23:00:00Z");
        assertThatCode(() -> new ProductionSecrets(rotating).afterPropertiesSet()).doesNotThrowAnyException();
    }

    @Test
    void withoutTheWebhookSecretStartUpStops() {
        MockEnvironment env = everySecret().withProperty("hub.security.extraction-webhook-secret", "");
        assertThatThrownBy(() -> new ProductionSecrets(env).afterPropertiesSet())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("EXTRACTION_WEBHOOK_SECRET")
                .message().doesNotContain("INTERNAL_API_SECRET");
    }

    @Test
    void aPreviousInternalSecretWithoutAnExpiryStopsStartUp() {
        MockEnvironment env = everySecret().withProperty("hub.security.internal-secret-previous", "old")
                .withProperty("hub.security.internal-secret-previous-expires-at", " ");
        assertThatThrownBy(() -> new ProductionSecrets(env).afterPropertiesSet())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("INTERNAL_API_SECRET_PREVIOUS_EXPIRES_AT");
    }


    @Test
    void openApiKeysAndStreamTokensStopStartUpNamingBothAndTheOverride() {
        MockEnvironment env = everySecret().withProperty("hub.access.api-keys", "").withProperty("hub.access.stream-tokens", " ");
        assertThatThrownBy(() -> new ProductionSecrets(env).afterPropertiesSet())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("EVENT_API_KEYS")
                .hasMessageContaining("EVENT_STREAM_TOKENS")
                .hasMessageContaining("HUB_ALLOW_OPEN_ENDPOINTS=true")
                .message().doesNotContain("INTERNAL_API_SECRET").doesNotContain("HAWTIO_PASSWORD");
        MockEnvironment onlyTokens = everySecret().withProperty("hub.access.stream-tokens", "");
        assertThatThrownBy(() -> new ProductionSecrets(onlyTokens).afterPropertiesSet())
                .hasMessageStartingWith("The prod profile needs these secrets, set as environment variables: EVENT_STREAM_TOKENS (");
    }

    @Test
    void openEndpointsStartWhenExplicitlyAllowed() {
        MockEnvironment env = everySecret().withProperty("hub.access.api-keys", "").withProperty("hub.access.stream-tokens", "")
                .withProperty("hub.access.allow-open-endpoints", "true");
        assertThatCode(() -> new ProductionSecrets(env).afterPropertiesSet()).doesNotThrowAnyException();
        MockEnvironment notAllowed = everySecret().withProperty("hub.access.api-keys", "")
                .withProperty("hub.access.allow-open-endpoints", "false");
        assertThatThrownBy(() -> new ProductionSecrets(notAllowed).afterPropertiesSet()).hasMessageContaining("EVENT_API_KEYS");
    }

    private static MockEnvironment everySecret() {
        return new MockEnvironment().withProperty("hub.llm.api-key", "sk-test")
                .withProperty("hub.security.internal-secret", "s3cret").withProperty("hub.console.password", "pw")
                .withProperty("hub.security.extraction-webhook-secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
                .withProperty("hub.access.api-keys", "key-1,key-0").withProperty("hub.access.stream-tokens", "token-1");
    }
}
