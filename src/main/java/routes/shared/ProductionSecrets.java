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
 * ({@code INTERNAL_API_SECRET_PREVIOUS_EXPIRES_AT}) there, so a rotation cannot be left half done for ever. The public
 * API's keys ({@code EVENT_API_KEYS}) and stream tokens ({@code EVENT_STREAM_TOKENS}) are required too, unless
 * {@code HUB_ALLOW_OPEN_ENDPOINTS=true} says running those endpoints open is intended.
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
        if (!environment.getProperty("hub.access.allow-open-endpoints", Boolean.class, false)) {
            require("hub.access.api-keys", "EVENT_API_KEYS", missing);
            require("hub.access.stream-tokens", "EVENT_STREAM_TOKENS", missing);
        }
        if (!missing.isEmpty()) {
            String message = "The prod profile needs these secrets, set as environment variables: "
                    + String.join(", ", missing);
            if (missing.contains("EVENT_API_KEYS") || missing.contains("EVENT_STREAM_TOKENS")) {
                message += " (EVENT_API_KEYS / EVENT_STREAM_TOKENS may stay empty only with HUB_ALLOW_OPEN_ENDPOINTS=true,"
                        + " which leaves the event bridge's endpoints / the live event stream open to every caller)";
            }
            throw new IllegalStateException(message);
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
