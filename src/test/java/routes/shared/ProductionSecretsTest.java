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
                .message().doesNotContain("OPENAI_API_KEY");
    }

    @Test
    void withEverySecretSetStartUpGoesOn() {
        MockEnvironment env = new MockEnvironment().withProperty("hub.llm.api-key", "sk-test")
                .withProperty("hub.security.internal-secret", "s3cret").withProperty("hub.console.password", "pw");
        assertThatCode(() -> new ProductionSecrets(env).afterPropertiesSet()).doesNotThrowAnyException();
    }
}
