package routes.dev;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import routes.HubApplication;
import routes.shared.RabbitMqUrl;
import routes.support.KafkaBroker;
import routes.support.S3Server;

/**
 * The dev launcher ({@code ./mvnw spring-boot:test-run@dev}): starts what a developer machine lacks, then the hub
 * in the {@code dev} profile, and stops all of it on Ctrl-C.
 * <ul>
 * <li>Kafka: a KRaft broker in its own process on 127.0.0.1:9092, data under {@code .dev/kafka} (unless {@code KAFKA_BROKERS} is set);</li>
 * <li>S3: S3Proxy in its own process on 127.0.0.1:9000, objects under {@code .dev/s3} (unless {@code AWS_ENDPOINT} is set);</li>
 * <li>HTTP peers: one WireMock on 127.0.0.1:8089 answering deterministically from
 * {@code src/test/resources/wiremock/mappings} (transcript-api, LLM, Python event API, NestJS API), each used
 * unless its own variable ({@code TRANSCRIPT_API_URL}, ...) is set.</li>
 * </ul>
 * RabbitMQ, PostgreSQL and Redis are the machine's: if one is not reachable it says which and how to start it.
 */
public final class DevHub {

    private static final int KAFKA_PORT = 9092;
    private static final int S3_PORT = 9000;
    private static final int STUBS_PORT = 8089;

    private DevHub() {
    }

    public static void main(String[] args) throws Exception {
        requireLocalServices();
        Map<String, Object> props = new LinkedHashMap<>();
        List<AutoCloseable> started = new ArrayList<>();

        if (unset("KAFKA_BROKERS")) {
            KafkaBroker kafka = KafkaBroker.start(KAFKA_PORT, Path.of(".dev", "kafka"));
            started.add(kafka);
            props.put("hub.kafka.brokers", kafka.bootstrapServers());
            log("Kafka (KRaft) on " + kafka.bootstrapServers() + ", data in .dev/kafka");
        }
        if (unset("AWS_ENDPOINT")) {
            S3Server s3 = S3Server.start(S3_PORT, Path.of(".dev", "s3"), Path.of(".dev", "s3proxy.log"));
            started.add(s3);
            props.put("hub.s3.endpoint", s3.endpoint());
            props.put("hub.s3.access-key", S3Server.ACCESS_KEY);
            props.put("hub.s3.secret-key", S3Server.SECRET_KEY);
            props.put("hub.s3.create-bucket", "true");
            log("S3 (S3Proxy) on " + s3.endpoint() + ", objects in .dev/s3");
        }
        WireMockServer stubs = new WireMockServer(WireMockConfiguration.options().port(STUBS_PORT).bindAddress("127.0.0.1")
                .usingFilesUnderDirectory("src/test/resources/wiremock").globalTemplating(true));
        stubs.start();
        started.add(stubs::stop);
        String base = "http://127.0.0.1:" + STUBS_PORT;
        peer(props, "TRANSCRIPT_API_URL", "hub.peers.transcript-api", base + "/transcript-api");
        peer(props, "LLM_BASE_URL", "hub.peers.llm", base + "/llm/v1");
        peer(props, "PYTHON_EVENT_API_URL", "hub.peers.python-event-api", base + "/python");
        peer(props, "API_URL", "hub.peers.api", base + "/api");
        peer(props, "EXTRACTION_WEBHOOK_URL", "hub.peers.extraction-webhook", base + "/api/extraction/internal/baseline");
        log("HTTP peer stubs (WireMock) on " + base + " from src/test/resources/wiremock/mappings");

        // as system properties: above application.yaml, below anything given on the command line
        props.forEach((key, value) -> System.setProperty(key, String.valueOf(value)));
        ConfigurableApplicationContext hub = new SpringApplicationBuilder(HubApplication.class)
                .profiles("dev").registerShutdownHook(false).run(args);
        // one hook, in order: the hub first (its consumers stop while the brokers still answer), then what we started
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            hub.close();
            for (int i = started.size() - 1; i >= 0; i--) {
                try {
                    started.get(i).close();
                } catch (Exception e) {
                    System.err.println("[dev] stopping: " + e.getMessage());
                }
            }
        }, "dev-hub-stop"));
        log("Integration Hub up: http://127.0.0.1:" + hub.getEnvironment().getProperty("local.server.port", "8080")
                + " (Hawtio /actuator/hawtio, health /actuator/health, OpenAPI /api/openapi.json); worker callbacks on http://127.0.0.1:"
                + hub.getEnvironment().getProperty("hub.internal-listener.port", "8081") + ". Ctrl-C stops everything.");
    }

    private static void requireLocalServices() {
        RabbitMqUrl rabbit = RabbitMqUrl.parse(env("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/"));
        List<String> missing = new ArrayList<>();
        check(rabbit.host(), rabbit.port(), "RabbitMQ", "rabbitmq-server -detached", missing);
        check(env("POSTGRES_HOST", "127.0.0.1"), Integer.parseInt(env("POSTGRES_PORT", "5432")), "PostgreSQL",
                "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start", missing);
        check(env("REDIS_HOST", "127.0.0.1"), Integer.parseInt(env("REDIS_PORT", "6379")), "Redis",
                "redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no", missing);
        if (!missing.isEmpty()) {
            missing.forEach(m -> System.err.println("[dev] " + m));
            System.err.println("[dev] start the services above (or point the variables at running ones), then run again.");
            System.exit(1);
        }
    }

    private static void check(String host, int port, String name, String start, List<String> missing) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1000);
        } catch (IOException e) {
            missing.add(name + " is not reachable at " + host + ":" + port + " -- start it with: " + start);
        }
    }

    private static void peer(Map<String, Object> props, String variable, String property, String stubUrl) {
        if (unset(variable)) {
            props.put(property, stubUrl);
        } else {
            log(variable + "=" + URI.create(System.getenv(variable)) + " (your own, not the stub)");
        }
    }

    private static boolean unset(String variable) {
        String value = System.getenv(variable);
        return value == null || value.isBlank();
    }

    private static String env(String variable, String fallback) {
        return unset(variable) ? fallback : System.getenv(variable);
    }

    private static void log(String line) {
        System.out.println("[dev] " + line);
    }
}
