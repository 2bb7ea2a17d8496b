package routes.shared.deadletters;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.resilience4j.ResilienceProcessor;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.AbstractConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;

import routes.support.HubIntegrationTest;
import routes.support.HubResources;
import routes.support.TestInfrastructure;

/**
 * Dead-letter re-drive of every flow against the real RabbitMQ and the in-JVM Kafka, over the internal listener
 * (X-Internal-Secret) and over Jolokia. The flows' consumers of the places a re-drive sends to are stopped during
 * each test, so what arrives there stays to be looked at (and is not dead-lettered again), and started afterwards.
 */
@HubIntegrationTest
class DeadLettersIT {

    private static final String SECRET = "it-secret";
    private static final String ENDPOINT = "transcript-consumer";
    private static final String ERROR = "transcript-consumer_error";
    private static final String SKIPPED = "transcript-consumer_skipped";
    private static final String EXTRACTION_EXCHANGE = "extraction.events";
    private static final String EXTRACTION_QUEUE = "extraction.completed";
    private static final String EXTRACTION_DLQ = "extraction.completed.dlq";
    private static final String PARKED = "event-bridge.python.parked";
    private static final String PYTHON_DLQ = "event-bridge.python.dead-letter";
    private static final String DLT = "video.transcribed.DLT";
    private static final String INPUT = "video.transcribed";
    /** Consumers of the places re-drives send to, and the timer that would start the Python replay by itself. */
    private static final List<String> STOPPED_ROUTES = List.of("transcriptsConsume", "extractionCompletedConsumer",
            "summariesConsume", "eventBridgePythonHealthTimer");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final WireMockServer wireMock = TestInfrastructure.wireMock();
    private final List<StubMapping> stubs = new ArrayList<>();
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Value("${hub.internal-listener.port}")
    int internalPort;

    @LocalServerPort
    int publicPort;

    @Value("${hub.kafka.brokers}")
    String brokers;

    @Autowired
    HubResources resources;

    @Autowired
    RabbitTemplate rabbit;

    @Autowired
    ConnectionFactory connectionFactory;

    @Autowired
    CamelContext camel;

    @Autowired
    ProducerTemplate producer;

    @Autowired
    ObjectMapper json;

    @Autowired
    DeadLetterService service;

    @BeforeEach
    void stopConsumersAndEmptyThePlaces() throws Exception {
        for (String route : STOPPED_ROUTES) {
            camel.getRouteController().stopRoute(route);
        }
        camel.getRouteController().stopRoute("eventBridgePythonReplay");
        emptyQueues();
        // whatever earlier tests dead-lettered to Kafka no longer waits for the re-drive group
        service.purge(DLT, DLT);
    }

    @AfterEach
    void startConsumersAgain() throws Exception {
        stubs.forEach(wireMock::removeStubMapping);
        emptyQueues();
        service.purge(DLT, DLT);
        for (String route : STOPPED_ROUTES) {
            camel.getRouteController().startRoute(route);
        }
        // the Python bridge as the other tests expect it: breaker closed
        camel.getProcessor("eventBridgePythonBreaker", ResilienceProcessor.class).transitionToCloseState();
    }

    private void emptyQueues() {
        resources.purgeQueues(ENDPOINT, ERROR, SKIPPED, EXTRACTION_QUEUE, EXTRACTION_DLQ, PARKED, PYTHON_DLQ);
    }

    // ---- transcripts ------------------------------------------------------------------------------------------

    @Test
    void transcriptFaultsAreCountedPeekedAndReDrivenToTheEndpointWithTheirHeaders() throws Exception {
        for (int i = 1; i <= 3; i++) {
            publish(ERROR, "", faulted("error-" + i));
        }
        publish(SKIPPED, "", MessageBuilder.withBody(("{\"n\":\"skipped-" + run + "\"}").getBytes(StandardCharsets.UTF_8))
                .setMessageId("skipped-" + run).setHeader("MT-Reason", "dead-letter").build());

        JsonNode places = json.readTree(call("GET", "", SECRET).body()).path("places");
        assertThat(countOf(places, ERROR)).isEqualTo(3);
        assertThat(countOf(places, SKIPPED)).isEqualTo(1);
        assertThat(countOf(places, EXTRACTION_DLQ)).isZero();
        assertThat(places.findValuesAsText("place")).contains(PARKED, PYTHON_DLQ, DLT);

        HttpResponse<String> peek = call("GET", "/" + ERROR + "?limit=2", SECRET);
        assertThat(peek.statusCode()).isEqualTo(200);
        JsonNode peeked = json.readTree(peek.body());
        assertThat(peeked.path("count").asLong()).isEqualTo(3);
        assertThat(peeked.path("messages")).hasSize(2);
        JsonNode first = peeked.path("messages").get(0);
        assertThat(first.path("properties").path("messageId").asText()).isEqualTo("error-1-" + run);
        assertThat(first.path("headers").path("MT-Reason").asText()).isEqualTo("fault");
        assertThat(first.path("headers").path("MT-Fault-Message").asText()).isEqualTo("transcript-api answered 500");
        assertThat(first.path("headers").path("MT-Fault-RetryCount").asInt()).isEqualTo(3);
        assertThat(first.path("body").asText()).contains("error-1-" + run);
        assertThat(first.path("bodyEncoding").asText()).isEqualTo("utf-8");
        // a peek leaves them where they are
        assertThat(service.summary(ERROR).count()).isEqualTo(3);

        HttpResponse<String> redrive = call("POST", "/" + ERROR + "/redrive?limit=2", SECRET);
        assertThat(redrive.statusCode()).as(redrive.body()).isEqualTo(200);
        JsonNode result = json.readTree(redrive.body());
        assertThat(result.path("moved").asLong()).isEqualTo(2);
        assertThat(result.path("remaining").asLong()).isEqualTo(1);
        assertThat(result.path("complete").asBoolean()).isTrue();

        // on the endpoint's queue, headers kept, the re-drive recorded. (Which two: RabbitMQ 3.10 puts the messages a
        // peek handed back behind the others of a quorum queue, so the peek above changed the order.)
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            Message back = rabbit.receive(ENDPOINT, 5000);
            assertThat(back).as("re-driven message %d on %s", i, ENDPOINT).isNotNull();
            ids.add(back.getMessageProperties().getMessageId());
            assertThat(back.getMessageProperties().getContentType()).isEqualTo("application/vnd.masstransit+json");
            assertThat(back.getMessageProperties().getReceivedExchange()).isEqualTo(ENDPOINT);
            Map<String, Object> headers = back.getMessageProperties().getHeaders();
            assertThat(headers).containsEntry("MT-Reason", "fault")
                    .containsEntry("MT-Fault-ExceptionType", "routes.transcripts.TranscriptApiFailed")
                    .containsEntry("MT-Fault-Message", "transcript-api answered 500")
                    .containsEntry(RabbitQueuePlace.REDRIVEN_FROM, ERROR)
                    .containsKey(RabbitQueuePlace.REDRIVEN_AT)
                    .doesNotContainKey("x-delivery-count");
            assertThat(new String(back.getBody(), StandardCharsets.UTF_8)).contains(back.getMessageProperties().getMessageId());
        }
        assertThat(rabbit.receive(ENDPOINT, 200)).isNull();

        JsonNode rest = json.readTree(call("POST", "/" + ERROR + "/redrive?limit=all", SECRET).body());
        assertThat(rest.path("moved").asLong()).isEqualTo(1);
        ids.add(rabbit.receive(ENDPOINT, 5000).getMessageProperties().getMessageId());
        assertThat(ids).containsExactlyInAnyOrder("error-1-" + run, "error-2-" + run, "error-3-" + run);

        // without a peek before it, a re-drive keeps the queue's order
        for (int i = 1; i <= 3; i++) {
            publish(ERROR, "", faulted("ordered-" + i));
        }
        assertThat(json.readTree(call("POST", "/" + ERROR + "/redrive?limit=all", SECRET).body()).path("moved").asLong()).isEqualTo(3);
        for (int i = 1; i <= 3; i++) {
            assertThat(rabbit.receive(ENDPOINT, 5000).getMessageProperties().getMessageId()).isEqualTo("ordered-" + i + "-" + run);
        }

        JsonNode skipped = json.readTree(call("POST", "/" + SKIPPED + "/redrive?limit=all", SECRET).body());
        assertThat(skipped.path("moved").asLong()).isEqualTo(1);
        Message fromSkipped = rabbit.receive(ENDPOINT, 5000);
        assertThat(fromSkipped.getMessageProperties().getMessageId()).isEqualTo("skipped-" + run);
        assertThat(fromSkipped.getMessageProperties().getHeaders()).containsEntry("MT-Reason", "dead-letter")
                .containsEntry(RabbitQueuePlace.REDRIVEN_FROM, SKIPPED);
        assertThat(service.summary(ERROR).count()).isZero();
        assertThat(service.summary(SKIPPED).count()).isZero();
    }

    // ---- extraction -------------------------------------------------------------------------------------------

    @Test
    void extractionDeadLettersGoBackToTheExchangeAndKeyTheyCameFrom() throws Exception {
        // one dead-lettered by the hub (x-original-* headers), one by the broker itself (x-death)
        publish("", EXTRACTION_DLQ, MessageBuilder.withBody(("{\"contentId\":\"hub-" + run + "\"}").getBytes(StandardCharsets.UTF_8))
                .setMessageId("hub-" + run).setContentType("application/json")
                .setHeader("x-dead-letter-reason", "webhook rejected the event with HTTP 422")
                .setHeader("x-original-exchange", EXTRACTION_EXCHANGE)
                .setHeader("x-original-routing-key", "extraction.completed").build());
        publish(EXTRACTION_EXCHANGE, "extraction.completed", MessageBuilder.withBody(("{\"contentId\":\"broker-" + run + "\"}")
                .getBytes(StandardCharsets.UTF_8)).setMessageId("broker-" + run).build());
        Message rejected = rabbit.execute(channel -> {
            var got = channel.basicGet(EXTRACTION_QUEUE, false);
            channel.basicReject(got.getEnvelope().getDeliveryTag(), false);
            return new Message(got.getBody());
        });
        assertThat(new String(rejected.getBody(), StandardCharsets.UTF_8)).contains("broker-" + run);
        await().atMost(Duration.ofSeconds(5)).until(() -> service.summary(EXTRACTION_DLQ).count() == 2);

        JsonNode peeked = json.readTree(call("GET", "/" + EXTRACTION_DLQ, SECRET).body());
        assertThat(peeked.path("messages")).hasSize(2);
        assertThat(peeked.path("messages").get(0).path("headers").path("x-dead-letter-reason").asText())
                .isEqualTo("webhook rejected the event with HTTP 422");
        JsonNode death = peeked.path("messages").get(1).path("headers").path("x-death").get(0);
        assertThat(death.path("queue").asText()).isEqualTo(EXTRACTION_QUEUE);
        assertThat(death.path("reason").asText()).isEqualTo("rejected");
        assertThat(death.path("exchange").asText()).isEqualTo(EXTRACTION_EXCHANGE);

        JsonNode result = json.readTree(call("POST", "/" + EXTRACTION_DLQ + "/redrive?limit=all", SECRET).body());
        assertThat(result.path("moved").asLong()).isEqualTo(2);
        assertThat(result.path("remaining").asLong()).isZero();

        Message hub = rabbit.receive(EXTRACTION_QUEUE, 5000);
        assertThat(hub.getMessageProperties().getMessageId()).isEqualTo("hub-" + run);
        assertThat(hub.getMessageProperties().getReceivedExchange()).isEqualTo(EXTRACTION_EXCHANGE);
        assertThat(hub.getMessageProperties().getReceivedRoutingKey()).isEqualTo("extraction.completed");
        assertThat(hub.getMessageProperties().getHeaders()).containsEntry("x-dead-letter-reason", "webhook rejected the event with HTTP 422")
                .containsKey(RabbitQueuePlace.REDRIVEN_AT);
        Message broker = rabbit.receive(EXTRACTION_QUEUE, 5000);
        assertThat(broker.getMessageProperties().getMessageId()).isEqualTo("broker-" + run);
        assertThat(broker.getMessageProperties().getReceivedExchange()).isEqualTo(EXTRACTION_EXCHANGE);
        assertThat(broker.getMessageProperties().getHeaders()).containsKey("x-death").containsKey(RabbitQueuePlace.REDRIVEN_AT);
    }

    // ---- event bridge -----------------------------------------------------------------------------------------

    @Test
    void aRefusedPythonBatchIsReDrivenIntoTheParkingQueueAndTheReplaySendsItToPython() throws Exception {
        // Python down: the health check the re-drive runs does not start the replay, so the batch stays parked
        stub(wireMock.stubFor(get(urlPathEqualTo("/python/health")).atPriority(1).willReturn(aResponse().withStatus(503))));
        String user = "it-dl-" + run;
        publish("", PYTHON_DLQ, MessageBuilder.withBody(("[{\"event_type\":\"x\",\"user_id\":\"" + user + "\"}]").getBytes(StandardCharsets.UTF_8))
                .setContentType("application/json").setHeader("x-python-status", "422")
                .setHeader("x-dead-letter-reason", "Python event API refused the batch with HTTP 422").build());

        JsonNode peeked = json.readTree(call("GET", "/" + PYTHON_DLQ + "?limit=5", SECRET).body());
        assertThat(peeked.path("messages").get(0).path("headers").path("x-python-status").asText()).isEqualTo("422");

        JsonNode moved = json.readTree(call("POST", "/" + PYTHON_DLQ + "/redrive?limit=1", SECRET).body());
        assertThat(moved.path("moved").asLong()).isEqualTo(1);
        assertThat(service.summary(PYTHON_DLQ).count()).isZero();
        assertThat(service.summary(PARKED).count()).isEqualTo(1);
        JsonNode parked = json.readTree(call("GET", "/" + PARKED, SECRET).body()).path("messages").get(0);
        assertThat(parked.path("headers").path("x-dead-letter-reason").asText()).contains("HTTP 422");
        assertThat(parked.path("headers").path(RabbitQueuePlace.REDRIVEN_FROM).asText()).isEqualTo(PYTHON_DLQ);
        assertThat(parked.path("body").asText()).contains(user);

        // re-driving the parking queue while Python is down: refused, nothing lost
        HttpResponse<String> whileDown = call("POST", "/" + PARKED + "/redrive?limit=all", SECRET);
        assertThat(whileDown.statusCode()).as(whileDown.body()).isEqualTo(502);
        assertThat(json.readTree(whileDown.body()).path("error").asText()).contains("health check");
        assertThat(service.summary(PARKED).count()).isEqualTo(1);

        // Python back: the re-drive's health check starts the replay, which posts the batch to Python
        stubs.forEach(wireMock::removeStubMapping);
        stubs.clear();
        stub(wireMock.stubFor(get(urlPathEqualTo("/python/health")).atPriority(1).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"status\":\"healthy\"}"))));
        stub(wireMock.stubFor(post(urlPathEqualTo("/python/events")).atPriority(1).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"status\":\"processed\"}"))));
        HttpResponse<String> replay = call("POST", "/" + PARKED + "/redrive?limit=all", SECRET);
        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> service.summary(PARKED).count() == 0
                && wireMock.findAll(postRequestedFor(urlPathEqualTo("/python/events"))).stream()
                        .anyMatch(r -> r.getBodyAsString().contains(user)));
    }

    // ---- summaries (Kafka) ------------------------------------------------------------------------------------

    @Test
    void kafkaDeadLettersAreReDrivenToTheInputTopicAndCommittedForTheReDriveGroup() throws Exception {
        try (KafkaProducer<String, String> kafka = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            for (int i = 1; i <= 3; i++) {
                ProducerRecord<String, String> record = new ProducerRecord<>(DLT, "video-" + run, "{\"dl\":\"" + run + "-" + i + "\"}");
                record.headers().add("x-dlt-reason", "llm_unavailable".getBytes(StandardCharsets.UTF_8));
                record.headers().add("x-dlt-exception", "routes.summaries.LlmUnavailable".getBytes(StandardCharsets.UTF_8));
                record.headers().add("x-dlt-attempts", "3".getBytes(StandardCharsets.UTF_8));
                kafka.send(record).get();
            }
        }
        assertThat(countOf(json.readTree(call("GET", "", SECRET).body()).path("places"), DLT)).isEqualTo(3);

        JsonNode peeked = json.readTree(call("GET", "/" + DLT + "?limit=2", SECRET).body());
        assertThat(peeked.path("count").asLong()).isEqualTo(3);
        assertThat(peeked.path("messages")).hasSize(2);
        JsonNode first = peeked.path("messages").get(0);
        assertThat(first.path("headers").path("x-dlt-reason").asText()).isEqualTo("llm_unavailable");
        assertThat(first.path("headers").path("x-dlt-exception").asText()).isEqualTo("routes.summaries.LlmUnavailable");
        assertThat(first.path("properties").path("key").asText()).isEqualTo("video-" + run);
        assertThat(first.path("body").asText()).isEqualTo("{\"dl\":\"" + run + "-1\"}");
        assertThat(service.summary(DLT).count()).as("a peek commits nothing").isEqualTo(3);

        JsonNode result = json.readTree(call("POST", "/" + DLT + "/redrive?limit=2", SECRET).body());
        assertThat(result.path("moved").asLong()).isEqualTo(2);
        assertThat(result.path("remaining").asLong()).isEqualTo(1);

        List<ConsumerRecord<String, String>> arrived = readInput(r -> r.value().contains(run), 2);
        assertThat(arrived).extracting(ConsumerRecord::value)
                .containsExactly("{\"dl\":\"" + run + "-1\"}", "{\"dl\":\"" + run + "-2\"}");
        for (ConsumerRecord<String, String> record : arrived) {
            assertThat(record.key()).isEqualTo("video-" + run);
            assertThat(header(record, "x-dlt-reason")).isEqualTo("llm_unavailable");
            assertThat(header(record, "x-dlt-attempts")).isEqualTo("3");
            assertThat(header(record, RabbitQueuePlace.REDRIVEN_FROM)).isEqualTo(DLT);
            assertThat(header(record, RabbitQueuePlace.REDRIVEN_AT)).isNotBlank();
        }
        // the next peek starts after what was re-driven
        JsonNode after = json.readTree(call("GET", "/" + DLT, SECRET).body());
        assertThat(after.path("messages")).hasSize(1);
        assertThat(after.path("messages").get(0).path("body").asText()).contains(run + "-3");

        assertThat(call("DELETE", "/" + DLT + "?confirm=7", SECRET).statusCode()).isEqualTo(409);
        JsonNode purged = json.readTree(call("DELETE", "/" + DLT + "?confirm=1", SECRET).body());
        assertThat(purged.path("purged").asLong()).isEqualTo(1);
        assertThat(service.summary(DLT).count()).isZero();
    }

    // ---- guarantees and refusals ------------------------------------------------------------------------------

    @Test
    void aReDriveThatFailsMidwayLosesNothing() throws Exception {
        String queue = "it-dead-letters-" + run;
        String good = "it-dead-letters-good-" + run;
        String unbound = "it-dead-letters-unbound-" + run;
        resources.amqpAdmin().declareQueue(new Queue(queue, false, false, true));
        resources.amqpAdmin().declareQueue(new Queue(good, false, false, true));
        resources.amqpAdmin().declareExchange(new FanoutExchange(unbound, false, true));
        try {
            // message 1 names a target that exists, 2 an exchange that does not exist, 3 one with no queue bound
            publish("", queue, origin("m1", "", good));
            publish("", queue, origin("m2", "it-no-such-exchange-" + run, ""));
            publish("", queue, origin("m3", unbound, ""));
            RabbitQueuePlace place = new RabbitQueuePlace(
                    ((AbstractConnectionFactory) connectionFactory).getRabbitConnectionFactory(), queue, "it",
                    RabbitRedriveTarget.origin("", good), Duration.ofSeconds(5), Clock.systemUTC(), null);
            assertThat(place.count()).isEqualTo(3);

            RedriveResult result = place.redrive(RedriveLimit.everything());
            assertThat(result.moved()).isEqualTo(1);
            assertThat(result.complete()).isFalse();
            assertThat(result.error()).contains("could not be published").contains("NOT_FOUND");
            assertThat(result.remaining()).isEqualTo(2);
            assertThat(rabbit.receive(good, 5000).getMessageProperties().getMessageId()).isEqualTo("m1");

            // the failed one and the one behind it are still there, unchanged (no re-drive header)
            List<DeadLetter> left = place.peek(10);
            assertThat(left).extracting(l -> l.properties().get("messageId")).containsExactlyInAnyOrder("m2", "m3");
            assertThat(left).allSatisfy(l -> assertThat(l.headers()).doesNotContainKey(RabbitQueuePlace.REDRIVEN_AT));

            // an unroutable (returned) publish is a failure too
            resources.purgeQueues(queue);
            publish("", queue, origin("m4", unbound, ""));
            RedriveResult returned = place.redrive(RedriveLimit.of(1));
            assertThat(returned.moved()).isZero();
            assertThat(returned.error()).contains("unroutable");
            assertThat(place.count()).isEqualTo(1);
        } finally {
            resources.amqpAdmin().deleteQueue(queue);
            resources.amqpAdmin().deleteQueue(good);
            resources.amqpAdmin().deleteExchange(unbound);
        }
    }

    @Test
    void theEndpointsRefuseCallersWithoutTheSecretAndBadRequests() throws Exception {
        publish(ERROR, "", faulted("guarded"));
        for (String secret : new String[] {null, "wrong"}) {
            assertThat(call("GET", "", secret).statusCode()).isEqualTo(401);
            assertThat(call("GET", "/" + ERROR, secret).statusCode()).isEqualTo(401);
            assertThat(call("POST", "/" + ERROR + "/redrive?limit=all", secret).statusCode()).isEqualTo(401);
            HttpResponse<String> purge = call("DELETE", "/" + ERROR + "?confirm=" + ERROR, secret);
            assertThat(purge.statusCode()).isEqualTo(401);
            assertThat(json.readTree(purge.body()).path("error").asText()).isEqualTo("unauthorized");
        }
        assertThat(service.summary(ERROR).count()).isEqualTo(1);
        // the previous secret still works during a rotation
        assertThat(call("GET", "", "it-secret-previous").statusCode()).isEqualTo(200);

        HttpResponse<String> unknown = call("GET", "/no-such-place", SECRET);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json.readTree(unknown.body()).path("error").asText()).isEqualTo("unknown_place");
        assertThat(call("POST", "/no-such-place/redrive?limit=1", SECRET).statusCode()).isEqualTo(404);
        assertThat(call("GET", "/" + ERROR + "/nothing/here", SECRET).statusCode()).isEqualTo(404);

        for (String path : new String[] {"/" + ERROR + "?limit=0", "/" + ERROR + "?limit=abc", "/" + ERROR + "?limit=101"}) {
            HttpResponse<String> bad = call("GET", path, SECRET);
            assertThat(bad.statusCode()).as(path).isEqualTo(400);
            assertThat(json.readTree(bad.body()).path("field").asText()).isEqualTo("limit");
        }
        assertThat(call("POST", "/" + ERROR + "/redrive", SECRET).statusCode()).isEqualTo(400);
        assertThat(call("POST", "/" + ERROR + "/redrive?limit=-1", SECRET).statusCode()).isEqualTo(400);
        assertThat(call("POST", "/" + ERROR + "/redrive?limit=some", SECRET).statusCode()).isEqualTo(400);
        assertThat(call("PUT", "/" + ERROR, SECRET).statusCode()).isEqualTo(405);
        assertThat(call("GET", "/" + ERROR + "/redrive", SECRET).statusCode()).isEqualTo(405);

        // a purge needs a confirmation: the name, or the count as it is now
        HttpResponse<String> unconfirmed = call("DELETE", "/" + ERROR, SECRET);
        assertThat(unconfirmed.statusCode()).isEqualTo(400);
        assertThat(json.readTree(unconfirmed.body()).path("field").asText()).isEqualTo("confirm");
        assertThat(call("DELETE", "/" + ERROR + "?confirm=" + SKIPPED, SECRET).statusCode()).isEqualTo(400);
        HttpResponse<String> stale = call("DELETE", "/" + ERROR + "?confirm=5", SECRET);
        assertThat(stale.statusCode()).isEqualTo(409);
        assertThat(json.readTree(stale.body()).path("message").asText()).contains("holds 1");
        assertThat(service.summary(ERROR).count()).isEqualTo(1);
        HttpResponse<String> purged = call("DELETE", "/" + ERROR + "?confirm=" + ERROR, SECRET);
        assertThat(purged.statusCode()).isEqualTo(200);
        assertThat(json.readTree(purged.body()).path("purged").asLong()).isEqualTo(1);
        assertThat(service.summary(ERROR).count()).isZero();
    }

    @Test
    void theOperationsAreOnJmxThroughJolokia() throws Exception {
        publish(SKIPPED, "", MessageBuilder.withBody("{}".getBytes(StandardCharsets.UTF_8)).setMessageId("jmx-" + run)
                .setHeader("MT-Reason", "dead-letter").build());
        HttpResponse<String> search = jolokia("/search/integration-hub:type=DeadLetters");
        assertThat(search.statusCode()).isEqualTo(200);
        JsonNode names = json.readTree(search.body()).path("value");
        assertThat(names).as("DeadLetters MBean; services MBeans: %s", java.lang.management.ManagementFactory.getPlatformMBeanServer()
                .queryNames(new javax.management.ObjectName("integration-hub:*"), null)).hasSize(1);
        String mbean = names.get(0).asText();

        JsonNode count = json.readTree(jolokia("/exec/" + mbean + "/count/" + SKIPPED).body());
        assertThat(count.path("value").asLong()).as(count.toString()).isEqualTo(1);
        JsonNode list = json.readTree(json.readTree(jolokia("/exec/" + mbean + "/listPlaces").body()).path("value").asText());
        assertThat(countOf(list, SKIPPED)).isEqualTo(1);
        JsonNode peek = json.readTree(json.readTree(jolokia("/exec/" + mbean + "/peek/" + SKIPPED + "/5").body()).path("value").asText());
        assertThat(peek.path("messages").get(0).path("headers").path("MT-Reason").asText()).isEqualTo("dead-letter");
        JsonNode refused = json.readTree(jolokia("/exec/" + mbean + "/purge/" + SKIPPED + "/3").body());
        assertThat(refused.path("error").asText()).contains("holds 1");
        JsonNode redrive = json.readTree(json.readTree(jolokia("/exec/" + mbean + "/redrive/" + SKIPPED + "/all").body()).path("value").asText());
        assertThat(redrive.path("moved").asLong()).isEqualTo(1);
        assertThat(rabbit.receive(ENDPOINT, 5000).getMessageProperties().getMessageId()).isEqualTo("jmx-" + run);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private Message faulted(String id) {
        return MessageBuilder.withBody(("{\"messageId\":\"" + id + "-" + run + "\",\"message\":{}}").getBytes(StandardCharsets.UTF_8))
                .setMessageId(id + "-" + run)
                .setContentType("application/vnd.masstransit+json")
                .setDeliveryMode(MessageDeliveryMode.PERSISTENT)
                .setHeader("MT-Reason", "fault")
                .setHeader("MT-Fault-ExceptionType", "routes.transcripts.TranscriptApiFailed")
                .setHeader("MT-Fault-Message", "transcript-api answered 500")
                .setHeader("MT-Fault-RetryCount", 3)
                .build();
    }

    private static Message origin(String id, String exchange, String routingKey) {
        return MessageBuilder.withBody(id.getBytes(StandardCharsets.UTF_8)).setMessageId(id)
                .setHeader("x-original-exchange", exchange).setHeader("x-original-routing-key", routingKey).build();
    }

    /** Publishes and waits for the broker's confirm. */
    private void publish(String exchange, String routingKey, Message message) {
        rabbit.invoke(template -> {
            template.send(exchange, routingKey, message);
            template.waitForConfirmsOrDie(5000);
            return null;
        });
    }

    private void stub(StubMapping mapping) {
        stubs.add(mapping);
    }

    private static long countOf(JsonNode places, String place) {
        for (JsonNode entry : places) {
            if (entry.path("place").asText().equals(place)) {
                assertThat(entry.path("error").isNull() || entry.path("error").isMissingNode()).as(entry.toString()).isTrue();
                return entry.path("count").asLong();
            }
        }
        throw new AssertionError("no place " + place + " in " + places);
    }

    private HttpResponse<String> call(String method, String path, String secret) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + internalPort + "/internal/dead-letters" + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (secret != null) {
            request.header("X-Internal-Secret", secret);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> jolokia(String path) throws Exception {
        String auth = Base64.getEncoder().encodeToString("it-admin:it-password".getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + publicPort + "/actuator/jolokia" + path))
                .header("Authorization", "Basic " + auth).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private List<ConsumerRecord<String, String>> readInput(java.util.function.Predicate<ConsumerRecord<String, String>> filter, int expected) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "dead-letters-it-" + run);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(INPUT).stream().map(p -> new TopicPartition(INPUT, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<String, String>> seen = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (seen.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (filter.test(r)) {
                        seen.add(r);
                    }
                });
            }
            return seen;
        }
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
