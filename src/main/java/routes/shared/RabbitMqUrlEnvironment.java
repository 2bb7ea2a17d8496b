package routes.shared;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Derives {@code spring.rabbitmq.*} from {@code hub.rabbitmq.url} ({@code RABBITMQ_URL}). Added as the last
 * property source, so a {@code spring.rabbitmq.*} value set anywhere else still wins.
 */
public final class RabbitMqUrlEnvironment implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String url = environment.getProperty("hub.rabbitmq.url");
        if (url == null || url.isBlank()) {
            return;
        }
        environment.getPropertySources()
                .addLast(new MapPropertySource("rabbitmqUrl", RabbitMqUrl.parse(url).springProperties()));
    }
}
