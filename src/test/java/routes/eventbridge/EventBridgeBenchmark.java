package routes.eventbridge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.ProducerTemplate;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import routes.HubApplication;

/**
 * Events/s through {@code POST /api/ml/events/ingest} with all four sinks on: once with the Python stub answering
 * at once, once with the Python stub down (batches parked in RabbitMQ). The hub runs in this JVM with only the
 * event bridge's routes, against the machine's Redis and RabbitMQ; WireMock stands in for Python. Run by
 * {@code bench/event-bridge/run.sh}; never by {@code verify}.
 */
public final class EventBridgeBenchmark {

    private static final int CLIENTS = Integer.getInteger("bench.clients", 8);
    private static final int BATCH = Integer.getInteger("bench.batch", 50);
    private static final int USERS = 200;
    private static final Duration WARM_UP = Duration.ofSeconds(Integer.getInteger("bench.warmupSeconds", 5));
    private static final Duration MEASURE = Duration.ofSeconds(Integer.getInteger("bench.seconds", 20));

    private EventBridgeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        WireMockServer python = new WireMockServer(WireMockConfiguration.options().port(freePort()).bindAddress("127.0.0.1")
                .containerThreads(20));
        python.start();
        python.stubFor(get(urlPathEqualTo("/python/health")).willReturn(aResponse().withStatus(200)));
        python.stubFor(post(urlPathEqualTo("/python/events")).willReturn(aResponse().withStatus(200).withBody("{}")));
        int port = freePort();
        ConfigurableApplicationContext hub = new SpringApplication(HubApplication.class).run(
                "--server.port=" + port,
                "--camel.main.routes-include-pattern=classpath:camel/shared.camel.yaml,classpath:camel/live-events.camel.yaml,classpath:camel/event-bridge.camel.yaml",
                "--spring.flyway.enabled=false",
                "--hub.peers.python-event-api=" + python.baseUrl() + "/python",
                "--hub.console.login-enabled=false",
                "--logging.structured.format.console=",
                "--logging.level.root=WARN",
                "--logging.level.org.apache.kafka=ERROR",
                "--logging.level.routes.eventbridge=WARN");
        int exitCode = 0;
        try {
            ProducerTemplate producer = hub.getBean(ProducerTemplate.class);
            PythonBridge bridge = hub.getBean(PythonBridge.class);
            EventBridgeSettings settings = hub.getBean(EventBridgeSettings.class);
            hub.getBean(AmqpAdmin.class).purgeQueue(settings.python().parkingQueue(), false);
            producer.sendBody("direct:event-bridge-python-health", null);

            HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(CLIENTS)).build();
            URI ingest = URI.create("http://127.0.0.1:" + port + "/api/ml/events/ingest");

            run("python_up", http, ingest, Duration.ofSeconds(1));
            Result up = run("python_up", http, ingest, MEASURE);
            print("python_up", up);
            System.out.println("python_up_delivered_batches: " + totals(bridge).get("delivered_batches") + " batches");

            python.stop();
            producer.sendBody("direct:event-bridge-python-health", null);
            run("python_down", http, ingest, WARM_UP);
            Result down = run("python_down", http, ingest, MEASURE);
            print("python_down", down);
            System.out.println("python_down_breaker_state: " + bridge.breakerState());
            System.out.println("python_down_parked_batches: " + bridge.parkedBatches() + " batches");
            if (up.errors > 0 || down.errors > 0) {
                exitCode = 1;
            }
        } finally {
            StringRedisTemplate redis = hub.getBean(StringRedisTemplate.class);
            for (String pattern : List.of("events:bench-*", "features:bench-*")) {
                Set<String> keys = redis.keys(pattern);
                if (keys != null && !keys.isEmpty()) {
                    redis.delete(keys);
                }
            }
            EventBridgeSettings settings = hub.getBean(EventBridgeSettings.class);
            hub.getBean(AmqpAdmin.class).purgeQueue(settings.python().parkingQueue(), false);
            hub.close();
            if (python.isRunning()) {
                python.stop();
            }
        }
        System.exit(exitCode);
    }

    private record Result(long events, long requests, long errors, double seconds, List<Long> latenciesMicros) {
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> totals(PythonBridge bridge) {
        return (Map<String, Object>) bridge.report().get("totals");
    }

    private static void print(String name, Result result) {
        List<Long> sorted = new ArrayList<>(result.latenciesMicros());
        sorted.sort(Long::compare);
        System.out.printf("%s_events_per_second: %.0f events/s%n", name, result.events() / result.seconds());
        System.out.printf("%s_requests_per_second: %.0f requests/s (%d events each)%n", name, result.requests() / result.seconds(), BATCH);
        System.out.printf("%s_request_p50: %.1f ms%n", name, percentile(sorted, 0.50) / 1000.0);
        System.out.printf("%s_request_p99: %.1f ms%n", name, percentile(sorted, 0.99) / 1000.0);
        System.out.printf("%s_errors: %d requests%n", name, result.errors());
    }

    private static long percentile(List<Long> sorted, double p) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(p * sorted.size())));
    }

    private static Result run(String name, HttpClient http, URI ingest, Duration duration) throws Exception {
        long end = System.nanoTime() + duration.toNanos();
        AtomicLong events = new AtomicLong();
        AtomicLong requests = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<List<Long>>> futures = new ArrayList<>();
        long started = System.nanoTime();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            futures.add(clients.submit(() -> {
                List<Long> latencies = new ArrayList<>();
                long seq = 0;
                while (System.nanoTime() < end) {
                    String body = batch(name, client, seq);
                    seq += BATCH;
                    long t0 = System.nanoTime();
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(ingest)
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    latencies.add((System.nanoTime() - t0) / 1000);
                    requests.incrementAndGet();
                    if (response.statusCode() == 202) {
                        events.addAndGet(BATCH);
                    } else {
                        errors.incrementAndGet();
                    }
                }
                return latencies;
            }));
        }
        List<Long> all = new ArrayList<>();
        for (Future<List<Long>> future : futures) {
            all.addAll(future.get());
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        clients.shutdown();
        return new Result(events.get(), requests.get(), errors.get(), seconds, all);
    }

    private static String batch(String name, int client, long seq) {
        StringBuilder events = new StringBuilder(BATCH * 200);
        for (int i = 0; i < BATCH; i++) {
            long n = seq + i;
            events.append(i == 0 ? "" : ",")
                    .append("{\"event_type\":\"ride_request_response\",\"user_id\":\"bench-").append((client * 31 + n) % USERS)
                    .append("\",\"session_id\":\"bench-").append(client).append("\",\"request_id\":\"")
                    .append(name).append('-').append(client).append('-').append(n)
                    .append("\",\"response\":\"").append(n % 5 == 0 ? "rejected" : "accepted")
                    .append("\",\"response_time\":").append(1 + n % 7).append('}');
        }
        return "{\"source\":\"bench\",\"events\":[" + events + "]}";
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
