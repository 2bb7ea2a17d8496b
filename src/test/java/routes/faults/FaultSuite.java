package routes.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import routes.support.KafkaBroker;
import routes.support.S3Server;

/**
 * What every fault scenario runs against: the machine's RabbitMQ, PostgreSQL (schema {@code hub_faults}, dropped
 * first) and Redis, a Kafka broker and an S3 server as processes, WireMock for the HTTP peers, and the packaged hub
 * as a process of its own ({@link PackagedHub}) with queue and exchange names of the suite's own, so nothing another
 * test left behind is consumed. One per test class; closed after it.
 */
final class FaultSuite implements AutoCloseable {

    static final String SCHEMA = "hub_faults";
    static final String SECRET = "faults-secret";
    /** The name the suite's own AMQP connections carry: what {@link Machine#rabbitCloseConnectionsExcept} spares. */
    static final String CLIENT = "fault-suite-client";

    final WireMockServer peers;
    final S3Server s3;
    KafkaBroker kafka;
    final CachingConnectionFactory rabbit;
    final PackagedHub hub;
    /** The environment every hub of the suite gets (what {@link #anotherHub} copies). */
    private final Map<String, String> environment;
    /** Hubs beside {@link #hub} (same environment, ports and names of their own), closed with the suite. */
    private final List<PackagedHub> others = new java.util.ArrayList<>();

    FaultSuite(String name, Map<String, String> extraEnvironment) throws Exception {
        dropSchema();
        peers = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1")
                .containerThreads(60).globalTemplating(true));
        peers.start();
        s3 = S3Server.start(0, null, Path.of("target", "faults", "s3proxy.log"));
        // a fresh broker every run: records of an earlier run would read as this run's
        Path kafkaDir = Path.of("target", "faults", "kafka-" + name);
        deleteTree(kafkaDir);
        kafka = KafkaBroker.start(freePort(), kafkaDir);
        rabbit = new CachingConnectionFactory("127.0.0.1", 5672);
        rabbit.setUsername("guest");
        rabbit.setPassword("guest");
        rabbit.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
        rabbit.setConnectionNameStrategy(f -> CLIENT);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/");
        env.put("POSTGRES_URL_PARAMS", "?currentSchema=" + SCHEMA);
        env.put("SPRING_FLYWAY_SCHEMAS", SCHEMA);
        env.put("KAFKA_BROKERS", kafka.bootstrapServers());
        env.put("AWS_ENDPOINT", s3.endpoint());
        env.put("AWS_CREATE_BUCKET", "true");
        env.put("AWS_YOUTUBE_BUCKET", "hub-faults");
        env.put("INTERNAL_API_SECRET", SECRET);
        env.put("HAWTIO_LOGIN_ENABLED", "false");
        // the scenarios' load must not be throttled; API keys and stream tokens stay open (EVENT_API_KEYS unset)
        env.put("PUBLIC_CALLBACK_RATE_LIMIT_PER_SECOND", "1000000");
        env.put("PUBLIC_CALLBACK_RATE_LIMIT_BURST", "1000000");
        env.put("TRANSCRIPT_API_URL", peers.baseUrl() + "/transcript-api");
        env.put("LLM_BASE_URL", peers.baseUrl() + "/llm/v1");
        env.put("PYTHON_EVENT_API_URL", peers.baseUrl() + "/python");
        env.put("API_URL", peers.baseUrl() + "/api");
        env.put("EXTRACTION_WEBHOOK_URL", peers.baseUrl() + "/api/extraction/internal/baseline");
        env.put("LIVE_EVENTS_STREAM", "faults:live-events");
        env.putAll(extraEnvironment);
        environment = Map.copyOf(env);
        hub = new PackagedHub(name, freePort(), freePort(), env, List.of());
    }

    /**
     * Another instance of the hub: the same environment (brokers, database, Redis, queue names, peers), ports of
     * its own and {@code name} (its HOSTNAME and log, target/faults/&lt;name&gt;.log). Not started; closed with the suite.
     */
    PackagedHub anotherHub(String name) {
        PackagedHub other = new PackagedHub(name, freePort(), freePort(), environment, List.of());
        others.add(other);
        return other;
    }

    /** Starts the hubs side by side (each start is mostly waiting) and prints how long each took to be ready. */
    static void startHubs(Map<String, PackagedHub> hubs) throws Exception {
        java.util.concurrent.ExecutorService starting = java.util.concurrent.Executors.newFixedThreadPool(hubs.size());
        try {
            Map<String, java.util.concurrent.Future<Double>> started = new LinkedHashMap<>();
            hubs.forEach((name, hub) -> started.put(name, starting.submit(() -> hub.start(HUB_START))));
            for (Map.Entry<String, java.util.concurrent.Future<Double>> hub : started.entrySet()) {
                System.out.printf(java.util.Locale.ROOT, "[faults] packaged hub %s ready in %.1f s%n", hub.getKey(), hub.getValue().get());
            }
        } finally {
            starting.shutdownNow();
        }
    }

    static final Duration HUB_START = Duration.ofSeconds(180);

    /** Starts the packaged hub and prints how long it took to be ready. */
    void startHub() throws IOException, InterruptedException {
        System.out.printf("[faults] packaged hub ready in %.1f s%n", hub.start(HUB_START));
    }

    /** kill -9, then the same hub started again (what an orchestrator does after a crash). */
    void killAndRestartHub() throws IOException, InterruptedException {
        hub.kill();
        hub.start(HUB_START);
    }

    /** SIGTERM (what an orchestrator sends on a rollout), the graceful shutdown awaited, then the hub started again. */
    void terminateAndRestartHub() throws IOException, InterruptedException {
        hub.terminate(Duration.ofSeconds(60));
        hub.start(HUB_START);
    }

    /** PostgreSQL frozen (SIGSTOP to every postgres process) for {@code duration}, then resumed: a stalled database. */
    static void stallPostgres(Duration duration) {
        try {
            Machine.run("pkill", "-STOP", "-x", "postgres");
            sleep(duration);
        } finally {
            Machine.run("pkill", "-CONT", "-x", "postgres");
        }
    }

    /** RabbitMQ's application stopped for {@code down}, then started again (the broker restarted under the hub). */
    static void restartRabbit(Duration down) {
        try {
            Machine.rabbitStop();
            sleep(down);
        } finally {
            Machine.rabbitStart();
        }
    }

    /**
     * A worker's POST of a JSON body: the answer, or null when the hub could not answer (refused, reset, timed out),
     * which a worker treats as "try again". {@code headers} are name, value pairs.
     */
    static java.net.http.HttpResponse<String> post(String url, String body, String... headers) {
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return WORKER.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static final java.net.http.HttpClient WORKER = java.net.http.HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2)).build();

    /** kill -9 of the Kafka broker, {@code down} without it, then the same broker (port, data) started again. */
    void killAndRestartKafka(Duration down) throws IOException, InterruptedException {
        kafka.kill();
        sleep(down);
        kafka = kafka.restart();
    }

    static void dropSchema() throws SQLException {
        try (Connection db = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
             Statement sql = db.createStatement()) {
            sql.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!java.nio.file.Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = java.nio.file.Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(path);
            }
        }
    }

    static Connection database() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test?currentSchema=" + SCHEMA, "postgres", "");
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            for (PackagedHub other : others) {
                other.close();
            }
            hub.close();
        } finally {
            rabbit.destroy();
            kafka.close();
            s3.close();
            peers.stop();
        }
    }
}
