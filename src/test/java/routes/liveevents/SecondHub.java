package routes.liveevents;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

import routes.HubApplication;

/**
 * A second hub instance in the test JVM, sharing the first one's RabbitMQ, PostgreSQL, Redis, Kafka, S3 and
 * WireMock: only the shared and live-events routes, its own port, no JMX, no Flyway (the first instance migrated).
 */
final class SecondHub implements AutoCloseable {

    private static final String[] SHARED = {"hub.kafka.brokers", "hub.s3.endpoint", "hub.s3.access-key", "hub.s3.secret-key",
            "hub.peers.transcript-api", "hub.peers.llm", "hub.peers.python-event-api", "hub.peers.api",
            "hub.peers.extraction-webhook"};

    private static final String SKIP_START = "skipStartingCamelContext";

    private final ConfigurableApplicationContext context;

    private SecondHub(ConfigurableApplicationContext context) {
        this.context = context;
    }

    static SecondHub start(Environment first, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--camel.main.routes-include-pattern=classpath:camel/shared.camel.yaml,classpath:camel/live-events.camel.yaml",
                "--camel.main.jmx-enabled=false",
                "--camel.main.name=integration-hub-2",
                "--spring.flyway.enabled=false",
                "--management.endpoints.web.exposure.include=health"));
        for (String key : SHARED) {
            String value = first.getProperty(key);
            if (value != null) {
                args.add("--" + key + "=" + value);
            }
        }
        args.addAll(List.of(extraArgs));
        SpringApplication app = new SpringApplicationBuilder(HubApplication.class).profiles("it").build();
        // Camel's test listener holds back the start of CamelContexts while it prepares a test class whose (cached)
        // context is already running, and does not always let go: this instance's Camel must start
        String skip = System.clearProperty(SKIP_START);
        allowCamelStart();
        try {
            return new SecondHub(app.run(args.toArray(String[]::new)));
        } finally {
            if (skip != null) {
                System.setProperty(SKIP_START, skip);
            }
        }
    }

    private static void allowCamelStart() {
        try {
            Class.forName("org.apache.camel.spring.SpringCamelContext").getMethod("setNoStart", boolean.class).invoke(null, false);
        } catch (ReflectiveOperationException | LinkageError absent) {
            // an older Camel without the switch
        }
    }

    int port() {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    boolean running() {
        return context.isActive();
    }

    @Override
    public void close() {
        if (context.isActive()) {
            context.close();
        }
    }
}
