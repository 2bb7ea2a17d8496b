package routes.eventbridge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.resilience4j.ResilienceProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.StreamOffset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import routes.support.HubIntegrationTest;
import routes.support.HubResources;
import routes.support.TestInfrastructure;

/**
 * The event bridge against the real Redis and RabbitMQ with WireMock as the Python event API
 * ({@code TestInfrastructure.peerUrl("python")}). The periodic health check is driven directly
 * ({@code direct:event-bridge-python-health}) instead of waiting for its 30 s timer.
 */
@HubIntegrationTest
class EventBridgeIT {

    private static final String PAST_MINUTE_KEY = "metrics:events:2025-01-10T16:45";
    private static final String OUTBOX_ROUTE_ID = "eventBridgePythonOutbox";
    private final HttpClient http = HttpClient.newHttpClient();
    private final WireMockServer python = TestInfrastructure.wireMock();
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @LocalServerPort
    int port;

    @Autowired
    HubResources resources;

    @Autowired
    ProducerTemplate producer;

    @Autowired
    CamelContext camel;

    @Autowired
    ObjectMapper json;

    @Autowired
    PythonBridge bridge;

    @Autowired
    EventBridgeSettings settings;

    @BeforeEach
    void pythonHealthyAndNothingParked() throws Exception {
        resetPythonStubs();
        python.stubFor(get(urlPathEqualTo("/python/health")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"status\": \"healthy\"}")));
        python.stubFor(post(urlPathEqualTo("/python/events")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"status\": \"processed\"}")));
        camel.getRouteController().stopRoute(PythonBridge.REPLAY_ROUTE_ID);
        resources.purgeQueues(settings.python().outboxQueue(), settings.python().parkingQueue(), settings.python().deadLetterQueue());
        camel.getRouteController().startRoute(OUTBOX_ROUTE_ID);
        camel.getProcessor(PythonBridge.BREAKER_ID, ResilienceProcessor.class).transitionToCloseState();
        checkPythonHealth();
        await().atMost(Duration.ofSeconds(5)).until(() -> !bridge.backlog());
        python.removeServeEventsMatching(postRequestedFor(urlPathMatching("/python/.*")).build());
        python.removeServeEventsMatching(com.github.tomakehurst.wiremock.client.WireMock
                .getRequestedFor(urlPathMatching("/python/.*")).build());
    }

    @AfterEach
    void cleanUp() throws Exception {
        // a test that stopped the outbox consumer does not leave it stopped for the next one (shared context)
        camel.getRouteController().startRoute(OUTBOX_ROUTE_ID);
        resources.deleteKeys("events:it-eb-" + run + "*", "features:it-eb-" + run + "*",
                "ml:serving:features:it-eb-" + run + "*", PAST_MINUTE_KEY);
    }

    @Test
    void everySinkIsWrittenAndTheBridgeApiShowsIt() throws Exception {
        String user = "it-eb-" + run + "-driver";
        String type = "it_ride_" + run;
        HttpResponse<String> response = postJson("/api/ml/events/ingest", """
                {"source": "it_app_%3$s", "events": [
                  {"event_type": "%2$s", "user_id": "%1$s", "session_id": "s1", "timestamp": "2025-01-10T16:45:30Z",
                   "request_id": "r1", "response": "accepted", "response_time": 3.2},
                  {"event_type": "%2$s", "timestamp": "2025-01-10T16:45:31Z"},
                  {"event_type": "%2$s", "user_id": "%1$s", "session_id": "s1", "timestamp": "2025-01-10T16:45:40Z",
                   "request_id": "r2", "response": "rejected", "response_time": 4.8, "location": {"lat": 1.5, "lng": 2.5}}]}
                """.formatted(user, type, run));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode answer = json.readTree(response.body());
        assertThat(answer.path("accepted").asInt()).isEqualTo(2);
        assertThat(answer.path("rejected").asInt()).isEqualTo(1);
        assertThat(answer.path("rejected_events").get(0).path("index").asInt()).isEqualTo(1);
        assertThat(answer.path("rejected_events").get(0).path("field").asText()).isEqualTo("user_id");

        // 1. storage: the user's stream, in order
        List<MapRecord<String, Object, Object>> stream = resources.redis().opsForStream()
                .read(StreamOffset.fromStart("events:" + user));
        assertThat(stream).hasSize(2);
        assertThat(stream.get(0).getValue()).containsEntry("event_type", type).containsEntry("source", "it_app_" + run)
                .containsEntry("timestamp", "2025-01-10T16:45:30Z");
        JsonNode stored = json.readTree((String) stream.get(1).getValue().get("event"));
        assertThat(stored.path("data").path("request_id").asText()).isEqualTo("r2");
        assertThat(stored.path("location").path("lat").asDouble()).isEqualTo(1.5);
        // 2. aggregations: the minute of the events
        Map<Object, Object> minute = resources.redis().opsForHash().entries(PAST_MINUTE_KEY);
        assertThat(minute).containsEntry("event_type:" + type, "2").containsEntry("source:it_app_" + run, "2");
        assertThat(resources.redis().getExpire(PAST_MINUTE_KEY)).isPositive();
        // 3. features
        Map<Object, Object> features = resources.redis().opsForHash().entries("features:" + user);
        assertThat(features).containsEntry("event_count", "2").containsEntry("accepted_count", "1")
                .containsEntry("rejected_count", "1").containsEntry("acceptance_rate", "0.5")
                .containsEntry("avg_response_time", "4").containsEntry("recent_rejections", "1")
                .containsEntry("last_event_at", "2025-01-10T16:45:40Z");
        // 4. Python: one batch with both events in its format
        await().atMost(Duration.ofSeconds(10)).until(() -> eventsPostedFor(user).size() == 2);
        JsonNode first = eventsPostedFor(user).get(0);
        assertThat(first.path("data").path("response").asText()).isEqualTo("accepted");
        assertThat(first.path("device_type").asText()).isEqualTo("android");
        assertThat(first.path("location").path("lat").asDouble()).isEqualTo(14.5995);

        // the bridge API: features (with the TypeScript side's) and health
        resources.redis().opsForHash().put("ml:serving:features:" + user, "ts_score", "0.9");
        JsonNode combined = json.readTree(getBody("/api/ml/bridge/python?action=features&user_id=" + user));
        assertThat(combined.path("python_features").path("features").path("acceptance_rate").asDouble()).isEqualTo(0.5);
        assertThat(combined.path("combined_features").path("typescript_features").path("ts_score").asDouble()).isEqualTo(0.9);
        assertThat(combined.path("combined_features").path("combined").path("event_count").asInt()).isEqualTo(2);
        assertThat(combined.path("combined_features").path("combined").path("ts_score").asDouble()).isEqualTo(0.9);

        JsonNode health = json.readTree(getBody("/api/ml/bridge/python?action=health"));
        assertThat(health.path("status").asText()).isEqualTo("healthy");
        assertThat(health.path("circuit_breaker").path("state").asText()).isEqualTo("CLOSED");

        HttpResponse<String> probe = postJson("/api/ml/bridge/python", "{\"action\": \"test_integration\"}");
        assertThat(probe.statusCode()).as(probe.body()).isEqualTo(200);
        JsonNode sinks = json.readTree(probe.body()).path("sinks");
        for (String sink : List.of("storage", "aggregations", "features", "python")) {
            assertThat(sinks.path(sink).path("ok").asBoolean()).as(sink + " in " + probe.body()).isTrue();
            assertThat(sinks.path(sink).has("latency_ms")).isTrue();
        }
        resources.deleteKeys("events:" + IntegrationProbe.USER_ID, "features:" + IntegrationProbe.USER_ID);

        // hybrid_process: all sinks, as the ingest
        HttpResponse<String> hybrid = postJson("/api/ml/bridge/python", "{\"action\": \"hybrid_process\", \"source\": \"it\", "
                + "\"events\": [{\"event_type\": \"" + type + "\", \"user_id\": \"" + user + "\", \"timestamp\": \"2025-01-10T16:45:50Z\"}]}");
        assertThat(hybrid.statusCode()).as(hybrid.body()).isEqualTo(202);
        assertThat(json.readTree(hybrid.body()).path("accepted").asInt()).isEqualTo(1);
        assertThat(resources.redis().opsForStream().size("events:" + user)).isEqualTo(3);
        assertThat(resources.redis().opsForHash().get(PAST_MINUTE_KEY, "event_type:" + type)).isEqualTo("3");
        await().atMost(Duration.ofSeconds(10)).until(() -> eventsPostedFor(user).size() == 3);

        // the endpoints are documented in the OpenAPI document
        String openApi = getBody("/api/openapi.json");
        assertThat(openApi).contains("/api/ml/events/ingest").contains("/api/ml/bridge/python");
    }

    @Test
    void pythonDownParksEverythingAndTheReplaySendsItOnceInOrder() throws Exception {
        String user = "it-eb-" + run + "-order";
        stubPython(503);

        long parkFailuresBefore = total("park_failures");
        // three requests, each its own batch: the first fails and is parked, the others queue behind it
        for (int request = 0; request < 3; request++) {
            long parkedBefore = parkedTotal();
            assertThat(ingest(user, request * 2, 2).statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(10)).until(() -> parkedTotal() > parkedBefore);
        }
        // at most the first batch tried Python (none when the 30 s health check happened to open the breaker first)
        assertThat(python.findAll(postRequestedFor(urlPathEqualTo("/python/events")))).as("batches sent past a parked one")
                .hasSizeLessThanOrEqualTo(1);

        await().atMost(Duration.ofSeconds(5)).until(() -> bridge.parkedBatches() == 3);
        checkPythonHealth();
        JsonNode health = json.readTree(getBody("/api/ml/bridge/python?action=health"));
        assertThat(health.path("status").asText()).isEqualTo("unhealthy");
        assertThat(health.path("last_check").path("http_status").asInt()).isEqualTo(503);
        assertThat(health.path("circuit_breaker").path("state").asText()).isEqualTo("OPEN");
        assertThat(health.path("parked_batches").asInt()).isEqualTo(3);
        JsonNode actuator = json.readTree(http.send(HttpRequest.newBuilder(url("/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        assertThat(actuator.path("components").path("pythonBridge").path("status").asText()).isEqualTo("DOWN");
        assertThat(actuator.path("components").path("pythonBridge").path("details").path("circuit_breaker").path("state").asText())
                .isEqualTo("OPEN");

        // while the breaker is open, new events are parked too
        long parkedBefore = parkedTotal();
        ingest(user, 6, 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> parkedTotal() > parkedBefore);
        await().atMost(Duration.ofSeconds(5)).until(() -> bridge.parkedBatches() == 4);

        // Python is back: the next health check replays the parked batches, once each, in order
        stubPython(200);
        python.removeServeEventsMatching(postRequestedFor(urlPathMatching("/python/.*")).build());
        checkPythonHealth();
        await().atMost(Duration.ofSeconds(15)).until(() -> eventsPostedFor(user).size() >= 8 && bridge.parkedBatches() == 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> !bridge.replaying());
        assertThat(eventsPostedFor(user)).extracting(e -> e.path("data").path("seq").asInt())
                .containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        // each replayed batch under the key of its request (outbox message id and batch index), all different
        List<String> keys = python.findAll(postRequestedFor(urlPathEqualTo("/python/events"))).stream()
                .filter(call -> call.getBodyAsString().contains(user)).map(call -> call.getHeader("Idempotency-Key")).toList();
        assertThat(keys).hasSize(4).doesNotContainNull().doesNotHaveDuplicates().allMatch(key -> key.endsWith("-0"));
        assertThat(bridge.backlog()).isFalse();
        assertThat(total("park_failures")).isEqualTo(parkFailuresBefore);
        assertThat(bridge.breakerState()).isEqualTo("CLOSED");
        assertThat(json.readTree(getBody("/api/ml/bridge/python?action=health")).path("status").asText()).isEqualTo("healthy");

        // and new events go straight to Python again
        long parkedAfter = parkedTotal();
        ingest(user, 8, 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> eventsPostedFor(user).size() == 9);
        assertThat(parkedTotal()).isEqualTo(parkedAfter);
        assertThat(resources.redis().opsForStream().size("events:" + user)).isEqualTo(9);
    }

    @Test
    void slowPythonDoesNotSlowStorageOrAggregations() throws Exception {
        String user = "it-eb-" + run + "-slow";
        python.stubFor(post(urlPathEqualTo("/python/events")).willReturn(aResponse().withStatus(200).withFixedDelay(2000)));

        long parkedBefore = parkedTotal();
        long deliveredBefore = total("delivered_batches");
        long started = System.nanoTime();
        HttpResponse<String> response = ingest(user, 0, 3);
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(millis).as("ingest answered while Python takes 2 s").isLessThan(1000);
        // written before the answer, not after Python
        assertThat(resources.redis().opsForStream().size("events:" + user)).isEqualTo(3);
        assertThat(resources.redis().opsForHash().get("features:" + user, "event_count")).isEqualTo("3");
        String minute = EventCounters.keyFor((String) resources.redis().opsForStream()
                .read(StreamOffset.fromStart("events:" + user)).get(0).getValue().get("timestamp"));
        assertThat(resources.redis().opsForHash().get(minute, "event_type:it_seq_" + run)).isEqualTo("3");
        resources.redis().opsForHash().delete(minute, "event_type:it_seq_" + run);
        await().atMost(Duration.ofSeconds(10)).until(() -> eventsPostedFor(user).size() == 3);
        // slow but within PYTHON_SERVICE_TIMEOUT: delivered once Python answers, not parked
        await().atMost(Duration.ofSeconds(10)).until(() -> total("delivered_batches") > deliveredBefore);
        assertThat(parkedTotal()).isEqualTo(parkedBefore);
    }

    @Test
    void aBatchPythonRefusesIsDeadLetteredNotParked() throws Exception {
        String user = "it-eb-" + run + "-refused";
        python.stubFor(post(urlPathEqualTo("/python/events")).willReturn(aResponse().withStatus(422)
                .withBody("{\"detail\": \"session_id field required\"}")));

        HttpResponse<String> response = postJson("/api/ml/bridge/python",
                "{\"action\": \"send_batch\", \"events\": [{\"event_type\": \"a\", \"user_id\": \"" + user + "\"}, {\"user_id\": 1}]}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = json.readTree(response.body());
        assertThat(answer.path("action").asText()).isEqualTo("send_batch");
        assertThat(answer.path("accepted").asInt()).isEqualTo(1);
        assertThat(answer.path("rejected").asInt()).isEqualTo(1);
        assertThat(answer.path("python").asText()).isEqualTo("rejected");
        org.springframework.amqp.core.Message dead = resources.amqpAdmin() instanceof org.springframework.amqp.rabbit.core.RabbitAdmin admin
                ? admin.getRabbitTemplate().receive(settings.python().deadLetterQueue(), 5000) : null;
        assertThat(dead).isNotNull();
        assertThat(new String(dead.getBody(), java.nio.charset.StandardCharsets.UTF_8)).contains(user);
        assertThat(dead.getMessageProperties().getHeaders().get("x-dead-letter-reason").toString())
                .contains("HTTP 422").contains("session_id field required");
        assertThat(bridge.backlog()).isFalse();
        assertThat(bridge.parkedBatches()).isZero();
    }

    @Test
    void anAcceptedRequestIsOneDurableOutboxMessageBeforeTheAnswerAndReachesPythonOnceTheConsumerRuns() throws Exception {
        String user = "it-eb-" + run + "-outbox";
        String queue = settings.python().outboxQueue();
        // no consumer: whatever the 202 promised must be waiting in RabbitMQ, not in the hub's memory
        camel.getRouteController().stopRoute(OUTBOX_ROUTE_ID);
        assertThat(outboxMessages()).isZero();

        HttpResponse<String> response = ingest(user, 0, 3);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(outboxMessages()).as("messages in " + queue).isEqualTo(1);
        JsonNode message = json.readTree(peekOutbox());
        assertThat(message.isArray()).isTrue();
        assertThat(message).extracting(e -> e.path("user_id").asText()).containsOnly(user);
        assertThat(message).extracting(e -> e.path("data").path("seq").asInt()).containsExactly(0, 1, 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> outboxMessages() == 1);
        assertThat(eventsPostedFor(user)).as("sent to Python without the outbox consumer").isEmpty();
        // the Redis sinks were written before the answer, as before
        assertThat(resources.redis().opsForStream().size("events:" + user)).isEqualTo(3);

        camel.getRouteController().startRoute(OUTBOX_ROUTE_ID);

        await().atMost(Duration.ofSeconds(15)).until(() -> eventsPostedFor(user).size() == 3);
        assertThat(eventsPostedFor(user)).extracting(e -> e.path("data").path("seq").asInt()).containsExactly(0, 1, 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> outboxMessages() == 0);
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private long outboxMessages() {
        org.springframework.amqp.core.QueueInformation info = resources.amqpAdmin().getQueueInfo(settings.python().outboxQueue());
        assertThat(info).as("outbox queue declared").isNotNull();
        return info.getMessageCount();
    }

    /**
     * The body of the outbox's first message, which stays in the queue: received, never acked, by a consumer on a
     * connection of its own (basic.get is refused on a quorum queue with single active consumer); closing the
     * connection puts the message back.
     */
    private String peekOutbox() throws Exception {
        org.springframework.amqp.rabbit.core.RabbitTemplate rabbit =
                ((org.springframework.amqp.rabbit.core.RabbitAdmin) resources.amqpAdmin()).getRabbitTemplate();
        java.util.concurrent.BlockingQueue<byte[]> received = new java.util.concurrent.LinkedBlockingQueue<>();
        // a connection of its own, really closed at the end (a cached channel would keep the message and the consumer)
        com.rabbitmq.client.ConnectionFactory raw =
                ((org.springframework.amqp.rabbit.connection.AbstractConnectionFactory) rabbit.getConnectionFactory())
                        .getRabbitConnectionFactory();
        try (com.rabbitmq.client.Connection connection = raw.newConnection("EventBridgeIT-peek")) {
            com.rabbitmq.client.Channel channel = connection.createChannel();
            channel.basicQos(1);
            channel.basicConsume(settings.python().outboxQueue(), false, new com.rabbitmq.client.DefaultConsumer(channel) {
                @Override
                public void handleDelivery(String consumerTag, com.rabbitmq.client.Envelope envelope,
                                           com.rabbitmq.client.AMQP.BasicProperties properties, byte[] body) {
                    received.add(body);
                }
            });
            byte[] body = received.poll(5, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(body).as("a message in the outbox").isNotNull();
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private HttpResponse<String> ingest(String user, int firstSeq, int count) throws Exception {
        StringBuilder events = new StringBuilder();
        for (int i = 0; i < count; i++) {
            events.append(i == 0 ? "" : ",").append("{\"event_type\": \"it_seq_").append(run).append("\", \"user_id\": \"").append(user)
                    .append("\", \"seq\": ").append(firstSeq + i).append('}');
        }
        return postJson("/api/ml/events/ingest", "{\"source\": \"it\", \"events\": [" + events + "]}");
    }

    private void stubPython(int status) {
        resetPythonStubs();
        python.stubFor(get(urlPathEqualTo("/python/health")).willReturn(aResponse().withStatus(status)));
        python.stubFor(post(urlPathEqualTo("/python/events")).willReturn(aResponse().withStatus(status)));
    }

    private void resetPythonStubs() {
        for (StubMapping stub : new ArrayList<>(python.getStubMappings())) {
            String url = stub.getRequest().getUrlPath() != null ? stub.getRequest().getUrlPath() : stub.getRequest().getUrl();
            if (url != null && url.startsWith("/python/")) {
                python.removeStub(stub);
            }
        }
    }

    private void checkPythonHealth() {
        producer.sendBody("direct:event-bridge-python-health", null);
    }

    private long parkedTotal() {
        return total("parked_batches");
    }

    private long total(String name) {
        @SuppressWarnings("unchecked")
        Map<String, Object> totals = (Map<String, Object>) bridge.report().get("totals");
        return ((Number) totals.get(name)).longValue();
    }

    /** Every event the Python stub received for this user, in the order received. */
    private List<JsonNode> eventsPostedFor(String user) throws Exception {
        List<LoggedRequest> requests = new ArrayList<>(python.findAll(postRequestedFor(urlPathEqualTo("/python/events"))));
        requests.sort(java.util.Comparator.comparing(LoggedRequest::getLoggedDate));
        List<JsonNode> events = new ArrayList<>();
        for (LoggedRequest request : requests) {
            for (JsonNode event : json.readTree(request.getBodyAsString())) {
                if (user.equals(event.path("user_id").asText())) {
                    events.add(event);
                }
            }
        }
        return events;
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private HttpResponse<String> postJson(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(url(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String getBody(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(url(path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return response.body();
    }
}
