package routes.shared;

import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.annotation.Profile;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * In the {@code prod} profile the hub refuses to start without its secrets, naming each missing variable,
 * rather than running with an internal endpoint nobody can call or an LLM that answers 401.
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
        if (!missing.isEmpty()) {
            throw new IllegalStateException("The prod profile needs these secrets, set as environment variables: "
                    + String.join(", ", missing));
        }
    }

    private void require(String property, String variable, List<String> missing) {
        String value = environment.getProperty(property);
        if (value == null || value.isBlank()) {
            missing.add(variable);
        }
    }
}
