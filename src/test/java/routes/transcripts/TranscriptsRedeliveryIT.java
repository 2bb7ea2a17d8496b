package routes.transcripts;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;

import routes.support.HubIntegrationTest;
import routes.support.HubResources;
import routes.support.TestInfrastructure;

/**
 * MassTransit's delayed redelivery on the real RabbitMQ 3.10 (no delayed-exchange plug-in) and PostgreSQL: the hub's
 * TTL queues {@code transcript-consumer_delay_<interval>} hand each failed delivery back to the endpoint queue after
 * its interval with {@code MT-Redelivery-Count} one higher. The {@code it} profile's intervals are {@code 1s,2s}.
 * Arrivals are observed on the inbox row (each claim stores the delivery's count), polled every 20 ms.
 */
@HubIntegrationTest
class TranscriptsRedeliveryIT {

    private static final String API_PATH = "/transcript-api/process-video-from-consumer";
    private static final String COMPLETED_Q = "it.redelivery.completed";
    private static final String FAULT_Q = "it.redelivery.fault";
    /** One delivery's calls: the first and transcriptsApiRetry's 4 retries. */
    private static final int CALLS_PER_DELIVERY = 5;

    @Autowired
    RabbitTemplate rabbit;

    @Autowired
    AmqpAdmin amqpAdmin;

    @Autowired
    HubResources resources;

    @Autowired
    TranscriptsSettings settings;

    @Autowired
    RedeliverySchedule schedule;

    private final ObjectMapper json = new ObjectMapper();
    private final WireMockServer wireMock = TestInfrastructure.wireMock();
    private TranscriptFixtures fixtures;

    /** The inbox row as one poll saw it. */
    record Seen(long atNanos, String status, int redeliveryCount, int deliveries) {
    }

    @BeforeEach
    void cleanUp() {
        bindTestQueue(COMPLETED_Q, settings.exchanges().completed());
        bindTestQueue(FAULT_Q, settings.exchanges().fault());
        resources.purgeQueues(COMPLETED_Q, FAULT_Q, settings.errorQueue());
        for (StubMapping stub : new ArrayList<>(wireMock.getStubMappings())) {
            if (stub.getRequest().getUrl() != null && stub.getRequest().getUrl().startsWith("/transcript-api")) {
                wireMock.removeStub(stub);
            }
        }
        fixtures = new TranscriptFixtures();
    }

    @Test
    void theDelayQueuesAreDeclaredAsConfigured() {
        assertThat(schedule.intervals()).extracting(RedeliverySchedule.Interval::queue)
                .containsExactly(settings.endpoint() + "_delay_1s", settings.endpoint() + "_delay_2s");
        for (RedeliverySchedule.Interval interval : schedule.intervals()) {
            QueueInformation info = amqpAdmin.getQueueInfo(interval.queue());
            assertThat(info).as(interval.queue()).isNotNull();
            assertThat(info.getConsumerCount()).as("nothing consumes " + interval.queue()).isZero();
        }
    }

    @Test
    void apiFailingTheFirstTwoDeliveries_isRedeliveredAfterEachInterval_thenCompletesOnce() throws Exception {
        // the first 2 deliveries' calls fail (503 through every immediate retry), the third delivery's first call succeeds
        int failing = 2 * CALLS_PER_DELIVERY;
        for (int call = 0; call < failing; call++) {
            wireMock.stubFor(post(urlEqualTo(API_PATH)).inScenario("redelivery-" + fixtures.messageId)
                    .whenScenarioStateIs(call == 0 ? Scenario.STARTED : "call-" + call)
                    .withRequestBody(matchingJsonPath("$.transcript_request_id", equalTo(fixtures.transcriptRequestId)))
                    .willSetStateTo("call-" + (call + 1))
                    .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "0").withBody("{\"detail\":\"warming up\"}")));
        }
        wireMock.stubFor(post(urlEqualTo(API_PATH)).inScenario("redelivery-" + fixtures.messageId)
                .whenScenarioStateIs("call-" + failing)
                .withRequestBody(matchingJsonPath("$.transcript_request_id", equalTo(fixtures.transcriptRequestId)))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"success\": true, \"transcript\": \"third time lucky\"}")));
        byte[] body = fixtures.bytes("envelope-full.json");
        long published = System.nanoTime();
        publish(body, Map.of("Custom-Header", "kept"));

        boolean duplicateSent = false;
        List<Seen> seen = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            Seen now = row(fixtures.messageId);
            if (now != null && (seen.isEmpty() || !sameState(seen.get(seen.size() - 1), now))) {
                seen.add(now);
            }
            if (now != null && !duplicateSent && "RETRY_SCHEDULED".equals(now.status()) && now.redeliveryCount() == 1) {
                // a plain duplicate of the original while its redelivery waits: acked as a duplicate
                publish(body, Map.of("Custom-Header", "kept"));
                duplicateSent = true;
            }
            if (now != null && "COMPLETED".equals(now.status())) {
                break;
            }
            Thread.sleep(20);
        }
        printArrivals("API failing 10 calls", published, seen);

        long scheduled1 = firstAt(seen, "RETRY_SCHEDULED", 1);
        long arrived1 = firstArrival(seen, 1);
        long scheduled2 = firstAt(seen, "RETRY_SCHEDULED", 2);
        long arrived2 = firstArrival(seen, 2);
        assertThat(seen.get(seen.size() - 1).status()).as("completed in the end: %s", seen).isEqualTo("COMPLETED");
        assertThat(seen.get(seen.size() - 1).redeliveryCount()).as("by the second redelivery").isEqualTo(2);
        assertThat(millis(arrived1 - scheduled1)).as("MT-Redelivery-Count 1 after the 1s interval")
                .isBetween(900L, 3_000L);
        assertThat(millis(arrived2 - scheduled2)).as("MT-Redelivery-Count 2 after the 2s interval")
                .isBetween(1_900L, 4_500L);

        Message completed = awaitMessage(COMPLETED_Q, this::aboutThisRequest);
        JsonNode done = body(completed).path("message");
        assertThat(done.path("success").asBoolean()).isTrue();
        assertThat(done.path("transcriptContent").asText()).isEqualTo("third time lucky");
        assertThat(rabbit.receive(COMPLETED_Q, 1_500)).as("exactly one completed event").isNull();
        assertThat(rabbit.receive(FAULT_Q, 200)).as("no Fault<T>").isNull();
        assertThat(rabbit.receive(settings.errorQueue(), 200)).as("nothing in _error").isNull();
        assertThat(duplicateSent).isTrue();
        wireMock.verify(failing + 1, apiCall());
        // the API saw one request throughout: the same Idempotency-Key on every call
        wireMock.verify(failing + 1, apiCall().withHeader("Idempotency-Key", equalTo(fixtures.messageId)));
        assertThat(deliveries(fixtures.messageId)).as("original, duplicate, 2 redeliveries").isEqualTo(4);
        for (RedeliverySchedule.Interval interval : schedule.intervals()) {
            assertThat(amqpAdmin.getQueueInfo(interval.queue()).getMessageCount()).as(interval.queue()).isZero();
        }
    }

    @Test
    void apiUnavailableThroughEveryInterval_goesToErrorAfterTheLastWithTheFaultHeaders() throws Exception {
        wireMock.stubFor(post(urlEqualTo(API_PATH))
                .withRequestBody(matchingJsonPath("$.transcript_request_id", equalTo(fixtures.transcriptRequestId)))
                .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "0").withBody("{\"detail\":\"down\"}")));
        byte[] body = fixtures.bytes("envelope-full.json");
        long published = System.nanoTime();
        publish(body, Map.of("Custom-Header", "kept"));

        List<Seen> seen = new ArrayList<>();
        Message error = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (error == null && System.nanoTime() < deadline) {
            Seen now = row(fixtures.messageId);
            if (now != null && (seen.isEmpty() || !sameState(seen.get(seen.size() - 1), now))) {
                seen.add(now);
            }
            error = rabbit.receive(settings.errorQueue(), 20);
        }
        long errorAt = System.nanoTime();
        printArrivals("API unavailable throughout", published, seen);
        System.out.printf("redelivery arrivals [API unavailable throughout]: in %s after %d ms%n", settings.errorQueue(),
                millis(errorAt - published));
        assertThat(error).as("the delivery in " + settings.errorQueue()).isNotNull();
        assertThat(error.getBody()).as("body unchanged").isEqualTo(body);
        MessageProperties props = error.getMessageProperties();
        assertThat(props.getMessageId()).isEqualTo(fixtures.messageId);
        assertThat(props.getContentType()).isEqualTo("application/vnd.masstransit+json");
        assertThat(props.getReceivedDeliveryMode()).isEqualTo(MessageDeliveryMode.PERSISTENT);
        assertThat(props.getHeaders()).containsEntry("MT-Reason", "fault")
                .containsEntry("MT-Redelivery-Count", 2)
                .containsEntry("MT-Fault-RetryCount", 4)
                .containsEntry("Custom-Header", "kept")
                .containsKeys("MT-Fault-Message", "MT-Fault-Timestamp", "MT-Fault-ExceptionType", "MT-Host-MachineName")
                .doesNotContainKey("x-delivery-count");
        assertThat(String.valueOf(props.getHeaders().get("MT-Fault-Message"))).contains("503");
        assertThat(millis(firstArrival(seen, 1) - firstAt(seen, "RETRY_SCHEDULED", 1))).isBetween(900L, 3_000L);
        assertThat(millis(firstArrival(seen, 2) - firstAt(seen, "RETRY_SCHEDULED", 2))).isBetween(1_900L, 4_500L);

        Message completed = awaitMessage(COMPLETED_Q, this::aboutThisRequest);
        assertThat(body(completed).path("message").path("success").asBoolean()).isFalse();
        assertThat(body(completed).path("message").path("errorMessage").asText()).contains("503");
        Message fault = awaitMessage(FAULT_Q, m -> fixtures.messageId.equals(body(m).path("message").path("faultedMessageId").asText()));
        assertThat(fault).isNotNull();
        assertThat(rabbit.receive(COMPLETED_Q, 1_000)).as("one completed event, after the last delivery").isNull();
        assertThat(rabbit.receive(FAULT_Q, 200)).as("one Fault<T>").isNull();
        assertThat(rabbit.receive(settings.errorQueue(), 200)).as("one dead letter").isNull();
        wireMock.verify(3 * CALLS_PER_DELIVERY, apiCall());
        assertThat(row(fixtures.messageId).status()).isEqualTo("COMPLETED");
    }

    /** The claim against PostgreSQL: a scheduled row lets in the copy with its count, not a plain duplicate. */
    @Test
    void theInboxClaimLetsInOnlyTheScheduledCopy() {
        assertThat(claim(0, "owner-1")).containsEntry("claimed", true).containsEntry("status", "RECEIVED");
        resources.jdbc().update("UPDATE transcript_inbox SET status = 'RETRY_SCHEDULED', redelivery_count = 1, owner = NULL,"
                + " lease_until = NULL WHERE message_id = ?", fixtures.messageId);
        assertThat(claim(0, "owner-2")).as("the original again").containsEntry("claimed", false)
                .containsEntry("status", "RETRY_SCHEDULED");
        assertThat(claim(1, "owner-3")).as("the scheduled copy").containsEntry("claimed", true)
                .containsEntry("status", "RECEIVED");
        assertThat(claim(1, "owner-4")).as("the copy again while it is in work").containsEntry("claimed", false)
                .containsEntry("status", "RECEIVED");
        Map<String, Object> stored = resources.jdbc().queryForMap(
                "SELECT owner, redelivery_count, deliveries FROM transcript_inbox WHERE message_id = ?", fixtures.messageId);
        assertThat(stored).containsEntry("owner", "owner-3").containsEntry("redelivery_count", 1).containsEntry("deliveries", 4);
    }

    // ---- helpers ----

    private Map<String, Object> claim(int redeliveryCount, String owner) {
        return resources.jdbc().queryForMap("SELECT status, claimed FROM transcript_inbox_claim(?, ?, ?, ?, NULL, NULL, ?, ?, 30, NULL, ?)",
                fixtures.messageId, fixtures.transcriptRequestId, fixtures.userId, fixtures.messageId, "{}", owner, redeliveryCount);
    }

    private void printArrivals(String scenario, long published, List<Seen> seen) {
        StringBuilder line = new StringBuilder("redelivery arrivals [" + scenario + "]:");
        long scheduledAt = -1;
        for (Seen s : seen) {
            line.append(String.format("%n  +%5d ms  %-15s MT-Redelivery-Count %d, deliveries %d", millis(s.atNanos() - published),
                    s.status(), s.redeliveryCount(), s.deliveries()));
            if ("RETRY_SCHEDULED".equals(s.status())) {
                scheduledAt = s.atNanos();
            } else if (scheduledAt >= 0) {
                line.append(String.format("   <- %d ms after it was scheduled", millis(s.atNanos() - scheduledAt)));
                scheduledAt = -1;
            }
        }
        System.out.println(line);
    }

    private static boolean sameState(Seen a, Seen b) {
        return Objects.equals(a.status(), b.status()) && a.redeliveryCount() == b.redeliveryCount() && a.deliveries() == b.deliveries();
    }

    /** When the row was first seen RETRY_SCHEDULED for the copy carrying {@code count}. */
    private static long firstAt(List<Seen> seen, String status, int count) {
        return seen.stream().filter(s -> status.equals(s.status()) && s.redeliveryCount() == count).mapToLong(Seen::atNanos)
                .findFirst().orElseThrow(() -> new AssertionError("never " + status + " with count " + count + ": " + seen));
    }

    /** When the delivery carrying {@code count} first claimed the row. */
    private static long firstArrival(List<Seen> seen, int count) {
        return seen.stream().filter(s -> !"RETRY_SCHEDULED".equals(s.status()) && s.redeliveryCount() == count)
                .mapToLong(Seen::atNanos).findFirst()
                .orElseThrow(() -> new AssertionError("no delivery with MT-Redelivery-Count " + count + ": " + seen));
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }

    private Seen row(String messageId) {
        List<Seen> rows = resources.jdbc().query(
                "SELECT status, redelivery_count, deliveries FROM transcript_inbox WHERE message_id = ?",
                (rs, i) -> new Seen(System.nanoTime(), rs.getString(1), rs.getInt(2), rs.getInt(3)), messageId);
        return rows.isEmpty() ? null : rows.get(0);
    }

    private int deliveries(String messageId) {
        return resources.jdbc().queryForObject("SELECT deliveries FROM transcript_inbox WHERE message_id = ?", Integer.class, messageId);
    }

    private void publish(byte[] body, Map<String, Object> headers) {
        MessageProperties props = new MessageProperties();
        props.setContentType("application/vnd.masstransit+json");
        props.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        props.setMessageId(fixtures.messageId);
        headers.forEach(props::setHeader);
        rabbit.send(settings.exchanges().requested(), "", new Message(body, props));
    }

    private Message awaitMessage(String queue, java.util.function.Predicate<Message> matches) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            Message message = rabbit.receive(queue, 500);
            if (message != null && matches.test(message)) {
                return message;
            }
        }
        throw new AssertionError("no matching message on " + queue + " within 15 s");
    }

    private boolean aboutThisRequest(Message message) {
        return fixtures.transcriptRequestId.equals(body(message).path("message").path("transcriptRequestId").asText());
    }

    private JsonNode body(Message message) {
        try {
            return json.readTree(message.getBody());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + new String(message.getBody()), e);
        }
    }

    private RequestPatternBuilder apiCall() {
        return postRequestedFor(urlEqualTo(API_PATH))
                .withRequestBody(matchingJsonPath("$.transcript_request_id", equalTo(fixtures.transcriptRequestId)));
    }

    private void bindTestQueue(String queue, String exchange) {
        Queue q = new Queue(queue, false, false, false);
        amqpAdmin.declareQueue(q);
        amqpAdmin.declareExchange(new FanoutExchange(exchange, true, false));
        amqpAdmin.declareBinding(BindingBuilder.bind(q).to(new FanoutExchange(exchange, true, false)));
    }
}
