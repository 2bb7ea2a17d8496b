package routes.extraction;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;

import routes.support.HubIntegrationTest;
import routes.support.HubResources;
import routes.support.TestInfrastructure;

/** The extraction flow against the real RabbitMQ and PostgreSQL, with WireMock as the webhook. */
@HubIntegrationTest
class ExtractionIT {

    private static final String EXCHANGE = "extraction.events";
    private static final String ROUTING_KEY = "extraction.completed";
    private static final String QUEUE = "extraction.completed";
    private static final String DLQ = "extraction.completed.dlq";
    private static final String WEBHOOK = "/api/extraction/internal/baseline";
    private static final String SECRET = "it-secret";
    // hub.security.extraction-webhook-secret(-previous) in application-it.yaml
    private static final String WEBHOOK_SECRET = "whsec_aXQtd2ViaG9vay1zZWNyZXQtY3VycmVudA==";
    private static final String WEBHOOK_SECRET_PREVIOUS = "whsec_aXQtd2ViaG9vay1zZWNyZXQtcHJldmlvdXM=";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final WireMockServer wireMock = TestInfrastructure.wireMock();

    // the internal listener (TestInfrastructure gives each test context a free port)
    @Value("${hub.internal-listener.port}")
    int internalPort;

    @Autowired
    HubResources resources;

    @Autowired
    RabbitTemplate rabbit;

    @Autowired
    ObjectMapper json;

    @Autowired
    org.apache.camel.ProducerTemplate producer;

    @BeforeEach
    void clean() {
        for (StubMapping stub : new ArrayList<>(wireMock.getStubMappings())) {
            if (stub.getRequest().getUrl() != null && stub.getRequest().getUrl().startsWith("/api/extraction")) {
                wireMock.removeStubMapping(stub);
            }
        }
        resources.purgeQueues(QUEUE, DLQ);
        resources.truncate("extraction_idempotency");
    }

    @Test
    void theTopologyIsDurable() throws Exception {
        String queues = rabbitmqctl("list_queues", "-q", "--no-table-headers", "name", "durable", "arguments");
        assertThat(queues).containsPattern("(?m)^extraction\\.completed\\s+true\\s+.*x-dead-letter-routing-key.*extraction\\.completed\\.dlq");
        assertThat(queues).containsPattern("(?m)^extraction\\.completed\\.dlq\\s+true");
        String exchanges = rabbitmqctl("list_exchanges", "-q", "--no-table-headers", "name", "type", "durable");
        assertThat(exchanges).containsPattern("(?m)^extraction\\.events\\s+topic\\s+true");
    }

    @Test
    void aCallbackPublishesAConfirmedPersistentEventOnTheExchange() throws Exception {
        stubWebhook(200);
        String contentId = "it-" + UUID.randomUUID();
        Queue probe = probeQueue();
        try {
            HttpResponse<String> answer = callback(SECRET, "{\"contentId\": \"" + contentId + "\", \"ignored\": true}");
            assertThat(answer.statusCode()).isEqualTo(200);
            JsonNode body = json.readTree(answer.body());
            assertThat(body.path("success").asBoolean()).isTrue();
            String eventId = body.path("eventId").asText();

            Message event = rabbit.receive(probe.getName(), 5000);
            assertThat(event).as("event on %s", EXCHANGE).isNotNull();
            JsonNode payload = json.readTree(event.getBody());
            assertThat(payload.path("contentId").asText()).isEqualTo(contentId);
            assertThat(payload.path("eventId").asText()).isEqualTo(eventId);
            assertThat(payload.path("occurredAt").asText()).isNotBlank();
            assertThat(payload.has("ignored")).isFalse();
            MessageProperties properties = event.getMessageProperties();
            assertThat(properties.getMessageId()).isEqualTo(eventId);
            assertThat(properties.getContentType()).isEqualTo("application/json");
            assertThat(properties.getReceivedDeliveryMode()).isEqualTo(MessageDeliveryMode.PERSISTENT);
            assertThat(properties.getReceivedExchange()).isEqualTo(EXCHANGE);
            assertThat(properties.getReceivedRoutingKey()).isEqualTo(ROUTING_KEY);
            assertThat(properties.getHeaders().keySet()).noneMatch(k -> k.equalsIgnoreCase("X-Internal-Secret"));
            assertThat(properties.getHeaders()).isEmpty();
        } finally {
            resources.amqpAdmin().deleteQueue(probe.getName());
        }
    }

    @Test
    void refusalsOverRealHttp() throws Exception {
        assertThat(callback("wrong", "{\"contentId\": \"x\"}").statusCode()).isEqualTo(401);
        assertThat(callback(null, "{\"contentId\": \"x\"}").statusCode()).isEqualTo(401);
        // a chunked body (no Content-Length) over 16 KB: 413 in JSON naming the field
        HttpResponse<String> tooLarge = chunkedCallback(20_000);
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(json.readTree(tooLarge.body()).path("field").asText()).isEqualTo("body");
        assertThat(tooLarge.headers().firstValue("X-Internal-Secret")).isEmpty();
        // past netty-http's aggregation limit (1 MB) netty answers 413 itself, before anything is read into the route
        assertThat(chunkedCallback(2_000_000).statusCode()).isEqualTo(413);
        // the internal listener serves POST only
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(callbackUri()).timeout(Duration.ofSeconds(10))
                .header("X-Internal-Secret", SECRET).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
        assertThat(json.readTree(get.body()).path("error").asText()).isEqualTo("method_not_allowed");
        HttpResponse<String> invalid = callback(SECRET, "{\"contentId\": \"no spaces allowed\"}");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(json.readTree(invalid.body()).path("field").asText()).isEqualTo("contentId");
    }

    @Test
    void theConsumerDeliversToTheWebhookAndDuplicatesOnlyOnce() throws Exception {
        stubWebhook(200);
        String contentId = "it-" + UUID.randomUUID();
        HttpResponse<String> answer = callback(SECRET, "{\"contentId\": \"" + contentId + "\"}");
        assertThat(answer.statusCode()).isEqualTo(200);
        String eventId = json.readTree(answer.body()).path("eventId").asText();

        await().atMost(10, TimeUnit.SECONDS).until(() -> webhookCalls(contentId) == 1);
        var call = wireMock.findAll(postRequestedFor(urlEqualTo(WEBHOOK)).withRequestBody(containing(contentId))).get(0);
        assertThat(call.getHeader("Idempotency-Key")).isEqualTo(eventId);
        assertThat(json.readTree(call.getBodyAsString()).path("eventId").asText()).isEqualTo(eventId);
        // the internal secret stays home: no header of the delivery carries it
        assertThat(call.containsHeader("X-Internal-Secret")).isFalse();
        assertThat(call.getHeaders().all()).noneMatch(h -> h.values().stream().anyMatch(v -> v.contains(SECRET)));
        assertSignedDelivery(call, eventId);

        // the same event again (a redelivery), and a second event for the same content: neither reaches the webhook
        publish("{\"contentId\":\"" + contentId + "\",\"eventId\":\"" + eventId + "\",\"occurredAt\":\"2026-01-01T00:00:00Z\"}", eventId);
        String secondId = UUID.randomUUID().toString();
        publish("{\"contentId\":\"" + contentId + "\",\"eventId\":\"" + secondId + "\",\"occurredAt\":\"2026-01-01T00:00:01Z\"}", secondId);
        await().atMost(10, TimeUnit.SECONDS).until(() -> queueDepth(QUEUE) == 0 && confirmedKey("event", secondId));
        await().during(1, TimeUnit.SECONDS).atMost(2, TimeUnit.SECONDS).until(() -> webhookCalls(contentId) == 1);
        assertThat(queueDepth(DLQ)).isZero();
    }

    @Test
    void aWebhook500IsRetriedUntilItAnswers200() throws Exception {
        wireMock.stubFor(post(urlEqualTo(WEBHOOK)).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500)).willSetStateTo("recovered"));
        wireMock.stubFor(post(urlEqualTo(WEBHOOK)).inScenario("flaky").whenScenarioStateIs("recovered")
                .willReturn(aResponse().withStatus(200).withBody("{}")));
        wireMock.resetScenarios();
        String contentId = "it-" + UUID.randomUUID();
        String eventId = UUID.randomUUID().toString();
        publish("{\"contentId\":\"" + contentId + "\",\"eventId\":\"" + eventId + "\"}", eventId);

        await().atMost(15, TimeUnit.SECONDS).until(() -> webhookCalls(contentId) == 2 && confirmedKey("event", eventId));
        assertThat(queueDepth(DLQ)).isZero();
        // both attempts: the same webhook-id (the receiver deduplicates on it), each signed for its own timestamp
        var attempts = wireMock.findAll(postRequestedFor(urlEqualTo(WEBHOOK)).withRequestBody(containing(contentId)));
        assertThat(attempts).hasSize(2);
        for (var attempt : attempts) {
            assertSignedDelivery(attempt, eventId);
        }
    }

    /**
     * A worker that signs v2 (method and path bound) is accepted over real HTTP; the same signature sent to another
     * path of the internal listener, or one made for another path, is refused with the JSON 401.
     */
    @Test
    void aV2SignatureIsGoodForItsOwnMethodAndPathOnly() throws Exception {
        stubWebhook(200);
        String contentId = "it-v2-" + UUID.randomUUID();
        String body = "{\"contentId\": \"" + contentId + "\"}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        long now = java.time.Instant.now().getEpochSecond();
        String forCallback = routes.shared.InternalSecretGuard.signV2(SECRET, now, "POST", "/extraction/internal/completed", bytes);

        HttpResponse<String> accepted = signedPost(callbackUri(), forCallback, body);
        assertThat(accepted.statusCode()).isEqualTo(200);
        assertThat(json.readTree(accepted.body()).path("success").asBoolean()).isTrue();

        // the callback's signature replayed to the dead-letter re-drive on the same port
        URI redrive = URI.create("http://127.0.0.1:" + internalPort + "/internal/dead-letters/extraction/redrive");
        HttpResponse<String> replayed = signedPost(redrive, forCallback, body);
        assertThat(replayed.statusCode()).isEqualTo(401);
        assertThat(replayed.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(json.readTree(replayed.body()).path("error").asText()).isEqualTo("unauthorized");

        // a signature made for another path does not open the callback either
        String forRedrive = routes.shared.InternalSecretGuard.signV2(SECRET, now, "POST",
                "/internal/dead-letters/extraction/redrive", bytes);
        HttpResponse<String> elsewhere = signedPost(callbackUri(), forRedrive, body);
        assertThat(elsewhere.statusCode()).isEqualTo(401);
        assertThat(json.readTree(elsewhere.body()).path("error").asText()).isEqualTo("unauthorized");

        // the accepted callback's event is delivered before the next test removes the webhook stub (else it would be
        // dead-lettered with a 404 into that test's DLQ)
        await().atMost(10, TimeUnit.SECONDS).until(() -> webhookCalls(contentId) == 1);
        await().atMost(5, TimeUnit.SECONDS).until(() -> queueDepth(QUEUE) == 0);
    }

    /** The Standard Webhooks headers of a delivery, checked as a receiver would, against both IT webhook secrets. */
    private static void assertSignedDelivery(com.github.tomakehurst.wiremock.verification.LoggedRequest call, String eventId) {
        assertThat(call.getHeader("webhook-id")).isEqualTo(eventId);
        long timestamp = Long.parseLong(call.getHeader("webhook-timestamp"));
        assertThat(timestamp).isCloseTo(java.time.Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(120L));
        // a rotation is configured in the it profile: the current secret's signature first, then the previous one's
        assertThat(call.getHeader("webhook-signature")).isEqualTo(
                WebhookSignatureTest.independentSignature(WEBHOOK_SECRET, eventId, timestamp, call.getBody()) + " "
                + WebhookSignatureTest.independentSignature(WEBHOOK_SECRET_PREVIOUS, eventId, timestamp, call.getBody()));
    }

    private HttpResponse<String> signedPost(URI uri, String signature, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .header(routes.shared.InternalSecretGuard.SIGNATURE_HEADER, signature)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anEventNoQueueWouldReceiveIsAnswered503NotConfirmedAndLost() throws Exception {
        // the hub's publisher connection open first: a connection the hub opens redeclares the topology (RabbitAdmin),
        // the binding removed below included, which made an earlier test's closed connection turn this into a 200
        assertThat(callback(SECRET, "{\"contentId\": \"it-warm-" + UUID.randomUUID() + "\"}").statusCode()).isEqualTo(200);
        Binding binding = BindingBuilder.bind(new Queue(QUEUE)).to(new TopicExchange(EXCHANGE)).with(ROUTING_KEY);
        resources.amqpAdmin().removeBinding(binding);
        HttpResponse<String> refused;
        try {
            refused = callback(SECRET, "{\"contentId\": \"it-unroutable-" + UUID.randomUUID() + "\"}");
        } finally {
            resources.amqpAdmin().declareBinding(binding);
        }
        assertThat(refused.statusCode()).as("returned by the broker (mandatory): not a 200").isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(refused.body()).doesNotContain("success");
        // routable again: the worker's retry is accepted
        assertThat(callback(SECRET, "{\"contentId\": \"it-routable-" + UUID.randomUUID() + "\"}").statusCode()).isEqualTo(200);
    }

    @Test
    void aRedeliveryAfterAHubDiedMidCallWaitsForTheClaimsLeaseAndDeliversOnce() throws Exception {
        stubWebhook(200);
        String contentId = "it-" + UUID.randomUUID();
        String eventId = UUID.randomUUID().toString();
        // the claim a hub left when it died during the webhook call: unconfirmed, its 60 s lease over in 3 s
        resources.jdbc().update("INSERT INTO extraction_idempotency (scope, message_key, claimed_at, confirmed) "
                + "VALUES ('event', ?, now() - interval '57 seconds', FALSE)", eventId);
        publish("{\"contentId\":\"" + contentId + "\",\"eventId\":\"" + eventId + "\"}", eventId);

        await().atMost(20, TimeUnit.SECONDS).until(() -> webhookCalls(contentId) == 1 && confirmedKey("event", eventId));
        var call = wireMock.findAll(postRequestedFor(urlEqualTo(WEBHOOK)).withRequestBody(containing(contentId))).get(0);
        assertThat(call.getHeader("Idempotency-Key")).isEqualTo(eventId);
        assertThat(queueDepth(DLQ)).as("taken over after the lease, not dead-lettered").isZero();
    }

    @Test
    void aWebhook400GoesToTheDeadLetterQueueAtOnceWithTheReason() throws Exception {
        stubWebhook(400);
        String contentId = "it-" + UUID.randomUUID();
        String eventId = UUID.randomUUID().toString();
        String original = "{\"contentId\":\"" + contentId + "\",\"eventId\":\"" + eventId + "\"}";
        publish(original, eventId);

        Message dead = awaitMessage(DLQ, 15);
        assertThat(new String(dead.getBody(), StandardCharsets.UTF_8)).isEqualTo(original);
        MessageProperties properties = dead.getMessageProperties();
        assertThat(properties.getMessageId()).isEqualTo(eventId);
        assertThat((String) properties.getHeader("x-dead-letter-reason")).isEqualTo("webhook rejected the event with HTTP 400");
        assertThat(properties.<Object>getHeader("x-dead-letter-webhook-status").toString()).isEqualTo("400");
        assertThat((String) properties.getHeader("x-dead-letter-flow")).isEqualTo("extraction");
        assertThat((String) properties.getHeader("x-original-routing-key")).isEqualTo(ROUTING_KEY);
        assertThat(webhookCalls(contentId)).isEqualTo(1);
        // dead-lettering released the keys: a replay is not mistaken for a duplicate
        assertThat(confirmedKey("event", eventId)).isFalse();
    }

    @Test
    void whileTheBrokerRefusesPublishesTheCallerGets503AndNothingIsAcknowledgedThatTheBrokerDidNotTake() throws Exception {
        stubWebhook(200);
        String contentId = "it-" + UUID.randomUUID();
        Queue probe = probeQueue();
        HttpResponse<String> refused;
        long started;
        try {
            rabbitmqctl("set_vm_memory_high_watermark", "0");
            await().atMost(15, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500))
                    .until(() -> rabbitmqctl("-q", "eval", "rabbit_alarm:get_alarms().").contains("memory"));
            started = System.nanoTime();
            refused = callback(SECRET, "{\"contentId\": \"" + contentId + "\"}");
        } finally {
            rabbitmqctl("set_vm_memory_high_watermark", "0.4");
        }
        try {
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(6));
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(refused.body()).doesNotContain("success");

            await().atMost(15, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500))
                    .until(() -> !rabbitmqctl("-q", "eval", "rabbit_alarm:get_alarms().").contains("memory"));
            // the worker retries: accepted once the broker takes publishes again
            HttpResponse<String> accepted = await().atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500))
                    .until(() -> callback(SECRET, "{\"contentId\": \"" + contentId + "\"}"), r -> r.statusCode() == 200);
            String acceptedId = json.readTree(accepted.body()).path("eventId").asText();

            // what the 200 acknowledged is on the broker; the refused publish may have arrived late (at least once),
            // and the consumer's contentId window turns both into one webhook call
            List<String> seen = new ArrayList<>();
            Message message;
            while ((message = rabbit.receive(probe.getName(), 2000)) != null) {
                JsonNode event = json.readTree(message.getBody());
                assertThat(event.path("contentId").asText()).isEqualTo(contentId);
                seen.add(event.path("eventId").asText());
            }
            assertThat(seen).contains(acceptedId).hasSizeLessThanOrEqualTo(2);
            await().atMost(15, TimeUnit.SECONDS).until(() -> webhookCalls(contentId) == 1);
            await().during(1, TimeUnit.SECONDS).atMost(2, TimeUnit.SECONDS).until(() -> webhookCalls(contentId) == 1);
        } finally {
            resources.amqpAdmin().deleteQueue(probe.getName());
        }
    }

    @Test
    void theCleanupDeletesKeysOlderThanTheRetention() {
        resources.jdbc().update("INSERT INTO extraction_idempotency (scope, message_key, claimed_at, confirmed) "
                + "VALUES ('event', 'old-key', now() - interval '8 days', TRUE), ('event', 'fresh-key', now(), TRUE)");
        producer.sendBody("direct:extraction-idempotency-cleanup", null);
        assertThat(resources.jdbc().queryForList("SELECT message_key FROM extraction_idempotency", String.class))
                .containsExactly("fresh-key");
    }

    // ---------------------------------------------------------------- helpers

    private void stubWebhook(int status) {
        wireMock.stubFor(post(urlEqualTo(WEBHOOK)).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody("{}")));
    }

    private int webhookCalls(String contentId) {
        return wireMock.findAll(postRequestedFor(urlEqualTo(WEBHOOK)).withRequestBody(containing(contentId))).size();
    }

    private boolean confirmedKey(String scope, String key) {
        Integer rows = resources.jdbc().queryForObject(
                "SELECT count(*) FROM extraction_idempotency WHERE scope = ? AND message_key = ? AND confirmed",
                Integer.class, scope, key);
        return rows != null && rows > 0;
    }

    private int queueDepth(String queue) {
        var info = resources.amqpAdmin().getQueueInfo(queue);
        return info == null ? 0 : info.getMessageCount();
    }

    private Queue probeQueue() {
        // not exclusive: it must outlive a connection the broker's alarm may make the hub re-open
        Queue probe = new Queue("extraction.it-probe." + UUID.randomUUID(), false, false, false);
        resources.amqpAdmin().declareQueue(probe);
        Binding binding = BindingBuilder.bind(probe).to(new TopicExchange(EXCHANGE)).with(ROUTING_KEY);
        resources.amqpAdmin().declareBinding(binding);
        return probe;
    }

    private void publish(String body, String messageId) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType("application/json");
        properties.setMessageId(messageId);
        properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        rabbit.send(EXCHANGE, ROUTING_KEY, new Message(body.getBytes(StandardCharsets.UTF_8), properties));
    }

    private Message awaitMessage(String queue, int seconds) {
        Message[] holder = new Message[1];
        await().atMost(seconds, TimeUnit.SECONDS).until(() -> (holder[0] = rabbit.receive(queue, 500)) != null);
        return holder[0];
    }

    private URI callbackUri() {
        return URI.create("http://127.0.0.1:" + internalPort + "/extraction/internal/completed");
    }

    private HttpResponse<String> callback(String secret, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(callbackUri()).timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (secret != null) {
            request.header("X-Internal-Secret", secret);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> chunkedCallback(int padding) throws IOException, InterruptedException {
        byte[] big = ("{\"contentId\": \"x\", \"pad\": \"" + "x".repeat(padding) + "\"}").getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(callbackUri()).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("X-Internal-Secret", SECRET)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String rabbitmqctl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("rabbitmqctl");
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("rabbitmqctl " + String.join(" ", args) + " failed: " + output);
        }
        return output;
    }
}
