package routes.shared;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class ProductionSecretsTest {

    @Test
    void startUpStopsNamingEveryMissingSecret() {
        MockEnvironment env = new MockEnvironment().withProperty("hub.llm.api-key", "sk-test")
                .withProperty("hub.security.internal-secret", " ");
        assertThatThrownBy(() -> new ProductionSecrets(env).afterPropertiesSet())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("INTERNAL_API_SECRET")
                .hasMessageContaining("HAWTIO_PASSWORD")
                .hasMessageContaining("EXTRACTION_WEBHOOK_SECRET")
                .message().doesNotContain("OPENAI_API_KEY");
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

    private static MockEnvironment everySecret() {
        return new MockEnvironment().withProperty("hub.llm.api-key", "sk-test")
                .withProperty("hub.security.internal-secret", "s3cret").withProperty("hub.console.password", "pw")
                .withProperty("hub.security.extraction-webhook-secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    }
}
