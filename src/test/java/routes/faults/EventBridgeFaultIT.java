package routes.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;

/**
 * The event bridge's Python leg under kill -9, on the packaged hub: every event answered 202 is durable before the
 * answer and reaches the Python event API after the restart (lost = 0), in order per user (each user's events in
 * the order they were ingested). A repeat of an event (the hub died between Python's answer and the ack) is
 * at-least-once, printed, not a duplicate effect; an event out of its user's order is. The workers send an
 * {@code Idempotency-Key} per request, the same on each retry: a retry after an answer that never came (a 503 whose
 * publish the broker took after all, a 202 lost to the kill) reaches Python under the same keys, a repeat it drops.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EventBridgeFaultIT {

    static final int USERS = 10;
    static final int REQUESTS_PER_USER = 30;
    static final int EVENTS_PER_REQUEST = 5;

    private final ObjectMapper json = new ObjectMapper();
    private FaultSuite suite;

    @BeforeAll
    void start() throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PYTHON_OUTBOX_QUEUE", "faults.event-bridge.python.outbox");
        env.put("PYTHON_PARKING_QUEUE", "faults.event-bridge.python.parked");
        env.put("PYTHON_DEAD_LETTER_QUEUE", "faults.event-bridge.python.dead-letter");
        env.put("PYTHON_HEALTH_INTERVAL_MS", "2000");
        suite = new FaultSuite("event-bridge", env);
        suite.peers.stubFor(get(urlPathEqualTo("/python/health")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"status\":\"healthy\"}")));
        suite.peers.stubFor(post(urlEqualTo("/python/events")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"status\":\"processed\"}")
                // slower than the ingest: a backlog towards Python builds up, which a kill must not lose
                .withUniformRandomDelay(100, 200)));
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
    void killDuringIngest() throws Exception {
        scenario("event bridge kill -9 at 50%", suite::killAndRestartHub);
    }

    @Test
    @Order(2)
    void sigtermDuringIngest() throws Exception {
        scenario("event bridge SIGTERM at 50%", suite::terminateAndRestartHub);
    }

    @Test
    @Order(3)
    void rabbitRestartDuringIngest() throws Exception {
        scenario("event bridge RabbitMQ stop_app/start_app at 50%", () -> FaultSuite.restartRabbit(Duration.ofSeconds(3)));
    }

    @Test
    @Order(4)
    void pythonOutageDuringIngest() throws Exception {
        // Python answers 503 for 6 s (more than its circuit breaker tolerates), then recovers
        scenario("event bridge Python down 6 s at 50%", () -> {
            StubMapping down = suite.peers.stubFor(post(urlEqualTo("/python/events")).atPriority(1)
                    .willReturn(aResponse().withStatus(503)));
            FaultSuite.sleep(Duration.ofSeconds(6));
            suite.peers.removeStub(down);
        });
    }

    /** USERS x REQUESTS_PER_USER requests of EVENTS_PER_REQUEST events, {@code injected} at half of them, then the verdict. */
    private void scenario(String scenario, Fault injected) throws Exception {
        suite.peers.resetRequests();
        String run = UUID.randomUUID().toString().substring(0, 8);
        // seq per user, in the order the user's requests were answered 202
        Map<String, List<Integer>> acceptedByUser = new ConcurrentHashMap<>();
        int sent = 0;
        int accepted = 0;
        // the fault runs beside the ingest: requests keep coming while the hub or the broker is down
        java.util.concurrent.CompletableFuture<Double> faultSeconds = null;
        int seq = 0;
        for (int request = 0; request < REQUESTS_PER_USER; request++) {
            for (int user = 0; user < USERS; user++) {
                String userId = "faults-" + run + "-" + user;
                BridgeIngestRequest planned = BridgeIngestRequest.of(userId, request, EVENTS_PER_REQUEST);
                List<Integer> seqs = planned.seqs();
                String body = planned.body();
                // a worker retries until the hub answers 202
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (System.nanoTime() < deadline) {
                    sent += EVENTS_PER_REQUEST;
                    // the worker's key for this request, the same on every retry of it (docs/flows/event-bridge.adoc)
                    if (ingest(body, userId + "-" + request)) {
                        acceptedByUser.computeIfAbsent(userId, k -> new ArrayList<>()).addAll(seqs);
                        accepted += EVENTS_PER_REQUEST;
                        break;
                    }
                    FaultSuite.sleep(Duration.ofMillis(200));
                }
                seq++;
                // mid-load, right after a 202 and off any batch boundary
                if (seq == USERS * REQUESTS_PER_USER / 2 + 3) {
                    faultSeconds = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                        long fault = System.nanoTime();
                        try {
                            injected.inject();
                        } catch (Exception e) {
                            throw new java.util.concurrent.CompletionException(e);
                        }
                        return (System.nanoTime() - fault) / 1e9;
                    });
                }
            }
        }
        double faultLasted = faultSeconds.get(5, java.util.concurrent.TimeUnit.MINUTES);

        // what Python received, per user, in arrival order; the Idempotency-Keys each event arrived under: one key,
        // however often, is a redelivery Python can drop; two keys would be a duplicate it cannot tell apart
        long settle = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        PythonJournal python = PythonJournal.read(suite.peers, json, acceptedByUser.keySet());
        int delivered = python.delivered(acceptedByUser);
        while (delivered < accepted && System.nanoTime() < settle) {
            FaultSuite.sleep(Duration.ofMillis(500));
            python = PythonJournal.read(suite.peers, json, acceptedByUser.keySet());
            delivered = python.delivered(acceptedByUser);
        }
        // the journal's arrival order is the order Python was called; within it, each user's first sight of every
        // event must follow the user's accepted order
        int outOfOrder = python.outOfOrder();
        python.outOfOrderEvents().forEach(event -> System.out.println("[faults] " + scenario + ": out of order: " + event));
        int repeats = python.repeats();
        int keyless = python.keyless();
        int duplicates = python.duplicates();
        FaultReport report = new FaultReport(scenario, sent, accepted, delivered, accepted - delivered,
                duplicates, faultLasted).print();
        System.out.println("[faults] " + scenario + ": events Python received again under the same Idempotency-Key"
                + " (redeliveries it can drop): " + repeats + ", out of their user's order: " + outOfOrder);
        assertThat(accepted).isEqualTo(USERS * REQUESTS_PER_USER * EVENTS_PER_REQUEST);
        assertThat(report.lost()).as("events answered 202 that never reached Python").isZero();
        assertThat(keyless).as("calls to Python without an Idempotency-Key").isZero();
        assertThat(report.duplicates()).as("events Python received under two different Idempotency-Keys").isZero();
        assertThat(outOfOrder).as("events out of their user's order").isZero();
    }

    private boolean ingest(String body, String idempotencyKey) {
        HttpResponse<String> answer = FaultSuite.post(suite.hub.url("/api/ml/events/ingest"), body, "Idempotency-Key", idempotencyKey);
        return answer != null && answer.statusCode() == 202;
    }
}
