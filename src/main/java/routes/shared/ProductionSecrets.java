package routes.shared;

import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.annotation.Profile;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * In the {@code prod} profile the hub refuses to start without its secrets, naming each missing variable,
 * rather than running with an internal endpoint nobody can call, an LLM that answers 401 or webhook deliveries
 * nobody can verify. A previous internal secret ({@code INTERNAL_API_SECRET_PREVIOUS}) needs its expiry
 * ({@code INTERNAL_API_SECRET_PREVIOUS_EXPIRES_AT}) there, so a rotation cannot be left half done for ever.
 */
@Component
@Profile("prod")
public final class ProductionSecrets implements InitializingBean {

    private final Environment environment;

    public ProductionSecrets(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void afterPropertiesSet() {
        List<String> missing = new ArrayList<>();
        require("hub.security.internal-secret", "INTERNAL_API_SECRET", missing);
        require("hub.llm.api-key", "OPENAI_API_KEY or GROQ_API_KEY", missing);
        require("hub.console.password", "HAWTIO_PASSWORD", missing);
        require("hub.security.extraction-webhook-secret", "EXTRACTION_WEBHOOK_SECRET", missing);
        // a previous internal secret must not stay accepted for ever: in prod it needs an end
        if (present("hub.security.internal-secret-previous")) {
            require("hub.security.internal-secret-previous-expires-at",
                    "INTERNAL_API_SECRET_PREVIOUS_EXPIRES_AT (INTERNAL_API_SECRET_PREVIOUS is set)", missing);
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("The prod profile needs these secrets, set as environment variables: "
                    + String.join(", ", missing));
        }
    }

    private void require(String property, String variable, List<String> missing) {
        if (!present(property)) {
            missing.add(variable);
        }
    }

    private boolean present(String property) {
        String value = environment.getProperty(property);
        return value != null && !value.isBlank();
    }
}
