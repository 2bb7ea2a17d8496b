package routes.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The extraction flow's guarantee under kill -9, on the packaged hub: every callback answered 200 has its
 * {@code extraction.completed} event delivered to the webhook (lost = 0), under one eventId per event (a second call
 * only after a crash mid-call, with the same {@code Idempotency-Key}), and one event per contentId (the window).
 * The workers retry what got no 200, as the seed's worker would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExtractionFaultIT {

    static final String WEBHOOK = "/api/extraction/internal/baseline";
    static final int CALLBACKS = 200;
    static final int WORKERS = 8;
    static final int WORKER_PAUSE_MS = 400;

    private final ObjectMapper json = new ObjectMapper();
    private FaultSuite suite;

    @BeforeAll
    void start() throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("EXTRACTION_EXCHANGE", "faults.extraction.events");
        env.put("EXTRACTION_QUEUE", "faults.extraction.completed");
        env.put("EXTRACTION_DLQ", "faults.extraction.completed.dlq");
        env.put("EXTRACTION_RATE_LIMIT_PER_SECOND", "10000");
        env.put("EXTRACTION_RATE_LIMIT_BURST", "10000");
        // a killed hub's claims are taken over after 6 s
        env.put("EXTRACTION_CLAIM_LEASE_SECONDS", "6");
        env.put("EXTRACTION_CLAIM_RETRY_DELAY_MS", "500");
        suite = new FaultSuite("extraction", env);
        suite.peers.stubFor(post(urlEqualTo(WEBHOOK)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{}").withUniformRandomDelay(50, 150)));
        suite.startHub();
    }

    @AfterAll
    void stop() throws Exception {
        if (suite != null) {
            suite.close();
        }
    }

    @Test
    @Order(1)
    void killDuringCallbacks() throws Exception {
        scenario("extraction kill -9 at 40%", true, suite::killAndRestartHub);
    }

    @Test
    @Order(2)
    void sigtermDuringCallbacks() throws Exception {
        scenario("extraction SIGTERM at 40%", false, suite::terminateAndRestartHub);
    }

    @Test
    @Order(3)
    void rabbitRestartDuringCallbacks() throws Exception {
        scenario("extraction RabbitMQ stop_app/start_app at 40%", true, () -> FaultSuite.restartRabbit(Duration.ofSeconds(3)));
    }

    @Test
    @Order(4)
    void postgresRestartDuringCallbacks() throws Exception {
        scenario("extraction PostgreSQL restart at 40%", false, Machine::postgresRestart);
    }

    @Test
    @Order(5)
    void consumerConnectionClosedDuringCallbacks() throws Exception {
        scenario("extraction consumer connection closed at 40%", true, () ->
                assertThat(Machine.rabbitCloseConnectionsExcept(FaultSuite.CLIENT)).as("the hub's connections were closed").isPositive());
    }

    /**
     * CALLBACKS callbacks from WORKERS workers (each retries what got no 200), {@code injected} once 40% are
     * answered, then the verdict. Without a crash ({@code crash} false) the webhook is called once per eventId.
     */
    private void scenario(String scenario, boolean crash, Fault injected) throws Exception {
        suite.peers.resetRequests();
        List<String> contents = new ArrayList<>();
        for (int i = 0; i < CALLBACKS; i++) {
            contents.add("faults-" + UUID.randomUUID());
        }
        Map<String, String> acceptedEventByContent = new ConcurrentHashMap<>();
        AtomicInteger sent = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
        List<Future<?>> running = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            int worker = w;
            running.add(workers.submit(() -> {
                for (int i = worker; i < contents.size(); i += WORKERS) {
                    String content = contents.get(i);
                    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                    while (System.nanoTime() < deadline) {
                        sent.incrementAndGet();
                        String eventId = callback(content);
                        if (eventId != null) {
                            acceptedEventByContent.put(content, eventId);
                            break;
                        }
                        FaultSuite.sleep(Duration.ofMillis(200));
                    }
                    // ~10 s of callbacks: the fault, injected at 40%, lands while workers still call
                    FaultSuite.sleep(Duration.ofMillis(WORKER_PAUSE_MS));
                }
                return null;
            }));
        }
        long waitFor = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (acceptedEventByContent.size() < CALLBACKS * 2 / 5 && System.nanoTime() < waitFor) {
            FaultSuite.sleep(Duration.ofMillis(50));
        }
        long fault = System.nanoTime();
        injected.inject();
        double faultSeconds = (System.nanoTime() - fault) / 1e9;
        for (Future<?> worker : running) {
            worker.get();
        }
        workers.shutdown();

        // every accepted event reaches the webhook (a taken-over claim waits for its lease: up to ~10 s)
        long settle = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int delivered = 0;
        while (System.nanoTime() < settle) {
            delivered = WebhookJournal.read(suite.peers, json, WEBHOOK).delivered(acceptedEventByContent.keySet());
            if (delivered == acceptedEventByContent.size()) {
                break;
            }
            FaultSuite.sleep(Duration.ofMillis(500));
        }
        FaultSuite.sleep(Duration.ofSeconds(2));
        WebhookJournal webhook = WebhookJournal.read(suite.peers, json, WEBHOOK);
        int duplicates = webhook.duplicates(acceptedEventByContent.keySet());
        int repeatedCalls = webhook.repeatedCalls();
        int accepted = acceptedEventByContent.size();
        FaultReport report = new FaultReport(scenario, sent.get(), accepted, delivered, accepted - delivered,
                duplicates, faultSeconds).print();
        System.out.println("[faults] " + scenario + ": webhook called again for the same eventId: " + repeatedCalls);
        assertThat(accepted).as("every callback was answered 200 in the end").isEqualTo(CALLBACKS);
        assertThat(report.lost()).as("events answered 200 that never reached the webhook").isZero();
        assertThat(report.duplicates()).as("a second event for one content, or a call under another key").isZero();
        if (!crash) {
            assertThat(repeatedCalls).as("without a crash the webhook is called once per eventId").isZero();
        }
    }

    /** The eventId of a 200 answer, null for anything else (refused connection, 503, reset). */
    private String callback(String contentId) throws IOException {
        HttpResponse<String> answer = FaultSuite.post(suite.hub.internalUrl("/extraction/internal/completed"),
                "{\"contentId\":\"" + contentId + "\"}", "X-Internal-Secret", FaultSuite.SECRET);
        return answer != null && answer.statusCode() == 200 ? json.readTree(answer.body()).path("eventId").asText() : null;
    }
}
