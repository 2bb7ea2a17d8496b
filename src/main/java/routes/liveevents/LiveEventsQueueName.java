package routes.liveevents;

import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Resolves {@code hub.live-events.queue} once per application and pins the result as the first property source.
 * Its default, {@code hub.live-events.<host>.${random.uuid}}, would otherwise resolve to a new name at every lookup:
 * {@link LiveEventsTopology} (through {@link LiveEventsSettings}) and route {@code liveEventReceive} (the
 * {@code {{hub.live-events.queue}}} placeholder, again on every route reload) must name the same queue, and a
 * second instance, being another application, gets a name of its own.
 */
public final class LiveEventsQueueName implements EnvironmentPostProcessor {

    static final String PROPERTY = "hub.live-events.queue";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String name = environment.getProperty(PROPERTY);
        if (name == null || name.isBlank()) {
            return;
        }
        environment.getPropertySources().addFirst(new MapPropertySource("liveEventsQueueName", Map.of(PROPERTY, name)));
    }
}
