package routes.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The transcripts flow's guarantee under faults, on the packaged hub: for every envelope the broker confirmed,
 * exactly one outcome (a completed event, or a Fault&lt;T&gt; for a failure) under one messageId per event kind, and
 * transcript-api only ever called with the request's one Idempotency-Key. Each scenario records every id end to
 * end (what the test published, every completed and fault event on the suite's own queues, every API call).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TranscriptsFaultIT {

    static final String NAMESPACE = "M3.Net.Modules.Transcripts.IntegrationEvents";
    static final String ENDPOINT = "faults-transcript-consumer";
    static final String REQUESTED = "faults:transcript-requested";
    static final String PROGRESS = "faults:transcript-progress";
    static final String COMPLETED = "faults:transcript-completed";
    static final String FAULT = "faults:transcript-fault";
    static final String CAPTURE_COMPLETED = "faults.capture.transcript-completed";
    static final String CAPTURE_FAULT = "faults.capture.transcript-fault";
    static final String API = "/transcript-api/process-video-from-consumer";
    static final Duration SETTLE = Duration.ofSeconds(150);

    private final ObjectMapper json = new ObjectMapper();
    private FaultSuite suite;
    /** Events of a load drained by another load running beside it (queue/requestId), kept for their own load. */
    private final Map<String, List<JsonNode>> strays = new ConcurrentHashMap<>();
    private RabbitTemplate rabbit;
    private AmqpAdmin admin;

    @BeforeAll
    void start() throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("TRANSCRIPTS_ENDPOINT", ENDPOINT);
        env.put("TRANSCRIPTS_REQUESTED_EXCHANGE", REQUESTED);
        env.put("TRANSCRIPTS_PROGRESS_EXCHANGE", PROGRESS);
        env.put("TRANSCRIPTS_COMPLETED_EXCHANGE", COMPLETED);
        env.put("TRANSCRIPTS_FAULT_EXCHANGE", FAULT);
        // short leases so a killed owner's requests are taken over within seconds
        env.put("TRANSCRIPTS_INBOX_LEASE_SECONDS", "6");
        env.put("TRANSCRIPTS_INBOX_LEASE_RENEWAL_MS", "2000");
        env.put("TRANSCRIPTS_IN_WORK_RETRY_DELAY_MS", "500");
        // delayed redelivery on, with waits the scenarios' settle times cover (default 5s,30s,2m)
        env.put("TRANSCRIPTS_REDELIVERY_INTERVALS", "1s,3s");
        env.put("TRANSCRIPT_API_RETRY_DELAY_MS", "200");
        env.put("TRANSCRIPT_API_MAX_RETRY_DELAY_MS", "1000");
        env.put("TRANSCRIPT_API_TIMEOUT_MS", "10000");
        // a stalled database fails a statement after 5 s (aStalledDatabase)
        env.put("POSTGRES_SOCKET_TIMEOUT_SECONDS", "5");
        env.put("POSTGRES_STATEMENT_TIMEOUT_MS", "4000");
        suite = new FaultSuite("transcripts", env);
        CachingConnectionFactory connections = suite.rabbit;
        connections.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.SIMPLE);
        rabbit = new RabbitTemplate(connections);
        admin = new RabbitAdmin(connections);
        TranscriptsLoad.declareCaptures(admin);
        suite.startHub();
    }

    @AfterAll
    void stop() throws Exception {
        if (suite != null) {
            suite.close();
        }
    }

    @BeforeEach
    void clean() {
        // what an earlier scenario still has in work finishes first
        awaitQueueDepth(ENDPOINT, 0, Duration.ofSeconds(30));
        FaultSuite.sleep(Duration.ofSeconds(1));
        suite.peers.resetAll();
        strays.clear();
        answerAfter(50, 250);
        for (String queue : List.of(CAPTURE_COMPLETED, CAPTURE_FAULT, ENDPOINT, ENDPOINT + "_error", ENDPOINT + "_skipped")) {
            admin.purgeQueue(queue, false);
        }
    }

    // ---- the scenarios ----

    @Test
    @Order(1)
    void killDuringLoad_repeatedAtThreePoints() throws Exception {
        double[] points = {0.15, 0.45, 0.75};
        for (int i = 0; i < points.length; i++) {
            clean();
            TranscriptsLoad load = load("kill -9 #" + (i + 1) + " at " + (int) (points[i] * 100) + "%", 150);
            load.publish();
            load.awaitOutcomes((int) (150 * points[i]), Duration.ofSeconds(60));
            long fault = System.nanoTime();
            suite.killAndRestartHub();
            load.finish(fault, true);
        }
    }

    @Test
    @Order(2)
    void sigtermDuringLoad() throws Exception {
        underLoad("SIGTERM", 150, 50, false, suite::terminateAndRestartHub);
    }

    @Test
    @Order(3)
    void postgresRestartDuringLoad() throws Exception {
        underLoad("PostgreSQL restart", 150, 40, false, Machine::postgresRestart);
    }

    @Test
    @Order(4)
    void rabbitRestartDuringLoad() throws Exception {
        underLoad("RabbitMQ stop_app/start_app", 150, 40, true, () -> FaultSuite.restartRabbit(Duration.ofSeconds(3)));
    }

    @Test
    @Order(5)
    void consumerConnectionClosedWhileMessagesAreInWork() throws Exception {
        // slow answers: every consumer holds a delivery in the API call when its connection goes
        answerAfter(1500, 2500);
        TranscriptsLoad load = load("consumer connection closed mid-call", 40);
        load.publish();
        FaultSuite.sleep(Duration.ofMillis(2500));
        long fault = System.nanoTime();
        // the hub's connections, not the suite's own (the build runs alone on the broker: flock in .ci/run's callers)
        int closed = Machine.rabbitCloseConnectionsExcept(FaultSuite.CLIENT);
        assertThat(closed).as("the hub's connections were found and closed").isPositive();
        load.finish(fault, false);
    }

    @Test
    @Order(6)
    void aDatabaseErrorAtEachStepOfTheRoute() throws Exception {
        // each constraint (NOT VALID: only new rows and updates are checked) fails one step's statement for 3 s
        Map<String, String> steps = new LinkedHashMap<>();
        steps.put("the inbox claim", "CHECK (false)");
        steps.put("the outcome update", "CHECK (status <> 'SUCCEEDED')");
        steps.put("the closing update", "CHECK (status <> 'COMPLETED')");
        for (Map.Entry<String, String> step : steps.entrySet()) {
            clean();
            TranscriptsLoad load = load("database error at " + step.getKey(), 60);
            load.publish();
            load.awaitOutcomes(10, Duration.ofSeconds(60));
            long fault = System.nanoTime();
            try (Connection db = FaultSuite.database(); Statement sql = db.createStatement()) {
                sql.execute("ALTER TABLE transcript_inbox ADD CONSTRAINT faults_step " + step.getValue() + " NOT VALID");
                FaultSuite.sleep(Duration.ofSeconds(3));
                sql.execute("ALTER TABLE transcript_inbox DROP CONSTRAINT faults_step");
            }
            load.finish(fault, false);
        }
    }

    @Test
    @Order(7)
    void aStalledDatabase() throws Exception {
        // PostgreSQL frozen (SIGSTOP) past the hub's socket timeout (5 s here): statements fail instead of hanging
        // a statement that outlasts every retry sends the delivery back to the queue with nothing stored: its
        // redelivery may call transcript-api again (same Idempotency-Key), which the report prints
        underLoad("PostgreSQL stalled 8 s", 100, 20, true, () -> FaultSuite.stallPostgres(Duration.ofSeconds(8)));
    }

    @Test
    @Order(8)
    void redriveFromError_isProcessedAgainFromTheStart() throws Exception {
        // transcript-api refuses (400: a client error, no retry): every request faults and lands in _error
        suite.peers.stubFor(post(urlEqualTo(API)).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody("{\"detail\":\"video not found\"}")));
        TranscriptsLoad refused = load("re-drive: first pass (refused)", 30);
        refused.publish();
        refused.awaitFaults(30, Duration.ofSeconds(60));
        int inError = awaitQueueDepth(ENDPOINT + "_error", 30, Duration.ofSeconds(30));
        assertThat(inError).isGreaterThanOrEqualTo(30);

        // the cause is fixed; the operator re-drives every dead letter through the hub's own endpoint (internal
        // listener, secret-guarded): get, confirmed mandatory publish back to the endpoint's exchange, then ack
        suite.peers.resetAll();
        answerAfter(20, 60);
        long fault = System.nanoTime();
        HttpResponse<String> redrive = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        suite.hub.internalUrl("/internal/dead-letters/" + ENDPOINT + "_error/redrive?limit=all")))
                .header("X-Internal-Secret", FaultSuite.SECRET).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(redrive.statusCode()).as(redrive.body()).isEqualTo(200);
        assertThat(json.readTree(redrive.body()).path("moved").asInt()).isGreaterThanOrEqualTo(30);
        TranscriptsLoad redriven = refused.again("re-drive from _error");
        redriven.awaitSuccesses(30, SETTLE);
        assertThat(admin.getQueueProperties(ENDPOINT + "_error").get(RabbitAdmin.QUEUE_MESSAGE_COUNT)).isEqualTo(0);
        FaultReport report = redriven.report(fault, true, true);
        assertThat(report.lost()).isZero();
        assertThat(report.duplicates()).isZero();
    }

    @Test
    @Order(9)
    void aPoisonMessageThatFailsInTheErrorPathToo() throws Exception {
        // transcript-api fails the poison for good (500 after the retries), and once the poison is claimed every
        // statement on its inbox row fails: storing the failed outcome fails, and so does the error path's release.
        // The exception escapes the route and requeues the delivery (nothing lost); the redelivery waits out the
        // lease, cannot take the row over and ends in _error with the reason and one Fault<T>. Everything else keeps
        // flowing meanwhile; nothing is left looping.
        TranscriptsLoad poison = load("poison failing in the error path too", 1);
        String poisonRequest = poison.messageIdByRequest.keySet().iterator().next();
        String poisonMessage = poison.messageIdByRequest.get(poisonRequest);
        suite.peers.stubFor(post(urlEqualTo(API)).atPriority(1)
                .withRequestBody(matchingJsonPath("$.transcript_request_id", equalTo(poisonRequest)))
                .willReturn(aResponse().withStatus(500).withFixedDelay(300)
                        .withHeader("Content-Type", "application/json").withBody("{\"detail\":\"poison\"}")));
        TranscriptsLoad others = load("beside a poison", 40);
        long fault = System.nanoTime();
        try {
            poison.publish();
            others.publish();
            awaitInboxRow(poisonMessage, Duration.ofSeconds(30));
            try (Connection db = FaultSuite.database(); Statement sql = db.createStatement()) {
                sql.execute("ALTER TABLE transcript_inbox ADD CONSTRAINT faults_poison CHECK (message_id <> '" + poisonMessage
                        + "') NOT VALID");
            }
            others.finish(fault, false);
            poison.awaitFaults(1, Duration.ofSeconds(120));
            awaitQueueDepth(ENDPOINT + "_error", 1, Duration.ofSeconds(30));
            Message dead = rabbit.receive(ENDPOINT + "_error", 5_000);
            assertThat(dead).as("the poison in " + ENDPOINT + "_error").isNotNull();
            assertThat(dead.getMessageProperties().getMessageId()).isEqualTo(poisonMessage);
            Map<String, Object> headers = dead.getMessageProperties().getHeaders();
            assertThat(String.valueOf(headers.get("MT-Fault-Message"))).as("the reason: %s", headers).contains("faults_poison");
            assertThat(headers).containsKey("MT-Fault-Timestamp").doesNotContainKey("x-delivery-count");
            assertThat(rabbit.receive(ENDPOINT + "_error", 500)).as("one dead letter").isNull();
            FaultSuite.sleep(Duration.ofSeconds(2));
            assertThat(awaitQueueDepth(ENDPOINT, 0, Duration.ofSeconds(10))).as("nothing left looping").isZero();
            poison.collect();
            int faults = poison.faultIds.getOrDefault(poisonRequest, Set.of()).size();
            int completed = poison.completedIds.getOrDefault(poisonRequest, Set.of()).size();
            new FaultReport(poison.scenario, 1, 1, faults == 1 ? 1 : 0, faults == 0 ? 1 : 0,
                    Math.max(0, faults - 1) + completed, (System.nanoTime() - fault) / 1e9).print();
            assertThat(faults).as("one Fault<T> under one messageId").isEqualTo(1);
            assertThat(completed).as("no completed event for a failed request").isZero();
        } finally {
            try (Connection db = FaultSuite.database(); Statement sql = db.createStatement()) {
                sql.execute("ALTER TABLE transcript_inbox DROP CONSTRAINT IF EXISTS faults_poison");
            }
        }
    }

    private void awaitInboxRow(String messageId, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection db = FaultSuite.database(); Statement sql = db.createStatement();
                 ResultSet row = sql.executeQuery("SELECT 1 FROM transcript_inbox WHERE message_id = '" + messageId + "'")) {
                if (row.next()) {
                    return;
                }
            }
            FaultSuite.sleep(Duration.ofMillis(20));
        }
        throw new AssertionError("no inbox row for " + messageId + " within " + timeout);
    }

    // ---- load, records and verdict ----

    private TranscriptsLoad load(String scenario, int count) {
        return new TranscriptsLoad(scenario, count, rabbit, suite.peers, strays);
    }

    /** Publishes {@code count} envelopes, injects the fault once {@code outcomesFirst} are done, then judges. */
    private void underLoad(String scenario, int count, int outcomesFirst, boolean crash, Fault fault) throws Exception {
        TranscriptsLoad load = load(scenario, count);
        load.publish();
        load.awaitOutcomes(outcomesFirst, Duration.ofSeconds(60));
        long started = System.nanoTime();
        fault.inject();
        load.finish(started, crash);
    }

    private int awaitQueueDepth(String queue, int expected, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int depth = 0;
        while (System.nanoTime() < deadline) {
            java.util.Properties properties = admin.getQueueProperties(queue);
            depth = properties == null ? 0 : ((Number) properties.get(RabbitAdmin.QUEUE_MESSAGE_COUNT)).intValue();
            if (expected == 0 ? depth == 0 : depth >= expected) {
                return depth;
            }
            FaultSuite.sleep(Duration.ofMillis(200));
        }
        return depth;
    }

    private void answerAfter(int minMs, int maxMs) {
        suite.peers.stubFor(post(urlEqualTo(API)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"success\": true, \"transcript\": \"a transcript\"}")
                .withUniformRandomDelay(minMs, maxMs)));
    }
}
